package smsc

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Event is one live event of this node, for the dashboard and the HTTP
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
}

// Subscribe returns a channel of this node's events until ctx ends. A slow
// subscriber misses events rather than slowing the SMSC.
func (s *Server) Subscribe(ctx context.Context) <-chan Event {
	ch := make(chan Event, 512)
	h := &s.events
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[chan Event]struct{}{}
	}
	h.subs[ch] = struct{}{}
	h.n.Add(1)
	h.mu.Unlock()
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.n.Add(-1)
		h.mu.Unlock()
		close(ch)
	})
	return ch
}

// watching reports whether anyone subscribed (events are built only then).
func (s *Server) watching() bool { return s.events.n.Load() > 0 }

func (s *Server) emit(e Event) {
	if !s.watching() {
		return
	}
	e.Time = s.now()
	e.Node = s.cfg.Node
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
