package web_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/httpapi"
	"github.com/smppstack/smpp/smsc/store"
	"github.com/smppstack/smpp/smsc/web"
)

const chromiumPath = "/usr/bin/chromium"

// browser is a headless Chromium page that records console errors and
// uncaught exceptions.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu   sync.Mutex
	errs []string
	logs []string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s (apt-get install -y chromium): skipping the browser test", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 860),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	b := &browser{t: t, ctx: ctx, base: base}
	b.listen()
	b.run("viewport", chromedp.EmulateViewport(1280, 800))
	return b
}

// listen records the console errors and exceptions of b's tab; the first
// call starts the browser.
func (b *browser) listen() {
	// Listen starts the browser; Runtime and Log are enabled by chromedp.
	err := chromedp.Listen(b.ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			line := fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
			b.logs = append(b.logs, line)
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				b.errs = append(b.errs, line)
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			line := fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg)
			b.logs = append(b.logs, line)
			b.errs = append(b.errs, line)
		case *log.EventEntryAdded:
			// Failed loads, CSP violations and other errors the browser reports.
			line := fmt.Sprintf("log %s/%s: %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
			b.logs = append(b.logs, line)
			if ev.Entry.Level == log.EntryLevelError {
				b.errs = append(b.errs, line)
			}
		}
	})
	if err != nil {
		b.t.Fatalf("start Chromium: %v", err)
	}
}

// tab opens another tab of the same browser (its own sessionStorage).
func (b *browser) tab() *browser {
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	nb := &browser{t: b.t, ctx: ctx, base: b.base}
	nb.listen()
	nb.run("viewport", chromedp.EmulateViewport(1280, 800))
	return nb
}

// step is the context of one browser step: the browser's context with a
// deadline (the browser itself must outlive any step).
func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, 30*time.Second)
}

func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fail("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) into a T.
func eval[T any](b *browser, what, expr string) T {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("%s: %v", what, err)
	}
	return v
}

func (b *browser) fail(format string, a ...any) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#view')?.innerText || document.body.innerText`))
	b.mu.Lock()
	logs := strings.Join(b.logs, "\n  ")
	b.mu.Unlock()
	b.t.Fatalf(format+"\npage text:\n%s\nbrowser log:\n  %s", append(a, text, logs)...)
}

// wait polls a JavaScript expression until it is truthy.
func (b *browser) wait(what, expr string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(15*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		b.fail("waiting for %s (%s): %v", what, expr, err)
	}
}

func (b *browser) open(hash string) {
	b.t.Helper()
	b.run("open "+hash, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`location.hash = %q`, hash)))
	b.wait("view "+hash, fmt.Sprintf(`location.hash === %q && !!document.querySelector('#view')`, hash))
}

func (b *browser) errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errs...)
}

// screenshot saves the viewport to docs/screenshots/NAME.png when
// SMSC_SCREENSHOTS is set.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	b.capture(name, chromedp.CaptureScreenshot())
}

// screenshotPage saves the whole page, not only the viewport.
func (b *browser) screenshotPage(name string) {
	b.t.Helper()
	b.capture(name, chromedp.FullScreenshot(100))
}

func (b *browser) capture(name string, shot chromedp.Action[[]byte]) {
	b.t.Helper()
	if os.Getenv("SMSC_SCREENSHOTS") == "" {
		return
	}
	time.Sleep(300 * time.Millisecond) // let transitions settle
	b.run("hide toasts", chromedp.Evaluate[chromedp.Void](`document.getElementById('toasts')?.remove()`))
	ctx, cancel := b.step()
	defer cancel()
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		b.fail("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

const adminToken = "test-admin-token"

type env struct {
	srv  *smsc.Server
	http *httptest.Server
}

func startSMSC(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	cfg := smsc.Config{SMPPAddr: "127.0.0.1:0", Node: "node-1", Accounts: []smsc.Account{
		{SystemID: "esme1", Password: "pw1", Addresses: []string{"5000"}},
		{SystemID: "shop", Password: "pw2", Addresses: []string{"7000", "7001*"}, Throughput: 50},
	}}
	srv, err := smsc.New(cfg, smsc.WithStoreOptions(store.Options{Dir: t.TempDir()}), smsc.WithBcryptCost(4))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(srv, httpapi.Options{AdminToken: adminToken, Registry: prometheus.NewRegistry()})
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/", web.Handler(web.Options{}))
	// The dashboard as smscd on 127.0.0.1 would serve it: the admin token
	// handed to local pages (and mounted below a prefix).
	mux.Handle("/local/", http.StripPrefix("/local", web.Handler(web.Options{AdminToken: adminToken})))
	hs := httptest.NewServer(mux)
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	})
	return &env{srv: srv, http: hs}
}

// esme is a bound ESME that answers every message from a handset with a
// submit_sm back to it.
type esme struct {
	sess     *smpp.Session
	received chan *pdu.DeliverSM
	replies  chan string // message ids of the replies
}

func bindESME(t *testing.T, addr, systemID, password, replyFrom string) *esme {
	t.Helper()
	e := &esme{received: make(chan *pdu.DeliverSM, 16), replies: make(chan string, 16)}
	var sess atomic.Pointer[smpp.Session]
	h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		d, ok := r.PDU.(*pdu.DeliverSM)
		if !ok || d.ESMClass&pdu.ESMTypeMask != 0 { // receipts are not answered
			return nil, nil
		}
		e.received <- d
		go func() {
			reply := &pdu.SubmitSM{SourceAddr: replyFrom, DestinationAddr: d.SourceAddr, RegisteredDelivery: pdu.RegReceiptFinal,
				ShortMessage: []byte("Thanks, got: " + string(d.ShortMessage))}
			reply.SourceAddrTON, reply.SourceAddrNPI = pdu.TONNational, pdu.NPIISDN
			resp, err := sess.Load().Submit(context.Background(), reply)
			if err == nil {
				e.replies <- resp.MessageID
			} else {
				e.replies <- "error: " + err.Error()
			}
		}()
		return nil, nil
	})
	s, err := (&smpp.Dialer{SystemID: systemID, Password: password, Handler: h}).Dial(context.Background(), addr)
	if err != nil {
		t.Fatalf("bind %s: %v", systemID, err)
	}
	sess.Store(s)
	e.sess = s
	t.Cleanup(func() { s.Close() })
	return e
}

// TestDashboardInBrowser drives the dashboard in headless Chromium against
// a real SMSC and its HTTP API: sign-in, a session appearing when an ESME
// binds, a reply from a virtual phone reaching the ESME and the ESME's
// answer showing up in the phone's chat, the live flow, message detail with
// the PDU decoded in JavaScript, accounts, fault injection and kick — with
// no console error or uncaught exception on the way.
func TestDashboardInBrowser(t *testing.T) {
	start := time.Now()
	e := startSMSC(t)
	b := newBrowser(t, e.http.URL)
	const phone = "447700900123"

	// Sign in with the admin token.
	b.run("load", chromedp.Navigate(e.http.URL+"/"))
	b.wait("login form", `!!document.querySelector('#token')`)
	b.screenshot("login")
	b.run("sign in", chromedp.SendKeys(chromedp.CSS("#token"), adminToken), chromedp.Click(chromedp.CSS(".login-card button[type=submit]")))
	b.wait("dashboard", `!!document.querySelector('.shell #sessions-table, .shell .empty')`)
	b.wait("event stream live", `document.querySelector('.live')?.dataset.status === 'live'`)
	b.wait("sessions empty state", `document.querySelector('#view .empty')?.innerText.includes('No sessions yet')`)

	// A session appears when an ESME binds.
	es := bindESME(t, e.srv.SMPPAddr().String(), "esme1", "pw1", "5000")
	b.wait("session row", `!!document.querySelector('tr[data-system-id="esme1"]')`)
	mode := eval[string](b, "read mode", `document.querySelector('tr[data-system-id="esme1"] .pill').textContent`)
	if mode != "trx" {
		t.Errorf("bind mode shown %q, want trx", mode)
	}

	// A reply typed on a virtual phone reaches the ESME…
	b.open("#/phones/" + phone)
	b.wait("phone composer", `!!document.querySelector('#reply-text')`)
	b.wait("empty chat", `document.querySelector('#chat')?.innerText.includes('No messages for `+phone+`')`)
	const moText = "Hello from the phone"
	b.run("write reply",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#reply-to").value = ""`),
		chromedp.SendKeys(chromedp.CSS("#reply-to"), "5000"),
		chromedp.SendKeys(chromedp.CSS("#reply-text"), moText),
		chromedp.Click(chromedp.CSS("#reply-send")))
	select {
	case d := <-es.received:
		if string(d.ShortMessage) != moText || d.SourceAddr != phone || d.DestinationAddr != "5000" {
			t.Fatalf("ESME received %q from %q to %q; want %q from %s to 5000", d.ShortMessage, d.SourceAddr, d.DestinationAddr, moText, phone)
		}
	case <-time.After(15 * time.Second):
		b.fail("the ESME received no deliver_sm for the phone's message")
	}
	var replyID string
	select {
	case replyID = <-es.replies:
		if strings.HasPrefix(replyID, "error") {
			t.Fatalf("ESME reply: %s", replyID)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the ESME's reply was not accepted")
	}
	// …the chat shows that the ESME acknowledged it…
	b.wait("MO acknowledged by the ESME", `(() => { const r = document.querySelector('.bubble-row.out[data-status="delivered"]');
		return r && r.innerText.includes('`+moText+`') && r.innerText.includes('Delivered to ESME esme1'); })()`)
	// …and the ESME's answer arrives in the chat, delivered, with its receipt.
	b.wait("ESME's reply in the chat", fmt.Sprintf(`(() => { const r = document.querySelector('.bubble-row.in[data-id="%s"]');
		return r && r.dataset.state === 'DELIVERED' && r.innerText.includes('Thanks, got: %s') && r.innerText.includes('5000'); })()`, replyID, moText))
	b.wait("receipt noted on the reply", fmt.Sprintf(`!!document.querySelector('.bubble-row.in[data-id="%s"] .receipt')`, replyID))
	// Order: the phone's message first, the answer below it.
	order := eval[[]string](b, "bubble order", `[...document.querySelectorAll('#chat .bubble-row')].map(r => r.dataset.dir)`)
	if strings.Join(order, ",") != "out,in" {
		t.Errorf("chat order %v, want [out in] (newest at the bottom)", order)
	}

	if os.Getenv("SMSC_SCREENSHOTS") != "" {
		moreTraffic(t, e, es)
		b.wait("more chat", `document.querySelectorAll('#chat .bubble-row').length >= 4`)
	}
	b.screenshot("phone")
	if os.Getenv("SMSC_SCREENSHOTS") != "" {
		// The same on a small screen.
		b.run("small screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
		b.screenshot("phone-small-screen")
		b.run("large screen", chromedp.EmulateViewport(1280, 800))
		// And in the dark theme.
		b.run("dark", colorScheme("dark"))
		b.screenshot("phone-dark")
		b.run("light", colorScheme(""))
	}

	// The live flow streamed every step.
	b.open("#/flow")
	for _, typ := range []string{"bound", "mo", "delivered", "submitted", "phone", "receipt"} {
		b.wait("flow event "+typ, fmt.Sprintf(`!!document.querySelector('#flow-table tr[data-type="%s"]')`, typ))
	}
	b.screenshot("flow")

	// Message search and detail with the PDU trace.
	b.open("#/messages?account=esme1")
	b.wait("message list", fmt.Sprintf(`!!document.querySelector('#messages-table tr[data-id="%s"]')`, replyID))
	b.screenshot("messages")
	b.run("open message", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#messages-table tr[data-id="%s"] a`, replyID))))
	b.wait("message detail", fmt.Sprintf(`document.querySelector('#message-detail')?.dataset.id === %q`, replyID))
	b.wait("PDU decoded", `document.querySelector('#pdu-text')?.innerText === 'Thanks, got: `+moText+`'`)
	dest := eval[string](b, "destination field", `document.querySelector('#pdu-trace tr[data-field="destination_addr"] .value').textContent`)
	if dest != phone {
		t.Errorf("decoded destination_addr %q, want %s", dest, phone)
	}
	b.wait("state", `document.querySelector('#message-detail')?.dataset.state === 'DELIVERED'`)
	b.screenshotPage("message-detail")

	// The JavaScript decoder agrees with package pdu on a frame with GSM
	// 03.38 escapes, a UDH and TLVs.
	checkDecoder(t, b)

	// Accounts: create one, then disable it.
	b.open("#/accounts")
	b.wait("accounts table", `!!document.querySelector('#accounts-table tr[data-system-id="shop"]')`)
	b.run("new account", chromedp.Click(chromedp.CSS("#new-account")))
	b.wait("account form", `!!document.querySelector('#account-form')`)
	b.run("fill account",
		chromedp.SendKeys(chromedp.CSS(`#account-form input[name="system_id"]`), "acme"),
		chromedp.SendKeys(chromedp.CSS(`#account-form input[name="password"]`), "s3cret"),
		chromedp.SendKeys(chromedp.CSS(`#account-form input[name="addresses"]`), "6000, 6001*"),
		chromedp.SendKeys(chromedp.CSS(`#account-form input[name="throughput"]`), "25"),
		chromedp.Click(chromedp.CSS(`#account-form input[value="tx"]`)), // only rx and trx
	)
	b.screenshot("account-form")
	b.run("create account", chromedp.Click(chromedp.CSS(`#account-form button[type="submit"]`)))
	b.wait("new account listed", `!!document.querySelector('#accounts-table tr[data-system-id="acme"]')`)
	acme := findAccount(e.srv, "acme")
	if acme == nil || strings.Join(acme.Addresses, ",") != "6000,6001*" || acme.Throughput != 25 || strings.Join(acme.BindModes, ",") != "rx,trx" {
		t.Fatalf("account created through the dashboard: %+v", acme)
	}
	if !e.srv.Authenticate("acme", "s3cret") {
		t.Error("the new account's password does not authenticate")
	}
	disable := `#accounts-table tr[data-system-id="acme"] .btn-danger`
	b.run("disable", chromedp.Click(chromedp.CSS(disable)), chromedp.Click(chromedp.CSS(disable)))
	b.wait("disabled", `document.querySelector('#accounts-table tr[data-system-id="acme"]')?.innerText.includes('disabled')`)
	if a := findAccount(e.srv, "acme"); a == nil || !a.Disabled {
		t.Errorf("account not disabled: %+v", a)
	}
	b.screenshot("accounts")

	// Fault injection: apply a preset at runtime.
	b.open("#/network")
	b.wait("network form", `!!document.querySelector('#network-form')`)
	b.run("preset", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#network-form .chip')].find(c => c.textContent === 'Flaky network').click()`))
	b.wait("rule shown", `!!document.querySelector('.rule .mixbar .mix-ok')`)
	b.run("delay", chromedp.Evaluate[chromedp.Void](`document.querySelector("#net-delay").value = ""`), chromedp.SendKeys(chromedp.CSS("#net-delay"), "1s"))
	b.run("apply", chromedp.Click(chromedp.CSS("#net-apply")))
	b.wait("applied", `document.querySelector('.dirty')?.textContent === 'Applied' && document.querySelectorAll('.rule').length === 1`)
	nc := e.srv.Network()
	if time.Duration(nc.Delay) != time.Second || len(nc.Rules) != 1 || nc.Rules[0].Prefix != "*" || len(nc.Rules[0].Outcomes) != 3 ||
		nc.Rules[0].Outcomes[1].Stat != "UNDELIV" || nc.Rules[0].Outcomes[1].Err != 1 {
		t.Errorf("network after apply: %+v", nc)
	}
	b.screenshot("network")

	// Sessions, with rates; then kick the ESME.
	b.open("#/sessions")
	b.wait("session row", `!!document.querySelector('tr[data-system-id="esme1"]')`)
	if os.Getenv("SMSC_SCREENSHOTS") != "" {
		// Some load, so the rates show.
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(40 * time.Millisecond):
				}
				es.sess.Submit(context.Background(), &pdu.SubmitSM{SourceAddr: "5000", DestinationAddr: fmt.Sprintf("4477009003%02d", i%100), ShortMessage: []byte("load")})
			}
		}()
		time.Sleep(4500 * time.Millisecond)
		b.screenshot("sessions")
		close(stop)
		<-done
	}
	kick := `tr[data-system-id="esme1"] .btn-danger`
	b.run("kick", chromedp.Click(chromedp.CSS(kick)), chromedp.Click(chromedp.CSS(kick)))
	select {
	case <-es.sess.Done():
	case <-time.After(10 * time.Second):
		b.fail("the kicked session is still open")
	}
	b.wait("session gone", `!document.querySelector('tr[data-system-id="esme1"]')`)

	// Sign out: back to the login form, the token forgotten.
	b.run("sign out", chromedp.Click(chromedp.CSS(".signout")))
	b.wait("login form again", `!!document.querySelector('#token') && !sessionStorage.getItem('smsc.adminToken')`)

	// Opened over loopback from a handler with Options.AdminToken, the
	// dashboard signs in by itself.
	local := b.tab()
	local.run("load local", chromedp.Navigate(e.http.URL+"/local/#/accounts"))
	local.wait("signed in without a login", `!!document.querySelector('#accounts-table tr[data-system-id="esme1"]')`)

	if errs := append(b.errors(), local.errors()...); len(errs) > 0 {
		t.Errorf("the page logged %d error(s):\n  %s", len(errs), strings.Join(errs, "\n  "))
	}
	t.Logf("browser test took %v", time.Since(start).Round(time.Millisecond))
}

// colorScheme emulates prefers-color-scheme ("" for the default).
func colorScheme(v string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		p := emulation.SetEmulatedMediaParams{}
		if v != "" {
			p.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}}
		}
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, p)
		return err
	})
}

func findAccount(srv *smsc.Server, id string) *smsc.Account {
	for _, a := range srv.Accounts() {
		if a.SystemID == id {
			return &a
		}
	}
	return nil
}

// moreTraffic fills the views for the screenshots.
func moreTraffic(t *testing.T, e *env, es *esme) {
	ctx := context.Background()
	texts := []string{"Your verification code is 482913. It expires in 10 minutes.", "Your parcel arrives today between 10:00 and 12:00."}
	for i, txt := range texts {
		sm := &pdu.SubmitSM{SourceAddr: "5000", DestinationAddr: "447700900123", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte(txt)}
		if _, err := es.sess.Submit(ctx, sm); err != nil {
			t.Fatal(err)
		}
		sm = &pdu.SubmitSM{SourceAddr: "5000", DestinationAddr: fmt.Sprintf("4477009002%02d", i), RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte(txt)}
		if _, err := es.sess.Submit(ctx, sm); err != nil {
			t.Fatal(err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// checkDecoder compares the page's decodePDU with package pdu.
func checkDecoder(t *testing.T, b *browser) {
	t.Helper()
	sm := &pdu.SubmitSM{ServiceType: "CMT", SourceAddr: "ACME", DestinationAddr: "447700900123",
		SourceAddrTON: pdu.TONAlphanumeric, DestAddrTON: pdu.TONInternational, DestAddrNPI: pdu.NPIISDN,
		ESMClass: pdu.ESMUDHI, RegisteredDelivery: pdu.RegReceiptFinal, ValidityPeriod: "000001000000000R",
		// UDH: concatenation, ref 7, part 1 of 2; then GSM 03.38 "@£€[x]" (€ and [ ] are escapes).
		ShortMessage: append([]byte{0x05, 0x00, 0x03, 0x07, 0x02, 0x01}, 0x00, 0x01, 0x1b, 0x65, 0x1b, 0x3c, 'x', 0x1b, 0x3e)}
	sm.TLVs.Set(pdu.TagUserMessageReference, []byte{0x01, 0x02})
	frame, err := pdu.Marshal(42, pdu.StatusOK, sm)
	if err != nil {
		t.Fatal(err)
	}
	type field struct {
		Name  string `json:"name"`
		Value string `json:"value"`
		Note  string `json:"note"`
	}
	type decoded struct {
		Command  string `json:"command"`
		Sequence int    `json:"sequence"`
		Text     string `json:"text"`
		Error    string `json:"error"`
		UDH      struct {
			Concat struct {
				Ref   int `json:"ref"`
				Total int `json:"total"`
				Seq   int `json:"seq"`
			} `json:"concat"`
		} `json:"udh"`
		Fields []field `json:"fields"`
		TLVs   []field `json:"tlvs"`
	}
	expr := fmt.Sprintf(`import('./js/pdu.js').then(m => m.decodePDU(%q))`, hex.EncodeToString(frame))
	got := eval[decoded](b, "decodePDU", expr)
	if got.Error != "" || got.Command != "submit_sm" || got.Sequence != 42 || got.Text != "@£€[x]" {
		t.Errorf("decodePDU: command %q seq %d text %q error %q", got.Command, got.Sequence, got.Text, got.Error)
	}
	if c := got.UDH.Concat; c.Ref != 7 || c.Total != 2 || c.Seq != 1 {
		t.Errorf("decodePDU UDH concat %+v, want ref 7 part 1/2", c)
	}
	fields := map[string]string{}
	for _, f := range got.Fields {
		fields[f.Name] = f.Value + " | " + f.Note
	}
	for name, want := range map[string]string{
		"service_type": "CMT", "source_addr": "ACME", "destination_addr": "447700900123",
		"source_addr_ton": "5 | alphanumeric", "esm_class": "0x40 | default mode, UDHI", "command_id": "0x00000004 | submit_sm",
		"validity_period": "000001000000000R | relative: 1d", "sm_length": "15 |",
	} {
		if v := fields[name]; !strings.HasPrefix(v, want) {
			t.Errorf("decodePDU field %s = %q, want %q", name, v, want)
		}
	}
	if len(got.TLVs) != 1 || got.TLVs[0].Name != "user_message_reference" || got.TLVs[0].Value != "258" {
		t.Errorf("decodePDU TLVs %+v", got.TLVs)
	}
}
