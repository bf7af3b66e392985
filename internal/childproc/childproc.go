// Package childproc runs the current test binary again as a helper process
// (a node, a server, a NATS server) for tests that kill, restart or measure
// a process of their own. The child learns what to be from its environment
// and announces itself with one ready line on stdout; closing its stdin asks
// it to stop.
package childproc

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Proc is a running helper process.
type Proc struct {
	// Ready is the text after the ready line's keyword (an address, a URL).
	Ready string
	// Stdin is the child's standard input: a line is a command to it,
	// closing it a graceful stop.
	Stdin io.WriteCloser

	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{}
}

// Start runs os.Args[0] with no tests selected and env added to the
// environment, and waits up to wait for its first stdout line, which must be
// keyword, a space, and the text kept in Ready. Every later stdout line goes
// to onLine (when not nil), on one goroutine, in order. The child is killed
// when the test ends. name says what the child is in failure messages.
func Start(t testing.TB, name string, env []string, keyword string, wait time.Duration, onLine func(string)) *Proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	p := &Proc{cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	var err error
	if p.Stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.Kill)
	first := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		line, _ := r.ReadString('\n')
		first <- line
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return // a partial last line (a kill mid-write) is not a line
			}
			if onLine != nil {
				onLine(strings.TrimSuffix(line, "\n"))
			}
		}
	}()
	select {
	case line := <-first:
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), keyword+" ")
		if !ok {
			p.Kill()
			t.Fatalf("%s did not start: %q; stderr:\n%s", name, line, p.stderr)
		}
		p.Ready = rest
	case <-time.After(wait):
		p.Kill()
		t.Fatalf("%s not ready in %v; stderr:\n%s", name, wait, p.stderr)
	}
	return p
}

// Kill sends SIGKILL and waits until the process is gone.
func (p *Proc) Kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// Stop closes the child's stdin (a graceful stop) and waits up to d; a child
// still running then is an error of the test, and is killed.
func (p *Proc) Stop(t testing.TB, d time.Duration) {
	t.Helper()
	p.Stdin.Close()
	select {
	case <-p.done:
	case <-time.After(d):
		t.Errorf("child did not stop in %v; killing it; stderr:\n%s", d, p.stderr)
		p.Kill()
	}
}

// Pid returns the child's process id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Stderr returns what the child wrote on stderr so far (the first MiB).
func (p *Proc) Stderr() string { return p.stderr.String() }

// syncBuffer collects stderr; it keeps the first MiB.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() < 1<<20 {
		s.b.Write(b)
	}
	return len(b), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
