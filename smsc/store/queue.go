package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ErrNotFound is returned for unknown message ids and keys.
var ErrNotFound = errors.New("store: not found")

// mtSubject is <p>.mt.<target>.<owner> ("_" for messages without an owner,
// MO from the network): consumers filter by target, listings by owner.
func (s *Store) mtSubject(target, owner string) string {
	o := "_"
	if owner != "" {
		o = token(owner)
	}
	return s.prefix + ".mt." + token(target) + "." + o
}

// mtFilter matches every message queued for target.
func (s *Store) mtFilter(target string) string { return s.prefix + ".mt." + token(target) + ".*" }

// ownerFilter matches every message of owner, whatever its target.
func (s *Store) ownerFilter(owner string) string { return s.prefix + ".mt.*." + token(owner) }

// Pending is an MT publish whose storage acknowledgement is awaited.
type Pending struct {
	f jetstream.PubAckFuture
}

// Wait returns the message id once the message is durably stored.
func (p Pending) Wait(ctx context.Context) (string, error) {
	select {
	case ack := <-p.f.Ok():
		return strconv.FormatUint(ack.Sequence, 10), nil
	case err := <-p.f.Err():
		return "", fmt.Errorf("store: enqueue: %w", err)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// EnqueueAsync starts storing m in its target's queue. Concurrent callers are
// pipelined; call Wait for the message id, which is valid only once stored.
func (s *Store) EnqueueAsync(m *Message) (Pending, error) {
	msg := nats.NewMsg(s.mtSubject(m.Target, m.Owner))
	msg.Data = encodeMessage(m)
	f, err := s.js.PublishMsgAsync(msg)
	if err != nil {
		return Pending{}, fmt.Errorf("store: enqueue: %w", err)
	}
	return Pending{f}, nil
}

// Enqueue stores m and returns its message id.
func (s *Store) Enqueue(ctx context.Context, m *Message) (string, error) {
	p, err := s.EnqueueAsync(m)
	if err != nil {
		return "", err
	}
	return p.Wait(ctx)
}

// Message returns the stored message with the id, or ErrNotFound.
func (s *Store) Message(ctx context.Context, id string) (*Message, error) {
	seq, err := strconv.ParseUint(id, 10, 64)
	if err != nil || seq == 0 {
		return nil, ErrNotFound
	}
	raw, err := s.mt.GetMsg(ctx, seq)
	if err != nil {
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("store: message %s: %w", id, err)
	}
	var m Message
	if err := decodeMessage(raw.Data, &m); err != nil {
		return nil, fmt.Errorf("store: message %s: %w", id, err)
	}
	m.ID = id
	return &m, nil
}

// Delivery is one message handed to a delivery worker. Exactly one of Ack,
// Retry or Drop must be called.
type Delivery struct {
	Msg     *Message
	Attempt int    // 1 for the first delivery (as far as the store recorded)
	Seq     uint64 // stream sequence (the message id as a number)
	raw     jetstream.Msg
}

// Ack removes the message from its queue.
func (d *Delivery) Ack() error { return d.raw.Ack() }

// Retry returns the message to its queue to be delivered again after delay.
func (d *Delivery) Retry(delay time.Duration) error { return d.raw.NakWithDelay(delay) }

// Extend tells the store the delivery is still in progress.
func (d *Delivery) Extend() error { return d.raw.InProgress() }

// Drop removes a message that can never be delivered (undecodable record).
func (d *Delivery) Drop() error { return d.raw.Term() }

// ConsumeOptions tune a queue consumer.
type ConsumeOptions struct {
	// MaxPending bounds messages handed out and not yet acked (default 4096).
	MaxPending int
	// AckWait is how long a handed-out message may stay unacked before it is
	// redelivered (default 60s).
	AckWait time.Duration
}

// Consumer is a running queue consumer; Stop ends it.
type Consumer struct{ cc jetstream.ConsumeContext }

// Stop stops handing out messages; messages already handed out stay valid.
func (c *Consumer) Stop() { c.cc.Stop() }

// EnsureQueue creates the durable consumer of a target's queue, so messages
// are kept for it before any node consumes them.
func (s *Store) EnsureQueue(ctx context.Context, target string, o ConsumeOptions) (jetstream.Consumer, error) {
	if o.MaxPending <= 0 {
		o.MaxPending = 4096
	}
	if o.AckWait <= 0 {
		o.AckWait = 60 * time.Second
	}
	name := "mt_" + token(target)
	c, err := s.jsc.CreateOrUpdateConsumer(ctx, s.mtName, jetstream.ConsumerConfig{
		Durable:       name,
		FilterSubject: s.mtFilter(target),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       o.AckWait,
		MaxAckPending: o.MaxPending,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		MaxDeliver:    -1,
	})
	if err != nil {
		return nil, fmt.Errorf("store: queue %s: %w", target, err)
	}
	return c, nil
}

// Consume hands the target's queued messages to fn, on one goroutine, until
// Stop. Several nodes consuming the same target share its messages.
func (s *Store) Consume(ctx context.Context, target string, o ConsumeOptions, fn func(*Delivery)) (*Consumer, error) {
	c, err := s.EnsureQueue(ctx, target, o)
	if err != nil {
		return nil, err
	}
	batch := min(max(o.MaxPending/4, 16), 1024)
	cc, err := c.Consume(func(raw jetstream.Msg) {
		d := &Delivery{raw: raw, Attempt: 1}
		if md, err := raw.Metadata(); err == nil {
			d.Attempt = int(md.NumDelivered)
			d.Seq = md.Sequence.Stream
			var m Message
			if err := decodeMessage(raw.Data(), &m); err != nil {
				raw.Term()
				return
			}
			m.ID = strconv.FormatUint(md.Sequence.Stream, 10)
			d.Msg = &m
		} else {
			raw.Term()
			return
		}
		fn(d)
	}, jetstream.PullMaxMessages(batch))
	if err != nil {
		return nil, fmt.Errorf("store: consume %s: %w", target, err)
	}
	return &Consumer{cc}, nil
}

// Horizon returns the last sequence of the message stream and of the state
// stream. Records up to these may have been handed out before a crash
// without the store having persisted it (JetStream writes consumer state
// periodically), so their deliveries must be checked against the recorded
// outcome even when they look like first attempts.
func (s *Store) Horizon(ctx context.Context) (mt, state uint64, err error) {
	mi, err := s.mt.Info(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("store: horizon: %w", err)
	}
	ss, err := s.js.Stream(ctx, "KV_"+s.kvState)
	if err != nil {
		return 0, 0, fmt.Errorf("store: horizon: %w", err)
	}
	si, err := ss.Info(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("store: horizon: %w", err)
	}
	return mi.State.LastSeq, si.State.LastSeq, nil
}

// QueueDepth returns the number of messages waiting in the target's queue
// (not yet acknowledged), for metrics.
func (s *Store) QueueDepth(ctx context.Context, target string) (uint64, error) {
	c, err := s.js.Consumer(ctx, s.mtName, "mt_"+token(target))
	if err != nil {
		return 0, err
	}
	info, err := c.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.NumPending + uint64(info.NumAckPending), nil
}

// Scan reads, without taking or acknowledging them, the messages waiting in
// the target's queue (from its consumer's ack floor), calling fn for each
// until fn returns false or the queue's end is reached. It is used to expire
// messages of accounts that have no receiver bound.
func (s *Store) Scan(ctx context.Context, target string, fn func(*Message) bool) error {
	c, err := s.js.Consumer(ctx, s.mtName, "mt_"+token(target))
	if err != nil {
		return fmt.Errorf("store: scan %s: %w", target, err)
	}
	info, err := c.Info(ctx)
	if err != nil {
		return fmt.Errorf("store: scan %s: %w", target, err)
	}
	if info.NumPending == 0 && info.NumAckPending == 0 {
		return nil
	}
	oc, err := s.js.OrderedConsumer(ctx, s.mtName, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{s.mtFilter(target)},
		DeliverPolicy:  jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:    info.AckFloor.Stream + 1,
	})
	if err != nil {
		return fmt.Errorf("store: scan %s: %w", target, err)
	}
	last := info.Delivered.Stream + info.NumPending // upper bound of what is queued now
	for {
		batch, err := oc.FetchNoWait(256)
		if err != nil {
			return fmt.Errorf("store: scan %s: %w", target, err)
		}
		n := 0
		for raw := range batch.Messages() {
			n++
			md, err := raw.Metadata()
			if err != nil {
				continue
			}
			var m Message
			if decodeMessage(raw.Data(), &m) != nil {
				continue
			}
			m.ID = strconv.FormatUint(md.Sequence.Stream, 10)
			if !fn(&m) || md.NumPending == 0 || md.Sequence.Stream >= last {
				return nil
			}
		}
		if batch.Error() != nil || n == 0 {
			return nil
		}
	}
}

// List returns up to limit of owner's messages stored after the stream
// sequence after (0: from the oldest kept), oldest first, and the cursor for
// the next page (0 when there are no more).
func (s *Store) List(ctx context.Context, owner string, after uint64, limit int) ([]*Message, uint64, error) {
	return page(ctx, s.js, s.mtName, s.ownerFilter(owner), after, limit, "list",
		func(data []byte, seq uint64) (*Message, bool) {
			var m Message
			if decodeMessage(data, &m) != nil {
				return nil, false
			}
			m.ID = strconv.FormatUint(seq, 10)
			return &m, true
		})
}
