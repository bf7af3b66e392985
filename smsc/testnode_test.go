package smsc

// The test binary doubles as a stand-alone SMSC node for the crash tests:
// with SMSC_TEST_NODE=1 in its environment TestMain runs a server (no
// tests) from the JSON spec in SMSC_TEST_NODE_SPEC, prints "SMPP <addr>" on
// stdout once it accepts binds, and serves until its stdin is closed — or
// until the test kills it with SIGKILL.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/smppstack/smpp/internal/childproc"
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

// startNode starts a node process and waits until it accepts binds; its
// SMPP address is the Proc's Ready text.
func startNode(t *testing.T, spec nodeSpec) *childproc.Proc {
	t.Helper()
	js, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	return childproc.Start(t, "node", []string{nodeEnv + "=1", nodeSpecEnv + "=" + string(js)}, "SMPP", 60*time.Second, nil)
}
