package coding

import (
	"strings"
	"unicode/utf8"

	"github.com/smppstack/smpp/pdu"
)

// GSM7 is the GSM 03.38 / 3GPP 23.038 §6.2.1 7-bit default alphabet with its
// extension table (encoding.md §9), data_coding 0. The zero value is the
// SMPP norm: unpacked (one septet per octet, encoding.md §9.4), default
// tables, lenient decoding.
//
// A character of the extension (single shift) table is sent as ESC (0x1B)
// and its code, and costs two septets. Locking and Single select the national
// language tables of 3GPP 23.038 Annex A (see [Language]); the receiver
// learns of them from UDH IEs 0x25 and 0x24 ([GSM7.IEs]).
type GSM7 struct {
	// Packed selects 7-bit packing (3GPP 23.038 §6.1.2.1, encoding.md §9.5)
	// instead of one septet per octet.
	Packed bool
	// Locking is the locking shift table replacing the basic table
	// (3GPP 23.038 §A.3): LangDefault, Turkish or Portuguese.
	Locking Language
	// Single is the single shift table replacing the extension table
	// (3GPP 23.038 §A.2): LangDefault, Turkish, Spanish or Portuguese.
	Single Language
	// Strict makes Decode reject unknown escape sequences (3GPP 23.038
	// §6.2.1.1 says to show the basic character after the ESC, which is
	// what lenient decoding does) and makes Encode refuse the lossy
	// mapping of 'ç' to 0x09 'Ç' (encoding.md §9.1).
	Strict bool
}

const esc = 0x1B // escape to the single shift table (3GPP 23.038 §6.2.1.1)

// Name returns "GSM 03.38", with " packed" and the national tables in use.
func (g GSM7) Name() string {
	n := "GSM 03.38"
	if g.Packed {
		n += " packed"
	}
	if g.Locking != LangDefault {
		n += " locking " + g.Locking.String()
	}
	if g.Single != LangDefault {
		n += " single " + g.Single.String()
	}
	return n
}

// DataCoding returns 0 (pdu.CodingDefault), the usual data_coding for GSM
// 7-bit (encoding.md §1.1); see [WithDataCoding] for 0xF0 and friends.
func (GSM7) DataCoding() pdu.DataCoding { return pdu.CodingDefault }

func (GSM7) kind() unitKind { return kindSeptet }

// next implements measurer.
func (g GSM7) next(s string) (int, int, bool) {
	lock, single, err := g.tables()
	if err != nil {
		return 1, 0, false
	}
	if c := s[0]; c < utf8.RuneSelf {
		if lock.enc.lo[c] != 0 {
			return 1, 1, true
		}
		if single.enc.lo[c] != 0 {
			return 1, 2, true
		}
		return 1, 0, false
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size == 1 {
		return 1, 0, false
	}
	_, n := g.septet(r, lock, single)
	return size, n, n > 0
}

// Encode converts text to septets, one per octet, or packed when g.Packed.
func (g GSM7) Encode(text string) ([]byte, error) {
	out, err := g.appendSeptets(make([]byte, 0, len(text)+8), text)
	if err != nil {
		return nil, err
	}
	if g.Packed {
		out = packInPlace(out, 0, 0)
	}
	return out, nil
}

// Decode converts septets (unpacked, or packed when g.Packed) to text.
// Packed input is read with [Unpack7]'s rule for the final septet.
func (g GSM7) Decode(data []byte) (string, error) {
	if !g.Packed {
		return g.decodeSeptets(data)
	}
	text, err := g.decodeSeptets(Unpack7(make([]byte, 0, len(data)*8/7+1), data, 0))
	if de, ok := err.(*DecodeError); ok { // report the octet holding the septet
		de.Reason += " (septet " + itoa(de.Offset) + ")"
		de.Offset = 7 * de.Offset / 8
	}
	return text, err
}

// tables returns the locking and single shift tables selected by g.
func (g GSM7) tables() (*gsmTable, *gsmTable, error) {
	if int(g.Locking) >= len(lockingTables) || lockingTables[g.Locking].dec == nil {
		return nil, nil, &languageError{g.Locking, "locking"}
	}
	if int(g.Single) >= len(singleTables) || singleTables[g.Single].dec == nil {
		return nil, nil, &languageError{g.Single, "single"}
	}
	return &lockingTables[g.Locking], &singleTables[g.Single], nil
}

// septet returns the code of r and the number of septets it takes (1 in
// the locking table, 2 as ESC + code of the single shift table), or 0.
func (g GSM7) septet(r rune, lock, single *gsmTable) (byte, int) {
	if c, ok := lock.enc.find(r); ok {
		return c, 1
	}
	if c, ok := single.enc.find(r); ok {
		return c, 2
	}
	if r == 'ç' && !g.Strict { // encoding.md §9.1: 0x09 was probably meant as ç
		if c, ok := lock.enc.find('Ç'); ok {
			return c, 1
		}
	}
	return 0, 0
}

// appendSeptets appends the unpacked septets of text to dst.
func (g GSM7) appendSeptets(dst []byte, text string) ([]byte, error) {
	lock, single, err := g.tables()
	if err != nil {
		return dst, err
	}
	lo, slo := &lock.enc.lo, &single.enc.lo
	idx := 0
	for i := 0; i < len(text); idx++ {
		c := text[i]
		if c < utf8.RuneSelf { // fast path: ASCII through the low tables
			if v := lo[c]; v != 0 {
				dst = append(dst, v-1)
				i++
				continue
			}
			if v := slo[c]; v != 0 {
				dst = append(dst, esc, v-1)
				i++
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size == 1 {
			return dst, &UnencodableError{Codec: g.Name(), Rune: r, Index: idx, Offset: i, Invalid: true}
		}
		code, n := g.septet(r, lock, single)
		switch n {
		case 1:
			dst = append(dst, code)
		case 2:
			dst = append(dst, esc, code)
		default:
			return dst, &UnencodableError{Codec: g.Name(), Rune: r, Index: idx, Offset: i}
		}
		i += size
	}
	return dst, nil
}

// decodeSeptets converts unpacked septets to text.
func (g GSM7) decodeSeptets(b []byte) (string, error) {
	lock, single, err := g.tables()
	if err != nil {
		return "", err
	}
	dec := lock.dec
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2)
	// Characters collect in a stack buffer written to sb in chunks.
	var chunk [128]byte
	n := 0
	for i := 0; i < len(b); i++ {
		if n > len(chunk)-utf8.UTFMax {
			sb.Write(chunk[:n])
			n = 0
		}
		c := b[i]
		if c >= 0x80 {
			return "", &DecodeError{Codec: g.Name(), Offset: i, Reason: "octet " + hex2(c) + " is not a septet"}
		}
		var r rune
		if c != esc {
			r = dec[c]
		} else {
			if i+1 == len(b) {
				return "", &DecodeError{Codec: g.Name(), Offset: i, Reason: "escape (0x1B) at end of data"}
			}
			i++
			c = b[i]
			if c >= 0x80 {
				return "", &DecodeError{Codec: g.Name(), Offset: i, Reason: "octet " + hex2(c) + " is not a septet"}
			}
			r = single.dec[c]
			if r == 0 {
				if g.Strict {
					return "", &DecodeError{Codec: g.Name(), Offset: i - 1, Reason: "unknown escape sequence 1B " + hex2(c)[2:]}
				}
				// 3GPP 23.038 §6.2.1.1: show the character of the basic
				// table; ESC ESC (reserved) shows as a space.
				r = dec[c]
				if c == esc {
					r = ' '
				}
			}
		}
		if r < utf8.RuneSelf {
			chunk[n] = byte(r)
			n++
		} else {
			n += utf8.EncodeRune(chunk[n:], r)
		}
	}
	sb.Write(chunk[:n])
	return sb.String(), nil
}

// hex2 formats an octet as 0xHH.
func hex2(c byte) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{'0', 'x', digits[c>>4], digits[c&0x0F]})
}

// gsmTable is one 128-entry table of 3GPP 23.038 with its reverse lookup.
type gsmTable struct {
	dec *[128]rune // septet → character; 0 = undefined (ESC in basic tables)
	enc *revTable  // character → septet
}

// revTable is the reverse of a [128]rune table, generated into
// tables_gen.go by TestTablesGenerated.
type revTable struct {
	lo [256]uint8 // septet+1 for characters below U+0100; 0 = absent
	hi []revEntry // characters from U+0100, sorted by rune
}

type revEntry struct {
	r rune
	c uint8
}

// find returns the septet of r.
func (t *revTable) find(r rune) (uint8, bool) {
	if r < 0x100 {
		if r < 0 {
			return 0, false
		}
		v := t.lo[r]
		return v - 1, v != 0
	}
	for _, e := range t.hi {
		if e.r == r {
			return e.c, true
		}
		if e.r > r {
			break
		}
	}
	return 0, false
}

// basicDefault is the GSM 7-bit default alphabet (3GPP 23.038 §6.2.1,
// encoding.md §9.1). 0x1B is the escape to the extension table.
var basicDefault = [128]rune{
	'@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', 0, 'Æ', 'æ', 'ß', 'É',
	' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	'¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
	'¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
}

// extDefault is the GSM 7-bit default alphabet extension table (3GPP
// 23.038 §6.2.1.1, encoding.md §9.2), reached by ESC.
var extDefault = [128]rune{
	0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\',
	0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€',
}
