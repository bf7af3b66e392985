package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/smppstack/smpp/pdu"
)

const encodeSynopsis = `[JSON ...]

Encodes PDUs given as JSON objects (the form 'smpp decode' prints), one per
argument or, without arguments, one per line of standard input, and prints
each as lowercase hex on its own line. 'smpp encode' of 'smpp decode'
output reproduces the decoded bytes exactly.

  command_id       spec name ("submit_sm"), "0x00000004", or a number; required
  command_status   a number, or a status name ("ESME_RTHROTTLED"); default 0
  sequence_number  default 1
  command_length   computed when absent. When present and different from the
                   encoded length it is written as given, to craft frames
                   that lie about their length.
  sm_length        checked against short_message when present
  body             raw body as hex: when present it is sent verbatim and the
                   body fields are ignored (decode adds it only when the
                   fields cannot reproduce a frame); the body of an unknown
                   command_id
  other keys       the PDU's fields under their spec names, as decode prints
                   them; unknown names are an error

A response with a non-zero command_status and command_length 16 is sent
header only; otherwise its body is sent. A line that cannot be encoded is
reported on standard error, the other inputs are still encoded, and the
exit status is 1.`

func runEncode(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := codecFlags("encode", encodeSynopsis, stderr)
	if code, ok := parseCodecFlags(fs, args); !ok {
		return code
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	code, n := codeOK, 0
	err := eachInputLine(ctx, fs.Args(), stdin, func(s string) error {
		n++
		frame, err := encodeJSON([]byte(s))
		if err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "smpp encode: input %d: %v\n", n, err)
			code = codeInput
			return nil
		}
		out.WriteString(hex.EncodeToString(frame))
		out.WriteByte('\n')
		return nil
	})
	if err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "smpp encode: %v\n", err)
		return codeInput
	}
	return code
}

// Keys of the JSON object that are not fields of the PDU struct.
const (
	keyCommandID     = "command_id"
	keyCommandStatus = "command_status"
	keySeq           = "sequence_number"
	keyCommandLength = "command_length"
	keySMLength      = "sm_length"
	keyBody          = "body"
)

// encodeJSON encodes one JSON object into a frame.
func encodeJSON(src []byte) ([]byte, error) {
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if dec.More() {
		return nil, errors.New("invalid JSON: more than one value")
	}
	if obj == nil {
		return nil, errors.New("invalid JSON: want an object")
	}
	if msg, ok := obj["error"]; ok {
		return nil, fmt.Errorf("cannot encode an error line: %s", msg)
	}

	rawID, ok := obj[keyCommandID]
	if !ok {
		return nil, errors.New(`missing "command_id"`)
	}
	id, err := jsonCommandID(rawID)
	if err != nil {
		return nil, err
	}
	var status, seq uint32 = 0, 1
	if raw, ok := obj[keyCommandStatus]; ok {
		if status, err = jsonStatus(raw); err != nil {
			return nil, err
		}
	}
	if raw, ok := obj[keySeq]; ok {
		if seq, err = jsonUint32(keySeq, raw); err != nil {
			return nil, err
		}
	}
	var length *uint32
	if raw, ok := obj[keyCommandLength]; ok {
		n, err := jsonUint32(keyCommandLength, raw)
		if err != nil {
			return nil, err
		}
		length = &n
	}
	var rawBody []byte
	haveBody := false
	if raw, ok := obj[keyBody]; ok {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, errors.New(`field "body": want a hex string`)
		}
		if rawBody, err = hex.DecodeString(s); err != nil {
			return nil, fmt.Errorf(`field "body": %v`, err)
		}
		haveBody = true
	}

	p, known := pdu.New(id)
	if !known {
		p = &pdu.Unknown{ID: id, Body: rawBody}
	}
	fields, err := bodyFields(p, obj)
	if err != nil {
		return nil, err
	}

	var frame []byte
	if haveBody {
		frame = pdu.AppendHeader(nil, pdu.Header{ID: id, Status: pdu.Status(status), Seq: seq})
		frame = append(frame, rawBody...)
		binary.BigEndian.PutUint32(frame, uint32(len(frame)))
	} else {
		if err := unmarshalFields(p, fields); err != nil {
			return nil, err
		}
		if raw, ok := obj[keySMLength]; ok {
			if err := checkSMLength(p, raw); err != nil {
				return nil, err
			}
		}
		enc := pdu.Encoder{ErrorRespBody: true, Lenient: true}
		if length != nil && *length == pdu.HeaderLen {
			enc.ErrorRespBody = false // header only
		}
		if frame, err = enc.Append(nil, seq, pdu.Status(status), p); err != nil {
			return nil, err
		}
	}
	if length != nil {
		binary.BigEndian.PutUint32(frame, *length)
	}
	return frame, nil
}

// bodyFields returns the keys of obj that are fields of p, and an error
// naming the first key that is neither a header key nor a field.
func bodyFields(p pdu.PDU, obj map[string]json.RawMessage) (map[string]json.RawMessage, error) {
	allowed := map[string]bool{}
	hasSM := false
	t := reflect.TypeOf(p).Elem()
	for i := 0; i < t.NumField(); i++ {
		if name, ok := fieldJSONName(t.Field(i)); ok {
			allowed[name] = true
			hasSM = hasSM || name == "short_message"
		}
	}
	fields := map[string]json.RawMessage{}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch {
		case k == keyCommandID || k == keyCommandStatus || k == keySeq || k == keyCommandLength || k == keyBody:
		case k == keySMLength && hasSM:
		case allowed[k]:
			fields[k] = obj[k]
		default:
			return nil, fmt.Errorf("unknown field %q for %s", k, cmdIDText(p.CommandID()))
		}
	}
	return fields, nil
}

// unmarshalFields sets the fields of p, checking the keys of nested objects
// (dest_addresses, tlvs) that the pdu package's decoders would ignore.
func unmarshalFields(p pdu.PDU, fields map[string]json.RawMessage) error {
	nested := map[string][]string{
		"dest_addresses": {"dest_flag", "dest_addr_ton", "dest_addr_npi", "destination_addr", "dl_name"},
		"tlvs":           {"tag", "name", "value"},
	}
	for name, keys := range nested {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		var list []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return fmt.Errorf("field %q: want a list of objects", name)
		}
		for i, o := range list {
			for k := range o {
				if !slices.Contains(keys, k) {
					return fmt.Errorf("field %q[%d]: unknown key %q", name, i, k)
				}
			}
			if name == "tlvs" {
				if err := checkTLVName(i, o); err != nil {
					return err
				}
			}
		}
	}
	// One field at a time, in wire order, so that every error names its
	// field and the first bad one is reported.
	v := reflect.ValueOf(p).Elem()
	for _, i := range wireOrder(v.Type()) {
		name, ok := fieldJSONName(v.Type().Field(i))
		if !ok {
			continue
		}
		raw, ok := fields[name]
		if !ok {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v.Field(i).Addr().Interface()); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return fmt.Errorf("field %q: cannot use a JSON %s as %v", name, te.Value, te.Type)
			}
			return fmt.Errorf("field %q: %s", name, strings.TrimPrefix(err.Error(), "pdu: "))
		}
	}
	return nil
}

// checkTLVName rejects a TLV whose "name" contradicts its "tag".
func checkTLVName(i int, o map[string]json.RawMessage) error {
	rawTag, okTag := o["tag"]
	rawName, okName := o["name"]
	if !okTag || !okName {
		return nil
	}
	var tag uint16
	var name string
	if json.Unmarshal(rawTag, &tag) != nil || json.Unmarshal(rawName, &name) != nil {
		return fmt.Errorf(`field "tlvs"[%d]: "tag" must be a number 0-65535 and "name" a string`, i)
	}
	if want, ok := pdu.ParseTag(name); !ok || want != pdu.Tag(tag) {
		return fmt.Errorf(`field "tlvs"[%d]: name %q does not match tag %d (0x%04x)`, i, name, tag, tag)
	}
	return nil
}

// checkSMLength checks a given sm_length against short_message.
func checkSMLength(p pdu.PDU, raw json.RawMessage) error {
	n, err := jsonUint32(keySMLength, raw)
	if err != nil {
		return err
	}
	sm := reflect.ValueOf(p).Elem().FieldByName("ShortMessage")
	if !sm.IsValid() {
		return fmt.Errorf("unknown field %q for %s", keySMLength, p.CommandID())
	}
	if int64(n) != int64(sm.Len()) {
		return fmt.Errorf("sm_length %d does not match short_message (%d octets)", n, sm.Len())
	}
	return nil
}

func jsonCommandID(raw json.RawMessage) (pdu.CommandID, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if id, ok := pdu.ParseCommandID(s); ok {
			return id, nil
		}
		if n, err := strconv.ParseUint(s, 0, 32); err == nil {
			return pdu.CommandID(n), nil
		}
		return 0, fmt.Errorf("field \"command_id\": unknown command %q", s)
	}
	n, err := jsonUint32(keyCommandID, raw)
	return pdu.CommandID(n), err
}

func jsonStatus(raw json.RawMessage) (uint32, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if st, ok := pdu.ParseStatus(s); ok {
			return uint32(st), nil
		}
		if n, err := strconv.ParseUint(s, 0, 32); err == nil {
			return uint32(n), nil
		}
		return 0, fmt.Errorf("field \"command_status\": unknown status %q", s)
	}
	return jsonUint32(keyCommandStatus, raw)
}

func jsonUint32(key string, raw json.RawMessage) (uint32, error) {
	var f json.Number
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] < '0' || raw[0] > '9' || json.Unmarshal(raw, &f) != nil {
		return 0, fmt.Errorf("field %q: want an integer 0-4294967295, got %s", key, raw)
	}
	n, err := strconv.ParseUint(f.String(), 10, 64)
	if err != nil || n > math.MaxUint32 {
		return 0, fmt.Errorf("field %q: want an integer 0-4294967295, got %s", key, strings.TrimSpace(string(raw)))
	}
	return uint32(n), nil
}
