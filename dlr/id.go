package dlr

import "strings"

// IDMatch says how two message ids were found to be the same, strongest
// first (encoding.md §8.3).
type IDMatch uint8

// Ways two ids can match (encoding.md §8.3).
const (
	NoMatch           IDMatch = iota // different ids (or one is empty)
	MatchExact                       // identical strings
	MatchLeadingZeros                // equal after dropping leading zeros (hex digits compared case-insensitively)
	MatchHexDecimal                  // one is hex, the other the decimal of the same number
)

// String returns "none", "exact", "leading-zeros" or "hex-decimal"
// (the rules of encoding.md §8.3).
func (m IDMatch) String() string {
	switch m {
	case NoMatch:
		return "none"
	case MatchExact:
		return "exact"
	case MatchLeadingZeros:
		return "leading-zeros"
	case MatchHexDecimal:
		return "hex-decimal"
	}
	return "idmatch(?)"
}

// SameID reports whether a message id from submit_sm_resp and one from a
// receipt name the same message (encoding.md §8.3); see [MatchID].
func SameID(a, b string) bool { return MatchID(a, b) != NoMatch }

// MatchID compares two message ids the way encoding.md §8.3 recommends for
// v3.3 interop, where the submit_sm_resp id may be hex (≤ 8 digits) and the
// receipt's id its zero-padded decimal value: first the exact strings, then
// ignoring leading zeros, then one parsed as hex against the other parsed as
// decimal, in either order. An empty id matches nothing.
//
// The hex-decimal rule is a heuristic: two all-digit ids can match by
// accident ("10" hex is 16 decimal). Callers that know both ids use the same
// format should require MatchExact or MatchLeadingZeros.
func MatchID(a, b string) IDMatch {
	if a == "" || b == "" {
		return NoMatch
	}
	if a == b {
		return MatchExact
	}
	ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if ta == tb || (isHex(ta) && isHex(tb) && strings.EqualFold(ta, tb)) {
		return MatchLeadingZeros
	}
	if x, ok := parseHex(ta); ok {
		if y, ok := parseDecimal(tb); ok && x == y {
			return MatchHexDecimal
		}
	}
	if x, ok := parseDecimal(ta); ok {
		if y, ok := parseHex(tb); ok && x == y {
			return MatchHexDecimal
		}
	}
	return NoMatch
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if hexVal(s[i]) < 0 {
			return false
		}
	}
	return true
}

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// parseHex parses s (leading zeros already trimmed; "" is zero) as an
// unsigned hex number of at most 64 bits.
func parseHex(s string) (uint64, bool) {
	if len(s) > 16 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		v := hexVal(s[i])
		if v < 0 {
			return 0, false
		}
		n = n<<4 | uint64(v)
	}
	return n, true
}

// parseDecimal parses s (leading zeros already trimmed; "" is zero) as an
// unsigned decimal number of at most 64 bits.
func parseDecimal(s string) (uint64, bool) {
	if len(s) > 20 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (^uint64(0)-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
