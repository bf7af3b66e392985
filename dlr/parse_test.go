package dlr

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
)

func d10(s string) time.Time {
	t, ok := parseDate(s, time.UTC)
	if !ok {
		panic("bad test date " + s)
	}
	return t
}

// std is the set of fields of a complete Appendix B text.
const std = FieldID | FieldSub | FieldDlvrd | FieldSubmitDate | FieldDoneDate | FieldStat | FieldState | FieldErr | FieldText

// TestParse is a table of receipt texts shaped like those real MCs send
// (encoding.md §8.2).
func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Receipt // Raw is filled in from in
	}{
		{"spec example",
			"id:0123456789 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000 text:Hello world",
			Receipt{ID: "0123456789", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Text: "Hello world", Fields: std}},
		{"appendix B Text: capital",
			"id:0123456789 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000 Text:Hello",
			Receipt{ID: "0123456789", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Text: "Hello", Fields: std}},
		{"all keys upper case",
			"ID:77 SUB:001 DLVRD:000 SUBMIT DATE:2401311530 DONE DATE:2401311531 STAT:UNDELIV ERR:001 TEXT:X",
			Receipt{ID: "77", Sub: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "UNDELIV", State: pdu.StateUndeliverable, Err: "001", Text: "X", Fields: std}},
		{"mixed case keys and lower-case stat",
			"Id:77 Sub:001 Dlvrd:001 Submit Date:2401311530 Done Date:2401311531 Stat:delivrd Err:000 Text:x",
			Receipt{ID: "77", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "delivrd", State: pdu.StateDelivered, Err: "000", Text: "x", Fields: std}},
		{"missing text",
			"id:1 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000",
			Receipt{ID: "1", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Fields: std &^ FieldText}},
		{"empty text",
			"id:1 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000 text:",
			Receipt{ID: "1", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Fields: std}},
		{"12-digit dates",
			"id:1 sub:001 dlvrd:001 submit date:240131153012 done date:240131153145 stat:DELIVRD err:000 text:",
			Receipt{ID: "1", Sub: 1, Dlvrd: 1, SubmitDate: submit, DoneDate: done,
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Fields: std}},
		{"14-digit dates",
			"id:1 sub:001 dlvrd:001 submit date:20240131153012 done date:20240131153145 stat:DELIVRD err:000 text:",
			Receipt{ID: "1", Sub: 1, Dlvrd: 1, SubmitDate: submit, DoneDate: done,
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Fields: std}},
		{"underscore date keys",
			"id:1 sub:001 dlvrd:001 submit_date:2401311530 done_date:2401311531 stat:DELIVRD err:000 text:",
			Receipt{ID: "1", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Fields: std}},
		{"hex id",
			"id:1a2b3c4d sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000 text:hi",
			Receipt{ID: "1a2b3c4d", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Text: "hi", Fields: std}},
		{"uuid-like id",
			"id:6f1c2e0a-9b7d-4c1e-8f00-0123456789ab stat:DELIVRD",
			Receipt{ID: "6f1c2e0a-9b7d-4c1e-8f00-0123456789ab", Stat: "DELIVRD", State: pdu.StateDelivered,
				Fields: FieldID | FieldStat | FieldState}},
		{"vendor IMSI and MSC fields, Err casing",
			"id:5 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD Err:000 IMSI:234150000000000 MSC:447000000000 text:ok",
			Receipt{ID: "5", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Text: "ok", Fields: std,
				Vendor: []VendorField{{"IMSI", "234150000000000"}, {"MSC", "447000000000"}}}},
		{"UNDELIV err:001",
			"id:6 sub:001 dlvrd:000 submit date:2401311530 done date:2401311531 stat:UNDELIV err:001 text:",
			Receipt{ID: "6", Sub: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "UNDELIV", State: pdu.StateUndeliverable, Err: "001", Fields: std}},
		{"trailing NUL",
			"id:7 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000 text:abc\x00",
			Receipt{ID: "7", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Text: "abc", Fields: std}},
		{"trailing CRLF",
			"id:7 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000 text:abc\r\n",
			Receipt{ID: "7", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Text: "abc", Fields: std}},
		{"trailing CRLF without text",
			"id:7 stat:EXPIRED err:000\r\n\x00",
			Receipt{ID: "7", Stat: "EXPIRED", State: pdu.StateExpired, Err: "000", Fields: FieldID | FieldStat | FieldState | FieldErr}},
		{"multiple spaces",
			"id:8   sub:001  dlvrd:001 submit   date:2401311530  done  date:2401311531    stat:DELIVRD   err:000   text:two  spaces",
			Receipt{ID: "8", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Text: "two  spaces", Fields: std}},
		{"leading whitespace and tabs",
			"  \tid:8\tstat:ACCEPTD\ttext:\ttab",
			Receipt{ID: "8", Stat: "ACCEPTD", State: pdu.StateAccepted, Text: "\ttab", Fields: FieldID | FieldStat | FieldState | FieldText}},
		{"text containing stat: and id:",
			"id:9 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000 text:stat:UNDELIV id:1 err:9",
			Receipt{ID: "9", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Text: "stat:UNDELIV id:1 err:9", Fields: std}},
		{"text with arbitrary bytes",
			"id:9 stat:DELIVRD text:\x01\xff€ \"quoted\" ::",
			Receipt{ID: "9", Stat: "DELIVRD", State: pdu.StateDelivered, Text: "\x01\xff€ \"quoted\" ::",
				Fields: FieldID | FieldStat | FieldState | FieldText}},
		{"only id and stat",
			"id:10 stat:REJECTD",
			Receipt{ID: "10", Stat: "REJECTD", State: pdu.StateRejected, Fields: FieldID | FieldStat | FieldState}},
		{"only stat",
			"stat:DELETED",
			Receipt{Stat: "DELETED", State: pdu.StateDeleted, Fields: FieldStat | FieldState}},
		{"only id",
			"id:11",
			Receipt{ID: "11", Fields: FieldID}},
		{"fields out of order",
			"stat:DELIVRD err:000 id:12 done date:2401311531 submit date:2401311530 dlvrd:001 sub:001 text:z",
			Receipt{ID: "12", Sub: 1, Dlvrd: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "DELIVRD", State: pdu.StateDelivered, Err: "000", Text: "z", Fields: std}},
		{"ENROUTE intermediate",
			"id:13 sub:001 dlvrd:000 submit date:2401311530 done date:2401311531 stat:ENROUTE err:000 text:",
			Receipt{ID: "13", Sub: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"),
				Stat: "ENROUTE", State: pdu.StateEnroute, Err: "000", Fields: std}},
		{"UNKNOWN stat",
			"id:14 stat:UNKNOWN err:000",
			Receipt{ID: "14", Stat: "UNKNOWN", State: pdu.StateUnknown, Err: "000", Fields: FieldID | FieldStat | FieldState | FieldErr}},
		{"full state name DELIVERED",
			"id:15 stat:DELIVERED",
			Receipt{ID: "15", Stat: "DELIVERED", State: pdu.StateDelivered, Fields: FieldID | FieldStat | FieldState}},
		{"full state name UNDELIVERABLE",
			"id:15 stat:UNDELIVERABLE",
			Receipt{ID: "15", Stat: "UNDELIVERABLE", State: pdu.StateUndeliverable, Fields: FieldID | FieldStat | FieldState}},
		{"full state names EN_ROUTE, ACCEPTED, REJECTED",
			"id:15 stat:EN_ROUTE",
			Receipt{ID: "15", Stat: "EN_ROUTE", State: pdu.StateEnroute, Fields: FieldID | FieldStat | FieldState}},
		{"unrecognised stat",
			"id:16 stat:FAILED err:042",
			Receipt{ID: "16", Stat: "FAILED", State: pdu.StateUnknown, Err: "042", Fields: FieldID | FieldStat | FieldErr}},
		{"invalid dates are dropped",
			"id:17 submit date:2413311530 done date:24013115 stat:DELIVRD",
			Receipt{ID: "17", Stat: "DELIVRD", State: pdu.StateDelivered, Fields: FieldID | FieldStat | FieldState}},
		{"zero dates",
			"id:17 submit date:0000000000 done date:0000000000 stat:DELIVRD",
			Receipt{ID: "17", Stat: "DELIVRD", State: pdu.StateDelivered, Fields: FieldID | FieldStat | FieldState}},
		{"29 February of a leap year",
			"id:18 done date:2402291200 stat:DELIVRD",
			Receipt{ID: "18", DoneDate: d10("2402291200"), Stat: "DELIVRD", State: pdu.StateDelivered,
				Fields: FieldID | FieldDoneDate | FieldStat | FieldState}},
		{"bad counts are dropped",
			"id:19 sub:one dlvrd:9999999999 stat:DELIVRD",
			Receipt{ID: "19", Stat: "DELIVRD", State: pdu.StateDelivered, Fields: FieldID | FieldStat | FieldState}},
		{"empty values",
			"id: sub: stat: err: text:",
			Receipt{State: pdu.StateUnknown, Fields: FieldID | FieldStat | FieldErr | FieldText}},
		{"first occurrence wins",
			"id:20 id:21 stat:DELIVRD stat:UNDELIV",
			Receipt{ID: "20", Stat: "DELIVRD", State: pdu.StateDelivered, Fields: FieldID | FieldStat | FieldState}},
		{"garbage tokens skipped",
			"DLR: 12:30 id:22 foo bar #x stat:DELIVRD ?:? text:t",
			Receipt{ID: "22", Stat: "DELIVRD", State: pdu.StateDelivered, Text: "t",
				Fields: FieldID | FieldStat | FieldState | FieldText, Vendor: []VendorField{{"DLR", ""}}}},
		{"word submit without date is a vendor key",
			"id:23 submit:x done stat:DELIVRD",
			Receipt{ID: "23", Stat: "DELIVRD", State: pdu.StateDelivered, Fields: FieldID | FieldStat | FieldState,
				Vendor: []VendorField{{"submit", "x"}}}},
		{"CamelCase date keys",
			"id:24 SubmitDate:2401311530 Done-Date:2401311531 stat:DELIVRD",
			Receipt{ID: "24", SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"), Stat: "DELIVRD",
				State: pdu.StateDelivered, Fields: FieldID | FieldSubmitDate | FieldDoneDate | FieldStat | FieldState}},
		{"CRLF-separated fields",
			"id:25\r\nsub:001\r\nstat:DELIVRD\r\ntext:multi\r\nline\r\n",
			Receipt{ID: "25", Sub: 1, Stat: "DELIVRD", State: pdu.StateDelivered, Text: "multi\r\nline",
				Fields: FieldID | FieldSub | FieldStat | FieldState | FieldText}},
		{"space after the colon",
			"id: 26 sub: 001 submit date: 2401311530 done date:  2401311531 stat: DELIVRD err: text: hi",
			Receipt{ID: "26", Sub: 1, SubmitDate: d10("2401311530"), DoneDate: d10("2401311531"), Stat: "DELIVRD",
				State: pdu.StateDelivered, Text: " hi",
				Fields: FieldID | FieldSub | FieldSubmitDate | FieldDoneDate | FieldStat | FieldState | FieldErr | FieldText}},
		{"empty id before a two-word key",
			"id: submit date:2401311530 stat:DELIVRD",
			Receipt{SubmitDate: d10("2401311530"), Stat: "DELIVRD", State: pdu.StateDelivered,
				Fields: FieldID | FieldSubmitDate | FieldStat | FieldState}},
		{"vendor key with a space after the colon",
			"IMSI: 234150000000000 MSC: id:27 stat:DELIVRD",
			Receipt{ID: "27", Stat: "DELIVRD", State: pdu.StateDelivered, Fields: FieldID | FieldStat | FieldState,
				Vendor: []VendorField{{"IMSI", "234150000000000"}, {"MSC", ""}}}},
		{"value with colon kept whole",
			"id:a:b:c stat:DELIVRD",
			Receipt{ID: "a:b:c", Stat: "DELIVRD", State: pdu.StateDelivered, Fields: FieldID | FieldStat | FieldState}},
	}
	for _, tt := range tests {
		got, err := ParseString(tt.in)
		if err != nil {
			t.Errorf("%s: unexpected error %v", tt.name, err)
			continue
		}
		want := tt.want
		want.Raw = tt.in
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %#v\nwant %#v", tt.name, got, want)
		}
		if b, err := Parse([]byte(tt.in)); err != nil || !reflect.DeepEqual(b, got) {
			t.Errorf("%s: Parse([]byte) differs from ParseString: %#v, %v", tt.name, b, err)
		}
	}
}

func TestParseNotReceipt(t *testing.T) {
	for _, in := range []string{
		"",
		"\x00",
		"   ",
		"Hello, how are you?",
		"meet me at 10:30",
		"text:id:1 stat:DELIVRD", // everything after text: is text
		"sub:001 dlvrd:001 err:000",
		"identity:1 status:DELIVRD",
	} {
		r, err := ParseString(in)
		if !errors.Is(err, ErrNotReceipt) {
			t.Errorf("ParseString(%q) error = %v, want ErrNotReceipt", in, err)
		}
		if r.Raw != in {
			t.Errorf("ParseString(%q).Raw = %q", in, r.Raw)
		}
	}
	if !strings.HasPrefix(ErrNotReceipt.Error(), "dlr: ") {
		t.Errorf("error %q lacks the dlr: prefix", ErrNotReceipt)
	}
}

func TestParseLocation(t *testing.T) {
	loc := time.FixedZone("MC", 3*3600)
	r, err := Parser{Location: loc}.Parse([]byte("id:1 submit date:2401311530 stat:DELIVRD"))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 1, 31, 15, 30, 0, 0, loc); !r.SubmitDate.Equal(want) || r.SubmitDate.Location() != loc {
		t.Errorf("SubmitDate = %v, want %v", r.SubmitDate, want)
	}
	if got := (Format{Location: time.UTC}).Text(r); !strings.Contains(got, "submit date:2401311230 ") {
		t.Errorf("formatted in UTC: %q", got)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2401311530", time.Date(2024, 1, 31, 15, 30, 0, 0, time.UTC), true},
		{"240131153059", time.Date(2024, 1, 31, 15, 30, 59, 0, time.UTC), true},
		{"19991231235959", time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), true},
		{"9912312359", time.Date(2099, 12, 31, 23, 59, 0, 0, time.UTC), true},
		{"0001010000", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"2302291200", time.Time{}, false}, // 2023 is not a leap year
		{"2404311200", time.Time{}, false}, // 31 April
		{"2400011200", time.Time{}, false},
		{"2401001200", time.Time{}, false},
		{"2401012400", time.Time{}, false},
		{"2401012360", time.Time{}, false},
		{"240101235960", time.Time{}, false},
		{"24010123 9", time.Time{}, false},
		{"+401011200", time.Time{}, false},
		{"24010112000", time.Time{}, false},
		{"", time.Time{}, false},
		{"2401011200000000", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in, time.UTC)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestVendorValue(t *testing.T) {
	r, err := ParseString("id:1 stat:DELIVRD imsi:123 IMSI:456 msc:9")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := r.VendorValue("IMSI"); !ok || v != "123" {
		t.Errorf("VendorValue(IMSI) = %q, %v", v, ok)
	}
	if v, ok := r.VendorValue("Msc"); !ok || v != "9" {
		t.Errorf("VendorValue(Msc) = %q, %v", v, ok)
	}
	if _, ok := r.VendorValue("hlr"); ok {
		t.Error("VendorValue(hlr) found")
	}
}

// TestRoundTrip formats receipts in every Format variant and parses them
// back (encoding.md §8.1 → §8.2).
func TestRoundTrip(t *testing.T) {
	base := New("0123456789", pdu.StateDelivered, submit, done)
	base.Text = "Hello stat:UNDELIV x"
	receipts := []Receipt{base}
	for _, st := range []pdu.MessageState{pdu.StateEnroute, pdu.StateExpired, pdu.StateDeleted,
		pdu.StateUndeliverable, pdu.StateAccepted, pdu.StateUnknown, pdu.StateRejected} {
		r := New("msg-"+st.Stat(), st, submit, done)
		r.Err = "042"
		receipts = append(receipts, r)
	}
	withVendor := base
	withVendor.Vendor = []VendorField{{"IMSI", "234150000000000"}}
	receipts = append(receipts, withVendor)

	for _, r := range receipts {
		for _, f := range []Format{{}, {Seconds: true}, {CapitalText: true}, {ID: IDDecimal10}, {TextLen: -1}} {
			text := f.Text(r)
			got, err := ParseString(text)
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			want := r
			want.Raw = text
			want.Fields |= FieldText
			if !f.Seconds { // minutes only
				want.SubmitDate = want.SubmitDate.Truncate(time.Minute)
				want.DoneDate = want.DoneDate.Truncate(time.Minute)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%+v round trip of %q:\n got %#v\nwant %#v", f, text, got, want)
			}
		}
	}
}
