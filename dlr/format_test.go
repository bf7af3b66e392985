package dlr

import (
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
)

var (
	submit = time.Date(2024, 1, 31, 15, 30, 12, 0, time.UTC)
	done   = time.Date(2024, 1, 31, 15, 31, 45, 0, time.UTC)
)

func TestFormat(t *testing.T) {
	hello := New("0123456789", pdu.StateDelivered, submit, done)
	hello.Text = "Hello world"
	tests := []struct {
		name string
		f    Format
		r    Receipt
		want string
	}{
		{"spec example", Format{}, hello,
			"id:0123456789 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000 text:Hello world"},
		{"12-digit dates, Text:", Format{Seconds: true, CapitalText: true}, hello,
			"id:0123456789 sub:001 dlvrd:001 submit date:240131153012 done date:240131153145 stat:DELIVRD err:000 Text:Hello world"},
		{"pad decimal id", Format{ID: IDDecimal10}, New("42", pdu.StateUndeliverable, submit, done),
			"id:0000000042 sub:001 dlvrd:000 submit date:2401311530 done date:2401311531 stat:UNDELIV err:000 text:"},
		{"pad leaves non-decimal", Format{ID: IDDecimal10}, New("1a2b3c4d", pdu.StateExpired, submit, done),
			"id:1a2b3c4d sub:001 dlvrd:000 submit date:2401311530 done date:2401311531 stat:EXPIRED err:000 text:"},
		{"hex to decimal", Format{ID: IDHexToDecimal10}, New("1a2b3c4d", pdu.StateRejected, submit, done),
			"id:0439041101 sub:001 dlvrd:000 submit date:2401311530 done date:2401311531 stat:REJECTD err:000 text:"},
		{"hex to decimal keeps non-hex", Format{ID: IDHexToDecimal10}, New("msg-1", pdu.StateDeleted, submit, done),
			"id:msg-1 sub:001 dlvrd:000 submit date:2401311530 done date:2401311531 stat:DELETED err:000 text:"},
		{"zero receipt", Format{}, Receipt{},
			"id: sub:000 dlvrd:000 submit date:0000000000 done date:0000000000 stat:UNKNOWN err:000 text:"},
		{"zero dates with seconds", Format{Seconds: true}, Receipt{Stat: "ACCEPTD"},
			"id: sub:000 dlvrd:000 submit date:000000000000 done date:000000000000 stat:ACCEPTD err:000 text:"},
		{"state only, counts, err", Format{}, Receipt{ID: "7", State: pdu.StateEnroute, Sub: 2, Dlvrd: -1, Err: "001"},
			"id:7 sub:002 dlvrd:000 submit date:0000000000 done date:0000000000 stat:ENROUTE err:001 text:"},
		{"big counts", Format{}, Receipt{ID: "7", Stat: "DELIVRD", Sub: 1234, Dlvrd: 1000},
			"id:7 sub:1234 dlvrd:1000 submit date:0000000000 done date:0000000000 stat:DELIVRD err:000 text:"},
		{"vendor fields before text", Format{}, Receipt{ID: "9", Stat: "DELIVRD", Text: "x",
			Vendor: []VendorField{{"IMSI", "234150000000000"}, {"MSC", "447000000000"}}},
			"id:9 sub:000 dlvrd:000 submit date:0000000000 done date:0000000000 stat:DELIVRD err:000 IMSI:234150000000000 MSC:447000000000 text:x"},
		{"text truncated to 20", Format{}, Receipt{ID: "1", Stat: "DELIVRD", Text: "abcdefghijklmnopqrstuvwxyz"},
			"id:1 sub:000 dlvrd:000 submit date:0000000000 done date:0000000000 stat:DELIVRD err:000 text:abcdefghijklmnopqrst"},
		{"text by runes", Format{TextLen: 3}, Receipt{ID: "1", Stat: "DELIVRD", Text: "äöüß"},
			"id:1 sub:000 dlvrd:000 submit date:0000000000 done date:0000000000 stat:DELIVRD err:000 text:äöü"},
		{"text untruncated", Format{TextLen: -1}, Receipt{ID: "1", Stat: "DELIVRD", Text: "abcdefghijklmnopqrstuvwxyz"},
			"id:1 sub:000 dlvrd:000 submit date:0000000000 done date:0000000000 stat:DELIVRD err:000 text:abcdefghijklmnopqrstuvwxyz"},
		{"location", Format{Location: time.FixedZone("+0200", 2*3600)}, New("1", pdu.StateDelivered, submit, done),
			"id:1 sub:001 dlvrd:001 submit date:2401311730 done date:2401311731 stat:DELIVRD err:000 text:"},
		{"year 1999", Format{}, Receipt{ID: "1", Stat: "DELIVRD", SubmitDate: time.Date(1999, 12, 31, 23, 59, 0, 0, time.UTC)},
			"id:1 sub:000 dlvrd:000 submit date:9912312359 done date:0000000000 stat:DELIVRD err:000 text:"},
	}
	for _, tt := range tests {
		if got := tt.f.Text(tt.r); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
		if got := string(tt.f.Append([]byte("prefix|"), tt.r)); got != "prefix|"+tt.want {
			t.Errorf("%s: Append did not append: %q", tt.name, got)
		}
	}
	if got, want := hello.String(), (Format{}).Text(hello); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := string(hello.AppendText(nil)), hello.String(); got != want {
		t.Errorf("AppendText(nil) = %q, want %q", got, want)
	}
}

func TestAppendTextNoAlloc(t *testing.T) {
	r := New("0123456789", pdu.StateDelivered, submit, done)
	r.Text = "Hello world"
	buf := make([]byte, 0, 256)
	if n := testing.AllocsPerRun(100, func() { buf = r.AppendText(buf[:0]) }); n != 0 {
		t.Errorf("AppendText allocates %v times", n)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"", 0, ""},
		{"abc", 0, "abc"},
		{"abc", 3, "abc"},
		{"abc", 2, "ab"},
		{"abc", -1, "abc"},
		{"a\xffb\xfec", 3, "a\xffb"},
		{"日本語テキスト", 2, "日本"},
	}
	for _, tt := range tests {
		if got := truncate(tt.s, tt.n); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

func TestFieldString(t *testing.T) {
	tests := []struct {
		f    Field
		want string
	}{
		{0, "none"},
		{FieldID, "id"},
		{FieldID | FieldStat | FieldNetworkError, "id|stat|network_error_code"},
		{FieldSubmitDate | FieldDoneDate, "submit date|done date"},
		{1 << 12, "field(0x1000)"},
	}
	for _, tt := range tests {
		if got := tt.f.String(); got != tt.want {
			t.Errorf("Field(%#x).String() = %q, want %q", uint16(tt.f), got, tt.want)
		}
	}
}
