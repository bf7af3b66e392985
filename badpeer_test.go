package smpp_test

// Scripted misbehaving peers (smpptest.Peer): out-of-order, duplicate and
// unknown responses, generic_nack, garbage, a peer that stops reading, and
// bad peers next to a good session.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
)

func TestOutOfOrderResponses(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		const n = 5
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter, SessionConfig: smpp.SessionConfig{Window: n}}
		s, sc := scriptedSMSC(t, m, d, smpptest.StepFunc(func(p *smpptest.Peer) error {
			var seqs []uint32
			for len(seqs) < n {
				h, _, err := p.ReadPDU()
				if err != nil {
					return err
				}
				seqs = append(seqs, h.Seq)
			}
			for _, i := range []int{3, 0, 4, 2, 1} { // any order but the request order
				if err := p.WritePDU(seqs[i], pdu.StatusOK, &pdu.SubmitSMResp{MessageID: fmt.Sprint("m", seqs[i])}); err != nil {
					return err
				}
			}
			return nil
		}))
		ctx := testCtx(t)
		var calls []*smpp.Call
		for i := 0; i < n; i++ {
			calls = append(calls, s.Go(ctx, submit(fmt.Sprint(i)), nil))
		}
		for _, c := range calls {
			c := recv(t, c.Done, "call")
			resp, _ := c.Resp.(*pdu.SubmitSMResp)
			if c.Err != nil || resp == nil || resp.MessageID != fmt.Sprint("m", c.Seq) {
				t.Errorf("call seq %d got %v %v", c.Seq, c.Resp, c.Err)
			}
		}
		sc.wait(t)
		if st := s.Stats(); st.Errors != 0 || st.InFlight != 0 {
			t.Errorf("stats %+v", st)
		}
	})
}

func TestDuplicateAndUnknownResponsesDropped(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter}
		s, sc := scriptedSMSC(t, m, d,
			smpptest.Expect(pdu.CmdSubmitSM),
			smpptest.Reply(pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "first"}),
			smpptest.Reply(pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "duplicate"}),
			smpptest.Send(0x7000, &pdu.SubmitSMResp{MessageID: "stray"}),
			smpptest.Send(0, &pdu.GenericNACK{}),
			smpptest.Expect(pdu.CmdSubmitSM),
			smpptest.Reply(pdu.StatusOK, &pdu.DeliverSMResp{}), // right seq, wrong command
			smpptest.Reply(pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "second"}),
			smpptest.Expect(pdu.CmdEnquireLink), smpptest.Reply(pdu.StatusOK, nil),
		)
		ctx := testCtx(t)
		if r, err := s.Submit(ctx, submit("1")); err != nil || r.MessageID != "first" {
			t.Fatalf("first: %+v %v", r, err)
		}
		if r, err := s.Submit(ctx, submit("2")); err != nil || r.MessageID != "second" {
			t.Fatalf("second: %+v %v (a stray response was matched)", r, err)
		}
		if err := s.EnquireLink(ctx); err != nil { // everything before it was read
			t.Fatal(err)
		}
		sc.wait(t)
		if st := s.Stats(); st.Errors != 4 {
			t.Errorf("Errors %d, want 4 (duplicate, unknown seq, generic_nack seq 0, wrong command)", st.Errors)
		}
		if s.State() != smpp.StateBoundTX {
			t.Errorf("state %v, want still bound", s.State())
		}
	})
}

func TestGenericNACKCompletesRequest(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter, SessionConfig: smpp.SessionConfig{Window: 1}}
		s, sc := scriptedSMSC(t, m, d,
			smpptest.Expect(pdu.CmdSubmitSM), smpptest.Reply(pdu.StatusSysErr, &pdu.GenericNACK{}),
			smpptest.Expect(pdu.CmdSubmitSM), smpptest.Reply(pdu.StatusOK, &pdu.GenericNACK{}),
			smpptest.Expect(pdu.CmdQuerySM), smpptest.Reply(pdu.StatusInvCmdID, &pdu.GenericNACK{}),
			smpptest.Expect(pdu.CmdSubmitSM), smpptest.Reply(pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "ok"}),
		)
		ctx := testCtx(t)
		if _, err := s.Submit(ctx, submit("a")); !isStatus(err, pdu.StatusSysErr) {
			t.Errorf("nack ESME_RSYSERR: %v", err)
		}
		if _, err := s.Submit(ctx, submit("b")); !isStatus(err, pdu.StatusInvCmdID) {
			t.Errorf("nack with status 0: %v, want ESME_RINVCMDID", err)
		}
		if _, err := s.Query(ctx, &pdu.QuerySM{MessageID: "1"}); !isStatus(err, pdu.StatusInvCmdID) {
			t.Errorf("nack ESME_RINVCMDID: %v", err)
		}
		// Window 1: the nacked requests freed their slot.
		if r, err := s.Submit(ctx, submit("c")); err != nil || r.MessageID != "ok" {
			t.Errorf("after nacks: %+v %v", r, err)
		}
		sc.wait(t)
		if st := s.Stats(); st.Errors != 0 || st.InFlight != 0 {
			t.Errorf("stats %+v", st)
		}
	})
}

func TestUndecodableResponseFailsItsCall(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransceiver, Handler: smpptest.AckHandler()}
		long := strings.Repeat("7", 30)
		answered := make(chan struct{})
		s, sc := scriptedSMSC(t, m, d,
			smpptest.StepFunc(func(p *smpptest.Peer) error {
				h, _, err := p.ReadPDU()
				if err != nil {
					return err
				}
				// message_id without its NUL terminator.
				return p.WriteRaw(rawFrame(pdu.CmdSubmitSMResp, h.Seq, []byte("abc")))
			}),
			// An undecodable request from the MC gets its own *_resp.
			smpptest.SendRaw(rawFrame(pdu.CmdDeliverSM, 9, rawSubmitBody(long, "1"))),
			expectResp(pdu.CmdDeliverSMResp, pdu.StatusInvSrcAddr, 9),
			signal(answered),
			smpptest.Expect(pdu.CmdSubmitSM), smpptest.Reply(pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "fine"}),
		)
		ctx := testCtx(t)
		_, err := s.Submit(ctx, submit("a"))
		var de *pdu.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("undecodable submit_sm_resp: %v, want a *pdu.DecodeError", err)
		}
		recv(t, answered, "deliver_sm_resp")
		if r, err := s.Submit(ctx, submit("b")); err != nil || r.MessageID != "fine" {
			t.Errorf("next submit: %+v %v", r, err)
		}
		sc.wait(t)
		if st := s.Stats(); st.Errors != 2 {
			t.Errorf("Errors %d, want 2 (the bad response and the bad deliver_sm)", st.Errors)
		}
	})
}

func TestGarbageFromSMSCClosesSession(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter}
		garbage := []byte("\xde\xad\xbe\xef\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00\x05 and then some")
		s, sc := scriptedSMSC(t, m, d,
			smpptest.Expect(pdu.CmdSubmitSM), // never answered
			smpptest.SendRaw(garbage),
			smpptest.ExpectStatus(pdu.CmdGenericNACK, pdu.StatusInvCmdLen),
			smpptest.ExpectClosed(),
		)
		c := s.Go(testCtx(t), submit("lost"), nil)
		c = recv(t, c.Done, "outstanding call")
		if c.Err == nil || isStatus(c.Err, pdu.StatusOK) {
			t.Errorf("outstanding call after garbage: %v, want a session error", c.Err)
		}
		waitDone(t, s)
		if s.Err() == nil {
			t.Error("session closed without a reason")
		}
		sc.wait(t)
	})
}

// A peer that stops reading: the session fails with ErrWriteTimeout, what
// the peer could push meanwhile is bounded, and other sessions carry on.
func TestPeerStopsReading(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &smpp.Server{Binder: smpptest.AcceptAll(nil),
			SessionConfig: smpp.SessionConfig{WriteTimeout: 2 * time.Second, EnquireLinkInterval: -1}}
		good, err := smpptest.Pipe(srv, &smpp.Dialer{SystemID: "good", Mode: pdu.BindTransmitter})
		if err != nil {
			t.Fatal(err)
		}
		c, sc := net.Pipe()
		served := make(chan error, 1)
		go func() { served <- srv.ServeConn(context.Background(), sc) }()
		p := smpptest.NewPeer(c)
		p.Timeout = -1
		if err := (&smpptest.Script{Steps: []smpptest.Step{
			smpptest.Send(1, &pdu.Bind{Mode: pdu.BindTransceiver, SystemID: "deaf"}),
			expectResp(pdu.CmdBindTransceiverResp, pdu.StatusOK, 1),
		}}).Run(p); err != nil {
			t.Fatal(err)
		}
		// Flood requests and never read a response.
		el, _ := pdu.Marshal(2, pdu.StatusOK, &pdu.EnquireLink{})
		start := time.Now()
		written := 0
		for ; written < 100000; written++ {
			if err := p.WriteRaw(el); err != nil {
				break
			}
		}
		if d := time.Since(start); d != 2*time.Second {
			t.Errorf("the deaf session was closed after %v, want WriteTimeout (2s)", d)
		}
		if err := <-served; !errors.Is(err, smpp.ErrWriteTimeout) {
			t.Errorf("ServeConn = %v, want ErrWriteTimeout", err)
		}
		if written >= 1000 {
			t.Errorf("the server read %d requests it could not answer; want a bounded queue", written)
		}
		t.Logf("server accepted %d unanswerable requests before closing", written)
		if _, err := good.Submit(context.Background(), submit("still here")); err != nil || good.State() != smpp.StateBoundTX {
			t.Errorf("good session: %v, state %v", err, good.State())
		}
		good.Close()
		srv.Close()
	})
}

// smallBuffers shrinks the kernel buffers of accepted connections, so a peer
// that stops reading blocks the server's writes after a few KiB.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(4096)
	}
	return c, err
}

func TestPeerStopsReadingTCP(t *testing.T) {
	ts := smpptest.NewUnstartedServer(nil)
	ts.Listener = smallBuffers{ts.Listener}
	ts.SMPP.WriteTimeout = 300 * time.Millisecond
	ts.SMPP.EnquireLinkInterval = -1
	closed := watch(ts.SMPP)
	ts.Start()
	defer ts.Close()
	ctx := testCtx(t)
	good, err := ts.Dialer("good", "", pdu.BindTransmitter).Dial(ctx, ts.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	c, err := net.Dial("tcp", ts.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.(*net.TCPConn).SetReadBuffer(4096)
	p := smpptest.NewPeer(c)
	if err := (&smpptest.Script{Steps: []smpptest.Step{
		smpptest.Send(1, &pdu.Bind{Mode: pdu.BindTransceiver, SystemID: "deaf"}),
		expectResp(pdu.CmdBindTransceiverResp, pdu.StatusOK, 1),
	}}).Run(p); err != nil {
		t.Fatal(err)
	}
	el, _ := pdu.Marshal(2, pdu.StatusOK, &pdu.EnquireLink{})
	batch := []byte(strings.Repeat(string(el), 256))
	flooded := make(chan error, 1)
	go func() {
		for {
			if err := p.WriteRaw(batch); err != nil {
				flooded <- err
				return
			}
		}
	}()
	if err := recv(t, closed.errs, "the deaf session to close"); !errors.Is(err, smpp.ErrWriteTimeout) {
		t.Errorf("deaf session Err = %v, want ErrWriteTimeout", err)
	}
	recv(t, flooded, "the flood to fail")
	if _, err := good.Submit(ctx, submit("still here")); err != nil {
		t.Errorf("good session: %v", err)
	}
}

// misbehave plays a bad peer: it drains whatever the server sends (so the
// server never blocks on it), writes chunks, and closes.
func misbehave(p *smpptest.Peer, chunks ...[]byte) {
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		p.Timeout = -1
		for {
			if _, _, err := p.ReadPDU(); err != nil {
				var de *pdu.DecodeError
				if !errors.As(err, &de) {
					return
				}
			}
		}
	}()
	for _, c := range chunks {
		p.Conn.SetWriteDeadline(time.Now().Add(testTimeout))
		if _, err := p.Conn.Write(c); err != nil {
			break
		}
	}
	p.Close()
	<-drained
}

func TestBadPeersDoNotDisturbGoodSession(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, m, nil, func(srv *smpp.Server) { srv.BindTimeout = 2 * time.Second })
		good := e.mustDial(e.dialer("good", pdu.BindTransceiver))
		ctx := testCtx(t)
		rng := rand.New(rand.NewPCG(1, 2))
		random := make([]byte, 4096)
		for i := range random {
			random[i] = byte(rng.UintN(256))
		}
		bind := func(seq uint32) []byte {
			b, _ := pdu.Marshal(seq, pdu.StatusOK, &pdu.Bind{Mode: pdu.BindTransceiver, SystemID: "bad"})
			return b
		}
		el, _ := pdu.Marshal(3, pdu.StatusOK, &pdu.EnquireLink{})
		sub, _ := pdu.Marshal(4, pdu.StatusOK, submit("half"))
		long := strings.Repeat("x", 50)
		var manyUnknown, manyBadSubmits, manyStray []byte
		for i := uint32(0); i < 100; i++ {
			manyUnknown = append(manyUnknown, rawFrame(0x00000099, i+10, []byte("??"))...)
			manyBadSubmits = append(manyBadSubmits, rawFrame(pdu.CmdSubmitSM, i+10, rawSubmitBody(long, long))...)
			r, _ := pdu.Marshal(i+500, pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "stray"})
			manyStray = append(manyStray, r...)
		}
		bad := [][][]byte{
			{random},
			{[]byte("GET / HTTP/1.1\r\nHost: smsc\r\n\r\n")},
			{badLength(3, 1)},
			{bind(1), badLength(1<<30, 2)},
			{bind(1), random},
			{manyUnknown},
			{bind(1), manyBadSubmits},
			{bind(1), manyStray},
			{bind(1), sub[:len(sub)/2]}, // truncated frame, then close
			{el[:7]},                    // half a header, then close
			{rawFrame(pdu.CmdSubmitSM, 1, make([]byte, 60000))[:100]}, // promises 60 KB, sends 100 B
			{rawFrame(pdu.CmdBindTransceiver, 1, []byte(strings.Repeat("s", 200)))},
			{bind(1), bind(2), bind(3), el, el, el},
		}
		peers := make([]*smpptest.Peer, len(bad))
		for i := range bad {
			peers[i] = e.peer()
		}
		goodDone := make(chan error, 1)
		go func() {
			for i := 0; i < 200; i++ {
				if _, err := good.Submit(ctx, submit(fmt.Sprint(i))); err != nil {
					goodDone <- fmt.Errorf("submit %d: %w", i, err)
					return
				}
			}
			goodDone <- nil
		}()
		var wg sync.WaitGroup
		for i, chunks := range bad {
			wg.Add(1)
			go func() {
				defer wg.Done()
				misbehave(peers[i], chunks...)
			}()
		}
		wg.Wait()
		if err := recv(t, goodDone, "good session's submits"); err != nil {
			t.Fatal(err)
		}
		if good.State() != smpp.StateBoundTRX || good.Stats().Errors != 0 {
			t.Errorf("good session: state %v stats %+v", good.State(), good.Stats())
		}
		// Every bad connection ended; the server still accepts new ones.
		for range bad {
			recv(t, e.closed.errs, "a bad session to close")
		}
		fresh := e.mustDial(e.dialer("fresh", pdu.BindTransmitter))
		if _, err := fresh.Submit(ctx, submit("after")); err != nil {
			t.Errorf("fresh session: %v", err)
		}
		open := 0
		for _, s := range e.srv.Sessions() {
			if s.State() != smpp.StateClosed {
				open++
			}
		}
		if open != 2 {
			t.Errorf("%d open server sessions, want 2 (good and fresh)", open)
		}
	})
}
