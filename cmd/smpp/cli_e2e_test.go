package main

// In-process end-to-end tests of serve, send, listen and bench: the serve
// command runs on 127.0.0.1:0 (its "listening on" line names the port) and
// the ESME commands run against it with buffers for stdout and stderr.

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

// syncBuffer is a bytes.Buffer safe for a writer and a concurrent reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listeningRE = regexp.MustCompile(`^smpp serve: listening on (\S+)`)

// startServe runs "smpp serve --addr 127.0.0.1:0 args..." until the test
// ends and returns its address; the test fails if serve does not exit 0.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- runServe(ctx, append([]string{"--addr", "127.0.0.1:0", "--log-level", "warn"}, args...), &out, &errOut)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if m := listeningRE.FindStringSubmatch(out.String()); m != nil {
			t.Cleanup(func() {
				cancel()
				select {
				case c := <-code:
					if c != 0 {
						t.Errorf("serve exited %d; stderr:\n%s", c, errOut.String())
					}
				case <-time.After(10 * time.Second):
					t.Errorf("serve did not shut down")
				}
			})
			return m[1]
		}
		select {
		case c := <-code:
			cancel()
			t.Fatalf("serve exited %d before listening; stderr: %s", c, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("serve did not print its address")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// result is the outcome of one command run.
type result struct {
	stdout, stderr string
	code           int
}

// runCmd runs a subcommand through the main dispatcher, as the binary does.
func runCmd(t *testing.T, args ...string) result {
	t.Helper()
	return runCmdCtx(t, context.Background(), args...)
}

func runCmdCtx(t *testing.T, ctx context.Context, args ...string) result {
	t.Helper()
	var out, errOut syncBuffer
	code := run(ctx, args, &out, &errOut)
	return result{out.String(), errOut.String(), code}
}

// lines splits output into non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// wantOneLineError checks that a command failed with exit code code and
// exactly one stderr line matching re.
func wantOneLineError(t *testing.T, r result, code int, re string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d (stderr %q)", r.code, code, r.stderr)
	}
	ls := lines(r.stderr)
	if len(ls) != 1 {
		t.Errorf("stderr has %d lines, want 1: %q", len(ls), r.stderr)
		return
	}
	if !regexp.MustCompile(re).MatchString(ls[0]) {
		t.Errorf("stderr %q does not match %q", ls[0], re)
	}
}

// TestErrorPaths checks every command's one-line errors and exit codes: a
// bad flag (2), a refused bind with the status name (1), an unreachable
// address (1).
func TestErrorPaths(t *testing.T) {
	refusing := startServe(t, "--password", "secret")
	closed := closedAddr(t)
	cmds := []struct {
		name string
		args []string // what makes the command otherwise valid
	}{
		{"send", []string{"--to", "123", "--text", "hi"}},
		{"listen", []string{"--timeout", "2s"}},
		{"bench", []string{"-n", "10"}},
	}
	for _, c := range cmds {
		t.Run(c.name+"/bad-flag", func(t *testing.T) {
			r := runCmd(t, append([]string{c.name, "--no-such-flag"}, c.args...)...)
			wantOneLineError(t, r, 2, `^smpp `+c.name+`: flag provided but not defined: -no-such-flag`)
		})
		t.Run(c.name+"/bad-value", func(t *testing.T) {
			r := runCmd(t, append([]string{c.name, "--bind", "sideways"}, c.args...)...)
			wantOneLineError(t, r, 2, `^smpp `+c.name+`: invalid --bind "sideways"`)
		})
		t.Run(c.name+"/bad-duration", func(t *testing.T) {
			r := runCmd(t, append(append([]string{c.name}, c.args...), "--timeout", "soon")...)
			wantOneLineError(t, r, 2, `^smpp `+c.name+`: invalid value "soon" for flag -timeout`)
		})
		t.Run(c.name+"/refused", func(t *testing.T) {
			r := runCmd(t, append([]string{c.name, "--addr", refusing, "--password", "wrong"}, c.args...)...)
			wantOneLineError(t, r, 1, `^smpp `+c.name+`: bind refused: ESME_RINVPASWD$`)
		})
		t.Run(c.name+"/unreachable", func(t *testing.T) {
			r := runCmd(t, append([]string{c.name, "--addr", closed}, c.args...)...)
			wantOneLineError(t, r, 1, `^smpp `+c.name+`: cannot connect to `+regexp.QuoteMeta(closed)+`: connection refused$`)
		})
		t.Run(c.name+"/help", func(t *testing.T) {
			r := runCmd(t, c.name, "-h")
			if r.code != 0 || !strings.Contains(r.stderr, "usage: smpp "+c.name) || !strings.Contains(r.stderr, "-addr") {
				t.Errorf("-h: exit %d, stderr %q", r.code, r.stderr)
			}
		})
	}
	t.Run("serve/bad-flag", func(t *testing.T) {
		r := runCmd(t, "serve", "--window", "x")
		wantOneLineError(t, r, 2, `^smpp serve: invalid value "x" for flag -window`)
	})
	t.Run("serve/stray-argument", func(t *testing.T) {
		r := runCmd(t, "serve", "extra")
		wantOneLineError(t, r, 2, `^smpp serve: unexpected argument "extra"`)
	})
	t.Run("serve/address-in-use", func(t *testing.T) {
		r := runCmd(t, "serve", "--addr", refusing)
		wantOneLineError(t, r, 1, `^smpp serve: cannot listen on `+regexp.QuoteMeta(refusing)+`: address already in use$`)
	})
	t.Run("serve/bad-log-level", func(t *testing.T) {
		r := runCmd(t, "serve", "--log-level", "chatty")
		wantOneLineError(t, r, 2, `^smpp serve: invalid --log-level "chatty"`)
	})
}

// closedAddr returns a loopback address nobody listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// dialTest binds to addr with the library, for tests that drive serve
// with PDUs the CLI does not send.
func dialTest(t *testing.T, addr, systemID string, mode pdu.BindMode, h smpp.Handler) *smpp.Session {
	t.Helper()
	if h == nil && mode.CanReceive() {
		h = smpp.HandlerFunc(func(context.Context, *smpp.Request) (pdu.PDU, error) { return nil, nil })
	}
	d := &smpp.Dialer{SystemID: systemID, Mode: mode, Handler: h}
	s, err := d.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeSession(s, time.Second) })
	return s
}

// TestHelpListsCommands checks that the subcommands are in the table.
func TestHelpListsCommands(t *testing.T) {
	r := runCmd(t, "help")
	for _, name := range []string{"serve", "send", "listen", "bench"} {
		if !strings.Contains(r.stdout, "  "+name+" ") {
			t.Errorf("help does not list %s:\n%s", name, r.stdout)
		}
	}
}
