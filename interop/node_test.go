package interop

// Scenarios with node-smpp (npm smpp 0.5.1, interop/node): its client
// against our server, and our client against its server.

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

var npmOnce struct {
	sync.Once
	err error
}

// needNode skips when node is not installed and makes sure node-smpp is
// installed in interop/node (run.sh does `npm ci`; this covers a bare
// `go test`).
func needNode(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	dir, err := filepath.Abs("node")
	if err != nil {
		t.Fatal(err)
	}
	npmOnce.Do(func() {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "smpp", "package.json")); err == nil {
			return
		}
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			npmOnce.err = fmt.Errorf("npm ci in %s: %v\n%s", dir, err, out)
		}
	})
	if npmOnce.err != nil {
		t.Fatal(npmOnce.err)
	}
	return dir
}

// nodeReport is what client.test.js writes to INTEROP_REPORT.
type nodeReport struct {
	Submitted []struct {
		Text       string   `json:"text"`
		DC         uint8    `json:"dc"`
		Via        string   `json:"via"`
		IDs        []string `json:"ids"`
		Registered uint8    `json:"registered"`
	} `json:"submitted"`
	Receipts []struct {
		ID   string `json:"id"`
		Mode string `json:"mode"`
	} `json:"receipts"`
	MO []struct {
		Text string `json:"text"`
		Mode string `json:"mode"`
	} `json:"mo"`
	Binds []struct {
		Mode   string `json:"mode"`
		Status uint32 `json:"status"`
	} `json:"binds"`
	Timed struct {
		Text     string `json:"text"`
		Schedule string `json:"schedule"`
		Validity string `json:"validity"`
	} `json:"timed"`
	TLS struct {
		Text string `json:"text"`
		ID   string `json:"id"`
	} `json:"tls"`
	EnquireLinkResps int `json:"enquireLinkResps"`
	PreBindEnquire   int `json:"preBindEnquireLinks"`
	Unbinds          int `json:"unbinds"`
	ServerUnbinds    int `json:"serverUnbinds"`
}

var modeNames = map[string]pdu.BindMode{"transmitter": pdu.BindTransmitter, "receiver": pdu.BindReceiver, "transceiver": pdu.BindTransceiver}

// TestNodeClient runs node-smpp's client (node/client.test.js, node's test
// runner) against our server, then checks from the server's side that it
// received and sent exactly what node-smpp reports.
func TestNodeClient(t *testing.T) {
	dir := needNode(t)
	m := startSMSC(t, smscOptions{})
	cert := newTestCert(t)
	mtls := startSMSC(t, smscOptions{TLS: &tls.Config{Certificates: []tls.Certificate{cert.Cert}}})
	reportPath := filepath.Join(t.TempDir(), "report.json")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "--test", "--test-reporter=spec", "client.test.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SMPP_ADDR="+m.Addr, "INTEROP_REPORT="+reportPath, "NO_COLOR=1",
		"SMPP_TLS_ADDR="+mtls.Addr, "SMPP_TLS_CA="+cert.CertFile)
	out, err := cmd.CombinedOutput()
	t.Logf("node --test client.test.js:\n%s", out)
	if err != nil {
		t.Fatalf("node-smpp client scenarios failed: %v", err)
	}
	if !strings.Contains(string(out), "pass 10") || !strings.Contains(string(out), "fail 0") {
		t.Fatalf("expected 10 passing node tests and no failure")
	}
	raw, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep nodeReport
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}

	// SMPP times written by node-smpp, read by our pdu package.
	if got, ok := m.messageByText(rep.Timed.Text); !ok {
		t.Errorf("no timed message")
	} else {
		want, _ := time.Parse(time.RFC3339Nano, rep.Timed.Schedule)
		st, err := pdu.ParseTime(got.Schedule)
		abs, isAbs := st.Absolute()
		if err != nil || !isAbs || !abs.Equal(want) {
			t.Errorf("schedule_delivery_time %q: %v %v, want %v", got.Schedule, abs, err, want)
		}
		vt, err := pdu.ParseTime(got.Validity)
		per, isRel := vt.Period()
		if err != nil || !isRel || per != (pdu.RelativePeriod{Minutes: 4, Seconds: 30}) || got.Validity != rep.Timed.Validity {
			t.Errorf("validity_period %q: %+v %v", got.Validity, per, err)
		}
	}

	// Over TLS: the message and its receipt.
	if got, ok := mtls.messageByText(rep.TLS.Text); !ok || rep.TLS.Text == "" || got.IDs[0] != rep.TLS.ID {
		t.Errorf("TLS server recorded %+v (found %v); node-smpp reported %+v", got, ok, rep.TLS)
	}
	if dv := mtls.Deliveries(); len(dv) != 1 || dv[0].Kind != "receipt" || dv[0].MessageID != rep.TLS.ID || dv[0].Err != nil {
		t.Errorf("TLS server deliveries %+v", dv)
	}

	// Every message node-smpp submitted arrived whole, with the ids it got.
	msgs := m.Messages()
	var seen []string
	for _, want := range rep.Submitted {
		seen = append(seen, want.Text)
		got, ok := m.messageByText(want.Text)
		if !ok {
			t.Errorf("server has no message %q", want.Text)
			continue
		}
		if got.DataCoding != want.DC || got.Via != want.Via || !slices.Equal(got.IDs, want.IDs) || got.Parts != len(want.IDs) || got.Registered != want.Registered {
			t.Errorf("server recorded %+v, node-smpp sent %+v", got, want)
		}
	}
	// ... and nothing else but the two "MO please" and one "unbind me".
	var extra []string
	for _, msg := range msgs {
		if !slices.Contains(seen, msg.Text) {
			extra = append(extra, msg.Text)
		}
	}
	for i, x := range extra {
		if strings.HasPrefix(x, outbindRequest+"127.0.0.1:") {
			extra[i] = outbindRequest // the port varies
		}
	}
	slices.Sort(extra)
	if want := []string{moRequest, moRequest, outbindRequest, unbindRequest}; !slices.Equal(extra, want) {
		t.Errorf("server received other messages %q, want %q", extra, want)
	}
	if len(rep.Submitted) != 59 {
		t.Errorf("node-smpp reported %d submitted messages, want 59", len(rep.Submitted))
	}

	// Receipts and MO went out on the modes node-smpp received them on, and
	// node-smpp acknowledged each with deliver_sm_resp ESME_ROK.
	var receipts, mos []deliveryEvent
	for _, d := range m.Deliveries() {
		if d.Err != nil {
			t.Errorf("deliver_sm %+v not acknowledged: %v", d, d.Err)
		}
		if d.Kind == "receipt" {
			receipts = append(receipts, d)
		} else {
			mos = append(mos, d)
		}
	}
	if len(receipts) != len(rep.Receipts) || len(rep.Receipts) != 2 {
		t.Errorf("server sent %d receipts, node-smpp got %d, want 2", len(receipts), len(rep.Receipts))
	} else {
		for i, r := range rep.Receipts {
			if receipts[i].MessageID != r.ID || receipts[i].Mode != modeNames[r.Mode] {
				t.Errorf("receipt %d: server sent %+v, node-smpp got %+v", i, receipts[i], r)
			}
		}
	}
	if len(mos) != len(rep.MO) || len(mos) != 5 {
		t.Errorf("server sent %d MO, node-smpp got %d, want 5", len(mos), len(rep.MO))
	} else {
		for i, mo := range rep.MO {
			if mos[i].Text != mo.Text || mos[i].Mode != modeNames[mo.Mode] {
				t.Errorf("MO %d: server sent %+v, node-smpp got %+v", i, mos[i], mo)
			}
		}
	}

	// Binds, keepalives and unbinds, counted on both ends.
	binds := m.Binds()
	var ok, refused int
	for _, b := range binds {
		switch b.Status {
		case pdu.StatusOK:
			ok++
			if b.Version != pdu.V50 {
				t.Errorf("node-smpp bound with interface_version %#x, want 0x50", b.Version)
			}
		case pdu.StatusInvPassword:
			refused++
		default:
			t.Errorf("bind %+v", b)
		}
	}
	var repOK int
	for _, b := range rep.Binds {
		if b.Status == 0 {
			repOK++
		}
	}
	if ok != repOK || refused != 1 || len(rep.Binds) != len(binds) {
		t.Errorf("server answered %d binds OK and %d refused; node-smpp reported %+v", ok, refused, rep.Binds)
	}
	if got := m.boundModes(); !slices.Contains(got, pdu.BindTransmitter) || !slices.Contains(got, pdu.BindReceiver) || !slices.Contains(got, pdu.BindTransceiver) {
		t.Errorf("bound modes %v", got)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	parts := 4 // two "MO please", one "outbind me", one "unbind me"
	for _, sub := range rep.Submitted {
		parts += len(sub.IDs)
	}
	if m.submits != parts {
		t.Errorf("server counted %d submit_sm, node-smpp sent %d", m.submits, parts)
	}
	// node-smpp's timer may send one more enquire_link just as the session
	// ends, which the server counts but whose answer may never be read.
	if in := m.enquireIn[testSystemID]; in < rep.EnquireLinkResps || in > rep.EnquireLinkResps+1 || m.enquireOut < rep.EnquireLinkResps || rep.EnquireLinkResps < 4 {
		t.Errorf("server got %d enquire_link (answered %d); node-smpp got %d answers", m.enquireIn[testSystemID], m.enquireOut, rep.EnquireLinkResps)
	}
	if m.enquireIn[""] != rep.PreBindEnquire || rep.PreBindEnquire != 1 {
		t.Errorf("server got %d enquire_link before bind; node-smpp sent %d", m.enquireIn[""], rep.PreBindEnquire)
	}
	if m.unbindIn != rep.Unbinds || m.unbindRespOut < rep.Unbinds {
		t.Errorf("server got %d unbind (answered %d); node-smpp sent %d", m.unbindIn, m.unbindRespOut, rep.Unbinds)
	}
	if rep.ServerUnbinds != 1 {
		t.Errorf("node-smpp saw %d unbind from the server, want 1", rep.ServerUnbinds)
	}
}

// nodeServer is a running node/server.js.
type nodeServer struct {
	Addr  string
	cmd   *exec.Cmd
	stdin io.WriteCloser

	mu     sync.Mutex
	events []map[string]any
	lines  []string
	notify chan struct{}
}

// startNodeServer starts node/server.js with extra environment variables
// (TLS_CERT and TLS_KEY serve SMPP over TLS).
func startNodeServer(t *testing.T, env ...string) *nodeServer {
	t.Helper()
	dir := needNode(t)
	ns := &nodeServer{notify: make(chan struct{}, 1)}
	cmd := exec.Command("node", "server.js", "0")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout // one stream, in order
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ns.cmd, ns.stdin = cmd, stdin
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			ns.mu.Lock()
			ns.lines = append(ns.lines, line)
			if rest, ok := strings.CutPrefix(line, "EVENT "); ok {
				var ev map[string]any
				if err := json.Unmarshal([]byte(rest), &ev); err == nil {
					ns.events = append(ns.events, ev)
				}
			}
			ns.mu.Unlock()
			if port, ok := strings.CutPrefix(line, "LISTENING "); ok {
				ready <- port
			}
			select {
			case ns.notify <- struct{}{}:
			default:
			}
		}
		close(ready)
	}()
	t.Cleanup(func() {
		stdin.Close() // server.js exits when its stdin ends
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("node server.js exited: %v", err)
			}
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Errorf("node server.js did not exit")
		}
		if t.Failed() {
			ns.mu.Lock()
			t.Logf("node server.js output:\n%s", strings.Join(ns.lines, "\n"))
			ns.mu.Unlock()
		}
		for _, ev := range ns.eventsOf("error") {
			t.Errorf("node server.js reported an error: %v", ev)
		}
	})
	select {
	case port, ok := <-ready:
		if !ok {
			t.Fatalf("node server.js ended before listening:\n%s", strings.Join(ns.lines, "\n"))
		}
		if _, err := strconv.Atoi(port); err != nil {
			t.Fatalf("bad LISTENING line %q", port)
		}
		ns.Addr = "127.0.0.1:" + port
	case <-time.After(15 * time.Second):
		t.Fatal("node server.js did not print LISTENING")
	}
	return ns
}

// command writes one command line to server.js's stdin.
func (ns *nodeServer) command(t testing.TB, line string) {
	t.Helper()
	if _, err := io.WriteString(ns.stdin, line+"\n"); err != nil {
		t.Fatalf("command %q to server.js: %v", line, err)
	}
}

func (ns *nodeServer) eventsOf(typ string) []map[string]any {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	var out []map[string]any
	for _, ev := range ns.events {
		if ev["type"] == typ {
			out = append(out, ev)
		}
	}
	return out
}

// waitEvent waits for an event of typ that match accepts (nil: any).
func (ns *nodeServer) waitEvent(t testing.TB, typ string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		for _, ev := range ns.eventsOf(typ) {
			if match == nil || match(ev) {
				return ev
			}
		}
		select {
		case <-ns.notify:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("node server.js: no %q event in time", typ)
		}
	}
}

// esme is one of our client sessions with a handler that records deliver_sm.
type esme struct {
	s   *smpp.Session
	mu  sync.Mutex
	got []*pdu.DeliverSM
	ch  chan struct{}
}

func dialNode(t *testing.T, addr string, mode pdu.BindMode) *esme {
	t.Helper()
	e := &esme{ch: make(chan struct{}, 1)}
	d := &smpp.Dialer{
		SystemID: testSystemID, Password: testPassword, Mode: mode,
		Handler: smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			dsm, ok := r.PDU.(*pdu.DeliverSM)
			if !ok {
				return nil, pdu.StatusInvCmdID
			}
			e.mu.Lock()
			e.got = append(e.got, dsm)
			e.mu.Unlock()
			select {
			case e.ch <- struct{}{}:
			default:
			}
			return &pdu.DeliverSMResp{}, nil
		}),
		SessionConfig: smpp.SessionConfig{ResponseTimeout: 5 * time.Second},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := d.Dial(ctx, addr)
	if err != nil {
		t.Fatalf("bind %v to node-smpp: %v", mode, err)
	}
	t.Cleanup(func() { s.Close() })
	e.s = s
	return e
}

func (e *esme) waitDeliver(t testing.TB, what string, match func(*pdu.DeliverSM) bool) *pdu.DeliverSM {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		e.mu.Lock()
		for _, d := range e.got {
			if match(d) {
				e.mu.Unlock()
				return d
			}
		}
		e.mu.Unlock()
		select {
		case <-e.ch:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no %s in time", what)
		}
	}
}

func (e *esme) delivered() []*pdu.DeliverSM {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.got)
}

func submitTo(t testing.TB, s *smpp.Session, sm *pdu.SubmitSM) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := s.Submit(ctx, sm)
	if err != nil {
		t.Fatalf("submit_sm to node-smpp: %v", err)
	}
	if resp.MessageID == "" {
		t.Fatal("node-smpp gave an empty message_id")
	}
	return resp.MessageID
}

func gsmSubmit(src, dst, text string, reg uint8) *pdu.SubmitSM {
	return &pdu.SubmitSM{SourceAddrTON: 1, SourceAddrNPI: 1, SourceAddr: src, DestAddrTON: 1, DestAddrNPI: 1, DestinationAddr: dst,
		RegisteredDelivery: reg, DataCoding: pdu.CodingDefault, ShortMessage: mustGSM(text)}
}

func ucs2Submit(src, dst, text string) *pdu.SubmitSM {
	return &pdu.SubmitSM{SourceAddrTON: 1, SourceAddrNPI: 1, SourceAddr: src, DestAddrTON: 1, DestAddrNPI: 1, DestinationAddr: dst,
		DataCoding: pdu.CodingUCS2, ShortMessage: ucs2Encode(text)}
}

// checkReceipt asserts a receipt deliver_sm that node-smpp's server sent.
func checkReceipt(t testing.TB, d *pdu.DeliverSM, id, src, dst, text string) {
	t.Helper()
	if !d.IsReceipt() || d.ESMClass != pdu.ESMTypeDeliveryReceipt {
		t.Fatalf("esm_class %#x is not a delivery receipt", d.ESMClass)
	}
	r, err := parseReceipt(gsmDecode(d.ShortMessage))
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != id || r.Stat != "DELIVRD" || r.Text != text {
		t.Errorf("receipt %+v, want id %s text %q", r, id, text)
	}
	if v, ok := d.TLVs.ReceiptedMessageID(); !ok || v != id {
		t.Errorf("receipted_message_id %q (present %v), want %q", v, ok, id)
	}
	if v, ok := d.TLVs.MessageState(); !ok || pdu.MessageState(v) != pdu.StateDelivered {
		t.Errorf("message_state %d (present %v), want DELIVERED", v, ok)
	}
	if d.SourceAddr != dst || d.DestinationAddr != src {
		t.Errorf("receipt addresses %s→%s, want %s→%s", d.SourceAddr, d.DestinationAddr, dst, src)
	}
	// Our dlr package reads node-smpp's receipt the same way.
	dr, ok := dlr.FromDeliverSM(d)
	if !ok || dr.ID != id || dr.State != pdu.StateDelivered || dr.Stat != "DELIVRD" || dr.Text != text ||
		dr.FromTLV&(dlr.FieldID|dlr.FieldState) != dlr.FieldID|dlr.FieldState || !dlr.SameID(dr.ID, id) {
		t.Errorf("dlr.FromDeliverSM: ok %v %+v, want id %s DELIVERED text %q from TLVs", ok, dr, id, text)
	}
	if dr.DoneDate.IsZero() || dr.SubmitDate.IsZero() || dr.DoneDate.Sub(time.Now()).Abs() > 2*time.Minute {
		t.Errorf("dlr.FromDeliverSM dates %v / %v", dr.SubmitDate, dr.DoneDate)
	}
}

// num reads a JSON number field.
func num(ev map[string]any, k string) int {
	f, _ := ev[k].(float64)
	return int(f)
}

func ids(ev map[string]any) []string {
	var out []string
	if a, ok := ev["ids"].([]any); ok {
		for _, v := range a {
			s, _ := v.(string)
			out = append(out, s)
		}
	}
	return out
}

func TestOurClientBindsToNodeServer(t *testing.T) {
	ns := startNodeServer(t)
	for _, mode := range []pdu.BindMode{pdu.BindTransmitter, pdu.BindReceiver, pdu.BindTransceiver} {
		e := dialNode(t, ns.Addr, mode)
		if e.s.State() != smpp.BoundState(mode) || e.s.SystemID() != "node-smsc" || e.s.PeerVersion() != pdu.V34 {
			t.Errorf("%v: state %v system_id %q version %#x", mode, e.s.State(), e.s.SystemID(), e.s.PeerVersion())
		}
		name := strings.TrimPrefix(mode.CommandID().String(), "bind_")
		ev := ns.waitEvent(t, "bind", func(ev map[string]any) bool { return ev["mode"] == name })
		if ev["system_id"] != testSystemID || num(ev, "interface_version") != 0x34 {
			t.Errorf("node-smpp saw bind %v", ev)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := e.s.Unbind(ctx); err != nil {
			t.Errorf("%v: Unbind: %v", mode, err)
		}
		cancel()
		if e.s.State() != smpp.StateClosed || !errors.Is(e.s.Err(), smpp.ErrUnbound) {
			t.Errorf("%v: after Unbind state %v err %v", mode, e.s.State(), e.s.Err())
		}
		ns.waitEvent(t, "unbind", func(ev map[string]any) bool { return ev["mode"] == name })
	}

	// A refused bind reports the status node-smpp sent.
	d := &smpp.Dialer{SystemID: testSystemID, Password: "wrong", Mode: pdu.BindTransmitter}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := d.Dial(ctx, ns.Addr)
	var be *smpp.BindError
	if !errors.As(err, &be) || be.Status != pdu.StatusInvPassword {
		t.Fatalf("bind with a wrong password: %v, want ESME_RINVPASWD", err)
	}
}

func TestOurClientTRXWithNodeServer(t *testing.T) {
	ns := startNodeServer(t)
	e := dialNode(t, ns.Addr, pdu.BindTransceiver)
	const src = "46700000001"

	gsmText := "Hello from our client: @£$¥ èé ÄÖÑÜ {[~]} €5"
	gsmID := submitTo(t, e.s, gsmSubmit(src, "46700000002", gsmText, pdu.RegReceiptFinal))
	ucsText := "Привет 👋 from our client"
	ucsID := submitTo(t, e.s, ucs2Submit(src, "46700000003", ucsText))
	latinText := "Français «citation» ± ½ ©"
	latin := &pdu.SubmitSM{SourceAddr: src, DestinationAddr: "46700000008", DataCoding: pdu.CodingLatin1}
	for _, r := range latinText {
		latin.ShortMessage = append(latin.ShortMessage, byte(r))
	}
	latinID := submitTo(t, e.s, latin)

	// Long texts, split by our coding package and put into submit_sm by
	// Segment.ApplySubmit; node-smpp reassembles them (server.js).
	split := func(text string, c coding.Codec, method coding.Concat, ref uint16, dst string) (ids []string, parts int) {
		t.Helper()
		segs, err := coding.Split(text, c, method, ref)
		if err != nil {
			t.Fatalf("coding.Split: %v", err)
		}
		for _, seg := range segs {
			sm := &pdu.SubmitSM{SourceAddrTON: 1, SourceAddrNPI: 1, SourceAddr: src, DestAddrTON: 1, DestAddrNPI: 1, DestinationAddr: dst}
			seg.ApplySubmit(sm)
			ids = append(ids, submitTo(t, e.s, sm))
		}
		return ids, len(segs)
	}
	// 400 GSM characters: three parts with an 8-bit reference UDH.
	long := strings.Repeat("Pack my box with five dozen liquor jugs. ", 10)[:400]
	longIDs, n := split(long, coding.GSM7{}, coding.ConcatUDH8, 0x21, "46700000004")
	if n != 3 {
		t.Errorf("400 GSM characters in %d parts, want 3", n)
	}
	// 170 UTF-16 units with emoji: three parts with a 16-bit reference UDH;
	// no surrogate pair may be cut.
	longUCS := strings.Repeat("Длинный текст 👋 ", 10)
	longUCSIDs, n := split(longUCS, coding.UCS2{}, coding.ConcatUDH16, 0xBEEF, "46700000005")
	if n != 3 {
		t.Errorf("170 UCS2 units in %d parts, want 3", n)
	}
	// 300 characters in message_payload.
	payload := strings.Repeat("message_payload from our client. ", 10)[:300]
	plIDs, _ := split(payload, coding.GSM7{}, coding.ConcatPayload, 0, "46700000006")
	// 240 GSM characters with SAR TLVs: two parts.
	sarText := strings.Repeat("SAR segmented text. ", 12)
	sarIDs, n := split(sarText, coding.GSM7{}, coding.ConcatSAR, 0x0777, "46700000007")
	if n != 2 {
		t.Errorf("240 GSM characters in %d SAR parts, want 2", n)
	}

	// SMPP times written by our pdu package, read by node-smpp.
	sched := time.Date(2030, 1, 2, 3, 4, 5, 600e6, time.FixedZone("", 3*3600))
	timed := gsmSubmit(src, "46700000009", "timed message", 0)
	timed.ScheduleDeliveryTime = pdu.AbsoluteTime(sched).String()
	timed.ValidityPeriod = pdu.RelativeTime(4*time.Minute + 30*time.Second).String()
	before := time.Now()
	submitTo(t, e.s, timed)
	ev := ns.waitEvent(t, "submit_sm", func(ev map[string]any) bool { return ev["text"] == "timed message" })
	if got, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(ev["schedule_delivery_time"])); !got.Equal(sched) {
		t.Errorf("node-smpp read schedule_delivery_time %q (%v), want %v", timed.ScheduleDeliveryTime, ev["schedule_delivery_time"], sched.UTC())
	}
	if got, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(ev["validity_period"])); got.Sub(before) < 4*time.Minute+29*time.Second || got.Sub(before) > 5*time.Minute {
		t.Errorf("node-smpp read validity_period %q as %v (sent at %v)", timed.ValidityPeriod, ev["validity_period"], before)
	}

	checks := []struct {
		text  string
		dc    int
		via   string
		parts int
		ids   []string
	}{
		{gsmText, 0, "", 1, []string{gsmID}},
		{ucsText, 8, "", 1, []string{ucsID}},
		{latinText, 3, "", 1, []string{latinID}},
		{long, 0, "udh8", 3, longIDs},
		{longUCS, 8, "udh16", 3, longUCSIDs},
		{payload, 0, "payload", 1, plIDs},
		{sarText, 0, "sar", 2, sarIDs},
	}
	for _, c := range checks {
		ev := ns.waitEvent(t, "message", func(ev map[string]any) bool { return slices.Equal(ids(ev), c.ids) })
		if ev["text"] != c.text || num(ev, "data_coding") != c.dc || ev["via"] != c.via || num(ev, "parts") != c.parts {
			t.Errorf("node-smpp reassembled %v, want text %q dc %d via %q parts %d", ev, c.text, c.dc, c.via, c.parts)
		}
	}

	// The receipt comes back on this transceiver.
	r := e.waitDeliver(t, "receipt", (*pdu.DeliverSM).IsReceipt)
	checkReceipt(t, r, gsmID, src, "46700000002", first20(gsmText))
	ns.waitEvent(t, "deliver_sm_resp", func(ev map[string]any) bool { return ev["kind"] == "receipt" && num(ev, "status") == 0 })

	// MO on request.
	submitTo(t, e.s, gsmSubmit(src, "4321", "MO please", 0))
	mo1 := e.waitDeliver(t, "GSM MO", func(d *pdu.DeliverSM) bool { return !d.IsReceipt() && d.DataCoding == pdu.CodingDefault })
	mo2 := e.waitDeliver(t, "UCS2 MO", func(d *pdu.DeliverSM) bool { return !d.IsReceipt() && d.DataCoding == pdu.CodingUCS2 })
	if got := gsmDecode(mo1.ShortMessage); got != "MO reply from node: hello @ 100%" || mo1.SourceAddr != "4321" || mo1.DestinationAddr != src {
		t.Errorf("GSM MO %q %s→%s", got, mo1.SourceAddr, mo1.DestinationAddr)
	}
	if got := ucs2Decode(mo2.ShortMessage); got != "MO reply from node: Привет 👋" {
		t.Errorf("UCS2 MO %q", got)
	}
	waitCount(t, "2 MO acknowledged", func() bool {
		n := 0
		for _, ev := range ns.eventsOf("deliver_sm_resp") {
			if ev["kind"] == "mo" && num(ev, "status") == 0 {
				n++
			}
		}
		return n == 2
	})
	if n := len(e.delivered()); n != 3 {
		t.Errorf("our client got %d deliver_sm, want 1 receipt + 2 MO", n)
	}

	// enquire_link both ways.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for range 3 {
		if err := e.s.EnquireLink(ctx); err != nil {
			t.Fatalf("EnquireLink: %v", err)
		}
	}
	waitCount(t, "3 enquire_link at node-smpp", func() bool { return len(ns.eventsOf("enquire_link")) == 3 })
	submitTo(t, e.s, gsmSubmit(src, "1", "ping me", 0))
	ev = ns.waitEvent(t, "enquire_link_resp", nil)
	if num(ev, "status") != 0 {
		t.Errorf("our enquire_link_resp: %v", ev)
	}

	if err := e.s.Unbind(ctx); err != nil {
		t.Fatalf("Unbind: %v", err)
	}
	ns.waitEvent(t, "unbind", func(ev map[string]any) bool { return ev["mode"] == "transceiver" })
	if st := e.s.Stats(); st.Timeouts != 0 || st.Errors != 0 {
		t.Errorf("session stats %+v", st)
	}
}

func TestOurClientTXRXWithNodeServer(t *testing.T) {
	ns := startNodeServer(t)
	tx := dialNode(t, ns.Addr, pdu.BindTransmitter)
	// The receipt is queued by node-smpp until the receiver binds.
	const src = "46700000011"
	id := submitTo(t, tx.s, gsmSubmit(src, "46700000012", "receipt waits for RX", pdu.RegReceiptFinal))
	rx := dialNode(t, ns.Addr, pdu.BindReceiver)
	r := rx.waitDeliver(t, "receipt on RX", (*pdu.DeliverSM).IsReceipt)
	checkReceipt(t, r, id, src, "46700000012", "receipt waits for RX")

	submitTo(t, tx.s, gsmSubmit(src, "4321", "MO please", 0))
	rx.waitDeliver(t, "MO on RX", func(d *pdu.DeliverSM) bool { return d.DataCoding == pdu.CodingUCS2 })
	if n := len(rx.delivered()); n != 3 {
		t.Errorf("receiver got %d deliver_sm, want 3", n)
	}
	if n := len(tx.delivered()); n != 0 {
		t.Errorf("transmitter got %d deliver_sm", n)
	}
	// A receiver may not submit: our session refuses before sending.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := rx.s.Submit(ctx, gsmSubmit(src, "1", "no", 0)); !errors.Is(err, smpp.ErrNotPermitted) {
		t.Errorf("submit on RX: %v, want ErrNotPermitted", err)
	}

	// node-smpp unbinds the transmitter (asked by text): our session answers
	// unbind_resp and closes with ErrUnbound.
	submitTo(t, tx.s, gsmSubmit(src, "1", "unbind me", 0))
	select {
	case <-tx.s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("transmitter not closed after node-smpp's unbind")
	}
	if err := tx.s.Err(); !errors.Is(err, smpp.ErrUnbound) {
		t.Errorf("transmitter closed with %v, want ErrUnbound", err)
	}
	ev := ns.waitEvent(t, "unbind_resp", nil)
	if num(ev, "status") != 0 || ev["mode"] != "transmitter" {
		t.Errorf("node-smpp got unbind_resp %v", ev)
	}
	if err := rx.s.Unbind(ctx); err != nil {
		t.Fatalf("RX Unbind: %v", err)
	}
	ns.waitEvent(t, "unbind", func(ev map[string]any) bool { return ev["mode"] == "receiver" })
}

func waitCount(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOurClientWindowAndKeepaliveWithNodeServer(t *testing.T) {
	ns := startNodeServer(t)
	e := dialNode(t, ns.Addr, pdu.BindTransmitter)
	// 100 submits from 100 goroutines through our window of 10.
	const n = 100
	var wg sync.WaitGroup
	got := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			resp, err := e.s.Submit(ctx, gsmSubmit("46700000021", "46700000022", fmt.Sprintf("window %03d", i), 0))
			if err == nil {
				got[i] = resp.MessageID
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		if errs[i] != nil || got[i] == "" || seen[got[i]] {
			t.Fatalf("submit %d: id %q err %v", i, got[i], errs[i])
		}
		seen[got[i]] = true
	}
	for i := range n {
		text := fmt.Sprintf("window %03d", i)
		ev := ns.waitEvent(t, "message", func(ev map[string]any) bool { return ev["text"] == text })
		if id := ids(ev); len(id) != 1 || id[0] != got[i] {
			t.Errorf("node-smpp gave %v to %q, we got %q", id, text, got[i])
		}
	}
	if st := e.s.Stats(); st.InFlight != 0 || st.Timeouts != 0 {
		t.Errorf("stats after the burst: %+v", st)
	}

	// Our keepalive: a session silent for EnquireLinkInterval sends
	// enquire_link, and node-smpp's answers keep it bound.
	d := &smpp.Dialer{SystemID: testSystemID, Password: testPassword, Mode: pdu.BindReceiver,
		Handler:       smpp.HandlerFunc(func(context.Context, *smpp.Request) (pdu.PDU, error) { return nil, nil }),
		SessionConfig: smpp.SessionConfig{EnquireLinkInterval: 100 * time.Millisecond, ResponseTimeout: 2 * time.Second}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rx, err := d.Dial(ctx, ns.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	waitCount(t, "3 enquire_link from our receiver", func() bool {
		n := 0
		for _, ev := range ns.eventsOf("enquire_link") {
			if ev["mode"] == "receiver" {
				n++
			}
		}
		return n >= 3
	})
	if rx.State() != smpp.StateBoundRX || rx.Stats().Timeouts != 0 {
		t.Errorf("receiver after keepalives: %v %+v", rx.State(), rx.Stats())
	}
	if err := rx.Unbind(ctx); err != nil {
		t.Errorf("Unbind: %v", err)
	}
	if err := e.s.Unbind(ctx); err != nil {
		t.Errorf("Unbind: %v", err)
	}
}

func TestOurClientAcceptsOutbindFromNodeServer(t *testing.T) {
	// node-smpp's server connects to our OutbindListener and sends outbind;
	// we check its credentials, bind as receiver on that connection
	// (Dialer.AcceptOutbind) and receive MO there.
	ns := startNodeServer(t)
	e := &esme{ch: make(chan struct{}, 1)}
	handler := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		if d, ok := r.PDU.(*pdu.DeliverSM); ok {
			e.mu.Lock()
			e.got = append(e.got, d)
			e.mu.Unlock()
			select {
			case e.ch <- struct{}{}:
			default:
			}
		}
		return nil, nil
	})
	listen := func(verify func(*pdu.Outbind) error) (string, chan *smpp.Session, chan error) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		sessions, errs := make(chan *smpp.Session, 1), make(chan error, 1)
		ol := &smpp.OutbindListener{
			Dialer:    &smpp.Dialer{SystemID: testSystemID, Password: testPassword, Mode: pdu.BindReceiver, Handler: handler},
			Verify:    verify,
			OnSession: func(s *smpp.Session) { sessions <- s },
			OnError:   func(err error) { errs <- err },
		}
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- ol.Serve(ctx, l) }()
		t.Cleanup(func() {
			cancel()
			if err := <-served; !errors.Is(err, context.Canceled) {
				t.Errorf("OutbindListener.Serve: %v", err)
			}
		})
		return l.Addr().String(), sessions, errs
	}

	// An outbind with credentials we do not expect: the connection is closed.
	addr, _, errs := listen(func(ob *pdu.Outbind) error { return errors.New("unknown SMSC " + ob.SystemID) })
	ns.command(t, "OUTBIND "+addr)
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "unknown SMSC node-smsc") {
			t.Errorf("refused outbind: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the refused outbind was not reported")
	}
	ns.waitEvent(t, "close", func(ev map[string]any) bool { return ev["mode"] == nil })

	// The expected credentials: we bind as receiver on node-smpp's connection.
	var seen *pdu.Outbind
	addr, sessions, errs := listen(func(ob *pdu.Outbind) error {
		seen = ob
		if ob.SystemID != "node-smsc" || ob.Password != "obpass" {
			return errors.New("bad outbind credentials")
		}
		return nil
	})
	ns.command(t, "OUTBIND "+addr)
	var s *smpp.Session
	select {
	case s = <-sessions:
	case err := <-errs:
		t.Fatalf("outbind: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("no session from node-smpp's outbind")
	}
	defer s.Close()
	if seen == nil || s.State() != smpp.StateBoundRX || s.SystemID() != "node-smsc" || s.PeerVersion() != pdu.V34 {
		t.Fatalf("outbind session: state %v system_id %q version %#x", s.State(), s.SystemID(), s.PeerVersion())
	}
	ns.waitEvent(t, "bind", func(ev map[string]any) bool { return ev["mode"] == "receiver" })

	// node-smpp routes MO for "test" to that receiver.
	tx := dialNode(t, ns.Addr, pdu.BindTransmitter)
	submitTo(t, tx.s, gsmSubmit("46700000031", "4321", "MO please", 0))
	// (Our handler runs each deliver_sm on its own goroutine: match by
	// content, not by arrival order.)
	mo1 := e.waitDeliver(t, "GSM MO over outbind", func(d *pdu.DeliverSM) bool { return d.DataCoding == pdu.CodingDefault })
	mo2 := e.waitDeliver(t, "UCS2 MO over outbind", func(d *pdu.DeliverSM) bool { return d.DataCoding == pdu.CodingUCS2 })
	if gsmDecode(mo1.ShortMessage) != "MO reply from node: hello @ 100%" || ucs2Decode(mo2.ShortMessage) != "MO reply from node: Привет 👋" {
		t.Errorf("MO over outbind: %q, %q", gsmDecode(mo1.ShortMessage), ucs2Decode(mo2.ShortMessage))
	}
	if n := len(e.delivered()); n != 2 {
		t.Errorf("MO over outbind: %d deliver_sm, want 2", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Unbind(ctx); err != nil {
		t.Errorf("Unbind: %v", err)
	}
	if err := tx.s.Unbind(ctx); err != nil {
		t.Errorf("Unbind: %v", err)
	}
}

func TestOurClientErrAfterPeerUnbind(t *testing.T) {
	// Regression test: when the peer unbound, our session answered
	// unbind_resp and closed, but Session.Err() was sometimes io.EOF: node-smpp
	// closes as soon as it reads unbind_resp, and the read loop's EOF could be
	// recorded before the write loop's ErrUnbound. Fixed by f7d73a4.
	ns := startNodeServer(t)
	// Many sessions at once, so that our write loop is sometimes descheduled
	// between writing unbind_resp and recording ErrUnbound.
	const sessions, rounds = 25, 10
	var mu sync.Mutex
	var bad []error
	var wg sync.WaitGroup
	for range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				d := &smpp.Dialer{SystemID: testSystemID, Password: testPassword, Mode: pdu.BindTransmitter}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				s, err := d.Dial(ctx, ns.Addr)
				if err == nil {
					_, err = s.Submit(ctx, gsmSubmit("46700000041", "1", unbindRequest, 0))
				}
				if err == nil {
					select {
					case <-s.Done():
						err = s.Err()
					case <-ctx.Done():
						err = errors.New("not closed after node-smpp's unbind")
						s.Close()
					}
				}
				cancel()
				if !errors.Is(err, smpp.ErrUnbound) {
					mu.Lock()
					bad = append(bad, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(bad) > 0 {
		t.Errorf("%d of %d sessions unbound by the peer closed with something else than ErrUnbound: %v", len(bad), sessions*rounds, bad)
	}
}
