package coding

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/smppstack/smpp/pdu"
)

func bodies(segs []Segment) []string {
	var out []string
	for i := range segs {
		out = append(out, string(segs[i].Body()))
	}
	return out
}

func TestSplitSingle(t *testing.T) {
	for _, tc := range []struct {
		text string
		c    Codec
		n    int
	}{
		{"", GSM7{}, 0},
		{strings.Repeat("a", 160), GSM7{}, 160},
		{strings.Repeat("€", 80), GSM7{}, 160},
		{strings.Repeat("я", 70), UCS2{}, 140},
		{strings.Repeat("😀", 35), UCS2{}, 140},
		{strings.Repeat("x", 140), Binary{}, 140},
		{strings.Repeat("a", 160), GSM7{Packed: true}, 140},
	} {
		for _, m := range []Concat{ConcatUDH8, ConcatUDH16, ConcatSAR} {
			segs, err := Split(tc.text, tc.c, m, 7)
			if err != nil || len(segs) != 1 {
				t.Fatalf("%s %s: %d segments, %v", tc.c.Name(), m, len(segs), err)
			}
			s := segs[0]
			if s.Seq != 1 || s.Total != 1 || s.UDHLen != 0 || len(s.Data) != tc.n || len(s.Header()) != 0 {
				t.Errorf("%s %s: %+v", tc.c.Name(), m, s)
			}
			var p pdu.SubmitSM
			s.ApplySubmit(&p)
			if p.ESMClass&pdu.ESMUDHI != 0 || p.TLVs.Has(pdu.TagSARMsgRefNum) || len(p.ShortMessage) != tc.n {
				t.Errorf("%s %s: applied %+v", tc.c.Name(), m, p)
			}
		}
	}
}

func TestSplitGSMBoundaries(t *testing.T) {
	segs, err := Split(strings.Repeat("a", 161), GSM7{}, ConcatUDH8, 0x1A7)
	if err != nil || len(segs) != 2 {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	if h := segs[0].Header(); !bytes.Equal(h, []byte{0x05, 0x00, 0x03, 0xA7, 0x02, 0x01}) {
		t.Errorf("UDH 1 = % X", h)
	}
	if h := segs[1].Header(); !bytes.Equal(h, []byte{0x05, 0x00, 0x03, 0xA7, 0x02, 0x02}) {
		t.Errorf("UDH 2 = % X", h)
	}
	if len(segs[0].Body()) != 153 || len(segs[1].Body()) != 8 || segs[0].Ref != 0xA7 {
		t.Errorf("bodies %d + %d, ref %#x", len(segs[0].Body()), len(segs[1].Body()), segs[0].Ref)
	}

	// An escape sequence that would straddle septets 153/154 moves whole.
	text := strings.Repeat("a", 152) + "€" + strings.Repeat("b", 10)
	segs, err = Split(text, GSM7{}, ConcatUDH8, 1)
	if err != nil || len(segs) != 2 {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	b := bodies(segs)
	if len(b[0]) != 152 || !strings.HasPrefix(b[1], "\x1B\x65b") {
		t.Errorf("escape split: %d septets, then % X", len(b[0]), b[1][:3])
	}
	// With one more septet of room the pair fits exactly at the end.
	text = strings.Repeat("a", 151) + "€" + strings.Repeat("b", 10)
	segs, _ = Split(text, GSM7{}, ConcatUDH8, 1)
	if b = bodies(segs); len(b[0]) != 153 || !strings.HasSuffix(b[0], "\x1B\x65") || b[1] != strings.Repeat("b", 10) {
		t.Errorf("escape at end: % X", b[0][150:])
	}
}

func TestSplitUCS2Boundaries(t *testing.T) {
	segs, err := Split(strings.Repeat("я", 71), UCS2{}, ConcatUDH8, 3)
	if err != nil || len(segs) != 2 || len(segs[0].Body()) != 134 || len(segs[1].Body()) != 8 {
		t.Fatalf("71 UCS2: %d segments, %v", len(segs), err)
	}
	// An emoji at units 67/68 moves whole to the next segment.
	text := strings.Repeat("a", 66) + "😀" + strings.Repeat("b", 5)
	segs, err = Split(text, UCS2{}, ConcatUDH8, 3)
	if err != nil || len(segs) != 2 {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	b := bodies(segs)
	if len(b[0]) != 132 || !strings.HasPrefix(b[1], "\xD8\x3D\xDE\x00") {
		t.Errorf("surrogate split: %d octets, then % X", len(b[0]), b[1][:4])
	}
	for i := range segs {
		if _, err := (UCS2{}).Decode(segs[i].Body()); err != nil {
			t.Errorf("segment %d does not decode alone: %v", i+1, err)
		}
	}
}

func TestSplitUDH16AndSAR(t *testing.T) {
	segs, err := Split(strings.Repeat("a", 400), GSM7{}, ConcatUDH16, 0x1234)
	if err != nil || len(segs) != 3 {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	for i := range segs {
		want := []byte{0x06, 0x08, 0x04, 0x12, 0x34, 0x03, byte(i + 1)}
		if !bytes.Equal(segs[i].Header(), want) {
			t.Errorf("UDH %d = % X", i+1, segs[i].Header())
		}
	}
	if len(segs[0].Body()) != 152 {
		t.Errorf("UDH16 body %d septets", len(segs[0].Body()))
	}

	segs, err = Split(strings.Repeat("a", 400), GSM7{}, ConcatSAR, 0x1234)
	if err != nil || len(segs) != 3 {
		t.Fatalf("SAR: %d segments, %v", len(segs), err)
	}
	tmpl := pdu.SubmitSM{ESMClass: pdu.ESMUDHI | pdu.ESMModeDatagram, TLVs: pdu.TLVs{{Tag: pdu.TagUserMessageReference, Value: []byte{0, 9}}}}
	for i := range segs {
		if segs[i].UDHLen != 0 || len(segs[i].Data) > 153 {
			t.Fatalf("SAR segment %d: %+v", i, segs[i])
		}
		p := tmpl
		segs[i].ApplySubmit(&p)
		ref, _ := p.TLVs.Uint16(pdu.TagSARMsgRefNum)
		tot, _ := p.TLVs.Uint8(pdu.TagSARTotalSegments)
		seq, _ := p.TLVs.Uint8(pdu.TagSARSegmentSeqnum)
		if ref != 0x1234 || tot != 3 || int(seq) != i+1 || p.ESMClass != pdu.ESMModeDatagram || !p.TLVs.Has(pdu.TagUserMessageReference) {
			t.Errorf("SAR applied: %+v", p)
		}
		// Applying again (reusing p) keeps one set of SAR TLVs.
		segs[i].ApplySubmit(&p)
		if len(p.TLVs) != 4 {
			t.Errorf("TLVs after reapply: %v", p.TLVs)
		}
	}
	if len(tmpl.TLVs) != 1 || tmpl.ESMClass != pdu.ESMUDHI|pdu.ESMModeDatagram {
		t.Fatalf("template changed: %+v", tmpl)
	}
}

func TestSplitPayload(t *testing.T) {
	text := strings.Repeat("a", 1000)
	segs, err := Split(text, GSM7{}, ConcatPayload, 0)
	if err != nil || len(segs) != 1 || len(segs[0].Data) != 1000 {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	p := pdu.SubmitSM{ShortMessage: []byte("old")}
	segs[0].ApplySubmit(&p)
	if v, _ := p.TLVs.Get(pdu.TagMessagePayload); len(p.ShortMessage) != 0 || string(v) != text {
		t.Fatalf("payload applied: sm %q, payload %d", p.ShortMessage, len(v))
	}
	var d pdu.DataSM
	segs[0].ApplyDataSM(&d)
	if v, _ := d.TLVs.Get(pdu.TagMessagePayload); string(v) != text || d.DataCoding != 0 {
		t.Fatal("data_sm payload")
	}
	if _, err := Split(strings.Repeat("a", 65536), GSM7{}, ConcatPayload, 0); !errors.Is(err, ErrTooLong) {
		t.Fatalf("65536 octets: %v", err)
	}
	if _, err := Split(strings.Repeat("a", 65535), Binary{}, ConcatPayload, 0); err != nil {
		t.Fatalf("65535 octets: %v", err)
	}
}

func TestSplitMaxSegments(t *testing.T) {
	segs, err := Split(strings.Repeat("a", 153*255), GSM7{}, ConcatUDH8, 9)
	if err != nil || len(segs) != 255 || segs[254].Header()[5] != 255 || segs[254].Header()[4] != 255 {
		t.Fatalf("255 segments: %d, %v", len(segs), err)
	}
	_, err = Split(strings.Repeat("a", 153*255+1), GSM7{}, ConcatUDH8, 9)
	if !errors.Is(err, ErrTooLong) {
		t.Fatalf("256 segments: %v", err)
	}
	if c, _ := Count(strings.Repeat("a", 153*255+1), GSM7{}, ConcatUDH8); c.Segments != 256 {
		t.Fatalf("Count = %+v", c)
	}
}

func TestSplitPackedFillBits(t *testing.T) {
	segs, err := Split(strings.Repeat("a", 161), GSM7{Packed: true}, ConcatUDH8, 5)
	if err != nil || len(segs) != 2 {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	// 6-octet UDH + 1 fill bit + 153×7 bits = 140 octets exactly.
	if len(segs[0].Data) != 140 || segs[0].UDHLen != 6 {
		t.Fatalf("segment 1: %d octets", len(segs[0].Data))
	}
	// 'a' (0x61) shifted past the fill bit.
	if b := segs[0].Body(); b[0] != 0xC2 {
		t.Errorf("first octet after UDH = %02X, want C2", b[0])
	}
	for i := range segs {
		if got := Unpack7(nil, segs[i].Body(), 1); string(got) != strings.Repeat("a", []int{153, 8}[i]) {
			t.Errorf("segment %d unpacks to %q", i+1, got)
		}
	}
	// UDH16 (7 octets) needs no fill bits.
	segs, _ = Split(strings.Repeat("a", 161), GSM7{Packed: true}, ConcatUDH16, 5)
	if b := segs[0].Body(); b[0] != 0x61|0x61<<7&0xFF || len(segs[0].Data) != 7+133 {
		t.Errorf("UDH16 packed: first %02X, %d octets", b[0], len(segs[0].Data))
	}
}

func TestSplitPackedAtSignAtBoundary(t *testing.T) {
	// 152 septets fill 133 octets exactly after a UDH16: a final '@' there
	// would read as padding, so it opens the next segment.
	text := strings.Repeat("a", 151) + "@" + strings.Repeat("b", 10)
	segs, err := Split(text, GSM7{Packed: true}, ConcatUDH16, 1)
	if err != nil || len(segs) != 2 {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	if got := Unpack7(nil, segs[0].Body(), 0); string(got) != strings.Repeat("a", 151) {
		t.Fatalf("segment 1 = %q", got)
	}
	if got := Unpack7(nil, segs[1].Body(), 0); string(got) != "\x00"+strings.Repeat("b", 10) {
		t.Fatalf("segment 2 = %q", got)
	}
	// Unpacked, nothing moves.
	segs, _ = Split(text, GSM7{}, ConcatUDH16, 1)
	if len(segs[0].Body()) != 152 {
		t.Fatalf("unpacked segment 1 has %d septets", len(segs[0].Body()))
	}
}

func TestSplitNational(t *testing.T) {
	g := GSM7{Locking: Turkish}
	segs, err := Split(strings.Repeat("ş", 160), g, ConcatUDH8, 2)
	if err != nil || len(segs) != 2 {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	if h := segs[0].Header(); !bytes.Equal(h, []byte{0x08, 0x00, 0x03, 0x02, 0x02, 0x01, 0x25, 0x01, 0x01}) {
		t.Errorf("UDH = % X", h)
	}
	if len(segs[0].Body()) != 149 {
		t.Errorf("body %d septets, want 149", len(segs[0].Body()))
	}
	// A single message still carries the language IE.
	segs, _ = Split("ş", g, ConcatUDH8, 2)
	if len(segs) != 1 || !bytes.Equal(segs[0].Data, []byte{0x03, 0x25, 0x01, 0x01, 0x1D}) {
		t.Fatalf("single national: % X", segs[0].Data)
	}
	var p pdu.SubmitSM
	segs[0].ApplySubmit(&p)
	if p.ESMClass&pdu.ESMUDHI == 0 {
		t.Fatal("UDHI not set")
	}
	if _, err := Split("ş", g, ConcatSAR, 2); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("national + SAR: %v", err)
	}
}

func TestSplitErrors(t *testing.T) {
	var ue *UnencodableError
	if _, err := Split(strings.Repeat("a", 200)+"ж", GSM7{}, ConcatUDH8, 1); !errors.As(err, &ue) || ue.Index != 200 {
		t.Fatalf("err = %v", err)
	}
}

// TestSplitRoundTrip sends random texts through Split, Apply, PartOf, the
// Reassembler and JoinText for every codec and method, and checks that
// Count agrees with Split.
func TestSplitRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	gsmChars := []rune("abcXYZ 019@£$¥èΔΨ{}[]~\\|^€\n")
	ucsChars := []rune("aя€😀𝄞 b")
	trChars := []rune("abcŞşĞğİıç {€")
	codecs := []struct {
		c     Codec
		chars []rune
	}{
		{GSM7{}, gsmChars},
		{GSM7{Packed: true}, gsmChars},
		{UCS2{}, ucsChars},
		{Latin1{}, []rune("abcé ÿ")},
		{GSM7{Locking: Turkish, Single: Turkish}, trChars},
		{GSM7{Packed: true, Single: Turkish}, trChars},
	}
	r := NewReassembler(ReassemblerConfig{})
	for iter := 0; iter < 300; iter++ {
		cc := codecs[iter%len(codecs)]
		n := rng.IntN(700)
		var sb strings.Builder
		for i := 0; i < n; i++ {
			sb.WriteRune(cc.chars[rng.IntN(len(cc.chars))])
		}
		text := sb.String()
		// A packed text of 8k septets ending in '@' is ambiguous (see Unpack7).
		text = strings.TrimRight(text, "@")
		for _, m := range []Concat{ConcatUDH8, ConcatUDH16, ConcatSAR, ConcatPayload} {
			if g, _, _ := unwrapGSM7(cc.c); m == ConcatSAR && g.IEs() != nil {
				continue
			}
			ref := uint16(rng.IntN(65536))
			segs, err := Split(text, cc.c, m, ref)
			if err != nil {
				t.Fatalf("%s %s: %v", cc.c.Name(), m, err)
			}
			cnt, err := Count(text, cc.c, m)
			if err != nil || m != ConcatPayload && cnt.Segments != len(segs) {
				t.Fatalf("%s %s: Count %+v vs %d segments (%v)", cc.c.Name(), m, cnt, len(segs), err)
			}
			order := rng.Perm(len(segs))
			var msg *Message
			for k, i := range order {
				p := pdu.DeliverSM{SourceAddr: "1", DestinationAddr: "2"}
				segs[i].ApplyDeliver(&p)
				if len(p.ShortMessage) > 254 {
					t.Fatalf("%s %s: short_message of %d octets", cc.c.Name(), m, len(p.ShortMessage))
				}
				part, err := PartOf(&p)
				if err != nil {
					t.Fatal(err)
				}
				got, expired, err := r.Add(part)
				if err != nil || len(expired) > 0 {
					t.Fatal(err, expired)
				}
				if (got != nil) != (k == len(order)-1) {
					t.Fatalf("%s %s: message after %d of %d parts", cc.c.Name(), m, k+1, len(order))
				}
				msg = got
			}
			codec, ok := Codecs{Default: WithDataCoding(GSM7{Packed: isPacked(cc.c)}, 0)}.ForPart(msg.Parts[0])
			if !ok {
				t.Fatalf("no codec for %+v", msg.Parts[0])
			}
			back, err := msg.Text(codec)
			if err != nil || back != text {
				t.Fatalf("%s %s (%d segments): got %q, %v\nwant %q", cc.c.Name(), m, len(segs), back, err, text)
			}
		}
	}
	if r.Pending() != 0 {
		t.Fatalf("%d sets pending", r.Pending())
	}
}

func isPacked(c Codec) bool {
	g, _, ok := unwrapGSM7(c)
	return ok && g.Packed
}
