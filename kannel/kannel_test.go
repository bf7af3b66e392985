package kannel

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"
	"unicode/utf16"

	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/smsctest"
)

//go:embed kannel.conf.tmpl
var confTemplate string

// The smscd account Kannel binds with, and the short code it owns (MOs to
// it are delivered to Kannel).
const (
	systemID  = "kannel"
	password  = "secret"
	shortCode = "5000"
)

// conf is what kannel.conf.tmpl is filled with.
type conf struct {
	Dir                                string
	AdminPort, SmsboxPort, SendsmsPort int
	AdminPassword                      string
	SMPPPort                           int
	SystemID, Password                 string
	SendUser, SendPassword             string
	HookURL                            string
}

// gateway is a running Kannel (bearerbox and smsbox) bound to an
// in-process smscd.
type gateway struct {
	srv  *smsctest.Server
	hook *hook
	dir  string
	// send submits a text through smsbox's sendsms with dlr-mask 31 and a
	// dlr-url on hook tagged with tag.
	send func(ctx context.Context, tag, from, to, text string, coding int) error
}

// startGateway starts smscd, the test's HTTP server and Kannel's boxes, and
// waits until bearerbox shows the SMPP connection online and smsbox
// connected. It skips the test when bearerbox is not installed.
func startGateway(ctx context.Context, t *testing.T) *gateway {
	t.Helper()
	bearerbox, err := lookBox("bearerbox")
	if err != nil {
		t.Skip("bearerbox not installed (Debian package kannel; scripts/test.sh installs it): ", err)
	}
	smsbox, err := lookBox("smsbox")
	if err != nil {
		t.Fatalf("bearerbox is installed but smsbox is not: %v", err)
	}

	srv := smsctest.NewServer(t,
		smsctest.Account(systemID, password, shortCode),
		smsctest.Configure(func(c *smsc.Config) {
			// Handsets answer after 300ms, so final receipts come well
			// after the submit_sm_resp, as on a real network.
			c.Network.Delay = smsc.Duration(300 * time.Millisecond)
			// Keepalives both ways within the test: smscd every 500ms,
			// Kannel every second (enquire-link-interval).
			c.EnquireLink = smsc.Duration(500 * time.Millisecond)
		}))

	hook := newHook()
	hs := httptest.NewServer(hook)
	t.Cleanup(hs.Close)

	dir := t.TempDir()
	if d := os.Getenv("KANNEL_TEST_DIR"); d != "" {
		// Keep the configuration and Kannel's logs after the test.
		dir = filepath.Join(d, t.Name())
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	_, smppPort, _ := net.SplitHostPort(srv.Addr)
	c := conf{
		Dir:           dir,
		AdminPort:     freePort(t),
		SmsboxPort:    freePort(t),
		SendsmsPort:   freePort(t),
		AdminPassword: "adminpw",
		SMPPPort:      atoi(t, smppPort),
		SystemID:      systemID,
		Password:      password,
		SendUser:      "tester",
		SendPassword:  "foobar",
		HookURL:       hs.URL,
	}
	confPath := filepath.Join(dir, "kannel.conf")
	var buf bytes.Buffer
	if err := template.Must(template.New("kannel.conf").Parse(confTemplate)).Execute(&buf, c); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(confPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	// On failure, show what Kannel said (registered before the boxes, so it
	// runs after they have been stopped and have flushed their logs).
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		t.Logf("kannel.conf:\n%s", buf.String())
		for _, name := range []string{"bearerbox.out", "smsbox.out", "bearerbox-access.log", "smsbox-access.log", "bearerbox.log", "smsbox.log"} {
			t.Logf("==== %s (tail) ====\n%s", name, tail(filepath.Join(dir, name), 48<<10))
		}
		t.Logf("==== requests to the test's HTTP server ====\n%s", hook.dump())
		t.Logf("==== smscd sessions ====\n%+v", srv.Sessions())
	})

	startBox(t, dir, "bearerbox", bearerbox, confPath)
	status := fmt.Sprintf("http://127.0.0.1:%d/status.txt?password=%s", c.AdminPort, c.AdminPassword)
	waitStatus(ctx, t, status, smscOnline)
	startBox(t, dir, "smsbox", smsbox, confPath)
	st := waitStatus(ctx, t, status, func(s string) bool {
		return smscOnline(s) && strings.Contains(s, "smsbox:") && strings.Contains(s, "on-line")
	})
	t.Logf("bearerbox status:\n%s", st)

	return &gateway{
		srv: srv, hook: hook, dir: dir,
		send: sendsms(fmt.Sprintf("http://127.0.0.1:%d/cgi-bin/sendsms", c.SendsmsPort), c.SendUser, c.SendPassword, hs.URL),
	}
}

// bearerboxLog returns bearerbox's log file.
func (g *gateway) bearerboxLog(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(g.dir, "bearerbox.log"))
	if err != nil {
		t.Error(err)
	}
	return b
}

// unmatched returns the lines in which bearerbox reports a receipt it could
// not match to a message it sent.
func unmatched(log []byte) []string {
	var out []string
	for _, l := range strings.Split(string(log), "\n") {
		if strings.Contains(l, "got DLR but could not find message") {
			out = append(out, l)
		}
	}
	return out
}

// Why a receipt did not reach the dlr-url, read from bearerbox's log
// (log-level 0 dumps every PDU).
const (
	fateBeforeResp = "before-resp" // it came before the submit_sm_resp with its id: known bug
	fateAfterFinal = "after-final" // an ENROUTE that came after the final receipt: known bug
	fateNotSent    = "not-sent"    // an ENROUTE smscd never sent: the final state replaced it
)

// receiptFate explains a missing DLR callback of type typ ("1" final, "4"
// ENROUTE) for message id, "" when the log does not explain it.
func receiptFate(log []byte, id, typ string) string {
	resp, unmatchedAt, receipts := -1, -1, 0
	for i, l := range strings.Split(string(log), "\n") {
		switch {
		case resp < 0 && strings.HasSuffix(l, `DEBUG:   message_id: "`+id+`"`): // submit_sm_resp
			resp = i
		case strings.HasSuffix(l, `receipted_message_id: "`+id+`"`): // deliver_sm
			receipts++
		case strings.Contains(l, "could not find message") && strings.Contains(l, "id<"+id+">") && strings.Contains(l, "type<"+typ+">"):
			unmatchedAt = i
		}
	}
	switch {
	case unmatchedAt >= 0 && (resp < 0 || unmatchedAt < resp):
		return fateBeforeResp
	case unmatchedAt >= 0 && typ == "4":
		return fateAfterFinal
	case typ == "4" && receipts == 1:
		return fateNotSent
	}
	return ""
}

// TestKannelESME runs Kannel's bearerbox and smsbox against an in-process
// smscd: MT messages submitted over smsbox's HTTP sendsms reach the
// simulated handsets with the right text, their receipts come back to
// Kannel (which calls the dlr-url), and MO messages from the handsets reach
// Kannel's sms-service (which calls the test's get-url).
func TestKannelESME(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	g := startGateway(ctx, t)
	srv, hook := g.srv, g.hook

	// Kannel's bind was a transceiver: one session of the account, mode trx.
	session := kannelSession(t, srv)
	if session.Mode != "trx" || session.State != "BOUND_TRX" {
		t.Errorf("Kannel's smscd session: mode %q state %q, want trx, BOUND_TRX", session.Mode, session.State)
	}

	long := strings.Repeat("The quick brown fox jumps over the lazy dog, 0123456789 times! ", 6) + "{end} €"
	longUCS2 := strings.Repeat("Съешь же ещё этих мягких французских булок, да выпей чаю. ", 3)
	cases := []struct {
		tag, to, text string
		coding        int
		parts         int
	}{
		// Most of GSM 03.38 beyond ASCII, and the extension table
		// ({}[]~\^|€ travel as ESC + code).
		{"gsm", "447700900001", "Kannel GSM: @£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà {}[]~\\^|€", 0, 1},
		{"ucs2", "447700900002", "Kannel UCS-2: Привет, мир! 你好世界 ✓ Ελληνικά", 2, 1},
		{"long", "447700900003", long, 0, 3},
		{"longucs2", "447700900004", longUCS2, 2, 3},
	}
	for _, tc := range cases {
		if err := g.send(ctx, tc.tag, shortCode, tc.to, tc.text, tc.coding); err != nil {
			t.Fatalf("%s: %v", tc.tag, err)
		}
	}

	var explained []string // Kannel log lines of known bugs
	for _, tc := range cases {
		t.Run(tc.tag, func(t *testing.T) {
			wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			defer cancel()
			msgs, err := srv.WaitPhone(wctx, tc.to, tc.parts)
			if err != nil {
				t.Fatalf("handset %s got %d messages, want %d: %v", tc.to, len(msgs), tc.parts, err)
			}
			if len(msgs) != tc.parts {
				t.Errorf("handset %s got %d messages, want %d: %+v", tc.to, len(msgs), tc.parts, msgs)
			}
			// The network may deliver the parts in any order: put them in
			// part order.
			slices.SortStableFunc(msgs, func(a, b smsc.PhoneMessage) int { return strings.Compare(a.Part, b.Part) })
			var joined strings.Builder
			for i, m := range msgs {
				if m.From != shortCode {
					t.Errorf("part %d: from %q, want %q", i+1, m.From, shortCode)
				}
				if m.State != "DELIVERED" {
					t.Errorf("part %d: state %q, want DELIVERED", i+1, m.State)
				}
				if tc.parts > 1 {
					if want := fmt.Sprintf("%d/%d", i+1, tc.parts); m.Part != want {
						t.Errorf("part %d: Part %q, want %q", i+1, m.Part, want)
					}
				} else if m.Part != "" {
					t.Errorf("single message delivered as segment %q", m.Part)
				}
				joined.WriteString(m.Text)
			}
			if joined.String() != tc.text {
				t.Errorf("handset %s got text\n%q\nwant\n%q", tc.to, joined.String(), tc.text)
			}
			firstID := msgs[0].ID

			// Kannel asks for a receipt of the first part only (gw/sms.c
			// sms_split: "if its a DLR request message getting split, only
			// ask DLR for the first one"), so every message, long or not,
			// gets one callback per DLR type: 8 when smscd accepted it
			// (submit_sm_resp), 4 for smscd's ENROUTE intermediate
			// notification (dlr-mask 4 sets registered_delivery bit 4),
			// 1 for the final DELIVRD receipt.
			for _, want := range []struct {
				typ, reply string
				grace      time.Duration // how long to wait once type 1 is in
			}{
				{"8", "ACK/", 0},
				{"1", "stat:DELIVRD", 0},
				{"4", "stat:ENROUTE", 2 * time.Second},
			} {
				c := wctx
				if want.grace > 0 {
					var cancel context.CancelFunc
					c, cancel = context.WithTimeout(wctx, want.grace)
					defer cancel()
				}
				dlrs, err := hook.wait(c, func(r hookReq) bool {
					return r.Path == "/dlr" && r.Query.Get("tag") == tc.tag && r.Query.Get("type") == want.typ
				}, 1)
				if err != nil && want.typ == "4" {
					// smscd's intermediate notifications are not reliable
					// yet: tell the known bugs from a new failure.
					fate := receiptFate(g.bearerboxLog(t), firstID, "4")
					switch fate {
					case fateBeforeResp:
						t.Logf("KNOWN BUG (TestKannelBugReceiptBeforeSubmitResp): smscd sent the ENROUTE notification of message %s before its submit_sm_resp; Kannel dropped it", firstID)
					case fateAfterFinal:
						t.Logf("KNOWN BUG (TestKannelBugIntermediateAfterFinal): smscd sent the ENROUTE notification of message %s after its final receipt; Kannel dropped it", firstID)
					case fateNotSent:
						t.Logf("smscd sent no ENROUTE notification for message %s: the final state replaced it before it went out", firstID)
					}
					if fate != "" {
						explained = append(explained, fmt.Sprintf("id<%s> dst<%s>, type<4>", firstID, tc.to))
						continue
					}
				}
				if err != nil {
					why := ""
					if f := receiptFate(g.bearerboxLog(t), firstID, want.typ); f != "" {
						why = " (bearerbox's log: " + f + ")"
					}
					t.Errorf("no DLR callback of type %s for %s (message %s): %v%s", want.typ, tc.tag, firstID, err, why)
					continue
				}
				q := dlrs[0].Query
				if a := q.Get("reply"); !strings.Contains(a, want.reply) {
					t.Errorf("type %s DLR callback: %%A = %q, want it to contain %q", want.typ, a, want.reply)
				}
				if want.typ != "8" && !strings.HasPrefix(q.Get("reply"), "id:"+firstID+" ") {
					t.Errorf("type %s DLR callback: %%A = %q, want the receipt of message id %s", want.typ, q.Get("reply"), firstID)
				}
				if f := q.Get("fid"); f != firstID {
					t.Errorf("type %s DLR callback: %%F = %q, want smscd's message id of the first part %q", want.typ, f, firstID)
				}
				if p := strings.TrimPrefix(q.Get("to"), "+"); p != tc.to {
					t.Errorf("type %s DLR callback: %%p = %q, want %s", want.typ, q.Get("to"), tc.to)
				}
				if s := q.Get("smsc"); s != "smscd" {
					t.Errorf("type %s DLR callback: %%i = %q, want smscd", want.typ, s)
				}
			}
		})
	}

	t.Run("mo", func(t *testing.T) {
		mos := []struct{ from, text, coding string }{
			{"447700900123", "hello kannel", "0"},
			{"447700900124", "привет, kannel ✓", "2"},
			// Over 254 octets: smscd sends it in message_payload.
			{"447700900125", strings.Repeat("long MO in message_payload. ", 11), "0"},
		}
		for _, mo := range mos {
			if _, err := srv.SendMO(ctx, mo.from, shortCode, mo.text); err != nil {
				t.Fatalf("SendMO from %s: %v", mo.from, err)
			}
		}
		wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		for _, mo := range mos {
			got, err := hook.wait(wctx, func(r hookReq) bool {
				return r.Path == "/mo" && strings.TrimPrefix(r.Query.Get("from"), "+") == mo.from
			}, 1)
			if err != nil {
				t.Errorf("Kannel did not call the get-url for the MO from %s: %v", mo.from, err)
				continue
			}
			q := got[0].Query
			// %b is the text as Kannel received it: UTF-8 for the GSM
			// alphabet (converted by Kannel), the UCS-2 octets as they
			// came (UTF-16BE) for data_coding 8, as %C says.
			txt := q.Get("text")
			if q.Get("charset") == "UTF-16BE" {
				txt = fromUTF16BE(txt)
			}
			if txt != mo.text {
				t.Errorf("MO from %s: Kannel's %%b = %q (charset %s), want %q", mo.from, q.Get("text"), q.Get("charset"), mo.text)
			}
			// smscd sends MOs with source TON international: Kannel
			// shows the sender with a leading '+'.
			if from := q.Get("from"); from != "+"+mo.from {
				t.Errorf("MO from %s: Kannel's %%p = %q, want +%s", mo.from, from, mo.from)
			}
			if to := q.Get("to"); to != shortCode {
				t.Errorf("MO from %s: Kannel's %%P = %q, want %s", mo.from, to, shortCode)
			}
			if s := q.Get("smsc"); s != "smscd" {
				t.Errorf("MO from %s: Kannel's %%i = %q, want smscd", mo.from, s)
			}
			if cd := q.Get("coding"); cd != mo.coding {
				t.Errorf("MO from %s: Kannel's %%c = %q, want %s", mo.from, cd, mo.coding)
			}
			t.Logf("MO from %s reached Kannel's get-url: %q (%%p %s, %%P %s, coding %s, charset %s)", mo.from, txt, q.Get("from"), q.Get("to"), q.Get("coding"), q.Get("charset"))
		}
	})

	// Keepalives both ways (enquire_link from smscd answered by Kannel and
	// the other way round) left the bind alone: the same session, still
	// bound, with no timeouts or protocol anomalies on smscd's side.
	t.Run("keepalive", func(t *testing.T) {
		var fromSMSC, fromKannel int
		deadline := time.Now().Add(5 * time.Second)
		for {
			fromSMSC, fromKannel = enquireLinks(g.bearerboxLog(t))
			if fromSMSC > 0 && fromKannel > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if fromSMSC == 0 || fromKannel == 0 {
			t.Errorf("bearerbox's log shows %d enquire_link from smscd and %d enquire_link_resp to its own, want both", fromSMSC, fromKannel)
		}
		now := kannelSession(t, srv)
		if now.ID != session.ID || now.State != "BOUND_TRX" {
			t.Errorf("Kannel's session is now %s in state %s, was %s: it rebound", now.ID, now.State, session.ID)
		}
		if st := now.Stats; st.Timeouts != 0 || st.Errors != 0 {
			t.Errorf("smscd's session with Kannel: %d response timeouts, %d protocol errors", st.Timeouts, st.Errors)
		}
		t.Logf("%d enquire_link from smscd, %d answers to Kannel's; session stats %+v", fromSMSC, fromKannel, now.Stats)
	})

	// No receipt twice, and none Kannel could not match to a message it sent
	// (message ids as smscd gave them in submit_sm_resp), but for the known
	// bug above.
	for _, tc := range cases {
		for _, typ := range []string{"1", "4", "8"} {
			got, _ := hook.wait(context.Background(), func(r hookReq) bool {
				return r.Path == "/dlr" && r.Query.Get("tag") == tc.tag && r.Query.Get("type") == typ
			}, 0)
			if len(got) > 1 {
				t.Errorf("%s: %d DLR callbacks of type %s, want 1", tc.tag, len(got), typ)
			}
		}
	}
next:
	for _, l := range unmatched(g.bearerboxLog(t)) {
		for _, sig := range explained {
			if strings.Contains(l, sig) {
				continue next
			}
		}
		t.Errorf("bearerbox could not match a receipt: %s", l)
	}
}

// TestKannelBugReceiptBeforeSubmitResp pins a bug in smscd: the ENROUTE
// intermediate notification of a message (a deliver_sm whose
// receipted_message_id is the message's id) can reach the ESME before the
// submit_sm_resp that tells the ESME that id. smscd answers submit_sm once
// the store acknowledged the message, but the network simulator consumes the
// stored message, records ENROUTE and the receipt consumer sends it to the
// transceiver session meanwhile. Kannel, like most ESMEs, files the receipt
// request when the submit_sm_resp arrives, so it cannot match such a
// notification and drops it ("got DLR but could not find message"): the
// dlr-url is never called with type 4. Seen in TestKannelESME under CPU
// load (4 messages, other processes spinning).
func TestKannelBugReceiptBeforeSubmitResp(t *testing.T) {
	skipBug(t, "smscd may send a receipt (seen with ENROUTE intermediate notifications) before the submit_sm_resp carrying that message id; Kannel drops it")
	lost := burst(t, 5, fateBeforeResp, 1)
	if len(lost[fateBeforeResp]) > 0 {
		t.Errorf("smscd sent receipts %v before the submit_sm_resp of their message; Kannel dropped them", lost[fateBeforeResp])
	}
}

// TestKannelBugIntermediateAfterFinal pins a bug in smscd: the ENROUTE
// intermediate notification of a message can reach the ESME after the
// message's final receipt (DELIVRD). smscd sends each receipt on its own
// goroutine (receiverSet.deliverReceipt), so the two receipts of one message
// race. Kannel forgets a message at its final receipt and drops the late
// notification ("got DLR but could not find message ... type<4>"); an ESME
// that kept it would go back from delivered to en route.
func TestKannelBugIntermediateAfterFinal(t *testing.T) {
	skipBug(t, "smscd may send a message's ENROUTE intermediate notification after its final receipt (receipts of one message are sent concurrently); Kannel drops it")
	lost := burst(t, 5, fateAfterFinal, 20)
	if len(lost[fateAfterFinal]) > 0 {
		t.Errorf("smscd sent the ENROUTE notification of messages %v after their final receipt; Kannel dropped it", lost[fateAfterFinal])
	}
}

// burst sends rounds of 200 messages with dlr-mask 31 through Kannel on a
// busy machine, parallel HTTP requests at a time, until a round shows a
// receipt lost to fate, and returns the receipts whose DLR callback never
// came, by fate (receiptFate), as "<message id>/<DLR type>".
func burst(t *testing.T, rounds int, fate string, parallel int) map[string][]string {
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	g := startGateway(ctx, t)

	// The races need a busy machine (they showed up in TestKannelESME while
	// other processes competed for the CPU): keep every core busy with
	// spinning shells, so that smscd's threads get preempted.
	for range 2 * runtime.NumCPU() {
		spin := exec.Command("sh", "-c", "while :; do :; done")
		if err := spin.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { spin.Process.Kill(); spin.Wait() })
	}

	const n = 200
	lost := map[string][]string{}
	for round := range rounds {
		var wg sync.WaitGroup
		errs := make(chan error, n)
		sem := make(chan struct{}, parallel)
		for i := range n {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				errs <- g.send(ctx, fmt.Sprintf("r%dm%d", round, i), shortCode, fmt.Sprintf("4477%04d%04d", round, i), "burst", 0)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		// Every message has its id from its type 8 (accepted) callback.
		callbacks := func(typ string, want int, d time.Duration) map[string]bool {
			wctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			got, _ := g.hook.wait(wctx, func(r hookReq) bool {
				return r.Path == "/dlr" && r.Query.Get("type") == typ && strings.HasPrefix(r.Query.Get("tag"), fmt.Sprintf("r%dm", round))
			}, want)
			ids := map[string]bool{}
			for _, r := range got {
				ids[r.Query.Get("fid")] = true
			}
			return ids
		}
		accepted := callbacks("8", n, 20*time.Second)
		if len(accepted) != n {
			t.Fatalf("round %d: %d of %d messages accepted", round, len(accepted), n)
		}
		final := callbacks("1", n, 20*time.Second)
		enroute := callbacks("4", n, 2*time.Second)
		log := g.bearerboxLog(t)
		for id := range accepted {
			for typ, got := range map[string]map[string]bool{"1": final, "4": enroute} {
				if !got[id] {
					f := receiptFate(log, id, typ)
					lost[f] = append(lost[f], id+"/"+typ)
				}
			}
		}
		t.Logf("round %d: of %d messages, %d final and %d ENROUTE DLR callbacks; missing by fate: %v", round, n, len(final), len(enroute), lost)
		if len(lost[fate]) > 0 {
			break
		}
	}
	if len(lost[""]) > 0 {
		t.Errorf("receipts lost for no known reason: %v", lost[""])
	}
	return lost
}

// skipBug skips a test that pins a known bug, unless SMSC_RUN_BUGS=1 (run it
// with `SMSC_RUN_BUGS=1 go test -run NAME ./kannel/` to see it fail).
func skipBug(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("SMSC_RUN_BUGS") != "1" {
		t.Skip("BUG: " + why)
	}
}

// kannelSession returns Kannel's one session on smscd.
func kannelSession(t *testing.T, srv *smsctest.Server) smsc.SessionInfo {
	t.Helper()
	var found []smsc.SessionInfo
	for _, s := range srv.Sessions() {
		if s.SystemID == systemID {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("smscd has %d sessions of %q, want 1: %+v", len(found), systemID, found)
	}
	return found[0]
}

// enquireLinks counts, in bearerbox's log, the enquire_link PDUs it got from
// smscd and the enquire_link_resp PDUs it got for its own.
func enquireLinks(log []byte) (fromSMSC, respToKannel int) {
	got := false
	for _, l := range strings.Split(string(log), "\n") {
		switch {
		case strings.Contains(l, "SMPP[smscd]: Got PDU:"):
			got = true
		case strings.Contains(l, "SMPP[smscd]: Sending PDU:"):
			got = false
		case got && strings.HasSuffix(l, "type_name: enquire_link"):
			fromSMSC++
		case got && strings.HasSuffix(l, "type_name: enquire_link_resp"):
			respToKannel++
		}
	}
	return fromSMSC, respToKannel
}

// fromUTF16BE decodes UTF-16BE octets.
func fromUTF16BE(b string) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

// smscOnline reports whether bearerbox's text status shows the SMPP
// connection online.
func smscOnline(status string) bool {
	for _, l := range strings.Split(status, "\n") {
		if strings.Contains(l, "SMPP:") && strings.Contains(l, "(online") {
			return true
		}
	}
	return false
}

// sendsms returns a function that submits a text through smsbox's HTTP
// interface with dlr-mask 31 and a dlr-url on the test's HTTP server.
func sendsms(endpoint, user, pass, hookURL string) func(ctx context.Context, tag, from, to, text string, coding int) error {
	return func(ctx context.Context, tag, from, to, text string, coding int) error {
		v := url.Values{}
		v.Set("username", user)
		v.Set("password", pass)
		v.Set("from", from)
		v.Set("to", to)
		v.Set("text", text)
		v.Set("charset", "UTF-8")
		v.Set("coding", strconv.Itoa(coding))
		v.Set("dlr-mask", "31")
		// Kannel fills in %d (DLR type), %A (the SMSC's receipt text),
		// %F (the SMSC's message id), %p (the handset) when it calls it.
		v.Set("dlr-url", hookURL+"/dlr?tag="+tag+"&type=%d&reply=%A&fid=%F&to=%p&from=%P&smsc=%i")
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"?"+v.Encode(), nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusAccepted || !strings.Contains(string(body), "Accepted") {
			return fmt.Errorf("sendsms: %s: %s", resp.Status, body)
		}
		return nil
	}
}

// hook is the test's HTTP server: Kannel calls it for DLRs (dlr-url) and
// MOs (the sms-service's get-url).
type hook struct {
	mu   sync.Mutex
	reqs []hookReq
	ch   chan struct{} // closed and replaced on every request
}

type hookReq struct {
	Path  string
	Query url.Values
	At    time.Time
}

func newHook() *hook { return &hook{ch: make(chan struct{})} }

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.reqs = append(h.reqs, hookReq{Path: r.URL.Path, Query: r.URL.Query(), At: time.Now()})
	close(h.ch)
	h.ch = make(chan struct{})
	h.mu.Unlock()
	// An empty answer: nothing to send back to the handset.
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
}

// wait returns the requests matching ok once there are at least n.
func (h *hook) wait(ctx context.Context, ok func(hookReq) bool, n int) ([]hookReq, error) {
	for {
		h.mu.Lock()
		var got []hookReq
		for _, r := range h.reqs {
			if ok(r) {
				got = append(got, r)
			}
		}
		ch := h.ch
		h.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return got, ctx.Err()
		case <-ch:
		}
	}
}

func (h *hook) dump() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, r := range h.reqs {
		fmt.Fprintf(&b, "%s %s %v\n", r.At.Format("15:04:05.000"), r.Path, r.Query)
	}
	return b.String()
}

// startBox runs a Kannel box in the foreground with its console output in
// dir/<name>.out, and stops it when the test ends.
func startBox(t *testing.T, dir, name, bin, confPath string) {
	t.Helper()
	out, err := os.Create(filepath.Join(dir, name+".out"))
	if err != nil {
		t.Fatal(err)
	}
	// -v 1: the console gets INFO and above; the log file has everything.
	cmd := exec.Command(bin, "-v", "1", confPath)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		out.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		defer out.Close()
		// SIGTERM is Kannel's clean shutdown (bearerbox unbinds); kill
		// the box if it takes too long.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Logf("%s did not stop on SIGTERM within 5s: killed", name)
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
}

// waitStatus polls bearerbox's status page until ok accepts it.
func waitStatus(ctx context.Context, t *testing.T, u string, ok func(string) bool) string {
	t.Helper()
	var last string
	var lastErr error
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			last = string(b)
			if ok(last) {
				return last
			}
		} else {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			t.Fatalf("bearerbox status never became ready (last error %v); last status:\n%s", lastErr, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// lookBox finds a Kannel box on PATH or in /usr/sbin, where Debian installs
// them (PATH may lack /usr/sbin for non-root users).
func lookBox(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	p := filepath.Join("/usr/sbin", name)
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

// tail returns the last n bytes of a file.
func tail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err.Error()
	}
	if st.Size() > n {
		f.Seek(st.Size()-n, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}
