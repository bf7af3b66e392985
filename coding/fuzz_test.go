package coding

import (
	"errors"
	"testing"
)

// FuzzDecodeGSM7 decodes arbitrary octets with the GSM 7-bit codecs: no
// panic, errors are DecodeErrors within the input, and any decoded text
// re-encodes to octets that decode to the same text.
func FuzzDecodeGSM7(f *testing.F) {
	f.Add([]byte("hello"), uint8(0))
	f.Add([]byte{0xE8, 0x32, 0x9B, 0xFD, 0x06}, uint8(1))
	f.Add([]byte{0x1B, 0x65, 0x1B, 0x1B, 0x1B}, uint8(0))
	f.Add([]byte{0x1C, 0x1D, 0x1B, 0x47, 0x40}, uint8(0x16))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		g := GSM7{
			Packed:  mode&1 != 0,
			Strict:  mode&2 != 0,
			Locking: Language(mode>>2) & 3,
			Single:  Language(mode>>4) & 3,
		}
		text, err := g.Decode(data)
		if err != nil {
			var de *DecodeError
			if errors.Is(err, ErrUnsupported) {
				return
			}
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset >= len(data) {
				t.Fatalf("Decode(% X): %v", data, err)
			}
			return
		}
		enc, err := g.Encode(text)
		if err != nil {
			t.Fatalf("%s: Encode(Decode(% X) = %q): %v", g.Name(), data, text, err)
		}
		back, err := g.Decode(enc)
		if err == nil && g.Packed && back+"@" == text && len(enc)%7 == 0 {
			return // the documented ambiguity of a final '@' (Unpack7)
		}
		if err != nil || back != text {
			t.Fatalf("%s: % X → %q → % X → %q, %v", g.Name(), data, text, enc, back, err)
		}
		if n, err := countUnits(text, g); err != nil || !g.Packed && n != len(enc) {
			t.Fatalf("%s: units %d for %d septets, %v", g.Name(), n, len(enc), err)
		}
	})
}

// FuzzDecodeUCS2 decodes arbitrary octets as UCS2: no panic, errors carry
// an offset within the input, and valid input round-trips byte for byte.
func FuzzDecodeUCS2(f *testing.F) {
	f.Add([]byte{0x00, 0x48, 0x00, 0x69})
	f.Add([]byte{0xD8, 0x3D, 0xDE, 0x00})
	f.Add([]byte{0xD8, 0x3D})
	f.Add([]byte{0xDE, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		text, err := UCS2{}.Decode(data)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset >= len(data) {
				t.Fatalf("Decode(% X): %v", data, err)
			}
			return
		}
		enc, err := UCS2{}.Encode(text)
		if err != nil || string(enc) != string(data) {
			t.Fatalf("% X → %q → % X, %v", data, text, enc, err)
		}
		if n, _ := countUnits(text, UCS2{}); 2*n != len(data) {
			t.Fatalf("units %d for %d octets", n, len(data))
		}
	})
}

// FuzzParsePart parses arbitrary user data with UDHI set: no panic, and a
// reported UDH length stays within the data.
func FuzzParsePart(f *testing.F) {
	f.Add([]byte{0x05, 0x00, 0x03, 0x01, 0x02, 0x01, 'h'})
	f.Add([]byte{0x06, 0x08, 0x04, 0x01, 0x02, 0x03, 0x03})
	f.Add([]byte{0x0B, 0x25, 0x01, 0x03, 0x04, 0x02, 0x10, 0x20})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePart(0x40, data, nil)
		if err != nil {
			return
		}
		if p.UDHLen < 1 || p.UDHLen > len(data) || p.IsSegment() && (p.Seq < 1 || p.Seq > p.Total) {
			t.Fatalf("part %+v from % X", p, data)
		}
		if _, err := JoinText(GSM7{Packed: true}, []Part{p}); err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatal(err)
		}
	})
}
