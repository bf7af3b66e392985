package coding

import (
	"errors"
	"strconv"
)

// Sentinel errors of the package, matched with [errors.Is].
var (
	// ErrUnencodable: a character has no representation in the codec
	// (encoding.md §9.3). Returned wrapped in an [*UnencodableError].
	ErrUnencodable = errors.New("coding: character not encodable")
	// ErrInvalid: encoded input is malformed (odd-length UCS2, unpaired
	// surrogate, septet above 0x7F, escape at the end, malformed UDH …).
	// Returned wrapped in a [*DecodeError].
	ErrInvalid = errors.New("coding: invalid encoded data")
	// ErrTooLong: a text needs more than 255 segments, or more octets than
	// a message_payload TLV holds (encoding.md §11).
	ErrTooLong = errors.New("coding: message too long")
	// ErrUnsupported: a national language table or a combination of options
	// that the package does not provide (3GPP 23.038 Annex A, encoding.md §12.2).
	ErrUnsupported = errors.New("coding: unsupported")
)

// UnencodableError reports a character of a text that a codec cannot
// represent (encoding.md §9.3). It wraps [ErrUnencodable].
type UnencodableError struct {
	Codec   string // Name of the codec
	Rune    rune   // the character (utf8.RuneError for invalid UTF-8)
	Index   int    // position of the character in the text, counted in characters
	Offset  int    // position in the text in bytes
	Invalid bool   // the text is not valid UTF-8 at Offset
}

// Error names the codec, the character and its position.
func (e *UnencodableError) Error() string {
	if e.Invalid {
		return "coding: " + e.Codec + ": invalid UTF-8 at byte offset " + strconv.Itoa(e.Offset)
	}
	return "coding: " + e.Codec + ": character " + strconv.QuoteRune(e.Rune) + " (U+" +
		hex4(uint32(e.Rune)) + ") at position " + strconv.Itoa(e.Index) +
		" (byte offset " + strconv.Itoa(e.Offset) + ") is not encodable"
}

// Unwrap returns [ErrUnencodable].
func (e *UnencodableError) Unwrap() error { return ErrUnencodable }

// DecodeError reports malformed encoded data and where it was found. It
// wraps [ErrInvalid].
type DecodeError struct {
	Codec  string // Name of the codec, or "UDH"
	Offset int    // octet offset of the fault in the data given to the decoder
	Reason string
}

// Error names the codec, the fault and its offset.
func (e *DecodeError) Error() string {
	return "coding: " + e.Codec + ": " + e.Reason + " at offset " + strconv.Itoa(e.Offset)
}

// Unwrap returns [ErrInvalid].
func (e *DecodeError) Unwrap() error { return ErrInvalid }

// hex4 formats v as at least four upper-case hex digits.
func hex4(v uint32) string {
	s := strconv.FormatUint(uint64(v), 16)
	for len(s) < 4 {
		s = "0" + s
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func itoa(n int) string { return strconv.Itoa(n) }
