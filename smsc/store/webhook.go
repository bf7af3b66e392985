package store

// Webhook attempts: stream <P>_WEBHOOK, subjects <p>.wh.<account>.<id>, one
// record per HTTP attempt to deliver an MO message or a receipt to an
// account's webhook, kept for the store's retention (and at most
// WebhookAttemptsMax records), so they can be listed through the API.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// WebhookAttemptsMax bounds the attempts kept (oldest dropped first).
const WebhookAttemptsMax = 1_000_000

// WebhookAttempt is one HTTP attempt to deliver an event to a webhook.
type WebhookAttempt struct {
	Seq       uint64    `json:"seq"` // position in the log, filled on read
	Account   string    `json:"account"`
	Event     string    `json:"event"` // mo or receipt
	ID        string    `json:"id"`    // message id the event is about
	Delivery  string    `json:"delivery"`
	Attempt   int       `json:"attempt"`
	URL       string    `json:"url"`
	Status    int       `json:"status,omitempty"` // HTTP status; 0 when no response
	Error     string    `json:"error,omitempty"`
	OK        bool      `json:"ok"`
	Time      time.Time `json:"time"`
	Duration  float64   `json:"duration_ms"`
	NextRetry time.Time `json:"next_retry,omitzero"`
	Node      string    `json:"node,omitempty"`
}

// WebhookLog is the stream of webhook attempts.
type WebhookLog struct {
	s      *Store
	stream jetstream.Stream
	name   string
}

// EnsureWebhookLog opens (creating if needed) the webhook attempts stream.
func (s *Store) EnsureWebhookLog(ctx context.Context) (*WebhookLog, error) {
	name := s.opts.Prefix + "_WEBHOOK"
	st, err := s.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        name,
		Subjects:    []string{s.prefix + ".wh.>"},
		Storage:     s.storage(),
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      s.opts.Retention,
		MaxMsgs:     WebhookAttemptsMax,
		Replicas:    s.opts.Replicas,
		AllowDirect: true,
		Discard:     jetstream.DiscardOld,
	})
	if err != nil {
		return nil, fmt.Errorf("store: stream %s: %w", name, err)
	}
	return &WebhookLog{s: s, stream: st, name: name}, nil
}

func (w *WebhookLog) subject(account, id string) string {
	return w.s.prefix + ".wh." + token(account) + "." + token(id)
}

// Record appends an attempt.
func (w *WebhookLog) Record(ctx context.Context, a *WebhookAttempt) error {
	if _, err := w.s.js.Publish(ctx, w.subject(a.Account, a.ID), marshal(a)); err != nil {
		return fmt.Errorf("store: record webhook attempt: %w", err)
	}
	return nil
}

// List returns up to limit of account's attempts after the log position
// after (0: from the oldest kept), oldest first, only those about message id
// when id is not empty, and the cursor of the next page (0 at the end).
func (w *WebhookLog) List(ctx context.Context, account, id string, after uint64, limit int) ([]WebhookAttempt, uint64, error) {
	filter := w.s.prefix + ".wh." + token(account) + ".*"
	if id != "" {
		filter = w.subject(account, id)
	}
	return page(ctx, w.s.js, w.name, filter, after, limit, "webhook attempts",
		func(data []byte, seq uint64) (WebhookAttempt, bool) {
			var a WebhookAttempt
			if json.Unmarshal(data, &a) != nil {
				return a, false
			}
			a.Seq = seq
			return a, true
		})
}

// FormatCursor and ParseCursor convert log positions for APIs.
func FormatCursor(n uint64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatUint(n, 10)
}

// ParseCursor parses a cursor made by FormatCursor ("" is the start).
func ParseCursor(s string) (uint64, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
