package smpp

import (
	"context"
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
)

func TestSmoke(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	var n atomic.Int64
	srv := &Server{Binder: BinderFunc(func(ctx context.Context, s *Session, b *pdu.Bind) (Handler, error) {
		if b.Password != "pw" {
			return nil, pdu.StatusInvPassword
		}
		return HandlerFunc(func(ctx context.Context, r *Request) (pdu.PDU, error) {
			return &pdu.SubmitSMResp{MessageID: strconv.FormatInt(n.Add(1), 10)}, nil
		}), nil
	})}
	go srv.Serve(l)
	got := make(chan string, 1)
	d := &Dialer{SystemID: "a", Password: "pw", Handler: HandlerFunc(func(ctx context.Context, r *Request) (pdu.PDU, error) {
		got <- string(r.PDU.(*pdu.DeliverSM).ShortMessage)
		return nil, nil
	})}
	ctx := context.Background()
	s, err := d.Dial(ctx, l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Submit(ctx, &pdu.SubmitSM{SourceAddr: "1", DestinationAddr: "2", ShortMessage: []byte("hi")})
	if err != nil || resp.MessageID != "1" {
		t.Fatal(resp, err)
	}
	ss := srv.Sessions()
	if len(ss) != 1 || ss[0].State() != StateBoundTRX {
		t.Fatal(ss)
	}
	if _, err := ss[0].Deliver(ctx, &pdu.DeliverSM{ShortMessage: []byte("mo")}); err != nil {
		t.Fatal(err)
	}
	if g := <-got; g != "mo" {
		t.Fatal(g)
	}
	d2 := *d
	d2.Password = "x"
	if _, err := d2.Dial(ctx, l.Addr().String()); err == nil || err.Error() != "smpp: bind refused: ESME_RINVPASWD" {
		t.Fatal(err)
	}
	if err := s.Unbind(ctx); err != nil {
		t.Fatal(err)
	}
	if s.State() != StateClosed {
		t.Fatal(s.State())
	}
	sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
}
