package smsc

import (
	"context"
	"time"

	"github.com/smppstack/smpp"
)

// max_binds across the cluster. With a store of its own a node counts its
// sessions in memory (Server.binds). When other nodes share the store, each
// bound session of an account with max_binds also holds a leased place in
// the store (store.AcquireBind), renewed while it stays bound, given back
// when it closes, and free again a lease (30 s) after its node died.

// defaultBindLease is how long a place outlives a node that stops renewing
// it.
const defaultBindLease = 30 * time.Second

// withBindLease sets the lease of max_binds places (tests).
func withBindLease(d time.Duration) Option { return func(s *Server) { s.bindLease = d } }

// ctxBindPlace marks a session that holds a place in the store.
type ctxBindPlace struct{}

// clusterBindsOn reports whether the account's max_binds is counted in the
// store.
func (s *Server) clusterBindsOn(acc *account) bool {
	return acc.cfg.MaxBinds > 0 && s.sharedStore()
}

// placeHolder names the place of the session sid in the store.
func (s *Server) placeHolder(sid string) string { return sid + "@" + s.instance }

// acquirePlace takes a place for the session holder of the account; it
// reports false when max_binds places are held across the cluster.
func (s *Server) acquirePlace(ctx context.Context, acc *account, holder string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return s.st.AcquireBind(ctx, acc.cfg.SystemID, holder, acc.cfg.MaxBinds, s.bindLease, s.now())
}

// releasePlace gives back the place holder of a closed session. It runs on
// the closing session's goroutine, bounded: a place the store cannot take
// back now frees itself when its lease ends.
func (s *Server) releasePlace(account, holder string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.st.ReleaseBind(ctx, account, holder); err != nil {
		s.log.Warn("smsc: cannot release a max_binds place; it frees itself when its lease ends", "account", account, "place", holder, "err", err)
	}
}

// renewPlaces renews the places of this node's sessions; it runs every
// third of the lease.
func (s *Server) renewPlaces() {
	held := map[string][]string{} // account → its sessions holding a place
	for _, sess := range s.smpp.Sessions() {
		if sess.State() == smpp.StateClosed {
			continue
		}
		if _, ok := sess.Value(ctxBindPlace{}).(bool); !ok {
			continue
		}
		acc, _ := sess.Value(ctxAccount{}).(string)
		sid, _ := sess.Value(ctxSessID{}).(string)
		held[acc] = append(held[acc], s.placeHolder(sid))
	}
	for acc, holders := range held {
		ctx, cancel := context.WithTimeout(s.ctx, s.bindLease/3)
		if err := s.st.RenewBinds(ctx, acc, holders, s.bindLease, s.now()); err != nil {
			s.log.Warn("smsc: cannot renew max_binds places", "account", acc, "err", err)
		}
		cancel()
	}
}
