package smsc

import (
	"context"
	"strconv"
	"sync"
	"time"
)

// gates hold a message's receipts on this node until the response that
// gives the submitter its message_id is queued on the submitter's session:
// the network (or another ESME) can settle a message faster than the
// submit_sm_resp goes out, and an ESME that gets a receipt for an id it does
// not know yet drops it (Kannel does).
type gates struct {
	seq atomic64
	mu  sync.Mutex
	m   map[string]chan struct{}
}

type atomic64 struct {
	mu sync.Mutex
	n  uint64
}

func (a *atomic64) next() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n++
	return a.n
}

// open returns a new gate's token and its release function (idempotent).
func (s *Server) openGate() (string, func()) {
	g := &s.gates
	tok := s.cfg.Node + "." + strconv.FormatUint(g.seq.next(), 36)
	ch := make(chan struct{})
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]chan struct{}{}
	}
	g.m[tok] = ch
	g.mu.Unlock()
	return tok, func() {
		g.mu.Lock()
		c, ok := g.m[tok]
		delete(g.m, tok)
		g.mu.Unlock()
		if ok {
			close(c)
		}
	}
}

// waitGate waits (bounded) until the gate tok is released; gates of other
// nodes, and released ones, do not wait.
func (s *Server) waitGate(ctx context.Context, tok string) {
	if tok == "" {
		return
	}
	g := &s.gates
	g.mu.Lock()
	ch := g.m[tok]
	g.mu.Unlock()
	if ch == nil {
		return
	}
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	case <-ctx.Done():
	}
}

// receiptLocks serialise the receipts of one message, so that an
// intermediate notification is never sent after the final receipt.
type receiptLocks struct {
	mu sync.Mutex
	m  map[string]*receiptLock
}

type receiptLock struct {
	mu   sync.Mutex
	refs int
}

func (s *Server) lockReceipts(id string) func() {
	l := &s.rlocks
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*receiptLock{}
	}
	rl := l.m[id]
	if rl == nil {
		rl = &receiptLock{}
		l.m[id] = rl
	}
	rl.refs++
	l.mu.Unlock()
	rl.mu.Lock()
	return func() {
		rl.mu.Unlock()
		l.mu.Lock()
		if rl.refs--; rl.refs == 0 {
			delete(l.m, id)
		}
		l.mu.Unlock()
	}
}
