package dlr

import "time"

// DefaultTextLen is how many characters of the original message the "text:"
// field carries (SMPP v3.4 Appendix B: "first 20 characters").
const DefaultTextLen = 20

// IDStyle selects how [Format] writes the "id:" field (SMPP v3.4 Appendix B,
// encoding.md §8.3).
type IDStyle uint8

// ID styles (encoding.md §8.1, §8.3).
const (
	// IDAsIs writes the id unchanged (the usual modern practice: the same
	// string as submit_sm_resp).
	IDAsIs IDStyle = iota
	// IDDecimal10 writes a decimal id zero-padded to 10 digits as in the
	// Appendix B table; ids that are not decimal are written unchanged.
	IDDecimal10
	// IDHexToDecimal10 treats the id as hex (a v3.3 message_id) and writes
	// its decimal value zero-padded to 10 digits (encoding.md §8.3); ids
	// that are not hex numbers of at most 64 bits are written unchanged.
	IDHexToDecimal10
)

// Format selects a variant of the receipt text (SMPP v3.4 Appendix B,
// encoding.md §8.1). The zero value writes
//
//	id:<as is> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:<first 20 chars>
//
// Vendor fields, when the receipt has any, go between err and text. Zero
// dates are written as zeros; negative counts as 000; an empty Err as 000;
// an empty Stat as the Appendix B text of [Receipt.MessageState].
type Format struct {
	// ID selects how the id is written.
	ID IDStyle
	// Seconds writes 12-digit YYMMDDhhmmss dates instead of 10-digit
	// YYMMDDhhmm.
	Seconds bool
	// CapitalText writes "Text:" as the Appendix B example does, instead of
	// the more common "text:".
	CapitalText bool
	// TextLen is the most characters (runes; an invalid UTF-8 byte counts as
	// one) of Text written: 0 means DefaultTextLen, negative means all.
	TextLen int
	// Location converts the dates before writing; nil writes each date in
	// its own location.
	Location *time.Location
}

// AppendText appends the receipt text in the default [Format] (SMPP v3.4
// Appendix B, encoding.md §8.1) to dst. It does not allocate when dst has
// room.
func (r Receipt) AppendText(dst []byte) []byte { return Format{}.Append(dst, r) }

// String returns the receipt text in the default [Format] (SMPP v3.4
// Appendix B).
func (r Receipt) String() string { return string(r.AppendText(make([]byte, 0, 160))) }

// Text returns the receipt text of r in format f (SMPP v3.4 Appendix B).
func (f Format) Text(r Receipt) string { return string(f.Append(make([]byte, 0, 160), r)) }

// Append appends the receipt text of r in format f (SMPP v3.4 Appendix B,
// encoding.md §8.1) to dst.
func (f Format) Append(dst []byte, r Receipt) []byte {
	dst = append(dst, "id:"...)
	dst = f.appendID(dst, r.ID)
	dst = append(dst, " sub:"...)
	dst = appendCount(dst, r.Sub)
	dst = append(dst, " dlvrd:"...)
	dst = appendCount(dst, r.Dlvrd)
	dst = append(dst, " submit date:"...)
	dst = f.appendDate(dst, r.SubmitDate)
	dst = append(dst, " done date:"...)
	dst = f.appendDate(dst, r.DoneDate)
	dst = append(dst, " stat:"...)
	dst = append(dst, r.stat()...)
	dst = append(dst, " err:"...)
	if r.Err == "" {
		dst = append(dst, "000"...)
	} else {
		dst = append(dst, r.Err...)
	}
	for _, v := range r.Vendor {
		dst = append(dst, ' ')
		dst = append(dst, v.Key...)
		dst = append(dst, ':')
		dst = append(dst, v.Value...)
	}
	if f.CapitalText {
		dst = append(dst, " Text:"...)
	} else {
		dst = append(dst, " text:"...)
	}
	return append(dst, truncate(r.Text, f.TextLen)...)
}

func (f Format) appendID(dst []byte, id string) []byte {
	switch f.ID {
	case IDDecimal10:
		if isDecimal(id) {
			for n := len(id); n < 10; n++ {
				dst = append(dst, '0')
			}
		}
	case IDHexToDecimal10:
		if id != "" {
			if n, ok := parseHex(id); ok {
				return appendPadded(dst, n, 10)
			}
		}
	}
	return append(dst, id...)
}

// appendPadded appends n in decimal, zero-padded to width digits.
func appendPadded(dst []byte, n uint64, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for n >= 10 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	i--
	buf[i] = byte('0' + n)
	for w := len(buf) - i; w < width; w++ {
		dst = append(dst, '0')
	}
	return append(dst, buf[i:]...)
}

func appendCount(dst []byte, n int) []byte {
	if n < 0 {
		n = 0
	}
	return appendPadded(dst, uint64(n), 3)
}

func (f Format) appendDate(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		if f.Seconds {
			return append(dst, "000000000000"...)
		}
		return append(dst, "0000000000"...)
	}
	if f.Location != nil {
		t = t.In(f.Location)
	}
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	dst = append2(dst, year%100)
	dst = append2(dst, int(month))
	dst = append2(dst, day)
	dst = append2(dst, hour)
	dst = append2(dst, minute)
	if f.Seconds {
		dst = append2(dst, sec)
	}
	return dst
}

// append2 appends 0 ≤ n < 100 as two digits.
func append2(dst []byte, n int) []byte {
	if n < 0 {
		n = -n
	}
	return append(dst, byte('0'+n/10%10), byte('0'+n%10))
}

// truncate returns the first n runes of s (0: DefaultTextLen, <0: all).
func truncate(s string, n int) string {
	if n == 0 {
		n = DefaultTextLen
	}
	if n < 0 || len(s) <= n {
		return s
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
