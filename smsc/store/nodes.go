package store

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
)

// Requests between the nodes that share a store, over its NATS connection:
// the admin's view of the cluster's sessions, and an unbind of a session
// held by another node, and the virtual phones' messages. Subjects:
// <prefix>.nodes.sessions and <prefix>.nodes.phone (every node answers),
// <prefix>.nodes.<node>.kick (the node named answers).

// NodeHandlers answer the requests of other nodes.
type NodeHandlers struct {
	// Sessions returns this node's sessions, encoded by the caller.
	Sessions func() []byte
	// Phone returns the messages this node's simulated network handled
	// for one number, encoded by the caller.
	Phone func(number string) []byte
	// Kick unbinds this node's session id and reports whether it had it.
	Kick func(ctx context.Context, id string) bool
}

// ServeNode answers other nodes' requests for the node named node until
// the returned stop is called.
func (s *Store) ServeNode(node string, h NodeHandlers) (stop func(), err error) {
	sub1, err := s.nc.Subscribe(s.prefix+".nodes.*", func(m *nats.Msg) {
		switch m.Subject[len(s.prefix)+len(".nodes."):] {
		case "sessions":
			m.Respond(h.Sessions())
		case "phone":
			m.Respond(h.Phone(string(m.Data)))
		}
	})
	if err != nil {
		return nil, fmt.Errorf("store: serve node: %w", err)
	}
	sub2, err := s.nc.Subscribe(s.prefix+".nodes."+token(node)+".kick", func(m *nats.Msg) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if h.Kick(ctx, string(m.Data)) {
			m.Respond([]byte("ok"))
			return
		}
		m.Respond([]byte("none"))
	})
	if err != nil {
		sub1.Unsubscribe()
		return nil, fmt.Errorf("store: serve node: %w", err)
	}
	s.nc.FlushTimeout(5 * time.Second) // the server knows the subscriptions before Start returns
	return func() { sub1.Unsubscribe(); sub2.Unsubscribe() }, nil
}

// Gather asks every node for its sessions (what "sessions") or for the
// messages of the virtual phone data (what "phone") and returns the answers
// that arrive within wait (the number of nodes is not known: a node that
// answers later is left out).
func (s *Store) Gather(ctx context.Context, what string, data []byte, wait time.Duration) ([][]byte, error) {
	inbox := nats.NewInbox()
	ch := make(chan *nats.Msg, 64)
	sub, err := s.nc.ChanSubscribe(inbox, ch)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer sub.Unsubscribe()
	if err := s.nc.PublishRequest(s.prefix+".nodes."+what, inbox, data); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	var out [][]byte
	for {
		select {
		case m := <-ch:
			out = append(out, m.Data)
		case <-t.C:
			return out, nil
		case <-ctx.Done():
			return out, ctx.Err()
		}
	}
}

// KickOnNode asks node to unbind its session id and reports whether it
// had it.
func (s *Store) KickOnNode(ctx context.Context, node, id string) (bool, error) {
	m, err := s.nc.RequestWithContext(ctx, s.prefix+".nodes."+token(node)+".kick", []byte(id))
	if err != nil {
		return false, fmt.Errorf("store: kick on %s: %w", node, err)
	}
	return string(m.Data) == "ok", nil
}

// Live events across nodes: a node whose events someone watches announces
// it (AnnounceWatch, <prefix>.events.want), and the nodes that heard it
// publish their events (PublishEvent, <prefix>.events) for a while.

// AnnounceWatch tells the other nodes that events are watched here; b
// identifies this node.
func (s *Store) AnnounceWatch(b []byte) error { return s.nc.Publish(s.prefix+".events.want", b) }

// PublishEvent sends one encoded event to the nodes that watch.
func (s *Store) PublishEvent(b []byte) error { return s.nc.Publish(s.prefix+".events", b) }

// SubscribeEvents calls onWant for every announcement and onEvent for every
// event published by any node (this one's included) until stop.
func (s *Store) SubscribeEvents(onWant, onEvent func([]byte)) (stop func(), err error) {
	sub1, err := s.nc.Subscribe(s.prefix+".events.want", func(m *nats.Msg) { onWant(m.Data) })
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	sub2, err := s.nc.Subscribe(s.prefix+".events", func(m *nats.Msg) { onEvent(m.Data) })
	if err != nil {
		sub1.Unsubscribe()
		return nil, fmt.Errorf("store: events: %w", err)
	}
	s.nc.FlushTimeout(5 * time.Second)
	return func() { sub1.Unsubscribe(); sub2.Unsubscribe() }, nil
}
