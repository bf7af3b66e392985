package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
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
	"unicode"

	"github.com/smppstack/smpp/pdu"
)

const decodeSynopsis = `[--lenient] [--max-len N] [HEX ...]

Decodes PDUs given as hex, one per argument or, without arguments, one per
line of standard input (whitespace ignored, blank lines skipped), and prints
one JSON object per PDU per line:

  {"command_id":"submit_sm","command_status":0,"sequence_number":7,
   "command_length":62, ...body fields in wire order..., "tlvs":[...]}

The header comes first (command_length after sequence_number), then every
mandatory field under its spec name in wire order; "sm_length" precedes
"short_message"; Octet Strings are lowercase hex; "tlvs" is always present,
in wire order. An unknown command_id prints as "0x%08x" with the raw body as
"body". When the fields cannot reproduce the frame exactly (a string that
is not UTF-8, an error response whose body was ignored, --lenient input),
the raw body is added as "body" so that 'smpp encode' still gives the input
bytes back.

A PDU that cannot be decoded prints {"error":"...","command_status":N,...}
where N is the status a peer should be answered with (plus command_id,
sequence_number, field and generic_nack when known); the exit status is then
1 and the other inputs are still decoded.`

func runDecode(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := codecFlags("decode", decodeSynopsis, stderr)
	lenient := fs.Bool("lenient", false, "accept over-long strings, odd time fields, TLVs of unexpected length and trailing octets")
	maxLen := fs.Int("max-len", pdu.DefaultMaxLen, "largest command_length accepted")
	if code, ok := parseCodecFlags(fs, args); !ok {
		return code
	}
	dc := pdu.Decoder{MaxLen: *maxLen, Lenient: *lenient}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	code := codeOK
	err := eachInputLine(ctx, fs.Args(), stdin, func(s string) error {
		line, ok := decodeLine(dc, s)
		if !ok {
			code = codeInput
		}
		out.Write(line)
		out.WriteByte('\n')
		return nil
	})
	if err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "smpp decode: %v\n", err)
		return codeInput
	}
	return code
}

// eachInput calls fn for each argument, or for each non-blank line of in
// when there are no arguments.
func eachInputLine(ctx context.Context, args []string, in io.Reader, fn func(string) error) error {
	if len(args) > 0 {
		for _, a := range args {
			if err := ctx.Err(); err != nil {
				return err
			}
			if strings.TrimSpace(a) == "" {
				continue
			}
			if err := fn(a); err != nil {
				return err
			}
		}
		return nil
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 64<<20)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if err := fn(sc.Text()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// decodeLine decodes one hex PDU into its JSON line; ok is false when it
// could not be decoded (the line is then an error object).
func decodeLine(dc pdu.Decoder, s string) (line []byte, ok bool) {
	frame, err := hex.DecodeString(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s))
	if err != nil {
		return errorJSON("invalid hex: "+err.Error(), pdu.StatusInvCmdLen, nil), false
	}
	h, p, err := dc.Decode(frame)
	if err != nil {
		var de *pdu.DecodeError
		if !errors.As(err, &de) {
			return errorJSON(err.Error(), pdu.StatusSysErr, nil), false
		}
		return errorJSON(err.Error(), de.Status, de), false
	}
	line, err = pduJSON(h, p)
	if err != nil {
		return errorJSON("cannot print "+h.ID.String()+": "+err.Error(), pdu.StatusSysErr, nil), false
	}
	// The fields must give the frame back; when they cannot, carry the raw
	// body too.
	if again, err := encodeJSON(line); err != nil || !bytes.Equal(again, frame) {
		line = append(line[:len(line)-1], `,"body":"`...)
		line = hex.AppendEncode(line, frame[pdu.HeaderLen:])
		line = append(line, `"}`...)
	}
	return line, true
}

func errorJSON(msg string, st pdu.Status, de *pdu.DecodeError) []byte {
	var b bytes.Buffer
	b.WriteString(`{"error":`)
	appendJSONValue(&b, msg)
	b.WriteString(`,"command_status":`)
	b.WriteString(strconv.FormatUint(uint64(st), 10))
	if de != nil {
		if de.HeaderValid {
			b.WriteString(`,"command_id":`)
			appendJSONValue(&b, cmdIDText(de.Header.ID))
			b.WriteString(`,"sequence_number":`)
			b.WriteString(strconv.FormatUint(uint64(de.Header.Seq), 10))
		}
		if de.Field != "" {
			b.WriteString(`,"field":`)
			appendJSONValue(&b, de.Field)
		}
		b.WriteString(`,"generic_nack":`)
		b.WriteString(strconv.FormatBool(de.GenericNACK()))
	}
	b.WriteByte('}')
	return b.Bytes()
}

// commandIDName is the spec name, or "0x%08x" for an unknown command_id.
func cmdIDText(id pdu.CommandID) string {
	if id.Known() {
		return id.String()
	}
	return fmt.Sprintf("0x%08x", uint32(id))
}

// pduJSON writes the JSON object of a decoded PDU. The key order is fixed:
// the header, then the fields of the PDU struct in wire order (wireOrder)
// under their json tags, sm_length before short_message.
func pduJSON(h pdu.Header, p pdu.PDU) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"command_id":`)
	appendJSONValue(&b, cmdIDText(h.ID))
	fmt.Fprintf(&b, `,"command_status":%d,"sequence_number":%d,"command_length":%d`, uint32(h.Status), h.Seq, h.Length)
	v := reflect.ValueOf(p).Elem()
	for _, i := range wireOrder(v.Type()) {
		name, ok := fieldJSONName(v.Type().Field(i))
		if !ok {
			continue
		}
		f := v.Field(i)
		if name == "short_message" {
			fmt.Fprintf(&b, `,"sm_length":%d`, f.Len())
		}
		b.WriteString(`,"` + name + `":`)
		if f.Kind() == reflect.Slice && f.IsNil() && f.Type() != octetStringType {
			b.WriteString("[]")
			continue
		}
		if err := appendJSONValue(&b, f.Interface()); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

var octetStringType = reflect.TypeFor[pdu.OctetString]()

// wireOrder returns the indices of the fields of the struct type t in the
// order they are on the wire: by their wire tag when t has them (pdu.SubmitSM
// declares its fields in another order to save memory; untagged fields then
// come last), else in declaration order.
func wireOrder(t reflect.Type) []int {
	idx := make([]int, t.NumField())
	pos := make([]int, t.NumField())
	for i := range idx {
		idx[i], pos[i] = i, math.MaxInt
		if n, err := strconv.Atoi(t.Field(i).Tag.Get("wire")); err == nil {
			pos[i] = n
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(pos[a], pos[b]) })
	return idx
}

// jsonName returns the json key of an exported struct field.
func fieldJSONName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return "", false
	}
	return name, true
}

// writeJSON appends v as compact JSON without HTML escaping.
func appendJSONValue(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	return nil
}
