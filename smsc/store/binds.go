package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Bound sessions of an account across the nodes that share the store, so
// that an account's max_binds holds for the whole cluster. One record per
// account maps each bound session (its holder name) to the end of its lease;
// every change is a compare-and-set on the record, so two nodes binding at
// once cannot both take the last place. A node renews the leases of its
// sessions (RenewBinds) well within the lease; the places of a node that
// died are free again when their leases run out.

// bindRecord is the value of an account's record: holder → lease end (Unix
// milliseconds).
type bindRecord map[string]int64

// ErrBindsContention is returned when a record kept changing under every
// attempt to update it.
var ErrBindsContention = errors.New("store: binds: contention")

// AcquireBind takes one of the account's max places for holder, leased
// until now+lease, and reports whether it did: false when max places are
// held by other sessions whose leases have not run out.
func (s *Store) AcquireBind(ctx context.Context, account, holder string, max int, lease time.Duration, now time.Time) (bool, error) {
	taken := false
	err := s.updateBinds(ctx, account, func(r bindRecord) bool {
		r.prune(now)
		if _, ok := r[holder]; !ok && len(r) >= max {
			taken = false
			return false
		}
		r[holder] = now.Add(lease).UnixMilli()
		taken = true
		return true
	})
	return taken, err
}

// ReleaseBind gives holder's place back.
func (s *Store) ReleaseBind(ctx context.Context, account, holder string) error {
	return s.updateBinds(ctx, account, func(r bindRecord) bool {
		if _, ok := r[holder]; !ok {
			return false
		}
		delete(r, holder)
		return true
	})
}

// RenewBinds extends the leases of holders (sessions still bound on this
// node) to now+lease, taking their places back if they had run out.
func (s *Store) RenewBinds(ctx context.Context, account string, holders []string, lease time.Duration, now time.Time) error {
	return s.updateBinds(ctx, account, func(r bindRecord) bool {
		r.prune(now)
		for _, h := range holders {
			r[h] = now.Add(lease).UnixMilli()
		}
		return len(holders) > 0
	})
}

// Binds returns the number of the account's places held at now.
func (s *Store) Binds(ctx context.Context, account string, now time.Time) (int, error) {
	r, _, err := s.getBinds(ctx, account)
	if err != nil {
		return 0, err
	}
	r.prune(now)
	return len(r), nil
}

func (r bindRecord) prune(now time.Time) {
	for h, end := range r {
		if end <= now.UnixMilli() {
			delete(r, h)
		}
	}
}

// updateBinds applies change to the account's record and stores the result
// when change reports a change, retrying on concurrent updates.
func (s *Store) updateBinds(ctx context.Context, account string, change func(bindRecord) bool) error {
	for range 20 {
		r, rev, err := s.getBinds(ctx, account)
		if err != nil {
			return err
		}
		if !change(r) {
			return nil
		}
		b, _ := json.Marshal(r)
		if rev == 0 {
			_, err = s.binds.Create(ctx, token(account), b)
		} else {
			_, err = s.binds.Update(ctx, token(account), b, rev)
		}
		if err == nil {
			return nil
		}
		var apiErr *jetstream.APIError
		if !errors.Is(err, jetstream.ErrKeyExists) && !(errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence) {
			return fmt.Errorf("store: binds of %s: %w", account, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return ErrBindsContention
}

// getBinds returns the account's record and its revision (0: none yet).
func (s *Store) getBinds(ctx context.Context, account string) (bindRecord, uint64, error) {
	e, err := s.binds.Get(ctx, token(account))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return bindRecord{}, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store: binds of %s: %w", account, err)
	}
	r := bindRecord{}
	if err := json.Unmarshal(e.Value(), &r); err != nil {
		return nil, 0, fmt.Errorf("store: binds of %s: %w", account, err)
	}
	return r, e.Revision(), nil
}
