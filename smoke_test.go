package smpp

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smppstack/smpp/coding"
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

func TestSmokeLongTextReassembled(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &Server{Binder: BinderFunc(func(ctx context.Context, s *Session, b *pdu.Bind) (Handler, error) {
		return HandlerFunc(func(ctx context.Context, r *Request) (pdu.PDU, error) {
			// Echo every submitted part back to the same session as an MO.
			sm := r.PDU.(*pdu.SubmitSM)
			dsm := pdu.DeliverSM(*sm)
			dsm.RegisteredDelivery = 0
			go r.Session.Deliver(context.Background(), &dsm)
			return &pdu.SubmitSMResp{MessageID: "x"}, nil
		}), nil
	})}
	go srv.Serve(l)
	defer srv.Close()
	texts := make(chan string, 4)
	ra := &Reassembly{}
	d := &Dialer{SystemID: "a", Handler: Chain(HandlerFunc(func(ctx context.Context, r *Request) (pdu.PDU, error) {
		txt, err := r.Text()
		if err != nil {
			t.Error(err)
		}
		texts <- txt
		return nil, nil
	}), ra.Middleware())}
	ctx := context.Background()
	s, err := d.Dial(ctx, l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	long := strings.Repeat("Grüße aus Köln – ", 12) // UCS2: needs several parts
	for _, concat := range []coding.Concat{coding.ConcatUDH8, coding.ConcatUDH16, coding.ConcatSAR} {
		res, err := s.SubmitText(ctx, TextMessage{From: pdu.Address{Addr: "1"}, To: pdu.Address{Addr: "2"}, Text: long, Concat: concat})
		if err != nil || len(res) < 2 {
			t.Fatalf("%v: %v %v", concat, res, err)
		}
		select {
		case got := <-texts:
			if got != long {
				t.Fatalf("%v: got %q", concat, got)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%v: not reassembled (pending %d)", concat, ra.Pending())
		}
	}
}
