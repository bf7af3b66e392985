package coding

import (
	"errors"
	"strings"
	"testing"
)

func TestChoose(t *testing.T) {
	for text, want := range map[string]Codec{
		"":                GSM7{},
		"hello":           GSM7{},
		"price {10€} ~[]": GSM7{},
		"Ψ£¥ÑÜ§¿":         GSM7{},
		"привет":          UCS2{},
		"ça va":           UCS2{}, // ç only maps lossily to Ç
		"smile 😀":         UCS2{},
		"“quoted”":        UCS2{},
	} {
		if got := Choose(text); got != want {
			t.Errorf("Choose(%q) = %s, want %s", text, got.Name(), want.Name())
		}
	}
	if got := Choose("ça", Latin1{}, UCS2{}); got != (Latin1{}) {
		t.Errorf("Choose with candidates = %s", got.Name())
	}
	if got := Choose("ж", IA5{}, Latin1{}); got != (Latin1{}) {
		t.Errorf("no candidate fits: %s, want the last", got.Name())
	}
	tr := GSM7{Locking: Turkish, Single: Turkish}
	if got := Choose("Şişli", GSM7{}, tr, UCS2{}); got != tr {
		t.Errorf("Choose national = %s", got.Name())
	}
}

func TestCount(t *testing.T) {
	a := strings.Repeat
	for _, tc := range []struct {
		name string
		text string
		c    Codec
		m    Concat
		want Counts
	}{
		{"empty", "", GSM7{}, ConcatUDH8, Counts{1, 0, 160, 160}},
		{"160 GSM", a("a", 160), GSM7{}, ConcatUDH8, Counts{1, 160, 160, 0}},
		{"161 GSM", a("a", 161), GSM7{}, ConcatUDH8, Counts{2, 161, 153, 145}},
		{"306 GSM", a("a", 306), GSM7{}, ConcatUDH8, Counts{2, 306, 153, 0}},
		{"307 GSM", a("a", 307), GSM7{}, ConcatUDH8, Counts{3, 307, 153, 152}},
		{"161 GSM UDH16", a("a", 161), GSM7{}, ConcatUDH16, Counts{2, 161, 152, 143}},
		{"161 GSM SAR", a("a", 161), GSM7{}, ConcatSAR, Counts{2, 161, 153, 145}},
		{"161 GSM payload", a("a", 161), GSM7{}, ConcatPayload, Counts{2, 161, 153, 145}},
		{"161 packed", a("a", 161), GSM7{Packed: true}, ConcatUDH8, Counts{2, 161, 153, 145}},
		{"80 euro", a("€", 80), GSM7{}, ConcatUDH8, Counts{1, 160, 160, 0}},
		// 76 € fill 152 septets; the 77th does not fit in 153.
		{"81 euro", a("€", 81), GSM7{}, ConcatUDH8, Counts{2, 162, 153, 143}},
		{"70 UCS2", a("я", 70), UCS2{}, ConcatUDH8, Counts{1, 70, 70, 0}},
		{"71 UCS2", a("я", 71), UCS2{}, ConcatUDH8, Counts{2, 71, 67, 63}},
		{"71 UCS2 UDH16", a("я", 71), UCS2{}, ConcatUDH16, Counts{2, 71, 66, 61}},
		{"35 emoji", a("😀", 35), UCS2{}, ConcatUDH8, Counts{1, 70, 70, 0}},
		{"36 emoji", a("😀", 36), UCS2{}, ConcatUDH8, Counts{2, 72, 67, 61}},
		{"140 octets", a("x", 140), Binary{}, ConcatUDH8, Counts{1, 140, 140, 0}},
		{"141 octets", a("x", 141), Binary{}, ConcatUDH8, Counts{2, 141, 134, 127}},
		{"141 octets UDH16", a("x", 141), Latin1{}, ConcatUDH16, Counts{2, 141, 133, 125}},
		// National IEs (3 octets each) take room: a 4-octet UDH leaves 155
		// septets, 1+5+3 octets 149, 1+3+3 octets 152, 1+5+3+3 octets 146.
		{"Turkish single", a("a", 155), GSM7{Locking: Turkish}, ConcatUDH8, Counts{1, 155, 155, 0}},
		{"Turkish split", a("a", 156), GSM7{Locking: Turkish}, ConcatUDH8, Counts{2, 156, 149, 142}},
		{"Turkish both", a("a", 152), GSM7{Locking: Turkish, Single: Turkish}, ConcatUDH8, Counts{1, 152, 152, 0}},
		{"Turkish both split", a("a", 154), GSM7{Locking: Turkish, Single: Turkish}, ConcatUDH8, Counts{2, 154, 146, 138}},
	} {
		got, err := Count(tc.text, tc.c, tc.m)
		if err != nil || got != tc.want {
			t.Errorf("%s: Count = %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
}

func TestCountErrors(t *testing.T) {
	var ue *UnencodableError
	if _, err := Count("ab ж", GSM7{}, ConcatUDH8); !errors.As(err, &ue) || ue.Index != 3 || ue.Rune != 'ж' {
		t.Fatalf("err = %v", err)
	}
	if _, err := Count("a", GSM7{Single: Turkish}, ConcatSAR); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("national + SAR err = %v", err)
	}
	if _, err := Count("a", GSM7{}, Concat(9)); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("bad method err = %v", err)
	}
	if _, err := Count("a", GSM7{Locking: Spanish}, ConcatUDH8); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Spanish locking err = %v", err)
	}
}
