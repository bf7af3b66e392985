package smpp

import (
	"context"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// Submit sends submit_sm (ESME, bound TX/TRX) and returns submit_sm_resp.
func (s *Session) Submit(ctx context.Context, m *pdu.SubmitSM) (*pdu.SubmitSMResp, error) {
	r, err := s.Send(ctx, m)
	resp, _ := r.(*pdu.SubmitSMResp)
	return resp, err
}

// SubmitMulti sends submit_multi; check UnsuccessSMEs even on success.
func (s *Session) SubmitMulti(ctx context.Context, m *pdu.SubmitMulti) (*pdu.SubmitMultiResp, error) {
	r, err := s.Send(ctx, m)
	resp, _ := r.(*pdu.SubmitMultiResp)
	return resp, err
}

// Deliver sends deliver_sm (SMSC, bound RX/TRX).
func (s *Session) Deliver(ctx context.Context, m *pdu.DeliverSM) (*pdu.DeliverSMResp, error) {
	r, err := s.Send(ctx, m)
	resp, _ := r.(*pdu.DeliverSMResp)
	return resp, err
}

// Data sends data_sm (either end).
func (s *Session) Data(ctx context.Context, m *pdu.DataSM) (*pdu.DataSMResp, error) {
	r, err := s.Send(ctx, m)
	resp, _ := r.(*pdu.DataSMResp)
	return resp, err
}

// Query sends query_sm.
func (s *Session) Query(ctx context.Context, m *pdu.QuerySM) (*pdu.QuerySMResp, error) {
	r, err := s.Send(ctx, m)
	resp, _ := r.(*pdu.QuerySMResp)
	return resp, err
}

// Cancel sends cancel_sm.
func (s *Session) Cancel(ctx context.Context, m *pdu.CancelSM) error {
	_, err := s.Send(ctx, m)
	return err
}

// Replace sends replace_sm.
func (s *Session) Replace(ctx context.Context, m *pdu.ReplaceSM) error {
	_, err := s.Send(ctx, m)
	return err
}

// Broadcast sends broadcast_sm (v5.0).
func (s *Session) Broadcast(ctx context.Context, m *pdu.BroadcastSM) (*pdu.BroadcastSMResp, error) {
	r, err := s.Send(ctx, m)
	resp, _ := r.(*pdu.BroadcastSMResp)
	return resp, err
}

// EnquireLink sends enquire_link and waits for its response.
func (s *Session) EnquireLink(ctx context.Context) error {
	_, err := s.Send(ctx, &pdu.EnquireLink{})
	return err
}

// Alert sends alert_notification (SMSC, bound RX/TRX). It has no response.
func (s *Session) Alert(ctx context.Context, m *pdu.AlertNotification) error {
	if err := s.mayStart(m.CommandID()); err != nil {
		return notSent(err)
	}
	if err := ctx.Err(); err != nil {
		return notSent(err)
	}
	return s.send(s.nextSeq(), pdu.StatusOK, m, nil)
}

// Unbind ends the session gracefully: it refuses new requests, waits for the
// outstanding ones (until ctx ends), sends unbind, waits for unbind_resp
// (bounded by ResponseTimeout) and closes (session.md §5). It returns after
// the session has closed. On a session that is not bound it just closes.
func (s *Session) Unbind(ctx context.Context) error {
	return s.unbind(ctx, ErrUnbound)
}

func (s *Session) unbind(ctx context.Context, reason error) error {
	s.mu.Lock()
	if !s.state.Bound() {
		s.mu.Unlock()
		s.closeWith(reason)
		<-s.done
		return nil
	}
	report := s.setStateLocked(StateUnbound)
	s.unbindReason = reason
	s.mu.Unlock()
	report()
	// Drain: holding every window slot means nothing is outstanding.
	n := 0
drain:
	for ; n < cap(s.window); n++ {
		select {
		case s.window <- struct{}{}:
		case <-ctx.Done():
			break drain
		case <-s.done:
			break drain
		}
	}
	for ; n > 0; n-- {
		<-s.window
	}
	// And the peer's requests we are serving: their responses go out before
	// the unbind (no new request is dispatched in UNBOUND).
	served := make(chan struct{})
	go func() {
		s.reqWG.Wait()
		close(served)
	}()
	select {
	case <-served:
	case <-ctx.Done():
	case <-s.done:
	}
	uctx, cancel := context.WithTimeout(context.Background(), s.cfg.ResponseTimeout)
	defer cancel()
	if ctx.Err() != nil {
		// The caller's deadline passed while draining: allow the unbind a
		// short grace of its own.
		uctx2, cancel2 := context.WithTimeout(uctx, time.Second)
		defer cancel2()
		uctx = uctx2
	}
	_, err := s.Send(uctx, &pdu.Unbind{})
	s.closeWith(reason)
	<-s.done
	if err == ErrUnbound || err == ErrClosed {
		err = nil
	}
	return err
}
