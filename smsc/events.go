package smsc

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"
)

// Event is one live event of a node (Node), for the dashboard and the HTTP
// event stream.
type Event struct {
	Type    string    `json:"type"` // submitted, delivered, failed, expired, receipt, mo, bound, unbound, phone
	Time    time.Time `json:"time"`
	Node    string    `json:"node,omitempty"`
	Account string    `json:"account,omitempty"`
	ID      string    `json:"id,omitempty"`
	From    string    `json:"from,omitempty"`
	To      string    `json:"to,omitempty"`
	State   string    `json:"state,omitempty"`
	Text    string    `json:"text,omitempty"`
	Session string    `json:"session,omitempty"`
	Mode    string    `json:"mode,omitempty"`
}

type eventHub struct {
	n    atomic.Int32
	mu   sync.Mutex
	subs map[chan Event]struct{}
	// remoteUntil is when the last announcement of another node's watchers
	// runs out (Unix nanoseconds): until then this node publishes its
	// events to the cluster.
	remoteUntil atomic.Int64
	shared      atomic.Bool // events are exchanged with other nodes
}

// Subscribe returns a channel of the events of this node — and of every
// node that shares the store — until ctx ends. A slow subscriber misses
// events rather than slowing the SMSC.
func (s *Server) Subscribe(ctx context.Context) <-chan Event {
	ch := make(chan Event, 512)
	h := &s.events
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[chan Event]struct{}{}
	}
	h.subs[ch] = struct{}{}
	first := h.n.Add(1) == 1
	h.mu.Unlock()
	if first {
		s.announceWatch() // the other nodes start publishing at once
	}
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.n.Add(-1)
		h.mu.Unlock()
		close(ch)
	})
	return ch
}

// watching reports whether anyone, here or on another node, watches the
// events (they are built only then).
func (s *Server) watching() bool {
	return s.events.n.Load() > 0 || s.remoteWatching()
}

// remoteWatching reports whether another node announced watchers lately
// (never with a store of its own: then no clock is read).
func (s *Server) remoteWatching() bool {
	until := s.events.remoteUntil.Load()
	return until != 0 && until > time.Now().UnixNano()
}

func (s *Server) emit(e Event) {
	if !s.watching() {
		return
	}
	e.Time = s.now()
	e.Node = s.cfg.Node
	if s.remoteWatching() {
		b, _ := json.Marshal(clusterEvent{Instance: s.instance, Event: e})
		s.st.PublishEvent(b)
	}
	s.deliverEvent(e)
}

// deliverEvent hands e to this node's subscribers.
func (s *Server) deliverEvent(e Event) {
	h := &s.events
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- e:
		default:
		}
	}
}

// Live events across nodes (store.AnnounceWatch, PublishEvent): a node with
// subscribers announces it when the first one comes and every
// watchAnnounce while they stay; a node that heard an announcement
// publishes its events for watchHeard.
const (
	watchAnnounce = 3 * time.Second
	watchHeard    = 10 * time.Second
)

// clusterEvent is an event published to the other nodes.
type clusterEvent struct {
	Instance string `json:"instance"`
	Event    Event  `json:"event"`
}

// announceWatch tells the other nodes that this one has subscribers.
func (s *Server) announceWatch() {
	if s.events.shared.Load() {
		s.st.AnnounceWatch([]byte(s.instance))
	}
}

// clusterEvents exchanges events with the other nodes while the store is
// shared: it hears announcements and events, and announces this node's
// subscribers every watchAnnounce.
func (s *Server) clusterEvents() error {
	if !s.sharedStore() {
		return nil
	}
	stop, err := s.st.SubscribeEvents(func(b []byte) {
		if string(b) != s.instance {
			s.events.remoteUntil.Store(time.Now().Add(watchHeard).UnixNano())
		}
	}, func(b []byte) {
		var ce clusterEvent
		if s.events.n.Load() == 0 || json.Unmarshal(b, &ce) != nil || ce.Instance == s.instance {
			return
		}
		s.deliverEvent(ce.Event)
	})
	if err != nil {
		return err
	}
	s.stopEvents = stop
	s.events.shared.Store(true)
	s.every(watchAnnounce, func() {
		if s.events.n.Load() > 0 {
			s.announceWatch()
		}
	})
	return nil
}
