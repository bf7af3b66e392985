package coding

import "github.com/smppstack/smpp/pdu"

// Binary is 8-bit data, data_coding 4 (encoding.md §10; use
// WithDataCoding(Binary{}, 2) for the TDMA/CDMA value 2). Text and octets
// are converted as raw bytes, without interpretation, so any byte string
// round-trips.
type Binary struct{}

// Name returns "binary".
func (Binary) Name() string { return "binary" }

// DataCoding returns 4 (pdu.CodingBinary).
func (Binary) DataCoding() pdu.DataCoding { return pdu.CodingBinary }

func (Binary) kind() unitKind { return kindOctet }

func (Binary) next(string) (int, int, bool) { return 1, 1, true }

// Encode returns the bytes of text.
func (Binary) Encode(text string) ([]byte, error) { return []byte(text), nil }

// Decode returns data as a string of the same bytes.
func (Binary) Decode(data []byte) (string, error) { return string(data), nil }
