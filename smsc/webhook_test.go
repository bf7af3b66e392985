package smsc

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/store"
)

const hookSecret = "0123456789abcdef-secret"

func TestWebhookSignature(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	body := []byte(`{"type":"mo","id":"1"}`)
	h := SignWebhook(hookSecret, now, body)
	if !strings.HasPrefix(h, "t=1700000000,v1=") || len(h) != len("t=1700000000,v1=")+64 {
		t.Fatalf("header %q", h)
	}
	if err := VerifyWebhook(hookSecret, h, body, 0, now.Add(time.Minute)); err != nil {
		t.Fatalf("valid signature refused: %v", err)
	}
	for name, c := range map[string]struct {
		secret, header string
		body           []byte
		now            time.Time
	}{
		"tampered body": {hookSecret, h, []byte(`{"type":"mo","id":"2"}`), now},
		"wrong secret":  {"another-secret-0123", h, body, now},
		"stale":         {hookSecret, h, body, now.Add(10 * time.Minute)},
		"future":        {hookSecret, h, body, now.Add(-10 * time.Minute)},
		"no v1":         {hookSecret, "t=1700000000", body, now},
		"garbage":       {hookSecret, "nonsense", body, now},
		"empty":         {hookSecret, "", body, now},
	} {
		if err := VerifyWebhook(c.secret, c.header, c.body, 0, c.now); !errors.Is(err, ErrWebhookSignature) {
			t.Errorf("%s: got %v, want ErrWebhookSignature", name, err)
		}
	}
	// Several v1 values (secret rotation): any match passes.
	two := "t=1700000000,v1=" + strings.Repeat("0", 64) + "," + strings.TrimPrefix(h, "t=1700000000,")
	if err := VerifyWebhook(hookSecret, two, body, 0, now); err != nil {
		t.Fatalf("rotation header refused: %v", err)
	}
}

func TestWebhookConfigValidation(t *testing.T) {
	for _, c := range []struct {
		w    *WebhookConfig
		ob   *OutbindTarget
		key  string
		good bool
	}{
		{w: &WebhookConfig{URL: "https://example.test/hook", Secret: hookSecret}, good: true},
		{w: &WebhookConfig{URL: "http://127.0.0.1:9/x", Secret: hookSecret, Events: []string{"mo"}}, good: true},
		{w: &WebhookConfig{Secret: hookSecret}, key: "accounts[0].webhook.url"},
		{w: &WebhookConfig{URL: "ftp://x/y", Secret: hookSecret}, key: "accounts[0].webhook.url"},
		{w: &WebhookConfig{URL: "/relative", Secret: hookSecret}, key: "accounts[0].webhook.url"},
		{w: &WebhookConfig{URL: "https://x/", Secret: "short"}, key: "accounts[0].webhook.secret"},
		{w: &WebhookConfig{URL: "https://x/", Secret: hookSecret, Events: []string{"mo", "dlr"}}, key: "accounts[0].webhook.events[1]"},
		{w: &WebhookConfig{URL: "https://x/", Secret: hookSecret}, ob: &OutbindTarget{Addr: "127.0.0.1:1"}, key: "accounts[0].webhook"},
	} {
		cfg := Config{Accounts: []Account{{SystemID: "a", Password: "p", Webhook: c.w, Outbind: c.ob}}}
		err := cfg.Validate()
		var ce *ConfigError
		switch {
		case c.good && err != nil:
			t.Errorf("%+v: %v", c.w, err)
		case !c.good && (!errors.As(err, &ce) || ce.Key != c.key):
			t.Errorf("%+v: got %v, want key %s", c.w, err, c.key)
		}
	}
}

// hookReceiver is a webhook endpoint that fails the first failFirst
// requests of each delivery with 500 and records every request.
type hookReceiver struct {
	*httptest.Server
	t         testing.TB
	failFirst int

	mu    sync.Mutex
	fail  bool // fail everything
	reqs  []hookReq
	tries map[string]int
}

type hookReq struct {
	event, delivery, attempt string
	body                     []byte
	sigOK                    bool
	status                   int
}

func newHookReceiver(t testing.TB, failFirst int) *hookReceiver {
	h := &hookReceiver{t: t, failFirst: failFirst, tries: map[string]int{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		q := hookReq{event: r.Header.Get("X-SMSC-Event"), delivery: r.Header.Get("X-SMSC-Delivery"), attempt: r.Header.Get("X-SMSC-Attempt"), body: body}
		q.sigOK = VerifyWebhook(hookSecret, r.Header.Get("X-SMSC-Signature"), body, 0, time.Now()) == nil
		h.mu.Lock()
		h.tries[q.delivery]++
		q.status = http.StatusOK
		if h.fail || h.tries[q.delivery] <= h.failFirst {
			q.status = http.StatusInternalServerError
		}
		h.reqs = append(h.reqs, q)
		h.mu.Unlock()
		w.WriteHeader(q.status)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) setFail(v bool) {
	h.mu.Lock()
	h.fail = v
	h.mu.Unlock()
}

func (h *hookReceiver) requests() []hookReq {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookReq(nil), h.reqs...)
}

// delivered returns the bodies acknowledged with 2xx for event.
func (h *hookReceiver) delivered(event string) []hookReq {
	var out []hookReq
	for _, q := range h.requests() {
		if q.event == event && q.status == http.StatusOK {
			out = append(out, q)
		}
	}
	return out
}

func webhookConfig(url string) Config {
	return Config{
		SMPPAddr: "127.0.0.1:0",
		Retry:    RetryPolicy{Min: Duration(20 * time.Millisecond), Max: Duration(200 * time.Millisecond)},
		Network:  NetworkConfig{Delay: Duration(time.Millisecond)},
		Accounts: []Account{
			{SystemID: "hook", Password: "ph", Addresses: []string{"5555*"}, Webhook: &WebhookConfig{URL: url, Secret: hookSecret}},
			{SystemID: "a", Password: "pa"},
		},
	}
}

func TestWebhookRetriesUntil2xx(t *testing.T) {
	rcv := newHookReceiver(t, 2)
	srv := startSMSC(t, webhookConfig(rcv.URL))
	ctx := context.Background()

	// A bound SMPP receiver of the webhook account gets nothing.
	rx := dialESME(t, srv.SMPPAddr().String(), "hook", "ph", dialOpts{mode: pdu.BindReceiver})

	id, err := srv.InjectMO(ctx, "447700900001", "5555001", 0, []byte("hello hook"), 0)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the MO webhook acknowledged", func() bool { return len(rcv.delivered("mo")) == 1 })
	reqs := rcv.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 (two failures, then 200)", len(reqs))
	}
	for i, q := range reqs {
		if !q.sigOK {
			t.Errorf("request %d: signature does not verify", i)
		}
		if q.delivery != "mo-"+id || q.attempt != string(rune('1'+i)) {
			t.Errorf("request %d: delivery %q attempt %q", i, q.delivery, q.attempt)
		}
	}
	var mo WebhookMO
	if err := json.Unmarshal(reqs[2].body, &mo); err != nil {
		t.Fatal(err)
	}
	if mo.Type != "mo" || mo.ID != id || mo.From != "447700900001" || mo.To != "5555001" || mo.Text != "hello hook" || mo.Account != "hook" {
		t.Fatalf("payload %+v", mo)
	}

	// Every attempt is recorded, with the failures' next retry.
	var atts []store.WebhookAttempt
	waitFor(t, 5*time.Second, "three recorded attempts", func() bool {
		atts, _, err = srv.WebhookAttempts(ctx, "hook", id, "", 10)
		return err == nil && len(atts) == 3
	})
	if atts[0].OK || atts[0].Status != 500 || atts[0].NextRetry.IsZero() || !atts[2].OK || atts[2].Attempt != 3 {
		t.Fatalf("attempts %+v", atts)
	}
	if other, _, _ := srv.WebhookAttempts(ctx, "a", "", "", 10); len(other) != 0 {
		t.Fatalf("account a sees %d attempts of hook", len(other))
	}
	if st := srv.WebhookStats(); st.Attempts < 3 || st.Failures < 2 || st.Delivered < 1 {
		t.Fatalf("stats %+v", st)
	}

	// The webhook account's own submission with a receipt: the receipt is
	// POSTed too (after the network's outcome).
	ids, err := srv.SubmitText(ctx, "hook", TextRequest{From: "5555001", To: "33600000001", Text: "out", DLR: true})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the receipt webhook", func() bool { return len(rcv.delivered("receipt")) == 1 })
	var rc WebhookReceipt
	json.Unmarshal(rcv.delivered("receipt")[0].body, &rc)
	if rc.ID != ids[0] || rc.State != "DELIVERED" || !rc.Final || rc.To != "33600000001" {
		t.Fatalf("receipt %+v", rc)
	}

	// Another account's message to the webhook account's number: POSTed as
	// mo with the submitter, and the submitter's message is DELIVERED.
	ids, err = srv.SubmitText(ctx, "a", TextRequest{From: "100", To: "5555002", Text: "from a"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "a's message posted", func() bool { return len(rcv.delivered("mo")) == 2 })
	json.Unmarshal(rcv.delivered("mo")[1].body, &mo)
	if mo.Submitter != "a" || mo.Text != "from a" {
		t.Fatalf("payload %+v", mo)
	}
	waitFor(t, 5*time.Second, "DELIVERED", func() bool {
		d, err := srv.MessageDetail(ctx, "a", ids[0])
		return err == nil && d.State == "DELIVERED"
	})
	if n := len(rx.all()); n != 0 {
		t.Fatalf("the SMPP receiver of a webhook account got %d PDUs", n)
	}
}

func TestWebhookDeliveryAfterRestart(t *testing.T) {
	rcv := newHookReceiver(t, 0)
	rcv.setFail(true)
	dir := t.TempDir()
	cfg := webhookConfig(rcv.URL)
	// A failed attempt is retried after 1s; shutting down right after one
	// leaves the event waiting in JetStream, to be redelivered by the next
	// process after that delay.
	cfg.Retry.Min = Duration(time.Second)
	cfg.Retry.Max = Duration(time.Second)
	start := func() *Server {
		srv, err := New(cfg, WithStoreOptions(store.Options{Dir: dir}), WithBcryptCost(bcrypt.MinCost))
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		return srv
	}
	srv := start()
	id, err := srv.InjectMO(context.Background(), "447700900001", "5555001", 0, []byte("survive"), 0)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "a failed attempt recorded", func() bool {
		atts, _, _ := srv.WebhookAttempts(context.Background(), "hook", id, "", 10)
		return len(atts) >= 1
	})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	srv.Shutdown(ctx)
	cancel()
	if len(rcv.delivered("mo")) != 0 {
		t.Fatal("delivered while failing")
	}

	rcv.setFail(false)
	srv = start()
	defer srv.Shutdown(context.Background())
	waitFor(t, 15*time.Second, "delivery after restart", func() bool { return len(rcv.delivered("mo")) == 1 })
	var mo WebhookMO
	json.Unmarshal(rcv.delivered("mo")[0].body, &mo)
	if mo.ID != id || mo.Text != "survive" {
		t.Fatalf("payload %+v", mo)
	}
	// Attempts from before the restart are still listed, with the
	// successful one (recorded once the receiver's answer came back).
	var atts []store.WebhookAttempt
	waitFor(t, 5*time.Second, "the successful attempt recorded", func() bool {
		atts, _, err = srv.WebhookAttempts(context.Background(), "hook", id, "", 100)
		return err == nil && len(atts) >= 2 && atts[len(atts)-1].OK
	})
	if atts[0].OK {
		t.Fatalf("the attempt before the restart is recorded as successful: %+v", atts)
	}
}

func TestWebhookAddedAtRuntime(t *testing.T) {
	rcv := newHookReceiver(t, 0)
	cfg := webhookConfig(rcv.URL)
	cfg.Accounts[0].Webhook = nil
	srv := startSMSC(t, cfg)
	ctx := context.Background()
	acc := cfg.Accounts[0]
	acc.Password = ""
	acc.Webhook = &WebhookConfig{URL: rcv.URL, Secret: hookSecret, Events: []string{"mo"}}
	if err := srv.PutAccount(ctx, acc); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.InjectMO(ctx, "447700900001", "5555001", 0, []byte("late"), 0); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the MO webhook", func() bool { return len(rcv.delivered("mo")) == 1 })

	// A bad webhook is refused with the field named.
	acc.Webhook = &WebhookConfig{URL: "nope", Secret: hookSecret}
	var fe *FieldError
	if err := srv.PutAccount(ctx, acc); !errors.As(err, &fe) || fe.Field != "webhook.url" {
		t.Fatalf("got %v", err)
	}
}

func TestTokensAndIdempotency(t *testing.T) {
	srv := startSMSC(t, Config{Accounts: []Account{{SystemID: "a", Password: "pa"}, {SystemID: "b", Password: "pb"}}})
	ctx := context.Background()
	if !srv.Authenticate("a", "pa") || srv.Authenticate("a", "pb") || srv.Authenticate("zz", "pa") {
		t.Fatal("Authenticate")
	}
	tk, tok, err := srv.IssueToken(ctx, "a", "ci", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if owner, err := srv.TokenOwner(ctx, tok); err != nil || owner != "a" {
		t.Fatalf("TokenOwner: %q %v", owner, err)
	}
	for _, bad := range []string{"", "smsc_", tok + "x", "smsc_YQ.AAAA", strings.Replace(tok, "smsc_YQ", "smsc_Yg", 1)} {
		if _, err := srv.TokenOwner(ctx, bad); !errors.Is(err, ErrBadToken) {
			t.Errorf("TokenOwner(%q) = %v", bad, err)
		}
	}
	if list, err := srv.Tokens(ctx, "a"); err != nil || len(list) != 1 || list[0].ID != tk.ID {
		t.Fatalf("Tokens: %+v %v", list, err)
	}
	if err := srv.RevokeToken(ctx, "b", tk.ID); !errors.Is(err, ErrBadToken) {
		t.Fatalf("b revoked a's token: %v", err)
	}
	if err := srv.RevokeToken(ctx, "a", tk.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.TokenOwner(ctx, tok); !errors.Is(err, ErrBadToken) {
		t.Fatal("revoked token still valid")
	}

	runs := 0
	do := func() IdempotentResult { runs++; return IdempotentResult{Status: 202, Body: []byte(`{"id":"1"}`)} }
	r1, rep, err := srv.Idempotent(ctx, "a", "key-1", "fp1", do)
	if err != nil || rep || runs != 1 {
		t.Fatal(err, rep, runs)
	}
	r2, rep, err := srv.Idempotent(ctx, "a", "key-1", "fp1", do)
	if err != nil || !rep || runs != 1 || string(r2.Body) != string(r1.Body) || r2.Status != 202 {
		t.Fatal(err, rep, runs, r2)
	}
	if _, _, err := srv.Idempotent(ctx, "a", "key-1", "fp2", do); !errors.Is(err, ErrIdempotencyMismatch) {
		t.Fatal(err)
	}
	// Keys are per account.
	if _, rep, err := srv.Idempotent(ctx, "b", "key-1", "fp2", do); err != nil || rep || runs != 2 {
		t.Fatal(err, rep, runs)
	}
	// 5xx results are not kept.
	fail := func() IdempotentResult { runs++; return IdempotentResult{Status: 503} }
	srv.Idempotent(ctx, "a", "key-2", "fp", fail)
	srv.Idempotent(ctx, "a", "key-2", "fp", fail)
	if runs != 4 {
		t.Fatalf("runs %d", runs)
	}
	var fe *FieldError
	if _, _, err := srv.Idempotent(ctx, "a", strings.Repeat("k", 256), "fp", do); !errors.As(err, &fe) || fe.Field != "Idempotency-Key" {
		t.Fatal(err)
	}
}
