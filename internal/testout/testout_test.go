package testout

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
)

func TestWaitForLaterWrite(t *testing.T) {
	var b Buffer
	go func() {
		for i := range 5 {
			fmt.Fprintf(&b, "line %d\n", i)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b.WaitFor(t, ctx, "line 4\n")
	if got, want := b.String(), "line 0\nline 1\nline 2\nline 3\nline 4\n"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// recorder captures a Fatalf instead of ending the test.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit() // as testing.T does
}

func TestWaitForGivesUpWithTheOutput(t *testing.T) {
	var b Buffer
	fmt.Fprint(&b, "something else")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.WaitFor(r, ctx, "never")
	}()
	<-done
	if want := "output never contained \"never\":\nsomething else"; r.msg != want {
		t.Errorf("failure = %q, want %q", r.msg, want)
	}
}
