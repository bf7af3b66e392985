package coding

import "strconv"

// Language is a national language identifier of 3GPP 23.038 §6.2.1.2.4,
// carried in UDH IEs 0x24 (single shift) and 0x25 (locking shift). The
// package provides the Turkish, Spanish and Portuguese tables of 3GPP
// 23.038 Annex A; Spanish has a single shift table only.
type Language uint8

// National language identifiers (3GPP 23.038 Table 6.2.1.2.4.1). LangDefault
// selects the default alphabet or extension table.
const (
	LangDefault Language = 0
	Turkish     Language = 1
	Spanish     Language = 2
	Portuguese  Language = 3
)

// String returns the language name, or "language N".
func (l Language) String() string {
	switch l {
	case LangDefault:
		return "default"
	case Turkish:
		return "Turkish"
	case Spanish:
		return "Spanish"
	case Portuguese:
		return "Portuguese"
	}
	return "language " + strconv.Itoa(int(l))
}

// languageError reports a national language without a table.
type languageError struct {
	lang  Language
	shift string
}

func (e *languageError) Error() string {
	return "coding: GSM 03.38: no " + e.shift + " shift table for " + e.lang.String()
}

func (e *languageError) Unwrap() error { return ErrUnsupported }

// lockingTables are the basic table and the national locking shift tables
// (3GPP 23.038 §6.2.1, §A.3), indexed by Language; a zero entry has none.
var lockingTables = [...]gsmTable{
	LangDefault: {&basicDefault, &revBasicDefault},
	Turkish:     {&lockTurkish, &revLockTurkish},
	Portuguese:  {&lockPortuguese, &revLockPortuguese},
}

// singleTables are the extension table and the national single shift
// tables (3GPP 23.038 §6.2.1.1, §A.2), indexed by Language.
var singleTables = [...]gsmTable{
	LangDefault: {&extDefault, &revExtDefault},
	Turkish:     {&shiftTurkish, &revShiftTurkish},
	Spanish:     {&shiftSpanish, &revShiftSpanish},
	Portuguese:  {&shiftPortuguese, &revShiftPortuguese},
}

// IEs returns the UDH information elements that announce g's national
// tables: IEI 0x25 (locking shift) and 0x24 (single shift) with the language
// id (3GPP 23.040 §9.2.3.24.15–16, encoding.md §12.1). It returns nil for
// the default tables.
func (g GSM7) IEs() []IE {
	var ies []IE
	if g.Locking != LangDefault {
		ies = append(ies, IE{ID: IELockingShift, Data: []byte{byte(g.Locking)}})
	}
	if g.Single != LangDefault {
		ies = append(ies, IE{ID: IESingleShift, Data: []byte{byte(g.Single)}})
	}
	return ies
}

// WithLanguages returns g using the national tables announced by the IEs
// of a received UDH (IEI 0x24, 0x25; other IEs are ignored). It returns false
// when an announced table is not provided by the package.
func (g GSM7) WithLanguages(ies []IE) (GSM7, bool) {
	for _, ie := range ies {
		if len(ie.Data) != 1 {
			continue
		}
		switch ie.ID {
		case IELockingShift:
			g.Locking = Language(ie.Data[0])
		case IESingleShift:
			g.Single = Language(ie.Data[0])
		}
	}
	_, _, err := g.tables()
	return g, err == nil
}

// NationalGSM7 returns the smallest GSM 7-bit codec for text among the
// default alphabet, lang's single shift table, and lang's locking and single
// shift tables (3GPP 23.038 Annex A), with the encoded text and the UDH IEs
// the receiver needs. It returns an [*UnencodableError] when none fits.
func NationalGSM7(text string, lang Language, packed bool) (GSM7, []byte, []IE, error) {
	candidates := [...]GSM7{
		{Packed: packed},
		{Packed: packed, Single: lang},
		{Packed: packed, Locking: lang, Single: lang},
		{Packed: packed, Locking: lang},
	}
	var firstErr error
	best, bestLen := -1, 0
	for i, g := range candidates {
		if _, _, err := g.tables(); err != nil {
			continue
		}
		n, err := countUnits(text, g)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		// Each IE costs 3 octets of UDH, plus the UDHL octet once.
		cost := n * 7
		if k := len(g.IEs()); k > 0 {
			cost += 8 * (1 + 3*k)
		}
		if best < 0 || cost < bestLen {
			best, bestLen = i, cost
		}
	}
	if best < 0 {
		if firstErr == nil {
			firstErr = &languageError{lang, "single"}
		}
		return GSM7{}, nil, nil, firstErr
	}
	g := candidates[best]
	b, err := g.Encode(text)
	if err != nil {
		return GSM7{}, nil, nil, err
	}
	return g, b, g.IEs(), nil
}

// lockTurkish is the Turkish national language locking shift table
// (3GPP 23.038 §A.3.1).
var lockTurkish = [128]rune{
	'@', '£', '$', '¥', '€', 'é', 'ù', 'ı', 'ò', 'Ç', '\n', 'Ğ', 'ğ', '\r', 'Å', 'å',
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', 0, 'Ş', 'ş', 'ß', 'É',
	' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	'İ', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
	'ç', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
}

// shiftTurkish is the Turkish national language single shift table
// (3GPP 23.038 §A.2.1).
var shiftTurkish = [128]rune{
	0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\',
	0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|',
	0x47: 'Ğ', 0x49: 'İ', 0x53: 'Ş', 0x63: 'ç', 0x65: '€', 0x67: 'ğ', 0x69: 'ı', 0x73: 'ş',
}

// shiftSpanish is the Spanish national language single shift table
// (3GPP 23.038 §A.2.2). Spanish has no locking shift table.
var shiftSpanish = [128]rune{
	0x09: 'ç', 0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\',
	0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|',
	0x41: 'Á', 0x49: 'Í', 0x4F: 'Ó', 0x55: 'Ú', 0x61: 'á', 0x65: '€', 0x69: 'í', 0x6F: 'ó', 0x75: 'ú',
}

// lockPortuguese is the Portuguese national language locking shift table
// (3GPP 23.038 §A.3.3).
var lockPortuguese = [128]rune{
	'@', '£', '$', '¥', 'ê', 'é', 'ú', 'í', 'ó', 'ç', '\n', 'Ô', 'ô', '\r', 'Á', 'á',
	'Δ', '_', 'ª', 'Ç', 'À', '∞', '^', '\\', '€', 'Ó', '|', 0, 'Â', 'â', 'Ê', 'É',
	' ', '!', '"', '#', 'º', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	'Í', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ã', 'Õ', 'Ú', 'Ü', '§',
	'~', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ã', 'õ', '`', 'ü', 'à',
}

// shiftPortuguese is the Portuguese national language single shift table
// (3GPP 23.038 §A.2.3).
var shiftPortuguese = [128]rune{
	0x05: 'ê', 0x09: 'ç', 0x0A: '\f', 0x0B: 'Ô', 0x0C: 'ô', 0x0E: 'Á', 0x0F: 'á',
	0x12: 'Φ', 0x13: 'Γ', 0x14: '^', 0x15: 'Ω', 0x16: 'Π', 0x17: 'Ψ', 0x18: 'Σ', 0x19: 'Θ',
	0x1F: 'Ê', 0x28: '{', 0x29: '}', 0x2F: '\\', 0x3C: '[', 0x3D: '~', 0x3E: ']',
	0x40: '|', 0x41: 'À', 0x49: 'Í', 0x4F: 'Ó', 0x55: 'Ú', 0x5B: 'Ã', 0x5C: 'Õ',
	0x61: 'Â', 0x65: '€', 0x69: 'í', 0x6F: 'ó', 0x75: 'ú', 0x7B: 'ã', 0x7C: 'õ', 0x7F: 'â',
}
