package smsc

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

func netConfig() Config {
	slow := Duration(700 * time.Millisecond)
	return Config{
		Accounts: []Account{{SystemID: "a", Password: "pa"}},
		Network: NetworkConfig{Delay: Duration(10 * time.Millisecond), Rules: []NetworkRule{
			{Prefix: "3361*", Outcomes: []Outcome{{Stat: "UNDELIV", Err: 5, Weight: 1}}},
			{Prefix: "3362*", Delay: &slow, Outcomes: []Outcome{{Stat: "DELIVRD", Weight: 1}}},
			{Prefix: "3363*", Outcomes: []Outcome{{Stat: "DELIVRD", Weight: 1}, {Stat: "UNDELIV", Err: 1, Weight: 1}}},
			{Prefix: "33611*", Outcomes: []Outcome{{Stat: "EXPIRED", Err: 27, Weight: 1}}}, // longer prefix wins
		}},
	}
}

// TestNetworkOutcomes: the simulated network gives each prefix its
// configured outcome, with the error in the receipt text and the
// network_error_code TLV, and honours per-prefix delays.
func TestNetworkOutcomes(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, netConfig())
	a := dialESME(t, srv.SMPPAddr().String(), "a", "pa", dialOpts{})
	sm := func(dest string) *pdu.SubmitSM {
		return &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: dest, RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("net")}
	}

	id := a.submit(sm("33610000001"))
	rc := a.waitReceipt(id, pdu.StateUndeliverable, 5*time.Second)
	if rc.Receipt.Stat != "UNDELIV" || rc.Receipt.Err != "005" {
		t.Errorf("receipt stat %q err %q, want UNDELIV 005", rc.Receipt.Stat, rc.Receipt.Err)
	}
	if !rc.Receipt.Has(dlr.FieldNetworkError) || rc.Receipt.NetworkError.Code != 5 {
		t.Errorf("network_error_code %+v (fields %v), want code 5", rc.Receipt.NetworkError, rc.Receipt.Fields)
	}
	if q := a.query(id); q.MessageState != pdu.StateUndeliverable || q.ErrorCode != 5 {
		t.Errorf("query: %s error_code %d", q.MessageState, q.ErrorCode)
	}

	id = a.submit(sm("33611000001"))
	if rc := a.waitReceipt(id, pdu.StateExpired, 5*time.Second); rc.Receipt.Err != "027" {
		t.Errorf("longest prefix: err %q, want 027", rc.Receipt.Err)
	}

	start := time.Now()
	slowID := a.submit(sm("33620000001"))
	fastID := a.submit(sm("33990000001"))
	fast := a.waitReceipt(fastID, pdu.StateDelivered, 5*time.Second)
	if st := a.query(slowID).MessageState; st != pdu.StateEnroute {
		t.Errorf("slow prefix queried before its delay: %s, want ENROUTE", st)
	}
	slow := a.waitReceipt(slowID, pdu.StateDelivered, 5*time.Second)
	if d := slow.At.Sub(start); d < 700*time.Millisecond {
		t.Errorf("receipt after %v, before the 700ms delay of the prefix", d)
	}
	if !fast.At.Before(slow.At) {
		t.Errorf("default-delay receipt (%v) not before the 700ms one (%v)", fast.At.Sub(start), slow.At.Sub(start))
	}
	if rc := fast.Receipt; rc.Err != "000" || rc.Has(dlr.FieldNetworkError) && rc.NetworkError.Code != 0 {
		t.Errorf("delivered receipt err %q network error %+v", rc.Err, rc.NetworkError)
	}

	// A 50/50 mix produces both outcomes (deterministic per message id).
	ids := make([]string, 40)
	for i := range ids {
		ids[i] = a.submit(sm(fmt.Sprintf("3363%07d", i)))
	}
	counts := map[pdu.MessageState]int{}
	for _, id := range ids {
		waitFor(t, 5*time.Second, "mixed outcome "+id, func() bool { return len(a.receipts(id)) > 0 })
		rc := a.receipts(id)[0].Receipt
		counts[rc.State]++
		if rc.State == pdu.StateUndeliverable && rc.Err != "001" {
			t.Errorf("UNDELIV err %q, want 001", rc.Err)
		}
	}
	if counts[pdu.StateDelivered] == 0 || counts[pdu.StateUndeliverable] == 0 || counts[pdu.StateDelivered]+counts[pdu.StateUndeliverable] != 40 {
		t.Errorf("outcomes of a 50/50 mix over 40 messages: %v", counts)
	}
}

// TestSetNetwork: the network's behaviour can be changed at runtime; an
// invalid configuration is refused and changes nothing.
func TestSetNetwork(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, netConfig())
	a := dialESME(t, srv.SMPPAddr().String(), "a", "pa", dialOpts{})
	sm := func(dest string) *pdu.SubmitSM {
		return &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: dest, RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("net")}
	}
	a.waitReceipt(a.submit(sm("33610000001")), pdu.StateUndeliverable, 5*time.Second)
	a.waitReceipt(a.submit(sm("33990000001")), pdu.StateDelivered, 5*time.Second)

	next := NetworkConfig{Delay: Duration(5 * time.Millisecond), Rules: []NetworkRule{
		{Prefix: "3361*", Outcomes: []Outcome{{Stat: "REJECTD", Err: 9, Weight: 1}}},
		{Prefix: "*", Outcomes: []Outcome{{Stat: "UNDELIV", Err: 2, Weight: 1}}},
	}}
	if err := srv.SetNetwork(next); err != nil {
		t.Fatalf("SetNetwork: %v", err)
	}
	if got := srv.Network(); len(got.Rules) != 2 || got.Rules[0].Prefix != "3361*" || got.Delay != next.Delay {
		t.Errorf("Network() after SetNetwork: %+v", got)
	}
	rc := a.waitReceipt(a.submit(sm("33610000002")), pdu.StateRejected, 5*time.Second)
	if rc.Receipt.Stat != "REJECTD" || rc.Receipt.Err != "009" {
		t.Errorf("after SetNetwork: %q err %q, want REJECTD 009", rc.Receipt.Stat, rc.Receipt.Err)
	}
	rc = a.waitReceipt(a.submit(sm("33990000002")), pdu.StateUndeliverable, 5*time.Second)
	if rc.Receipt.Err != "002" {
		t.Errorf("catch-all rule: err %q, want 002", rc.Receipt.Err)
	}

	var ce *ConfigError
	err := srv.SetNetwork(NetworkConfig{Rules: []NetworkRule{{Prefix: "3361*", Outcomes: []Outcome{{Stat: "BOGUS", Weight: 1}}}}})
	if !errors.As(err, &ce) {
		t.Fatalf("SetNetwork with a bad stat: %v, want *ConfigError", err)
	}
	if got := srv.Network(); len(got.Rules) != 2 || got.Rules[0].Outcomes[0].Stat != "REJECTD" {
		t.Errorf("a refused SetNetwork changed the network: %+v", got)
	}
	a.waitReceipt(a.submit(sm("33610000003")), pdu.StateRejected, 5*time.Second)
}

// TestNetworkIntermediate: registered_delivery 0x11 to the network gives an
// ENROUTE intermediate notification, then the final receipt.
func TestNetworkIntermediate(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, netConfig())
	a := dialESME(t, srv.SMPPAddr().String(), "a", "pa", dialOpts{})
	id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "33620000009", RegisteredDelivery: pdu.RegReceiptFinal | pdu.RegIntermediate, ShortMessage: []byte("net")})
	in := a.waitReceipt(id, pdu.StateEnroute, 5*time.Second)
	if !in.Receipt.Intermediate || in.Deliver.ESMClass != pdu.ESMTypeIntermediate {
		t.Errorf("intermediate esm_class %#x", in.Deliver.ESMClass)
	}
	fin := a.waitReceipt(id, pdu.StateDelivered, 5*time.Second)
	if fin.Receipt.Intermediate || !in.At.Before(fin.At) {
		t.Errorf("final receipt esm_class %#x, after intermediate: %v", fin.Deliver.ESMClass, in.At.Before(fin.At))
	}
}

// TestNetworkIntermediateOnlyQuery: registered_delivery 0x10 (intermediate
// notification only): once the network delivered the message, query_sm says
// DELIVERED.
func TestNetworkIntermediateOnlyQuery(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, netConfig())
	a := dialESME(t, srv.SMPPAddr().String(), "a", "pa", dialOpts{})
	id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "33990000010", RegisteredDelivery: pdu.RegIntermediate, ShortMessage: []byte("net")})
	a.waitReceipt(id, pdu.StateEnroute, 5*time.Second)
	a.waitState(id, pdu.StateDelivered, 5*time.Second)
}

// TestNetworkIntermediateNotLost: every message sent with registered_delivery
// 0x11 gets its intermediate notification, however fast the final outcome
// follows it.
func TestNetworkIntermediateNotLost(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, netConfig())
	a := dialESME(t, srv.SMPPAddr().String(), "a", "pa", dialOpts{})
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: fmt.Sprintf("3399%07d", i), RegisteredDelivery: pdu.RegReceiptFinal | pdu.RegIntermediate, ShortMessage: []byte("net")})
	}
	for _, id := range ids {
		a.waitReceipt(id, pdu.StateDelivered, 10*time.Second)
	}
	a.marker("33990009999", 5*time.Second)
	var missing []string
	for _, id := range ids {
		n := 0
		for _, r := range a.receipts(id) {
			if r.Receipt.Intermediate {
				n++
			}
		}
		if n != 1 {
			missing = append(missing, fmt.Sprintf("%s:%d", id, n))
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d messages without exactly one intermediate notification: %v", len(missing), len(ids), missing)
	}
}

// TestCancelWhileNetworkPending: a message cancelled while the network is
// still working on it ends DELETED, with one receipt; the network's later
// outcome changes nothing.
func TestCancelWhileNetworkPending(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, netConfig())
	a := dialESME(t, srv.SMPPAddr().String(), "a", "pa", dialOpts{})
	id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "33620000001", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("net")}) // 700ms
	if err := a.sess.Cancel(t.Context(), &pdu.CancelSM{MessageID: id}); err != nil {
		t.Fatalf("cancel_sm: %v", err)
	}
	a.waitReceipt(id, pdu.StateDeleted, 5*time.Second)
	waitQueueDepth(t, srv, targetNetwork, 0) // the network settled it
	a.marker("33990000001", 5*time.Second)
	if rs := a.receipts(id); len(rs) != 1 {
		t.Fatalf("%d receipts, want only DELETED", len(rs))
	}
	if st := a.query(id).MessageState; st != pdu.StateDeleted {
		t.Fatalf("query: %s, want DELETED", st)
	}
}
