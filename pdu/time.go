package pdu

import (
	"strconv"
	"time"
)

// DefaultYearPivot is the default two-digit year pivot of SMPP times: years
// 38–99 are 1938–1999 and 00–37 are 2000–2037 (SMPP v3.4 Appendix C,
// encoding.md §5.1).
const DefaultYearPivot = 38

// maxQuarterHours is the largest zone offset an absolute SMPP time carries
// (48 quarter hours = 12 h, encoding.md §5.1).
const maxQuarterHours = 48

// RelativePeriod is the offset of a relative SMPP time (YYMMDDhhmmss000R,
// encoding.md §5.2). Each field counts calendar units and is 0–99 on the wire;
// the fields are not normalised (48 hours stays 48 hours), because months and
// years have no fixed length.
type RelativePeriod struct {
	Years, Months, Days, Hours, Minutes, Seconds int
}

// duration returns the part of p that has a fixed length.
func (p RelativePeriod) duration() time.Duration {
	return time.Duration(p.Hours)*time.Hour + time.Duration(p.Minutes)*time.Minute +
		time.Duration(p.Seconds)*time.Second
}

// invalid returns the name of the first field outside 0–99, or "".
func (p RelativePeriod) invalid() string {
	for i, v := range [...]int{p.Years, p.Months, p.Days, p.Hours, p.Minutes, p.Seconds} {
		if v < 0 || v > 99 {
			return [...]string{"years", "months", "days", "hours", "minutes", "seconds"}[i]
		}
	}
	return ""
}

type timeKind uint8

const (
	timeUnset timeKind = iota
	timeAbsolute
	timeRelative
)

// Time is the value of an SMPP time field — schedule_delivery_time,
// validity_period, final_date or the broadcast_end_time TLV (SMPP v3.4
// §7.1, encoding.md §5): unset (the empty string on the wire), an absolute
// time with its zone offset and tenths of a second, or a period relative to
// the MC's current time.
//
// The zero Time is unset. Times are values; compare them with [Time.Equal]
// rather than ==.
type Time struct {
	abs  time.Time // absolute: in a fixed zone of whole quarter hours, tenths only
	rel  RelativePeriod
	kind timeKind
}

// AbsoluteTime returns the absolute SMPP time of the instant t. The zone
// offset of t is rounded to quarter hours and limited to ±12 h (the wire
// range); the instant is kept, so a zone such as UTC+14 is carried as the
// equivalent UTC+12 wall clock. Fractions below a tenth of a second are
// dropped. A UTC time encodes as "…000+". The zero time.Time gives the unset
// Time.
//
// Only years inside the two-digit pivot window (1938–2037 by default)
// survive a round trip through the wire format.
func AbsoluteTime(t time.Time) Time {
	if t.IsZero() {
		return Time{}
	}
	_, off := t.Zone()
	q := off / 900
	if r := off % 900; r >= 450 {
		q++
	} else if r <= -450 {
		q--
	}
	q = max(-maxQuarterHours, min(maxQuarterHours, q))
	t = t.In(quarterZone(q)).Truncate(100 * time.Millisecond)
	return Time{abs: t, kind: timeAbsolute}
}

// RelativeTime returns the relative SMPP time of d, split into days, hours,
// minutes and seconds (years and months stay zero; use [NewRelativeTime] for
// calendar units). Fractions of a second are dropped, a negative d gives a
// zero period, and a d beyond what the wire format can carry (99 days
// 23:59:59) is clamped to it.
func RelativeTime(d time.Duration) Time {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	const maxSeconds = 99*86400 + 23*3600 + 59*60 + 59
	s = min(s, maxSeconds)
	p := RelativePeriod{
		Days:    int(s / 86400),
		Hours:   int(s / 3600 % 24),
		Minutes: int(s / 60 % 60),
		Seconds: int(s % 60),
	}
	return Time{rel: p, kind: timeRelative}
}

// NewRelativeTime returns the relative SMPP time of p. Every field must be in
// 0–99.
func NewRelativeTime(p RelativePeriod) (Time, error) {
	if f := p.invalid(); f != "" {
		return Time{}, &TimeError{Reason: "relative " + f + " out of range 0-99"}
	}
	return Time{rel: p, kind: timeRelative}, nil
}

// IsZero reports whether t is unset (the empty string on the wire: deliver
// now, MC default validity, not yet final).
func (t Time) IsZero() bool { return t.kind == timeUnset }

// IsRelative reports whether t is a relative time.
func (t Time) IsRelative() bool { return t.kind == timeRelative }

// IsAbsolute reports whether t is an absolute time.
func (t Time) IsAbsolute() bool { return t.kind == timeAbsolute }

// Absolute returns the instant of an absolute time, in a fixed zone with the
// offset carried on the wire (time.UTC for offset 0). ok is false for a
// relative or unset time.
func (t Time) Absolute() (_ time.Time, ok bool) {
	return t.abs, t.kind == timeAbsolute
}

// Period returns the offset of a relative time. ok is false for an absolute
// or unset time.
func (t Time) Period() (_ RelativePeriod, ok bool) {
	return t.rel, t.kind == timeRelative
}

// Resolve returns the instant t denotes when evaluated at now: an absolute
// time is returned as is; a relative one is added to now with calendar
// arithmetic (now.AddDate(years, months, days) plus hours, minutes and
// seconds, so one month after January 31 normalises like [time.Time.AddDate]
// does). An unset time gives the zero time.Time.
func (t Time) Resolve(now time.Time) time.Time {
	switch t.kind {
	case timeAbsolute:
		return t.abs
	case timeRelative:
		return now.AddDate(t.rel.Years, t.rel.Months, t.rel.Days).Add(t.rel.duration())
	}
	return time.Time{}
}

// Equal reports whether t and u are the same SMPP time: both unset, the same
// relative period, or the same instant (their zone offsets may differ).
func (t Time) Equal(u Time) bool {
	if t.kind != u.kind {
		return false
	}
	switch t.kind {
	case timeAbsolute:
		return t.abs.Equal(u.abs)
	case timeRelative:
		return t.rel == u.rel
	}
	return true
}

// String returns the 16-character wire form (YYMMDDhhmmsstnnp or
// YYMMDDhhmmss000R), or "" for an unset time.
func (t Time) String() string {
	switch t.kind {
	case timeAbsolute:
		return string(t.appendAbsolute(make([]byte, 0, 16)))
	case timeRelative:
		if t.rel.invalid() != "" {
			// Unreachable through the constructors.
			return ""
		}
		b := make([]byte, 0, 16)
		r := t.rel
		for _, v := range [...]int{r.Years, r.Months, r.Days, r.Hours, r.Minutes, r.Seconds} {
			b = append2(b, v)
		}
		return string(append(b, "000R"...))
	}
	return ""
}

func (t Time) appendAbsolute(b []byte) []byte {
	a := t.abs
	year, month, day := a.Date()
	hour, minute, sec := a.Clock()
	b = append2(b, (year%100+100)%100)
	b = append2(b, int(month))
	b = append2(b, day)
	b = append2(b, hour)
	b = append2(b, minute)
	b = append2(b, sec)
	b = append(b, byte('0'+a.Nanosecond()/1e8))
	_, off := a.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append2(b, off/900)
	return append(b, sign)
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

// FormatTime returns the 16-character absolute SMPP time of t, or "" for the
// zero time.Time; see [AbsoluteTime].
func FormatTime(t time.Time) string { return AbsoluteTime(t).String() }

// FormatRelative returns the 16-character relative SMPP time of d; see
// [RelativeTime].
func FormatRelative(d time.Duration) string { return RelativeTime(d).String() }

// TimeError reports an SMPP time string that cannot be parsed. It wraps
// [ErrBadValue]; a request carrying it is answered with ESME_RINVSCHED or
// ESME_RINVEXPIRY (encoding.md §5.2).
type TimeError struct {
	Value  string // the rejected input
	Reason string // what is wrong, e.g. "month 13 out of range 01-12"
}

// Error returns `pdu: invalid SMPP time "…": reason`.
func (e *TimeError) Error() string {
	if e.Value == "" {
		return "pdu: invalid SMPP time: " + e.Reason
	}
	v := e.Value
	if len(v) > 24 {
		v = v[:24] + "..."
	}
	return "pdu: invalid SMPP time " + strconv.Quote(v) + ": " + e.Reason
}

// Unwrap returns [ErrBadValue].
func (e *TimeError) Unwrap() error { return ErrBadValue }

// TimeParser parses SMPP time strings with non-default options. The zero
// value is what [ParseTime] uses.
type TimeParser struct {
	// Pivot maps two-digit years: YY ≥ Pivot is 19YY, YY < Pivot is 20YY.
	// 0 means DefaultYearPivot (38); 100 makes every year 20YY.
	Pivot int
	// Lenient also accepts 12-character YYMMDDhhmmss values (local time
	// of the MC, which v3.4 and v3.3 allow for times the MC reports) and
	// relative times whose tenths/offset digits are not "000".
	Lenient bool
	// Location is the zone of 12-character values; nil means UTC.
	Location *time.Location
}

// ParseTime parses an SMPP time field strictly with the default year pivot:
// "" (unset), an absolute YYMMDDhhmmsstnnp or a relative YYMMDDhhmmss000R
// (encoding.md §5). Errors are *[TimeError].
func ParseTime(s string) (Time, error) { return TimeParser{}.Parse(s) }

// ParseTimeLenient is ParseTime that also accepts the 12-character
// YYMMDDhhmmss form, read as UTC; see [TimeParser].
func ParseTimeLenient(s string) (Time, error) { return TimeParser{Lenient: true}.Parse(s) }

// ParseTimePivot is ParseTime with a different two-digit year pivot (1–100);
// see [TimeParser].
func ParseTimePivot(s string, pivot int) (Time, error) {
	return TimeParser{Pivot: pivot}.Parse(s)
}

// Parse parses an SMPP time field; see [ParseTime]. Errors are *[TimeError]
// naming the offending part.
func (p TimeParser) Parse(s string) (Time, error) {
	pivot := p.Pivot
	if pivot == 0 {
		pivot = DefaultYearPivot
	}
	fail := func(reason string) (Time, error) {
		return Time{}, &TimeError{Value: s, Reason: reason}
	}
	if pivot < 1 || pivot > 100 {
		return fail("year pivot " + strconv.Itoa(pivot) + " out of range 1-100")
	}
	switch {
	case s == "":
		return Time{}, nil
	case len(s) == 16:
	case len(s) == 12 && p.Lenient:
	default:
		if p.Lenient {
			return fail("length " + strconv.Itoa(len(s)) + ", want 0, 12 or 16")
		}
		return fail("length " + strconv.Itoa(len(s)) + ", want 0 or 16")
	}
	// Every position but the last of the 16-character form is a digit.
	n := len(s)
	if n == 16 {
		n = 15
	}
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return fail("non-digit " + strconv.QuoteRune(rune(s[i])) + " at position " + strconv.Itoa(i))
		}
	}
	d := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }

	if len(s) == 16 && s[15] == 'R' {
		if s[12:15] != "000" && !p.Lenient {
			return fail("relative time has " + strconv.Quote(s[12:15]) + " in the tenths/offset positions, want \"000\"")
		}
		r := RelativePeriod{d(0), d(2), d(4), d(6), d(8), d(10)}
		return Time{rel: r, kind: timeRelative}, nil
	}

	yy, month, day, hour, minute, sec := d(0), d(2), d(4), d(6), d(8), d(10)
	year := 2000 + yy
	if yy >= pivot {
		year = 1900 + yy
	}
	two := func(v int) string { return string(append2(nil, v)) }
	switch {
	case month < 1 || month > 12:
		return fail("month " + two(month) + " out of range 01-12")
	case day < 1 || day > 31:
		return fail("day " + two(day) + " out of range 01-31")
	case day > daysIn(year, time.Month(month)):
		return fail("day " + two(day) + " out of range for " + strconv.Itoa(year) + "-" + two(month))
	case hour > 23:
		return fail("hour " + two(hour) + " out of range 00-23")
	case minute > 59:
		return fail("minute " + two(minute) + " out of range 00-59")
	case sec > 59:
		return fail("second " + two(sec) + " out of range 00-59")
	}

	if len(s) == 12 {
		loc := p.Location
		if loc == nil {
			loc = time.UTC
		}
		// AbsoluteTime keeps the invariant that the zone is a whole
		// number of quarter hours within ±12 h.
		return AbsoluteTime(time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc)), nil
	}

	tenths := int(s[12] - '0')
	q := d(13)
	var sign int
	switch s[15] {
	case '+':
		sign = 1
	case '-':
		sign = -1
	default:
		return fail("direction " + strconv.QuoteRune(rune(s[15])) + " at position 15, want '+', '-' or 'R'")
	}
	if q > maxQuarterHours {
		return fail("UTC offset " + two(q) + " quarter hours out of range 00-48")
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, tenths*1e8, quarterZone(sign*q))
	return Time{abs: t, kind: timeAbsolute}, nil
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// quarterZones caches the fixed zones of offsets -48..48 quarter hours.
var quarterZones = func() (z [2*maxQuarterHours + 1]*time.Location) {
	for q := -maxQuarterHours; q <= maxQuarterHours; q++ {
		z[q+maxQuarterHours] = time.FixedZone("", q*900)
	}
	z[maxQuarterHours] = time.UTC
	return z
}()

func quarterZone(q int) *time.Location { return quarterZones[q+maxQuarterHours] }
