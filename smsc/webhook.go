package smsc

// Webhooks: an account with a Webhook gets its messages (MO from handsets
// and messages other accounts send to its addresses) and its delivery
// receipts as HTTP POSTs of JSON instead of deliver_sm on SMPP receivers.
//
// # Delivery
//
// Every node runs, for every enabled webhook account, the account's durable
// queue consumers (the same JetStream consumers SMPP receivers use), so
// nothing is lost across restarts and several nodes share the work. Each
// event is POSTed to the account's URL; a 2xx answer acknowledges it
// (the message becomes DELIVERED, and its submitter gets a receipt when it
// asked for one). Anything else — another status, a timeout (10s), a
// connection error, a redirect — is retried with the server's capped
// exponential back-off (Config.Retry), message by message, until a 2xx or,
// for messages, until their validity period ends (EXPIRED). Delivery is at
// least once: a receiver deduplicates on X-SMSC-Delivery.
//
// While an account has a webhook, SMPP receivers bound as that account
// receive nothing (they may still submit); removing the webhook at runtime
// makes receivers that bind afterwards get deliver_sm again.
//
// # Requests
//
//	POST <url>
//	Content-Type: application/json
//	User-Agent: smscd-webhook/1
//	X-SMSC-Event: mo | receipt
//	X-SMSC-Delivery: <unique id of the event; the same on every retry>
//	X-SMSC-Attempt: <1, 2, …>
//	X-SMSC-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
//
// The body is a WebhookMO or a WebhookReceipt.
//
// # Signature
//
// v1 is the lowercase hex HMAC-SHA256, keyed with the webhook's secret, of
// the timestamp t (decimal, as in the header), a ".", and the raw request
// body. A receiver recomputes it over the bytes it read, compares in constant
// time, and rejects timestamps more than a few minutes from its clock
// (replays). VerifyWebhook does exactly this.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/store"
)

// WebhookConfig sends an account's MO messages and receipts to an HTTP URL.
type WebhookConfig struct {
	// URL receives the POSTs (http or https).
	URL string `yaml:"url" json:"url"`
	// Secret keys the HMAC-SHA256 signature (at least 16 characters).
	Secret string `yaml:"secret" json:"secret,omitempty"`
	// Events to POST: "mo", "receipt" (default both). Events not listed are
	// not POSTed: receipts are dropped, messages become UNDELIVERABLE.
	Events []string `yaml:"events" json:"events,omitempty"`
}

// Webhook event names (X-SMSC-Event, WebhookConfig.Events).
const (
	WebhookEventMO      = "mo"
	WebhookEventReceipt = "receipt"
)

func (w *WebhookConfig) wants(event string) bool {
	return len(w.Events) == 0 || slices.Contains(w.Events, event)
}

// validateWebhook checks an account's webhook; key is "accounts[i]".
func (a *Account) validateWebhook(key string) error {
	w := a.Webhook
	if w == nil {
		return nil
	}
	key += ".webhook"
	u, err := url.Parse(w.URL)
	switch {
	case w.URL == "":
		return &ConfigError{Key: key + ".url", Msg: "is required"}
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return &ConfigError{Key: key + ".url", Msg: fmt.Sprintf("%q is not an http or https URL", w.URL)}
	case len(w.Secret) < 16:
		return &ConfigError{Key: key + ".secret", Msg: "is required, at least 16 characters (it keys the HMAC-SHA256 signature)"}
	case a.Outbind != nil:
		return &ConfigError{Key: key, Msg: "cannot be combined with outbind (webhook accounts get no deliver_sm)"}
	}
	for i, e := range w.Events {
		if e != WebhookEventMO && e != WebhookEventReceipt {
			return &ConfigError{Key: fmt.Sprintf("%s.events[%d]", key, i), Msg: fmt.Sprintf("%q is not mo or receipt", e)}
		}
	}
	return nil
}

// WebhookMO is the body of an "mo" webhook: a message for the account, from
// a handset (InjectMO, the simulated network) or from another account.
type WebhookMO struct {
	Type    string `json:"type"` // "mo"
	ID      string `json:"id"`   // message id
	Account string `json:"account"`
	From    string `json:"from"`
	To      string `json:"to"`
	// Text is the decoded text ("" when the data_coding is not a text
	// coding); Hex is the user data without the UDH.
	Text       string `json:"text"`
	Hex        string `json:"hex"`
	DataCoding uint8  `json:"data_coding"`
	// Part is set for a segment of a long message; the receiver joins the
	// parts with the same Ref and From.
	Part *WebhookPart `json:"part,omitempty"`
	// Submitter is the account that sent it ("" for MO from a handset).
	Submitter string    `json:"submitter,omitempty"`
	Time      time.Time `json:"time"` // accepted by the SMSC
}

// WebhookPart is the concatenation information of a segment.
type WebhookPart struct {
	Ref   uint16 `json:"ref"`
	Seq   int    `json:"seq"`
	Total int    `json:"total"`
}

// WebhookReceipt is the body of a "receipt" webhook: the outcome of a
// message the account submitted with a receipt requested (dlr).
type WebhookReceipt struct {
	Type      string `json:"type"` // "receipt"
	ID        string `json:"id"`   // the id the submission was answered with
	MessageID string `json:"message_id"`
	Account   string `json:"account"`
	// State is a message_state name (DELIVERED, UNDELIVERABLE, EXPIRED,
	// DELETED, REJECTED, ACCEPTED, ENROUTE for intermediate notices).
	State     string    `json:"state"`
	Final     bool      `json:"final"`
	Err       uint16    `json:"err,omitempty"`
	From      string    `json:"from"` // the submission's source
	To        string    `json:"to"`   // the submission's destination
	Text      string    `json:"text,omitempty"`
	Submitted time.Time `json:"submitted"`
	Done      time.Time `json:"done,omitzero"`
}

// SignWebhook returns the X-SMSC-Signature header value for body sent at t.
func SignWebhook(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + webhookMAC(secret, ts, body)
}

func webhookMAC(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// ErrWebhookSignature is returned by VerifyWebhook for a missing, malformed,
// wrong or stale signature.
var ErrWebhookSignature = errors.New("smsc: invalid webhook signature")

// VerifyWebhook checks an X-SMSC-Signature header against the raw body: the
// HMAC must match and the timestamp be within tolerance (0: 5 minutes) of
// now.
func VerifyWebhook(secret, header string, body []byte, tolerance time.Duration, now time.Time) error {
	if tolerance <= 0 {
		tolerance = 5 * time.Minute
	}
	var ts string
	var sigs []string
	for _, kv := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrWebhookSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp outside tolerance", ErrWebhookSignature)
	}
	want := webhookMAC(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return ErrWebhookSignature
}

// front is the state of the HTTP front door kept by the server: lazily
// opened buckets and the webhook workers.
type front struct {
	mu     sync.Mutex
	tokens *store.KV
	idemp  *store.KV
	whlog  *store.WebhookLog
	client *http.Client

	attempts, delivered, failures atomic.Uint64
}

func (f *front) bucket(ctx context.Context, slot **store.KV, ensure func(context.Context) (*store.KV, error)) (*store.KV, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if *slot != nil {
		return *slot, nil
	}
	kv, err := ensure(ctx)
	if err != nil {
		return nil, err
	}
	*slot = kv
	return kv, nil
}

func (s *Server) webhookLog(ctx context.Context) (*store.WebhookLog, error) {
	f := &s.front
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.whlog != nil {
		return f.whlog, nil
	}
	if s.st == nil {
		return nil, errNotStarted
	}
	l, err := s.st.EnsureWebhookLog(ctx)
	if err != nil {
		return nil, err
	}
	f.whlog = l
	return l, nil
}

// WebhookStats are this node's webhook counters.
type WebhookStats struct {
	Attempts  uint64 `json:"attempts"`
	Delivered uint64 `json:"delivered"`
	Failures  uint64 `json:"failures"`
}

// WebhookStats returns this node's webhook counters.
func (s *Server) WebhookStats() WebhookStats {
	return WebhookStats{Attempts: s.front.attempts.Load(), Delivered: s.front.delivered.Load(), Failures: s.front.failures.Load()}
}

// WebhookAttempts lists owner's webhook attempts (oldest first), only those
// about message id when id is set, after cursor; next is the following
// page's cursor ("" at the end).
func (s *Server) WebhookAttempts(ctx context.Context, owner, id, cursor string, limit int) ([]store.WebhookAttempt, string, error) {
	after, ok := store.ParseCursor(cursor)
	if !ok {
		return nil, "", &FieldError{"cursor", "invalid"}
	}
	l, err := s.webhookLog(ctx)
	if err != nil {
		return nil, "", err
	}
	out, next, err := l.List(ctx, owner, id, after, limit)
	if out == nil {
		out = []store.WebhookAttempt{}
	}
	return out, store.FormatCursor(next), err
}

// isWebhookAccount reports whether id's messages and receipts go to a
// webhook rather than to SMPP receivers.
func (s *Server) isWebhookAccount(id string) bool {
	acc := s.account(id)
	return acc != nil && acc.cfg.Webhook != nil && !acc.cfg.Disabled
}

// startWebhooks starts the loop that runs the webhook accounts' consumers
// (called by Start).
func (s *Server) startWebhooks() {
	s.front.mu.Lock()
	if s.front.client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = webhookConcurrency
		s.front.client = &http.Client{
			Timeout:       10 * time.Second,
			Transport:     tr,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	s.front.mu.Unlock()
	s.workers.Add(1)
	go s.webhookLoop()
}

// webhookConcurrency bounds the POSTs in flight per account and node.
const webhookConcurrency = 16

type hookWorker struct {
	s      *Server
	id     string
	cfg    atomic.Pointer[WebhookConfig]
	mt, rc *store.Consumer
	sem    chan struct{}
}

func (w *hookWorker) stop() {
	if w.mt != nil {
		w.mt.Stop()
	}
	if w.rc != nil {
		w.rc.Stop()
	}
}

func (s *Server) webhookLoop() {
	defer s.workers.Done()
	hooks := map[string]*hookWorker{}
	// Accounts change by replacing the map (installAccount), so a pointer
	// comparison notices runtime changes; a full pass every 10s also
	// retries consumers that failed to start.
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	var seen *map[string]*account
	var last time.Time
	for {
		if p := s.accounts.Load(); p != seen || time.Since(last) > 10*time.Second {
			seen, last = p, time.Now()
			s.reconcileWebhooks(hooks)
		}
		select {
		case <-s.ctx.Done():
			for _, w := range hooks {
				w.stop()
			}
			return
		case <-t.C:
		}
	}
}

func (s *Server) reconcileWebhooks(hooks map[string]*hookWorker) {
	want := map[string]*WebhookConfig{}
	for id, acc := range s.accountMap() {
		if acc.cfg.Webhook != nil && !acc.cfg.Disabled {
			want[id] = acc.cfg.Webhook
		}
	}
	for id, w := range hooks {
		if want[id] == nil {
			w.stop()
			delete(hooks, id)
			s.log.Info("smsc: webhook stopped", "account", id)
		}
	}
	for id, cfg := range want {
		if w := hooks[id]; w != nil {
			w.cfg.Store(cfg)
			continue
		}
		w := &hookWorker{s: s, id: id, sem: make(chan struct{}, webhookConcurrency)}
		w.cfg.Store(cfg)
		// SMPP receivers bound before the webhook was set stop consuming.
		s.mu.Lock()
		rs := s.receivers[id]
		s.mu.Unlock()
		if rs != nil {
			rs.stop()
		}
		var err error
		if w.mt, err = s.st.Consume(s.ctx, id, deliverOpts, w.deliver); err == nil {
			w.rc, err = s.st.ConsumeReceipts(s.ctx, id, deliverOpts, w.deliverReceipt)
		}
		if err != nil {
			w.stop()
			if s.ctx.Err() == nil {
				s.log.Error("smsc: cannot start webhook consumers", "account", id, "err", err)
			}
			continue
		}
		hooks[id] = w
		s.log.Info("smsc: webhook started", "account", id, "url", cfg.URL)
	}
}

// acquire waits for a free POST slot, keeping the queue item leased.
func (w *hookWorker) acquire(extend func() error) bool {
	t := time.NewTicker(20 * time.Second)
	defer t.Stop()
	for {
		select {
		case w.sem <- struct{}{}:
			return true
		case <-w.s.ctx.Done():
			return false
		case <-t.C:
			extend()
		}
	}
}

func (w *hookWorker) release() { <-w.sem }

func (w *hookWorker) deliver(d *store.Delivery) {
	w.s.workers.Add(1)
	go func() {
		defer w.s.workers.Done()
		if !w.acquire(d.Extend) {
			d.Retry(0)
			return
		}
		defer w.release()
		w.s.webhookMessage(w, d)
	}()
}

func (w *hookWorker) deliverReceipt(r *store.Receipt) {
	w.s.workers.Add(1)
	go func() {
		defer w.s.workers.Done()
		if !w.acquire(r.Extend) {
			r.Retry(0)
			return
		}
		defer w.release()
		w.s.webhookReceipt(w, r)
	}()
}

func (s *Server) webhookMessage(w *hookWorker, d *store.Delivery) {
	ctx := s.ctx
	p := s.prepare(ctx, d)
	if p == nil {
		return
	}
	m := d.Msg
	cfg := w.cfg.Load()
	if !cfg.wants(WebhookEventMO) {
		s.finalize(ctx, m, pdu.StateUndeliverable, 0)
		d.Ack()
		return
	}
	ev := moPayload(w.id, m, p)
	body, _ := json.Marshal(ev)
	ok, retryIn := s.postWebhook(ctx, w.id, cfg, WebhookEventMO, m.ID, "mo-"+m.ID, d.Attempt, body)
	switch {
	case ok:
		s.stats.delivered.Add(1)
		s.finalize(context.WithoutCancel(ctx), m, pdu.StateDelivered, 0)
		d.Ack()
		s.emit(Event{Type: "delivered", Account: w.id, ID: m.ID, From: ev.From, To: ev.To, State: "DELIVERED", Text: "webhook"})
	default:
		if retryIn > 0 {
			s.stats.retries.Add(1)
		}
		d.Retry(retryIn)
	}
}

func moPayload(account string, m *store.Message, p pdu.PDU) *WebhookMO {
	ev := &WebhookMO{Type: WebhookEventMO, ID: m.ID, Account: account, Submitter: m.Owner, Time: m.Submitted}
	cp, err := coding.PartOf(p)
	if err != nil {
		return ev
	}
	ev.From, ev.To, ev.DataCoding = cp.Source.Addr, cp.Dest.Addr, cp.DataCoding
	b := cp.Body()
	ev.Hex = hex.EncodeToString(b)
	if c, ok := (coding.Codecs{}).ForPart(cp); ok {
		if _, bin := c.(coding.Binary); !bin {
			ev.Text, _ = c.Decode(b)
		}
	}
	if cp.IsSegment() {
		ev.Part = &WebhookPart{Ref: cp.Ref, Seq: cp.Seq, Total: cp.Total}
	}
	return ev
}

func (s *Server) webhookReceipt(w *hookWorker, r *store.Receipt) {
	ctx := s.ctx
	st := r.State
	marker := st.ID + "." + strconv.Itoa(int(st.State))
	if r.Attempt > 1 {
		if done, err := s.st.ReceiptDelivered(ctx, marker); err == nil && done {
			r.Ack()
			return
		}
	}
	cfg := w.cfg.Load()
	if !cfg.wants(WebhookEventReceipt) {
		r.Ack()
		return
	}
	rid := st.ID
	if st.ReceiptID != "" {
		rid = st.ReceiptID
	}
	ev := WebhookReceipt{
		Type: WebhookEventReceipt, ID: rid, MessageID: st.ID, Account: w.id, State: st.State.String(),
		Final: st.State.Final(), Err: st.Err, From: st.Source.Addr, To: st.Dest.Addr, Text: st.Text,
		Submitted: st.Submitted, Done: st.Done,
	}
	body, _ := json.Marshal(ev)
	ok, retryIn := s.postWebhook(ctx, w.id, cfg, WebhookEventReceipt, st.ID, "receipt-"+marker, r.Attempt, body)
	switch {
	case ok:
		s.stats.receipts.Add(1)
		if err := s.st.MarkReceiptDelivered(context.WithoutCancel(ctx), marker); err != nil {
			s.log.Error("smsc: cannot record receipt delivery", "id", st.ID, "err", err)
		}
		r.Ack()
		s.emit(Event{Type: "receipt", Account: w.id, ID: rid, State: ev.State, From: ev.To, To: ev.From})
	default:
		r.Retry(retryIn)
	}
}

// postWebhook makes one attempt, records it, and reports whether it was
// acknowledged with a 2xx, or after how long to retry (0 when the attempt
// was abandoned because the server is shutting down: the event goes back to
// its queue at once, for another node).
func (s *Server) postWebhook(ctx context.Context, account string, cfg *WebhookConfig, event, id, delivery string, attempt int, body []byte) (bool, time.Duration) {
	start := time.Now()
	a := &store.WebhookAttempt{
		Account: account, Event: event, ID: id, Delivery: delivery, Attempt: attempt, URL: cfg.URL,
		Time: s.now(), Node: s.cfg.Node,
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "smscd-webhook/1")
		req.Header.Set("X-SMSC-Event", event)
		req.Header.Set("X-SMSC-Delivery", delivery)
		req.Header.Set("X-SMSC-Attempt", strconv.Itoa(attempt))
		req.Header.Set("X-SMSC-Signature", SignWebhook(cfg.Secret, time.Now(), body))
		var resp *http.Response
		if resp, err = s.front.client.Do(req); err == nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			a.Status = resp.StatusCode
			a.OK = resp.StatusCode >= 200 && resp.StatusCode < 300
			if !a.OK {
				a.Error = "HTTP " + resp.Status
			}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return false, 0 // shutting down: not an attempt of the receiver's
		}
		a.Error = err.Error()
	}
	a.Duration = float64(time.Since(start).Microseconds()) / 1000
	s.front.attempts.Add(1)
	var retryIn time.Duration
	if a.OK {
		s.front.delivered.Add(1)
	} else {
		s.front.failures.Add(1)
		retryIn = s.backoff(attempt)
		a.NextRetry = s.now().Add(retryIn)
		s.log.Info("smsc: webhook attempt failed", "account", account, "event", event, "id", id, "attempt", attempt, "err", a.Error, "retry_in", retryIn)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if l, err := s.webhookLog(rctx); err == nil {
		if err := l.Record(rctx, a); err != nil {
			s.log.Error("smsc: cannot record webhook attempt", "account", account, "err", err)
		}
	}
	state := "ok"
	if !a.OK {
		state = "failed"
	}
	s.emit(Event{Type: "webhook", Account: account, ID: id, State: state, Text: event + " attempt " + strconv.Itoa(attempt) + ": " + strconv.Itoa(a.Status) + " " + a.Error})
	return a.OK, retryIn
}
