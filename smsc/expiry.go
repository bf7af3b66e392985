package smsc

import (
	"context"
	"time"

	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/store"
)

// expirySweeper returns the sweep, run every expiry_sweep, that expires the
// messages of accounts that have no receiver bound on this node: they are
// never handed out, so their validity is checked by reading their queue
// (without taking the messages). An expired message gets its EXPIRED state
// (and receipt) once; the queue entry itself is acknowledged when a
// receiver later binds and the worker meets it.
func (s *Server) expirySweeper() func() {
	every := time.Duration(s.cfg.ExpirySweep)
	done := map[string]time.Time{} // ids already expired → when, to skip them
	return func() {
		now := s.now()
		for id := range s.accountMap() {
			s.mu.Lock()
			rs := s.receivers[id]
			s.mu.Unlock()
			if rs != nil && rs.pick() != nil {
				continue
			}
			ctx, cancel := context.WithTimeout(s.ctx, every)
			s.st.Scan(ctx, id, func(m *store.Message) bool {
				if _, seen := done[m.ID]; seen || !now.After(m.Expires) {
					return true
				}
				if c := s.control(m.ID); c == nil || !c.Cancel {
					if s.finalize(ctx, m, pdu.StateExpired, 0) != nil {
						return ctx.Err() == nil // not recorded: the next sweep tries again
					}
					s.stats.expired.Add(1)
				}
				done[m.ID] = now
				return ctx.Err() == nil
			})
			cancel()
		}
		for id, when := range done {
			if now.Sub(when) > time.Duration(s.cfg.MaxValidity)+time.Hour {
				delete(done, id)
			}
		}
	}
}
