package smsctest_test

import (
	"context"
	"testing"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/smsctest"
)

func TestServer(t *testing.T) {
	srv := smsctest.NewServer(t, smsctest.Account("app", "secret", "12345"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	mo := make(chan string, 1)
	s, err := srv.Dialer("app", "secret", pdu.BindTransceiver, smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		if _, ok := r.Receipt(); !ok {
			txt, _ := r.Text()
			mo <- txt
		}
		return nil, nil
	})).Dial(ctx, srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.SubmitText(ctx, smpp.TextMessage{From: pdu.Address{Addr: "12345"}, To: pdu.Address{TON: 1, NPI: 1, Addr: "447700900001"}, Text: "hello phone"}); err != nil {
		t.Fatal(err)
	}
	got, err := srv.WaitPhone(ctx, "447700900001", 1)
	if err != nil || got[0].Text != "hello phone" || got[0].From != "12345" {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := srv.SendMO(ctx, "447700900001", "12345", "reply"); err != nil {
		t.Fatal(err)
	}
	select {
	case txt := <-mo:
		if txt != "reply" {
			t.Fatal(txt)
		}
	case <-ctx.Done():
		t.Fatal("no MO")
	}
}

func TestRestartKeepsMessages(t *testing.T) {
	srv := smsctest.NewServer(t, smsctest.Account("a", "pa"), smsctest.Account("b", "pb", "4477*"))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	a, err := srv.Dialer("a", "pa", pdu.BindTransmitter, nil).Dial(ctx, srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Submit(ctx, &pdu.SubmitSM{DestinationAddr: "447700000001", ShortMessage: []byte("kept")}); err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if srv.Addr != addr {
		t.Fatalf("address changed: %s → %s", addr, srv.Addr)
	}
	got := make(chan string, 1)
	b, err := srv.Dialer("b", "pb", pdu.BindReceiver, smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		txt, _ := r.Text()
		got <- txt
		return nil, nil
	})).Dial(ctx, srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	select {
	case txt := <-got:
		if txt != "kept" {
			t.Fatal(txt)
		}
	case <-ctx.Done():
		t.Fatal("message lost across restart")
	}
}
