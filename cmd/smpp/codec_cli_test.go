package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smppstack/smpp/pdu"
)

// runCLI runs "smpp args..." in-process with in as standard input.
func runCLI(t *testing.T, in string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(in)
	defer func() { stdin = old }()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

// specVectors are the test vectors of shared/spec/pdus.md §9.
var specVectors = map[string]string{
	"enquire_link":            "00000010 00000015 00000000 00000001",
	"enquire_link_resp":       "00000010 80000015 00000000 00000001",
	"generic_nack":            "00000010 80000000 00000003 0000002A",
	"submit_sm_resp_throttle": "00000010 80000004 00000058 00000007",
	"bind_transmitter":        "0000002F 00000002 00000000 00000001 534D505033544553 5400 7365637265743038 00 5355424D495431 00 50 01 01 00",
	"submit_sm_hello": "0000003e 00000004 00000000 00000007 00 01 01 343437373030393030313233 00 01 01 343437373030393030343536 00" +
		" 00 00 00 00 00 01 00 00 00 05 48656c6c6f",
	"submit_sm_hello_sar": "0000004e 00000004 00000000 00000007 00 01 01 343437373030393030313233 00 01 01 343437373030393030343536 00" +
		" 00 00 00 00 00 01 00 00 00 05 48656c6c6f 020C 0002 1234  020E 0001 02  020F 0001 01",
}

// goldenFixtures reads pdu/testdata/golden/*.hex: comment lines and
// comments after "#" are dropped, whitespace is ignored.
func goldenFixtures(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("../../pdu/testdata/golden/*.hex")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden fixtures: %v", err)
	}
	out := map[string]string{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		for _, line := range strings.Split(string(src), "\n") {
			line, _, _ = strings.Cut(line, "#")
			sb.WriteString(strings.Join(strings.Fields(line), ""))
		}
		out[strings.TrimSuffix(filepath.Base(f), ".hex")] = sb.String()
	}
	return out
}

func allVectors(t *testing.T) map[string]string {
	v := goldenFixtures(t)
	for k, s := range specVectors {
		v["spec/"+k] = s
	}
	return v
}

func normHex(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }

// TestDecodeEncodeRoundTrip checks encode(decode(hex)) == hex for every
// vector of pdus.md §9 and every golden fixture, one per argument and all
// on standard input.
func TestDecodeEncodeRoundTrip(t *testing.T) {
	vectors := allVectors(t)
	var allIn, allWant []string
	for name, h := range vectors {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "decode", h)
			if code != 0 || errOut != "" {
				t.Fatalf("decode exit %d, stderr %q, out %s", code, errOut, out)
			}
			if strings.Count(out, "\n") != 1 {
				t.Fatalf("want one line, got %q", out)
			}
			checkDecodedLine(t, h, out)
			code, hexOut, errOut := runCLI(t, "", "encode", strings.TrimSpace(out))
			if code != 0 || errOut != "" {
				t.Fatalf("encode exit %d, stderr %q", code, errOut)
			}
			if got, want := strings.TrimSpace(hexOut), normHex(h); got != want {
				t.Fatalf("encode(decode(hex)) differs\n got %s\nwant %s\njson %s", got, want, out)
			}
		})
		allIn = append(allIn, h)
		allWant = append(allWant, normHex(h))
	}
	// The same through standard input, in one stream.
	code, out, errOut := runCLI(t, strings.Join(allIn, "\n")+"\n", "decode")
	if code != 0 || errOut != "" {
		t.Fatalf("decode stdin exit %d %q", code, errOut)
	}
	code, hexOut, errOut := runCLI(t, out, "encode")
	if code != 0 || errOut != "" {
		t.Fatalf("encode stdin exit %d %q", code, errOut)
	}
	if got := strings.Split(strings.TrimSpace(hexOut), "\n"); strings.Join(got, "\n") != strings.Join(allWant, "\n") {
		t.Fatalf("stdin round trip differs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(allWant, "\n"))
	}
}

// checkDecodedLine checks the decoded JSON against the pdu package: the
// header keys first, every field of the PDU with its value.
func checkDecodedLine(t *testing.T, h, line string) {
	t.Helper()
	frame, _ := hex.DecodeString(normHex(h))
	hd, p, err := pdu.Decode(frame)
	if err != nil {
		t.Fatalf("pdu.Decode: %v", err)
	}
	wantPrefix := `{"command_id":"` + cmdIDText(hd.ID) + `","command_status":`
	if !strings.HasPrefix(line, wantPrefix) {
		t.Errorf("line does not start with %s: %s", wantPrefix, line)
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(line), &obj); err != nil {
		t.Fatalf("not JSON: %v: %s", err, line)
	}
	if obj["command_status"] != float64(hd.Status) || obj["sequence_number"] != float64(hd.Seq) || obj["command_length"] != float64(hd.Length) {
		t.Errorf("header fields wrong: %s", line)
	}
	// Every field json.Marshal gives for the PDU appears with the same value.
	b, _ := json.Marshal(p)
	var fields map[string]any
	json.Unmarshal(b, &fields)
	for k, v := range fields {
		got, ok := obj[k]
		if !ok {
			if v == nil {
				continue
			}
			t.Errorf("field %q missing: %s", k, line)
			continue
		}
		gb, _ := json.Marshal(got)
		vb, _ := json.Marshal(v)
		if string(gb) != string(vb) && !(string(gb) == "[]" && string(vb) == "null") {
			t.Errorf("field %q = %s, want %s", k, gb, vb)
		}
	}
	if _, ok := fields["short_message"]; ok {
		sm, _ := hex.DecodeString(fields["short_message"].(string))
		if obj["sm_length"] != float64(len(sm)) {
			t.Errorf("sm_length %v, want %d", obj["sm_length"], len(sm))
		}
		if i, j := strings.Index(line, `"sm_length"`), strings.Index(line, `"short_message"`); i < 0 || i > j {
			t.Errorf("sm_length not just before short_message: %s", line)
		}
	}
}

// TestDecodeOutput pins the exact output for representative PDUs.
func TestDecodeOutput(t *testing.T) {
	g := goldenFixtures(t)
	cases := []struct{ in, want string }{
		{specVectors["enquire_link"], `{"command_id":"enquire_link","command_status":0,"sequence_number":1,"command_length":16,"tlvs":[]}`},
		{specVectors["generic_nack"], `{"command_id":"generic_nack","command_status":3,"sequence_number":42,"command_length":16,"tlvs":[]}`},
		{specVectors["submit_sm_resp_throttle"], `{"command_id":"submit_sm_resp","command_status":88,"sequence_number":7,"command_length":16,"message_id":"","tlvs":[]}`},
		{specVectors["bind_transmitter"], `{"command_id":"bind_transmitter","command_status":0,"sequence_number":1,"command_length":47,"system_id":"SMPP3TEST","password":"secret08","system_type":"SUBMIT1","interface_version":80,"addr_ton":1,"addr_npi":1,"address_range":""}`},
		{specVectors["submit_sm_hello_sar"], `{"command_id":"submit_sm","command_status":0,"sequence_number":7,"command_length":78,"service_type":"","source_addr_ton":1,"source_addr_npi":1,"source_addr":"447700900123","dest_addr_ton":1,"dest_addr_npi":1,"destination_addr":"447700900456","esm_class":0,"protocol_id":0,"priority_flag":0,"schedule_delivery_time":"","validity_period":"","registered_delivery":1,"replace_if_present_flag":0,"data_coding":0,"sm_default_msg_id":0,"sm_length":5,"short_message":"48656c6c6f","tlvs":[{"tag":524,"name":"sar_msg_ref_num","value":"1234"},{"tag":526,"name":"sar_total_segments","value":"02"},{"tag":527,"name":"sar_segment_seqnum","value":"01"}]}`},
		{g["submit_multi_sme_dl"], `{"command_id":"submit_multi","command_status":0,"sequence_number":33,"command_length":114,"service_type":"","source_addr_ton":1,"source_addr_npi":1,"source_addr":"447700900123","dest_addresses":[{"dest_flag":1,"dest_addr_ton":1,"dest_addr_npi":1,"destination_addr":"447700900001"},{"dest_flag":2,"dl_name":"friends"},{"dest_flag":1,"dest_addr_ton":2,"dest_addr_npi":8,"destination_addr":"0700900002"}],"esm_class":64,"protocol_id":0,"priority_flag":1,"schedule_delivery_time":"000001000000000R","validity_period":"","registered_delivery":1,"replace_if_present_flag":0,"data_coding":8,"sm_default_msg_id":0,"sm_length":10,"short_message":"050003cc020100480069","tlvs":[{"tag":524,"name":"sar_msg_ref_num","value":"0001"}]}`},
		{g["submit_multi_resp_unsuccess"], `{"command_id":"submit_multi_resp","command_status":0,"sequence_number":33,"command_length":65,"message_id":"m-0001","unsuccess_smes":[{"dest_addr_ton":1,"dest_addr_npi":1,"destination_addr":"447700900001","error_status_code":11},{"dest_addr_ton":2,"dest_addr_npi":8,"destination_addr":"0700900002","error_status_code":69}],"tlvs":[{"tag":1064,"name":"congestion_state","value":"1e"}]}`},
		{g["unknown_huawei_smpp_plus"], `{"command_id":"0x01000001","command_status":0,"sequence_number":119,"command_length":23,"body":"0102030400ff41"}`},
		{g["data_sm_vendor_tlvs"], `{"command_id":"data_sm","command_status":0,"sequence_number":256,"command_length":95,"service_type":"WAP","source_addr_ton":1,"source_addr_npi":1,"source_addr":"447700900123","dest_addr_ton":0,"dest_addr_npi":0,"destination_addr":"8888","esm_class":2,"registered_delivery":1,"data_coding":4,"tlvs":[{"tag":5377,"value":"4d53432d4100"},{"tag":1060,"name":"message_payload","value":"68656c6c6f20776f726c64"},{"tag":32897,"value":"dead"},{"tag":5377,"value":""},{"tag":522,"name":"source_port","value":"0b84"},{"tag":1060,"name":"message_payload","value":"21"},{"tag":16383,"value":""}]}`},
		{g["submit_sm_resp_error_with_body"], `{"command_id":"submit_sm_resp","command_status":69,"sequence_number":9,"command_length":17,"message_id":"","tlvs":[]}`},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, "", "decode", c.in)
		if code != 0 || errOut != "" || out != c.want+"\n" {
			t.Errorf("decode %s: exit %d stderr %q\n got %s want %s", c.in, code, errOut, out, c.want)
		}
	}
}

func TestDecodeStdinWhitespace(t *testing.T) {
	in := "  00000010 00000015\t00000000 00000001  \n\n   \r\n0000001080000015 0000000000000001\r\n" +
		"\t0000001080000000\n" // odd split across lines is two inputs, both invalid
	code, out, errOut := runCLI(t, in, "decode")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 1 || errOut != "" || len(lines) != 3 {
		t.Fatalf("exit %d stderr %q out %q", code, errOut, out)
	}
	if !strings.HasPrefix(lines[0], `{"command_id":"enquire_link",`) || !strings.HasPrefix(lines[1], `{"command_id":"enquire_link_resp",`) {
		t.Errorf("got %q", lines)
	}
	if !strings.HasPrefix(lines[2], `{"error":`) || !strings.Contains(lines[2], `"command_status":2`) {
		t.Errorf("short frame: %s", lines[2])
	}
	// Whitespace inside one argument is ignored too.
	code, out, _ = runCLI(t, "", "decode", " 0000 0010\n0000 0015 0000 0000 0000 0001 ")
	if code != 0 || !strings.HasPrefix(out, `{"command_id":"enquire_link"`) {
		t.Errorf("arg with whitespace: %d %s", code, out)
	}
}

func TestDecodeErrors(t *testing.T) {
	long := "00000047 00000004 00000000 00000008 00 0101 313233343536373839303132333435363738393031 00 0101 343437373030393030343536 00 000000 00 00 01000000 05 48656c6c6f"
	cases := []struct {
		in   string
		want string
	}{
		{long, `{"error":"pdu: submit_sm seq 8: source_addr: field longer than its maximum (ESME_RINVSRCADR)","command_status":10,"command_id":"submit_sm","sequence_number":8,"field":"source_addr","generic_nack":false}`},
		{"0000000f 00000015 00000000 00000009", `"command_status":2,"command_id":"enquire_link","sequence_number":9,"generic_nack":true}`},
		{"00000010 00000015 00000000", `"command_status":2,"generic_nack":true}`},
		{"00000011 00000015 00000000 00000001", `"command_status":2,"command_id":"enquire_link","sequence_number":1,"generic_nack":true}`},
		{"xyz", `{"error":"invalid hex: `},
		{"000", `{"error":"invalid hex: `},
		{"00000014 00000004 00000000 00000003 00 01 01 41", `"command_status":2,"command_id":"submit_sm","sequence_number":3,"field":"source_addr","generic_nack":true}`},
		{"00000013 00000004 00000000 00000003 00 0101", `"field":"source_addr"`},
		{"00000019 00000021 00000000 00000004 00 0101 3100 01 07 0000", `"command_status":64,"command_id":"submit_multi","sequence_number":4,"field":"dest_flag","generic_nack":false}`},
		{"00000010 00000004 00000000 00000001", `"command_status":2,`},
	}
	for _, c := range cases {
		// Each bad input is followed by a good one, which is still decoded.
		code, out, errOut := runCLI(t, "", "decode", c.in, specVectors["enquire_link"])
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if code != 1 || errOut != "" || len(lines) != 2 {
			t.Errorf("%s: exit %d stderr %q out %q", c.in, code, errOut, out)
			continue
		}
		if !strings.Contains(lines[0], c.want) || !strings.HasPrefix(lines[0], `{"error":`) || !json.Valid([]byte(lines[0])) {
			t.Errorf("%s:\n got %s\nwant …%s…", c.in, lines[0], c.want)
		}
		if !strings.HasPrefix(lines[1], `{"command_id":"enquire_link"`) {
			t.Errorf("%s: next input not decoded: %s", c.in, lines[1])
		}
	}
}

// TestDecodeRawBodyFallback: frames whose fields cannot reproduce them carry
// "body", and encode gives them back exactly.
func TestDecodeRawBodyFallback(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		in     string
		noBody bool // the fields reproduce the frame
	}{
		{"non-UTF-8 source_addr", nil, "0000003e 00000004 00000000 00000007 00 0101 34ff3737303039303031323300 0101 34343737303039303034353600 000000 00 00 01000000 05 48656c6c6f", false},
		{"error response, undecodable body ignored", nil, "00000013 80000004 00000058 00000007 616263", false},
		{"lenient over-long source_addr", []string{"--lenient"}, "00000047 00000004 00000000 00000008 00 0101 313233343536373839303132333435363738393031 00 0101 343437373030393030343536 00 000000 00 00 01000000 05 48656c6c6f", false},
		{"lenient trailing octets", []string{"--lenient"}, "00000019 00000002 00000000 00000002 4100 00 00 34 00 00 00 ff", false},
		{"lenient TLV of wrong length", []string{"--lenient"}, "00000016 80000015 00000000 00000002 0428 0002 ffff", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append(append([]string{"decode"}, c.args...), c.in)...)
			if code != 0 || errOut != "" {
				t.Fatalf("decode exit %d %q %s", code, errOut, out)
			}
			if strings.Contains(out, `,"body":"`) == c.noBody {
				t.Errorf("no raw body: %s", out)
			}
			code, hexOut, errOut := runCLI(t, "", "encode", strings.TrimSpace(out))
			if code != 0 || strings.TrimSpace(hexOut) != normHex(c.in) {
				t.Errorf("encode exit %d %q\n got %s\nwant %s", code, errOut, hexOut, normHex(c.in))
			}
		})
	}
	// A frame the fields reproduce carries no raw body.
	_, out, _ := runCLI(t, "", "decode", specVectors["submit_sm_hello"])
	if strings.Contains(out, `"body"`) {
		t.Errorf("unexpected body: %s", out)
	}
}

func TestDecodeMaxLen(t *testing.T) {
	code, out, _ := runCLI(t, "", "decode", "--max-len", "40", specVectors["bind_transmitter"])
	if code != 1 || !strings.Contains(out, "command_length exceeds the maximum") {
		t.Errorf("exit %d %s", code, out)
	}
}

func TestEncode(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"command_id":"enquire_link","sequence_number":1}`, "00000010000000150000000000000001"},
		{`{"command_id":"enquire_link"}`, "00000010000000150000000000000001"},
		{`{"command_id":21,"sequence_number":2}`, "00000010000000150000000000000002"},
		{`{"command_id":"0x00000015","sequence_number":3}`, "00000010000000150000000000000003"},
		{`{"command_id":"generic_nack","command_status":"ESME_RINVCMDID","sequence_number":42}`, "0000001080000000000000030000002a"},
		{`{"command_id":"generic_nack","command_status":"0x3","sequence_number":42}`, "0000001080000000000000030000002a"},
		// Error responses: header only with command_length 16, else with the body.
		{`{"command_id":"submit_sm_resp","command_status":88,"sequence_number":7,"command_length":16}`, "00000010800000040000005800000007"},
		{`{"command_id":"submit_sm_resp","command_status":88,"sequence_number":7,"command_length":16,"message_id":"","tlvs":[]}`, "00000010800000040000005800000007"},
		{`{"command_id":"submit_sm_resp","command_status":88,"sequence_number":7}`, "0000001180000004000000580000000700"},
		{`{"command_id":"submit_sm_resp","command_status":88,"sequence_number":7,"message_id":"ab"}`, "00000013800000040000005800000007616200"},
		// command_length written as given when it differs.
		{`{"command_id":"enquire_link","sequence_number":1,"command_length":15}`, "0000000f000000150000000000000001"},
		{`{"command_id":"enquire_link","sequence_number":1,"command_length":4294967295}`, "ffffffff000000150000000000000001"},
		// sm_length computed when absent, accepted when right.
		{`{"command_id":"submit_sm","sequence_number":7,"source_addr_ton":1,"source_addr_npi":1,"source_addr":"447700900123","dest_addr_ton":1,"dest_addr_npi":1,"destination_addr":"447700900456","registered_delivery":1,"short_message":"48656c6c6f"}`, normHex(specVectors["submit_sm_hello"])},
		{`{"command_id":"submit_sm","sequence_number":7,"source_addr_ton":1,"source_addr_npi":1,"source_addr":"447700900123","dest_addr_ton":1,"dest_addr_npi":1,"destination_addr":"447700900456","registered_delivery":1,"sm_length":5,"short_message":"48656c6c6f"}`, normHex(specVectors["submit_sm_hello"])},
		// TLVs by name only, and by tag with a matching name.
		{`{"command_id":"enquire_link_resp","sequence_number":2,"tlvs":[{"name":"congestion_state","value":"64"}]}`, "000000158000001500000000000000020428000164"},
		{`{"command_id":"enquire_link_resp","sequence_number":2,"tlvs":[{"tag":1064,"name":"congestion_state","value":"64"},{"tag":5377,"value":""}]}`, "0000001980000015000000000000000204280001641501" + "0000"},
		// A raw body overrides the fields, for any command.
		{`{"command_id":"submit_sm","sequence_number":1,"source_addr":"ignored","body":"0102"}`, "000000120000000400000000000000010102"},
		{`{"command_id":"0x01000001","sequence_number":5,"body":"abcd"}`, "00000012010000010000000000000005abcd"},
		{`{"command_id":16777217,"sequence_number":5}`, "00000010010000010000000000000005"},
		// The three binds share a body; the id selects the command.
		{`{"command_id":"bind_receiver","system_id":"a"}`, "00000018000000010000000000000001" + "6100000000000000"},
		{`{"command_id":"bind_transceiver_resp","system_id":"a"}`, "00000012800000090000000000000001" + "6100"},
		// Spaces and key order do not matter.
		{` { "sequence_number" : 1 , "command_id" : "unbind" } `, "00000010000000060000000000000001"},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, "", "encode", c.in)
		if code != 0 || errOut != "" || out != c.want+"\n" {
			t.Errorf("encode %s: exit %d stderr %q\n got %s\nwant %s", c.in, code, errOut, out, c.want)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"command_id":"submit_sm","sm_length":4,"short_message":"48656c6c6f"}`, "sm_length 4 does not match short_message (5 octets)"},
		{`{"command_id":"submit_sm","sm_length":5}`, "sm_length 5 does not match short_message (0 octets)"},
		{`{"command_id":"submit_sm","source_adr":"x"}`, `unknown field "source_adr" for submit_sm`},
		{`{"command_id":"data_sm","sm_length":0}`, `unknown field "sm_length" for data_sm`},
		{`{"command_id":"enquire_link","message_id":"x"}`, `unknown field "message_id" for enquire_link`},
		{`{"command_id":"0x01000001","system_id":"x"}`, `unknown field "system_id"`},
		{`{"command_id":"submit_multi","dest_addresses":[{"dest_flag":1,"dest_addr":"1"}]}`, `field "dest_addresses"[0]: unknown key "dest_addr"`},
		{`{"command_id":"submit_sm","tlvs":[{"tag":1060,"val":"00"}]}`, `field "tlvs"[0]: unknown key "val"`},
		{`{"command_id":"submit_sm","tlvs":[{"tag":1061,"name":"message_payload","value":"00"}]}`, `name "message_payload" does not match tag 1061`},
		{`{"command_id":"submit_sm","tlvs":[{"name":"no_such_tlv","value":"00"}]}`, "no_such_tlv"},
		{`{"command_id":"submit_sm","source_addr_ton":"1"}`, `field "source_addr_ton"`},
		{`{"command_id":"submit_sm","source_addr_ton":256}`, `source_addr_ton`},
		{`{"command_id":"submit_sm","short_message":"zz"}`, "short_message"},
		{`{"command_id":"submit_sm","source_addr":"123456789012345678901"}`, "source_addr"},
		{`{"command_id":"submit_multi","dest_addresses":[{"dest_flag":3}]}`, "dest_flag"},
		{`{"command_id":"submit_sm","schedule_delivery_time":"tomorrow"}`, "schedule_delivery_time"},
		{`{"command_id":"submit_sm_resp","body":"xx"}`, `field "body"`},
		{`{"command_id":"no_such_command"}`, `unknown command "no_such_command"`},
		{`{"command_id":-1}`, `field "command_id"`},
		{`{"command_id":"enquire_link","sequence_number":4294967296}`, `field "sequence_number"`},
		{`{"command_id":"enquire_link","sequence_number":1.5}`, `field "sequence_number"`},
		{`{"command_id":"enquire_link","command_status":"ESME_NOPE"}`, `unknown status "ESME_NOPE"`},
		{`{"command_id":"enquire_link","command_length":"16"}`, `field "command_length"`},
		{`{"sequence_number":1}`, `missing "command_id"`},
		{`{"command_id":"enquire_link"`, "invalid JSON"},
		{`[1,2]`, "invalid JSON"},
		{`null`, "invalid JSON"},
		{`{"command_id":"enquire_link"} {}`, "invalid JSON"},
		{`{"error":"pdu: ...","command_status":2}`, "cannot encode an error line"},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, "", "encode", c.in, `{"command_id":"enquire_link","sequence_number":9}`)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", c.in, code)
		}
		if !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "smpp encode: input 1: ") {
			t.Errorf("%s: stderr %q, want one line with %q", c.in, errOut, c.want)
		}
		// The next input is still encoded.
		if out != "00000010000000150000000000000009\n" {
			t.Errorf("%s: stdout %q", c.in, out)
		}
	}
}

func TestEncodeStdin(t *testing.T) {
	in := "\n  {\"command_id\":\"enquire_link\",\"sequence_number\":1}  \r\n\n{\"command_id\":\"unbind\",\"sequence_number\":2}\n"
	code, out, errOut := runCLI(t, in, "encode")
	if code != 0 || errOut != "" || out != "00000010000000150000000000000001\n00000010000000060000000000000002\n" {
		t.Errorf("exit %d stderr %q out %q", code, errOut, out)
	}
}

func TestUsage(t *testing.T) {
	cases := []struct {
		args []string
		code int
		out  string // in stdout or stderr
	}{
		{nil, 2, "usage: smpp COMMAND"},
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"help"}, 0, "decode"},
		{[]string{"--help"}, 0, "encode"},
		{[]string{"help", "decode"}, 0, "usage: smpp decode"},
		{[]string{"decode", "-h"}, 0, "usage: smpp decode"},
		{[]string{"encode", "--help"}, 0, "usage: smpp encode"},
		{[]string{"decode", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"encode", "--lenient"}, 2, "flag provided but not defined"},
		{[]string{"decode", "--max-len", "x"}, 2, "invalid value"},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, "", c.args...)
		if code != c.code || !strings.Contains(out+errOut, c.out) {
			t.Errorf("smpp %v: exit %d, out %q err %q; want %d and %q", c.args, code, out, errOut, c.code, c.out)
		}
	}
}

func TestEmptyInput(t *testing.T) {
	for _, cmd := range []string{"decode", "encode"} {
		code, out, errOut := runCLI(t, "\n \n", cmd)
		if code != 0 || out != "" || errOut != "" {
			t.Errorf("%s of blank input: %d %q %q", cmd, code, out, errOut)
		}
	}
}

func TestContextCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	if code := run(ctx, []string{"decode", specVectors["enquire_link"]}, &o, &e); code != 1 || !strings.Contains(e.String(), "canceled") {
		t.Errorf("canceled: %d %q %q", code, o.String(), e.String())
	}
}
