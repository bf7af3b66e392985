package smpp_test

// The SMSC end: bind hook, graceful and hard shutdown, per-IP limit, the
// inbound window, server-initiated requests, outbind.

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
)

func TestBindHookStatuses(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		binder := smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
			switch b.SystemID {
			case "nopass":
				return nil, pdu.StatusInvPassword
			case "nosys":
				return nil, pdu.StatusInvSystemID
			case "systype":
				return nil, pdu.StatusInvSystemType
			case "dbdown":
				return nil, errors.New("account store unavailable")
			case "nohandler":
				return nil, nil
			}
			return smpptest.SMSCHandler(), nil
		})
		e := newEnv(t, m, binder, nil)
		for _, c := range []struct {
			id   string
			want pdu.Status
		}{
			{"nopass", pdu.StatusInvPassword},
			{"nosys", pdu.StatusInvSystemID},
			{"systype", pdu.StatusInvSystemType},
			{"dbdown", pdu.StatusBindFail},
			{"nohandler", pdu.StatusBindFail},
		} {
			_, err := e.dial(e.dialer(c.id, pdu.BindTransceiver))
			var be *smpp.BindError
			if !errors.As(err, &be) || be.Status != c.want {
				t.Errorf("bind as %q: %v, want BindError %v", c.id, err, c.want)
			}
			if !isStatus(err, c.want) {
				t.Errorf("bind as %q: errors.As(pdu.Status) does not give %v", c.id, c.want)
			}
		}
		s := e.mustDial(e.dialer("good", pdu.BindTransceiver))
		if s.State() != smpp.StateBoundTRX {
			t.Fatalf("state %v", s.State())
		}
	})
}

func TestBindRetryOnSameConnection(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		binder := smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
			if b.Password != "right" {
				return nil, pdu.StatusInvPassword
			}
			return smpptest.SMSCHandler(), nil
		})
		e := newEnv(t, m, binder, nil)
		steps := []smpptest.Step{
			smpptest.Send(1, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "esme", Password: "wrong"}),
			expectResp(pdu.CmdBindTransmitterResp, pdu.StatusInvPassword, 1),
			// Refused: still OPEN, so no submit yet, and another try.
			smpptest.Send(2, submit("x")), expectResp(pdu.CmdSubmitSMResp, pdu.StatusInvBindStatus, 2),
			smpptest.Send(3, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "esme", Password: "right"}),
			expectResp(pdu.CmdBindTransmitterResp, pdu.StatusOK, 3),
			smpptest.Send(4, submit("x")), expectResp(pdu.CmdSubmitSMResp, pdu.StatusOK, 4),
		}
		if err := (&smpptest.Script{Steps: steps}).Run(e.peer()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestBinderPanicDoesNotKillServer(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		binder := smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
			if b.SystemID == "boom" {
				panic("binder bug")
			}
			return smpptest.SMSCHandler(), nil
		})
		e := newEnv(t, m, binder, nil)
		_, err := e.dial(e.dialer("boom", pdu.BindTransmitter))
		var be *smpp.BindError
		if !errors.As(err, &be) || be.Status == pdu.StatusOK {
			t.Fatalf("bind with a panicking Binder: %v, want a refused bind", err)
		}
		s := e.mustDial(e.dialer("fine", pdu.BindTransmitter))
		if _, err := s.Submit(testCtx(t), submit("after panic")); err != nil {
			t.Fatal(err)
		}
	})
}

func TestBindDetailsVisibleToBothEnds(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		for _, bm := range []pdu.BindMode{pdu.BindTransmitter, pdu.BindReceiver, pdu.BindTransceiver} {
			for _, v := range []uint8{pdu.V33, pdu.V34, pdu.V50} {
				got := make(chan *pdu.Bind, 1)
				binder := smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
					got <- b
					return smpptest.SMSCHandler(), nil
				})
				e := newEnv(t, m, binder, func(srv *smpp.Server) { srv.SystemID = "SMSC01" })
				d := e.dialer("esme01", bm)
				d.SystemType = "VMA"
				d.InterfaceVersion = v
				d.AddrTON, d.AddrNPI, d.AddressRange = 1, 1, "^4179"
				s := e.mustDial(d)
				b := recv(t, got, "Binder call")
				want := pdu.Bind{Mode: bm, SystemID: "esme01", Password: "secret", SystemType: "VMA",
					InterfaceVersion: v, AddrTON: 1, AddrNPI: 1, AddressRange: "^4179"}
				if *b != want {
					t.Errorf("%v v%#x: Binder got %+v, want %+v", bm, v, *b, want)
				}
				st := smpp.BoundState(bm)
				if s.State() != st || s.Mode() != bm || s.Role() != smpp.RoleESME || s.SystemID() != "SMSC01" {
					t.Errorf("%v: ESME state %v mode %v role %v system_id %q", bm, s.State(), s.Mode(), s.Role(), s.SystemID())
				}
				// The MC announces v3.4 to v3.4+ ESMEs; without the TLV
				// the ESME must assume v3.3.
				wantPeer := pdu.V34
				if v < pdu.V34 {
					wantPeer = pdu.V33
				}
				if s.PeerVersion() != wantPeer {
					t.Errorf("%v v%#x: ESME PeerVersion %#x, want %#x", bm, v, s.PeerVersion(), wantPeer)
				}
				ss := e.srv.Sessions()
				if len(ss) != 1 {
					t.Fatalf("%d server sessions", len(ss))
				}
				srvS := ss[0]
				if srvS.State() != st || srvS.Mode() != bm || srvS.Role() != smpp.RoleSMSC || srvS.SystemID() != "esme01" || srvS.PeerVersion() != v {
					t.Errorf("%v: SMSC state %v mode %v role %v system_id %q version %#x", bm, srvS.State(), srvS.Mode(), srvS.Role(), srvS.SystemID(), srvS.PeerVersion())
				}
				if br := srvS.BindRequest(); br == nil || *br != want {
					t.Errorf("%v: BindRequest() = %+v", bm, br)
				}
				if srvS.Stats().BoundAt.IsZero() || s.Stats().BoundAt.IsZero() {
					t.Errorf("%v: BoundAt not set", bm)
				}
				s.Close()
				e.ts.Close()
			}
		}
	})
}

func TestShutdownUnbindsEverySession(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, m, nil, nil)
		tx := e.mustDial(e.dialer("tx", pdu.BindTransmitter))
		trx := e.mustDial(e.dialer("trx", pdu.BindTransceiver))
		raw := e.peer() // connected, never binds
		// Make sure the raw connection is being served before shutting down.
		if err := (&smpptest.Script{Steps: []smpptest.Step{
			smpptest.Send(1, &pdu.EnquireLink{}), expectResp(pdu.CmdEnquireLinkResp, pdu.StatusOK, 1),
		}}).Run(raw); err != nil {
			t.Fatal(err)
		}
		if err := e.srv.Shutdown(testCtx(t)); err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
		for _, s := range []*smpp.Session{tx, trx} {
			waitDone(t, s)
			if !errors.Is(s.Err(), smpp.ErrUnbound) {
				t.Errorf("ESME %v: Err %v, want ErrUnbound", s.Mode(), s.Err())
			}
		}
		if err := (&smpptest.Script{Steps: []smpptest.Step{smpptest.ExpectClosed()}}).Run(raw); err != nil {
			t.Errorf("unbound connection: %v", err)
		}
		if n := len(e.srv.Sessions()); n != 0 {
			t.Errorf("%d sessions left after Shutdown", n)
		}
		// Each bound session went through UNBOUND before CLOSED.
		unbound := 0
		for i := 0; i < 3; i++ {
			recv(t, e.closed.errs, "server session close")
		}
		e.closed.mu.Lock()
		for _, h := range e.closed.states {
			for i, st := range h {
				if st == smpp.StateUnbound && i+1 < len(h) && h[i+1] == smpp.StateClosed {
					unbound++
				}
			}
		}
		e.closed.mu.Unlock()
		if unbound != 2 {
			t.Errorf("%d sessions went UNBOUND→CLOSED, want 2", unbound)
		}
		if _, err := e.dial(e.dialer("late", pdu.BindTransmitter)); err == nil {
			t.Error("bind succeeded after Shutdown")
		}
	})
}

// The slow handler's response must reach the ESME before the server unbinds.
func TestShutdownWaitsForHandlers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		entered := make(chan struct{}, 1)
		h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			entered <- struct{}{}
			<-release
			return &pdu.SubmitSMResp{MessageID: "slow"}, nil
		})
		srv := &smpp.Server{Binder: smpptest.AcceptAll(h)}
		s, err := smpptest.Pipe(srv, &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		call := s.Go(ctx, submit("slow"), nil)
		<-entered
		shut := make(chan error, 1)
		go func() { shut <- srv.Shutdown(ctx) }()
		synctest.Wait()
		var c *smpp.Call
		select {
		case c = <-call.Done:
			t.Errorf("call completed while its handler was still running: %v", c.Err)
		default:
		}
		if st := s.State(); st != smpp.StateBoundTX {
			t.Errorf("ESME state %v while the server's handler runs, want BOUND_TX (no unbind yet)", st)
		}
		close(release)
		if c == nil {
			c = <-call.Done
		}
		if resp, _ := c.Resp.(*pdu.SubmitSMResp); c.Err != nil || resp == nil || resp.MessageID != "slow" {
			t.Errorf("slow call: resp %v err %v, want message_id slow", c.Resp, c.Err)
		}
		if err := <-shut; err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		<-s.Done()
		if !errors.Is(s.Err(), smpp.ErrUnbound) {
			t.Errorf("ESME Err %v, want ErrUnbound", s.Err())
		}
	})
}

func TestShutdownDeadlineClosesUnresponsivePeers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &smpp.Server{Binder: smpptest.AcceptAll(nil)}
		p := smpptest.NewPeer(smpptest.PipeConn(srv))
		p.Timeout = time.Hour
		sc := play(p,
			smpptest.Send(1, &pdu.Bind{Mode: pdu.BindTransceiver, SystemID: "mute"}),
			expectResp(pdu.CmdBindTransceiverResp, pdu.StatusOK, 1),
			smpptest.Expect(pdu.CmdUnbind), // never answered
			smpptest.Silence(time.Hour),
			smpptest.ExpectClosed(),
		)
		synctest.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start := time.Now()
		err := srv.Shutdown(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Shutdown = %v, want DeadlineExceeded", err)
		}
		if d := time.Since(start); d != 5*time.Second {
			t.Errorf("Shutdown returned after %v, want 5s", d)
		}
		if err := <-sc.done; err != nil {
			t.Error(err)
		}
		if n := len(srv.Sessions()); n != 0 {
			t.Errorf("%d sessions left", n)
		}
	})
}

func TestServerCloseCancelsHandlers(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		entered := make(chan struct{}, 1)
		handlerErr := make(chan error, 1)
		h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			entered <- struct{}{}
			<-ctx.Done()
			handlerErr <- ctx.Err()
			return nil, ctx.Err()
		})
		e := newEnv(t, m, smpptest.AcceptAll(h), nil)
		s := e.mustDial(e.dialer("esme", pdu.BindTransmitter))
		call := s.Go(testCtx(t), submit("stuck"), nil)
		recv(t, entered, "handler")
		e.srv.Close()
		if err := recv(t, handlerErr, "handler return"); !errors.Is(err, context.Canceled) {
			t.Errorf("handler ctx.Err = %v, want Canceled", err)
		}
		c := recv(t, call.Done, "call completion")
		if !errors.Is(c.Err, smpp.ErrClosed) {
			t.Errorf("outstanding call: %v, want ErrClosed", c.Err)
		}
		waitDone(t, s)
		if err := recv(t, e.closed.errs, "server session close"); !errors.Is(err, smpp.ErrServerClosed) {
			t.Errorf("server session Err = %v, want ErrServerClosed", err)
		}
		if _, err := e.dial(e.dialer("late", pdu.BindTransmitter)); err == nil {
			t.Error("bind succeeded after Close")
		}
	})
}

func TestMaxConnsPerIP(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		var binds atomic.Int32
		binder := smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
			binds.Add(1)
			return smpptest.SMSCHandler(), nil
		})
		e := newEnv(t, m, binder, func(srv *smpp.Server) { srv.MaxConnsPerIP = 2 })
		e.mustDial(e.dialer("one", pdu.BindTransmitter))
		e.mustDial(e.dialer("two", pdu.BindTransmitter))
		if s, err := e.dial(e.dialer("three", pdu.BindTransmitter)); err == nil {
			t.Fatalf("third connection from one IP bound (state %v)", s.State())
		}
		if n := binds.Load(); n != 2 {
			t.Errorf("Binder called %d times, want 2", n)
		}
		if n := len(e.srv.Sessions()); n != 2 {
			t.Errorf("%d server sessions, want 2", n)
		}
	}, modeTCP, modeTLS)
}

// Over net.Pipe every connection has the same address, so the limit applies
// to all of them, and a slot is free again once ServeConn returned.
func TestMaxConnsPerIPReleasesSlot(t *testing.T) {
	srv := &smpp.Server{Binder: smpptest.AcceptAll(nil), MaxConnsPerIP: 1}
	defer srv.Close()
	d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter}
	serve := func() (net.Conn, chan error) {
		c, sc := net.Pipe()
		done := make(chan error, 1)
		go func() { done <- srv.ServeConn(context.Background(), sc) }()
		return c, done
	}
	c1, done1 := serve()
	s1, err := d.Bind(testCtx(t), c1)
	if err != nil {
		t.Fatal(err)
	}
	c2, done2 := serve()
	if err := recv(t, done2, "refused ServeConn"); err == nil {
		t.Fatal("second ServeConn from the same address was served")
	}
	c2.Close()
	if err := s1.Unbind(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, done1, "ServeConn return"); !errors.Is(err, smpp.ErrUnbound) {
		t.Errorf("ServeConn = %v, want ErrUnbound", err)
	}
	c3, _ := serve()
	s3, err := d.Bind(testCtx(t), c3)
	if err != nil {
		t.Fatalf("bind after the first session ended: %v", err)
	}
	s3.Close()
}

func TestInboundWindowThrottlesButReadLoopAnswers(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		entered := make(chan string, 10)
		release := make(chan struct{})
		h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			text := string(r.PDU.(*pdu.SubmitSM).ShortMessage)
			entered <- text
			select {
			case <-release:
			case <-ctx.Done():
			}
			return &pdu.SubmitSMResp{MessageID: text}, nil
		})
		e := newEnv(t, m, smpptest.AcceptAll(h), func(srv *smpp.Server) { srv.InboundWindow = 2 })
		d := e.dialer("esme", pdu.BindTransceiver)
		d.Window = 10
		s := e.mustDial(d)
		ctx := testCtx(t)
		a := s.Go(ctx, submit("a"), nil)
		b := s.Go(ctx, submit("b"), nil)
		recv(t, entered, "first handler")
		recv(t, entered, "second handler")
		// Both inbound slots are held: the next request is refused at once.
		_, err := s.Submit(ctx, submit("c"))
		if !isStatus(err, pdu.StatusThrottled) {
			t.Fatalf("third submit: %v, want ESME_RTHROTTLED", err)
		}
		if !smpp.SafeToRetry(err) || !smpp.Temporary(err) {
			t.Errorf("ESME_RTHROTTLED: SafeToRetry %v, Temporary %v, want true", smpp.SafeToRetry(err), smpp.Temporary(err))
		}
		// The read loop is not blocked: it answers enquire_link and
		// completes the server's own requests.
		if err := s.EnquireLink(ctx); err != nil {
			t.Fatalf("enquire_link with all inbound slots busy: %v", err)
		}
		srvS := e.srv.Sessions()[0]
		if _, err := srvS.Deliver(ctx, &pdu.DeliverSM{ShortMessage: []byte("mo")}); err != nil {
			t.Fatalf("deliver_sm with all inbound slots busy: %v", err)
		}
		st := srvS.Stats()
		if st.Throttled != 1 || st.Serving != 2 {
			t.Errorf("server stats: throttled %d serving %d, want 1 and 2", st.Throttled, st.Serving)
		}
		close(release)
		for _, c := range []*smpp.Call{a, b} {
			c := recv(t, c.Done, "held call")
			if c.Err != nil {
				t.Errorf("held call: %v", c.Err)
			}
		}
		if _, err := s.Submit(ctx, submit("d")); err != nil {
			t.Errorf("submit after release: %v", err)
		}
		if n := len(entered); n != 1 {
			t.Errorf("%d more handler calls, want 1 (the throttled one never reached it)", n)
		}
	})
}

func TestServerInitiatedRequestsHaveTheirOwnWindow(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		const window, total = 2, 6
		var cur, peak atomic.Int32
		entered := make(chan struct{}, total)
		release := make(chan struct{}, total)
		h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			n := cur.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			entered <- struct{}{}
			select {
			case <-release:
			case <-ctx.Done():
			}
			cur.Add(-1)
			return nil, nil
		})
		e := newEnv(t, m, nil, func(srv *smpp.Server) { srv.Window = window })
		d := e.dialer("esme", pdu.BindTransceiver)
		d.Handler = h
		d.Window = 1
		s := e.mustDial(d)
		srvS := e.srv.Sessions()[0]
		ctx := testCtx(t)
		errs := make(chan error, total)
		for i := 0; i < total; i++ {
			go func() {
				var err error
				if i%2 == 0 {
					_, err = srvS.Deliver(ctx, &pdu.DeliverSM{ShortMessage: []byte("mt")})
				} else {
					_, err = srvS.Data(ctx, &pdu.DataSM{DestinationAddr: "1"})
				}
				errs <- err
			}()
		}
		recv(t, entered, "first delivery")
		recv(t, entered, "second delivery")
		if n := srvS.Stats().InFlight; n != window {
			t.Errorf("server InFlight %d, want %d", n, window)
		}
		// The server's full window does not hold up the ESME's requests.
		if _, err := s.Submit(ctx, submit("mo")); err != nil {
			t.Fatalf("submit while the server's window is full: %v", err)
		}
		for i := window; i < total; i++ {
			release <- struct{}{}
			recv(t, entered, "next delivery")
		}
		for i := 0; i < window; i++ {
			release <- struct{}{}
		}
		for i := 0; i < total; i++ {
			if err := recv(t, errs, "delivery result"); err != nil {
				t.Errorf("delivery: %v", err)
			}
		}
		if p := peak.Load(); p != window {
			t.Errorf("peak concurrent deliveries at the ESME %d, want %d", p, window)
		}
	})
}

func TestOutbind(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	delivered := make(chan string, 1)
	d := &smpp.Dialer{SystemID: "esme", Password: "pw", Mode: pdu.BindReceiver,
		Handler: smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			delivered <- string(r.PDU.(*pdu.DeliverSM).ShortMessage)
			return nil, nil
		})}
	sessions := make(chan *smpp.Session, 1)
	failures := make(chan error, 1)
	ol := &smpp.OutbindListener{
		Dialer: d,
		Verify: func(ob *pdu.Outbind) error {
			if ob.SystemID != "MC" || ob.Password != "obpw" {
				return errors.New("unknown MC")
			}
			return nil
		},
		OnSession: func(s *smpp.Session) { sessions <- s },
		OnError:   func(err error) { failures <- err },
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	served := make(chan error, 1)
	go func() { served <- ol.Serve(ctx, l) }()

	var binds atomic.Int32
	srv := &smpp.Server{SystemID: "MC", Binder: smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
		binds.Add(1)
		if b.SystemID != "esme" || b.Password != "pw" || b.Mode != pdu.BindReceiver {
			return nil, pdu.StatusBindFail
		}
		return smpptest.SMSCHandler(), nil
	})}
	defer srv.Close()

	ss, err := srv.Outbind(ctx, l.Addr().String(), &pdu.Outbind{Password: "obpw"})
	if err != nil {
		t.Fatalf("Outbind: %v", err)
	}
	if ss.State() != smpp.StateBoundRX || ss.SystemID() != "esme" || ss.Role() != smpp.RoleSMSC {
		t.Errorf("SMSC session: state %v system_id %q role %v", ss.State(), ss.SystemID(), ss.Role())
	}
	es := recv(t, sessions, "ESME session")
	if es.State() != smpp.StateBoundRX || es.SystemID() != "MC" || es.Role() != smpp.RoleESME {
		t.Errorf("ESME session: state %v system_id %q role %v", es.State(), es.SystemID(), es.Role())
	}
	if _, err := ss.Deliver(ctx, &pdu.DeliverSM{ShortMessage: []byte("queued for you")}); err != nil {
		t.Fatalf("deliver: %v", err)
	}
	if got := recv(t, delivered, "delivery"); got != "queued for you" {
		t.Errorf("delivered %q", got)
	}
	if _, err := es.Submit(ctx, submit("rx may not submit")); !errors.Is(err, smpp.ErrNotPermitted) {
		t.Errorf("submit on an RX session: %v, want ErrNotPermitted", err)
	}
	if err := ss.Unbind(ctx); err != nil {
		t.Fatalf("unbind: %v", err)
	}
	waitDone(t, es)
	if !errors.Is(es.Err(), smpp.ErrUnbound) || !errors.Is(ss.Err(), smpp.ErrUnbound) {
		t.Errorf("after unbind: ESME Err %v, SMSC Err %v, want ErrUnbound", es.Err(), ss.Err())
	}

	// An outbind the ESME does not trust: it closes the connection.
	if s, err := srv.Outbind(ctx, l.Addr().String(), &pdu.Outbind{Password: "guess"}); err == nil {
		t.Errorf("untrusted outbind bound (state %v)", s.State())
	}
	if err := recv(t, failures, "OnError"); err == nil || !strings.Contains(err.Error(), "outbind refused") {
		t.Errorf("OnError got %v", err)
	}
	if n := binds.Load(); n != 1 {
		t.Errorf("Binder called %d times, want 1", n)
	}
	cancel()
	if err := recv(t, served, "OutbindListener.Serve"); !errors.Is(err, context.Canceled) {
		t.Errorf("Serve = %v, want Canceled", err)
	}
}

func TestServeAfterShutdown(t *testing.T) {
	srv := &smpp.Server{Binder: smpptest.AcceptAll(nil)}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter}
	s, err := d.Dial(testCtx(t), l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Shutdown(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, served, "Serve"); !errors.Is(err, smpp.ErrServerClosed) {
		t.Errorf("Serve = %v, want ErrServerClosed", err)
	}
	waitDone(t, s)
	l2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(l2); !errors.Is(err, smpp.ErrServerClosed) {
		t.Errorf("Serve after Shutdown = %v, want ErrServerClosed", err)
	}
	if _, err := net.Dial("tcp", l2.Addr().String()); err == nil {
		t.Error("Serve after Shutdown left its listener open")
	}
	srv.Addr = "127.0.0.1:0"
	if err := srv.ListenAndServe(); !errors.Is(err, smpp.ErrServerClosed) {
		t.Errorf("ListenAndServe after Shutdown = %v, want ErrServerClosed", err)
	}
}

func TestListenAndServeTLS(t *testing.T) {
	srv := &smpp.Server{Binder: smpptest.AcceptAll(nil), Addr: "127.0.0.1:0"}
	dir := t.TempDir()
	if err := srv.ListenAndServeTLS(filepath.Join(dir, "missing.crt"), filepath.Join(dir, "missing.key")); err == nil || errors.Is(err, smpp.ErrServerClosed) {
		t.Fatalf("ListenAndServeTLS with missing files = %v", err)
	}
	cert, leaf, err := smpptest.NewCertificate()
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	// Find a free port; ListenAndServe cannot report the one it chose.
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Addr = probe.Addr().String()
	probe.Close()
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServeTLS(certFile, keyFile) }()
	d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter, TLSConfig: smpptest.ClientTLSConfig(leaf)}
	var s *smpp.Session
	for i := 0; ; i++ { // the listener may not be up yet
		s, err = d.Dial(testCtx(t), srv.Addr)
		if err == nil || i == 50 {
			break
		}
		select {
		case err := <-served:
			t.Fatalf("ListenAndServeTLS = %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(testCtx(t), submit("over tls")); err != nil {
		t.Fatal(err)
	}
	if err := srv.Shutdown(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, served, "ListenAndServeTLS"); !errors.Is(err, smpp.ErrServerClosed) {
		t.Errorf("ListenAndServeTLS = %v, want ErrServerClosed", err)
	}
	waitDone(t, s)
}

const bugOutbindState = "BUG: server.go (*Server).Outbind sets StateOutbound after queueing the outbind PDU, racing the ESME's bind: when serveBind has already made the session BOUND_RX, Outbind overwrites it with OUTBOUND (boundCh is already closed, so Outbind returns the session), and every Deliver then fails with ErrNotPermitted. Also Outbind returns on boundCh, which setStateLocked closes before serveBind queues bind_resp, so a Deliver right after Outbind can overtake the bind_resp"

// Outbind must return a bound session every time.
func TestOutbindStateRace(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	sessions := make(chan *smpp.Session, 100)
	ol := &smpp.OutbindListener{
		Dialer:    &smpp.Dialer{SystemID: "esme", Mode: pdu.BindReceiver, Handler: smpptest.AckHandler()},
		OnSession: func(s *smpp.Session) { sessions <- s },
	}
	served := make(chan error, 1)
	go func() { served <- ol.Serve(ctx, l) }()
	srv := &smpp.Server{Binder: smpptest.AcceptAll(nil)}
	defer srv.Close()
	bad, early := 0, 0
	const n = 100
	for i := 0; i < n; i++ {
		ss, err := srv.Outbind(ctx, l.Addr().String(), &pdu.Outbind{})
		if err != nil {
			t.Fatal(err)
		}
		if ss.State() != smpp.StateBoundRX {
			bad++
		}
		// Outbind returned: the session is usable at once, so this
		// deliver_sm must not overtake the bind_resp.
		if _, err := ss.Deliver(ctx, &pdu.DeliverSM{ShortMessage: []byte("queued")}); err != nil {
			early++
		}
		es := recv(t, sessions, "ESME session")
		ss.Close()
		es.Close()
	}
	if bad > 0 || early > 0 {
		t.Errorf("of %d Outbind calls, %d returned a session that is not BOUND_RX and %d deliveries right after failed", n, bad, early)
	}
	cancel()
	<-served
}

// A server that starts delivering as soon as a session is bound (flushing a
// queue from ConnState) must not get its deliver_sm onto the wire before the
// bind_resp.
func TestDeliverOnBindFollowsBindResp(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, m, nil, func(srv *smpp.Server) {
			srv.ConnState = func(s *smpp.Session, st smpp.State) {
				if st == smpp.StateBoundRX {
					s.Go(context.Background(), &pdu.DeliverSM{ShortMessage: []byte("queued")}, nil)
				}
			}
		})
		steps := []smpptest.Step{
			smpptest.Send(1, &pdu.Bind{Mode: pdu.BindReceiver, SystemID: "esme"}),
			expectResp(pdu.CmdBindReceiverResp, pdu.StatusOK, 1),
			smpptest.Expect(pdu.CmdDeliverSM),
			smpptest.Reply(pdu.StatusOK, nil),
		}
		if err := (&smpptest.Script{Steps: steps}).Run(e.peer()); err != nil {
			t.Fatal(err)
		}
	})
}

// Whichever end closes the socket after the unbind exchange, both ends
// report ErrUnbound (not io.EOF).
func TestUnboundByPeerErr(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		bound := make(chan *smpp.Session, 1)
		e := newEnv(t, m, smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
			bound <- s
			return smpptest.SMSCHandler(), nil
		}), nil)
		for i := 0; i < 20; i++ {
			s := e.mustDial(e.dialer("esme", pdu.BindTransceiver))
			srvS := recv(t, bound, "server session")
			if i%2 == 0 {
				if err := s.Unbind(testCtx(t)); err != nil {
					t.Fatal(err)
				}
			} else {
				if err := srvS.Unbind(testCtx(t)); err != nil {
					t.Fatal(err)
				}
				waitDone(t, s)
			}
			srvErr := recv(t, e.closed.errs, "server session close")
			if !errors.Is(s.Err(), smpp.ErrUnbound) || !errors.Is(srvErr, smpp.ErrUnbound) {
				t.Fatalf("round %d: ESME Err %v, SMSC Err %v, want ErrUnbound on both", i, s.Err(), srvErr)
			}
		}
	})
}
