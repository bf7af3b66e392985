package smpp

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// handleRequest runs on the read loop for every request the peer sends. It
// never blocks: anything slow runs on its own goroutine.
func (s *Session) handleRequest(h pdu.Header, p pdu.PDU) {
	if _, ok := p.(*pdu.Unknown); ok {
		s.log.Warn("smpp: unknown command_id", "cmd", h.ID.String(), "seq", h.Seq)
		s.stats.errors.Add(1)
		s.sendGenericNACK(h.Seq, pdu.StatusInvCmdID, nil)
		return
	}
	if h.ID == pdu.CmdEnquireLink {
		// Allowed in every state (v5.0 Table 2-1; answered before bind as
		// Cloudhopper and oserl do).
		s.send(h.Seq, pdu.StatusOK, &pdu.EnquireLinkResp{}, nil)
		return
	}
	s.mu.Lock()
	st, handler, binding := s.state, s.handler, s.binding
	s.mu.Unlock()
	peer := s.role.Peer()
	if !Permitted(peer, st, h.ID) {
		s.notPermitted(h, st)
		return
	}
	s.lastTraffic.Store(s.lastRead.Load())
	switch req := p.(type) {
	case *pdu.Bind:
		if binding {
			s.respondStatus(h, pdu.StatusAlreadyBound)
			return
		}
		s.mu.Lock()
		s.binding = true
		s.mu.Unlock()
		s.handlers.Add(1)
		go s.serveBind(h, req)
		return
	case *pdu.Outbind:
		s.mu.Lock()
		cb := s.onOutbind
		report := s.setStateLocked(StateOutbound)
		s.mu.Unlock()
		report()
		if cb == nil {
			s.log.Warn("smpp: outbind received but not expected; closing")
			s.closeWith(errors.New("smpp: unexpected outbind"))
			return
		}
		s.handlers.Add(1)
		go func() {
			defer s.handlers.Done()
			cb(req)
		}()
		return
	case *pdu.Unbind:
		s.mu.Lock()
		report := s.setStateLocked(StateUnbound)
		s.mu.Unlock()
		report()
		s.handlers.Add(1)
		go s.serveUnbind(h)
		return
	}
	if handler == nil {
		s.respondStatus(h, pdu.StatusInvCmdID)
		return
	}
	if int(s.inbound.Add(1)) > s.cfg.InboundWindow {
		s.inbound.Add(-1)
		s.stats.throttled.Add(1)
		s.respondStatus(h, pdu.StatusThrottled)
		return
	}
	s.handlers.Add(1)
	s.reqWG.Add(1)
	s.dispatch(work{handler, h, p})
}

// notPermitted answers a request that the state table forbids
// (session.md §2.3).
func (s *Session) notPermitted(h pdu.Header, st State) {
	s.stats.errors.Add(1)
	switch {
	case isBind(h.ID) && (st.Bound() || st == StateUnbound):
		s.respondStatus(h, pdu.StatusAlreadyBound)
	case h.ID.Response() == 0:
		// outbind / alert_notification have no response PDU.
		s.log.Warn("smpp: PDU not allowed in this state", "cmd", h.ID.String(), "state", st.String())
		s.sendGenericNACK(h.Seq, pdu.StatusInvBindStatus, nil)
	default:
		s.log.Warn("smpp: PDU not allowed in this state", "cmd", h.ID.String(), "state", st.String())
		s.respondStatus(h, pdu.StatusInvBindStatus)
	}
}

func isBind(id pdu.CommandID) bool {
	return id == pdu.CmdBindTransmitter || id == pdu.CmdBindReceiver || id == pdu.CmdBindTransceiver
}

// work is one request for a worker.
type work struct {
	handler Handler
	h       pdu.Header
	p       pdu.PDU
}

// dispatch hands a request to an idle worker of the session, or starts a
// new worker (at most InboundWindow run at once, bounded by the caller).
// Workers are kept while the session lives: their stacks are already grown,
// which a goroutine per request would pay for on every PDU; a session that
// never serves a request has none.
func (s *Session) dispatch(w work) {
	select {
	case s.workq <- w:
	default:
		go s.worker(w)
	}
}

func (s *Session) worker(w work) {
	for {
		s.serve(w.handler, w.h, w.p)
		select {
		case w = <-s.workq:
		case <-s.ctx.Done():
			return
		}
	}
}

// serve runs a handler for one request and sends its response.
func (s *Session) serve(handler Handler, h pdu.Header, p pdu.PDU) {
	defer s.handlers.Done()
	defer s.reqWG.Done()
	defer s.inbound.Add(-1)
	req := &Request{Header: h, PDU: p, Session: s, queued: new([]func())}
	resp, status := s.callHandler(handler, req)
	defer func() {
		for _, f := range *req.queued {
			f()
		}
	}()
	rid := h.ID.Response()
	if rid == 0 {
		return // alert_notification: no response
	}
	if resp == nil || resp.CommandID() != rid {
		if resp != nil {
			s.log.Error("smpp: handler returned the wrong response type", "cmd", h.ID.String(), "resp", resp.CommandID().String())
			status = pdu.StatusSysErr
		}
		resp, _ = pdu.New(rid)
	}
	s.send(h.Seq, status, resp, nil)
}

func (s *Session) callHandler(handler Handler, r *Request) (resp pdu.PDU, status pdu.Status) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("smpp: handler panic", "cmd", r.Header.ID.String(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			resp, status = nil, pdu.StatusSysErr
		}
	}()
	resp, err := handler.ServeSMPP(s.ctx, r)
	if err == nil {
		return resp, pdu.StatusOK
	}
	var st pdu.Status
	if errors.As(err, &st) {
		return nil, st
	}
	s.log.Error("smpp: handler error", "cmd", r.Header.ID.String(), "err", err)
	return nil, pdu.StatusSysErr
}

// serveBind authenticates a bind (SMSC side) and answers it.
func (s *Session) serveBind(h pdu.Header, req *pdu.Bind) {
	defer s.handlers.Done()
	var handler Handler
	var err error
	func() {
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("smpp: bind hook panic", "panic", fmt.Sprint(v))
				err = pdu.StatusSysErr
			}
		}()
		if s.srv == nil || s.srv.Binder == nil {
			err = pdu.StatusBindFail
			return
		}
		handler, err = s.srv.Binder.Bind(s.ctx, s, req)
	}()
	resp := &pdu.BindResp{Mode: req.Mode}
	if err == nil && handler == nil {
		err = errors.New("smpp: Binder returned no handler")
	}
	if err != nil {
		st := pdu.StatusBindFail
		if !errors.As(err, &st) {
			s.log.Warn("smpp: bind refused", "system_id", req.SystemID, "err", err)
		} else {
			s.log.Info("smpp: bind refused", "system_id", req.SystemID, "status", st.String())
		}
		s.mu.Lock()
		s.binding = false
		s.mu.Unlock()
		s.send(h.Seq, st, resp, nil)
		return
	}
	resp.SystemID = s.srv.systemID()
	if req.InterfaceVersion >= pdu.V34 {
		resp.TLVs.SetUint8(pdu.TagSCInterfaceVersion, pdu.V34)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.binding = false
	s.handler = handler
	s.mode = req.Mode
	s.peerID = req.SystemID
	s.bindReq = req
	s.peerVersion = req.InterfaceVersion
	report := s.setStateLocked(BoundState(req.Mode))
	s.mu.Unlock()
	// Queue bind_resp before the hooks run, so nothing a hook sends (a
	// deliver_sm) can overtake it.
	s.send(h.Seq, pdu.StatusOK, resp, nil)
	report()
}

// boundAsESME records a successful bind on the ESME side; called on the read
// loop before the next PDU is read.
func (s *Session) boundAsESME(req *pdu.Bind, resp *pdu.BindResp) {
	s.mu.Lock()
	s.mode = req.Mode
	s.peerID = resp.SystemID
	if v, ok := resp.InterfaceVersion(); ok {
		s.peerVersion = v
	} else {
		s.peerVersion = pdu.V33 // no sc_interface_version: no TLVs (pdus.md §6.2)
	}
	report := s.setStateLocked(BoundState(req.Mode))
	s.mu.Unlock()
	report()
}

// serveUnbind answers the peer's unbind once our handlers have drained
// (bounded by ResponseTimeout), then closes.
func (s *Session) serveUnbind(h pdu.Header) {
	defer s.handlers.Done()
	drained := make(chan struct{})
	go func() {
		// No request is dispatched in UNBOUND, so reqWG only falls.
		s.reqWG.Wait()
		close(drained)
	}()
	select {
	case <-drained:
	case <-time.After(s.cfg.ResponseTimeout):
	}
	s.send(h.Seq, pdu.StatusOK, &pdu.UnbindResp{}, ErrUnbound)
}

// keepalive runs on the enquire_link timer (session.md §6).
func (s *Session) keepalive() {
	interval := s.cfg.EnquireLinkInterval
	idle := time.Since(time.Unix(0, s.lastRead.Load()))
	if idle < interval {
		s.addTimer(timerKeepalive, interval-idle, s.keepalive)
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(s.ctx, s.cfg.ResponseTimeout)
		defer cancel()
		_, err := s.Send(ctx, &pdu.EnquireLink{})
		switch {
		case err == nil:
		case errors.Is(err, ErrResponseTimeout) || errors.Is(err, context.DeadlineExceeded):
			s.log.Warn("smpp: enquire_link not answered; closing")
			s.closeWith(ErrPeerUnresponsive)
			return
		case errors.Is(err, ErrNotPermitted), errors.As(err, new(pdu.Status)):
			// The peer answered (even with an error): it is alive.
		default:
			return // closed
		}
		s.addTimer(timerKeepalive, interval, s.keepalive)
	}()
}

// inactivityCheck runs on the inactivity timer: a bound session that carried
// no traffic but enquire_link for InactivityTimeout is unbound.
func (s *Session) inactivityCheck() {
	limit := s.cfg.InactivityTimeout
	idle := time.Since(time.Unix(0, s.lastTraffic.Load()))
	if idle < limit {
		s.addTimer(timerInactivity, limit-idle, s.inactivityCheck)
		return
	}
	s.log.Info("smpp: inactivity timer expired; unbinding")
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ResponseTimeout)
		defer cancel()
		s.unbind(ctx, ErrInactive)
	}()
}
