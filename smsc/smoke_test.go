package smsc

import (
	"context"
	"testing"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/store"
)

func TestQuickE2E(t *testing.T) {
	ctx := context.Background()
	cfg := Config{SMPPAddr: "127.0.0.1:0", Accounts: []Account{
		{SystemID: "a", Password: "pa"},
		{SystemID: "b", Password: "pb", Addresses: []string{"4477*"}},
	}}
	srv, err := New(cfg, WithStoreOptions(store.Options{Dir: t.TempDir()}), WithBcryptCost(4))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(ctx)
	addr := srv.SMPPAddr().String()
	rcpts := make(chan dlr.Receipt, 10)
	a, err := (&smpp.Dialer{SystemID: "a", Password: "pa", Handler: smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		if d, ok := r.PDU.(*pdu.DeliverSM); ok {
			rc, _ := dlr.FromDeliverSM(d)
			rcpts <- rc
		}
		return nil, nil
	})}).Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 10)
	b, err := (&smpp.Dialer{SystemID: "b", Password: "pb", Mode: pdu.BindReceiver, Handler: smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		got <- string(r.PDU.(*pdu.DeliverSM).ShortMessage)
		return nil, nil
	})}).Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	resp, err := a.Submit(ctx, &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700900123", RegisteredDelivery: 1, ShortMessage: []byte("hello b")})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case g := <-got:
		if g != "hello b" {
			t.Fatal(g)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery")
	}
	select {
	case rc := <-rcpts:
		if rc.ID != resp.MessageID || rc.State != pdu.StateDelivered {
			t.Fatalf("%+v", rc)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no receipt")
	}
	// network path
	resp2, err := a.Submit(ctx, &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "33600000000", RegisteredDelivery: 1, ShortMessage: []byte("to net")})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case rc := <-rcpts:
		if rc.ID != resp2.MessageID || rc.State != pdu.StateDelivered {
			t.Fatalf("%+v", rc)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no net receipt")
	}
	q, err := a.Query(ctx, &pdu.QuerySM{MessageID: resp2.MessageID})
	if err != nil || q.MessageState != pdu.StateDelivered {
		t.Fatal(q, err)
	}
	a.Unbind(ctx)
}
