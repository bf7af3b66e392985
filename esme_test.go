package smpp_test

// The ESME end: binding, windowed sync and async requests, cancellation,
// sequence numbers, graceful unbind, local permission checks, handler result
// mapping.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
)

func TestDialerRequiresHandlerToReceive(t *testing.T) {
	var dials atomic.Int32
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return nil, errors.New("must not dial")
	}
	for _, bm := range []pdu.BindMode{0, pdu.BindReceiver, pdu.BindTransceiver} {
		d := &smpp.Dialer{SystemID: "esme", Mode: bm, DialContext: dial}
		if _, err := d.Dial(testCtx(t), "127.0.0.1:1"); err == nil || !strings.Contains(err.Error(), "Handler") {
			t.Errorf("Dial %v without Handler: %v, want an error about the Handler", bm, err)
		}
		c, sc := net.Pipe()
		if _, err := d.Bind(testCtx(t), c); err == nil {
			t.Errorf("Bind %v without Handler succeeded", bm)
		}
		// Nothing was sent and the connection was closed.
		if err := (&smpptest.Script{Steps: []smpptest.Step{smpptest.ExpectClosed()}}).Run(smpptest.NewPeer(sc)); err != nil {
			t.Errorf("Bind %v without Handler: %v", bm, err)
		}
		c2, sc2 := net.Pipe()
		if _, err := d.AcceptOutbind(testCtx(t), c2, nil); err == nil {
			t.Errorf("AcceptOutbind without Handler succeeded")
		}
		if err := (&smpptest.Script{Steps: []smpptest.Step{smpptest.ExpectClosed()}}).Run(smpptest.NewPeer(sc2)); err != nil {
			t.Errorf("AcceptOutbind without Handler: %v", err)
		}
	}
	if n := dials.Load(); n != 0 {
		t.Errorf("dialled %d times", n)
	}
	// A transmitter needs no Handler.
	srv := &smpp.Server{Binder: smpptest.AcceptAll(nil)}
	defer srv.Close()
	s, err := smpptest.Pipe(srv, &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter})
	if err != nil {
		t.Fatalf("TX without Handler: %v", err)
	}
	s.Close()
}

func TestSubmitWindowLimitsOutstanding(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		const window, total = 3, 10
		var cur, peak atomic.Int32
		entered := make(chan struct{}, total)
		release := make(chan struct{}, total)
		h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			n := cur.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			entered <- struct{}{}
			select {
			case <-release:
			case <-ctx.Done():
			}
			cur.Add(-1)
			return &pdu.SubmitSMResp{MessageID: string(r.PDU.(*pdu.SubmitSM).ShortMessage)}, nil
		})
		e := newEnv(t, m, smpptest.AcceptAll(h), nil)
		d := e.dialer("esme", pdu.BindTransmitter)
		d.Window = window
		s := e.mustDial(d)
		ctx := testCtx(t)
		type result struct {
			id  string
			err error
		}
		results := make(chan result, total)
		for i := 0; i < total; i++ {
			go func() {
				resp, err := s.Submit(ctx, submit(fmt.Sprint(i)))
				if resp == nil {
					resp = &pdu.SubmitSMResp{}
				}
				results <- result{resp.MessageID, err}
			}()
		}
		for i := 0; i < window; i++ {
			recv(t, entered, "request at the server")
		}
		if st := s.Stats(); st.InFlight != window {
			t.Errorf("ESME InFlight %d with %d waiting, want %d", st.InFlight, total-window, window)
		}
		if n := e.srv.Sessions()[0].Stats().Serving; n != window {
			t.Errorf("server serving %d, want %d", n, window)
		}
		for i := window; i < total; i++ {
			release <- struct{}{}
			recv(t, entered, "next request at the server")
		}
		for i := 0; i < window; i++ {
			release <- struct{}{}
		}
		seen := make(map[string]bool)
		for i := 0; i < total; i++ {
			r := recv(t, results, "submit result")
			if r.err != nil {
				t.Errorf("submit: %v", r.err)
			}
			seen[r.id] = true
		}
		if len(seen) != total {
			t.Errorf("%d distinct responses, want %d: %v", len(seen), total, seen)
		}
		if p := peak.Load(); p != window {
			t.Errorf("peak outstanding at the server %d, want %d", p, window)
		}
		if st := s.Stats(); st.InFlight != 0 {
			t.Errorf("InFlight %d after all completed", st.InFlight)
		}
	})
}

func TestGoAsync(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, m, nil, nil)
		d := e.dialer("esme", pdu.BindTransceiver)
		d.Window = 4
		s := e.mustDial(d)
		const total = 20
		done := make(chan *smpp.Call, total)
		ctx := testCtx(t)
		sent := make(map[*smpp.Call]bool)
		for i := 0; i < total; i++ { // Go blocks only while 4 are outstanding
			sent[s.Go(ctx, submit(fmt.Sprint(i)), done)] = true
		}
		seqs := make(map[uint32]bool)
		ids := make(map[string]bool)
		for i := 0; i < total; i++ {
			c := recv(t, done, "call")
			if !sent[c] {
				t.Fatalf("unknown call on Done")
			}
			resp, ok := c.Resp.(*pdu.SubmitSMResp)
			if c.Err != nil || !ok {
				t.Fatalf("call seq %d: %v %v", c.Seq, c.Resp, c.Err)
			}
			if c.Header.ID != pdu.CmdSubmitSMResp || c.Header.Seq != c.Seq || c.Sent.IsZero() {
				t.Errorf("call seq %d: header %+v sent %v", c.Seq, c.Header, c.Sent)
			}
			seqs[c.Seq] = true
			ids[resp.MessageID] = true
		}
		if len(seqs) != total || len(ids) != total {
			t.Errorf("%d distinct seqs, %d distinct message ids, want %d", len(seqs), len(ids), total)
		}
		// Requests without a response PDU cannot be sent with Go.
		c := s.Go(ctx, &pdu.AlertNotification{}, nil)
		if c := recv(t, c.Done, "alert call"); !errors.Is(c.Err, smpp.ErrNoResponse) || !smpp.SafeToRetry(c.Err) {
			t.Errorf("Go(alert_notification): %v, want ErrNoResponse before sending", c.Err)
		}
	})
}

func TestTypedRequests(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, m, nil, nil)
		s := e.mustDial(e.dialer("esme", pdu.BindTransceiver))
		ctx := testCtx(t)
		r1, err := s.Submit(ctx, submit("a"))
		if err != nil || r1.MessageID != "1" {
			t.Fatalf("Submit: %+v %v", r1, err)
		}
		r2, err := s.SubmitMulti(ctx, &pdu.SubmitMulti{DestAddresses: []pdu.DestAddress{{DestFlag: pdu.DestFlagSME, DestinationAddr: "1"}}})
		if err != nil || r2.MessageID != "2" {
			t.Fatalf("SubmitMulti: %+v %v", r2, err)
		}
		r3, err := s.Data(ctx, &pdu.DataSM{DestinationAddr: "1"})
		if err != nil || r3.MessageID != "3" {
			t.Fatalf("Data: %+v %v", r3, err)
		}
		if err := s.Replace(ctx, &pdu.ReplaceSM{MessageID: "1"}); err != nil {
			t.Fatalf("Replace: %v", err)
		}
		if err := s.Cancel(ctx, &pdu.CancelSM{MessageID: "1"}); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		q, err := s.Query(ctx, &pdu.QuerySM{MessageID: "1"})
		if err != nil || q.MessageState != pdu.StateDeleted {
			t.Fatalf("Query: %+v %v", q, err)
		}
		if _, err := s.Query(ctx, &pdu.QuerySM{MessageID: "nope"}); !isStatus(err, pdu.StatusInvMsgID) {
			t.Fatalf("Query of an unknown id: %v", err)
		}
		if err := s.EnquireLink(ctx); err != nil {
			t.Fatalf("EnquireLink: %v", err)
		}
		if st := s.Stats(); st.Sent < 9 || st.Received < 9 || st.Errors != 0 {
			t.Errorf("stats %+v", st)
		}
	})
}

func TestHandlerResultsBecomeStatuses(t *testing.T) {
	h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		switch string(r.PDU.(*pdu.SubmitSM).ShortMessage) {
		case "ok":
			return &pdu.SubmitSMResp{MessageID: "x"}, nil
		case "nil":
			return nil, nil
		case "status":
			return nil, pdu.StatusMsgQFull
		case "wrapped":
			return nil, fmt.Errorf("routing: %w", pdu.StatusInvDstAddr)
		case "error":
			return &pdu.SubmitSMResp{MessageID: "ignored"}, errors.New("database down")
		case "panic":
			panic("handler bug")
		case "wrongtype":
			return &pdu.DeliverSMResp{}, nil
		}
		return nil, errors.New("unexpected")
	})
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, m, smpptest.AcceptAll(h), nil)
		s := e.mustDial(e.dialer("esme", pdu.BindTransmitter))
		ctx := testCtx(t)
		for _, c := range []struct {
			text   string
			status pdu.Status
			id     string
		}{
			{"ok", pdu.StatusOK, "x"},
			{"nil", pdu.StatusOK, ""},
			{"status", pdu.StatusMsgQFull, ""},
			{"wrapped", pdu.StatusInvDstAddr, ""},
			{"error", pdu.StatusSysErr, ""},
			{"panic", pdu.StatusSysErr, ""},
			{"wrongtype", pdu.StatusSysErr, ""},
		} {
			resp, err := s.Submit(ctx, submit(c.text))
			if c.status == pdu.StatusOK {
				if err != nil || resp == nil || resp.MessageID != c.id {
					t.Errorf("%s: %+v %v, want message_id %q", c.text, resp, err, c.id)
				}
				continue
			}
			if !isStatus(err, c.status) {
				t.Errorf("%s: %v, want %v", c.text, err, c.status)
			}
			if resp != nil && resp.MessageID != "" {
				t.Errorf("%s: error response carries message_id %q", c.text, resp.MessageID)
			}
		}
	})
}

func TestSequenceNumbersWrap(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		seqs := make(chan uint32, 10)
		h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			seqs <- r.Header.Seq
			return nil, nil
		})
		e := newEnv(t, m, smpptest.AcceptAll(h), nil)
		s := e.mustDial(e.dialer("esme", pdu.BindTransmitter))
		ctx := testCtx(t)
		// The bind used 1; the next request gets 2.
		c := s.Go(ctx, submit("x"), nil)
		if c := recv(t, c.Done, "call"); c.Seq != 2 || c.Err != nil {
			t.Fatalf("first request after bind: seq %d err %v, want 2", c.Seq, c.Err)
		}
		recv(t, seqs, "server seq")
		smpp.SetLastSeq(s, pdu.MaxSequence-1)
		for _, want := range []uint32{pdu.MaxSequence, 1, 2} {
			c := s.Go(ctx, submit("x"), nil)
			c = recv(t, c.Done, "call")
			if c.Err != nil || c.Seq != want || c.Header.Seq != want {
				t.Errorf("seq %d (resp %d) err %v, want %#x", c.Seq, c.Header.Seq, c.Err, want)
			}
			if got := recv(t, seqs, "server seq"); got != want {
				t.Errorf("server saw seq %#x, want %#x", got, want)
			}
		}
		// The sequence space is per session: a new session starts at 1.
		s2 := e.mustDial(e.dialer("esme2", pdu.BindTransmitter))
		c = s2.Go(ctx, submit("x"), nil)
		if c := recv(t, c.Done, "call"); c.Seq != 2 {
			t.Errorf("new session's first request seq %d, want 2", c.Seq)
		}
	})
}

// Cancelling a Send after it was written keeps its window slot and sequence
// number until the late response arrives; the late response completes the
// cancelled call and nothing else.
func TestCancelledSendKeepsWindowTruthful(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, server := net.Pipe()
		defer server.Close()
		p := smpptest.NewPeer(server)
		p.Timeout = time.Hour
		gotA := make(chan pdu.Header, 1)
		gotB := make(chan pdu.Header, 1)
		lateGo := make(chan struct{})
		var hA pdu.Header
		sc := play(p,
			smpptest.AcceptBind("SMSC"),
			smpptest.StepFunc(func(p *smpptest.Peer) error {
				h, _, err := p.ReadPDU()
				hA = h
				gotA <- h
				return err
			}),
			smpptest.StepFunc(func(p *smpptest.Peer) error {
				<-lateGo
				return p.WritePDU(hA.Seq, pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "late"})
			}),
			smpptest.StepFunc(func(p *smpptest.Peer) error {
				h, _, err := p.ReadPDU()
				gotB <- h
				if err != nil {
					return err
				}
				return p.WritePDU(h.Seq, pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "second"})
			}),
		)
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter,
			SessionConfig: smpp.SessionConfig{Window: 1, ResponseTimeout: time.Minute}}
		s, err := d.Bind(context.Background(), client)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctxA, cancelA := context.WithCancel(context.Background())
		errA := make(chan error, 1)
		go func() {
			_, err := s.Submit(ctxA, submit("A"))
			errA <- err
		}()
		if h := <-gotA; h.ID != pdu.CmdSubmitSM {
			t.Fatalf("peer got %v", h.ID)
		}
		cancelA()
		if err := <-errA; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Send: %v, want Canceled", err)
		}
		if n := s.Stats().InFlight; n != 1 {
			t.Errorf("InFlight %d after cancelling a written request, want 1", n)
		}
		type result struct {
			resp *pdu.SubmitSMResp
			err  error
		}
		resB := make(chan result, 1)
		go func() {
			resp, err := s.Submit(context.Background(), submit("B"))
			resB <- result{resp, err}
		}()
		synctest.Wait()
		select {
		case r := <-resB:
			t.Fatalf("B completed while A's slot was held: %+v %v", r.resp, r.err)
		default:
		}
		select {
		case <-gotB:
			t.Fatal("B was sent while the window was full")
		default:
		}
		close(lateGo)
		r := <-resB
		if r.err != nil || r.resp.MessageID != "second" {
			t.Errorf("B: %+v %v, want message_id second (the late response must not be B's)", r.resp, r.err)
		}
		if hB := <-gotB; hB.Seq == hA.Seq {
			t.Errorf("B reused A's sequence number %d", hA.Seq)
		}
		if st := s.Stats(); st.Errors != 0 || st.InFlight != 0 {
			t.Errorf("stats %+v: the late response should have matched A", st)
		}
		if err := <-sc.done; err != nil {
			t.Error(err)
		}
	})
}

// The same over every transport, with Go: the cancelled call still receives
// its late response.
func TestCancelledGoReceivesLateResponse(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		lateGo := make(chan struct{})
		readA := make(chan struct{})
		var seqA atomic.Uint32
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter, SessionConfig: smpp.SessionConfig{Window: 1}}
		s, sc := scriptedSMSC(t, m, d,
			smpptest.StepFunc(func(p *smpptest.Peer) error {
				h, _, err := p.ReadPDU()
				seqA.Store(h.Seq)
				return err
			}),
			signal(readA),
			await(lateGo),
			smpptest.StepFunc(func(p *smpptest.Peer) error {
				return p.WritePDU(seqA.Load(), pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "late"})
			}),
			smpptest.StepFunc(func(p *smpptest.Peer) error {
				h, _, err := p.ReadPDU()
				if err != nil {
					return err
				}
				if h.Seq == seqA.Load() {
					return fmt.Errorf("B reused seq %d", h.Seq)
				}
				return p.WritePDU(h.Seq, pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "second"})
			}),
		)
		ctx, cancel := context.WithCancel(testCtx(t))
		a := s.Go(ctx, submit("A"), nil)
		recv(t, readA, "A at the peer")
		cancel()
		if n := s.Stats().InFlight; n != 1 {
			t.Errorf("InFlight %d after cancel, want 1", n)
		}
		b := make(chan *pdu.SubmitSMResp, 1)
		go func() {
			resp, err := s.Submit(testCtx(t), submit("B"))
			if err != nil {
				t.Errorf("B: %v", err)
			}
			b <- resp
		}()
		close(lateGo)
		ca := recv(t, a.Done, "A's completion")
		if resp, _ := ca.Resp.(*pdu.SubmitSMResp); ca.Err != nil || resp == nil || resp.MessageID != "late" {
			t.Errorf("A: %v %v, want the late response", ca.Resp, ca.Err)
		}
		if resp := recv(t, b, "B"); resp == nil || resp.MessageID != "second" {
			t.Errorf("B got %+v, want message_id second", resp)
		}
		sc.wait(t)
	})
}

// A request whose context is already done never reaches the wire.
func TestDoneContextIsNeverSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, server := net.Pipe()
		p := smpptest.NewPeer(server)
		p.Timeout = time.Hour
		var submits atomic.Int32
		sc := play(p, smpptest.AcceptBind("SMSC"), smpptest.StepFunc(func(p *smpptest.Peer) error {
			for {
				h, _, err := p.ReadPDU()
				if err != nil {
					return nil // closed
				}
				if h.ID == pdu.CmdSubmitSM {
					submits.Add(1)
					p.WritePDU(h.Seq, pdu.StatusOK, &pdu.SubmitSMResp{})
				}
			}
		}))
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter}
		s, err := d.Bind(context.Background(), client)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		unsafe := 0
		for i := 0; i < 50; i++ {
			_, err := s.Submit(ctx, submit("dead"))
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Submit with a cancelled context: %v", err)
			}
			if !smpp.SafeToRetry(err) {
				unsafe++
			}
			synctest.Wait()
		}
		s.Close()
		server.Close()
		<-sc.done
		if n := submits.Load(); n != 0 || unsafe != 0 {
			t.Errorf("of 50 submits with a cancelled context, %d reached the peer and %d were reported unsafe to retry", n, unsafe)
		}
	})
}

func TestUnbindWaitsForOutstandingRequests(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		entered := make(chan struct{}, 1)
		release := make(chan struct{})
		h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			entered <- struct{}{}
			<-release
			return &pdu.SubmitSMResp{MessageID: "done"}, nil
		})
		var mu sync.Mutex
		var order []string
		logPDU := func(dir string) func(*smpp.Session, pdu.Header, pdu.PDU) {
			return func(_ *smpp.Session, h pdu.Header, _ pdu.PDU) {
				mu.Lock()
				order = append(order, dir+" "+h.ID.String())
				mu.Unlock()
			}
		}
		e := newEnv(t, m, smpptest.AcceptAll(h), func(srv *smpp.Server) {
			srv.Trace = &smpp.Trace{PDUReceived: logPDU("recv"), PDUSent: logPDU("sent")}
		})
		unbinding := make(chan struct{})
		d := e.dialer("esme", pdu.BindTransceiver)
		d.Trace = &smpp.Trace{StateChanged: func(s *smpp.Session, from, to smpp.State) {
			if to == smpp.StateUnbound {
				close(unbinding)
			}
		}}
		s := e.mustDial(d)
		ctx := testCtx(t)
		call := s.Go(ctx, submit("slow"), nil)
		recv(t, entered, "handler")
		unbound := make(chan error, 1)
		go func() { unbound <- s.Unbind(ctx) }()
		recv(t, unbinding, "UNBOUND")
		// No new requests once unbinding.
		if _, err := s.Submit(ctx, submit("late")); !errors.Is(err, smpp.ErrUnbound) || !smpp.SafeToRetry(err) {
			t.Errorf("Submit while unbinding: %v, want ErrUnbound (not sent)", err)
		}
		close(release)
		c := recv(t, call.Done, "outstanding call")
		if resp, _ := c.Resp.(*pdu.SubmitSMResp); c.Err != nil || resp == nil || resp.MessageID != "done" {
			t.Errorf("outstanding call: %v %v", c.Resp, c.Err)
		}
		if err := recv(t, unbound, "Unbind"); err != nil {
			t.Errorf("Unbind: %v", err)
		}
		if s.State() != smpp.StateClosed || !errors.Is(s.Err(), smpp.ErrUnbound) {
			t.Errorf("after Unbind: state %v err %v", s.State(), s.Err())
		}
		if err := recv(t, e.closed.errs, "server session close"); !errors.Is(err, smpp.ErrUnbound) {
			t.Errorf("server session Err %v, want ErrUnbound", err)
		}
		mu.Lock()
		got := strings.Join(order, ", ")
		mu.Unlock()
		want := "recv bind_transceiver, sent bind_transceiver_resp, recv submit_sm, sent submit_sm_resp, recv unbind, sent unbind_resp"
		if got != want {
			t.Errorf("server saw\n  %s\nwant\n  %s", got, want)
		}
		// Unbind of a closed session is a no-op.
		if err := s.Unbind(ctx); err != nil {
			t.Errorf("second Unbind: %v", err)
		}
	})
}

func TestLocalPermissionChecks(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		bound := make(chan *smpp.Session, 3)
		e := newEnv(t, m, smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
			bound <- s
			return smpptest.SMSCHandler(), nil
		}), nil)
		ctx := testCtx(t)
		notPermitted := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, smpp.ErrNotPermitted) || !smpp.SafeToRetry(err) {
				t.Errorf("%s: %v, want ErrNotPermitted before sending", what, err)
			}
		}
		tx := e.mustDial(e.dialer("tx", pdu.BindTransmitter))
		srvTX := recv(t, bound, "server session")
		_, err := tx.Deliver(ctx, &pdu.DeliverSM{})
		notPermitted("ESME deliver_sm", err)
		notPermitted("ESME alert_notification", tx.Alert(ctx, &pdu.AlertNotification{}))
		_, err = srvTX.Deliver(ctx, &pdu.DeliverSM{})
		notPermitted("SMSC deliver_sm on TX", err)
		_, err = srvTX.Data(ctx, &pdu.DataSM{})
		notPermitted("SMSC data_sm on TX", err)
		_, err = srvTX.Submit(ctx, submit("x"))
		notPermitted("SMSC submit_sm", err)
		rx := e.mustDial(e.dialer("rx", pdu.BindReceiver))
		recv(t, bound, "server session")
		_, err = rx.Submit(ctx, submit("x"))
		notPermitted("ESME submit_sm on RX", err)
		_, err = rx.Data(ctx, &pdu.DataSM{})
		notPermitted("ESME data_sm on RX", err)
		_, err = rx.Send(ctx, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "again"})
		notPermitted("second bind", err)
		if err := rx.EnquireLink(ctx); err != nil {
			t.Errorf("enquire_link on RX: %v", err)
		}
		tx.Close()
		if _, err := tx.Submit(ctx, submit("x")); !errors.Is(err, smpp.ErrClosed) || !smpp.SafeToRetry(err) {
			t.Errorf("Submit after Close: %v, want ErrClosed (not sent)", err)
		}
		if tx.State() != smpp.StateClosed || !errors.Is(tx.Err(), smpp.ErrClosed) {
			t.Errorf("after Close: state %v err %v", tx.State(), tx.Err())
		}
	})
}

func TestServerAlertAndDeliver(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		bound := make(chan *smpp.Session, 1)
		e := newEnv(t, m, smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
			bound <- s
			return smpptest.SMSCHandler(), nil
		}), nil)
		got := make(chan smpp.Request, 2)
		d := e.dialer("esme", pdu.BindReceiver)
		d.Handler = smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			got <- *r
			if _, ok := r.PDU.(*pdu.DeliverSM); ok {
				return &pdu.DeliverSMResp{}, nil
			}
			return nil, nil
		})
		s := e.mustDial(d)
		srvS := recv(t, bound, "server session")
		ctx := testCtx(t)
		if err := srvS.Alert(ctx, &pdu.AlertNotification{SourceAddr: "4179", ESMEAddr: "1"}); err != nil {
			t.Fatalf("Alert: %v", err)
		}
		r := recv(t, got, "alert_notification")
		if a, ok := r.PDU.(*pdu.AlertNotification); !ok || a.SourceAddr != "4179" || r.Session != s || r.Header.ID != pdu.CmdAlertNotification {
			t.Errorf("ESME got %+v", r)
		}
		dm := &pdu.DeliverSM{SourceAddr: "4179", DestinationAddr: "1", ESMClass: pdu.ESMTypeDeliveryReceipt, ShortMessage: []byte("id:1 stat:DELIVRD")}
		if _, err := srvS.Deliver(ctx, dm); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		r = recv(t, got, "deliver_sm")
		if dsm, ok := r.PDU.(*pdu.DeliverSM); !ok || !dsm.IsReceipt() || string(dsm.ShortMessage) != "id:1 stat:DELIVRD" {
			t.Errorf("ESME got %+v", r.PDU)
		}
	})
}
