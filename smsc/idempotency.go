package smsc

// Idempotency keys: a client that retries a request with the same key gets
// the first outcome again instead of a second submission. Records live in
// KV <P>_IDEMP for 24h (store.IdempotencyTTL) after their last write, per
// account, so they survive restarts and are shared by every node.

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/smppstack/smpp/smsc/store"
)

var (
	// ErrIdempotencyMismatch is returned when a key is reused with a
	// different request (the HTTP API answers 422).
	ErrIdempotencyMismatch = errors.New("smsc: idempotency key already used for a different request")
	// ErrIdempotencyInProgress is returned while the first request with the
	// key is still being processed (the HTTP API answers 409).
	ErrIdempotencyInProgress = errors.New("smsc: a request with this idempotency key is in progress")
)

// idempotencyStale is how long a pending record (its request never
// finished, e.g. the node crashed) blocks the key before a retry may take
// it over.
const idempotencyStale = 2 * time.Minute

// IdempotentResult is the stored outcome of a request: a status (the HTTP
// API stores its HTTP status) and an opaque body.
type IdempotentResult struct {
	Status int    `json:"status"`
	Body   []byte `json:"body"`
}

type idemRecord struct {
	Fingerprint string            `json:"fp"`
	Pending     bool              `json:"pending,omitempty"`
	Started     time.Time         `json:"started"`
	Result      *IdempotentResult `json:"result,omitempty"`
}

// MaxIdempotencyKey is the longest accepted key.
const MaxIdempotencyKey = 255

// Idempotent runs do at most once per (owner, key) within 24h. The first
// call records fingerprint (a digest of the request) and do's result; a
// later call with the same key and fingerprint returns that result with
// replayed set, without running do; with another fingerprint it returns
// ErrIdempotencyMismatch. While the first call runs, others get
// ErrIdempotencyInProgress. Results with Status >= 500 are not kept, so a
// retry after a server-side failure runs again.
func (s *Server) Idempotent(ctx context.Context, owner, key, fingerprint string, do func() IdempotentResult) (res IdempotentResult, replayed bool, err error) {
	if key == "" || len(key) > MaxIdempotencyKey {
		return res, false, &FieldError{"Idempotency-Key", "must be 1 to 255 characters"}
	}
	for _, c := range key {
		if c < 0x20 || c > 0x7e {
			return res, false, &FieldError{"Idempotency-Key", "must be printable ASCII"}
		}
	}
	if s.st == nil {
		return res, false, errNotStarted
	}
	kv, err := s.front.bucket(ctx, &s.front.idemp, s.st.EnsureIdempotency)
	if err != nil {
		return res, false, err
	}
	k := "k." + store.KeyPart(owner) + "." + tokenID(key)
	rec := idemRecord{Fingerprint: fingerprint, Pending: true, Started: s.now()}
	b, _ := json.Marshal(rec)
	rev, err := kv.Create(ctx, k, b)
	for attempt := 0; errors.Is(err, store.ErrExists); attempt++ {
		var cur []byte
		cur, rev, err = kv.Get(ctx, k)
		if errors.Is(err, store.ErrNotFound) { // expired or abandoned meanwhile
			rev, err = kv.Create(ctx, k, b)
			continue
		}
		if err != nil {
			return res, false, err
		}
		var old idemRecord
		if err := json.Unmarshal(cur, &old); err != nil {
			return res, false, err
		}
		switch {
		case old.Fingerprint != fingerprint:
			return res, false, ErrIdempotencyMismatch
		case !old.Pending && old.Result != nil:
			return *old.Result, true, nil
		case s.now().Sub(old.Started) < idempotencyStale || attempt > 2:
			return res, false, ErrIdempotencyInProgress
		}
		// Abandoned: take it over if nobody else did.
		rev, err = kv.Update(ctx, k, b, rev)
		if errors.Is(err, store.ErrConflict) {
			err = store.ErrExists // read again
		}
	}
	if err != nil {
		return res, false, err
	}
	res = do()
	// Store the outcome even if the client went away meanwhile.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if res.Status >= 500 {
		if err := kv.Delete(sctx, k); err != nil {
			s.log.Error("smsc: cannot release idempotency key", "account", owner, "err", err)
		}
		return res, false, nil
	}
	rec.Pending, rec.Result = false, &res
	b, _ = json.Marshal(rec)
	if _, err := kv.Update(sctx, k, b, rev); err != nil {
		s.log.Error("smsc: cannot store idempotent result", "account", owner, "err", err)
	}
	return res, false, nil
}
