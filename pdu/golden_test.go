package pdu

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the expected dumps in testdata/golden and the seed corpus in testdata/fuzz")

// dumpFrame is a stable, human-readable dump of a decoded frame: the header
// and then every exported field of the PDU, named by its json tag.
func dumpFrame(h Header, p PDU) string {
	var b strings.Builder
	fmt.Fprintf(&b, "command_length: %d\n", h.Length)
	fmt.Fprintf(&b, "command_id: %v (0x%08x)\n", h.ID, uint32(h.ID))
	fmt.Fprintf(&b, "command_status: %s (0x%08x)\n", h.Status.String(), uint32(h.Status))
	fmt.Fprintf(&b, "sequence_number: %d\n", h.Seq)
	fmt.Fprintf(&b, "type: %T\n", p)
	b.WriteString(dumpPDU(p))
	return b.String()
}

func dumpPDU(p PDU) string {
	var b strings.Builder
	dumpStruct(&b, "", reflect.ValueOf(p).Elem())
	return b.String()
}

func fieldName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return f.Name
	}
	return name
}

// dumpStruct writes the exported fields of v in wire order: by their wire
// tag when the type has them (SubmitSM), else as declared.
func dumpStruct(b *strings.Builder, indent string, v reflect.Value) {
	order := make([]int, v.NumField())
	pos := make([]int, v.NumField())
	for i := range order {
		order[i], pos[i] = i, math.MaxInt
		if n, err := strconv.Atoi(v.Type().Field(i).Tag.Get("wire")); err == nil {
			pos[i] = n
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(pos[a], pos[b]) })
	for _, i := range order {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		name := fieldName(f)
		fv := v.Field(i)
		switch x := fv.Interface().(type) {
		case TLVs:
			fmt.Fprintf(b, "%s%s: %d\n", indent, name, len(x))
			for _, t := range x {
				fmt.Fprintf(b, "%s  0x%04x %v [%d]%s\n", indent, uint16(t.Tag), t.Tag, len(t.Value), hexValue(t.Value))
			}
		case OctetString:
			fmt.Fprintf(b, "%s%s: [%d]%s\n", indent, name, len(x), hexValue(x))
		case string:
			fmt.Fprintf(b, "%s%s: %s\n", indent, name, strconv.Quote(x))
		case BindMode:
			fmt.Fprintf(b, "%s%s: %v\n", indent, name, x)
		case Status:
			fmt.Fprintf(b, "%s%s: %s (0x%08x)\n", indent, name, x.String(), uint32(x))
		case MessageState:
			fmt.Fprintf(b, "%s%s: %d %v\n", indent, name, uint8(x), x)
		case CommandID:
			fmt.Fprintf(b, "%s%s: 0x%08x\n", indent, name, uint32(x))
		default:
			switch fv.Kind() {
			case reflect.Uint8, reflect.Uint16, reflect.Uint32:
				fmt.Fprintf(b, "%s%s: %d\n", indent, name, fv.Uint())
			case reflect.Slice:
				fmt.Fprintf(b, "%s%s: %d\n", indent, name, fv.Len())
				for j := 0; j < fv.Len(); j++ {
					fmt.Fprintf(b, "%s  [%d]\n", indent, j)
					dumpStruct(b, indent+"    ", fv.Index(j))
				}
			default:
				fmt.Fprintf(b, "%s%s: %#v\n", indent, name, fv.Interface())
			}
		}
	}
}

// hexValue formats " hex" plus the quoted text when it is mostly text.
func hexValue(v []byte) string {
	if len(v) == 0 {
		return ""
	}
	return " " + hex.EncodeToString(v) + printable(v)
}

// printable adds the value as a quoted string when it is mostly text.
func printable(v []byte) string {
	if len(v) == 0 {
		return ""
	}
	n := 0
	for _, c := range v {
		if c >= 0x20 && c < 0x7f {
			n++
		}
	}
	if n*4 < len(v)*3 {
		return ""
	}
	return " " + strconv.Quote(string(v))
}

type golden struct {
	name string // file name without extension
	b    []byte
}

func loadGolden(t testing.TB) []golden {
	t.Helper()
	files, err := filepath.Glob("testdata/golden/*.hex")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden fixtures: %v", err)
	}
	var out []golden
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(src, []byte("#")) {
			t.Errorf("%s: must start with a comment line naming its source", f)
		}
		b, err := parseHex(string(src))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, golden{strings.TrimSuffix(filepath.Base(f), ".hex"), b})
	}
	return out
}

// encoderFor returns the encoder that reproduces a frame: one that keeps the
// body of an error response when the frame has one.
func encoderFor(h Header) Encoder {
	return Encoder{ErrorRespBody: h.Status != StatusOK && h.ID.IsResponse() && h.Length > HeaderLen}
}

func TestGolden(t *testing.T) {
	for _, g := range loadGolden(t) {
		t.Run(g.name, func(t *testing.T) {
			h, p, err := Decode(g.b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			out, err := encoderFor(h).Append(nil, h.Seq, h.Status, p)
			if err != nil {
				t.Fatalf("re-encode: %v", err)
			}
			if !bytes.Equal(out, g.b) {
				t.Fatalf("re-encode differs\n got %s\nwant %s", hex.EncodeToString(out), hex.EncodeToString(g.b))
			}
			got := dumpFrame(h, p)
			path := filepath.Join("testdata", "golden", g.name+".txt")
			if *updateGolden {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./pdu -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("dump differs from %s (run with -update if the change is intended)\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}

// TestGoldenSpecVectors pins the decoded values of the pdus.md §9 vectors
// independently of the dumps.
func TestGoldenSpecVectors(t *testing.T) {
	byName := map[string][]byte{}
	for _, g := range loadGolden(t) {
		byName[g.name] = g.b
	}
	get := func(name string) (Header, PDU) {
		b, ok := byName[name]
		if !ok {
			t.Fatalf("missing fixture %s", name)
		}
		h, p, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return h, p
	}
	if h, p := get("spec_enquire_link"); h != (Header{16, CmdEnquireLink, 0, 1}) || !equalPDU(p, &EnquireLink{}) {
		t.Errorf("enquire_link: %+v %#v", h, p)
	}
	if h, p := get("spec_enquire_link_resp"); h != (Header{16, CmdEnquireLinkResp, 0, 1}) || !equalPDU(p, &EnquireLinkResp{}) {
		t.Errorf("enquire_link_resp: %+v %#v", h, p)
	}
	if h, p := get("spec_generic_nack"); h != (Header{16, CmdGenericNACK, StatusInvCmdID, 0x2A}) || !equalPDU(p, &GenericNACK{}) {
		t.Errorf("generic_nack: %+v %#v", h, p)
	}
	if h, p := get("spec_submit_sm_resp_throttled"); h != (Header{16, CmdSubmitSMResp, StatusThrottled, 7}) || !equalPDU(p, &SubmitSMResp{}) {
		t.Errorf("submit_sm_resp: %+v %#v", h, p)
	}
	h, p := get("spec_bind_transmitter")
	want := &Bind{Mode: BindTransmitter, SystemID: "SMPP3TEST", Password: "secret08", SystemType: "SUBMIT1", InterfaceVersion: V50, AddrTON: 1, AddrNPI: 1}
	if h != (Header{47, CmdBindTransmitter, 0, 1}) || !equalPDU(p, want) {
		t.Errorf("bind_transmitter: %+v %#v", h, p)
	}
	h, p = get("spec_submit_sm_hello")
	sm := &SubmitSM{SourceAddrTON: 1, SourceAddrNPI: 1, SourceAddr: "447700900123", DestAddrTON: 1, DestAddrNPI: 1, DestinationAddr: "447700900456",
		RegisteredDelivery: 1, ShortMessage: OctetString("Hello")}
	if h != (Header{62, CmdSubmitSM, 0, 7}) || !equalPDU(p, sm) {
		t.Errorf("submit_sm: %+v %#v", h, p)
	}
	h, p = get("spec_submit_sm_hello_sar")
	sm.TLVs = TLVs{{TagSARMsgRefNum, []byte{0x12, 0x34}}, {TagSARTotalSegments, []byte{2}}, {TagSARSegmentSeqnum, []byte{1}}}
	if h != (Header{78, CmdSubmitSM, 0, 7}) || !equalPDU(p, sm) {
		t.Errorf("submit_sm with SAR: %+v %#v", h, p)
	}
	if ref, ok := p.(*SubmitSM).TLVs.Uint16(TagSARMsgRefNum); !ok || ref != 0x1234 {
		t.Errorf("sar_msg_ref_num %#x %v", ref, ok)
	}
	h, p = get("issue2_bench_submit_sm")
	bs := p.(*SubmitSM)
	if h.Length != 0xd9 || h.Seq != 7 || bs.SourceAddrTON != 5 || bs.SourceAddr != "MyBank" || bs.DestinationAddr != "447700900123" ||
		bs.RegisteredDelivery != 1 || len(bs.ShortMessage) != 160 || len(bs.TLVs) != 1 || bs.TLVs[0].Tag != TagUserMessageReference {
		t.Errorf("bench submit_sm: %+v %s", h, dumpPDU(p))
	}
}
