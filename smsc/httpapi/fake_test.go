package httpapi

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc"
)

// fake is a Backend with only what a test sets; the embedded interface
// panics for the rest.
type fake struct {
	Backend
	submit func(owner string, r smsc.TextRequest) ([]string, error)
	depth  error
	addr   net.Addr
}

func (f *fake) Authenticate(id, pw string) bool { return id == "a" && pw == "pa" }
func (f *fake) AccountEnabled(id string) bool   { return id == "a" }
func (f *fake) SubmitText(_ context.Context, owner string, r smsc.TextRequest) ([]string, error) {
	return f.submit(owner, r)
}
func (f *fake) QueueDepth(context.Context, string) (uint64, error) { return 0, f.depth }
func (f *fake) SMPPAddr() net.Addr                                 { return f.addr }
func (f *fake) Accounts() []smsc.Account                           { return nil }
func (f *fake) Stats() smsc.Stats                                  { return smsc.Stats{} }
func (f *fake) Sessions() []smsc.SessionInfo                       { return nil }
func (f *fake) ClusterSessions(context.Context) []smsc.SessionInfo { return nil }
func (f *fake) WebhookStats() smsc.WebhookStats                    { return smsc.WebhookStats{} }

// PDUCounts makes the fake a PDUCounter.
func (f *fake) PDUCounts(fn func(direction, command, status string, n uint64)) {
	fn("in", "submit_sm", "ESME_ROK", 7)
}

func fakeEnv(t *testing.T, f *fake) *env {
	srv := httptest.NewServer(New(f, Options{AdminToken: adminToken}))
	t.Cleanup(srv.Close)
	return &env{t: t, api: srv}
}

func TestErrorMapping(t *testing.T) {
	f := &fake{addr: &net.TCPAddr{}}
	e := fakeEnv(t, f)
	for _, c := range []struct {
		err    error
		status int
		field  string
	}{
		{pdu.StatusSysErr, 503, ""},
		{pdu.StatusThrottled, 429, ""},
		{pdu.StatusInvDstAddr, 400, "to"},
		{&smsc.FieldError{Field: "schedule", Msg: "invalid"}, 400, "schedule"},
		{context.DeadlineExceeded, 503, ""},
		{errors.New("boom"), 500, ""},
	} {
		f.submit = func(string, smsc.TextRequest) ([]string, error) { return nil, c.err }
		r := e.do("POST", "/api/v1/messages", SubmitRequest{To: "1", Text: "x"}, asA).want(t, c.status, c.field)
		if r.str("error") == "" {
			t.Errorf("%v: no error text", c.err)
		}
	}
	// Parts accepted before a failure are reported.
	f.submit = func(string, smsc.TextRequest) ([]string, error) { return []string{"7"}, pdu.StatusSysErr }
	r := e.do("POST", "/api/v1/messages", SubmitRequest{To: "1", Text: "x"}, asA).want(t, 503)
	if ids, _ := r.body["ids"].([]any); len(ids) != 1 || ids[0] != "7" {
		t.Fatalf("ids %s", r.raw)
	}
}

func TestReadyz(t *testing.T) {
	f := &fake{addr: &net.TCPAddr{}}
	e := fakeEnv(t, f)
	e.do("GET", "/readyz", nil).want(t, http.StatusOK)
	f.depth = errors.New("nats: no responders")
	r := e.do("GET", "/readyz", nil).want(t, http.StatusServiceUnavailable)
	if r.body["checks"].(map[string]any)["store"] != "nats: no responders" {
		t.Fatalf("readyz %s", r.raw)
	}
	f.depth, f.addr = nil, nil
	e.do("GET", "/readyz", nil).want(t, http.StatusServiceUnavailable)
	e.do("GET", "/healthz", nil).want(t, http.StatusOK)
	// The optional PDU counters reach /metrics.
	res, err := http.Get(e.api.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !contains(string(text), `smsc_pdus_total{command="submit_sm",direction="in",status="ESME_ROK"} 7`) {
		t.Fatalf("metrics:\n%s", text)
	}
}
