package coding

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/smppstack/smpp/pdu"
)

// UCS2 is data_coding 8 (encoding.md §10): big-endian 16-bit code units
// without a BOM, read and written as UTF-16BE so that characters outside the
// BMP (emoji) travel as surrogate pairs of two units.
type UCS2 struct{}

// Name returns "UCS2".
func (UCS2) Name() string { return "UCS2" }

// DataCoding returns 8 (pdu.CodingUCS2).
func (UCS2) DataCoding() pdu.DataCoding { return pdu.CodingUCS2 }

func (UCS2) kind() unitKind { return kindUTF16 }

func (UCS2) next(s string) (int, int, bool) {
	r, size := utf8.DecodeRuneInString(s)
	switch {
	case r == utf8.RuneError && size == 1:
		return 1, 0, false
	case r >= 0x10000:
		return size, 2, true
	}
	return size, 1, true
}

// Encode converts text to UTF-16BE. Only invalid UTF-8 is unencodable.
func (c UCS2) Encode(text string) ([]byte, error) {
	return c.appendEncode(make([]byte, 0, 2*len(text)), text)
}

func (c UCS2) appendEncode(dst []byte, text string) ([]byte, error) {
	idx := 0
	for i := 0; i < len(text); idx++ {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && size == 1 {
				return nil, &UnencodableError{Codec: c.Name(), Rune: r, Index: idx, Offset: i, Invalid: true}
			}
		}
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			dst = append(dst, byte(hi>>8), byte(hi), byte(lo>>8), byte(lo))
		} else {
			dst = append(dst, byte(r>>8), byte(r))
		}
		i += size
	}
	return dst, nil
}

// Decode converts UTF-16BE to text. An odd length, a high surrogate not
// followed by a low one, or a lone low surrogate is an error.
func (c UCS2) Decode(data []byte) (string, error) {
	if len(data)%2 != 0 {
		return "", &DecodeError{Codec: c.Name(), Offset: len(data) - 1, Reason: "odd length " + strconv.Itoa(len(data))}
	}
	var sb strings.Builder
	sb.Grow(len(data) + len(data)/2)
	for i := 0; i < len(data); i += 2 {
		u := rune(data[i])<<8 | rune(data[i+1])
		switch {
		case u < utf8.RuneSelf:
			sb.WriteByte(byte(u))
			continue
		case u >= 0xD800 && u < 0xDC00: // high surrogate
			if i+3 >= len(data) {
				return "", &DecodeError{Codec: c.Name(), Offset: i, Reason: "unpaired high surrogate U+" + hex4(uint32(u)) + " at end of data"}
			}
			l := rune(data[i+2])<<8 | rune(data[i+3])
			if l < 0xDC00 || l >= 0xE000 {
				return "", &DecodeError{Codec: c.Name(), Offset: i, Reason: "high surrogate U+" + hex4(uint32(u)) + " not followed by a low surrogate"}
			}
			u = utf16.DecodeRune(u, l)
			i += 2
		case u >= 0xDC00 && u < 0xE000:
			return "", &DecodeError{Codec: c.Name(), Offset: i, Reason: "unpaired low surrogate U+" + hex4(uint32(u))}
		}
		sb.WriteRune(u)
	}
	return sb.String(), nil
}
