package smsc

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// TestAccountIsolation: an account cannot see or touch another account's
// messages (answered exactly like an unknown id), receipts go only to the
// submitter's account, and messages only to the account owning the
// destination.
func TestAccountIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := startSMSC(t, Config{
		Accounts: []Account{
			{SystemID: "a", Password: "pa", Addresses: []string{"111*"}},
			{SystemID: "b", Password: "pb", Addresses: []string{"222*"}},
		},
		Network: NetworkConfig{Delay: Duration(10 * time.Millisecond)},
	})
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	b := dialESME(t, addr, "b", "pb", dialOpts{})

	idA := a.submit(&pdu.SubmitSM{SourceAddr: "1110000", DestinationAddr: "2220001", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("a-to-b")})
	idB := b.submit(&pdu.SubmitSM{SourceAddr: "2220000", DestinationAddr: "1110001", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("b-to-a")})
	b.waitText("a-to-b", 5*time.Second)
	a.waitText("b-to-a", 5*time.Second)
	a.waitReceipt(idA, pdu.StateDelivered, 5*time.Second)
	b.waitReceipt(idB, pdu.StateDelivered, 5*time.Second)

	// A pending message of b's (scheduled an hour ahead).
	pendB := b.submit(&pdu.SubmitSM{SourceAddr: "2220000", DestinationAddr: "1110002", ScheduleDeliveryTime: rel(time.Hour), RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("b-pending")})
	if st := b.query(pendB).MessageState; st != pdu.StateScheduled {
		t.Fatalf("b's scheduled message: state %s, want SCHEDULED", st)
	}

	for _, id := range []string{idB, pendB, "999999", "0", "abc", ""} {
		_, err := a.sess.Query(ctx, &pdu.QuerySM{MessageID: id})
		wantStatus(t, "a: query_sm of "+id, err, pdu.StatusInvMsgID)
		if id == "" {
			continue // an empty id is cancel-by-address, tested elsewhere
		}
		wantStatus(t, "a: cancel_sm of "+id, a.sess.Cancel(ctx, &pdu.CancelSM{MessageID: id}), pdu.StatusInvMsgID)
		wantStatus(t, "a: replace_sm of "+id, a.sess.Replace(ctx, &pdu.ReplaceSM{MessageID: id, ShortMessage: []byte("hijacked")}), pdu.StatusInvMsgID)
	}
	_, err := b.sess.Query(ctx, &pdu.QuerySM{MessageID: idA})
	wantStatus(t, "b: query_sm of a's message", err, pdu.StatusInvMsgID)
	// The core operations behave the same (HTTP and other front doors).
	if _, err := srv.Query(ctx, "a", idB); !errors.Is(err, ErrUnknownMessage) {
		t.Fatalf("Server.Query of another account's message: %v, want ErrUnknownMessage", err)
	}
	if err := srv.Cancel(ctx, "a", pendB); !errors.Is(err, ErrUnknownMessage) {
		t.Fatalf("Server.Cancel of another account's message: %v, want ErrUnknownMessage", err)
	}
	// b's message is untouched by a's attempts...
	if st := b.query(pendB).MessageState; st != pdu.StateScheduled {
		t.Fatalf("b's message after a's cancel/replace attempts: %s, want SCHEDULED", st)
	}
	if st := a.query(idA).MessageState; st != pdu.StateDelivered {
		t.Fatalf("a's own message: %s, want DELIVERED", st)
	}
	// ...and b may cancel it itself.
	if err := b.sess.Cancel(ctx, &pdu.CancelSM{MessageID: pendB}); err != nil {
		t.Fatalf("b: cancel_sm own message: %v", err)
	}
	b.waitReceipt(pendB, pdu.StateDeleted, 5*time.Second)

	// MOs reach only the account owning the destination.
	if _, err := srv.InjectMO(ctx, "447000000001", "2220005", pdu.CodingDefault, []byte("mo-for-b"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.InjectMO(ctx, "447000000001", "1110005", pdu.CodingDefault, []byte("mo-for-a"), 0); err != nil {
		t.Fatal(err)
	}
	var ce *ConfigError
	if _, err := srv.InjectMO(ctx, "447000000001", "3330005", pdu.CodingDefault, []byte("mo-for-nobody"), 0); !errors.As(err, &ce) {
		t.Fatalf("InjectMO to an address no account owns: %v, want *ConfigError", err)
	}
	mo := b.waitText("mo-for-b", 5*time.Second)
	if mo.Deliver.SourceAddr != "447000000001" || mo.Deliver.DestinationAddr != "2220005" {
		t.Fatalf("MO addresses: %s -> %s", mo.Deliver.SourceAddr, mo.Deliver.DestinationAddr)
	}
	a.waitText("mo-for-a", 5*time.Second)

	// Markers: a receipt to each account for a message submitted last, so
	// anything misrouted earlier has arrived by now.
	a.marker("55500001", 5*time.Second)
	b.marker("55500002", 5*time.Second)

	check := func(e *esme, wantTexts map[string]bool, ownIDs map[string]bool) {
		t.Helper()
		for _, g := range e.all() {
			if g.Receipt != nil {
				if !ownIDs[g.Receipt.ID] {
					if _, err := srv.Query(ctx, e.name, g.Receipt.ID); err != nil {
						t.Errorf("%s received a receipt for %s, which is not its message (%v)", e.name, g.Receipt.ID, err)
					}
				}
				continue
			}
			if !wantTexts[g.Text()] {
				t.Errorf("%s received %q, not meant for it", e.name, g.Text())
			}
		}
	}
	check(a, map[string]bool{"b-to-a": true, "mo-for-a": true}, map[string]bool{idA: true})
	check(b, map[string]bool{"a-to-b": true, "mo-for-b": true}, map[string]bool{idB: true, pendB: true})
	if n := len(a.receipts(idA)); n != 1 {
		t.Errorf("a got %d receipts for its message, want 1", n)
	}
}
