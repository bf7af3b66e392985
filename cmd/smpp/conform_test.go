package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/conform"
	"github.com/smppstack/smpp/pdu"
)

// conformLine matches one result line: outcome, check id, section.
var conformLine = regexp.MustCompile(`^(PASS|FAIL|SKIP)  (\S+) +(\S+\.md §[\d.]+) +(.+ -> .+)$`)

// parseConform returns the outcome of each check printed by smpp conform
// and checks the line shapes and the summary line.
func parseConform(t *testing.T, stdout string) map[string]string {
	t.Helper()
	out := map[string]string{}
	ls := lines(stdout)
	if len(ls) == 0 {
		t.Fatal("no output")
	}
	var n [3]int
	for _, l := range ls[:len(ls)-1] {
		m := conformLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("bad result line %q", l)
			continue
		}
		out[m[2]] = m[1]
		n[strings.Index("PASSFAILSKIP", m[1])/4]++
	}
	summary := fmt.Sprintf("conform: %d passed, %d failed, %d skipped", n[0], n[1], n[2])
	if last := ls[len(ls)-1]; last != summary {
		t.Errorf("summary %q, want %q (counting the lines)", last, summary)
	}
	return out
}

// TestConformServe runs the whole suite against "smpp serve --dlr
// --password secret", as a user would:
//
//	smpp conform --addr ADDR --system-id conform --password secret --dlr --any-system-id
//
// serve accepts any system_id by design (design/README.md: "accepts any
// bind"), hence --any-system-id; it has no distribution lists, hence no
// --dl. Every other check passes except the ones listed in serveBugs.
func TestConformServe(t *testing.T) {
	addr := startServe(t, "--dlr", "--password", "secret")
	r := runCmd(t, "conform", "--addr", addr, "--system-id", "conform", "--password", "secret", "--dlr", "--any-system-id",
		"--timeout", "3s", "--receipt-timeout", "10s")
	t.Log("\n" + r.stdout)
	got := parseConform(t, r.stdout)
	// serve accepts any bind by design (--any-system-id) and has no
	// distribution lists (--dl not given); everything else must pass.
	serveBugs := map[string]string{}
	skips := map[string]bool{"bind.unknown-system-id": true, "multi.dl": true}
	for _, c := range conform.Checks() {
		want := "PASS"
		if skips[c.ID] {
			want = "SKIP"
		}
		if b, ok := serveBugs[c.ID]; ok {
			want = b
		}
		if got[c.ID] != want {
			t.Errorf("%s: %s, want %s", c.ID, got[c.ID], want)
		}
	}
	if r.code != 0 {
		t.Errorf("exit %d, want 0 (every check passes); stderr %q", r.code, r.stderr)
	}
}

// TestConformServePending: with --delivery-delay a message stays ENROUTE
// long enough for cancel_sm and replace_sm, which then pass against serve.
func TestConformServePending(t *testing.T) {
	addr := startServe(t, "--delivery-delay", "1m")
	r := runCmd(t, "conform", "--addr", addr, "--system-id", "conform", "--run", `^(cancel|replace)\.`)
	got := parseConform(t, r.stdout)
	for _, id := range []string{"cancel.pending", "cancel.unknown", "replace.pending", "replace.unknown"} {
		if got[id] != "PASS" {
			t.Errorf("%s: %s\n%s", id, got[id], r.stdout)
		}
	}
	if len(got) != 4 || r.code != 0 {
		t.Errorf("exit %d, %d results:\n%s", r.code, len(got), r.stdout)
	}
}

// TestConformJSON: --json prints one JSON object and nothing else.
func TestConformJSON(t *testing.T) {
	addr := startServe(t)
	r := runCmd(t, "conform", "--addr", addr, "--json", "--run", `^(bind\.transceiver|link\.enquire-link|seq\.echo)$`)
	var rep conform.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("stdout %q: %v", r.stdout, err)
	}
	if r.code != 0 || rep.Mode != "smsc" || rep.Passed != 3 || len(rep.Results) != 3 || rep.Results[0].ID != "bind.transceiver" {
		t.Errorf("exit %d, report %+v", r.code, rep)
	}
}

// TestConformListen runs the ESME mode against an ESME built on the
// library (a smpp.Client that submits steadily) and its OutbindListener.
func TestConformListen(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	oln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer oln.Close()
	ack := smpp.HandlerFunc(func(context.Context, *smpp.Request) (pdu.PDU, error) { return nil, nil })
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	ol := &smpp.OutbindListener{Dialer: &smpp.Dialer{SystemID: "app", Handler: ack}, OnSession: func(s *smpp.Session) { <-s.Done() }}
	wg.Add(1)
	go func() { defer wg.Done(); ol.Serve(ctx, oln) }()

	var out, errOut syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"conform", "--listen", "127.0.0.1:0", "--outbind", oln.Addr().String(),
			"--bind-wait", "10s", "--timeout", "3s", "--throttle", "1s"}, &out, &errOut)
	}()
	re := regexp.MustCompile(`smpp conform: listening on (\S+);`)
	var addr string
	for deadline := time.Now().Add(5 * time.Second); addr == ""; time.Sleep(5 * time.Millisecond) {
		if m := re.FindStringSubmatch(errOut.String()); m != nil {
			addr = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no listening line; stderr %q", errOut.String())
		}
	}
	client := &smpp.Client{Addr: addr, Dialer: smpp.Dialer{SystemID: "app", Mode: pdu.BindTransceiver, Handler: ack},
		MinBackoff: 50 * time.Millisecond}
	wg.Add(2)
	go func() { defer wg.Done(); client.Run(ctx) }()
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			client.Submit(ctx, &pdu.SubmitSM{SourceAddr: "app", DestinationAddr: "15550100009", ShortMessage: []byte("hi")})
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	var c int
	select {
	case c = <-code:
	case <-time.After(time.Minute):
		t.Fatal("smpp conform --listen did not finish")
	}
	t.Log("\n" + out.String())
	got := parseConform(t, out.String())
	for _, ch := range conform.ESMEChecks() {
		if got[ch.ID] != "PASS" {
			t.Errorf("%s: %s", ch.ID, got[ch.ID])
		}
	}
	if c != 0 {
		t.Errorf("exit %d; stderr %q", c, errOut.String())
	}
}

// TestConformUsage covers --list, usage errors and an unreachable SMSC.
func TestConformUsage(t *testing.T) {
	r := runCmd(t, "conform", "--list")
	for _, c := range append(conform.Checks(), conform.ESMEChecks()...) {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(c.ID) + ` +` + regexp.QuoteMeta(c.Section) + `  `).MatchString(r.stdout) {
			t.Errorf("--list lacks %s:\n%s", c.ID, r.stdout)
		}
	}
	if r.code != 0 {
		t.Errorf("--list: exit %d", r.code)
	}
	wantOneLineError(t, runCmd(t, "conform", "--run", "("), 2, `^smpp conform: invalid --run "\("`)
	wantOneLineError(t, runCmd(t, "conform", "--outbind", "127.0.0.1:1"), 2, `^smpp conform: --outbind needs --listen`)
	wantOneLineError(t, runCmd(t, "conform", "--timeout", "0s"), 2, `^smpp conform: durations must be positive`)
	wantOneLineError(t, runCmd(t, "conform", "--addr", "nowhere"), 2, `^smpp conform: invalid --addr "nowhere"`)
	wantOneLineError(t, runCmd(t, "conform", "--no-such-flag"), 2, `^smpp conform: flag provided but not defined`)
	wantOneLineError(t, runCmd(t, "conform", "--run", "^nothing$"), 2, `^smpp conform: --run "\^nothing\$" matches no check \(see --list\) \(see 'smpp conform -h'\)$`)

	// An unreachable SMSC fails every check at once: exit 1.
	r = runCmd(t, "conform", "--addr", closedAddr(t), "--run", `^(bind|state)\.`)
	got := parseConform(t, r.stdout)
	for id, outcome := range got {
		if outcome != "FAIL" {
			t.Errorf("%s: %s", id, outcome)
		}
	}
	if r.code != 1 || len(got) != 11 || !strings.Contains(r.stdout, "cannot connect: ") {
		t.Errorf("exit %d, %d results:\n%s", r.code, len(got), r.stdout)
	}
}
