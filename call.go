package smpp

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// Call is one outstanding request, as in net/rpc. It completes exactly once:
// with the peer's response, with ErrResponseTimeout, or with ErrClosed /
// ErrUnbound when the session ends. When it completes it is sent on Done.
type Call struct {
	Seq    uint32     // sequence_number assigned by the session
	Req    pdu.PDU    // the request
	Header pdu.Header // header of the response (zero on timeout/close)
	Resp   pdu.PDU    // response body; for an error status possibly empty
	Err    error      // nil, a pdu.Status, or a session error
	Done   chan *Call // receives the Call when complete; buffered
	Sent   time.Time  // when it was queued

	s     *Session
	timer *time.Timer
	mu    sync.Mutex // guards timer against the completion race
}

// complete hands the call to Done without ever blocking the caller (the
// read loop). When Done has no room, a goroutine waits to deliver it: no
// completion is ever dropped.
func (c *Call) complete() { c.completeAndRelease(nil) }

// completeAndRelease completes the call, then frees its window slot. The
// slot is freed only once Done took the call, so completions waiting for the
// caller are bounded by the window (Go blocks instead of piling them up).
func (c *Call) completeAndRelease(window chan struct{}) {
	select {
	case c.Done <- c:
		if window != nil {
			<-window
		}
	default:
		go func() {
			c.Done <- c
			if window != nil {
				<-window
			}
		}()
	}
}

func (c *Call) stopTimer() {
	c.mu.Lock()
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()
}

// takeCall removes the call for seq from the inflight map.
func (s *Session) takeCall(seq uint32, match func(*Call) bool) *Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.inflight[seq]
	if !ok || (match != nil && !match(c)) {
		return nil
	}
	delete(s.inflight, seq)
	return c
}

// Go sends req asynchronously and returns its Call. done receives the Call
// when it completes; it must be buffered (nil allocates a channel of one).
// Go blocks only while the outbound window is full, until ctx ends or the
// session closes.
//
// Cancelling ctx after the request was written does not free its window
// slot: the slot and the sequence number stay reserved until the response
// arrives or ResponseTimeout passes, so the window stays truthful and a late
// response can never be matched to a newer request.
func (s *Session) Go(ctx context.Context, req pdu.PDU, done chan *Call) *Call {
	if done == nil {
		done = make(chan *Call, 1)
	}
	c := &Call{Req: req, Done: done, s: s}
	id := req.CommandID()
	if id.Response() == 0 {
		c.Err = notSent(ErrNoResponse)
		c.complete()
		return c
	}
	if err := s.mayStart(id); err != nil {
		c.Err = notSent(err)
		c.complete()
		return c
	}
	if err := ctx.Err(); err != nil {
		// Never send on a context that is already done (select would pick
		// a free window slot at random).
		c.Err = notSent(err)
		c.complete()
		return c
	}
	select {
	case s.window <- struct{}{}:
	case <-ctx.Done():
		c.Err = notSent(ctx.Err())
		c.complete()
		return c
	case <-s.ctx.Done():
		c.Err = notSent(s.closedErr())
		c.complete()
		return c
	}
	c.Seq = s.nextSeq()
	buf := getBuf()
	b, err := s.enc.Append(*buf, c.Seq, pdu.StatusOK, req)
	*buf = b
	if err != nil {
		putBuf(buf)
		<-s.window
		c.Err = notSent(err)
		c.complete()
		return c
	}
	c.Sent = time.Now()
	if id != pdu.CmdEnquireLink {
		s.lastTraffic.Store(c.Sent.UnixNano()) // our own requests are traffic too
	}
	s.mu.Lock()
	if s.inflight == nil {
		s.mu.Unlock()
		putBuf(buf)
		<-s.window
		c.Err = notSent(s.closedErr())
		c.complete()
		return c
	}
	s.inflight[c.Seq] = c
	c.mu.Lock()
	s.mu.Unlock()
	c.timer = time.AfterFunc(s.cfg.ResponseTimeout, func() { s.expire(c) })
	c.mu.Unlock()
	if t := s.cfg.Trace; t != nil && t.PDUSent != nil {
		t.PDUSent(s, pdu.Header{Length: uint32(len(b)), ID: id, Seq: c.Seq}, req)
	}
	if err := s.enqueue(buf, nil); err != nil {
		// The session is closing; finish() fails the call.
		return c
	}
	return c
}

// Send sends req and waits for its response. A response with a non-zero
// command_status returns its (possibly empty) body and the pdu.Status as the
// error. See Go for how cancellation keeps the window truthful.
func (s *Session) Send(ctx context.Context, req pdu.PDU) (pdu.PDU, error) {
	c := s.Go(ctx, req, make(chan *Call, 1))
	select {
	case <-c.Done:
		return c.Resp, c.Err
	case <-ctx.Done():
		select {
		case <-c.Done: // completed (or never sent) meanwhile: say which
			return c.Resp, c.Err
		default:
		}
		return nil, ctx.Err()
	}
}

func (s *Session) expire(c *Call) {
	if s.takeCall(c.Seq, func(x *Call) bool { return x == c }) == nil {
		return
	}
	s.stats.timeouts.Add(1)
	c.Err = ErrResponseTimeout
	c.completeAndRelease(s.window)
	if _, ok := c.Req.(*pdu.EnquireLink); ok {
		return
	}
	s.log.Warn("smpp: response timeout", "cmd", c.Req.CommandID().String(), "seq", c.Seq)
}

func (s *Session) nextSeq() uint32 {
	for {
		old := s.seq.Load()
		n := pdu.NextSeq(old)
		if s.seq.CompareAndSwap(old, n) {
			return n
		}
	}
}

func (s *Session) closedErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if errors.Is(s.err, ErrUnbound) {
		return ErrUnbound
	}
	return ErrClosed
}

// mayStart checks the permission table for a request this end sends.
func (s *Session) mayStart(id pdu.CommandID) error {
	s.mu.Lock()
	st, closed := s.state, s.closed
	s.mu.Unlock()
	switch {
	case closed || st == StateClosed:
		return ErrClosed
	case st == StateUnbound && id != pdu.CmdEnquireLink && id != pdu.CmdUnbind:
		return ErrUnbound
	case id == pdu.CmdUnbind && st == StateUnbound:
		return nil // Unbind moves to UNBOUND before sending unbind
	case !Permitted(s.role, st, id):
		return ErrNotPermitted
	}
	return nil
}

// handleResponse completes the call that a response answers. err is set when
// the response could not be decoded.
func (s *Session) handleResponse(h pdu.Header, p pdu.PDU, err error) {
	c := s.takeCall(h.Seq, func(c *Call) bool {
		return h.ID == pdu.CmdGenericNACK || h.ID == c.Req.CommandID().Response()
	})
	if c == nil {
		s.stats.errors.Add(1)
		s.mu.Lock()
		_, other := s.inflight[h.Seq]
		s.mu.Unlock()
		if other {
			s.log.Warn("smpp: response command does not match the request; dropped", "cmd", h.ID.String(), "seq", h.Seq)
		} else {
			s.log.Warn("smpp: response to no outstanding request; dropped", "cmd", h.ID.String(), "seq", h.Seq)
		}
		return
	}
	c.stopTimer()
	c.Header, c.Resp = h, p
	switch {
	case err != nil:
		c.Err = err
	case h.ID == pdu.CmdGenericNACK:
		st := h.Status
		if st == pdu.StatusOK {
			st = pdu.StatusInvCmdID // a nack with status 0 (oserl practice)
		}
		c.Err = st
	case h.Status != pdu.StatusOK:
		c.Err = h.Status
	}
	if b, ok := c.Req.(*pdu.Bind); ok && c.Err == nil {
		// Become bound before reading the next PDU, which may already be
		// a deliver_sm.
		s.boundAsESME(b, p.(*pdu.BindResp))
	}
	if _, ok := c.Req.(*pdu.Unbind); ok {
		c.completeAndRelease(s.window)
		s.mu.Lock()
		reason := s.unbindReason
		s.mu.Unlock()
		if reason == nil {
			reason = ErrUnbound
		}
		s.closeWith(reason)
		return
	}
	c.completeAndRelease(s.window)
}
