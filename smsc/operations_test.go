package smsc

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/smppstack/smpp/pdu"
)

func opsConfig() Config {
	return Config{
		Accounts: []Account{
			{SystemID: "a", Password: "pa"},
			{SystemID: "b", Password: "pb", Addresses: []string{"4477*"}},
			{SystemID: "c", Password: "pc", Addresses: []string{"4478*"}},
		},
		DistributionLists: []DistributionList{
			{Name: "friends", Members: []string{"447700000001", "447800000001", "336900000001"}},
		},
		Network: NetworkConfig{Delay: Duration(10 * time.Millisecond), Rules: []NetworkRule{
			{Prefix: "3392*", Outcomes: []Outcome{{Stat: "UNDELIV", Err: 7, Weight: 1}}},
		}},
		Retry: RetryPolicy{Min: Duration(50 * time.Millisecond), Max: Duration(400 * time.Millisecond)},
	}
}

// TestSubmitSMFieldsToDeliverSM: what the receiver gets is the submitted
// message as a deliver_sm: addresses, coding, text and TLVs intact, the
// submit-only fields cleared and no receipt request forwarded.
func TestSubmitSMFieldsToDeliverSM(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, opsConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver})
	ucs2 := []byte{0x04, 0x1f, 0x04, 0x40, 0x04, 0x38, 0x00, 0x20, 0xd8, 0x3d, 0xde, 0x00} // "При 😀"
	sm := &pdu.SubmitSM{
		ServiceType: "CMT", SourceAddrTON: pdu.TONAlphanumeric, SourceAddrNPI: 0, SourceAddr: "Shop",
		DestAddrTON: pdu.TONInternational, DestAddrNPI: pdu.NPIISDN, DestinationAddr: "447700000100",
		ESMClass: pdu.ESMModeStoreForward, ProtocolID: 0, PriorityFlag: 1, ValidityPeriod: rel(time.Hour),
		RegisteredDelivery: pdu.RegReceiptFinal, DataCoding: pdu.CodingUCS2, ShortMessage: ucs2,
	}
	sm.TLVs.SetUint16(pdu.TagUserMessageReference, 0x1234)
	id := a.submit(sm)
	g := b.waitText(string(ucs2), 5*time.Second)
	d := g.Deliver
	if d == nil {
		t.Fatal("not a deliver_sm")
	}
	if d.ServiceType != "CMT" || d.SourceAddrTON != pdu.TONAlphanumeric || d.SourceAddr != "Shop" ||
		d.DestAddrTON != pdu.TONInternational || d.DestAddrNPI != pdu.NPIISDN || d.DestinationAddr != "447700000100" {
		t.Errorf("addresses not kept: %+v", d)
	}
	if d.DataCoding != pdu.CodingUCS2 || !bytes.Equal(d.ShortMessage, ucs2) || d.PriorityFlag != 1 {
		t.Errorf("data_coding %#x priority %d short_message % x", d.DataCoding, d.PriorityFlag, d.ShortMessage)
	}
	if d.ESMClass != 0 || d.RegisteredDelivery != 0 || d.ValidityPeriod != "" || d.ScheduleDeliveryTime != "" {
		t.Errorf("submit-only fields forwarded: esm_class %#x registered_delivery %#x validity %q", d.ESMClass, d.RegisteredDelivery, d.ValidityPeriod)
	}
	if v, ok := d.TLVs.Uint16(pdu.TagUserMessageReference); !ok || v != 0x1234 {
		t.Errorf("user_message_reference TLV lost: %v %v", v, ok)
	}
	rc := a.waitReceipt(id, pdu.StateDelivered, 5*time.Second)
	// The receipt text is GSM 03.38 (data_coding 0): characters outside it
	// may be substituted, but the 5 characters of the message are there.
	if rc.Deliver.SourceAddr != "447700000100" || rc.Deliver.DestinationAddr != "Shop" || utf8.RuneCountInString(rc.Receipt.Text) != 5 {
		t.Errorf("receipt %s -> %s text %q", rc.Deliver.SourceAddr, rc.Deliver.DestinationAddr, rc.Receipt.Text)
	}
	if v, ok := rc.Deliver.TLVs.String(pdu.TagReceiptedMessageID); !ok || v != id {
		t.Errorf("receipted_message_id %q, want %q", v, id)
	}
	if v, ok := rc.Deliver.TLVs.Uint8(pdu.TagMessageState); !ok || pdu.MessageState(v) != pdu.StateDelivered {
		t.Errorf("message_state TLV %v", v)
	}
	if rc.Receipt.Dlvrd != 1 || rc.Receipt.Sub != 1 || rc.Receipt.SubmitDate.IsZero() || rc.Receipt.DoneDate.IsZero() {
		t.Errorf("receipt counts/dates: %+v", *rc.Receipt)
	}
}

// TestSubmitMulti: SME addresses and a configured distribution list reach
// their accounts and the network; an unknown list is reported in
// unsuccess_sme with ESME_RINVDLNAME; every receipt carries the
// submit_multi message_id.
func TestSubmitMulti(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, opsConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver})
	c := dialESME(t, addr, "c", "pc", dialOpts{mode: pdu.BindReceiver})
	ctx := context.Background()
	resp, err := a.sess.SubmitMulti(ctx, &pdu.SubmitMulti{
		SourceAddr: "100", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("multi"),
		DestAddresses: []pdu.DestAddress{
			{DestFlag: pdu.DestFlagSME, DestAddrTON: pdu.TONInternational, DestAddrNPI: pdu.NPIISDN, DestinationAddr: "447700000010"},
			{DestFlag: pdu.DestFlagSME, DestAddrTON: pdu.TONInternational, DestAddrNPI: pdu.NPIISDN, DestinationAddr: "447800000010"},
			{DestFlag: pdu.DestFlagDL, DLName: "friends"},
			{DestFlag: pdu.DestFlagDL, DLName: "nosuch"},
		},
	})
	if err != nil {
		t.Fatalf("submit_multi: %v", err)
	}
	if resp.MessageID == "" {
		t.Fatal("no message_id")
	}
	if len(resp.UnsuccessSMEs) != 1 || resp.UnsuccessSMEs[0].ErrorStatusCode != pdu.StatusInvDLName || resp.UnsuccessSMEs[0].DestinationAddr != "nosuch" {
		t.Fatalf("unsuccess_smes %+v, want the unknown list with ESME_RINVDLNAME", resp.UnsuccessSMEs)
	}
	dests := func(e *esme) []string {
		var out []string
		for _, g := range e.withText("multi") {
			out = append(out, g.Deliver.DestinationAddr)
		}
		sort.Strings(out)
		return out
	}
	waitFor(t, 5*time.Second, "b and c to receive 2 copies each", func() bool { return len(dests(b)) == 2 && len(dests(c)) == 2 })
	if got := strings.Join(dests(b), ","); got != "447700000001,447700000010" {
		t.Errorf("b got %s", got)
	}
	if got := strings.Join(dests(c), ","); got != "447800000001,447800000010" {
		t.Errorf("c got %s", got)
	}
	// Five destinations in all (two SMEs, three list members): five
	// receipts, each with the submit_multi id.
	waitFor(t, 5*time.Second, "5 receipts", func() bool { return len(a.receipts(resp.MessageID)) == 5 })
	from := map[string]bool{}
	for _, g := range a.receipts(resp.MessageID) {
		if g.Receipt.State != pdu.StateDelivered {
			t.Errorf("receipt from %s: %s", g.Deliver.SourceAddr, g.Receipt.State)
		}
		from[g.Deliver.SourceAddr] = true
	}
	if len(from) != 5 || !from["336900000001"] {
		t.Errorf("receipts from %v, want the 5 destinations", from)
	}
	if st := a.query(resp.MessageID).MessageState; st != pdu.StateDelivered {
		t.Errorf("query of the submit_multi id: %s", st)
	}
	a.marker("33910001", 5*time.Second)
	if n := len(a.receipts(resp.MessageID)); n != 5 {
		t.Errorf("%d receipts, want 5", n)
	}

	// Only unknown lists: refused with the list's status.
	_, err = a.sess.SubmitMulti(ctx, &pdu.SubmitMulti{SourceAddr: "100", ShortMessage: []byte("x"),
		DestAddresses: []pdu.DestAddress{{DestFlag: pdu.DestFlagDL, DLName: "nosuch"}}})
	wantStatus(t, "submit_multi to an unknown list only", err, pdu.StatusInvDLName)
}

// TestDataSM: data_sm from an ESME reaches the receiving ESME as data_sm with
// its message_payload, with a receipt.
func TestDataSM(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, opsConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver})
	payload := []byte(strings.Repeat("data-sm payload ", 20))
	ds := &pdu.DataSM{SourceAddr: "100", DestinationAddr: "447700000200", RegisteredDelivery: pdu.RegReceiptFinal, DataCoding: pdu.CodingDefault}
	ds.TLVs.Set(pdu.TagMessagePayload, payload)
	resp, err := a.sess.Data(context.Background(), ds)
	if err != nil || resp.MessageID == "" {
		t.Fatalf("data_sm: %v %+v", err, resp)
	}
	g := b.waitText(string(payload), 5*time.Second)
	if g.Data == nil {
		t.Fatalf("delivered as %T, want data_sm", g.Deliver)
	}
	if g.Data.SourceAddr != "100" || g.Data.DestinationAddr != "447700000200" {
		t.Errorf("data_sm addresses %s -> %s", g.Data.SourceAddr, g.Data.DestinationAddr)
	}
	rc := a.waitReceipt(resp.MessageID, pdu.StateDelivered, 5*time.Second)
	if rc.Receipt.Text != string(payload[:20]) {
		t.Errorf("receipt text %q", rc.Receipt.Text)
	}
	if st := a.query(resp.MessageID).MessageState; st != pdu.StateDelivered {
		t.Errorf("query: %s", st)
	}
	// To the network as well.
	ds.DestinationAddr = "339100000200"
	resp, err = a.sess.Data(context.Background(), ds)
	if err != nil {
		t.Fatal(err)
	}
	a.waitReceipt(resp.MessageID, pdu.StateDelivered, 5*time.Second)
}

// TestQueryCancelReplace: query_sm reports ENROUTE, then DELIVERED or
// DELETED; cancel_sm stops delivery (with a failure receipt when asked) and
// replace_sm changes the text delivered; neither works once final.
func TestQueryCancelReplace(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, opsConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	ctx := context.Background()
	sm := func(dest, text string, reg pdu.RegisteredDelivery) *pdu.SubmitSM {
		return &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: dest, RegisteredDelivery: reg, ShortMessage: []byte(text)}
	}
	// b is not bound: the messages wait.
	cancelID := a.submit(sm("447700000030", "to cancel", pdu.RegReceiptFailure))
	replaceID := a.submit(sm("447700000031", "original text", pdu.RegReceiptFinal))
	plainID := a.submit(sm("447700000032", "plain", pdu.RegReceiptFinal))
	for _, id := range []string{cancelID, replaceID, plainID} {
		q := a.query(id)
		if q.MessageState != pdu.StateEnroute || q.FinalDate != "" || q.ErrorCode != 0 {
			t.Fatalf("query %s before delivery: %+v, want ENROUTE without final_date", id, q)
		}
	}
	if err := a.sess.Cancel(ctx, &pdu.CancelSM{MessageID: cancelID}); err != nil {
		t.Fatalf("cancel_sm: %v", err)
	}
	q := a.query(cancelID)
	if q.MessageState != pdu.StateDeleted || q.FinalDate == "" {
		t.Fatalf("query after cancel: %+v, want DELETED with final_date", q)
	}
	rc := a.waitReceipt(cancelID, pdu.StateDeleted, 5*time.Second)
	if rc.Receipt.Stat != "DELETED" {
		t.Errorf("cancel receipt stat %q", rc.Receipt.Stat)
	}
	wantStatus(t, "second cancel_sm", a.sess.Cancel(ctx, &pdu.CancelSM{MessageID: cancelID}), pdu.StatusCancelFail)
	wantStatus(t, "replace_sm of a cancelled message", a.sess.Replace(ctx, &pdu.ReplaceSM{MessageID: cancelID, ShortMessage: []byte("x")}), pdu.StatusReplaceFail)
	wantStatus(t, "cancel_sm by address only", a.sess.Cancel(ctx, &pdu.CancelSM{SourceAddr: "100", DestinationAddr: "447700000031"}), pdu.StatusCancelFail)

	wantStatus(t, "replace_sm with another source_addr", a.sess.Replace(ctx, &pdu.ReplaceSM{MessageID: replaceID, SourceAddr: "200", ShortMessage: []byte("x")}), pdu.StatusInvMsgID)
	if err := a.sess.Replace(ctx, &pdu.ReplaceSM{MessageID: replaceID, SourceAddr: "100", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("replacement text")}); err != nil {
		t.Fatalf("replace_sm: %v", err)
	}
	if st := a.query(replaceID).MessageState; st != pdu.StateEnroute {
		t.Fatalf("query after replace: %s", st)
	}

	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver})
	b.waitText("replacement text", 5*time.Second)
	b.waitText("plain", 5*time.Second)
	a.waitReceipt(replaceID, pdu.StateDelivered, 5*time.Second)
	a.waitReceipt(plainID, pdu.StateDelivered, 5*time.Second)
	a.submit(sm("447700000033", "after", 0))
	b.waitText("after", 5*time.Second)
	waitQueueDepth(t, srv, "b", 0)
	for _, text := range []string{"to cancel", "original text"} {
		if len(b.withText(text)) != 0 {
			t.Errorf("b received %q", text)
		}
	}
	for _, id := range []string{replaceID, plainID} {
		q := a.query(id)
		if q.MessageState != pdu.StateDelivered || q.FinalDate == "" {
			t.Errorf("query %s after delivery: %+v", id, q)
		}
		wantStatus(t, "cancel_sm of a delivered message", a.sess.Cancel(ctx, &pdu.CancelSM{MessageID: id}), pdu.StatusCancelFail)
		wantStatus(t, "replace_sm of a delivered message", a.sess.Replace(ctx, &pdu.ReplaceSM{MessageID: id, ShortMessage: []byte("late")}), pdu.StatusReplaceFail)
	}
	if n := len(a.receipts(cancelID)); n != 1 {
		t.Errorf("%d receipts for the cancelled message, want 1", n)
	}
}

// TestReplaceRegisteredDelivery: replace_sm may ask for a receipt the
// original submission did not (SMPP v3.4 §4.10.1 registered_delivery).
func TestReplaceRegisteredDelivery(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, opsConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000040", ShortMessage: []byte("no receipt yet")})
	if err := a.sess.Replace(context.Background(), &pdu.ReplaceSM{MessageID: id, ShortMessage: []byte("receipt please"), RegisteredDelivery: pdu.RegReceiptFinal}); err != nil {
		t.Fatal(err)
	}
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver})
	b.waitText("receipt please", 5*time.Second)
	a.waitReceipt(id, pdu.StateDelivered, 5*time.Second)
}

// TestReplaceTimes: replace_sm's schedule_delivery_time and validity_period
// replace the original ones; malformed ones are refused.
func TestReplaceTimes(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	srv := startSMSC(t, opsConfig(), WithClock(clk.Now))
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	ctx := context.Background()
	id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000050", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("short-lived")})
	if err := a.sess.Replace(ctx, &pdu.ReplaceSM{MessageID: id, ValidityPeriod: rel(time.Minute), ShortMessage: []byte("short-lived")}); err != nil {
		t.Fatal(err)
	}
	later := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000051", ShortMessage: []byte("not yet")})
	if err := a.sess.Replace(ctx, &pdu.ReplaceSM{MessageID: later, ScheduleDeliveryTime: rel(time.Hour), ShortMessage: []byte("not yet")}); err != nil {
		t.Fatal(err)
	}
	if st := a.query(later).MessageState; st != pdu.StateScheduled {
		t.Errorf("query after replacing the schedule with +1h: %s, want SCHEDULED", st)
	}
	for _, c := range []struct {
		name         string
		sched, valid string
		want         pdu.Status
	}{
		{"malformed validity", "", "991399999999999+", pdu.StatusInvExpiry},
		{"malformed schedule", "991399999999999+", "", pdu.StatusInvSched},
	} {
		err := a.sess.Replace(ctx, &pdu.ReplaceSM{MessageID: later, ScheduleDeliveryTime: c.sched, ValidityPeriod: c.valid, ShortMessage: []byte("x")})
		if st, _ := err.(pdu.Status); st != c.want {
			t.Errorf("replace_sm with a %s: %v, want %s", c.name, err, c.want)
		}
	}
	clk.Advance(2 * time.Minute)
	if st := a.query(id).MessageState; st != pdu.StateExpired {
		t.Errorf("query after the replaced validity passed: %s, want EXPIRED", st)
	}
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver})
	a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000052", ShortMessage: []byte("marker")})
	b.waitText("marker", 5*time.Second)
	waitQueueDepth(t, srv, "b", 1) // "not yet" waits for its schedule
	if len(b.withText("short-lived")) != 0 {
		t.Errorf("message delivered after its replaced validity period passed")
	}
	if len(b.withText("not yet"))+len(b.withText("x")) != 0 {
		t.Errorf("message delivered before its replaced schedule")
	}
}

// TestLongMessages: concatenated messages (UDH, SAR TLVs) and
// message_payload pass through byte for byte, with a receipt per segment.
func TestLongMessages(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, opsConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver})
	parts := []string{
		strings.Repeat("first part of the long text. ", 6)[:150],
		strings.Repeat("second part, still going on. ", 6)[:150],
		"and the end",
	}

	// 1. UDH (IEI 0x00, 8-bit reference), esm_class UDHI.
	udhIDs := map[string]int{}
	var udhSent [][]byte
	for i, p := range parts {
		ud := append([]byte{0x05, 0x00, 0x03, 0x42, 0x03, byte(i + 1)}, p...)
		udhSent = append(udhSent, ud)
		id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000060", ESMClass: pdu.ESMUDHI, RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: ud})
		udhIDs[id] = i
	}
	// 2. SAR TLVs.
	sarIDs := map[string]int{}
	for i, p := range parts {
		sm := &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000061", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte(p)}
		sm.TLVs.SetUint16(pdu.TagSARMsgRefNum, 0xBEEF)
		sm.TLVs.SetUint8(pdu.TagSARTotalSegments, 3)
		sm.TLVs.SetUint8(pdu.TagSARSegmentSeqnum, uint8(i+1))
		sarIDs[a.submit(sm)] = i
	}
	// 3. message_payload, longer than any short_message.
	full := strings.Join(parts, "")
	payloadMsg := &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000062", RegisteredDelivery: pdu.RegReceiptFinal}
	payloadMsg.TLVs.Set(pdu.TagMessagePayload, []byte(full))
	payloadID := a.submit(payloadMsg)

	byDest := func(dest string) []got {
		var out []got
		for _, g := range b.messages() {
			if g.Deliver != nil && g.Deliver.DestinationAddr == dest {
				out = append(out, g)
			}
		}
		return out
	}
	waitFor(t, 5*time.Second, "all segments at b", func() bool {
		return len(byDest("447700000060")) == 3 && len(byDest("447700000061")) == 3 && len(byDest("447700000062")) == 1
	})
	udh := make([]string, 3)
	for _, g := range byDest("447700000060") {
		d := g.Deliver
		if d.ESMClass&pdu.ESMUDHI == 0 {
			t.Errorf("UDHI lost: esm_class %#x", d.ESMClass)
		}
		if len(d.ShortMessage) < 6 || d.ShortMessage[5] < 1 || d.ShortMessage[5] > 3 {
			t.Fatalf("bad UDH % x", d.ShortMessage)
		}
		seq := int(d.ShortMessage[5])
		if !bytes.Equal(d.ShortMessage, udhSent[seq-1]) {
			t.Errorf("UDH segment %d changed:\n got % x\nwant % x", seq, d.ShortMessage, udhSent[seq-1])
		}
		udh[seq-1] = string(d.ShortMessage[6:])
	}
	if got := strings.Join(udh, ""); got != full {
		t.Errorf("UDH reassembly %q, want %q", got, full)
	}
	sar := make([]string, 3)
	for _, g := range byDest("447700000061") {
		ref, _ := g.Deliver.TLVs.Uint16(pdu.TagSARMsgRefNum)
		total, _ := g.Deliver.TLVs.Uint8(pdu.TagSARTotalSegments)
		seq, ok := g.Deliver.TLVs.Uint8(pdu.TagSARSegmentSeqnum)
		if ref != 0xBEEF || total != 3 || !ok || seq < 1 || seq > 3 {
			t.Fatalf("SAR TLVs %v", g.Deliver.TLVs)
		}
		sar[seq-1] = string(g.Deliver.ShortMessage)
	}
	if got := strings.Join(sar, ""); got != full {
		t.Errorf("SAR reassembly %q", got)
	}
	pl := byDest("447700000062")[0].Deliver
	if v, ok := pl.TLVs.Get(pdu.TagMessagePayload); !ok || string(v) != full || len(pl.ShortMessage) != 0 {
		t.Errorf("message_payload: %d octets, short_message %d octets", len(v), len(pl.ShortMessage))
	}

	// A receipt per segment, with the segment's own text (UDH stripped).
	for id, i := range udhIDs {
		rc := a.waitReceipt(id, pdu.StateDelivered, 5*time.Second)
		if want := parts[i][:min(20, len(parts[i]))]; rc.Receipt.Text != want {
			t.Errorf("UDH segment %d receipt text %q, want %q", i+1, rc.Receipt.Text, want)
		}
	}
	for id, i := range sarIDs {
		rc := a.waitReceipt(id, pdu.StateDelivered, 5*time.Second)
		if want := parts[i][:min(20, len(parts[i]))]; rc.Receipt.Text != want {
			t.Errorf("SAR segment %d receipt text %q, want %q", i+1, rc.Receipt.Text, want)
		}
	}
	if rc := a.waitReceipt(payloadID, pdu.StateDelivered, 5*time.Second); rc.Receipt.Text != full[:20] {
		t.Errorf("payload receipt text %q", rc.Receipt.Text)
	}
	if n := len(a.receipts("")); n != 7 {
		t.Errorf("%d receipts, want 7 (one per segment)", n)
	}
}

// TestRegisteredDeliveryModes: bits 1-0 of registered_delivery select no
// receipt, final, failure-only or success-only receipts (encoding.md §3).
func TestRegisteredDeliveryModes(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, opsConfig())
	a := dialESME(t, srv.SMPPAddr().String(), "a", "pa", dialOpts{})
	type msg struct {
		reg  pdu.RegisteredDelivery
		ok   bool // delivered (else UNDELIV)
		want bool // a receipt is expected
	}
	cases := []msg{
		{pdu.RegNoReceipt, true, false}, {pdu.RegNoReceipt, false, false},
		{pdu.RegReceiptFinal, true, true}, {pdu.RegReceiptFinal, false, true},
		{pdu.RegReceiptFailure, true, false}, {pdu.RegReceiptFailure, false, true},
		{pdu.RegReceiptSuccess, true, true}, {pdu.RegReceiptSuccess, false, false},
	}
	ids := make([]string, len(cases))
	for i, c := range cases {
		dest := fmt.Sprintf("33910000%04d", i) // delivered
		if !c.ok {
			dest = fmt.Sprintf("33920000%04d", i) // UNDELIV err 7
		}
		ids[i] = a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: dest, RegisteredDelivery: c.reg, ShortMessage: []byte("reg")})
	}
	for i, c := range cases {
		want := pdu.StateDelivered
		if !c.ok {
			want = pdu.StateUndeliverable
		}
		a.waitState(ids[i], want, 5*time.Second)
	}
	a.marker("339199999999", 5*time.Second)
	for i, c := range cases {
		rs := a.receipts(ids[i])
		if c.want && len(rs) != 1 || !c.want && len(rs) != 0 {
			t.Errorf("registered_delivery %#x, delivered=%v: %d receipts, want receipt=%v", c.reg, c.ok, len(rs), c.want)
		}
		if len(rs) == 1 && !c.ok && (rs[0].Receipt.Stat != "UNDELIV" || rs[0].Receipt.Err != "007") {
			t.Errorf("failure receipt %q err %q", rs[0].Receipt.Stat, rs[0].Receipt.Err)
		}
	}
}

// TestThroughputLimit: beyond an account's throughput, submissions are
// answered ESME_RTHROTTLED.
func TestThroughputLimit(t *testing.T) {
	t.Parallel()
	cfg := opsConfig()
	cfg.Accounts[0].Throughput = 1
	srv := startSMSC(t, cfg)
	a := dialESME(t, srv.SMPPAddr().String(), "a", "pa", dialOpts{})
	ctx := context.Background()
	throttled := 0
	for range 5 {
		_, err := a.sess.Submit(ctx, &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "339100000001", ShortMessage: []byte("t")})
		if err != nil {
			wantStatus(t, "submit over the throughput", err, pdu.StatusThrottled)
			throttled++
		}
	}
	if throttled < 3 {
		t.Fatalf("%d of 5 immediate submissions throttled at 1/s, want at least 3", throttled)
	}
}

// TestSubmitMultiCancel: the message_id of a submit_multi names the whole
// submission (SMPP v3.4 §4.5.2, §4.9): cancel_sm with it cancels every
// destination, each reported DELETED.
func TestSubmitMultiCancel(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, opsConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	ctx := context.Background()
	resp, err := a.sess.SubmitMulti(ctx, &pdu.SubmitMulti{SourceAddr: "100", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("multi"),
		DestAddresses: []pdu.DestAddress{
			{DestFlag: pdu.DestFlagSME, DestinationAddr: "447700000001"},
			{DestFlag: pdu.DestFlagSME, DestinationAddr: "447700000002"},
			{DestFlag: pdu.DestFlagSME, DestinationAddr: "447700000003"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.sess.Cancel(ctx, &pdu.CancelSM{MessageID: resp.MessageID}); err != nil {
		t.Fatalf("cancel_sm of the submit_multi: %v", err)
	}
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver})
	waitQueueDepth(t, srv, "b", 0)
	a.marker("339900000001", 5*time.Second)
	if n := len(b.withText("multi")); n != 0 {
		t.Errorf("%d destinations of the cancelled submit_multi still got it", n)
	}
	for _, r := range a.receipts(resp.MessageID) {
		if r.Receipt.State != pdu.StateDeleted {
			t.Errorf("receipt from %s: %s, want DELETED", r.Deliver.SourceAddr, r.Receipt.Stat)
		}
	}
	if n := len(a.receipts(resp.MessageID)); n != 3 {
		t.Errorf("%d receipts, want 3 DELETED", n)
	}
}

// TestSubmitMultiReplace: replace_sm with the message_id of a submit_multi
// replaces the text for every destination.
func TestSubmitMultiReplace(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, opsConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	ctx := context.Background()
	resp, err := a.sess.SubmitMulti(ctx, &pdu.SubmitMulti{SourceAddr: "100", ShortMessage: []byte("old multi"),
		DestAddresses: []pdu.DestAddress{
			{DestFlag: pdu.DestFlagSME, DestinationAddr: "447700000011"},
			{DestFlag: pdu.DestFlagSME, DestinationAddr: "447700000012"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.sess.Replace(ctx, &pdu.ReplaceSM{MessageID: resp.MessageID, SourceAddr: "100", ShortMessage: []byte("new multi")}); err != nil {
		t.Fatalf("replace_sm of the submit_multi: %v", err)
	}
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver})
	waitQueueDepth(t, srv, "b", 0)
	waitFor(t, 5*time.Second, "both destinations", func() bool { return len(b.withText("new multi")) == 2 })
	if n := len(b.withText("old multi")); n != 0 {
		t.Errorf("%d destinations got the replaced text", n)
	}
	// Another account cannot reach the group.
	c := dialESME(t, addr, "c", "pc", dialOpts{mode: pdu.BindTransmitter})
	if err := c.sess.Cancel(ctx, &pdu.CancelSM{MessageID: resp.MessageID}); err == nil {
		t.Error("another account cancelled the submit_multi")
	}
}

// TestReceiptWaitsForReceiver: a submitter bound as transmitter only gets
// its receipts once it binds a receiver; none is lost meanwhile.
func TestReceiptWaitsForReceiver(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, opsConfig())
	addr := srv.SMPPAddr().String()
	tx := dialESME(t, addr, "a", "pa", dialOpts{mode: pdu.BindTransmitter})
	var ids []string
	for i := range 5 {
		ids = append(ids, tx.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: fmt.Sprintf("33910000%04d", i), RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("held")}))
	}
	for _, id := range ids {
		tx.waitState(id, pdu.StateDelivered, 5*time.Second)
	}
	if n := len(tx.all()); n != 0 {
		t.Fatalf("a transmitter session received %d PDUs", n)
	}
	rx := dialESME(t, addr, "a", "pa", dialOpts{mode: pdu.BindReceiver})
	for _, id := range ids {
		rx.waitReceipt(id, pdu.StateDelivered, 5*time.Second)
	}
}
