package coding

import (
	"errors"
	"reflect"
	"testing"
)

// The national tables as code points, typed from 3GPP 23.038 Annex A:
// locking tables as their differences from the default alphabet, single
// shift tables whole.
var (
	wantLockTurkishDiff = map[byte]rune{
		0x04: 0x20AC, 0x07: 0x0131, 0x0B: 0x011E, 0x0C: 0x011F,
		0x1C: 0x015E, 0x1D: 0x015F, 0x40: 0x0130, 0x60: 0x00E7,
	}
	wantLockPortugueseDiff = map[byte]rune{
		0x04: 0x00EA, 0x06: 0x00FA, 0x07: 0x00ED, 0x08: 0x00F3, 0x09: 0x00E7,
		0x0B: 0x00D4, 0x0C: 0x00F4, 0x0E: 0x00C1, 0x0F: 0x00E1,
		0x12: 0x00AA, 0x13: 0x00C7, 0x14: 0x00C0, 0x15: 0x221E, 0x16: 0x005E,
		0x17: 0x005C, 0x18: 0x20AC, 0x19: 0x00D3, 0x1A: 0x007C,
		0x1C: 0x00C2, 0x1D: 0x00E2, 0x1E: 0x00CA, 0x24: 0x00BA,
		0x40: 0x00CD, 0x5B: 0x00C3, 0x5C: 0x00D5, 0x5D: 0x00DA, 0x60: 0x007E,
		0x7B: 0x00E3, 0x7C: 0x00F5, 0x7D: 0x0060,
	}
	wantShiftTurkish = map[byte]rune{
		0x0A: 0x000C, 0x14: 0x005E, 0x28: 0x007B, 0x29: 0x007D, 0x2F: 0x005C,
		0x3C: 0x005B, 0x3D: 0x007E, 0x3E: 0x005D, 0x40: 0x007C,
		0x47: 0x011E, 0x49: 0x0130, 0x53: 0x015E, 0x63: 0x00E7, 0x65: 0x20AC,
		0x67: 0x011F, 0x69: 0x0131, 0x73: 0x015F,
	}
	wantShiftSpanish = map[byte]rune{
		0x09: 0x00E7, 0x0A: 0x000C, 0x14: 0x005E, 0x28: 0x007B, 0x29: 0x007D,
		0x2F: 0x005C, 0x3C: 0x005B, 0x3D: 0x007E, 0x3E: 0x005D, 0x40: 0x007C,
		0x41: 0x00C1, 0x49: 0x00CD, 0x4F: 0x00D3, 0x55: 0x00DA, 0x61: 0x00E1,
		0x65: 0x20AC, 0x69: 0x00ED, 0x6F: 0x00F3, 0x75: 0x00FA,
	}
	wantShiftPortuguese = map[byte]rune{
		0x05: 0x00EA, 0x09: 0x00E7, 0x0A: 0x000C, 0x0B: 0x00D4, 0x0C: 0x00F4,
		0x0E: 0x00C1, 0x0F: 0x00E1, 0x12: 0x03A6, 0x13: 0x0393, 0x14: 0x005E,
		0x15: 0x03A9, 0x16: 0x03A0, 0x17: 0x03A8, 0x18: 0x03A3, 0x19: 0x0398,
		0x1F: 0x00CA, 0x28: 0x007B, 0x29: 0x007D, 0x2F: 0x005C, 0x3C: 0x005B,
		0x3D: 0x007E, 0x3E: 0x005D, 0x40: 0x007C, 0x41: 0x00C0, 0x49: 0x00CD,
		0x4F: 0x00D3, 0x55: 0x00DA, 0x5B: 0x00C3, 0x5C: 0x00D5, 0x61: 0x00C2,
		0x65: 0x20AC, 0x69: 0x00ED, 0x6F: 0x00F3, 0x75: 0x00FA, 0x7B: 0x00E3,
		0x7C: 0x00F5, 0x7F: 0x00E2,
	}
)

func lockingWant(diff map[byte]rune) [128]rune {
	t := wantBasic
	for c, r := range diff {
		t[c] = r
	}
	return t
}

func TestNationalLockingTables(t *testing.T) {
	for _, tc := range []struct {
		lang Language
		want [128]rune
	}{
		{Turkish, lockingWant(wantLockTurkishDiff)},
		{Portuguese, lockingWant(wantLockPortugueseDiff)},
	} {
		g := GSM7{Locking: tc.lang}
		for code, r := range tc.want {
			if code == esc {
				continue
			}
			got, err := g.Decode([]byte{byte(code)})
			if err != nil || got != string(r) {
				t.Errorf("%s: Decode(%02X) = %q, %v; want %q", tc.lang, code, got, err, r)
			}
			// Round trip of every character, each in one septet.
			enc, err := g.Encode(string(r))
			if err != nil || len(enc) != 1 {
				t.Errorf("%s: Encode(%q) = % X, %v", tc.lang, r, enc, err)
				continue
			}
			if back, _ := g.Decode(enc); back != string(r) {
				t.Errorf("%s: %q round-trips to %q", tc.lang, r, back)
			}
		}
	}
}

func TestNationalSingleShiftTables(t *testing.T) {
	for _, tc := range []struct {
		lang Language
		want map[byte]rune
	}{
		{LangDefault, wantExt},
		{Turkish, wantShiftTurkish},
		{Spanish, wantShiftSpanish},
		{Portuguese, wantShiftPortuguese},
	} {
		g := GSM7{Single: tc.lang, Strict: true}
		for code := 0; code < 128; code++ {
			r, ok := tc.want[byte(code)]
			got, err := g.Decode([]byte{esc, byte(code)})
			if !ok {
				if err == nil {
					t.Errorf("%s: strict Decode(1B %02X) = %q, want an error", tc.lang, code, got)
				}
				continue
			}
			if err != nil || got != string(r) {
				t.Errorf("%s: Decode(1B %02X) = %q, %v; want %q", tc.lang, code, got, err, r)
			}
			enc, err := g.Encode(string(r))
			if err != nil {
				t.Errorf("%s: Encode(%q): %v", tc.lang, r, err)
				continue
			}
			if back, _ := g.Decode(enc); back != string(r) {
				t.Errorf("%s: %q round-trips to %q", tc.lang, r, back)
			}
			// Characters also in the basic table take one septet.
			if len(enc) == 1 && enc[0] == esc || len(enc) == 2 && enc[1] != byte(code) {
				t.Errorf("%s: Encode(%q) = % X", tc.lang, r, enc)
			}
		}
	}
}

func TestNationalCombinations(t *testing.T) {
	for _, tc := range []struct {
		g    GSM7
		text string
		want string
	}{
		{GSM7{Locking: Turkish, Single: Turkish}, "Şişli ğüzel İı €", "\x1C\x69\x1D\x6C\x69\x20\x0C\x7E\x7A\x65\x6C\x20\x40\x07\x20\x04"},
		{GSM7{Single: Turkish}, "Ş", "\x1B\x53"},
		{GSM7{Single: Spanish}, "Canción", "\x43\x61\x6E\x63\x69\x1B\x6F\x6E"},
		{GSM7{Locking: Portuguese, Single: Portuguese}, "Não ∞ ê", "\x4E\x7B\x6F\x20\x15\x20\x04"},
		{GSM7{Locking: Portuguese}, "{", "\x1B\x28"}, // default extension table
	} {
		enc, err := tc.g.Encode(tc.text)
		if err != nil || string(enc) != tc.want {
			t.Errorf("%s Encode(%q) = % X, %v; want % X", tc.g.Name(), tc.text, enc, err, tc.want)
		}
		if dec, err := tc.g.Decode(enc); dec != tc.text || err != nil {
			t.Errorf("%s Decode = %q, %v", tc.g.Name(), dec, err)
		}
	}
}

func TestNationalUnsupported(t *testing.T) {
	for _, g := range []GSM7{{Locking: Spanish}, {Locking: 4}, {Single: 14}} {
		if _, err := g.Encode("a"); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%+v Encode err = %v", g, err)
		}
		if _, err := g.Decode([]byte("a")); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%+v Decode err = %v", g, err)
		}
	}
}

func TestNationalIEs(t *testing.T) {
	g := GSM7{Locking: Turkish, Single: Portuguese}
	want := []IE{{ID: 0x25, Data: []byte{1}}, {ID: 0x24, Data: []byte{3}}}
	if got := g.IEs(); !reflect.DeepEqual(got, want) {
		t.Fatalf("IEs = %v", got)
	}
	if (GSM7{}).IEs() != nil {
		t.Fatal("default tables need no IEs")
	}
	back, ok := GSM7{Packed: true}.WithLanguages(append(want, IE{ID: IEConcat8, Data: []byte{1, 2, 1}}))
	if !ok || back != (GSM7{Packed: true, Locking: Turkish, Single: Portuguese}) {
		t.Fatalf("WithLanguages = %+v, %v", back, ok)
	}
	if _, ok := (GSM7{}).WithLanguages([]IE{{ID: IELockingShift, Data: []byte{2}}}); ok {
		t.Fatal("Spanish locking shift accepted")
	}
}

func TestNationalGSM7(t *testing.T) {
	for _, tc := range []struct {
		text string
		lang Language
		want GSM7
	}{
		{"hello", Turkish, GSM7{}},
		{"Şişli", Turkish, GSM7{Locking: Turkish}},
		{"Canción", Spanish, GSM7{Single: Spanish}},
		{"Ş{", Turkish, GSM7{Locking: Turkish}},
		{"ğ ğ ğ ğ ğ ğ €", Turkish, GSM7{Locking: Turkish}},
		{"ó", Portuguese, GSM7{Locking: Portuguese}},
		{"óè", Portuguese, GSM7{Single: Portuguese}},
	} {
		g, enc, ies, err := NationalGSM7(tc.text, tc.lang, false)
		if err != nil || g != tc.want {
			t.Errorf("NationalGSM7(%q) = %+v, %v; want %+v", tc.text, g, err, tc.want)
			continue
		}
		if !reflect.DeepEqual(ies, g.IEs()) {
			t.Errorf("IEs = %v", ies)
		}
		if dec, _ := g.Decode(enc); dec != tc.text {
			t.Errorf("decoded %q", dec)
		}
	}
	if _, _, _, err := NationalGSM7("привет", Turkish, false); !errors.Is(err, ErrUnencodable) {
		t.Fatalf("err = %v", err)
	}
}
