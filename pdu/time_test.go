package pdu

import (
	"errors"
	"math/rand"
	"strings"
	"testing"
	"time"
)

func mustParseSMPPTime(t *testing.T, s string) Time {
	t.Helper()
	v, err := ParseTime(s)
	if err != nil {
		t.Fatalf("ParseTime(%q): %v", s, err)
	}
	return v
}

func TestTimeSpecExamples(t *testing.T) {
	// encoding.md §5.1: 2024-01-31 15:30:00.0 at UTC+01:00 = 14:30:00Z.
	v := mustParseSMPPTime(t, "240131153000004+")
	abs, ok := v.Absolute()
	if !ok || !v.IsAbsolute() || v.IsRelative() || v.IsZero() {
		t.Fatalf("240131153000004+: kind wrong: %+v", v)
	}
	if want := time.Date(2024, 1, 31, 14, 30, 0, 0, time.UTC); !abs.Equal(want) {
		t.Errorf("240131153000004+ = %v, want %v", abs, want)
	}
	if h, m, _ := abs.Clock(); h != 15 || m != 30 {
		t.Errorf("wall clock %02d:%02d, want 15:30 (zone offset kept)", h, m)
	}
	if _, off := abs.Zone(); off != 3600 {
		t.Errorf("offset %d s, want 3600", off)
	}
	if got := v.String(); got != "240131153000004+" {
		t.Errorf("String() = %q", got)
	}
	if _, ok := v.Period(); ok {
		t.Error("Period() ok for an absolute time")
	}

	// encoding.md §5.2.
	rel := []struct {
		s    string
		want RelativePeriod
	}{
		{"020610233429000R", RelativePeriod{Years: 2, Months: 6, Days: 10, Hours: 23, Minutes: 34, Seconds: 29}},
		{"000001000000000R", RelativePeriod{Days: 1}},
		{"000000010000000R", RelativePeriod{Hours: 1}},
		{"000000000000000R", RelativePeriod{}},
		{"999999999999000R", RelativePeriod{99, 99, 99, 99, 99, 99}}, // amounts, not calendar fields
	}
	for _, c := range rel {
		v := mustParseSMPPTime(t, c.s)
		p, ok := v.Period()
		if !ok || !v.IsRelative() || v.IsAbsolute() || v.IsZero() || p != c.want {
			t.Errorf("%s: Period() = %+v, %v; want %+v", c.s, p, ok, c.want)
		}
		if _, ok := v.Absolute(); ok {
			t.Errorf("%s: Absolute() ok for a relative time", c.s)
		}
		if got := v.String(); got != c.s {
			t.Errorf("%s: String() = %q", c.s, got)
		}
	}
	if got := RelativeTime(24 * time.Hour).String(); got != "000001000000000R" {
		t.Errorf("RelativeTime(24h) = %q, want 000001000000000R", got)
	}
	if got := FormatRelative(time.Hour); got != "000000010000000R" {
		t.Errorf("FormatRelative(1h) = %q, want 000000010000000R", got)
	}
}

func TestTimeOffsets(t *testing.T) {
	cases := []struct {
		s      string
		utc    time.Time
		offset int // seconds east of UTC
	}{
		{"240131093000020-", time.Date(2024, 1, 31, 14, 30, 0, 0, time.UTC), -5 * 3600},
		{"240131143000000+", time.Date(2024, 1, 31, 14, 30, 0, 0, time.UTC), 0},
		{"240131143000000-", time.Date(2024, 1, 31, 14, 30, 0, 0, time.UTC), 0},
		{"240131200000022+", time.Date(2024, 1, 31, 14, 30, 0, 0, time.UTC), 5*3600 + 1800},         // India
		{"240131201500023+", time.Date(2024, 1, 31, 14, 30, 0, 0, time.UTC), 5*3600 + 45*60},        // Nepal
		{"240131110000014-", time.Date(2024, 1, 31, 14, 30, 0, 0, time.UTC), -(3*3600 + 30*60)},     // Newfoundland
		{"240101113000048-", time.Date(2024, 1, 1, 23, 30, 0, 0, time.UTC), -12 * 3600},             // -12 h, next UTC day
		{"240101020000048+", time.Date(2023, 12, 31, 14, 0, 0, 0, time.UTC), 12 * 3600},             // +12 h, previous UTC year
		{"991231235959948+", time.Date(1999, 12, 31, 11, 59, 59, 900_000_000, time.UTC), 12 * 3600}, // tenths
		{"240131153000504+", time.Date(2024, 1, 31, 14, 30, 0, 500_000_000, time.UTC), 3600},
	}
	for _, c := range cases {
		v := mustParseSMPPTime(t, c.s)
		abs, _ := v.Absolute()
		if !abs.Equal(c.utc) {
			t.Errorf("%s = %v, want %v", c.s, abs.UTC(), c.utc)
		}
		if _, off := abs.Zone(); off != c.offset {
			t.Errorf("%s: offset %d, want %d", c.s, off, c.offset)
		}
		// The wire form is canonical except for the sign of a zero offset.
		want := c.s
		if strings.HasSuffix(want, "000-") {
			want = want[:15] + "+"
		}
		if got := v.String(); got != want {
			t.Errorf("%s: String() = %q, want %q", c.s, got, want)
		}
	}
	// A zero offset decodes to time.UTC.
	if abs, _ := mustParseSMPPTime(t, "240131143000000-").Absolute(); abs.Location() != time.UTC {
		t.Errorf("zero offset location = %v, want UTC", abs.Location())
	}
}

func TestTimeInvalid(t *testing.T) {
	cases := []struct {
		s, want string
	}{
		{"24013115300000+", "length 15, want 0 or 16"},
		{"240131153000004+0", "length 17"},
		{"240131153000", "length 12, want 0 or 16"},
		{"240131153000004", "length 15"},
		{" 40131153000004+", "non-digit ' ' at position 0"},
		{"2401311530000a4+", "non-digit 'a' at position 13"},
		{"24013115300X004+", "non-digit 'X' at position 11"}, // seconds
		{"240131153000X04+", "non-digit 'X' at position 12"}, // tenths
		{"24-131153000004+", "non-digit '-' at position 2"},
		{"000001000000X00R", "non-digit 'X' at position 12"},
		{"240031153000004+", "month 00 out of range 01-12"},
		{"241331153000004+", "month 13 out of range 01-12"},
		{"240100153000004+", "day 00 out of range 01-31"},
		{"240132153000004+", "day 32 out of range 01-31"},
		{"240431153000004+", "day 31 out of range for 2024-04"},
		{"230229153000004+", "day 29 out of range for 2023-02"},
		{"000230000000000+", "day 30 out of range for 2000-02"},
		{"240131243000004+", "hour 24 out of range 00-23"},
		{"240131156000004+", "minute 60 out of range 00-59"},
		{"240131153060004+", "second 60 out of range 00-59"},
		{"240131153000049+", "UTC offset 49 quarter hours out of range 00-48"},
		{"240131153000099-", "UTC offset 99 quarter hours out of range 00-48"},
		{"240131153000004x", "direction 'x' at position 15, want '+', '-' or 'R'"},
		{"240131153000004r", "direction 'r' at position 15"},
		{"240131153000004 ", "direction ' ' at position 15"},
		{"000001000000100R", `relative time has "100" in the tenths/offset positions, want "000"`},
		{"000001000000004R", `relative time has "004"`},
	}
	for _, c := range cases {
		_, err := ParseTime(c.s)
		if err == nil {
			t.Errorf("ParseTime(%q) succeeded, want error containing %q", c.s, c.want)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "pdu: ") || !strings.Contains(msg, c.want) {
			t.Errorf("ParseTime(%q) error %q, want prefix \"pdu: \" and %q", c.s, msg, c.want)
		}
		var te *TimeError
		if !errors.As(err, &te) || te.Value != c.s || !errors.Is(err, ErrBadValue) {
			t.Errorf("ParseTime(%q) error %#v is not a *TimeError wrapping ErrBadValue", c.s, err)
		}
	}
	// A leap day is valid; 2000 was a leap year.
	for _, s := range []string{"240229000000000+", "000229000000000+"} {
		if _, err := ParseTime(s); err != nil {
			t.Errorf("ParseTime(%q): %v", s, err)
		}
	}
	// Long garbage is shortened in the message.
	_, err := ParseTime(strings.Repeat("9", 100))
	if err == nil || len(err.Error()) > 100 {
		t.Errorf("long input error = %v", err)
	}
	// Bad pivots.
	for _, p := range []int{-1, 101} {
		if _, err := ParseTimePivot("240131153000004+", p); err == nil || !strings.Contains(err.Error(), "year pivot") {
			t.Errorf("ParseTimePivot(pivot %d) error = %v", p, err)
		}
	}
	// NewRelativeTime names the field.
	for _, c := range []struct {
		p     RelativePeriod
		field string
	}{
		{RelativePeriod{Years: 100}, "years"},
		{RelativePeriod{Months: -1}, "months"},
		{RelativePeriod{Hours: 100}, "hours"},
		{RelativePeriod{Seconds: 1000}, "seconds"},
	} {
		_, err := NewRelativeTime(c.p)
		if err == nil || !strings.HasPrefix(err.Error(), "pdu: ") || !strings.Contains(err.Error(), "relative "+c.field+" out of range 0-99") {
			t.Errorf("NewRelativeTime(%+v) error = %v", c.p, err)
		}
	}
}

func TestTimeLenient(t *testing.T) {
	v, err := ParseTimeLenient("240131153000")
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := v.Absolute()
	if want := time.Date(2024, 1, 31, 15, 30, 0, 0, time.UTC); !abs.Equal(want) {
		t.Errorf("12-char = %v, want %v", abs, want)
	}
	if got := v.String(); got != "240131153000000+" {
		t.Errorf("String() = %q", got)
	}

	cet := time.FixedZone("CET", 3600)
	v, err = TimeParser{Lenient: true, Location: cet}.Parse("240131153000")
	if err != nil {
		t.Fatal(err)
	}
	if abs, _ := v.Absolute(); !abs.Equal(time.Date(2024, 1, 31, 14, 30, 0, 0, time.UTC)) {
		t.Errorf("12-char in CET = %v", abs)
	}
	if got := v.String(); got != "240131153000004+" {
		t.Errorf("String() = %q", got)
	}

	// A named zone with a historic offset that is not a whole number of
	// quarter hours still yields a valid wire form (same instant).
	if ams, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		v, err := TimeParser{Lenient: true, Location: ams, Pivot: 100}.Parse("300601120000")
		if err != nil {
			t.Fatal(err)
		}
		want := time.Date(2030, 6, 1, 12, 0, 0, 0, ams)
		if abs, _ := v.Absolute(); !abs.Equal(want) {
			t.Errorf("Amsterdam = %v, want %v", abs, want)
		}
		if got := v.String(); got != "300601120000008+" {
			t.Errorf("Amsterdam String() = %q", got)
		}
	}

	// Lenient still validates ranges and lengths.
	for _, c := range []struct{ s, want string }{
		{"241331153000", "month 13"},
		{"2401311530", "length 10, want 0, 12 or 16"},
		{"24013115300a", "non-digit 'a' at position 11"},
	} {
		if _, err := ParseTimeLenient(c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseTimeLenient(%q) error = %v, want %q", c.s, err, c.want)
		}
	}
	// Lenient ignores the tenths/offset digits of a relative time.
	v, err = ParseTimeLenient("000001000000104R")
	if p, _ := v.Period(); err != nil || p != (RelativePeriod{Days: 1}) {
		t.Errorf("lenient relative = %+v, %v", p, err)
	}
	if got := v.String(); got != "000001000000000R" {
		t.Errorf("lenient relative String() = %q", got)
	}
}

func TestTimePivot(t *testing.T) {
	cases := []struct {
		s     string
		pivot int
		year  int
	}{
		{"380101000000000+", 0, 1938},
		{"990101000000000+", 0, 1999},
		{"000101000000000+", 0, 2000},
		{"371231235959900+", 0, 2037},
		{"380101000000000+", DefaultYearPivot, 1938},
		{"990101000000000+", 100, 2099},
		{"000101000000000+", 100, 2000},
		{"490101000000000+", 50, 2049},
		{"500101000000000+", 50, 1950},
		{"000101000000000+", 1, 2000},
		{"010101000000000+", 1, 1901},
	}
	for _, c := range cases {
		v, err := ParseTimePivot(c.s, c.pivot)
		if err != nil {
			t.Errorf("ParseTimePivot(%q, %d): %v", c.s, c.pivot, err)
			continue
		}
		abs, _ := v.Absolute()
		if abs.Year() != c.year {
			t.Errorf("ParseTimePivot(%q, %d) year %d, want %d", c.s, c.pivot, abs.Year(), c.year)
		}
	}
	// Leap-day validation follows the pivoted year: 1901 was not a leap
	// year, 1904 was.
	if _, err := ParseTimePivot("010229000000000+", 1); err == nil {
		t.Error("1901-02-29 accepted")
	}
	if _, err := ParseTimePivot("040229000000000+", 1); err != nil {
		t.Error("1904-02-29 rejected:", err)
	}
	if _, err := ParseTimePivot("000229000000000+", 100); err != nil {
		t.Error(err)
	}
}

func TestTimeAbsoluteConstructor(t *testing.T) {
	base := time.Date(2024, 7, 15, 8, 5, 9, 987_654_321, time.UTC)
	cases := []struct {
		in   time.Time
		want string
	}{
		{base, "240715080509900+"},
		{base.In(time.FixedZone("", 2*3600)), "240715100509908+"},
		{base.In(time.FixedZone("", -(9*3600 + 30*60))), "240714223509938-"},
		{base.In(time.FixedZone("", 14*3600)), "240715200509948+"},             // +14 h: carried as +12 h
		{base.In(time.FixedZone("", -13*3600)), "240714200509948-"},            // -13 h: carried as -12 h
		{base.In(time.FixedZone("LMT", 19*60+32)), "240715082009901+"},         // +00:19:32 rounds to +00:15
		{base.In(time.FixedZone("", -(7*60 + 30))), "240715075009901-"},        // -00:07:30 rounds away from zero
		{time.Date(2037, 12, 31, 23, 59, 59, 0, time.UTC), "371231235959000+"}, // end of the window
		{time.Date(1938, 1, 1, 0, 0, 0, 0, time.UTC), "380101000000000+"},      // start of the window
	}
	for _, c := range cases {
		v := AbsoluteTime(c.in)
		if got := v.String(); got != c.want {
			t.Errorf("AbsoluteTime(%v) = %q, want %q", c.in, got, c.want)
		}
		if got := FormatTime(c.in); got != c.want {
			t.Errorf("FormatTime(%v) = %q, want %q", c.in, got, c.want)
		}
		// The instant is kept (to the tenth of a second).
		abs, _ := v.Absolute()
		if !abs.Equal(c.in.Truncate(100 * time.Millisecond)) {
			t.Errorf("AbsoluteTime(%v) instant %v", c.in, abs)
		}
		back := mustParseSMPPTime(t, c.want)
		if !back.Equal(v) {
			t.Errorf("%q parses to %v, constructed %v", c.want, back, v)
		}
	}
	if v := AbsoluteTime(time.Time{}); !v.IsZero() || v.String() != "" || FormatTime(time.Time{}) != "" {
		t.Errorf("AbsoluteTime(zero) = %v", v)
	}
	// Monotonic readings are dropped.
	now := time.Now()
	if abs, _ := AbsoluteTime(now).Absolute(); strings.Contains(abs.String(), "m=") {
		t.Errorf("monotonic reading kept: %v", abs)
	}
}

func TestTimeRelativeConstructor(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{0, "000000000000000R"},
		{-time.Hour, "000000000000000R"},
		{1500 * time.Millisecond, "000000000001000R"},
		{24*time.Hour + time.Hour + time.Minute + time.Second, "000001010101000R"},
		{48 * time.Hour, "000002000000000R"},
		{7 * 24 * time.Hour, "000007000000000R"},
		{99*24*time.Hour + 23*time.Hour + 59*time.Minute + 59*time.Second, "000099235959000R"},
		{100 * 24 * time.Hour, "000099235959000R"}, // clamped
		{1<<63 - 1, "000099235959000R"},
	}
	for _, c := range cases {
		if got := RelativeTime(c.d).String(); got != c.want {
			t.Errorf("RelativeTime(%v) = %q, want %q", c.d, got, c.want)
		}
		if got := mustParseSMPPTime(t, c.want); !got.Equal(RelativeTime(c.d)) {
			t.Errorf("%q does not round-trip", c.want)
		}
	}
	v, err := NewRelativeTime(RelativePeriod{Years: 1, Months: 2, Days: 3, Hours: 48, Minutes: 5, Seconds: 6})
	if err != nil || v.String() != "010203480506000R" {
		t.Errorf("NewRelativeTime = %q, %v", v, err)
	}
}

func TestTimeResolve(t *testing.T) {
	now := time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC)
	if got := (Time{}).Resolve(now); !got.IsZero() {
		t.Errorf("unset Resolve = %v", got)
	}
	abs := mustParseSMPPTime(t, "240131153000004+")
	if got, _ := abs.Absolute(); !abs.Resolve(now).Equal(got) || !abs.Resolve(time.Time{}).Equal(got) {
		t.Error("absolute Resolve depends on now")
	}
	cases := []struct {
		s    string
		want time.Time
	}{
		{"000001000000000R", time.Date(2024, 2, 1, 12, 0, 0, 0, time.UTC)},
		{"000100000000000R", time.Date(2024, 3, 2, 12, 0, 0, 0, time.UTC)}, // Feb 31 normalises (AddDate)
		{"010000000000000R", time.Date(2025, 1, 31, 12, 0, 0, 0, time.UTC)},
		{"000000480000000R", time.Date(2024, 2, 2, 12, 0, 0, 0, time.UTC)},
		{"020610233429000R", time.Date(2026, 8, 11, 11, 34, 29, 0, time.UTC)}, // Jul 41 + 35:34:29
	}
	for _, c := range cases {
		if got := mustParseSMPPTime(t, c.s).Resolve(now); !got.Equal(c.want) {
			t.Errorf("%s.Resolve(%v) = %v, want %v", c.s, now, got, c.want)
		}
	}
	// Days are calendar days: across a DST change one day keeps the wall
	// clock, 24 hours does not.
	if ber, err := time.LoadLocation("Europe/Berlin"); err == nil {
		n := time.Date(2024, 3, 30, 12, 0, 0, 0, ber)
		day := mustParseSMPPTime(t, "000001000000000R").Resolve(n)
		hrs := mustParseSMPPTime(t, "000000240000000R").Resolve(n)
		if day.Hour() != 12 || hrs.Hour() != 13 {
			t.Errorf("DST: 1 day -> %v, 24 h -> %v", day, hrs)
		}
	}
}

func TestTimeZeroAndEqual(t *testing.T) {
	var z Time
	if !z.IsZero() || z.IsRelative() || z.IsAbsolute() || z.String() != "" {
		t.Errorf("zero Time = %+v", z)
	}
	if v, err := ParseTime(""); err != nil || !v.IsZero() || !v.Equal(z) {
		t.Errorf(`ParseTime("") = %v, %v`, v, err)
	}
	a := mustParseSMPPTime(t, "240131153000004+")
	b := mustParseSMPPTime(t, "240131143000000+")
	if !a.Equal(b) || a.String() == b.String() {
		t.Error("same instant with different offsets: want Equal and different wire forms")
	}
	r := mustParseSMPPTime(t, "000001000000000R")
	for _, c := range [][2]Time{{a, r}, {a, z}, {r, z}, {r, mustParseSMPPTime(t, "000000240000000R")}} {
		if c[0].Equal(c[1]) || c[1].Equal(c[0]) {
			t.Errorf("%q Equal %q", c[0], c[1])
		}
	}
}

// TestTimeRoundTripRandom checks String/Parse over many random instants and
// zone offsets inside the default pivot window.
func TestTimeRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	lo := time.Date(1938, 1, 2, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2037, 12, 30, 0, 0, 0, 0, time.UTC).Unix()
	for i := 0; i < 5000; i++ {
		sec := lo + rng.Int63n(hi-lo)
		q := rng.Intn(97) - 48
		in := time.Unix(sec, int64(rng.Intn(1e9))).In(time.FixedZone("", q*900))
		v := AbsoluteTime(in)
		s := v.String()
		back, err := ParseTime(s)
		if err != nil {
			t.Fatalf("%v -> %q: %v", in, s, err)
		}
		if !back.Equal(v) || back.String() != s {
			t.Fatalf("%v -> %q -> %v", in, s, back)
		}
		if _, off := func() (string, int) { a, _ := back.Absolute(); return a.Zone() }(); off != q*900 {
			t.Fatalf("%q: offset %d, want %d", s, off, q*900)
		}

		d := time.Duration(rng.Int63n(int64(100 * 24 * time.Hour)))
		rv := RelativeTime(d)
		rb, err := ParseTime(rv.String())
		if err != nil || !rb.Equal(rv) {
			t.Fatalf("RelativeTime(%v) = %q -> %v, %v", d, rv, rb, err)
		}
		if got := rv.Resolve(in); got.Sub(in) != d.Truncate(time.Second) && d < 99*24*time.Hour {
			t.Fatalf("RelativeTime(%v).Resolve adds %v", d, got.Sub(in))
		}
	}
}

// TestTimeInPDU carries times through submit_sm's time fields.
func TestTimeInPDU(t *testing.T) {
	when := time.Date(2024, 1, 31, 15, 30, 0, 0, time.FixedZone("", 3600))
	p := &SubmitSM{
		SourceAddr:           "a",
		DestinationAddr:      "b",
		ScheduleDeliveryTime: FormatTime(when),
		ValidityPeriod:       FormatRelative(48 * time.Hour),
	}
	frame, err := Marshal(1, StatusOK, p)
	if err != nil {
		t.Fatal(err)
	}
	_, q, err := Decode(frame)
	if err != nil {
		t.Fatal(err)
	}
	got := q.(*SubmitSM)
	if got.ScheduleDeliveryTime != "240131153000004+" || got.ValidityPeriod != "000002000000000R" {
		t.Fatalf("fields %q %q", got.ScheduleDeliveryTime, got.ValidityPeriod)
	}
	sched := mustParseSMPPTime(t, got.ScheduleDeliveryTime)
	if abs, _ := sched.Absolute(); !abs.Equal(when) {
		t.Errorf("schedule_delivery_time = %v, want %v", abs, when)
	}
	if p, _ := mustParseSMPPTime(t, got.ValidityPeriod).Period(); p != (RelativePeriod{Days: 2}) {
		t.Errorf("validity_period = %+v", p)
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"", "240131153000004+", "020610233429000R", "240131093000020-",
		"240131153000", "241331153000004+", "000001000000100R", "99999999999999R9"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, lenient bool) {
		v, err := TimeParser{Lenient: lenient}.Parse(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "pdu: ") || !errors.Is(err, ErrBadValue) {
				t.Fatalf("error %q", err)
			}
			return
		}
		out := v.String()
		if s != "" && len(out) != 16 {
			t.Fatalf("%q -> %q", s, out)
		}
		back, err := ParseTime(out)
		if err != nil || !back.Equal(v) || back.String() != out {
			t.Fatalf("%q -> %q -> %v, %v", s, out, back, err)
		}
		if !lenient && len(s) == 16 && s[15] == 'R' && out != s {
			t.Fatalf("relative %q re-encodes as %q", s, out)
		}
	})
}
