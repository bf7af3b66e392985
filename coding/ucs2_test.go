package coding

import (
	"bytes"
	"errors"
	"testing"
)

func TestUCS2Vectors(t *testing.T) {
	for text, want := range map[string][]byte{
		"":           {},
		"Hi":         {0x00, 0x48, 0x00, 0x69},
		"€":          {0x20, 0xAC},
		"привет":     {0x04, 0x3F, 0x04, 0x40, 0x04, 0x38, 0x04, 0x32, 0x04, 0x35, 0x04, 0x42},
		"😀":          {0xD8, 0x3D, 0xDE, 0x00},
		"a😀b":        {0x00, 0x61, 0xD8, 0x3D, 0xDE, 0x00, 0x00, 0x62},
		"\U0010FFFF": {0xDB, 0xFF, 0xDF, 0xFF},
		"\uFFFD":     {0xFF, 0xFD},
		"\u0000":     {0x00, 0x00},
	} {
		got, err := UCS2{}.Encode(text)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("Encode(%q) = % X, %v; want % X", text, got, err, want)
		}
		dec, err := UCS2{}.Decode(want)
		if err != nil || dec != text {
			t.Errorf("Decode(% X) = %q, %v", want, dec, err)
		}
	}
	if n, _ := countUnits("a😀b", UCS2{}); n != 4 {
		t.Errorf("units = %d, want 4 (a surrogate pair counts 2)", n)
	}
}

func TestUCS2DecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		in     []byte
		offset int
		reason string
	}{
		{[]byte{0x00, 0x41, 0x00}, 2, "odd length 3"},
		{[]byte{0x00}, 0, "odd length 1"},
		{[]byte{0x00, 0x41, 0xD8, 0x3D}, 2, "unpaired high surrogate U+D83D at end of data"},
		{[]byte{0xD8, 0x3D, 0x00, 0x41}, 0, "high surrogate U+D83D not followed by a low surrogate"},
		{[]byte{0xD8, 0x3D, 0xD8, 0x3D}, 0, "high surrogate U+D83D not followed by a low surrogate"},
		{[]byte{0xD8, 0x3D, 0xE0, 0x00}, 0, "high surrogate U+D83D not followed by a low surrogate"},
		{[]byte{0x00, 0x41, 0xDE, 0x00}, 2, "unpaired low surrogate U+DE00"},
	} {
		got, err := UCS2{}.Decode(tc.in)
		var de *DecodeError
		if !errors.As(err, &de) || !errors.Is(err, ErrInvalid) {
			t.Fatalf("Decode(% X) = %q, %v", tc.in, got, err)
		}
		if de.Offset != tc.offset || de.Reason != tc.reason {
			t.Errorf("Decode(% X): %d %q, want %d %q", tc.in, de.Offset, de.Reason, tc.offset, tc.reason)
		}
	}
	if _, err := (UCS2{}).Encode("ok\xc3"); !errors.Is(err, ErrUnencodable) {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

func TestLatin1(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	text, err := Latin1{}.Decode(all)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, r := range text {
		if r != rune(i) {
			t.Fatalf("Decode(%02X) = %U", i, r)
		}
		i++
	}
	enc, err := Latin1{}.Encode(text)
	if err != nil || !bytes.Equal(enc, all) {
		t.Fatalf("Encode: %v", err)
	}
	var ue *UnencodableError
	if _, err := (Latin1{}).Encode("10 €"); !errors.As(err, &ue) || ue.Rune != '€' || ue.Index != 3 {
		t.Fatalf("Encode(€) err = %v", err)
	}
}

func TestIA5(t *testing.T) {
	enc, err := IA5{}.Encode("Hello ~`{}")
	if err != nil || string(enc) != "Hello ~`{}" {
		t.Fatalf("Encode = %q, %v", enc, err)
	}
	if _, err := (IA5{}).Encode("é"); !errors.Is(err, ErrUnencodable) {
		t.Fatalf("Encode(é) err = %v", err)
	}
	var de *DecodeError
	if _, err := (IA5{}).Decode([]byte("ab\xE9")); !errors.As(err, &de) || de.Offset != 2 {
		t.Fatalf("Decode err = %v", err)
	}
}

func TestBinary(t *testing.T) {
	raw := []byte{0x00, 0xFF, 0xC3, 0x28, 0x0B, 0x84}
	text, err := Binary{}.Decode(raw)
	if err != nil || text != string(raw) {
		t.Fatal(err)
	}
	enc, err := Binary{}.Encode(text)
	if err != nil || !bytes.Equal(enc, raw) {
		t.Fatal(err)
	}
	if n, err := countUnits(text, Binary{}); n != len(raw) || err != nil {
		t.Fatalf("units = %d, %v", n, err)
	}
}

func TestForDataCoding(t *testing.T) {
	for _, tc := range []struct {
		dc   uint8
		name string
	}{
		{0x00, "GSM 03.38"}, {0x01, "IA5"}, {0x02, "binary"}, {0x03, "Latin-1"},
		{0x04, "binary"}, {0x08, "UCS2"}, {0x10, "GSM 03.38"}, {0x11, "GSM 03.38"},
		{0x14, "binary"}, {0x18, "UCS2"}, {0x40, "GSM 03.38"}, {0x48, "UCS2"},
		{0xC0, "GSM 03.38"}, {0xD8, "GSM 03.38"}, {0xE0, "UCS2"},
		{0xF0, "GSM 03.38"}, {0xF1, "GSM 03.38"}, {0xF4, "binary"}, {0xF5, "binary"},
	} {
		c, ok := ForDataCoding(tc.dc)
		if !ok || c.Name() != tc.name || c.DataCoding() != tc.dc {
			t.Errorf("ForDataCoding(%#02x) = %v, %v", tc.dc, c, ok)
		}
	}
	for _, dc := range []uint8{0x05, 0x06, 0x07, 0x09, 0x0A, 0x0B, 0x0D, 0x0E, 0x0F, 0x1C, 0x20, 0x3F, 0x60, 0x80, 0xBF} {
		if c, ok := ForDataCoding(dc); ok {
			t.Errorf("ForDataCoding(%#02x) = %v, want none", dc, c)
		}
	}
	c, ok := Codecs{Default: Latin1{}}.ForDataCoding(0)
	if !ok || c != (Latin1{}) {
		t.Fatalf("Default Latin1: %v", c)
	}
	w := WithDataCoding(WithDataCoding(Latin1{}, 7), 0)
	if w.DataCoding() != 0 || w.Name() != "Latin-1" {
		t.Fatalf("WithDataCoding: %v %v", w.DataCoding(), w.Name())
	}
	if enc, err := w.Encode("é"); err != nil || !bytes.Equal(enc, []byte{0xE9}) {
		t.Fatal(enc, err)
	}
}

func TestForPart(t *testing.T) {
	ies := []IE{{ID: IELockingShift, Data: []byte{1}}, {ID: IESingleShift, Data: []byte{1}}}
	c, ok := Codecs{}.ForPart(Part{DataCoding: 0xF1, IEs: ies})
	if !ok || c.DataCoding() != 0xF1 || c.Name() != "GSM 03.38 locking Turkish single Turkish" {
		t.Fatalf("ForPart = %v %v", c, ok)
	}
	c, ok = Codecs{Default: GSM7{Packed: true}}.ForPart(Part{IEs: ies[:1]})
	if !ok || c != (GSM7{Packed: true, Locking: Turkish}) {
		t.Fatalf("ForPart packed = %v %v", c, ok)
	}
	if c, ok = (Codecs{}).ForPart(Part{DataCoding: 8, IEs: ies}); !ok || c != (UCS2{}) {
		t.Fatalf("ForPart UCS2 = %v %v", c, ok)
	}
	if _, ok = (Codecs{}).ForPart(Part{IEs: []IE{{ID: IELockingShift, Data: []byte{9}}}}); ok {
		t.Fatal("unsupported language accepted")
	}
}
