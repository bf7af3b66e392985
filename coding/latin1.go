package coding

import (
	"strings"
	"unicode/utf8"

	"github.com/smppstack/smpp/pdu"
)

// Latin1 is data_coding 3, ISO-8859-1 (encoding.md §10): one octet per
// character U+0000–U+00FF.
type Latin1 struct{}

// Name returns "Latin-1".
func (Latin1) Name() string { return "Latin-1" }

// DataCoding returns 3 (pdu.CodingLatin1).
func (Latin1) DataCoding() pdu.DataCoding { return pdu.CodingLatin1 }

func (Latin1) kind() unitKind { return kindOctet }

func (Latin1) next(s string) (int, int, bool) { return nextBelow(s, 0x100) }

// Encode converts text to ISO-8859-1.
func (c Latin1) Encode(text string) ([]byte, error) {
	return encodeBelow(text, 0x100, c.Name())
}

// Decode converts ISO-8859-1 to text; every octet is a character.
func (Latin1) Decode(data []byte) (string, error) {
	var sb strings.Builder
	sb.Grow(len(data) + len(data)/4)
	for _, b := range data {
		if b < utf8.RuneSelf {
			sb.WriteByte(b)
		} else {
			sb.WriteRune(rune(b))
		}
	}
	return sb.String(), nil
}

// nextBelow measures one character of a one-octet charset whose code
// points are those below limit.
func nextBelow(s string, limit rune) (int, int, bool) {
	r, size := rune(s[0]), 1
	if r >= utf8.RuneSelf {
		r, size = utf8.DecodeRuneInString(s)
	}
	if r == utf8.RuneError && size == 1 || r >= limit {
		return size, 0, false
	}
	return size, 1, true
}

// encodeBelow encodes text in a one-octet charset whose code points are
// those below limit.
func encodeBelow(text string, limit rune, name string) ([]byte, error) {
	out := make([]byte, 0, len(text))
	idx := 0
	for i, r := range text {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(text[i:]); size == 1 {
				return nil, &UnencodableError{Codec: name, Rune: r, Index: idx, Offset: i, Invalid: true}
			}
		}
		if r >= limit {
			return nil, &UnencodableError{Codec: name, Rune: r, Index: idx, Offset: i}
		}
		out = append(out, byte(r))
		idx++
	}
	return out, nil
}
