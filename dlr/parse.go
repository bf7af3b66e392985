package dlr

import (
	"time"

	"github.com/smppstack/smpp/pdu"
)

// ErrNotReceipt is returned by [Parse] when the text has neither an "id:"
// nor a "stat:" field, so it is not a delivery receipt (encoding.md §8.2).
const ErrNotReceipt = parseError("dlr: not a delivery receipt: no id and no stat field")

type parseError string

func (e parseError) Error() string { return string(e) }

// Parser parses receipt texts and receipt PDUs (encoding.md §8.2). The zero
// value reads dates in UTC and recognises receipts by esm_class only.
type Parser struct {
	// Location is the zone the text's dates are read in (they carry none;
	// it is the MC's local time); nil means UTC.
	Location *time.Location
	// Sniff makes FromDeliverSM and FromDataSM also accept a PDU whose
	// esm_class does not mark a receipt when its text and TLVs give both an
	// id and a recognised state, for MCs that send receipts as ordinary
	// messages. It can mistake a mobile-originated message that looks like
	// a receipt for one.
	Sniff bool
}

// Parse parses a delivery receipt text (SMPP v3.4 Appendix B, encoding.md
// §8.2) as the zero [Parser] does: see [Parser.ParseString].
func Parse(b []byte) (Receipt, error) { return Parser{}.ParseString(string(b)) }

// ParseString is [Parse] for a string (SMPP v3.4 Appendix B, encoding.md
// §8.2).
func ParseString(s string) (Receipt, error) { return Parser{}.ParseString(s) }

// Parse parses a delivery receipt text (SMPP v3.4 Appendix B, encoding.md
// §8.2); see [Parser.ParseString].
func (p Parser) Parse(b []byte) (Receipt, error) { return p.ParseString(string(b)) }

// ParseString parses a delivery receipt text (SMPP v3.4 Appendix B,
// encoding.md §8.1) tolerantly (encoding.md §8.2):
//
//   - fields are key:value pairs separated by any run of spaces, tabs, CR,
//     LF or NUL; trailing NUL, CR and LF are dropped;
//   - keys match case-insensitively, ignoring "_" and "-" and the space of
//     "submit date"/"done date" (so submit_date, SubmitDate and
//     "Submit  Date" all work); a key starts with a letter;
//   - any field may be missing; a value ends at the next separator and may
//     be empty; the first occurrence of a key wins; a key followed by
//     spaces ("stat: DELIVRD") takes the next token unless that token is
//     itself a key;
//   - dates are YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss; an invalid date
//     leaves the field unset;
//   - stat may be the Appendix B text (DELIVRD) or a state name (DELIVERED,
//     EN_ROUTE, ...); see [pdu.ParseMessageState];
//   - "text:" (any case) runs to the end of the data, whatever it holds;
//   - other key:value pairs go to Receipt.Vendor; tokens that are not
//     key:value are skipped.
//
// Raw is set to s. When the text has neither id nor stat the partial
// receipt is returned with [ErrNotReceipt].
func (p Parser) ParseString(s string) (Receipt, error) {
	r := Receipt{Raw: s}
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	s = trimEnd(s)
	i := 0
	for i < len(s) {
		c := s[i]
		if isSep(c) {
			i++
			continue
		}
		if !isLetter(c) {
			i = tokenEnd(s, i)
			continue
		}
		j := wordEnd(s, i)
		keyEnd := j
		if j < len(s) && (s[j] == ' ' || s[j] == '\t') && isDateWord(s[i:j]) {
			k := j
			for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
				k++
			}
			if e := wordEnd(s, k); equalFold(s[k:e], "date") {
				keyEnd, j = e, e
			}
		}
		if j >= len(s) || s[j] != ':' {
			i = tokenEnd(s, j)
			continue
		}
		key, kind := s[i:keyEnd], classify(s[i:keyEnd])
		if kind == keyText {
			r.Text = s[j+1:]
			r.Fields |= FieldText
			break
		}
		vs, ve := j+1, tokenEnd(s, j+1)
		if vs == ve {
			vs, ve = spacedValue(s, ve)
		}
		r.set(kind, key, s[vs:ve], loc)
		i = ve
	}
	if r.Fields&(FieldID|FieldStat) == 0 {
		return r, ErrNotReceipt
	}
	return r, nil
}

// spacedValue handles "key: value": when the value after the colon is empty
// (i is just past it), the next token is the value unless it is itself a key
// (has a colon, or starts "submit date"/"done date"). It returns the value's
// bounds, or an empty value at i.
func spacedValue(s string, i int) (int, int) {
	k := i
	for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
		k++
	}
	if k == i {
		return i, i
	}
	e := tokenEnd(s, k)
	for x := k; x < e; x++ {
		if s[x] == ':' {
			return i, i
		}
	}
	if e == k || isDateWord(s[k:e]) {
		return i, i
	}
	return k, e
}

// set stores one parsed field; the first occurrence of a known key wins.
func (r *Receipt) set(kind keyKind, key, val string, loc *time.Location) {
	var f Field
	switch kind {
	case keyVendor:
		r.Vendor = append(r.Vendor, VendorField{Key: key, Value: val})
		return
	case keyID:
		f = FieldID
	case keySub:
		f = FieldSub
	case keyDlvrd:
		f = FieldDlvrd
	case keySubmitDate:
		f = FieldSubmitDate
	case keyDoneDate:
		f = FieldDoneDate
	case keyStat:
		f = FieldStat
	case keyErr:
		f = FieldErr
	}
	if r.Fields&f != 0 {
		return
	}
	switch kind {
	case keyID:
		r.ID = val
	case keySub:
		n, ok := parseCount(val)
		if !ok {
			return
		}
		r.Sub = n
	case keyDlvrd:
		n, ok := parseCount(val)
		if !ok {
			return
		}
		r.Dlvrd = n
	case keySubmitDate:
		t, ok := parseDate(val, loc)
		if !ok {
			return
		}
		r.SubmitDate = t
	case keyDoneDate:
		t, ok := parseDate(val, loc)
		if !ok {
			return
		}
		r.DoneDate = t
	case keyStat:
		r.Stat = val
		if st, ok := pdu.ParseMessageState(val); ok {
			r.State = st
			r.Fields |= FieldState
		} else {
			r.State = pdu.StateUnknown
		}
	case keyErr:
		r.Err = val
	}
	r.Fields |= f
}

type keyKind uint8

const (
	keyVendor keyKind = iota
	keyID
	keySub
	keyDlvrd
	keySubmitDate
	keyDoneDate
	keyStat
	keyErr
	keyText
)

// classify maps a key to its Appendix B field, folding case and ignoring
// spaces, tabs, "_" and "-".
func classify(key string) keyKind {
	var buf [12]byte
	n := 0
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == ' ' || c == '\t' || c == '_' || c == '-':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if n == len(buf) {
			return keyVendor
		}
		buf[n] = c
		n++
	}
	switch string(buf[:n]) {
	case "id":
		return keyID
	case "sub":
		return keySub
	case "dlvrd":
		return keyDlvrd
	case "submitdate":
		return keySubmitDate
	case "donedate":
		return keyDoneDate
	case "stat":
		return keyStat
	case "err":
		return keyErr
	case "text":
		return keyText
	}
	return keyVendor
}

func isDateWord(w string) bool { return equalFold(w, "submit") || equalFold(w, "done") }

// isSep reports a field separator.
func isSep(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 }

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// isKeyChar reports a character allowed in a key after its first letter.
func isKeyChar(c byte) bool {
	return isLetter(c) || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}

// wordEnd returns the end of the key word starting at i.
func wordEnd(s string, i int) int {
	for i < len(s) && isKeyChar(s[i]) {
		i++
	}
	return i
}

// tokenEnd returns the index of the first separator at or after i.
func tokenEnd(s string, i int) int {
	for i < len(s) && !isSep(s[i]) {
		i++
	}
	return i
}

// trimEnd drops trailing NUL, CR and LF (C-string terminators and line
// ends some MCs leave on the text).
func trimEnd(s string) string {
	for len(s) > 0 {
		switch s[len(s)-1] {
		case 0, '\r', '\n':
			s = s[:len(s)-1]
			continue
		}
		break
	}
	return s
}

// equalFold compares ASCII strings case-insensitively.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// parseCount parses a sub/dlvrd count: 1–9 significant decimal digits,
// leading zeros allowed.
func parseCount(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	sig := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > 0 || c != '0' {
			sig++
			if sig > 9 {
				return 0, false
			}
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseDate parses YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss (encoding.md
// §8.2) in loc; two-digit years are 2000–2099.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	var d [7]int // year, month, day, hour, minute, second
	var yearDigits int
	switch len(s) {
	case 10, 12:
		yearDigits = 2
	case 14:
		yearDigits = 4
	default:
		return time.Time{}, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, false
		}
	}
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	d[0] = num(s[:yearDigits])
	if yearDigits == 2 {
		d[0] += 2000
	}
	rest := s[yearDigits:]
	for k := 1; len(rest) >= 2; k++ {
		d[k] = num(rest[:2])
		rest = rest[2:]
	}
	year, month, day, hour, minute, sec := d[0], d[1], d[2], d[3], d[4], d[5]
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc)
	if t.Day() != day { // 31 April, 29 February of a common year
		return time.Time{}, false
	}
	return t, true
}
