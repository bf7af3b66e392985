package coding

import "testing"

func TestByName(t *testing.T) {
	for _, c := range []struct {
		name string
		want Codec
		ok   bool
	}{
		{"", nil, true}, {"AUTO", nil, true},
		{"gsm7", GSM7{}, true}, {"GSM", GSM7{}, true}, {"default", GSM7{}, true},
		{"ucs2", UCS2{}, true}, {"UTF16", UCS2{}, true},
		{"latin1", Latin1{}, true}, {"ISO-8859-1", Latin1{}, true},
		{"ia5", IA5{}, true}, {"ascii", IA5{}, true},
		{"binary", Binary{}, true}, {"8bit", Binary{}, true},
		{"utf8", nil, false}, {"gsm 7", nil, false},
	} {
		got, ok := ByName(c.name)
		if got != c.want || ok != c.ok {
			t.Errorf("ByName(%q) = %v, %v; want %v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
