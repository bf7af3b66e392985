package dlr

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
)

const specText = "id:0123456789 sub:001 dlvrd:001 submit date:2401311530 done date:2401311531 stat:DELIVRD err:000 text:Hello world"

func TestFromDeliverSMRecognition(t *testing.T) {
	tests := []struct {
		esm          pdu.ESMClass
		ok           bool
		intermediate bool
	}{
		{0x00, false, false}, // normal message (MO)
		{pdu.ESMTypeDeliveryReceipt, true, false},
		{pdu.ESMTypeIntermediate, true, true},
		{pdu.ESMTypeSMEAck, false, false},
		{pdu.ESMTypeUserAck, false, false},
		{pdu.ESMTypeConvAbort, false, false},
		{pdu.ESMTypeDeliveryReceipt | 0x03, true, false},                           // mode bits ignored
		{pdu.ESMTypeDeliveryReceipt | pdu.ESMUDHI | pdu.ESMReplyPath, true, false}, // GSM bits ignored
		{pdu.ESMTypeIntermediate | pdu.ESMUDHI, true, true},
		{pdu.ESMTypeDeliveryReceipt | pdu.ESMTypeIntermediate, false, false}, // 0x24: reserved
	}
	for _, tt := range tests {
		p := &pdu.DeliverSM{ESMClass: tt.esm, ShortMessage: []byte(specText)}
		r, ok := FromDeliverSM(p)
		if ok != tt.ok || r.Intermediate != tt.intermediate {
			t.Errorf("esm_class %#02x: ok=%v intermediate=%v, want %v %v", tt.esm, ok, r.Intermediate, tt.ok, tt.intermediate)
		}
		if ok && (r.ID != "0123456789" || r.State != pdu.StateDelivered || r.FromTLV != 0) {
			t.Errorf("esm_class %#02x: receipt %#v", tt.esm, r)
		}
		d, ok := FromDataSM(&pdu.DataSM{ESMClass: tt.esm, TLVs: pdu.TLVs{{Tag: pdu.TagMessagePayload, Value: []byte(specText)}}})
		if ok != tt.ok || d.Intermediate != tt.intermediate || ok && d.ID != "0123456789" {
			t.Errorf("data_sm esm_class %#02x: %v %#v", tt.esm, ok, d)
		}
	}
	if _, ok := FromDeliverSM(nil); ok {
		t.Error("FromDeliverSM(nil) ok")
	}
	if _, ok := FromDataSM(nil); ok {
		t.Error("FromDataSM(nil) ok")
	}
}

func tlvs(id string, state int, netErr []byte) pdu.TLVs {
	var t pdu.TLVs
	if id != "" {
		t.SetString(pdu.TagReceiptedMessageID, id)
	}
	if state >= 0 {
		t.SetUint8(pdu.TagMessageState, uint8(state))
	}
	if netErr != nil {
		t.Set(pdu.TagNetworkErrorCode, netErr)
	}
	return t
}

// TestTLVPrecedence checks that receipt TLVs win over the text
// (encoding.md §8.2).
func TestTLVPrecedence(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		tlvs    pdu.TLVs
		id      string
		stat    string
		state   pdu.MessageState
		netErr  NetworkError
		fields  Field // must be set
		fromTLV Field
	}{
		{"text only", specText, nil,
			"0123456789", "DELIVRD", pdu.StateDelivered, NetworkError{}, std, 0},
		{"TLV id wins", specText, tlvs("1a2b3c4d", -1, nil),
			"1a2b3c4d", "DELIVRD", pdu.StateDelivered, NetworkError{}, std, FieldID},
		{"same state keeps the text's stat", strings.Replace(specText, "DELIVRD", "DELIVERED", 1), tlvs("", 2, nil),
			"0123456789", "DELIVERED", pdu.StateDelivered, NetworkError{}, std, FieldState},
		{"TLV state wins over text", specText, tlvs("", int(pdu.StateUndeliverable), nil),
			"0123456789", "UNDELIV", pdu.StateUndeliverable, NetworkError{}, std, FieldStat | FieldState},
		{"TLV state wins over unknown stat text", "id:5 stat:FAILED", tlvs("", int(pdu.StateRejected), nil),
			"5", "REJECTD", pdu.StateRejected, NetworkError{}, FieldID | FieldStat | FieldState, FieldStat | FieldState},
		{"network error", specText, tlvs("", -1, []byte{3, 0x00, 0x22}),
			"0123456789", "DELIVRD", pdu.StateDelivered, NetworkError{NetGSM, 0x22}, std | FieldNetworkError, FieldNetworkError},
		{"network error type 0 still recorded", specText, tlvs("", -1, []byte{0, 0, 0}),
			"0123456789", "DELIVRD", pdu.StateDelivered, NetworkError{}, std | FieldNetworkError, FieldNetworkError},
		{"short network error ignored", specText, tlvs("", -1, []byte{3, 1}),
			"0123456789", "DELIVRD", pdu.StateDelivered, NetworkError{}, std, 0},
		{"all three", specText, tlvs("ABC", int(pdu.StateExpired), []byte{7, 0x01, 0x02}),
			"ABC", "EXPIRED", pdu.StateExpired, NetworkError{NetSMPP, 0x0102}, std | FieldNetworkError,
			FieldID | FieldStat | FieldState | FieldNetworkError},
		{"empty TLV id ignored", specText, pdu.TLVs{{Tag: pdu.TagReceiptedMessageID, Value: []byte{0}}},
			"0123456789", "DELIVRD", pdu.StateDelivered, NetworkError{}, std, 0},
		{"TLVs without text", "", tlvs("77", int(pdu.StateDelivered), nil),
			"77", "DELIVRD", pdu.StateDelivered, NetworkError{}, FieldID | FieldStat | FieldState, FieldID | FieldStat | FieldState},
		{"TLVs with garbage text", "\x00\x01garbage", tlvs("77", int(pdu.StateDeleted), nil),
			"77", "DELETED", pdu.StateDeleted, NetworkError{}, FieldID | FieldStat | FieldState, FieldID | FieldStat | FieldState},
		{"TLV id without NUL terminator", specText, pdu.TLVs{{Tag: pdu.TagReceiptedMessageID, Value: []byte("xyz")}},
			"xyz", "DELIVRD", pdu.StateDelivered, NetworkError{}, std, FieldID},
		{"v5.0 SKIPPED state", "id:1", tlvs("", int(pdu.StateSkipped), nil),
			"1", "SKIPPED", pdu.StateSkipped, NetworkError{}, FieldID | FieldStat | FieldState, FieldStat | FieldState},
	}
	for _, tt := range tests {
		p := &pdu.DeliverSM{ESMClass: pdu.ESMTypeDeliveryReceipt, ShortMessage: []byte(tt.text), TLVs: tt.tlvs}
		r, ok := FromDeliverSM(p)
		if !ok {
			t.Errorf("%s: not recognised", tt.name)
			continue
		}
		if r.ID != tt.id || r.Stat != tt.stat || r.State != tt.state || r.NetworkError != tt.netErr ||
			!r.Has(tt.fields) || r.FromTLV != tt.fromTLV || r.Raw != string(receiptText(0, []byte(tt.text))) {
			t.Errorf("%s: got %#v", tt.name, r)
		}
	}
}

// TestReceiptTextGSM: the builder writes the text as GSM 03.38 (data_coding
// 0), so '@', '$' and '_' survive a peer that decodes GSM, characters GSM
// lacks become '?', and our parser reads it back.
func TestReceiptTextGSM(t *testing.T) {
	r := New("42", pdu.StateDelivered, time.Time{}, time.Time{})
	r.Text = "a@b$c_d é Привет"
	p := r.DeliverSM(pdu.Address{Addr: "1"}, pdu.Address{Addr: "2"}, BuildOptions{TLVs: true})
	if p.DataCoding != 0 || bytesIndex(p.ShortMessage, 0x00) < 0 {
		t.Fatalf("short_message %x is not GSM 03.38", p.ShortMessage)
	}
	got, ok := FromDeliverSM(p)
	if !ok || got.ID != "42" || got.Text != "a@b$c_d é ??????" {
		t.Fatalf("%q %v", got.Text, ok)
	}
}

func bytesIndex(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func TestFromDeliverSMMessagePayload(t *testing.T) {
	p := &pdu.DeliverSM{ESMClass: pdu.ESMTypeDeliveryReceipt}
	p.TLVs.Set(pdu.TagMessagePayload, []byte(specText))
	r, ok := FromDeliverSM(p)
	if !ok || r.ID != "0123456789" || r.Text != "Hello world" || r.Raw != specText {
		t.Errorf("message_payload receipt: %v %#v", ok, r)
	}
}

func TestFromDeliverSMEmpty(t *testing.T) {
	r, ok := FromDeliverSM(&pdu.DeliverSM{ESMClass: pdu.ESMTypeDeliveryReceipt})
	if !ok || r.Fields != 0 {
		t.Errorf("empty receipt: %v %#v", ok, r)
	}
}

func TestSniff(t *testing.T) {
	sniff := Parser{Sniff: true}
	if r, ok := sniff.FromDeliverSM(&pdu.DeliverSM{ShortMessage: []byte(specText)}); !ok || r.ID != "0123456789" || r.Intermediate {
		t.Errorf("sniffed text receipt: %v %#v", ok, r)
	}
	if r, ok := sniff.FromDataSM(&pdu.DataSM{TLVs: tlvs("9", int(pdu.StateDelivered), nil)}); !ok || r.ID != "9" {
		t.Errorf("sniffed TLV receipt: %v %#v", ok, r)
	}
	for _, text := range []string{"Hello", "id:1 hello", "stat:DELIVRD only", "id:1 stat:WHATEVER"} {
		if _, ok := sniff.FromDeliverSM(&pdu.DeliverSM{ShortMessage: []byte(text)}); ok {
			t.Errorf("sniffed %q as a receipt", text)
		}
	}
	if _, ok := FromDeliverSM(&pdu.DeliverSM{ShortMessage: []byte(specText)}); ok {
		t.Error("zero Parser sniffed")
	}
}

var (
	esme   = pdu.Address{TON: pdu.TONInternational, NPI: pdu.NPIISDN, Addr: "447700900001"}
	target = pdu.Address{TON: pdu.TONAlphanumeric, NPI: pdu.NPIUnknown, Addr: "Shop"}
)

// TestBuildRoundTrip builds receipts, encodes and decodes them with the pdu
// codec and reads them back (encoding.md §8).
func TestBuildRoundTrip(t *testing.T) {
	delivered := New("6f1c2e0a", pdu.StateDelivered, submit, done)
	delivered.Text = "Your order has shipped"
	failed := New("42", pdu.StateUndeliverable, submit, done)
	failed.Err = "034"
	failed.NetworkError = NetworkError{NetGSM, 34}
	enroute := New("43", pdu.StateEnroute, submit, done)
	enroute.Intermediate = true

	for _, r := range []Receipt{delivered, failed, enroute} {
		for _, withTLVs := range []bool{false, true} {
			opt := BuildOptions{TLVs: withTLVs, Format: Format{Seconds: true}}
			p := r.DeliverSM(esme, target, opt)
			if p.Source() != target || p.Dest() != esme {
				t.Errorf("addresses not swapped: %v → %v", p.Source(), p.Dest())
			}
			frame, err := pdu.Marshal(7, pdu.StatusOK, p)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			_, dec, err := pdu.Decode(frame)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			got, ok := FromDeliverSM(dec.(*pdu.DeliverSM))
			if !ok {
				t.Fatalf("built receipt not recognised")
			}
			want := r
			want.Raw = opt.Format.Text(r)
			want.Text = truncate(r.Text, 0)
			want.Fields |= FieldText
			if withTLVs {
				want.FromTLV = FieldID | FieldState
				if r.hasNetworkError() {
					want.Fields |= FieldNetworkError
					want.FromTLV |= FieldNetworkError
				}
			} else {
				want.NetworkError = NetworkError{}
				if len(dec.(*pdu.DeliverSM).TLVs) != 0 {
					t.Errorf("v3.3 receipt carries TLVs: %v", dec.(*pdu.DeliverSM).TLVs)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("TLVs=%v round trip:\n got %#v\nwant %#v", withTLVs, got, want)
			}
		}
	}
}

func TestBuildDataSMRoundTrip(t *testing.T) {
	r := New("99", pdu.StateExpired, submit, done)
	r.NetworkError = NetworkError{NetMC, 0xBEEF}
	p := r.DataSM(esme, target, Format{})
	if p.Source() != target || p.Dest() != esme || p.ESMClass != pdu.ESMTypeDeliveryReceipt {
		t.Errorf("data_sm header fields: %#v", p)
	}
	frame, err := pdu.Marshal(8, pdu.StatusOK, p)
	if err != nil {
		t.Fatal(err)
	}
	_, dec, err := pdu.Decode(frame)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := FromDataSM(dec.(*pdu.DataSM))
	if !ok || got.ID != "99" || got.State != pdu.StateExpired || got.NetworkError != r.NetworkError ||
		got.FromTLV != FieldID|FieldState|FieldNetworkError || !got.SubmitDate.Equal(submit.Truncate(60e9)) {
		t.Errorf("data_sm round trip: %v %#v", ok, got)
	}
}

func TestBuildTLVs(t *testing.T) {
	// A Receipt literal with only Stat set reports the state Stat names.
	p := Receipt{ID: "1", Stat: "REJECTD"}.DeliverSM(esme, target, BuildOptions{TLVs: true})
	if v, _ := p.TLVs.Uint8(pdu.TagMessageState); pdu.MessageState(v) != pdu.StateRejected {
		t.Errorf("message_state = %d", v)
	}
	if p.TLVs.Has(pdu.TagNetworkErrorCode) {
		t.Error("network_error_code without a network error")
	}
	// No id: no receipted_message_id.
	p = Receipt{State: pdu.StateDelivered}.DeliverSM(esme, target, BuildOptions{TLVs: true})
	if p.TLVs.Has(pdu.TagReceiptedMessageID) {
		t.Error("receipted_message_id for an empty id")
	}
	// The text id style does not change the TLV id.
	p = New("1a2b3c4d", pdu.StateDelivered, submit, done).DeliverSM(esme, target,
		BuildOptions{TLVs: true, Format: Format{ID: IDHexToDecimal10}})
	if id, _ := p.TLVs.String(pdu.TagReceiptedMessageID); id != "1a2b3c4d" || !strings.HasPrefix(string(p.ShortMessage), "id:0439041101 ") {
		t.Errorf("TLV id %q, text %q", id, p.ShortMessage)
	}
	// ENROUTE intermediate notification.
	r := New("5", pdu.StateEnroute, submit, done)
	r.Intermediate = true
	if p := r.DeliverSM(esme, target, BuildOptions{}); p.ESMClass != pdu.ESMTypeIntermediate {
		t.Errorf("esm_class %#x", p.ESMClass)
	}
}

func TestBuildLongText(t *testing.T) {
	r := New("1", pdu.StateDelivered, submit, done)
	r.Text = strings.Repeat("x", 300)
	p := r.DeliverSM(esme, target, BuildOptions{TLVs: true, Format: Format{TextLen: -1}})
	if len(p.ShortMessage) != 0 || !p.TLVs.Has(pdu.TagMessagePayload) {
		t.Fatalf("long text not in message_payload")
	}
	frame, err := pdu.Marshal(1, pdu.StatusOK, p)
	if err != nil {
		t.Fatal(err)
	}
	_, dec, err := pdu.Decode(frame)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := FromDeliverSM(dec.(*pdu.DeliverSM)); !ok || got.Text != r.Text {
		t.Errorf("long text round trip: %v %d", ok, len(got.Text))
	}
	// Without TLVs the over-long short_message is left for the encoder to reject.
	p = r.DeliverSM(esme, target, BuildOptions{Format: Format{TextLen: -1}})
	if _, err := pdu.Marshal(1, pdu.StatusOK, p); err == nil {
		t.Error("encoder accepted a 300+ octet short_message")
	}
}

func TestBuildLengthBoundary(t *testing.T) {
	r := New("1", pdu.StateDelivered, submit, done)
	base := len(r.String())
	for _, n := range []int{254, 255} {
		r.Text = strings.Repeat("y", n-base)
		p := r.DeliverSM(esme, target, BuildOptions{TLVs: true, Format: Format{TextLen: -1}})
		inPayload := p.TLVs.Has(pdu.TagMessagePayload)
		if inPayload != (n > 254) || inPayload == (len(p.ShortMessage) == n) {
			t.Errorf("%d octets: short_message %d, message_payload %v", n, len(p.ShortMessage), inPayload)
		}
	}
}
