package robust

// 10,000 concurrent bound sessions (issue #6 item 4; issue #3's goal is at
// most 200 MB resident for 10,000 idle sessions of "smpp serve"). The
// server and the 10,000 ESMEs each run in a child process of their own (see
// child_test.go): each process then holds 10,000 sockets, under the
// file-descriptor limit, and the server's memory is measured alone, in a
// fresh process — VmRSS from /proc, and the Go heap and goroutine stacks it
// reports — before the swarm binds and while it holds its sessions.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/internal/childproc"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc"
)

const tenThousand = 10000

// vmRSS reads VmRSS of a process from /proc (0 when unavailable).
func vmRSS(pid int) uint64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// serverChild is a server process that reports its memory.
type serverChild struct {
	*childproc.Proc
	mem chan [4]uint64
}

func startServerChild(t *testing.T, kind string, spec any) *serverChild {
	sc := &serverChild{mem: make(chan [4]uint64, 1)}
	sc.Proc = startChild(t, kind, spec, "SMPP", time.Minute, func(line string) {
		var m [4]uint64
		if _, err := fmt.Sscanf(line, "MEM %d %d %d %d", &m[0], &m[1], &m[2], &m[3]); err == nil {
			sc.mem <- m
		}
	})
	return sc
}

// memSample is the memory of the server process at one moment.
type memSample struct {
	heap, stacks, rss    uint64
	goroutines, sessions int
}

func (sc *serverChild) sample(t *testing.T) memSample {
	t.Helper()
	if _, err := fmt.Fprintln(sc.Stdin, "MEM"); err != nil {
		t.Fatalf("server child: %v", err)
	}
	select {
	case m := <-sc.mem:
		return memSample{heap: m[0], stacks: m[1], goroutines: int(m[2]), sessions: int(m[3]), rss: vmRSS(sc.Pid())}
	case <-time.After(time.Minute):
		t.Fatalf("server child does not answer; stderr:\n%s", sc.Stderr())
	}
	return memSample{}
}

// holdSessions binds n sessions from a swarm process to the server child,
// measures the server, checks that a new ESME is still served promptly,
// then releases the swarm and waits until the server holds no session.
func holdSessions(t *testing.T, srv *serverChild, id, pw string, n int) {
	addr := srv.Ready
	before := srv.sample(t)
	start := time.Now()
	sw := startChild(t, "swarm", swarmSpec{Addr: addr, N: n, SystemID: id, Password: pw, Parallel: 32}, "BOUND", 10*time.Minute, nil)
	bound := time.Since(start)
	var after memSample
	deadline := time.Now().Add(time.Minute)
	for {
		time.Sleep(time.Second) // also lets the binds' transient garbage go
		if after = srv.sample(t); after.sessions >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server holds %d of %d sessions", after.sessions, n)
		}
	}
	goStart := time.Now()
	d := &smpp.Dialer{SystemID: id, Password: pw, Mode: pdu.BindTransmitter}
	s, err := d.Dial(t.Context(), addr)
	if err != nil {
		t.Fatalf("a new bind beside %d sessions: %v", n, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	_, err = s.Submit(ctx, &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "339900000001", ShortMessage: []byte("beside 10k")})
	cancel()
	s.Close()
	if err != nil {
		t.Fatalf("submit beside %d sessions: %v", n, err)
	}
	goodTook := time.Since(goStart)
	per := func(b, a uint64) float64 { return (float64(a) - float64(b)) / float64(n) / 1e3 }
	t.Logf("%d sessions bound in %v; a bind and submit beside them took %v", n, bound.Round(time.Millisecond), goodTook.Round(time.Millisecond))
	t.Logf("server process: RSS %.1f MB -> %.1f MB (%.1f KB/session); heap in use %+.1f MB (%.1f KB/session), goroutine stacks %+.1f MB (%.1f KB/session), goroutines %+d (%.1f/session)",
		float64(before.rss)/1e6, float64(after.rss)/1e6, per(before.rss, after.rss),
		(float64(after.heap)-float64(before.heap))/1e6, per(before.heap, after.heap),
		(float64(after.stacks)-float64(before.stacks))/1e6, per(before.stacks, after.stacks),
		after.goroutines-before.goroutines, float64(after.goroutines-before.goroutines)/float64(n))
	if raceEnabled {
		t.Logf("(race detector on: the figures are inflated; measure without -race)")
	} else if kb := per(before.rss, after.rss); kb > 64 {
		// Issue #3 aims at 20 KB (200 MB / 10,000); this only catches a
		// regression far past it.
		t.Errorf("%.1f KB resident per idle session", kb)
	}
	release := time.Now()
	sw.Stop(t, 2*time.Minute)
	deadline = time.Now().Add(time.Minute)
	for {
		m := srv.sample(t)
		if m.sessions == 0 {
			t.Logf("all sessions gone %v after the swarm closed them; RSS then %.1f MB", time.Since(release).Round(time.Millisecond), float64(m.rss)/1e6)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still held a minute after the swarm closed", m.sessions)
		}
		time.Sleep(200 * time.Millisecond)
	}
	srv.Stop(t, 30*time.Second)
}

// TestTenThousandSessions holds 10,000 bound transceiver sessions on the
// library server (with its defaults, and with the windows of "smpp serve":
// 256 outbound, 1024 inbound) and on the SMSC (package smsc, embedded
// store), and reports the server's memory per session.
func TestTenThousandSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("binds 10,000 sessions three times")
	}
	if err := raiseNOFILE(tenThousand + 1024); err != nil {
		t.Skipf("cannot hold %d sessions: %v (the server and the client processes each need %d descriptors)", tenThousand, err, tenThousand+1024)
	}
	t.Run("smpp.Server-defaults", func(t *testing.T) {
		holdSessions(t, startServerChild(t, "libserver", libSpec{}), "swarm", "pw", tenThousand)
	})
	t.Run("smpp.Server-serve-windows", func(t *testing.T) {
		holdSessions(t, startServerChild(t, "libserver", libSpec{Window: 256, InboundWindow: 1024}), "swarm", "pw", tenThousand)
	})
	t.Run("smsc", func(t *testing.T) {
		spec := nodeSpec{Dir: t.TempDir(), Config: smsc.Config{
			SMPPAddr:    "127.0.0.1:0",
			Node:        "scale",
			Accounts:    []smsc.Account{{SystemID: "swarm", Password: "pw"}},
			BindTimeout: smsc.Duration(time.Minute),
		}}
		holdSessions(t, startServerChild(t, "node", spec), "swarm", "pw", tenThousand)
	})
}
