package store

// Buckets of the HTTP front door: idempotency keys and API tokens. They are
// created on first use (Ensure…) rather than in Open, so an SMSC that never
// serves HTTP does not carry them.
//
//   - KV <P>_IDEMP: one record per (account, Idempotency-Key), kept 24h
//     after its last write (the bucket's TTL), so retries are deduplicated
//     across restarts and across nodes.
//   - KV <P>_TOKENS: API bearer tokens, keyed t.<owner>.<sha256 of the
//     token>; only the hash is stored. The bucket's TTL bounds the longest
//     token lifetime; each record carries its own expiry.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrExists is returned by KV.Create when the key is already set.
var ErrExists = errors.New("store: key exists")

// ErrConflict is returned by KV.Update when the record changed since it was
// read (compare-and-swap on the revision failed).
var ErrConflict = errors.New("store: revision conflict")

// IdempotencyTTL is how long idempotency records are kept.
const IdempotencyTTL = 24 * time.Hour

// MaxTokenTTL is the longest lifetime of an API token.
const MaxTokenTTL = 90 * 24 * time.Hour

// KV is a key-value bucket with compare-and-swap, for records of the
// front doors (idempotency keys, tokens). Keys are made of parts joined by
// "."; use KeyPart for parts that come from users.
type KV struct{ kv jetstream.KeyValue }

// KeyPart makes s safe as one part of a key (and of a NATS subject): letters,
// digits, '-' and '_' pass; anything else is hex-encoded after "x-".
func KeyPart(s string) string { return token(s) }

func (s *Store) ensureKV(ctx context.Context, name string, ttl time.Duration) (*KV, error) {
	b, err := s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:   s.opts.Prefix + "_" + name,
		Storage:  s.storage(),
		Replicas: s.opts.Replicas,
		TTL:      ttl,
		History:  1,
	})
	if err != nil {
		return nil, fmt.Errorf("store: bucket %s_%s: %w", s.opts.Prefix, name, err)
	}
	return &KV{b}, nil
}

// EnsureIdempotency opens (creating if needed) the idempotency bucket, whose
// records expire IdempotencyTTL after their last write.
func (s *Store) EnsureIdempotency(ctx context.Context) (*KV, error) {
	return s.ensureKV(ctx, "IDEMP", IdempotencyTTL)
}

// EnsureTokens opens (creating if needed) the API token bucket, whose
// records expire MaxTokenTTL after they were written.
func (s *Store) EnsureTokens(ctx context.Context) (*KV, error) {
	return s.ensureKV(ctx, "TOKENS", MaxTokenTTL)
}

// Get returns the value and revision of key, or ErrNotFound.
func (k *KV) Get(ctx context.Context, key string) ([]byte, uint64, error) {
	e, err := k.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store: get %s: %w", key, err)
	}
	return e.Value(), e.Revision(), nil
}

// Create sets key only if it is not set, or ErrExists.
func (k *KV) Create(ctx context.Context, key string, value []byte) (uint64, error) {
	rev, err := k.kv.Create(ctx, key, value)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return 0, ErrExists
	}
	if err != nil {
		return 0, fmt.Errorf("store: create %s: %w", key, err)
	}
	return rev, nil
}

// Update sets key if its revision is still rev, or ErrConflict.
func (k *KV) Update(ctx context.Context, key string, value []byte, rev uint64) (uint64, error) {
	n, err := k.kv.Update(ctx, key, value, rev)
	if err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return 0, ErrConflict
		}
		return 0, fmt.Errorf("store: update %s: %w", key, err)
	}
	return n, nil
}

// Put sets key whatever its current value.
func (k *KV) Put(ctx context.Context, key string, value []byte) (uint64, error) {
	n, err := k.kv.Put(ctx, key, value)
	if err != nil {
		return 0, fmt.Errorf("store: put %s: %w", key, err)
	}
	return n, nil
}

// Delete removes key (no error if it is not set).
func (k *KV) Delete(ctx context.Context, key string) error {
	if err := k.kv.Purge(ctx, key); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("store: delete %s: %w", key, err)
	}
	return nil
}

// Keys returns the keys matching a subject-style filter ("t.acct.*").
func (k *KV) Keys(ctx context.Context, filter string) ([]string, error) {
	l, err := k.kv.ListKeysFiltered(ctx, filter)
	if err != nil {
		if errors.Is(err, jetstream.ErrNoKeysFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("store: keys %s: %w", filter, err)
	}
	defer l.Stop()
	var out []string
	for key := range l.Keys() {
		out = append(out, key)
	}
	return out, nil
}
