package dlr

import "testing"

func TestMatchID(t *testing.T) {
	tests := []struct {
		a, b string
		want IDMatch
	}{
		{"0123456789", "0123456789", MatchExact},
		{"abc-123", "abc-123", MatchExact},
		{"123456789", "0123456789", MatchLeadingZeros},
		{"0000000042", "42", MatchLeadingZeros},
		{"000", "0", MatchLeadingZeros},
		{"00ABCDEF", "abcdef", MatchLeadingZeros},
		{"1a2b3c4d", "0439041101", MatchHexDecimal}, // 0x1a2b3c4d = 439041101
		{"0439041101", "1A2B3C4D", MatchHexDecimal},
		{"ffffffffffffffff", "18446744073709551615", MatchHexDecimal},
		{"10", "16", MatchHexDecimal}, // the documented heuristic false positive
		{"1a2b3c4d", "439041102", NoMatch},
		{"abc", "abd", NoMatch},
		{"", "", NoMatch},
		{"", "0", NoMatch},
		{"x", "", NoMatch},
		{"ABC-1", "abc-1", NoMatch},               // not hex: case matters
		{"1ffffffffffffffff", "1", NoMatch},       // hex overflow
		{"99999999999999999999999", "1", NoMatch}, // decimal overflow
		{"12 ", "12", NoMatch},
	}
	for _, tt := range tests {
		if got := MatchID(tt.a, tt.b); got != tt.want {
			t.Errorf("MatchID(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := MatchID(tt.b, tt.a); got != tt.want {
			t.Errorf("MatchID(%q, %q) = %v, want %v (symmetry)", tt.b, tt.a, got, tt.want)
		}
		if got := SameID(tt.a, tt.b); got != (tt.want != NoMatch) {
			t.Errorf("SameID(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestIDMatchString(t *testing.T) {
	for m, want := range map[IDMatch]string{NoMatch: "none", MatchExact: "exact", MatchLeadingZeros: "leading-zeros", MatchHexDecimal: "hex-decimal", 9: "idmatch(?)"} {
		if got := m.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", m, got, want)
		}
	}
}
