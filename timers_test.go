package smpp_test

// Timers (session.md §6) on the fake clock of testing/synctest, over
// net.Pipe inside the bubble: no sleeping, exact instants.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
)

// clock measures fake time from a starting instant set by a script step.
type clock struct {
	mu sync.Mutex
	t0 time.Time
}

func (c *clock) start() smpptest.Step {
	return smpptest.StepFunc(func(*smpptest.Peer) error {
		c.mu.Lock()
		c.t0 = time.Now()
		c.mu.Unlock()
		return nil
	})
}

func (c *clock) since() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Since(c.t0)
}

// expectAt reads the next PDU and checks its command_id and the instant it
// arrived.
func (c *clock) expectAt(at time.Duration, id pdu.CommandID) smpptest.Step {
	return smpptest.StepFunc(func(p *smpptest.Peer) error {
		h, _, err := p.ReadPDU()
		if err != nil {
			return fmt.Errorf("want %v at %v: %w", id, at, err)
		}
		if h.ID != id || c.since() != at {
			return fmt.Errorf("got %v at %v, want %v at %v", h.ID, c.since(), id, at)
		}
		return nil
	})
}

// closedAt checks that the connection closes at the given instant.
func (c *clock) closedAt(at time.Duration) smpptest.Step {
	return smpptest.StepFunc(func(p *smpptest.Peer) error {
		if err := smpptest.ExpectClosed().Step(p); err != nil {
			return err
		}
		if c.since() != at {
			return fmt.Errorf("closed at %v, want %v", c.since(), at)
		}
		return nil
	})
}

// sleep waits on the fake clock.
func sleep(d time.Duration) smpptest.Step {
	return smpptest.StepFunc(func(*smpptest.Peer) error { time.Sleep(d); return nil })
}

// pipeSMSC binds d over net.Pipe to a scripted SMSC that accepts the bind
// and then plays steps; the peer's reads never time out on their own.
func pipeSMSC(t *testing.T, d *smpp.Dialer, steps ...smpptest.Step) (*smpp.Session, *script, net.Conn) {
	t.Helper()
	client, server := net.Pipe()
	p := smpptest.NewPeer(server)
	p.Timeout = -1
	sc := play(p, append([]smpptest.Step{smpptest.AcceptBind("SMSC")}, steps...)...)
	s, err := d.Bind(context.Background(), client)
	if err != nil {
		t.Fatalf("bind: %v", err)
	}
	return s, sc, server
}

func TestSessionInitTimer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &smpp.Server{Binder: smpptest.AcceptAll(nil), BindTimeout: 5 * time.Second}
		// A connection that never binds is closed after BindTimeout.
		c, sc := net.Pipe()
		served := make(chan error, 1)
		go func() { served <- srv.ServeConn(context.Background(), sc) }()
		var clk clock
		p := smpptest.NewPeer(c)
		p.Timeout = -1
		if err := (&smpptest.Script{Steps: []smpptest.Step{clk.start(), smpptest.Silence(time.Hour), clk.closedAt(5 * time.Second)}}).Run(p); err != nil {
			t.Error(err)
		}
		if err := <-served; !errors.Is(err, smpp.ErrBindTimeout) {
			t.Errorf("ServeConn = %v, want ErrBindTimeout", err)
		}
		// One that binds just in time is not.
		p2 := smpptest.NewPeer(smpptest.PipeConn(srv))
		p2.Timeout = -1
		err := (&smpptest.Script{Steps: []smpptest.Step{
			sleep(5*time.Second - time.Millisecond),
			smpptest.Send(1, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "esme"}),
			expectResp(pdu.CmdBindTransmitterResp, pdu.StatusOK, 1),
			sleep(20 * time.Second),
			smpptest.Send(2, &pdu.EnquireLink{}),
			expectResp(pdu.CmdEnquireLinkResp, pdu.StatusOK, 2),
		}}).Run(p2)
		if err != nil {
			t.Error(err)
		}
		p2.Close()
		srv.Close()
	})
}

func TestAcceptOutbindTimer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mc := net.Pipe()
		defer mc.Close()
		d := &smpp.Dialer{SystemID: "esme", Handler: smpptest.AckHandler(), BindTimeout: 3 * time.Second}
		p := smpptest.NewPeer(mc)
		p.Timeout = -1
		var clk clock
		sc := play(p, clk.start(), smpptest.Silence(time.Hour), clk.closedAt(3*time.Second))
		start := time.Now()
		_, err := d.AcceptOutbind(context.Background(), c, nil)
		if !errors.Is(err, smpp.ErrBindTimeout) || time.Since(start) != 3*time.Second {
			t.Errorf("AcceptOutbind = %v after %v, want ErrBindTimeout after 3s", err, time.Since(start))
		}
		if err := <-sc.done; err != nil {
			t.Error(err)
		}
	})
}

func TestEnquireLinkKeepaliveAndDeadPeer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var clk clock
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransceiver, Handler: smpptest.AckHandler(),
			SessionConfig: smpp.SessionConfig{EnquireLinkInterval: 30 * time.Second, ResponseTimeout: 10 * time.Second}}
		s, sc, _ := pipeSMSC(t, d,
			clk.start(),
			// 30s of silence: enquire_link.
			clk.expectAt(30*time.Second, pdu.CmdEnquireLink), smpptest.Reply(pdu.StatusOK, nil),
			// Traffic from the peer at 40s restarts the timer…
			sleep(10*time.Second),
			smpptest.Send(1, &pdu.DeliverSM{ShortMessage: []byte("mo")}),
			clk.expectAt(40*time.Second, pdu.CmdDeliverSMResp),
			// …so the next one comes 30s after it; left unanswered, the
			// session closes after ResponseTimeout.
			clk.expectAt(70*time.Second, pdu.CmdEnquireLink),
			clk.closedAt(80*time.Second),
		)
		<-s.Done()
		if !errors.Is(s.Err(), smpp.ErrPeerUnresponsive) {
			t.Errorf("Err = %v, want ErrPeerUnresponsive", s.Err())
		}
		if err := <-sc.done; err != nil {
			t.Error(err)
		}
	})
}

func TestServerClosesUnresponsiveESME(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &smpp.Server{Binder: smpptest.AcceptAll(nil),
			SessionConfig: smpp.SessionConfig{EnquireLinkInterval: 30 * time.Second, ResponseTimeout: 5 * time.Second}}
		c, sc := net.Pipe()
		served := make(chan error, 1)
		go func() { served <- srv.ServeConn(context.Background(), sc) }()
		var clk clock
		p := smpptest.NewPeer(c)
		p.Timeout = -1
		err := (&smpptest.Script{Steps: []smpptest.Step{
			smpptest.Send(1, &pdu.Bind{Mode: pdu.BindTransceiver, SystemID: "esme"}),
			expectResp(pdu.CmdBindTransceiverResp, pdu.StatusOK, 1),
			clk.start(),
			clk.expectAt(30*time.Second, pdu.CmdEnquireLink),
			smpptest.Silence(time.Hour),
			clk.closedAt(35 * time.Second),
		}}).Run(p)
		if err != nil {
			t.Error(err)
		}
		if err := <-served; !errors.Is(err, smpp.ErrPeerUnresponsive) {
			t.Errorf("ServeConn = %v, want ErrPeerUnresponsive", err)
		}
	})
}

func TestResponseTimeoutFreesWindowSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var clk clock
		var seqA uint32
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter,
			SessionConfig: smpp.SessionConfig{Window: 1, ResponseTimeout: 10 * time.Second, EnquireLinkInterval: -1}}
		s, sc, _ := pipeSMSC(t, d,
			clk.start(),
			smpptest.StepFunc(func(p *smpptest.Peer) error { // A: never answered in time
				h, _, err := p.ReadPDU()
				seqA = h.Seq
				return err
			}),
			clk.expectAt(10*time.Second, pdu.CmdSubmitSM), // B, as soon as A expired
			smpptest.Reply(pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "b"}),
			smpptest.StepFunc(func(p *smpptest.Peer) error { // A's late response
				return p.WritePDU(seqA, pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "late"})
			}),
			smpptest.Expect(pdu.CmdEnquireLink), smpptest.Reply(pdu.StatusOK, nil),
		)
		defer s.Close()
		ctx := context.Background()
		_, err := s.Submit(ctx, submit("A"))
		if !errors.Is(err, smpp.ErrResponseTimeout) || clk.since() != 10*time.Second {
			t.Errorf("A: %v after %v, want ErrResponseTimeout after 10s", err, clk.since())
		}
		if smpp.SafeToRetry(err) || !smpp.Temporary(err) {
			t.Errorf("ErrResponseTimeout: SafeToRetry %v (the MC may have accepted it), Temporary %v", smpp.SafeToRetry(err), smpp.Temporary(err))
		}
		if st := s.Stats(); st.Timeouts != 1 || st.InFlight != 0 {
			t.Errorf("after the timeout: %+v, want 1 timeout and nothing in flight", st)
		}
		resp, err := s.Submit(ctx, submit("B"))
		if err != nil || resp.MessageID != "b" || clk.since() != 10*time.Second {
			t.Errorf("B: %+v %v at %v", resp, err, clk.since())
		}
		if err := s.EnquireLink(ctx); err != nil { // after A's late response was read
			t.Fatal(err)
		}
		if st := s.Stats(); st.Errors != 1 {
			t.Errorf("Errors %d, want 1 (A's late response dropped)", st.Errors)
		}
		if err := <-sc.done; err != nil {
			t.Error(err)
		}
	})
}

func TestContextDeadlineKeepsSlotUntilResponseTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var clk clock
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter,
			SessionConfig: smpp.SessionConfig{Window: 1, ResponseTimeout: 10 * time.Second, EnquireLinkInterval: -1}}
		s, sc, _ := pipeSMSC(t, d,
			clk.start(),
			smpptest.Expect(pdu.CmdSubmitSM), // A: silent
			clk.expectAt(10*time.Second, pdu.CmdSubmitSM),
			smpptest.Reply(pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "b"}),
		)
		defer s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if _, err := s.Submit(ctx, submit("A")); !errors.Is(err, context.DeadlineExceeded) || clk.since() != 2*time.Second {
			t.Errorf("A: %v at %v, want DeadlineExceeded at 2s", err, clk.since())
		}
		if n := s.Stats().InFlight; n != 1 {
			t.Errorf("InFlight %d after the caller gave up, want 1 until ResponseTimeout", n)
		}
		resp, err := s.Submit(context.Background(), submit("B"))
		if err != nil || resp.MessageID != "b" || clk.since() != 10*time.Second {
			t.Errorf("B: %+v %v at %v, want b at 10s", resp, err, clk.since())
		}
		if st := s.Stats(); st.Timeouts != 1 {
			t.Errorf("Timeouts %d, want 1", st.Timeouts)
		}
		if err := <-sc.done; err != nil {
			t.Error(err)
		}
	})
}

func TestPeerThatOnlyAnswersEnquireLink(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var clk clock
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter,
			SessionConfig: smpp.SessionConfig{EnquireLinkInterval: 20 * time.Second, ResponseTimeout: 15 * time.Second}}
		s, sc, _ := pipeSMSC(t, d, clk.start(), smpptest.KeepAlive(time.Hour), smpptest.ExpectClosed())
		ctx := context.Background()
		for i := 0; i < 3; i++ {
			if _, err := s.Submit(ctx, submit("into the void")); !errors.Is(err, smpp.ErrResponseTimeout) {
				t.Errorf("submit %d: %v, want ErrResponseTimeout", i, err)
			}
		}
		if clk.since() != 45*time.Second {
			t.Errorf("three timeouts took %v, want 45s", clk.since())
		}
		time.Sleep(5 * time.Minute) // many enquire_link rounds
		if st := s.State(); st != smpp.StateBoundTX || s.Err() != nil {
			t.Errorf("after 5 minutes: state %v err %v, want still bound", st, s.Err())
		}
		if err := s.EnquireLink(ctx); err != nil {
			t.Errorf("EnquireLink: %v", err)
		}
		if st := s.Stats(); st.Timeouts != 3 {
			t.Errorf("Timeouts %d, want 3 (enquire_links were answered)", st.Timeouts)
		}
		s.Close()
		if err := <-sc.done; err != nil {
			t.Error(err)
		}
	})
}

func TestInactivityTimerUnbinds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var clk clock
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransceiver, Handler: smpptest.AckHandler(),
			SessionConfig: smpp.SessionConfig{InactivityTimeout: 60 * time.Second, EnquireLinkInterval: 25 * time.Second, ResponseTimeout: 5 * time.Second}}
		s, sc, _ := pipeSMSC(t, d,
			clk.start(),
			// enquire_link does not count as traffic…
			clk.expectAt(25*time.Second, pdu.CmdEnquireLink), smpptest.Reply(pdu.StatusOK, nil),
			// …a deliver_sm at 30s does, so the unbind comes at 90s.
			sleep(5*time.Second),
			smpptest.Send(1, &pdu.DeliverSM{ShortMessage: []byte("mo")}),
			clk.expectAt(30*time.Second, pdu.CmdDeliverSMResp),
			clk.expectAt(55*time.Second, pdu.CmdEnquireLink), smpptest.Reply(pdu.StatusOK, nil),
			clk.expectAt(80*time.Second, pdu.CmdEnquireLink), smpptest.Reply(pdu.StatusOK, nil),
			clk.expectAt(90*time.Second, pdu.CmdUnbind), smpptest.Reply(pdu.StatusOK, nil),
			clk.closedAt(90*time.Second),
		)
		<-s.Done()
		if err := s.Err(); !errors.Is(err, smpp.ErrInactive) && !errors.Is(err, smpp.ErrUnbound) {
			t.Errorf("Err = %v, want ErrInactive (or ErrUnbound)", err)
		}
		if err := <-sc.done; err != nil {
			t.Error(err)
		}
	})
}

// The session that the inactivity timer unbound says so.
func TestInactivityErr(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter,
			SessionConfig: smpp.SessionConfig{InactivityTimeout: 60 * time.Second, EnquireLinkInterval: -1}}
		s, sc, _ := pipeSMSC(t, d, smpptest.Expect(pdu.CmdUnbind), smpptest.Reply(pdu.StatusOK, nil), smpptest.ExpectClosed())
		<-s.Done()
		if !errors.Is(s.Err(), smpp.ErrInactive) {
			t.Errorf("Err = %v, want ErrInactive", s.Err())
		}
		<-sc.done
	})
}

// An ESME that keeps submitting is not inactive: its own requests and their
// responses are transactions (session.md §6: inactivity_timer measures the
// time between transactions).
func TestInactivityCountsOwnRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter,
			SessionConfig: smpp.SessionConfig{InactivityTimeout: 60 * time.Second, EnquireLinkInterval: -1}}
		answer := smpptest.StepFunc(func(p *smpptest.Peer) error {
			for {
				h, _, err := p.ReadPDU()
				if err != nil {
					return nil
				}
				resp, _ := pdu.New(h.ID.Response())
				if err := p.WritePDU(h.Seq, pdu.StatusOK, resp); err != nil {
					return nil
				}
			}
		})
		s, sc, _ := pipeSMSC(t, d, answer)
		for i := 0; i < 6; i++ {
			time.Sleep(20 * time.Second)
			if _, err := s.Submit(context.Background(), submit("busy")); err != nil {
				t.Errorf("submit at %ds: %v (state %v, err %v)", 20*(i+1), err, s.State(), s.Err())
				break
			}
		}
		s.Close()
		<-sc.done
	})
}

// A long-lived session must not accumulate timers.
func TestKeepaliveTimersDoNotAccumulate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter,
			SessionConfig: smpp.SessionConfig{EnquireLinkInterval: time.Second, InactivityTimeout: time.Hour}}
		s, sc, _ := pipeSMSC(t, d, smpptest.KeepAlive(1000*time.Second))
		time.Sleep(999 * time.Second)
		if n := smpp.TimerCount(s); n > 10 {
			t.Errorf("after ~1000 keepalive rounds the session holds %d timers", n)
		}
		s.Close()
		<-sc.done
	})
}
