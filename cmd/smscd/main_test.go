package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc"
)

func TestMain(m *testing.M) {
	bcryptCost = bcrypt.MinCost
	os.Exit(m.Run())
}

// safeBuffer is an io.Writer the daemon writes to while the test reads.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func envFunc(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// daemon is smscd running in-process.
type daemon struct {
	t              *testing.T
	cancel         context.CancelFunc
	done           chan int
	stdout, stderr *safeBuffer
	addr           string // the SMPP address from the banner

	once sync.Once
	code int
}

var smppLine = regexp.MustCompile(`(?m)^  smpp: +(\S+)$`)

// start runs smscd with args and env and waits until its banner is out.
func start(t *testing.T, args []string, env map[string]string) *daemon {
	t.Helper()
	return startWith(t, args, env, newHTTPHandler)
}

func startWith(t *testing.T, args []string, env map[string]string, h httpBuilder) *daemon {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &daemon{t: t, cancel: cancel, done: make(chan int, 1), stdout: &safeBuffer{}, stderr: &safeBuffer{}}
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["SMSCD_HTTP_ADDR"]; !ok {
		env["SMSCD_HTTP_ADDR"] = "127.0.0.1:0" // parallel tests must not share :8080
	}
	go func() { d.done <- runWith(ctx, args, envFunc(env), d.stdout, d.stderr, h) }()
	t.Cleanup(func() { d.stop() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := smppLine.FindStringSubmatch(d.stdout.String()); m != nil {
			d.addr = m[1]
			return d
		}
		select {
		case code := <-d.done:
			d.once.Do(func() { d.code = code })
			t.Fatalf("smscd exited with %d before starting; stderr:\n%s", code, d.stderr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("smscd did not print its banner; stdout:\n%s\nstderr:\n%s", d.stdout, d.stderr)
		}
	}
}

// stop cancels the context (what SIGTERM does) and returns the exit status.
func (d *daemon) stop() int {
	d.once.Do(func() {
		d.cancel()
		select {
		case d.code = <-d.done:
		case <-time.After(60 * time.Second):
			d.t.Errorf("smscd did not stop within 60s")
			d.code = -1
		}
	})
	return d.code
}

// runOnce runs smscd expecting it to exit by itself (an error); if it
// starts instead, it is stopped and the test fails.
func runOnce(t *testing.T, args []string, env map[string]string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errb := &safeBuffer{}, &safeBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, envFunc(env), out, errb) }()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case code := <-done:
			return code, out.String(), errb.String()
		case <-deadline:
			t.Fatalf("smscd did not exit; stdout:\n%s\nstderr:\n%s", out, errb)
		case <-time.After(10 * time.Millisecond):
			if strings.Contains(out.String(), "smscd is running") {
				cancel()
				<-done
				t.Fatalf("smscd started, want an error; args %q; stdout:\n%s", args, out)
			}
		}
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// receiver collects the deliver_sm a session gets.
type receiver chan *pdu.DeliverSM

func (r receiver) handler() smpp.Handler {
	return smpp.HandlerFunc(func(ctx context.Context, req *smpp.Request) (pdu.PDU, error) {
		if d, ok := req.PDU.(*pdu.DeliverSM); ok {
			r <- d
		}
		return nil, nil
	})
}

func (r receiver) next(t *testing.T) *pdu.DeliverSM {
	t.Helper()
	select {
	case d := <-r:
		return d
	case <-time.After(20 * time.Second):
		t.Fatal("no deliver_sm within 20s")
		return nil
	}
}

func dial(t *testing.T, addr, systemID, password string, mode pdu.BindMode, r receiver) *smpp.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if r == nil {
		r = make(receiver, 100)
	}
	s, err := (&smpp.Dialer{SystemID: systemID, Password: password, Mode: mode, Handler: r.handler()}).Dial(ctx, addr)
	if err != nil {
		t.Fatalf("bind as %s: %v", systemID, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func unbind(t *testing.T, s *smpp.Session) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Unbind(ctx); err != nil {
		t.Errorf("unbind: %v", err)
	}
}

func submit(t *testing.T, s *smpp.Session, to, text string, receipt bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m := &pdu.SubmitSM{SourceAddr: "12345", DestinationAddr: to, ShortMessage: []byte(text)}
	if receipt {
		m.RegisteredDelivery = 1
	}
	resp, err := s.Submit(ctx, m)
	if err != nil {
		t.Fatalf("submit to %s: %v", to, err)
	}
	if resp.MessageID == "" {
		t.Fatal("submit_sm_resp without message_id")
	}
	return resp.MessageID
}

var passwordLine = regexp.MustCompile(`(?m)^  password: +(\S+)$`)

// The one-command start: a generated account whose password is printed
// once, works, and is reused (without printing it) by the next start on
// the same data directory, which also still has the accepted message.
func TestGeneratedAccountFirstStartAndRestart(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	args := []string{"--data", data, "--smpp-addr", "127.0.0.1:0"}

	d := start(t, args, nil)
	out := d.stdout.String()
	m := passwordLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no password line in:\n%s", out)
	}
	pw := m[1]
	if len(pw) != passwordLen || strings.Trim(pw, passwordAlphabet) != "" {
		t.Fatalf("password %q: want %d characters of %q", pw, passwordLen, passwordAlphabet)
	}
	for _, want := range []string{
		"system_id: " + generatedSystemID,
		"go run ./cmd/smpp send --addr " + d.addr + " --system-id smppclient1 --password " + pw + " ",
		"(embedded JetStream, no port opened)",
		"http:      127.0.0.1:",
		"dashboard: http://127.0.0.1:",
		"admin token: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasPrefix(d.addr, "127.0.0.1:") || strings.HasSuffix(d.addr, ":0") {
		t.Errorf("banner address %q is not the bound one", d.addr)
	}
	path := filepath.Join(data, accountsFileName)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
	}
	stored, _ := os.ReadFile(path)
	if bytes.Contains(stored, []byte(pw)) || !bytes.Contains(stored, []byte("$2a$")) {
		t.Errorf("accounts file should hold a bcrypt hash and not the password:\n%s", stored)
	}

	// The printed credentials work, and a submission is accepted and receipted.
	rcpts := make(receiver, 10)
	s := dial(t, d.addr, generatedSystemID, pw, pdu.BindTransceiver, rcpts)
	id := submit(t, s, "33612345678", "hello network", true)
	rc, ok := dlr.FromDeliverSM(rcpts.next(t))
	if !ok || rc.ID != id || rc.State != pdu.StateDelivered {
		t.Fatalf("receipt %+v (ok %v); want DELIVERED for %s", rc, ok, id)
	}
	// Other passwords do not.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := (&smpp.Dialer{SystemID: generatedSystemID, Password: "wrong", Mode: pdu.BindTransmitter}).Dial(ctx, d.addr); err == nil {
		t.Error("bind with a wrong password succeeded")
	}
	unbind(t, s)
	if code := d.stop(); code != 0 {
		t.Fatalf("exit %d after SIGTERM; stderr:\n%s", code, d.stderr)
	}
	if strings.Contains(d.stderr.String(), pw) {
		t.Errorf("the password appears in the log:\n%s", d.stderr)
	}

	// Restart: same account, password not printed again, message still known.
	d2 := start(t, args, nil)
	out2 := d2.stdout.String()
	if strings.Contains(out2, pw) || passwordLine.MatchString(out2) {
		t.Errorf("second start prints a password:\n%s", out2)
	}
	if !strings.Contains(out2, "system_id: "+generatedSystemID) || !strings.Contains(out2, "--password PASSWORD") {
		t.Errorf("second start banner:\n%s", out2)
	}
	s2 := dial(t, d2.addr, generatedSystemID, pw, pdu.BindTransceiver, nil)
	qctx, qcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer qcancel()
	q, err := s2.Query(qctx, &pdu.QuerySM{MessageID: id, SourceAddr: "12345"})
	if err != nil || q.MessageState != pdu.StateDelivered {
		t.Fatalf("query_sm %s after restart: %+v, %v", id, q, err)
	}
	unbind(t, s2)
	if code := d2.stop(); code != 0 {
		t.Fatalf("second run exit %d; stderr:\n%s", code, d2.stderr)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, stored) {
		t.Error("accounts file changed on restart")
	}
}

// SIGTERM (the context) shuts down cleanly and the store keeps what was
// accepted: messages for a receiver that never bound are delivered to it
// after a restart.
func TestShutdownKeepsAcceptedMessages(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "smscd.yaml", `
accounts:
  - system_id: app
    password: apppw
  - system_id: shop
    password: shoppw
    addresses: ["4477*"]
`)
	args := []string{"--config", cfg, "--data", filepath.Join(dir, "data"), "--smpp-addr", "127.0.0.1:0"}
	d := start(t, args, nil)
	if out := d.stdout.String(); !strings.Contains(out, "accounts:  app, shop") || passwordLine.MatchString(out) {
		t.Errorf("banner with configured accounts:\n%s", out)
	}
	s := dial(t, d.addr, "app", "apppw", pdu.BindTransmitter, nil)
	want := map[string]bool{}
	for i := range 3 {
		text := fmt.Sprintf("kept %d", i)
		submit(t, s, fmt.Sprintf("44770090012%d", i), text, false)
		want[text] = true
	}
	if code := d.stop(); code != 0 {
		t.Fatalf("exit %d after SIGTERM; stderr:\n%s", code, d.stderr)
	}
	if !strings.Contains(d.stderr.String(), "smscd: stopped") {
		t.Errorf("no 'stopped' log:\n%s", d.stderr)
	}

	d2 := start(t, args, nil)
	got := make(receiver, 10)
	dial(t, d2.addr, "shop", "shoppw", pdu.BindReceiver, got)
	for range 3 {
		m := got.next(t)
		if !want[string(m.ShortMessage)] {
			t.Errorf("unexpected or duplicate delivery %q", m.ShortMessage)
		}
		delete(want, string(m.ShortMessage))
	}
	if code := d2.stop(); code != 0 {
		t.Fatalf("second run exit %d", code)
	}
}

func TestExampleConfig(t *testing.T) {
	t.Parallel()
	s, err := configure([]string{"--config", "example.yaml"}, envFunc(nil))
	if err != nil {
		t.Fatal(err)
	}
	c := s.cfg
	if len(c.Accounts) != 2 || len(c.DistributionLists) == 0 || c.Lockout.MaxFailures == 0 || c.Retry.Max == 0 {
		t.Fatalf("example config incomplete: %+v", c)
	}
	owns := false
	for _, a := range c.Accounts {
		for _, addr := range a.Addresses {
			owns = owns || addr == "4477*"
		}
	}
	if !owns {
		t.Error("no account owns 4477*")
	}
	var rule *smsc.NetworkRule
	for i := range c.Network.Rules {
		if c.Network.Rules[i].Prefix == "3361*" {
			rule = &c.Network.Rules[i]
		}
	}
	if rule == nil || len(rule.Outcomes) != 2 ||
		rule.Outcomes[0] != (smsc.Outcome{Stat: "DELIVRD", Weight: 90}) ||
		rule.Outcomes[1] != (smsc.Outcome{Stat: "UNDELIV", Err: 1, Weight: 10}) {
		t.Errorf("network rule 3361*: %+v", rule)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := smsc.New(c, smsc.WithBcryptCost(bcrypt.MinCost)); err != nil {
		t.Fatal(err)
	}
	if s.store.Retention != 192*time.Hour || s.httpAddr != "127.0.0.1:8080" {
		t.Errorf("storage %+v, http %q", s.store, s.httpAddr)
	}

	// And it runs: its first account can bind and send.
	d := start(t, []string{"--config", "example.yaml", "--smpp-addr", "127.0.0.1:0", "--data", t.TempDir()}, nil)
	sess := dial(t, d.addr, "alerts", "alerts1", pdu.BindTransceiver, nil)
	submit(t, sess, "447700900123", "to the shop", false)
	unbind(t, sess)
	if code := d.stop(); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, d.stderr)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		want       string // after "smscd: config "
	}{
		{"bad IP", `
accounts:
  - system_id: a
    password: pa
  - system_id: b
    password: pb
    allow_ips: [10.0.0.1, 10.0.0.300]
`, `accounts[1].allow_ips[1]: "10.0.0.300" is not an IP address or CIDR (F:7)`},
		{"unknown top-level key", "smpp_adress: 127.0.0.1:2775\n", `smpp_adress: unknown key (did you mean "smpp_addr"?) (F:1)`},
		{"unknown nested key", "accounts:\n  - system_id: a\n    pasword: x\n", `accounts[0].pasword: unknown key (did you mean "password"?) (F:3)`},
		{"unknown storage key", "storage:\n  dir: x\n", `storage.dir: unknown key (F:2)`},
		{"type error", "accounts:\n  - system_id: a\n    password: p\n    throughput: fast\n", `accounts[0].throughput: "fast" is not a number (F:4)`},
		{"int type error", "window: 1.5\n", `window: "1.5" is not an integer (F:1)`},
		{"bool type error", "accounts:\n  - system_id: a\n    password: p\n    disabled: maybe\n", `accounts[0].disabled: "maybe" is not true or false (F:4)`},
		{"bad duration", "network:\n  delay: 2 seconds\n", `network.delay: invalid duration "2 seconds"`},
		{"bad rule duration", "network:\n  rules:\n    - prefix: '33*'\n      delay: soon\n", `network.rules[0].delay: invalid duration "soon"`},
		{"bad stat", "network:\n  rules:\n    - prefix: '33*'\n      outcomes:\n        - {stat: DELIVRD, weight: 1}\n        - {stat: LOST, weight: 1}\n", `network.rules[0].outcomes[1].stat: "LOST" is not a receipt state`},
		{"duplicate account", "accounts:\n  - {system_id: a, password: p}\n  - {system_id: a, password: q}\n", `accounts[1].system_id: duplicate "a" (F:3)`},
		{"long password", "accounts:\n  - {system_id: a, password: ninechars}\n", `accounts[0].password: at most 8 characters`},
		{"missing password", "accounts:\n  - system_id: a\n", `accounts[0].password: is required (F:2)`},
		{"route target", "routes:\n  - {prefix: '1*', target: nobody}\n", `routes[0].target: "nobody" is neither "network" nor a configured account`},
		{"list expected", "accounts:\n  system_id: a\n", `accounts: want a list, not a mapping (F:2)`},
		{"mapping expected", "storage: /var/lib/smscd\n", `storage: want a mapping of keys to values, not the value "/var/lib/smscd" (F:1)`},
		{"scalar expected", "http_addr: [a, b]\n", `http_addr: want a single value, not a list (F:1)`},
		{"bad fsync", "storage:\n  fsync: sometimes\n", `storage.fsync: "sometimes" is not always, batch, interval or interval:DURATION`},
		{"short retention", "max_validity: 24h\nstorage:\n  retention: 12h\n", `storage.retention: 12h0m0s must exceed max_validity (24h0m0s)`},
		{"negative replicas", "storage:\n  replicas: -1\n", `storage.replicas: must not be negative (F:2)`},
		{"bad prefix", "storage:\n  prefix: a.b\n", `storage.prefix: "a.b": use letters`},
		{"bad log level", "log:\n  level: loud\n", `log.level: "loud" is not debug, info, warn or error (F:2)`},
		{"bad log format", "log:\n  format: xml\n", `log.format: "xml" is not text or json (F:2)`},
		{"bad http addr", "http_addr: localhost\n", `http_addr: "localhost" is not HOST:PORT (F:1)`},
		{"bad smpp port", "smpp_addr: 127.0.0.1:http\n", `smpp_addr: "127.0.0.1:http": port "http" is not a number`},
		{"bad nats url", "storage:\n  nats_url: '::'\n", `storage.nats_url: "::" is not a NATS URL`},
		{"long system_id", "system_id: abcdefghijklmnopq\n", `system_id: at most 15 characters (SMPP system_id) (F:1)`},
		{"syntax", "window: 8\nnode: a: b\n", `F:2: mapping values are not allowed in this context`},
		{"two documents", "window: 8\n---\nwindow: 9\n", `F:2: a second YAML document`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			f := writeFile(t, dir, "smscd.yaml", tc.yaml)
			data := filepath.Join(dir, "data")
			code, _, stderr := runOnce(t, []string{"--config", f, "--data", data, "--smpp-addr", "127.0.0.1:0"}, nil)
			if code != exitUsage {
				t.Errorf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			want := "smscd: config " + strings.ReplaceAll(tc.want, "F:", f+":")
			if !strings.HasPrefix(stderr, want) {
				t.Errorf("stderr:\n%s\nwant it to start with:\n%s", stderr, want)
			}
			if strings.Count(stderr, "\n") != 1 {
				t.Errorf("want one line, got:\n%s", stderr)
			}
			if _, err := os.Stat(data); err == nil {
				t.Error("a bad configuration created the data directory")
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown flag", []string{"--bogus"}, nil, "smscd: flag provided but not defined: -bogus"},
		{"argument", []string{"serve"}, nil, `smscd: unexpected argument "serve"`},
		{"flag without value", []string{"--data"}, nil, "smscd: flag needs an argument: -data"},
		{"fsync flag", []string{"--fsync", "never"}, nil, `smscd: --fsync: "never" is not always, batch`},
		{"fsync interval", []string{"--fsync", "interval:-1s"}, nil, `smscd: --fsync: "interval:-1s"`},
		{"log level flag", []string{"--log-level", "loud"}, nil, `smscd: --log-level: "loud" is not debug`},
		{"log format flag", []string{"--log-format", "xml"}, nil, `smscd: --log-format: "xml" is not text or json`},
		{"smpp addr flag", []string{"--smpp-addr", "127.0.0.1"}, nil, `smscd: --smpp-addr: "127.0.0.1" is not HOST:PORT`},
		{"http addr flag", []string{"--http-addr", ":99999"}, nil, `smscd: --http-addr: ":99999": port "99999"`},
		{"nats url flag", []string{"--nats-url", "nats://"}, nil, `smscd: --nats-url: "nats://" is not a NATS URL`},
		{"fsync env", nil, map[string]string{"SMSCD_FSYNC": "never"}, `smscd: SMSCD_FSYNC: "never" is not always`},
		{"log format env", nil, map[string]string{"SMSCD_LOG_FORMAT": "xml"}, `smscd: SMSCD_LOG_FORMAT: "xml" is not text or json`},
		{"smpp addr env", nil, map[string]string{"SMSCD_SMPP_ADDR": "nowhere"}, `smscd: SMSCD_SMPP_ADDR: "nowhere" is not HOST:PORT`},
		{"missing config", []string{"--config", "no-such.yaml"}, nil, "smscd: config: no-such.yaml: no such file or directory"},
		{"missing config env", nil, map[string]string{"SMSCD_CONFIG": "no-such.yaml"}, "smscd: config: no-such.yaml: no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := filepath.Join(t.TempDir(), "data")
			args := append([]string{"--data", data, "--smpp-addr", "127.0.0.1:0"}, tc.args...)
			if tc.name == "flag without value" || tc.name == "smpp addr flag" {
				args = append([]string{"--data", data}, tc.args...) // the tested flag comes last
			}
			code, _, stderr := runOnce(t, args, tc.env)
			if code != exitUsage {
				t.Errorf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.HasPrefix(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr:\n%s\nwant one line starting with:\n%s", stderr, tc.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "--help"} {
		code, _, stderr := runOnce(t, []string{arg}, nil)
		if code != 0 {
			t.Errorf("%s: exit %d", arg, code)
		}
		for _, want := range []string{"usage: smscd", "-smpp-addr", "SMSCD_SMPP_ADDR", "-config", "-fsync", "-node", "exit status"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%s: usage lacks %q:\n%s", arg, want, stderr)
			}
		}
	}
}

// Runtime failures exit 1 with a clear message: an address that cannot be
// listened on (the file's, which the environment would override), a port
// in use, a NATS server that cannot be reached, a data directory that is a
// file.
func TestRuntimeFailures(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	accounts := "accounts:\n  - {system_id: a, password: pa}\n"
	unlistenable := writeFile(t, dir, "addr.yaml", accounts+"smpp_addr: 192.0.2.1:2775\n")
	plain := writeFile(t, dir, "plain.yaml", accounts)
	notDir := writeFile(t, dir, "file", "")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"address not local", []string{"--config", unlistenable, "--data", filepath.Join(dir, "d1")}, []string{"smscd: cannot start: ", "192.0.2.1:2775"}},
		{"port in use", []string{"--config", plain, "--data", filepath.Join(dir, "d2"), "--smpp-addr", busy.Addr().String()}, []string{"smscd: cannot start: ", "address already in use"}},
		{"nats unreachable", []string{"--config", plain, "--nats-url", "nats://127.0.0.1:1", "--smpp-addr", "127.0.0.1:0"}, []string{"smscd: cannot start: ", "nats://127.0.0.1:1"}},
		{"data dir is a file", []string{"--data", notDir, "--smpp-addr", "127.0.0.1:0"}, []string{"smscd: accounts file: "}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runOnce(t, tc.args, nil)
			if code != exitRuntime {
				t.Errorf("exit %d, want 1; stderr:\n%s", code, stderr)
			}
			last := stderr[strings.LastIndex(strings.TrimSuffix(stderr, "\n"), "\n")+1:]
			for _, w := range tc.want {
				if !strings.Contains(last, w) {
					t.Errorf("last stderr line %q lacks %q", last, w)
				}
			}
		})
	}
}

// The environment overrides the file: the file's unlistenable address is
// replaced by SMSCD_SMPP_ADDR, and the data directory comes from SMSCD_DATA.
func TestEnvOverridesFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "smscd.yaml", "smpp_addr: 192.0.2.1:2775\nstorage:\n  data: "+filepath.Join(dir, "filedata")+"\n")
	envData := filepath.Join(dir, "envdata")
	d := start(t, []string{"--config", cfg}, map[string]string{"SMSCD_SMPP_ADDR": "127.0.0.1:0", "SMSCD_DATA": envData})
	if !strings.HasPrefix(d.addr, "127.0.0.1:") {
		t.Errorf("listening on %s", d.addr)
	}
	if _, err := os.Stat(filepath.Join(envData, accountsFileName)); err != nil {
		t.Errorf("SMSCD_DATA not used: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "filedata")); err == nil {
		t.Error("the file's data directory was used")
	}
	if code := d.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// Plain passwords from the file are hashed by smsc and, like wrong ones,
// never logged, even at debug level; --log-format json logs JSON lines.
func TestLogsJSONWithoutPasswords(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "smscd.yaml", "accounts:\n  - system_id: app\n    password: Zq9xWv7k\n")
	d := start(t, []string{"--config", cfg, "--data", filepath.Join(dir, "data"), "--smpp-addr", "127.0.0.1:0"},
		map[string]string{"SMSCD_LOG_LEVEL": "debug", "SMSCD_LOG_FORMAT": "json"})
	s := dial(t, d.addr, "app", "Zq9xWv7k", pdu.BindTransmitter, nil)
	submit(t, s, "33600000001", "hi", false)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := (&smpp.Dialer{SystemID: "app", Password: "Wr0ngPwd", Mode: pdu.BindTransmitter}).Dial(ctx, d.addr); err == nil {
		t.Error("bind with a wrong password succeeded")
	}
	unbind(t, s)
	if code := d.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	logs := d.stderr.String()
	for _, pw := range []string{"Zq9xWv7k", "Wr0ngPwd"} {
		if strings.Contains(logs, pw) {
			t.Errorf("password %q in the log:\n%s", pw, logs)
		}
	}
	levels := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON log line: %q", line)
		}
		levels[fmt.Sprint(rec["level"])] = true
	}
	if !levels["INFO"] {
		t.Errorf("no INFO records:\n%s", logs)
	}
}

// A handler registered in httpHandler is served on --http-addr, and the
// banner prints the bound address.
func TestHTTPHandlerHook(t *testing.T) {
	t.Parallel()
	stub := func(srv *smsc.Server, log *slog.Logger, token string, loopback bool) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	}
	d := startWith(t, []string{"--data", t.TempDir(), "--smpp-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, nil, stub)
	m := regexp.MustCompile(`(?m)^  http: +(\S+)$`).FindStringSubmatch(d.stdout.String())
	if m == nil {
		t.Fatalf("no http line:\n%s", d.stdout)
	}
	resp, err := http.Get("http://" + m[1] + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("GET: %d %q", resp.StatusCode, body)
	}
	if code := d.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if _, err := http.Get("http://" + m[1] + "/"); err == nil {
		t.Error("HTTP still served after shutdown")
	}
}

func TestAccountsFileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, content, want string }{
		{"unknown key", "accounts:\n  - system_id: x\n    pwd: y\n", `accounts[0].pwd: unknown key`},
		{"empty", "accounts: []\n", "lists no accounts"},
		{"invalid account", "accounts:\n  - system_id: x\n", "accounts[0].password: is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := t.TempDir()
			path := writeFile(t, data, accountsFileName, tc.content)
			code, _, stderr := runOnce(t, []string{"--data", data, "--smpp-addr", "127.0.0.1:0"}, nil)
			if code != exitUsage || !strings.Contains(stderr, path) || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 naming %s and %q", code, stderr, path, tc.want)
			}
		})
	}
}

func TestGeneratePassword(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 2000 {
		p := generatePassword()
		if len(p) != passwordLen {
			t.Fatalf("%q has %d characters", p, len(p))
		}
		for _, c := range p {
			if !strings.ContainsRune(passwordAlphabet, c) {
				t.Fatalf("%q has %q, outside the alphabet", p, c)
			}
			counts[c]++
		}
		if seen[p] {
			t.Fatalf("%q generated twice", p)
		}
		seen[p] = true
	}
	// 16000 draws over 56 characters: every one shows up.
	if len(counts) != len(passwordAlphabet) {
		t.Errorf("only %d of %d characters drawn", len(counts), len(passwordAlphabet))
	}
}
