package robust

// The test binary doubles as the helper processes of the suite. With
// ROBUST_CHILD set, TestMain runs no tests but one of:
//
//   - "node": an SMSC node (package smsc) on an embedded store in a data
//     directory, or on an external NATS server, that optionally injects MO
//     messages and prints "MO <text>" for each one it stored;
//   - "natsd": a NATS server with JetStream on a fixed port and directory;
//   - "swarm": N ESME sessions bound to an address, held until stdin closes
//     (the client side of the 10,000-session test, in its own process so
//     that each process stays under the file-descriptor limit);
//   - "libserver": an smpp.Server (smpptest.AcceptAll with SMSCHandler)
//     with the given windows, so its memory can be measured alone.
//
// The node and libserver children answer a line "MEM" on stdin with
// "MEM <heap in use> <stacks in use> <goroutines> <sessions>" after a GC.
// Each prints a ready line on stdout ("SMPP <addr>", "NATS <url>",
// "BOUND <n>") and runs until its stdin is closed, or until the test kills
// it with SIGKILL. The spec is JSON in ROBUST_SPEC.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/internal/childproc"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/store"
)

const (
	childEnv = "ROBUST_CHILD"
	specEnv  = "ROBUST_SPEC"
)

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		os.Exit(m.Run())
	case "node":
		os.Exit(runNode())
	case "natsd":
		os.Exit(runNATSD())
	case "swarm":
		os.Exit(runSwarm())
	case "libserver":
		os.Exit(runLibServer())
	default:
		fmt.Fprintln(os.Stderr, "unknown", childEnv)
		os.Exit(2)
	}
}

// nodeSpec is what a "node" child runs.
type nodeSpec struct {
	Config   smsc.Config `json:"config"`
	Dir      string      `json:"dir"`       // embedded store (when URL is empty)
	StoreURL string      `json:"store_url"` // external NATS
	// MO injection: every MOEvery, a text "mo-<MOTag>-<n>" from MOFrom to MOTo.
	MOEvery time.Duration `json:"mo_every"`
	MOTag   string        `json:"mo_tag"`
	MOFrom  string        `json:"mo_from"`
	MOTo    string        `json:"mo_to"`
}

// stdoutMu keeps the child's stdout lines whole.
var stdoutMu sync.Mutex

func say(format string, args ...any) {
	stdoutMu.Lock()
	defer stdoutMu.Unlock()
	fmt.Fprintf(os.Stdout, format+"\n", args...)
}

func readSpec(v any) bool {
	if err := json.Unmarshal([]byte(os.Getenv(specEnv)), v); err != nil {
		fmt.Fprintln(os.Stderr, "child: bad spec:", err)
		return false
	}
	return true
}

func runNode() int {
	var spec nodeSpec
	if !readSpec(&spec) {
		return 2
	}
	raiseNOFILE(20000) // best effort: the 10,000-session test needs it
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	so := store.Options{Dir: spec.Dir, URL: spec.StoreURL, Logger: log}
	srv, err := smsc.New(spec.Config, smsc.WithStoreOptions(so), smsc.WithBcryptCost(4), smsc.WithLogger(log))
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
	say("SMPP %s", srv.SMPPAddr())
	stop := make(chan struct{})
	var stopOnce sync.Once
	stopMO := func() { stopOnce.Do(func() { close(stop) }) }
	var wg sync.WaitGroup
	if spec.MOEvery > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			injectMO(srv, spec, stop)
		}()
	}
	// Until the parent closes stdin (or dies); "STOPMO" stops the MO.
	serveStdin(func() int { return len(srv.Sessions()) }, map[string]func(){"STOPMO": stopMO})
	stopMO()
	wg.Wait()
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	return 0
}

func injectMO(srv *smsc.Server, spec nodeSpec, stop <-chan struct{}) {
	t := time.NewTicker(spec.MOEvery)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		text := fmt.Sprintf("mo-%s-%06d", spec.MOTag, n)
		c := coding.Choose(text)
		ud, _ := c.Encode(text)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := srv.InjectMO(ctx, spec.MOFrom, spec.MOTo, c.DataCoding(), ud, 0)
		cancel()
		if err == nil {
			say("MO %s", text) // stored: the parent counts it as acknowledged
		}
	}
}

// serveStdin answers "MEM" lines on stdin, and runs the commands in cmds,
// until stdin is closed.
func serveStdin(sessions func() int, cmds map[string]func()) {
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if f := cmds[sc.Text()]; f != nil {
			f()
		}
		if sc.Text() == "MEM" {
			runtime.GC()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			say("MEM %d %d %d %d", ms.HeapInuse, ms.StackInuse, runtime.NumGoroutine(), sessions())
		}
	}
}

// libSpec is what a "libserver" child runs.
type libSpec struct {
	Window        int `json:"window"`
	InboundWindow int `json:"inbound_window"`
}

func runLibServer() int {
	var spec libSpec
	if !readSpec(&spec) {
		return 2
	}
	if err := raiseNOFILE(20000); err != nil {
		fmt.Fprintln(os.Stderr, "libserver:", err)
		return 1
	}
	srv := &smpp.Server{Binder: smpptest.AcceptAll(nil), BindTimeout: time.Minute,
		SessionConfig: smpp.SessionConfig{Window: spec.Window, InboundWindow: spec.InboundWindow}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "libserver:", err)
		return 1
	}
	go srv.Serve(l)
	say("SMPP %s", l.Addr())
	serveStdin(func() int { return len(srv.Sessions()) }, nil)
	srv.Close()
	return 0
}

// natsSpec is what a "natsd" child runs.
type natsSpec struct {
	Port int    `json:"port"`
	Dir  string `json:"dir"`
}

func runNATSD() int {
	var spec natsSpec
	if !readSpec(&spec) {
		return 2
	}
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: spec.Port, JetStream: true,
		StoreDir: spec.Dir, NoLog: true, NoSigs: true, MaxPayload: 8 << 20})
	if err != nil {
		fmt.Fprintln(os.Stderr, "natsd:", err)
		return 2
	}
	ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		fmt.Fprintln(os.Stderr, "natsd: not ready")
		return 1
	}
	say("NATS %s", ns.ClientURL())
	io.Copy(io.Discard, os.Stdin)
	ns.Shutdown()
	ns.WaitForShutdown()
	return 0
}

// swarmSpec is what a "swarm" child runs.
type swarmSpec struct {
	Addr     string `json:"addr"`
	N        int    `json:"n"`
	SystemID string `json:"system_id"`
	Password string `json:"password"`
	Parallel int    `json:"parallel"`
}

func runSwarm() int {
	var spec swarmSpec
	if !readSpec(&spec) {
		return 2
	}
	if err := raiseNOFILE(uint64(spec.N + 1024)); err != nil {
		fmt.Fprintln(os.Stderr, "swarm:", err)
		return 1
	}
	d := &smpp.Dialer{SystemID: spec.SystemID, Password: spec.Password, Mode: pdu.BindTransceiver,
		Handler:     smpp.HandlerFunc(func(context.Context, *smpp.Request) (pdu.PDU, error) { return nil, nil }),
		BindTimeout: 30 * time.Second}
	d.EnquireLinkInterval = -1 // the server keeps the links alive; the swarm only answers
	sessions := make([]*smpp.Session, spec.N)
	var next, failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for range max(spec.Parallel, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= spec.N {
					return
				}
				s, err := d.Dial(context.Background(), spec.Addr)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				sessions[i] = s
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		say("FAILED %d %v", f, firstErr.Load())
	} else {
		say("BOUND %d", spec.N)
	}
	io.Copy(io.Discard, os.Stdin)
	var alive int
	for _, s := range sessions {
		if s != nil {
			select {
			case <-s.Done():
			default:
				alive++
			}
		}
	}
	fmt.Fprintf(os.Stderr, "swarm: %d of %d sessions still open at the end\n", alive, spec.N)
	for _, s := range sessions {
		if s != nil {
			s.Close()
		}
	}
	return 0
}

// raiseNOFILE raises the soft limit on open files to at least n (up to the
// hard limit, which only a privileged process may raise).
func raiseNOFILE(n uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if lim.Cur >= n {
		return nil
	}
	if lim.Max < n {
		want := syscall.Rlimit{Cur: n, Max: n}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err == nil {
			return nil
		}
		return fmt.Errorf("RLIMIT_NOFILE hard limit %d < %d and cannot be raised", lim.Max, n)
	}
	lim.Cur = n
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

// startChild runs the test binary as a helper of the given kind with spec
// as its JSON configuration, and waits (up to wait) for its ready line,
// which must start with keyword (see childproc.Start).
func startChild(t testing.TB, kind string, spec any, keyword string, wait time.Duration, onLine func(string)) *childproc.Proc {
	t.Helper()
	js, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	return childproc.Start(t, kind+" child", []string{childEnv + "=" + kind, specEnv + "=" + string(js)}, keyword, wait, onLine)
}

// skipBug skips a test that fails because of a known bug, unless
// ROBUST_RUN_BUGS=1 (to check a fix).
func skipBug(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("ROBUST_RUN_BUGS") != "1" {
		t.Skip("BUG: " + why)
	}
}
