package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// stateKey is r.<owner>.<id> for messages whose owner asked for a receipt and
// n.<owner>.<id> for the others.
func stateKey(owner, id string, receipt bool) string {
	k := "n."
	if receipt {
		k = "r."
	}
	return k + token(owner) + "." + id
}

// intermediateKey is i.<owner>.<id>: an intermediate notification has a
// key of its own, so that a final state following it quickly cannot replace
// it (the bucket keeps one revision per key) before the owner's receipt
// consumer took it.
func intermediateKey(owner, id string) string { return "i." + token(owner) + "." + id }

// PutIntermediate records a non-final state of a message (ENROUTE) and
// queues it as an intermediate notification for the owner.
func (s *Store) PutIntermediate(ctx context.Context, st *State) error {
	_, err := s.state.Put(ctx, intermediateKey(st.Owner, st.ID), encodeState(st))
	if err != nil {
		return fmt.Errorf("store: state %s: %w", st.ID, err)
	}
	return nil
}

// Finalize records a final state unless one is already recorded, and
// reports whether this call recorded it. Concurrent or repeated attempts (a
// redelivery after a crash, two nodes expiring the same message) record it
// exactly once, so exactly one receipt is produced.
//
// With checkOther, a final state already recorded under the other key (the
// receipt flag can differ between outcomes of one message) also counts; the
// caller may skip that read when no other outcome can have been recorded.
func (s *Store) Finalize(ctx context.Context, st *State, receipt, checkOther bool) (bool, error) {
	key := stateKey(st.Owner, st.ID, receipt)
	if checkOther {
		if other, err := s.getState(ctx, stateKey(st.Owner, st.ID, !receipt)); err == nil && other.State.Final() {
			return false, nil
		}
	}
	err := s.kvCreate(ctx, key, encodeState(st))
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return false, fmt.Errorf("store: finalize %s: %w", st.ID, err)
	}
	// A record exists: overwrite it only if it is not final yet.
	for range 3 {
		e, err := s.state.Get(ctx, key)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			if _, err = s.state.Create(ctx, key, encodeState(st)); err == nil {
				return true, nil
			}
			continue
		}
		if err != nil {
			return false, fmt.Errorf("store: finalize %s: %w", st.ID, err)
		}
		var cur State
		if decodeState(e.Value(), &cur) == nil && cur.State.Final() {
			return false, nil
		}
		if _, err = s.state.Update(ctx, key, encodeState(st), e.Revision()); err == nil {
			return true, nil
		}
	}
	return false, fmt.Errorf("store: finalize %s: contention", st.ID)
}

// PutGroup records the message ids of the destinations of one submit_multi
// under the id it was answered with (the first destination's), so that
// cancel_sm and replace_sm of that id reach every destination (SMPP v3.4
// §4.5.2). The record lives as long as the messages (the state bucket's
// retention).
func (s *Store) PutGroup(ctx context.Context, owner, id string, members []string) error {
	if _, err := s.state.Put(ctx, groupKey(owner, id), marshal(members)); err != nil {
		return fmt.Errorf("store: group %s: %w", id, err)
	}
	return nil
}

// Group returns the ids recorded by PutGroup for the owner's id, or
// ErrNotFound when id is not a submit_multi of several destinations.
func (s *Store) Group(ctx context.Context, owner, id string) ([]string, error) {
	e, err := s.state.Get(ctx, groupKey(owner, id))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: group %s: %w", id, err)
	}
	var members []string
	if err := json.Unmarshal(e.Value(), &members); err != nil {
		return nil, fmt.Errorf("store: group %s: %w", id, err)
	}
	return members, nil
}

func groupKey(owner, id string) string { return "g." + token(owner) + "." + id }

// State returns the recorded state of the owner's message, or ErrNotFound:
// the final state when there is one (under either key), else the latest
// intermediate one.
func (s *Store) State(ctx context.Context, owner, id string) (*State, error) {
	st, err := s.FinalState(ctx, owner, id)
	if !errors.Is(err, ErrNotFound) {
		return st, err
	}
	return s.IntermediateState(ctx, owner, id)
}

// IntermediateState returns the intermediate state recorded for the
// owner's message (PutIntermediate), or ErrNotFound.
func (s *Store) IntermediateState(ctx context.Context, owner, id string) (*State, error) {
	return s.getState(ctx, intermediateKey(owner, id))
}

// FinalState returns the final state recorded for the owner's message, or
// ErrNotFound while there is none.
func (s *Store) FinalState(ctx context.Context, owner, id string) (*State, error) {
	for _, receipt := range [2]bool{true, false} {
		st, err := s.getState(ctx, stateKey(owner, id, receipt))
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if st.State.Final() {
			return st, nil
		}
	}
	return nil, ErrNotFound
}

func (s *Store) getState(ctx context.Context, key string) (*State, error) {
	e, err := s.state.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: state %s: %w", key, err)
	}
	var st State
	if err := decodeState(e.Value(), &st); err != nil {
		return nil, fmt.Errorf("store: state %s: %w", key, err)
	}
	return &st, nil
}

// Receipt is a state record queued for delivery as a receipt to its owner.
type Receipt struct {
	State   *State
	Attempt int
	Seq     uint64 // sequence in the state stream
	raw     jetstream.Msg
}

// Ack removes the receipt from the owner's queue.
func (r *Receipt) Ack() error { return r.raw.Ack() }

// Retry redelivers the receipt after delay.
func (r *Receipt) Retry(delay time.Duration) error { return r.raw.NakWithDelay(delay) }

// Extend tells the store the receipt's delivery is still in progress.
func (r *Receipt) Extend() error { return r.raw.InProgress() }

func (s *Store) ensureReceipts(ctx context.Context, owner string, o ConsumeOptions) (jetstream.Consumer, error) {
	if o.MaxPending <= 0 {
		o.MaxPending = 4096
	}
	if o.AckWait <= 0 {
		o.AckWait = 60 * time.Second
	}
	c, err := s.jsc.CreateOrUpdateConsumer(ctx, "KV_"+s.kvState, jetstream.ConsumerConfig{
		Durable: "dlr_" + token(owner),
		FilterSubjects: []string{
			"$KV." + s.kvState + ".r." + token(owner) + ".*",
			"$KV." + s.kvState + ".i." + token(owner) + ".*",
		},
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       o.AckWait,
		MaxAckPending: o.MaxPending,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		MaxDeliver:    -1,
	})
	if err != nil {
		return nil, fmt.Errorf("store: receipts of %s: %w", owner, err)
	}
	return c, nil
}

// EnsureReceipts creates the owner's durable receipt consumer, so receipts
// are kept while the owner has no receiver bound.
func (s *Store) EnsureReceipts(ctx context.Context, owner string, o ConsumeOptions) error {
	_, err := s.ensureReceipts(ctx, owner, o)
	return err
}

// ConsumeReceipts hands the owner's queued receipts to fn until Stop.
func (s *Store) ConsumeReceipts(ctx context.Context, owner string, o ConsumeOptions, fn func(*Receipt)) (*Consumer, error) {
	c, err := s.ensureReceipts(ctx, owner, o)
	if err != nil {
		return nil, err
	}
	batch := min(max(o.MaxPending/4, 16), 1024)
	cc, err := c.Consume(func(raw jetstream.Msg) {
		if len(raw.Data()) == 0 || raw.Headers().Get("KV-Operation") != "" {
			raw.Ack() // a delete or purge marker, not a receipt
			return
		}
		var st State
		if err := decodeState(raw.Data(), &st); err != nil {
			raw.Term()
			return
		}
		r := &Receipt{State: &st, Attempt: 1, raw: raw}
		if md, err := raw.Metadata(); err == nil {
			r.Attempt = int(md.NumDelivered)
			r.Seq = md.Sequence.Stream
		}
		fn(r)
	}, jetstream.PullMaxMessages(batch))
	if err != nil {
		return nil, fmt.Errorf("store: consume receipts of %s: %w", owner, err)
	}
	return &Consumer{cc}, nil
}

// MarkReceiptDelivered records that the owner's peer acknowledged the receipt
// for id, so a redelivery after a crash is not sent again.
func (s *Store) MarkReceiptDelivered(ctx context.Context, id string) error {
	return s.kvPut(ctx, "d."+id, []byte{1}, false)
}

// kvCreate stores a new key of the state bucket (failing with
// jetstream.ErrKeyExists when it exists): an asynchronous publish with the
// expected-last-subject-sequence check, cheaper than a request per call.
func (s *Store) kvCreate(ctx context.Context, key string, val []byte) error {
	err := s.kvPut(ctx, key, val, true)
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence || apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant) {
		// The key exists — or was deleted (then Create may still succeed).
		_, cerr := s.state.Create(ctx, key, val)
		return cerr
	}
	return err
}

// kvPut publishes a value of the state bucket asynchronously and waits for
// its storage acknowledgement.
func (s *Store) kvPut(ctx context.Context, key string, val []byte, create bool) error {
	m := nats.NewMsg("$KV." + s.kvState + "." + key)
	m.Data = val
	if create {
		m.Header.Set(jetstream.ExpectedLastSubjSeqHeader, "0")
	}
	f, err := s.js.PublishMsgAsync(m)
	if err != nil {
		return err
	}
	select {
	case <-f.Ok():
		return nil
	case err := <-f.Err():
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ReceiptDelivered reports whether MarkReceiptDelivered was recorded for id.
func (s *Store) ReceiptDelivered(ctx context.Context, id string) (bool, error) {
	_, err := s.state.Get(ctx, "d."+id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Control is a cancellation or replacement of a message, shared by all nodes.
type Control struct {
	ID       string `json:"id"`
	Owner    string `json:"owner"`
	Cancel   bool   `json:"cancel,omitempty"`
	Replace  []byte `json:"replace,omitempty"` // new encoded PDU for the message
	Schedule string `json:"schedule,omitempty"`
	Validity string `json:"validity,omitempty"`
	// Resolved replacement times and receipt request (zero: keep).
	ScheduleAt time.Time `json:"schedule_at,omitzero"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	Receipt    *uint8    `json:"receipt,omitempty"`
}

// PutControl records a cancellation or replacement.
func (s *Store) PutControl(ctx context.Context, c *Control) error {
	_, err := s.ctrl.Put(ctx, "m."+c.ID, marshal(c))
	return err
}

// WatchControls calls fn for every control record, past and future, until
// ctx ends. It returns once the existing records were replayed.
func (s *Store) WatchControls(ctx context.Context, fn func(*Control)) error {
	return watchPuts(ctx, s.ctrl, "controls", func(key string, value []byte) {
		var c Control
		if json.Unmarshal(value, &c) == nil && strings.HasPrefix(key, "m.") {
			fn(&c)
		}
	})
}

// idNum parses a message id.
func idNum(id string) (uint64, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	return n, err == nil && n > 0
}

// PutAccount stores an account record (runtime accounts).
func (s *Store) PutAccount(ctx context.Context, systemID string, data []byte) error {
	_, err := s.accounts.Put(ctx, "a."+token(systemID), data)
	return err
}

// WatchAccounts calls fn with every stored account record, past and future,
// until ctx ends; it returns once the existing ones were replayed.
func (s *Store) WatchAccounts(ctx context.Context, fn func(data []byte)) error {
	return watchPuts(ctx, s.accounts, "accounts", func(_ string, value []byte) { fn(value) })
}

// watchPuts calls fn for every put in kv, past and future, from one
// goroutine until ctx ends; deletes are skipped. It returns once the
// existing entries were replayed (or ctx ended first); what names the
// bucket in the error.
func watchPuts(ctx context.Context, kv jetstream.KeyValue, what string, fn func(key string, value []byte)) error {
	w, err := kv.WatchAll(ctx)
	if err != nil {
		return fmt.Errorf("store: watch %s: %w", what, err)
	}
	ready := make(chan struct{})
	go func() {
		defer w.Stop()
		initial := true
		replayed := func() {
			if initial {
				initial = false
				close(ready)
			}
		}
		for {
			select {
			case <-ctx.Done():
				replayed()
				return
			case e, ok := <-w.Updates():
				if !ok {
					replayed()
					return
				}
				if e == nil { // end of the initial replay
					replayed()
					continue
				}
				if e.Operation() == jetstream.KeyValuePut {
					fn(e.Key(), e.Value())
				}
			}
		}
	}()
	select {
	case <-ready:
	case <-ctx.Done():
	}
	return nil
}
