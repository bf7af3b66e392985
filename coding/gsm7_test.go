package coding

import (
	"errors"
	"strings"
	"testing"
)

// wantBasic is the GSM 7-bit default alphabet as Unicode code points, typed
// from the code-point table of encoding.md §9.1 (0x1B, the escape, is 0).
var wantBasic = [128]rune{
	0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,
	0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, 0x03A3, 0x0398, 0x039E, 0, 0x00C6, 0x00E6, 0x00DF, 0x00C9,
	0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027, 0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, 0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
	0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047, 0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057, 0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
	0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, 0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, 0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
}

// wantExt is the extension table of encoding.md §9.2.
var wantExt = map[byte]rune{
	0x0A: 0x000C, 0x14: 0x005E, 0x28: 0x007B, 0x29: 0x007D, 0x2F: 0x005C,
	0x3C: 0x005B, 0x3D: 0x007E, 0x3E: 0x005D, 0x40: 0x007C, 0x65: 0x20AC,
}

func TestGSM7EveryBasicChar(t *testing.T) {
	for code, r := range wantBasic {
		if code == esc {
			continue
		}
		got, err := GSM7{}.Decode([]byte{byte(code)})
		if err != nil || got != string(r) {
			t.Errorf("Decode(0x%02X) = %q, %v; want %q", code, got, err, r)
		}
		enc, err := GSM7{}.Encode(string(r))
		if err != nil || string(enc) != string([]byte{byte(code)}) {
			t.Errorf("Encode(%q) = % X, %v; want %02X", r, enc, err, code)
		}
		if n, err := countUnits(string(r), GSM7{}); n != 1 || err != nil {
			t.Errorf("units(%q) = %d, %v; want 1", r, n, err)
		}
	}
}

func TestGSM7EveryExtensionChar(t *testing.T) {
	defined := 0
	for code := 0; code < 128; code++ {
		r, ok := wantExt[byte(code)]
		got, err := GSM7{Strict: true}.Decode([]byte{esc, byte(code)})
		if !ok {
			if err == nil || !errors.Is(err, ErrInvalid) {
				t.Errorf("strict Decode(1B %02X) = %q, %v; want an ErrInvalid", code, got, err)
			}
			continue
		}
		defined++
		if err != nil || got != string(r) {
			t.Errorf("Decode(1B %02X) = %q, %v; want %q", code, got, err, r)
		}
		enc, err := GSM7{}.Encode(string(r))
		if err != nil || string(enc) != string([]byte{esc, byte(code)}) {
			t.Errorf("Encode(%q) = % X, %v; want 1B %02X", r, enc, err, code)
		}
		if n, _ := countUnits(string(r), GSM7{}); n != 2 {
			t.Errorf("units(%q) = %d, want 2", r, n)
		}
	}
	if defined != 10 {
		t.Fatalf("%d extension characters, want 10", defined)
	}
}

func TestGSM7Text(t *testing.T) {
	const text = "Hello {World} [~] 10€ @home\\Ψ^|\f"
	enc, err := GSM7{}.Encode(text)
	if err != nil {
		t.Fatal(err)
	}
	want := "\x48\x65\x6C\x6C\x6F\x20\x1B\x28\x57\x6F\x72\x6C\x64\x1B\x29\x20\x1B\x3C\x1B\x3D\x1B\x3E\x20\x31\x30\x1B\x65\x20\x00\x68\x6F\x6D\x65\x1B\x2F\x17\x1B\x14\x1B\x40\x1B\x0A"
	if string(enc) != want {
		t.Fatalf("Encode = % X\nwant     % X", enc, want)
	}
	dec, err := GSM7{}.Decode(enc)
	if err != nil || dec != text {
		t.Fatalf("Decode = %q, %v", dec, err)
	}
}

func TestGSM7CedillaMapping(t *testing.T) {
	enc, err := GSM7{}.Encode("ç")
	if err != nil || string(enc) != "\x09" {
		t.Fatalf("Encode(ç) = % X, %v; want 09", enc, err)
	}
	if dec, _ := (GSM7{}).Decode(enc); dec != "Ç" {
		t.Fatalf("Decode(09) = %q, want Ç", dec)
	}
	if _, err := (GSM7{Strict: true}).Encode("ç"); !errors.Is(err, ErrUnencodable) {
		t.Fatalf("strict Encode(ç) err = %v, want ErrUnencodable", err)
	}
	// With the Spanish single shift table ç is exact: ESC 0x09.
	if enc, _ := (GSM7{Single: Spanish}).Encode("ç"); string(enc) != "\x1B\x09" {
		t.Fatalf("Spanish Encode(ç) = % X, want 1B 09", enc)
	}
}

func TestGSM7Unencodable(t *testing.T) {
	for _, tc := range []struct {
		text          string
		r             rune
		index, offset int
		invalid       bool
	}{
		{"abc ж", 'ж', 4, 4, false},
		{"é😀", '😀', 1, 2, false},
		{"`", '`', 0, 0, false},
		{"ab\xff", 0xFFFD, 2, 2, true},
	} {
		for _, c := range []Codec{GSM7{}, GSM7{Packed: true}} {
			_, err := c.Encode(tc.text)
			var ue *UnencodableError
			if !errors.Is(err, ErrUnencodable) || !errors.As(err, &ue) {
				t.Fatalf("%s Encode(%q) err = %v", c.Name(), tc.text, err)
			}
			if ue.Rune != tc.r || ue.Index != tc.index || ue.Offset != tc.offset || ue.Invalid != tc.invalid {
				t.Errorf("Encode(%q): %+v", tc.text, *ue)
			}
			if !strings.HasPrefix(err.Error(), "coding: ") {
				t.Errorf("error %q lacks the prefix", err)
			}
		}
	}
	_, err := GSM7{}.Encode("abc ж")
	if want := "coding: GSM 03.38: character 'ж' (U+0436) at position 4 (byte offset 4) is not encodable"; err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
}

func TestGSM7DecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		in     string
		strict bool
		offset int
		reason string
	}{
		{"AB\x80", false, 2, "octet 0x80 is not a septet"},
		{"\xFF", false, 0, "octet 0xFF is not a septet"},
		{"AB\x1B", false, 2, "escape (0x1B) at end of data"},
		{"\x1B", false, 0, "escape (0x1B) at end of data"},
		{"A\x1B\x90", false, 2, "octet 0x90 is not a septet"},
		{"A\x1B\x41", true, 1, "unknown escape sequence 1B 41"},
		{"\x1B\x1B", true, 0, "unknown escape sequence 1B 1B"},
	} {
		got, err := GSM7{Strict: tc.strict}.Decode([]byte(tc.in))
		var de *DecodeError
		if !errors.As(err, &de) || !errors.Is(err, ErrInvalid) {
			t.Fatalf("Decode(% X) = %q, %v; want a DecodeError", tc.in, got, err)
		}
		if de.Offset != tc.offset || de.Reason != tc.reason {
			t.Errorf("Decode(% X): offset %d %q, want %d %q", tc.in, de.Offset, de.Reason, tc.offset, tc.reason)
		}
	}
}

func TestGSM7LenientEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"\x1B\x41": "A", // unknown: the basic character after ESC
		"\x1B\x0D": "\r",
		"\x1B\x1B": " ", // reserved second escape shows as a space
		"\x1B\x00": "@",
	} {
		got, err := GSM7{}.Decode([]byte(in))
		if err != nil || got != want {
			t.Errorf("Decode(% X) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestGSM7StrictRoundTripIsBijective(t *testing.T) {
	// Every valid strict input decodes and re-encodes to the same octets.
	var all []byte
	for c := 0; c < 128; c++ {
		if c != esc {
			all = append(all, byte(c))
		}
	}
	for c := range wantExt {
		all = append(all, esc, c)
	}
	text, err := GSM7{Strict: true}.Decode(all)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := GSM7{Strict: true}.Encode(text)
	if err != nil || string(enc) != string(all) {
		t.Fatalf("round trip differs: %v", err)
	}
}

func TestGSM7Names(t *testing.T) {
	for c, want := range map[GSM7]string{
		{}:                                  "GSM 03.38",
		{Packed: true}:                      "GSM 03.38 packed",
		{Locking: Turkish, Single: Turkish}: "GSM 03.38 locking Turkish single Turkish",
		{Single: Spanish}:                   "GSM 03.38 single Spanish",
	} {
		if got := c.Name(); got != want {
			t.Errorf("Name = %q, want %q", got, want)
		}
	}
	if dc := (GSM7{}).DataCoding(); dc != 0 {
		t.Errorf("DataCoding = %d", dc)
	}
}
