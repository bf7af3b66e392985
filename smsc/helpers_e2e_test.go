package smsc

// Shared helpers of the smsc end-to-end tests: a fake clock, a server
// started on a temporary data directory, and ESMEs (our own client library)
// that record everything the SMSC sends them.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/store"
)

// fakeClock is an injectable clock (WithClock) that only moves on Advance.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// startSMSC starts a server on 127.0.0.1:0 with an embedded store in a
// temporary directory (unless opts choose another store) and shuts it down
// when the test ends.
func startSMSC(t testing.TB, cfg Config, opts ...Option) *Server {
	t.Helper()
	if cfg.SMPPAddr == "" {
		cfg.SMPPAddr = "127.0.0.1:0"
	}
	all := append([]Option{WithStoreOptions(store.Options{Dir: t.TempDir()}), WithBcryptCost(bcrypt.MinCost)}, opts...)
	srv, err := New(cfg, all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Logf("Shutdown: %v", err)
		}
	})
	return srv
}

// waitFor polls cond every few milliseconds until it holds or timeout
// passes, then fails the test.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// got is one deliver_sm or data_sm an ESME received.
type got struct {
	At      time.Time // when the handler returned (the response was sent)
	Deliver *pdu.DeliverSM
	Data    *pdu.DataSM
	Receipt *dlr.Receipt // set for receipts and intermediate notifications
	Status  pdu.Status   // what the ESME answered
}

// Text is the user data (short_message or message_payload).
func (g got) Text() string {
	switch {
	case g.Deliver != nil:
		return string(g.Deliver.Message())
	case g.Data != nil:
		return string(g.Data.Message())
	}
	return ""
}

// esme is a bound client session that records what it receives.
type esme struct {
	t    testing.TB
	name string
	sess *smpp.Session

	mu      sync.Mutex
	items   []got
	respond func(g got) error // nil answers ESME_ROK
}

func cloneTLVs(in pdu.TLVs) pdu.TLVs {
	var out pdu.TLVs
	for _, v := range in {
		out = append(out, pdu.TLV{Tag: v.Tag, Value: bytes.Clone(v.Value)})
	}
	return out
}

func (e *esme) handle(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
	var g got
	switch p := r.PDU.(type) {
	case *pdu.DeliverSM:
		c := *p
		c.ShortMessage = bytes.Clone(p.ShortMessage)
		c.TLVs = cloneTLVs(p.TLVs)
		g.Deliver = &c
		if rc, ok := dlr.FromDeliverSM(&c); ok {
			g.Receipt = &rc
		}
	case *pdu.DataSM:
		c := *p
		c.TLVs = cloneTLVs(p.TLVs)
		g.Data = &c
		if rc, ok := dlr.FromDataSM(&c); ok {
			g.Receipt = &rc
		}
	default:
		return nil, nil
	}
	e.mu.Lock()
	respond := e.respond
	e.mu.Unlock()
	var err error
	if respond != nil {
		err = respond(g)
	}
	var st pdu.Status
	if errors.As(err, &st) {
		g.Status = st
	}
	g.At = time.Now()
	e.mu.Lock()
	e.items = append(e.items, g)
	e.mu.Unlock()
	return nil, err
}

// dialOpts tune dialESME.
type dialOpts struct {
	mode    pdu.BindMode
	respond func(g got) error
	local   string // source IP
}

func dialESME(t testing.TB, addr, id, pw string, o dialOpts) *esme {
	t.Helper()
	e, err := tryDialESME(t, addr, id, pw, o)
	if err != nil {
		t.Fatalf("bind %s: %v", id, err)
	}
	return e
}

func tryDialESME(t testing.TB, addr, id, pw string, o dialOpts) (*esme, error) {
	e := &esme{t: t, name: id, respond: o.respond}
	d := &smpp.Dialer{SystemID: id, Password: pw, Mode: o.mode, Handler: smpp.HandlerFunc(e.handle), BindTimeout: 10 * time.Second}
	d.ResponseTimeout = 10 * time.Second
	if o.local != "" {
		nd := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(o.local)}}
		d.DialContext = nd.DialContext
	}
	sess, err := d.Dial(context.Background(), addr)
	if err != nil {
		return nil, err
	}
	e.sess = sess
	t.Cleanup(func() { sess.Close() })
	return e, nil
}

func (e *esme) all() []got {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]got(nil), e.items...)
}

// messages returns what was received other than receipts.
func (e *esme) messages() []got {
	var out []got
	for _, g := range e.all() {
		if g.Receipt == nil {
			out = append(out, g)
		}
	}
	return out
}

// receipts returns the receipts (and intermediate notifications) for id.
func (e *esme) receipts(id string) []got {
	var out []got
	for _, g := range e.all() {
		if g.Receipt != nil && (id == "" || g.Receipt.ID == id) {
			out = append(out, g)
		}
	}
	return out
}

// withText returns the non-receipt messages whose text is text.
func (e *esme) withText(text string) []got {
	var out []got
	for _, g := range e.messages() {
		if g.Text() == text {
			out = append(out, g)
		}
	}
	return out
}

// waitText waits until a message with the text arrived and returns it.
func (e *esme) waitText(text string, timeout time.Duration) got {
	e.t.Helper()
	var g []got
	waitFor(e.t, timeout, fmt.Sprintf("%s to receive %q", e.name, text), func() bool {
		g = e.withText(text)
		return len(g) > 0
	})
	return g[0]
}

// waitReceipt waits for a receipt for id in the given state and returns it.
func (e *esme) waitReceipt(id string, state pdu.MessageState, timeout time.Duration) got {
	e.t.Helper()
	var out got
	waitFor(e.t, timeout, fmt.Sprintf("%s to receive a %s receipt for %s", e.name, state.Stat(), id), func() bool {
		for _, g := range e.receipts(id) {
			if g.Receipt.State == state {
				out = g
				return true
			}
		}
		return false
	})
	return out
}

func (e *esme) submit(sm *pdu.SubmitSM) string {
	e.t.Helper()
	resp, err := e.sess.Submit(context.Background(), sm)
	if err != nil {
		e.t.Fatalf("%s: submit_sm to %s: %v", e.name, sm.DestinationAddr, err)
	}
	if resp.MessageID == "" {
		e.t.Fatalf("%s: submit_sm_resp without message_id", e.name)
	}
	return resp.MessageID
}

func (e *esme) query(id string) *pdu.QuerySMResp {
	e.t.Helper()
	resp, err := e.sess.Query(context.Background(), &pdu.QuerySM{MessageID: id})
	if err != nil {
		e.t.Fatalf("%s: query_sm %s: %v", e.name, id, err)
	}
	if resp.MessageID != id {
		e.t.Fatalf("%s: query_sm_resp message_id %q, want %q", e.name, resp.MessageID, id)
	}
	return resp
}

// waitState polls query_sm until the message reaches state.
func (e *esme) waitState(id string, state pdu.MessageState, timeout time.Duration) *pdu.QuerySMResp {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r := e.query(id)
		if r.MessageState == state {
			return r
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: message %s is %s after %v, want %s", e.name, id, r.MessageState, timeout, state)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// wantStatus fails unless err carries the command_status want.
func wantStatus(t testing.TB, what string, err error, want pdu.Status) {
	t.Helper()
	var st pdu.Status
	if !errors.As(err, &st) {
		t.Fatalf("%s: got error %v, want %s", what, err, want)
	}
	if st != want {
		t.Fatalf("%s: got %s, want %s", what, st, want)
	}
}

// marker submits a message with a final receipt to dest and waits until its
// receipt arrived at e: everything finalized before it has been reported by
// then, so a missing receipt or message is really missing (receipts are
// queued in the order the outcomes are stored).
func (e *esme) marker(dest string, timeout time.Duration) {
	e.t.Helper()
	id := e.submit(&pdu.SubmitSM{SourceAddr: "999", DestinationAddr: dest, RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("marker " + dest)})
	e.waitReceipt(id, pdu.StateDelivered, timeout)
}

// rel is a relative SMPP time.
func rel(d time.Duration) string { return pdu.FormatRelative(d) }

// skipBug skips a test that pins a known bug, unless SMSC_RUN_BUGS=1 (run
// them with `SMSC_RUN_BUGS=1 go test -run NAME ./smsc/` to see them fail).
func skipBug(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("SMSC_RUN_BUGS") != "1" {
		t.Skip("BUG: " + why)
	}
}

// waitQueueDepth waits until n messages of target's queue are not yet
// acknowledged: with n = 0, every message queued for it has been settled
// (delivered and answered, or dropped) — deliveries run concurrently, so a
// later message arriving first proves nothing about an earlier one.
func waitQueueDepth(t testing.TB, srv *Server, target string, n uint64) {
	t.Helper()
	var last uint64
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := srv.Store().QueueDepth(context.Background(), target)
		if err == nil && d == n {
			return
		}
		last = d
		if time.Now().After(deadline) {
			t.Fatalf("queue of %s still holds %d unsettled messages, want %d (err %v)", target, last, n, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
