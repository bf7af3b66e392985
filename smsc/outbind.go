package smsc

import (
	"context"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

// connState starts deliveries when a receiver has bound (after its bind_resp
// was queued) and forgets closed sessions.
func (s *Server) connState2(sess *smpp.Session, st smpp.State) {
	if st.Bound() {
		id, _ := sess.Value(ctxAccount{}).(string)
		sid, _ := sess.Value(ctxSessID{}).(string)
		if rx, _ := sess.Value(ctxReceiver{}).(bool); rx && !s.isWebhookAccount(id) { // webhook accounts get no deliver_sm
			s.addReceiver(id, sess)
		}
		s.emit(Event{Type: "bound", Account: id, Session: sid, Mode: sess.Mode().String(), From: sess.RemoteAddr().String()})
	}
}

// outbindSweep connects, with outbind, to the ESMEs whose accounts
// configure an outbind target and have messages waiting but no receiver
// bound on this node (SMPP v3.4 §2.2.1). It runs every outbind interval.
func (s *Server) outbindSweep() {
	for id, acc := range s.accountMap() {
		if acc.cfg.Outbind == nil || acc.cfg.Disabled {
			continue
		}
		s.mu.Lock()
		rs := s.receivers[id]
		s.mu.Unlock()
		if rs != nil && rs.pick() != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
		depth, err := s.st.QueueDepth(ctx, id)
		cancel()
		if err != nil || depth == 0 {
			continue
		}
		s.outbind(id, acc.cfg.Outbind)
	}
}

func (s *Server) outbind(id string, t *OutbindTarget) {
	ctx, cancel := context.WithTimeout(s.ctx, time.Duration(s.cfg.BindTimeout))
	defer cancel()
	sess, err := s.smpp.Outbind(ctx, t.Addr, &pdu.Outbind{SystemID: s.cfg.SystemID, Password: t.Password})
	if err != nil {
		s.log.Info("smsc: outbind failed", "account", id, "addr", t.Addr, "err", err)
		return
	}
	s.log.Info("smsc: outbind bound", "account", id, "addr", t.Addr, "system_id", sess.SystemID())
}
