package smsc

// The test binary doubles as a stand-alone SMSC node for the crash tests:
// with SMSC_TEST_NODE=1 in its environment TestMain runs a server (no
// tests) from the JSON spec in SMSC_TEST_NODE_SPEC, prints "SMPP <addr>" on
// stdout once it accepts binds, and serves until its stdin is closed — or
// until the test kills it with SIGKILL.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/smppstack/smpp/smsc/store"
)

const (
	nodeEnv     = "SMSC_TEST_NODE"
	nodeSpecEnv = "SMSC_TEST_NODE_SPEC"
)

// nodeSpec is what a node process runs.
type nodeSpec struct {
	Config Config `json:"config"`
	Dir    string `json:"dir"` // embedded store data directory
}

func TestMain(m *testing.M) {
	if os.Getenv(nodeEnv) == "1" {
		os.Exit(runTestNode())
	}
	os.Exit(m.Run())
}

func runTestNode() int {
	var spec nodeSpec
	if err := json.Unmarshal([]byte(os.Getenv(nodeSpecEnv)), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "node: bad spec:", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := New(spec.Config, WithStoreOptions(store.Options{Dir: spec.Dir}), WithBcryptCost(bcrypt.MinCost), WithLogger(log))
	if err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	err = srv.Start(ctx)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "node: start:", err)
		return 1
	}
	fmt.Printf("SMPP %s\n", srv.SMPPAddr())
	io.Copy(io.Discard, os.Stdin) // until the parent closes it (or dies)
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	return 0
}

// nodeProc is a running node process.
type nodeProc struct {
	cmd    *exec.Cmd
	addr   string
	stdin  io.WriteCloser
	stderr *syncBuffer
	done   chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
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

// startNode starts a node process and waits until it accepts binds.
func startNode(t *testing.T, spec nodeSpec) *nodeProc {
	t.Helper()
	js, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), nodeEnv+"=1", nodeSpecEnv+"="+string(js))
	p := &nodeProc{cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if p.stdin, err = cmd.StdinPipe(); err != nil {
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
	t.Cleanup(p.kill)
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		line, _ := r.ReadString('\n')
		lines <- line
		io.Copy(io.Discard, r)
	}()
	select {
	case line := <-lines:
		addr, ok := strings.CutPrefix(strings.TrimSpace(line), "SMPP ")
		if !ok {
			p.kill()
			t.Fatalf("node did not start: %q; stderr:\n%s", line, p.stderr)
		}
		p.addr = addr
	case <-time.After(60 * time.Second):
		p.kill()
		t.Fatalf("node did not start in 60s; stderr:\n%s", p.stderr)
	}
	return p
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *nodeProc) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// stop shuts the node down gracefully (closing its stdin).
func (p *nodeProc) stop(t *testing.T) {
	p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Errorf("node did not shut down in 20s; killing it")
		p.kill()
	}
}
