package coding

import (
	"errors"
	"strings"
	"testing"

	"github.com/smppstack/smpp/pdu"
)

// digits is a codec from outside the package: decimal digits only, one
// octet each, announced as data_coding 0x42.
type digits struct{}

func (digits) Name() string               { return "digits" }
func (digits) DataCoding() pdu.DataCoding { return 0x42 }
func (digits) Encode(s string) ([]byte, error) {
	for i, r := range s {
		if r < '0' || r > '9' {
			return nil, &UnencodableError{Codec: "digits", Rune: r, Offset: i}
		}
	}
	return []byte(s), nil
}
func (digits) Decode(b []byte) (string, error) { return string(b), nil }

func TestForeignCodec(t *testing.T) {
	text := strings.Repeat("0123456789", 15)
	n, err := Count(text, digits{}, ConcatUDH8)
	if err != nil || n != (Counts{2, 150, 134, 118}) {
		t.Fatalf("Count = %+v, %v", n, err)
	}
	segs, err := Split(text, digits{}, ConcatUDH8, 1)
	if err != nil || len(segs) != 2 || string(segs[0].Body()) != text[:134] || segs[0].DataCoding != 0x42 {
		t.Fatalf("Split: %d, %v", len(segs), err)
	}
	if Choose("12a", digits{}, Latin1{}) != (Latin1{}) || Choose("12", digits{}, Latin1{}) != (digits{}) {
		t.Fatal("Choose with a foreign codec")
	}
	var ue *UnencodableError
	if _, err := Split("12x", digits{}, ConcatUDH8, 1); !errors.As(err, &ue) || ue.Rune != 'x' || ue.Index != 2 {
		t.Fatalf("err = %v", err)
	}
	// Wrapped codecs keep their units.
	if n, err := Count(strings.Repeat("я", 71), WithDataCoding(UCS2{}, 0x18), ConcatUDH8); err != nil || n.Segments != 2 || n.PerSegment != 67 {
		t.Fatalf("wrapped UCS2: %+v, %v", n, err)
	}
	if n, err := Count(strings.Repeat("€", 80), WithDataCoding(GSM7{}, 0xF1), ConcatUDH8); err != nil || n.Segments != 1 || n.Units != 160 {
		t.Fatalf("wrapped GSM: %+v, %v", n, err)
	}
}

func TestNamesAndErrors(t *testing.T) {
	for m, want := range map[Concat]string{ConcatUDH8: "UDH8", ConcatUDH16: "UDH16", ConcatSAR: "SAR", ConcatPayload: "payload", 7: "concat(7)"} {
		if m.String() != want {
			t.Errorf("%d.String() = %q", m, m.String())
		}
	}
	for l, want := range map[Language]string{LangDefault: "default", Turkish: "Turkish", Spanish: "Spanish", Portuguese: "Portuguese", 9: "language 9"} {
		if l.String() != want {
			t.Errorf("%d.String() = %q", l, l.String())
		}
	}
	for _, err := range []error{
		func() error { _, err := (GSM7{Locking: Spanish}).Encode("a"); return err }(),
		func() error { _, err := Split(strings.Repeat("a", 40000), GSM7{}, ConcatUDH8, 1); return err }(),
		func() error { _, err := Split("a", GSM7{Single: Turkish}, ConcatSAR, 1); return err }(),
		func() error { _, err := PartOf(&pdu.EnquireLink{}); return err }(),
		func() error { _, err := (UCS2{}).Encode("\xff"); return err }(),
	} {
		if err == nil || !strings.HasPrefix(err.Error(), "coding: ") {
			t.Errorf("error %v lacks the prefix", err)
		}
	}
	if got := (&UnencodableError{Codec: "UCS2", Offset: 3, Invalid: true}).Error(); got != "coding: UCS2: invalid UTF-8 at byte offset 3" {
		t.Errorf("invalid UTF-8 error = %q", got)
	}
}
