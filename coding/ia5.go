package coding

import "github.com/smppstack/smpp/pdu"

// IA5 is data_coding 1, IA5 (CCITT T.50) / ASCII (encoding.md §10): one
// octet per character U+0000–U+007F.
type IA5 struct{}

// Name returns "IA5".
func (IA5) Name() string { return "IA5" }

// DataCoding returns 1 (pdu.CodingIA5).
func (IA5) DataCoding() pdu.DataCoding { return pdu.CodingIA5 }

func (IA5) kind() unitKind { return kindOctet }

func (IA5) next(s string) (int, int, bool) { return nextBelow(s, 0x80) }

// Encode converts text to ASCII.
func (c IA5) Encode(text string) ([]byte, error) {
	return encodeBelow(text, 0x80, c.Name())
}

// Decode converts ASCII to text; an octet above 0x7F is an error.
func (c IA5) Decode(data []byte) (string, error) {
	for i, b := range data {
		if b >= 0x80 {
			return "", &DecodeError{Codec: c.Name(), Offset: i, Reason: "octet " + hex2(b) + " is not ASCII"}
		}
	}
	return string(data), nil
}
