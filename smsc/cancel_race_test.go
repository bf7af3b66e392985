package smsc

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// TestCancelDuringDelivery: cancel_sm while the deliver_sm is with the
// receiver (sent, not yet answered). Either answer is acceptable — refuse
// (the message is being delivered) or accept (DELETED) — but a final state,
// once reported by query_sm or a receipt, must never change afterwards, for
// every registered_delivery mode.
func TestCancelDuringDelivery(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, expiryConfig())
	addr := srv.SMPPAddr().String()
	a := dialESME(t, addr, "a", "pa", dialOpts{})
	arrived := make(chan string, 8)
	release := make(chan struct{})
	dialESME(t, addr, "b", "pb", dialOpts{mode: pdu.BindReceiver, respond: func(g got) error {
		arrived <- g.Text()
		<-release
		return nil
	}})
	for i, reg := range []pdu.RegisteredDelivery{pdu.RegReceiptFinal, pdu.RegReceiptFailure, pdu.RegReceiptSuccess} {
		text := fmt.Sprintf("in flight %d", i)
		id := a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000070", RegisteredDelivery: reg, ShortMessage: []byte(text)})
		select {
		case got := <-arrived:
			if got != text {
				t.Fatalf("b got %q, want %q", got, text)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no delivery")
		}
		cerr := a.sess.Cancel(context.Background(), &pdu.CancelSM{MessageID: id})
		before := a.query(id).MessageState
		release <- struct{}{}
		waitQueueDepth(t, srv, "b", 0)
		a.marker("339900000070", 5*time.Second)
		after := a.query(id).MessageState
		var stats []string
		for _, r := range a.receipts(id) {
			stats = append(stats, r.Receipt.Stat)
		}
		t.Logf("registered_delivery %#x: cancel_sm %v, state %s then %s, receipts %v", reg, cerr, before, after, stats)
		if cerr == nil {
			if before != pdu.StateDeleted || after != pdu.StateDeleted {
				t.Errorf("registered_delivery %#x: cancel accepted, state %s then %s, want DELETED throughout", reg, before, after)
			}
			for _, s := range stats {
				if s != "DELETED" {
					t.Errorf("registered_delivery %#x: cancel accepted but a %s receipt was sent", reg, s)
				}
			}
		} else if after != pdu.StateDelivered {
			t.Errorf("registered_delivery %#x: cancel refused (%v) but the state is %s", reg, cerr, after)
		}
		if len(stats) > 1 {
			t.Errorf("registered_delivery %#x: %d receipts %v for one message", reg, len(stats), stats)
		}
	}
}
