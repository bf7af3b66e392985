package smsc

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
)

func expiryConfig() Config {
	return Config{
		Accounts: []Account{
			{SystemID: "a", Password: "pa"},
			{SystemID: "b", Password: "pb", Addresses: []string{"4477*"}},
		},
		Network: NetworkConfig{Delay: Duration(10 * time.Millisecond)},
		Retry:   RetryPolicy{Min: Duration(50 * time.Millisecond), Max: Duration(400 * time.Millisecond)},
		// Expire messages of accounts without a receiver quickly.
		ExpirySweep: Duration(100 * time.Millisecond),
	}
}

// TestExpiredMessageReceiptWhenReceiverBinds: a message to an account with
// no receiver bound outlives its validity_period (injected clock); query_sm
// reports EXPIRED at once, and when a receiver binds the message is not
// delivered and the submitter gets an EXPIRED receipt.
func TestExpiredMessageReceiptWhenReceiverBinds(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	srv := startSMSC(t, expiryConfig(), WithClock(clk.Now))
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000001", ValidityPeriod: rel(time.Minute), RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("expire me")})
	if st := a.query(id).MessageState; st != pdu.StateEnroute {
		t.Fatalf("before expiry: %s, want ENROUTE", st)
	}
	clk.Advance(2 * time.Minute)
	if st := a.query(id).MessageState; st != pdu.StateExpired {
		t.Fatalf("after the validity period: %s, want EXPIRED", st)
	}
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver})
	rc := a.waitReceipt(id, pdu.StateExpired, 5*time.Second)
	if rc.Receipt.Stat != "EXPIRED" || rc.Receipt.Err != "000" || rc.Receipt.Text != "expire me" {
		t.Errorf("receipt %+v", *rc.Receipt)
	}
	if rc.Deliver.SourceAddr != "447700000001" || rc.Deliver.DestinationAddr != "100" {
		t.Errorf("receipt addressed %s -> %s, want 447700000001 -> 100", rc.Deliver.SourceAddr, rc.Deliver.DestinationAddr)
	}
	q := a.query(id)
	if q.MessageState != pdu.StateExpired || q.FinalDate == "" {
		t.Errorf("query after the receipt: state %s final_date %q", q.MessageState, q.FinalDate)
	}
	// A fresh message to b is delivered; the expired one never is.
	a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000002", ShortMessage: []byte("fresh")})
	b.waitText("fresh", 5*time.Second)
	waitQueueDepth(t, srv, "b", 0)
	if g := b.withText("expire me"); len(g) != 0 {
		t.Fatalf("expired message delivered to b")
	}
	if n := len(a.receipts(id)); n != 1 {
		t.Fatalf("%d receipts for the expired message, want 1", n)
	}
}

// TestExpiredMessageReceiptWithoutReceiver: the submitter must learn that
// its message expired even if the destination account never binds again.
func TestExpiredMessageReceiptWithoutReceiver(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	srv := startSMSC(t, expiryConfig(), WithClock(clk.Now))
	a := dialESME(t, srv.SMPPAddr().String(), "a", "pa", dialOpts{})
	id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000001", ValidityPeriod: rel(time.Minute), RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("nobody home")})
	clk.Advance(2 * time.Minute)
	a.waitReceipt(id, pdu.StateExpired, 5*time.Second)
}

// TestRetryAfterTemporaryFailure: a receiver answering ESME_RX_T_APPN gets
// the message again after the back-off; registered_delivery 0x11 brings an
// intermediate notification (esm_class 0x20, ENROUTE) for the temporary
// failure and then the final receipt.
func TestRetryAfterTemporaryFailure(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, expiryConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	var id string
	var idMu sync.Mutex
	attempts := 0
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver, respond: func(g got) error {
		if g.Text() != "try again" {
			return nil
		}
		idMu.Lock()
		attempts++
		n, msgID := attempts, id
		idMu.Unlock()
		if n == 1 {
			return pdu.StatusRxTAppn
		}
		// Hold the second attempt until a has its intermediate
		// notification, so its order before the final receipt is certain.
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			for _, r := range a.receipts(msgID) {
				if r.Receipt.Intermediate {
					return nil
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
		return nil
	}})
	idMu.Lock()
	id = a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000003", RegisteredDelivery: pdu.RegReceiptFinal | pdu.RegIntermediate, ShortMessage: []byte("try again")})
	idMu.Unlock()
	final := a.waitReceipt(id, pdu.StateDelivered, 10*time.Second)
	got := b.withText("try again")
	if len(got) != 2 {
		t.Fatalf("b got the message %d times, want 2", len(got))
	}
	if got[0].Status != pdu.StatusRxTAppn || got[1].Status != pdu.StatusOK {
		t.Fatalf("b answered %s then %s", got[0].Status, got[1].Status)
	}
	rs := a.receipts(id)
	if len(rs) != 2 {
		t.Fatalf("a got %d receipts, want an intermediate notification and a final receipt", len(rs))
	}
	in := rs[0]
	if !in.Receipt.Intermediate || in.Deliver.ESMClass&pdu.ESMTypeMask != pdu.ESMTypeIntermediate || in.Receipt.State != pdu.StateEnroute {
		t.Errorf("first receipt: esm_class %#x state %s, want an ENROUTE intermediate notification (0x20)", in.Deliver.ESMClass, in.Receipt.State)
	}
	if final.Receipt.Intermediate || final.Deliver.ESMClass&pdu.ESMTypeMask != pdu.ESMTypeDeliveryReceipt {
		t.Errorf("final receipt esm_class %#x", final.Deliver.ESMClass)
	}
	if st := a.query(id).MessageState; st != pdu.StateDelivered {
		t.Errorf("query: %s, want DELIVERED", st)
	}
}

// TestRetryBackoff: the gap between attempts follows Retry.Min doubling.
func TestRetryBackoff(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, expiryConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	var mu sync.Mutex
	n := 0
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver, respond: func(g got) error {
		mu.Lock()
		defer mu.Unlock()
		n++
		if n <= 3 {
			return pdu.StatusRxTAppn
		}
		return nil
	}})
	id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000004", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("backoff")})
	a.waitReceipt(id, pdu.StateDelivered, 10*time.Second)
	g := b.withText("backoff")
	if len(g) != 4 {
		t.Fatalf("%d attempts, want 4", len(g))
	}
	for i, want := range []time.Duration{50, 100, 200} {
		gap := g[i+1].At.Sub(g[i].At)
		if gap < want*time.Millisecond {
			t.Errorf("gap before attempt %d: %v, want at least %v", i+2, gap, want*time.Millisecond)
		}
		t.Logf("gap before attempt %d: %v", i+2, gap)
	}
}

// TestPermanentFailures: ESME_RX_P_APPN, ESME_RX_R_APPN and other permanent
// errors end the message as UNDELIV with the status as error code, without
// retrying.
func TestPermanentFailures(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, expiryConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	answers := map[string]pdu.Status{"papp": pdu.StatusRxPAppn, "rapp": pdu.StatusRxRAppn, "baddst": pdu.StatusInvDstAddr}
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver, respond: func(g got) error {
		if st, ok := answers[g.Text()]; ok {
			return st
		}
		return nil
	}})
	for i, text := range []string{"papp", "rapp", "baddst"} {
		st := answers[text]
		id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "44770000001" + string(rune('0'+i)), RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte(text)})
		rc := a.waitReceipt(id, pdu.StateUndeliverable, 5*time.Second)
		wantErr := pad3(uint16(st))
		if rc.Receipt.Stat != "UNDELIV" || rc.Receipt.Err != wantErr {
			t.Errorf("%s: receipt stat %q err %q, want UNDELIV %s", text, rc.Receipt.Stat, rc.Receipt.Err, wantErr)
		}
		if rc.Receipt.NetworkError.Code != uint16(st) {
			t.Errorf("%s: network_error_code %+v, want code %d", text, rc.Receipt.NetworkError, st)
		}
		q := a.query(id)
		if q.MessageState != pdu.StateUndeliverable || q.ErrorCode != uint8(st) || q.FinalDate == "" {
			t.Errorf("%s: query state %s error_code %d final_date %q", text, q.MessageState, q.ErrorCode, q.FinalDate)
		}
	}
	a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000019", ShortMessage: []byte("after")})
	b.waitText("after", 5*time.Second)
	waitQueueDepth(t, srv, "b", 0)
	for text := range answers {
		if n := len(b.withText(text)); n != 1 {
			t.Errorf("%s delivered %d times, want once (no retry after a permanent error)", text, n)
		}
	}
}

// TestIntermediateOnlyThenQuery: registered_delivery 0x10 (intermediate
// notification, no final receipt) and 0x12 (intermediate + failure-only
// receipt): after a temporary failure and a successful retry, query_sm must
// report DELIVERED and no final receipt is sent.
func TestIntermediateOnlyThenQuery(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, expiryConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	var mu sync.Mutex
	seen := map[string]int{}
	dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver, respond: func(g got) error {
		mu.Lock()
		defer mu.Unlock()
		seen[g.Text()]++
		if seen[g.Text()] == 1 {
			return pdu.StatusRxTAppn
		}
		return nil
	}})
	var ids []string
	for i, reg := range []pdu.RegisteredDelivery{pdu.RegIntermediate, pdu.RegIntermediate | pdu.RegReceiptFailure} {
		text := "intermediate-" + string(rune('0'+i))
		id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "44770000002" + string(rune('0'+i)), RegisteredDelivery: reg, ShortMessage: []byte(text)})
		in := a.waitReceipt(id, pdu.StateEnroute, 5*time.Second)
		if !in.Receipt.Intermediate || in.Deliver.ESMClass != pdu.ESMTypeIntermediate {
			t.Errorf("registered_delivery %#x: notification esm_class %#x, want 0x20", reg, in.Deliver.ESMClass)
		}
		a.waitState(id, pdu.StateDelivered, 5*time.Second)
		ids = append(ids, id)
	}
	a.marker("339900000001", 5*time.Second)
	for _, id := range ids {
		if rs := a.receipts(id); len(rs) != 1 || !rs[0].Receipt.Intermediate {
			t.Errorf("message %s: %d receipts, want only the intermediate notification (no final receipt asked for a success)", id, len(rs))
		}
	}
}

// TestScheduledDelivery: schedule_delivery_time in the future holds the
// message (query says SCHEDULED) until that time.
func TestScheduledDelivery(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, expiryConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	b := dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver})
	start := time.Now()
	id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000030", ScheduleDeliveryTime: rel(time.Second), RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("later")})
	if st := a.query(id).MessageState; st != pdu.StateScheduled {
		t.Fatalf("query before the schedule: %s, want SCHEDULED", st)
	}
	g := b.waitText("later", 10*time.Second)
	if d := g.At.Sub(start); d < time.Second {
		t.Fatalf("delivered %v after submission, before the 1s schedule", d)
	}
	a.waitReceipt(id, pdu.StateDelivered, 5*time.Second)
	if st := a.query(id).MessageState; st != pdu.StateDelivered {
		t.Fatalf("query after delivery: %s", st)
	}
}

// TestSubmitTimeValidation: times that cannot be honoured are refused with
// the statuses of the spec; a validity beyond MaxValidity is capped.
func TestSubmitTimeValidation(t *testing.T) {
	t.Parallel()
	cfg := expiryConfig()
	cfg.MaxValidity = Duration(72 * time.Hour)
	clk := newFakeClock()
	srv := startSMSC(t, cfg, WithClock(clk.Now))
	a := dialESME(t, srv.SMPPAddr().String(), "a", "pa", dialOpts{})
	ctx := context.Background()
	sm := func(sched, valid string) *pdu.SubmitSM {
		return &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000040", ScheduleDeliveryTime: sched, ValidityPeriod: valid, ShortMessage: []byte("t")}
	}
	past := pdu.FormatTime(clk.Now().Add(-time.Hour))
	for _, c := range []struct {
		name         string
		sched, valid string
		want         pdu.Status
	}{
		{"validity in the past", "", past, pdu.StatusInvExpiry},
		{"bad validity format", "", "991399999999999+", pdu.StatusInvExpiry},
		{"bad schedule format", "991399999999999+", "", pdu.StatusInvSched},
		{"bad relative schedule", "00000000000000XR", "", pdu.StatusInvSched},
	} {
		_, err := a.sess.Submit(ctx, sm(c.sched, c.valid))
		wantStatus(t, "submit_sm: "+c.name, err, c.want)
		_, err = a.sess.SubmitMulti(ctx, &pdu.SubmitMulti{SourceAddr: "100", ScheduleDeliveryTime: c.sched, ValidityPeriod: c.valid,
			DestAddresses: []pdu.DestAddress{{DestFlag: pdu.DestFlagSME, DestinationAddr: "447700000041"}}, ShortMessage: []byte("t")})
		wantStatus(t, "submit_multi: "+c.name, err, c.want)
	}
	id := a.submit(sm("", rel(30*24*time.Hour)))
	info, err := srv.Query(ctx, "a", id)
	if err != nil {
		t.Fatal(err)
	}
	if want := clk.Now().Add(72 * time.Hour); !info.Message.Expires.Equal(want) {
		t.Errorf("validity of 30 days with MaxValidity 72h: expires %v, want %v", info.Message.Expires, want)
	}
	id = a.submit(sm("", ""))
	if info, _ = srv.Query(ctx, "a", id); !info.Message.Expires.Equal(clk.Now().Add(48 * time.Hour)) {
		t.Errorf("default validity: expires %v, want now+48h", info.Message.Expires)
	}
}
