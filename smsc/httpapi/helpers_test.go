package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/store"
)

const (
	adminToken = "test-admin-token-0123456789"
	hookSecret = "0123456789abcdef-secret"
)

// env is a real SMSC with the API in front of it.
type env struct {
	t   *testing.T
	dir string
	cfg smsc.Config
	srv *smsc.Server
	api *httptest.Server
}

func baseConfig() smsc.Config {
	return smsc.Config{
		SMPPAddr: "127.0.0.1:0",
		Retry:    smsc.RetryPolicy{Min: smsc.Duration(20 * time.Millisecond), Max: smsc.Duration(200 * time.Millisecond)},
		Network:  smsc.NetworkConfig{Delay: smsc.Duration(time.Millisecond)},
		Accounts: []smsc.Account{
			{SystemID: "a", Password: "pa"},
			{SystemID: "b", Password: "pb", Addresses: []string{"4477*"}},
		},
	}
}

// newEnv starts an SMSC on a temporary data directory and the API; both
// stop when the test ends.
func newEnv(t *testing.T, cfg smsc.Config) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), cfg: cfg}
	e.start()
	t.Cleanup(e.stop)
	return e
}

func (e *env) start() {
	e.t.Helper()
	srv, err := smsc.New(e.cfg, smsc.WithStoreOptions(store.Options{Dir: e.dir}), smsc.WithBcryptCost(4))
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Start(ctx); err != nil {
		e.t.Fatal(err)
	}
	e.srv = srv
	e.api = httptest.NewServer(New(srv, Options{AdminToken: adminToken, EventHeartbeat: 50 * time.Millisecond}))
}

func (e *env) stop() {
	if e.srv == nil {
		return
	}
	e.api.CloseClientConnections()
	e.api.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	e.srv.Shutdown(ctx)
	e.srv = nil
}

func (e *env) restart() {
	e.stop()
	e.start()
}

// auth sets credentials on a request.
type auth func(*http.Request)

func basic(user, pass string) auth { return func(r *http.Request) { r.SetBasicAuth(user, pass) } }
func bearer(tok string) auth {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

var (
	asA     = basic("a", "pa")
	asB     = basic("b", "pb")
	asAdmin = bearer(adminToken)
	noAuth  = auth(func(*http.Request) {})
)

func header(k, v string) auth { return func(r *http.Request) { r.Header.Set(k, v) } }

// resp is an answer: status, headers and the body (decoded when JSON).
type resp struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r resp) str(key string) string { s, _ := r.body[key].(string); return s }

func (e *env) do(method, path string, body any, as ...auth) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.api.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, a := range as {
		a(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{status: res.StatusCode, header: res.Header, raw: raw}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			e.t.Fatalf("%s %s: JSON answer does not decode: %v: %s", method, path, err, raw)
		}
	}
	return out
}

// want checks the status (and, for errors, that field is named).
func (r resp) want(t *testing.T, status int, field ...string) resp {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	if len(field) > 0 {
		if r.str("field") != field[0] {
			t.Fatalf("field %q, want %q: %s", r.str("field"), field[0], r.raw)
		}
		if r.str("error") == "" {
			t.Fatalf("no error text: %s", r.raw)
		}
	}
	return r
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sse reads a Server-Sent Events stream.
type sse struct {
	res    *http.Response
	events chan sseEvent
}

type sseEvent struct {
	typ  string
	data Event
}

func (e *env) events(path string, as auth) *sse {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", e.api.URL+path, nil)
	as(req)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	if res.StatusCode != 200 {
		e.t.Fatalf("events: status %d", res.StatusCode)
	}
	s := &sse{res: res, events: make(chan sseEvent, 100)}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.typ = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.data)
			case line == "" && ev.typ != "":
				s.events <- ev
				ev = sseEvent{}
			}
		}
	}()
	e.t.Cleanup(func() { cancel(); res.Body.Close(); wg.Wait() })
	return s
}

// next returns the next event of type typ.
func (s *sse) next(t *testing.T, typ string, timeout time.Duration) Event {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("event stream ended before a %s event", typ)
			}
			if ev.typ == typ {
				return ev.data
			}
		case <-deadline:
			t.Fatalf("no %s event within %v", typ, timeout)
		}
	}
}
