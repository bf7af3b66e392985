package coding

import (
	"unicode/utf8"

	"github.com/smppstack/smpp/pdu"
)

// Codec converts between text and the octets of one SMPP data_coding
// (encoding.md §1, §9, §10). Implementations in this package are small
// immutable values, safe for concurrent use.
type Codec interface {
	// Name is a human-readable name for logs and errors.
	Name() string
	// DataCoding is the data_coding value that announces this encoding.
	DataCoding() pdu.DataCoding
	// Encode converts text to octets. A character that does not fit
	// returns an [*UnencodableError].
	Encode(text string) ([]byte, error)
	// Decode converts octets to text. Malformed input returns a
	// [*DecodeError] and never panics.
	Decode(data []byte) (string, error)
}

// unitKind says what a codec's length limits count (encoding.md §11.2).
type unitKind uint8

const (
	kindOctet  unitKind = iota // 140 octets per SMS
	kindSeptet                 // 160 septets per SMS
	kindUTF16                  // 70 UTF-16 code units per SMS
)

// measurer is implemented by the codecs of this package: it tells the size
// of one character without encoding it, for counting and splitting.
type measurer interface {
	kind() unitKind
	// next returns the length in bytes of the first character of s and
	// the number of units it encodes to; ok is false when it does not fit.
	next(s string) (size, units int, ok bool)
}

// measurerOf returns c's measurer, or an adapter that encodes each
// character separately for codecs from outside the package.
func measurerOf(c Codec) measurer {
	if m, ok := c.(measurer); ok {
		return m
	}
	return foreign{c}
}

// foreign measures a codec from outside the package in octets.
type foreign struct{ c Codec }

func (foreign) kind() unitKind { return kindOctet }

func (f foreign) next(s string) (int, int, bool) {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return size, 0, false
	}
	b, err := f.c.Encode(s[:size])
	return size, len(b), err == nil
}

// WithDataCoding returns c announced under data_coding dc, for MCs that use
// another value for the same octets (e.g. Latin-1 as data_coding 0, or GSM
// 7-bit as 0xF1: encoding.md §1.1, §1.2).
func WithDataCoding(c Codec, dc pdu.DataCoding) Codec {
	if w, ok := c.(recoded); ok {
		c = w.Codec
	}
	return recoded{c, dc}
}

// recoded overrides the data_coding of a codec.
type recoded struct {
	Codec
	dc pdu.DataCoding
}

func (r recoded) DataCoding() pdu.DataCoding     { return r.dc }
func (r recoded) kind() unitKind                 { return measurerOf(r.Codec).kind() }
func (r recoded) next(s string) (int, int, bool) { return measurerOf(r.Codec).next(s) }

// unwrapGSM7 returns the GSM7 inside c, if any, and a function that wraps a
// GSM7 again the way c was wrapped.
func unwrapGSM7(c Codec) (GSM7, func(GSM7) Codec, bool) {
	switch v := c.(type) {
	case GSM7:
		return v, func(g GSM7) Codec { return g }, true
	case *GSM7:
		if v != nil {
			return *v, func(g GSM7) Codec { return g }, true
		}
	case recoded:
		if g, _, ok := unwrapGSM7(v.Codec); ok {
			return g, func(g GSM7) Codec { return recoded{g, v.dc} }, true
		}
	}
	return GSM7{}, nil, false
}

// Codecs maps data_coding values to codecs (encoding.md §1). The zero value
// treats data_coding 0 as unpacked GSM 7-bit.
type Codecs struct {
	// Default is the codec for data_coding 0, "MC specific" (encoding.md
	// §1.1): nil means GSM7{} (unpacked GSM 03.38). Set it to GSM7{Packed:
	// true}, Latin1{}, IA5{} … as agreed with the MC.
	Default Codec
}

// ForDataCoding returns the codec for dc using the zero [Codecs]: data_coding 0
// is unpacked GSM 7-bit.
func ForDataCoding(dc pdu.DataCoding) (Codec, bool) { return Codecs{}.ForDataCoding(dc) }

// ForDataCoding returns the codec for dc (encoding.md §1.1 and, for 0x10–0x1F,
// 0x40–0x5F and 0xC0–0xFF, the GSM DCS groups of §1.2). The codec reports dc
// as its data_coding. It returns false for JIS, Cyrillic, Hebrew, the
// Japanese and Korean sets, compressed and reserved values.
func (t Codecs) ForDataCoding(dc pdu.DataCoding) (Codec, bool) {
	var c Codec
	switch {
	case dc == pdu.CodingDefault:
		if t.Default != nil {
			return t.Default, true
		}
		return GSM7{}, true
	case dc == pdu.CodingIA5:
		return IA5{}, true
	case dc == pdu.CodingBinary2:
		return WithDataCoding(Binary{}, dc), true
	case dc == pdu.CodingLatin1:
		return Latin1{}, true
	case dc == pdu.CodingBinary:
		return Binary{}, true
	case dc == pdu.CodingUCS2:
		return UCS2{}, true
	case dc >= 0x10 && dc <= 0x1F, dc >= 0x40 && dc <= 0x5F:
		// General data coding groups without compression: bits 3-2 alphabet.
		switch (dc >> 2) & 0x03 {
		case 0:
			c = GSM7{}
		case 1:
			c = Binary{}
		case 2:
			c = UCS2{}
		default:
			return nil, false
		}
	case dc >= 0xC0 && dc <= 0xDF: // MWI groups, GSM 7-bit
		c = GSM7{}
	case dc >= 0xE0 && dc <= 0xEF: // MWI group, UCS2
		c = UCS2{}
	case dc >= 0xF0: // message class group: bit 2 selects 8-bit data
		if dc&0x04 != 0 {
			c = Binary{}
		} else {
			c = GSM7{}
		}
	default:
		return nil, false
	}
	return WithDataCoding(c, dc), true
}

// ForPart returns the codec for a received part: the codec of its
// data_coding, with the national language tables named by the part's UDH
// (IEI 0x24, 0x25) when that codec is GSM 7-bit (3GPP 23.038 §6.2.1.2.4). It
// returns false when the data_coding or a named language is not supported.
func (t Codecs) ForPart(p Part) (Codec, bool) {
	c, ok := t.ForDataCoding(p.DataCoding)
	if !ok {
		return nil, false
	}
	g, wrap, isGSM := unwrapGSM7(c)
	if !isGSM {
		return c, true
	}
	g, ok = g.WithLanguages(p.IEs)
	if !ok {
		return nil, false
	}
	return wrap(g), true
}
