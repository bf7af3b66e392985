// Package testout is a program's captured output for tests that run an
// example in-process: its goroutines write, the test waits for a line.
package testout

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
)

// Buffer is an io.Writer safe for concurrent use whose content a test can
// wait on. The zero value is empty and ready.
type Buffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed by the next Write; nil when nobody waits
}

// Write appends p and wakes the waiters.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// WaitFor waits until the output contains s; it fails the test with the
// whole output when ctx ends first.
func (b *Buffer) WaitFor(t testing.TB, ctx context.Context, s string) {
	t.Helper()
	for {
		b.mu.Lock()
		if strings.Contains(b.buf.String(), s) {
			b.mu.Unlock()
			return
		}
		if b.changed == nil {
			b.changed = make(chan struct{})
		}
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("output never contained %q:\n%s", s, b.String())
		}
	}
}
