package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc"
)

func TestSubmitAndGetMessage(t *testing.T) {
	e := newEnv(t, baseConfig())
	r := e.do("POST", "/api/v1/messages", map[string]any{"from": "100", "to": "+33600000001", "text": "hello", "dlr": true}, asA).want(t, 202)
	id := r.str("id")
	if id == "" || r.header.Get("Location") != "/api/v1/messages/"+id || r.body["parts"].(float64) != 1 {
		t.Fatalf("answer %s, Location %q", r.raw, r.header.Get("Location"))
	}
	var m resp
	waitFor(t, 10*time.Second, "DELIVERED", func() bool {
		m = e.do("GET", "/api/v1/messages/"+id, nil, asA).want(t, 200)
		return m.str("state") == "DELIVERED"
	})
	if m.str("id") != id || m.str("from") != "100" || m.str("to") != "33600000001" || m.str("text") != "hello" || m.body["dlr"] != true {
		t.Fatalf("message %s", m.raw)
	}
	evs, _ := m.body["events"].([]any)
	if len(evs) < 2 {
		t.Fatalf("history %s", m.raw)
	}

	// A long text is split like on SMPP; UCS2 by choice of characters.
	long := strings.Repeat("Здравствуй, мир! ", 10)
	r = e.do("POST", "/api/v1/messages", SubmitRequest{From: "100", To: "33600000002", Text: long}, asA).want(t, 202)
	if n := r.body["parts"].(float64); n < 3 || len(r.body["ids"].([]any)) != int(n) {
		t.Fatalf("long text: %s", r.raw)
	}
	m = e.do("GET", "/api/v1/messages/"+r.str("id"), nil, asA).want(t, 200)
	if m.body["data_coding"].(float64) != 8 {
		t.Fatalf("data_coding %v", m.body["data_coding"])
	}
	// Binary.
	r = e.do("POST", "/api/v1/messages", SubmitRequest{To: "33600000003", Hex: "0001ff"}, asA).want(t, 202)
	m = e.do("GET", "/api/v1/messages/"+r.str("id"), nil, asA).want(t, 200)
	if !strings.HasSuffix(m.str("pdu"), "030001ff") {
		t.Fatalf("pdu %s", m.str("pdu"))
	}
	// Scheduled: SCHEDULED until its time.
	r = e.do("POST", "/api/v1/messages", SubmitRequest{To: "33600000004", Text: "later", Schedule: "1h", Validity: "2h"}, asA).want(t, 202)
	if m = e.do("GET", "/api/v1/messages/"+r.str("id"), nil, asA).want(t, 200); m.str("state") != "SCHEDULED" {
		t.Fatalf("state %s", m.str("state"))
	}
}

func TestBadInputNamesTheField(t *testing.T) {
	e := newEnv(t, baseConfig())
	for _, c := range []struct {
		body   string
		status int
		field  string
	}{
		{`{"to":"1","text":"x","foo":1}`, 400, "foo"},
		{`{"to":"1","text":"x","dlr":"yes"}`, 400, "dlr"},
		{`{"to":1,"text":"x"}`, 400, "to"},
		{`{"text":"x"}`, 400, "to"},
		{`{"to":"123456789012345678901","text":"x"}`, 400, "to"},
		{`{"to":"1"}`, 400, "text"},
		{`{"to":"1","text":"x","coding":"ebcdic"}`, 400, "coding"},
		{`{"to":"1","text":"x","concat":"glue"}`, 400, "concat"},
		{`{"to":"1","hex":"zz"}`, 400, "hex"},
		{`{"to":"1","text":"x","validity":"soon"}`, 400, "validity"},
		{`{"to":"1","text":"x","schedule":"-5m"}`, 400, "schedule"},
		{`{"to":"1","text":"€","coding":"ascii"}`, 400, "text"},
		{`{"to":"1",`, 400, "body"},
		{`{"to" "1"}`, 400, "body"},
		{``, 400, "body"},
		{`[1,2]`, 400, "body"},
		{`{"to":"1","text":"x"} {"to":"2"}`, 400, "body"},
	} {
		t.Run(c.body, func(t *testing.T) {
			e.do("POST", "/api/v1/messages", c.body, asA).want(t, c.status, c.field)
		})
	}
	e.do("GET", "/api/v1/messages?limit=0", nil, asA).want(t, 400, "limit")
	e.do("GET", "/api/v1/messages?limit=x", nil, asA).want(t, 400, "limit")
	e.do("GET", "/api/v1/messages?state=LOST", nil, asA).want(t, 400, "state")
	e.do("GET", "/api/v1/messages?cursor=abc", nil, asA).want(t, 400, "cursor")
	e.do("GET", "/api/v1/webhooks/attempts?cursor=abc", nil, asA).want(t, 400, "cursor")
	e.do("POST", "/api/v1/tokens", `{"ttl":"forever"}`, asA).want(t, 400, "ttl")
	e.do("POST", "/api/v1/tokens", `{"ttl":"2161h"}`, asA).want(t, 400, "ttl")
	e.do("POST", "/api/v1/messages", strings.Repeat(" ", 2<<20), asA).want(t, 413, "body")
	// Unknown endpoints and methods answer JSON too.
	e.do("GET", "/api/v1/nope", nil, asA).want(t, 404)
	r := e.do("PUT", "/api/v1/messages/1", nil, asA).want(t, 405)
	if r.header.Get("Allow") != "GET, DELETE" {
		t.Fatalf("Allow %q", r.header.Get("Allow"))
	}
}

func TestAuthFailures(t *testing.T) {
	e := newEnv(t, baseConfig())
	for name, as := range map[string]auth{
		"none":           noAuth,
		"wrong password": basic("a", "nope"),
		"unknown":        basic("zz", "pa"),
		"bad bearer":     bearer("smsc_xx.yy"),
		"not a token":    bearer("hello"),
		"other scheme":   header("Authorization", "Digest x"),
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do("GET", "/api/v1/messages", nil, as).want(t, 401)
			if ch := r.header.Values("WWW-Authenticate"); len(ch) != 2 || !strings.HasPrefix(ch[0], "Basic ") || !strings.HasPrefix(ch[1], "Bearer ") {
				t.Fatalf("WWW-Authenticate %q", ch)
			}
		})
	}
	// An account on admin endpoints: 403.
	for _, p := range []string{"/api/v1/admin/accounts", "/api/v1/admin/sessions", "/api/v1/admin/network", "/api/v1/phones/1/messages"} {
		e.do("GET", p, nil, asA).want(t, 403)
	}
	e.do("POST", "/api/v1/admin/mo", MORequest{From: "1", To: "447700900001", Text: "x"}, asA).want(t, 403)
	// The admin on account endpoints names the account.
	e.do("GET", "/api/v1/messages", nil, asAdmin).want(t, 400, "account")
	e.do("GET", "/api/v1/messages?account=zz", nil, asAdmin).want(t, 404, "account")
	e.do("GET", "/api/v1/messages?account=a", nil, asAdmin).want(t, 200)
	// Public endpoints need nothing.
	e.do("GET", "/healthz", nil).want(t, 200)
	e.do("GET", "/api/v1/openapi.json", nil).want(t, 200)

	// Without an admin token the admin API is off.
	off := httptest.NewServer(New(e.srv, Options{}))
	defer off.Close()
	req, _ := http.NewRequest("GET", off.URL+"/api/v1/admin/accounts", nil)
	req.Header.Set("Authorization", "Bearer ")
	res, _ := http.DefaultClient.Do(req)
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("empty bearer: %d", res.StatusCode)
	}
	req.SetBasicAuth("a", "pa")
	res, _ = http.DefaultClient.Do(req)
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Fatalf("admin API without admin token: %d", res.StatusCode)
	}
}

func TestIsolation(t *testing.T) {
	e := newEnv(t, baseConfig())
	id := e.do("POST", "/api/v1/messages", SubmitRequest{To: "33600000001", Text: "mine", Schedule: "1h"}, asA).want(t, 202).str("id")
	missing := e.do("GET", "/api/v1/messages/999999", nil, asB).want(t, 404, "id")
	other := e.do("GET", "/api/v1/messages/"+id, nil, asB).want(t, 404, "id")
	if string(missing.raw) != string(other.raw) {
		t.Fatalf("another account's message differs from a missing one:\n%s\n%s", missing.raw, other.raw)
	}
	e.do("DELETE", "/api/v1/messages/"+id, nil, asB).want(t, 404, "id")
	if r := e.do("GET", "/api/v1/messages", nil, asB).want(t, 200); len(r.body["messages"].([]any)) != 0 {
		t.Fatalf("b lists %s", r.raw)
	}
	if r := e.do("GET", "/api/v1/messages?account=a", nil, asAdmin).want(t, 200); len(r.body["messages"].([]any)) != 1 {
		t.Fatalf("admin as a lists %s", r.raw)
	}
	// Still there for a.
	e.do("GET", "/api/v1/messages/"+id, nil, asA).want(t, 200)
}

func TestCancel(t *testing.T) {
	e := newEnv(t, baseConfig())
	id := e.do("POST", "/api/v1/messages", SubmitRequest{To: "33600000001", Text: "later", Schedule: "1h"}, asA).want(t, 202).str("id")
	r := e.do("DELETE", "/api/v1/messages/"+id, nil, asA).want(t, 200)
	if r.str("state") != "DELETED" {
		t.Fatalf("after cancel: %s", r.raw)
	}
	e.do("DELETE", "/api/v1/messages/"+id, nil, asA).want(t, 409, "id")
	e.do("DELETE", "/api/v1/messages/424242", nil, asA).want(t, 404, "id")
}

func TestListFilterAndPaging(t *testing.T) {
	cfg := baseConfig()
	cfg.Network.Rules = []smsc.NetworkRule{{Prefix: "3399*", Outcomes: []smsc.Outcome{{Stat: "UNDELIV", Err: 11, Weight: 1}}}}
	e := newEnv(t, cfg)
	var ids []string
	for i := range 5 {
		to := fmt.Sprintf("3360000000%d", i)
		if i%2 == 1 {
			to = fmt.Sprintf("3399000000%d", i)
		}
		ids = append(ids, e.do("POST", "/api/v1/messages", SubmitRequest{To: to, Text: "n"}, asA).want(t, 202).str("id"))
	}
	e.do("POST", "/api/v1/messages", SubmitRequest{To: "33600000009", Text: "b's"}, asB).want(t, 202)
	waitFor(t, 10*time.Second, "final states", func() bool {
		r := e.do("GET", "/api/v1/messages?state=ENROUTE", nil, asA).want(t, 200)
		return len(r.body["messages"].([]any)) == 0
	})
	// Pages of 2: 3 pages, every id once, in order.
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		r := e.do("GET", "/api/v1/messages?limit=2&cursor="+cursor, nil, asA).want(t, 200)
		for _, m := range r.body["messages"].([]any) {
			got = append(got, m.(map[string]any)["id"].(string))
		}
		if cursor = r.str("next"); cursor == "" {
			break
		}
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Fatalf("paged %v, want %v", got, ids)
	}
	r := e.do("GET", "/api/v1/messages?state=undeliverable", nil, asA).want(t, 200)
	if ms := r.body["messages"].([]any); len(ms) != 2 || ms[0].(map[string]any)["err"].(float64) != 11 {
		t.Fatalf("UNDELIVERABLE: %s", r.raw)
	}
	r = e.do("GET", "/api/v1/messages?to=3360000000*&state=DELIVERED&limit=1", nil, asA).want(t, 200)
	if ms := r.body["messages"].([]any); len(ms) != 1 || ms[0].(map[string]any)["id"] != ids[0] || r.str("next") == "" {
		t.Fatalf("filtered page: %s", r.raw)
	}
	r = e.do("GET", "/api/v1/messages?to=3360000000*&state=DELIVERED&limit=10&cursor="+r.str("next"), nil, asA).want(t, 200)
	if ms := r.body["messages"].([]any); len(ms) != 2 || ms[0].(map[string]any)["id"] != ids[2] {
		t.Fatalf("filtered second page: %s", r.raw)
	}
	r = e.do("GET", "/api/v1/messages?to=%2B33990000003", nil, asA).want(t, 200)
	if ms := r.body["messages"].([]any); len(ms) != 1 || ms[0].(map[string]any)["id"] != ids[3] {
		t.Fatalf("exact to: %s", r.raw)
	}
}

func TestIdempotency(t *testing.T) {
	e := newEnv(t, baseConfig())
	key := header("Idempotency-Key", "order-42")
	body := SubmitRequest{From: "100", To: "33600000001", Text: "once", DLR: true}
	first := e.do("POST", "/api/v1/messages", body, asA, key).want(t, 202)
	// Same key, same body (spelled differently): the same answer, no new message.
	again := e.do("POST", "/api/v1/messages", `{ "text":"once", "dlr":true, "to":"33600000001", "from":"100" }`, asA, key).want(t, 202)
	if again.str("id") != first.str("id") || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %s (replayed %q), first %s", again.raw, again.header.Get("Idempotent-Replayed"), first.raw)
	}
	if r := e.do("GET", "/api/v1/messages", nil, asA).want(t, 200); len(r.body["messages"].([]any)) != 1 {
		t.Fatalf("two messages stored: %s", r.raw)
	}
	// Same key, another body: 422.
	body.Text = "twice"
	e.do("POST", "/api/v1/messages", body, asA, key).want(t, 422, "Idempotency-Key")
	// Keys are per account.
	other := e.do("POST", "/api/v1/messages", body, asB, key).want(t, 202)
	if other.str("id") == first.str("id") {
		t.Fatal("b got a's answer")
	}
	// A refused request is remembered too (same key, same bad body).
	bad := header("Idempotency-Key", "bad-1")
	e.do("POST", "/api/v1/messages", `{"to":"1","text":"x","coding":"nope"}`, asA, bad).want(t, 400, "coding")
	if r := e.do("POST", "/api/v1/messages", `{"to":"1","text":"x","coding":"nope"}`, asA, bad); r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("refusal not replayed")
	}
	e.do("POST", "/api/v1/messages", body, asA, header("Idempotency-Key", strings.Repeat("k", 300))).want(t, 400, "Idempotency-Key")

	// Concurrent retries: one message.
	var wg sync.WaitGroup
	ids := make([]string, 8)
	body.Text = "race"
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				r := e.do("POST", "/api/v1/messages", body, asA, header("Idempotency-Key", "race"))
				if r.status == 409 {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				ids[i] = r.str("id")
				return
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("concurrent retries got %v", ids)
		}
	}

	// The key survives a restart on the same data directory.
	e.restart()
	r := e.do("POST", "/api/v1/messages", `{"from":"100","to":"33600000001","text":"once","dlr":true}`, asA, key).want(t, 202)
	if r.str("id") != first.str("id") || r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("after restart: %s", r.raw)
	}
	e.do("POST", "/api/v1/messages", `{"to":"33600000001","text":"changed"}`, asA, key).want(t, 422, "Idempotency-Key")
}

func TestTokens(t *testing.T) {
	e := newEnv(t, baseConfig())
	r := e.do("POST", "/api/v1/tokens", TokenRequest{Name: "ci", TTL: "1h"}, asA).want(t, 201)
	tok, id := r.str("token"), r.str("id")
	if !strings.HasPrefix(tok, "smsc_") || len(id) != 64 || r.str("account") != "a" {
		t.Fatalf("token %s", r.raw)
	}
	// No body: the defaults.
	e.do("POST", "/api/v1/tokens", nil, asA).want(t, 201)
	sent := e.do("POST", "/api/v1/messages", SubmitRequest{To: "33600000001", Text: "by token"}, bearer(tok)).want(t, 202)
	e.do("GET", "/api/v1/messages/"+sent.str("id"), nil, asA).want(t, 200)
	if l := e.do("GET", "/api/v1/tokens", nil, bearer(tok)).want(t, 200); len(l.body["tokens"].([]any)) != 2 {
		t.Fatalf("tokens %s", l.raw)
	}
	if l := e.do("GET", "/api/v1/tokens", nil, asB).want(t, 200); len(l.body["tokens"].([]any)) != 0 {
		t.Fatalf("b sees %s", l.raw)
	}
	e.do("DELETE", "/api/v1/tokens/"+id, nil, asB).want(t, 404, "id")
	e.do("DELETE", "/api/v1/tokens/"+id, nil, asA).want(t, 204)
	e.do("GET", "/api/v1/messages", nil, bearer(tok)).want(t, 401)
	// A token for a disabled account stops working.
	tok = e.do("POST", "/api/v1/tokens", nil, asA).want(t, 201).str("token")
	e.do("DELETE", "/api/v1/admin/accounts/a", nil, asAdmin).want(t, 200)
	e.do("GET", "/api/v1/messages", nil, bearer(tok)).want(t, 401)
	e.do("GET", "/api/v1/messages", nil, asA).want(t, 401)
}

func TestAdminAccounts(t *testing.T) {
	e := newEnv(t, baseConfig())
	r := e.do("GET", "/api/v1/admin/accounts", nil, asAdmin).want(t, 200)
	if accs := r.body["accounts"].([]any); len(accs) != 2 || accs[0].(map[string]any)["system_id"] != "a" {
		t.Fatalf("accounts %s", r.raw)
	}
	if strings.Contains(string(r.raw), "password") || strings.Contains(string(r.raw), "$2a$") {
		t.Fatalf("password leaked: %s", r.raw)
	}
	e.do("POST", "/api/v1/admin/accounts", AccountInput{SystemID: "c"}, asAdmin).want(t, 400, "password")
	e.do("POST", "/api/v1/admin/accounts", AccountInput{Password: "x"}, asAdmin).want(t, 400, "system_id")
	e.do("POST", "/api/v1/admin/accounts", `{"system_id":"c","password":"pc","bind_modes":["tx","xx"]}`, asAdmin).want(t, 400, "bind_modes[1]")
	e.do("POST", "/api/v1/admin/accounts", `{"system_id":"c","password":"pc","throughput":"fast"}`, asAdmin).want(t, 400, "throughput")
	e.do("POST", "/api/v1/admin/accounts", `{"system_id":"c","password":"pc","colour":"red"}`, asAdmin).want(t, 400, "colour")
	e.do("POST", "/api/v1/admin/accounts", `{"system_id":"c","password":"pc","webhook":{"url":"http://x/"}}`, asAdmin).want(t, 400, "webhook.secret")
	e.do("POST", "/api/v1/admin/accounts", `{"system_id":"c","password":"toolongpassword"}`, asAdmin).want(t, 400, "password")
	r = e.do("POST", "/api/v1/admin/accounts", AccountInput{SystemID: "c", Password: "pc", Addresses: []string{"4478*"}}, asAdmin).want(t, 201)
	if r.header.Get("Location") != "/api/v1/admin/accounts/c" || r.str("system_id") != "c" {
		t.Fatalf("created %s", r.raw)
	}
	e.do("POST", "/api/v1/admin/accounts", AccountInput{SystemID: "c", Password: "pc"}, asAdmin).want(t, 409, "system_id")
	// The new account works at once, on HTTP and SMPP.
	e.do("GET", "/api/v1/messages", nil, basic("c", "pc")).want(t, 200)
	sess, err := (&smpp.Dialer{SystemID: "c", Password: "pc", Mode: pdu.BindTransmitter}).Dial(context.Background(), e.srv.SMPPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	sess.Close()

	// PATCH merges; the password is kept.
	r = e.do("PATCH", "/api/v1/admin/accounts/c", `{"throughput":5,"allow_ips":["127.0.0.1"]}`, asAdmin).want(t, 200)
	if r.body["throughput"].(float64) != 5 || len(r.body["addresses"].([]any)) != 1 {
		t.Fatalf("patched %s", r.raw)
	}
	e.do("GET", "/api/v1/messages", nil, basic("c", "pc")).want(t, 200)
	e.do("PATCH", "/api/v1/admin/accounts/c", `{"bogus":1}`, asAdmin).want(t, 400, "bogus")
	e.do("PATCH", "/api/v1/admin/accounts/c", `{"max_binds":-1}`, asAdmin).want(t, 400, "max_binds")
	e.do("PATCH", "/api/v1/admin/accounts/c", `{"system_id":"d"}`, asAdmin).want(t, 400, "system_id")
	e.do("PATCH", "/api/v1/admin/accounts/zz", `{}`, asAdmin).want(t, 404, "system_id")
	r = e.do("PATCH", "/api/v1/admin/accounts/c", `{"allow_ips":null,"webhook":{"url":"http://127.0.0.1:1/h","secret":"`+hookSecret+`"}}`, asAdmin).want(t, 200)
	if len(r.body["allow_ips"].([]any)) != 0 || r.body["webhook"].(map[string]any)["secret_set"] != true {
		t.Fatalf("patched %s", r.raw)
	}
	if strings.Contains(string(r.raw), hookSecret) {
		t.Fatal("webhook secret shown")
	}
	// PATCH of the webhook URL alone keeps the secret.
	e.do("PATCH", "/api/v1/admin/accounts/c", `{"webhook":{"url":"http://127.0.0.1:2/h"}}`, asAdmin).want(t, 200)
	// PUT replaces (password kept when omitted); creates when absent.
	r = e.do("PUT", "/api/v1/admin/accounts/c", AccountInput{Addresses: []string{"4479*"}}, asAdmin).want(t, 200)
	if r.body["webhook"] != nil || r.body["addresses"].([]any)[0] != "4479*" {
		t.Fatalf("put %s", r.raw)
	}
	e.do("GET", "/api/v1/messages", nil, basic("c", "pc")).want(t, 200)
	e.do("PUT", "/api/v1/admin/accounts/c", AccountInput{SystemID: "x"}, asAdmin).want(t, 400, "system_id")
	e.do("PUT", "/api/v1/admin/accounts/d", AccountInput{}, asAdmin).want(t, 400, "password")
	e.do("PUT", "/api/v1/admin/accounts/d", AccountInput{Password: "pd"}, asAdmin).want(t, 201)
	e.do("GET", "/api/v1/admin/accounts/d", nil, asAdmin).want(t, 200)
	e.do("GET", "/api/v1/admin/accounts/zz", nil, asAdmin).want(t, 404, "system_id")
	// DELETE disables.
	r = e.do("DELETE", "/api/v1/admin/accounts/c", nil, asAdmin).want(t, 200)
	if r.body["disabled"] != true {
		t.Fatalf("disabled %s", r.raw)
	}
	e.do("GET", "/api/v1/messages", nil, basic("c", "pc")).want(t, 401)
	if _, err := (&smpp.Dialer{SystemID: "c", Password: "pc", Mode: pdu.BindTransmitter}).Dial(context.Background(), e.srv.SMPPAddr().String()); err == nil {
		t.Fatal("disabled account binds")
	}
	e.do("DELETE", "/api/v1/admin/accounts/zz", nil, asAdmin).want(t, 404)
	// Re-enable.
	e.do("PATCH", "/api/v1/admin/accounts/c", `{"disabled":false}`, asAdmin).want(t, 200)
	e.do("GET", "/api/v1/messages", nil, basic("c", "pc")).want(t, 200)
}

func TestAdminSessions(t *testing.T) {
	e := newEnv(t, baseConfig())
	sess, err := (&smpp.Dialer{SystemID: "a", Password: "pa", Mode: pdu.BindTransmitter}).Dial(context.Background(), e.srv.SMPPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	r := e.do("GET", "/api/v1/admin/sessions", nil, asAdmin).want(t, 200)
	ss := r.body["sessions"].([]any)
	if len(ss) != 1 || ss[0].(map[string]any)["system_id"] != "a" || ss[0].(map[string]any)["mode"] != "tx" {
		t.Fatalf("sessions %s", r.raw)
	}
	id := ss[0].(map[string]any)["id"].(string)
	e.do("DELETE", "/api/v1/admin/sessions/nope", nil, asAdmin).want(t, 404, "id")
	e.do("DELETE", "/api/v1/admin/sessions/"+id, nil, asAdmin).want(t, 204)
	select {
	case <-sess.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("kicked session still open")
	}
	waitFor(t, 5*time.Second, "no sessions", func() bool {
		return len(e.do("GET", "/api/v1/admin/sessions", nil, asAdmin).body["sessions"].([]any)) == 0
	})
}

func TestAdminNetwork(t *testing.T) {
	e := newEnv(t, baseConfig())
	r := e.do("GET", "/api/v1/admin/network", nil, asAdmin).want(t, 200)
	if r.str("delay") != "1ms" {
		t.Fatalf("network %s", r.raw)
	}
	for body, field := range map[string]string{
		`{"delay":"soon"}`: "delay",
		`{"rules":[{"prefix":"33*","delay":"x","outcomes":[]}]}`:                        "rules[0].delay",
		`{"rules":[{"prefix":"33*","outcomes":[{"stat":"LOST","weight":1}]}]}`:          "rules[0].outcomes[0].stat",
		`{"rules":[{"prefix":"33*","outcomes":[{"stat":"DELIVRD","weight":-1}]}]}`:      "rules[0].outcomes[0].weight",
		`{"rules":[{"prefix":"3*3","outcomes":[]}]}`:                                    "rules[0].prefix",
		`{"rules":[{"prefix":"33*","outcomes":[{"stat":"DELIVRD","weight":"heavy"}]}]}`: "rules.outcomes.weight",
		`{"rules":[{"prefix":"33*","reject":0.5}]}`:                                     "reject",
	} {
		e.do("PUT", "/api/v1/admin/network", body, asAdmin).want(t, 400, field)
	}
	// 100% rejection with error 11 on 3399*, 2s latency on 3398*.
	r = e.do("PUT", "/api/v1/admin/network", Network{Delay: "5ms", Rules: []NetworkRule{
		{Prefix: "3399*", Outcomes: []Outcome{{Stat: "REJECTD", Err: 11, Weight: 1}}},
		{Prefix: "3398*", Delay: "2s", Outcomes: []Outcome{{Stat: "DELIVRD", Weight: 1}}},
	}}, asAdmin).want(t, 200)
	if len(r.body["rules"].([]any)) != 2 || r.str("delay") != "5ms" {
		t.Fatalf("network %s", r.raw)
	}
	rej := e.do("POST", "/api/v1/messages", SubmitRequest{To: "33990000001", Text: "x", DLR: true}, asA).want(t, 202).str("id")
	slow := e.do("POST", "/api/v1/messages", SubmitRequest{To: "33980000001", Text: "x"}, asA).want(t, 202).str("id")
	waitFor(t, 10*time.Second, "REJECTED", func() bool {
		return e.do("GET", "/api/v1/messages/"+rej, nil, asA).str("state") == "REJECTED"
	})
	if m := e.do("GET", "/api/v1/messages/"+rej, nil, asA); m.body["err"].(float64) != 11 {
		t.Fatalf("rejected %s", m.raw)
	}
	if st := e.do("GET", "/api/v1/messages/"+slow, nil, asA).str("state"); st != "ENROUTE" {
		t.Fatalf("slow message is %s before its delay", st)
	}
}

func TestInjectMOAndPhones(t *testing.T) {
	e := newEnv(t, baseConfig())
	got := make(chan string, 4)
	b, err := (&smpp.Dialer{SystemID: "b", Password: "pb", Mode: pdu.BindReceiver, Handler: smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		if d, ok := r.PDU.(*pdu.DeliverSM); ok {
			got <- d.SourceAddr + ":" + string(d.Message())
		}
		return nil, nil
	})}).Dial(context.Background(), e.srv.SMPPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	r := e.do("POST", "/api/v1/admin/mo", MORequest{From: "+447700900123", To: "447700900001", Text: "hi b"}, asAdmin).want(t, 202)
	if r.str("id") == "" {
		t.Fatalf("mo %s", r.raw)
	}
	select {
	case g := <-got:
		if g != "447700900123:hi b" {
			t.Fatalf("got %q", g)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("MO not delivered")
	}
	e.do("POST", "/api/v1/admin/mo", MORequest{From: "1", To: "999", Text: "x"}, asAdmin).want(t, 422, "to")
	e.do("POST", "/api/v1/admin/mo", MORequest{To: "447700900001", Text: "x"}, asAdmin).want(t, 400, "from")
	e.do("POST", "/api/v1/admin/mo", MORequest{From: "1", To: "447700900001"}, asAdmin).want(t, 400, "text")
	e.do("POST", "/api/v1/admin/mo", MORequest{From: "1", To: "447700900001", Text: "x", Coding: "klingon"}, asAdmin).want(t, 400, "coding")

	// A virtual phone's inbox.
	e.do("POST", "/api/v1/messages", SubmitRequest{From: "100", To: "33611111111", Text: "to the phone"}, asA).want(t, 202)
	waitFor(t, 5*time.Second, "the phone's inbox", func() bool {
		r = e.do("GET", "/api/v1/phones/+33611111111/messages", nil, asAdmin).want(t, 200)
		return len(r.body["messages"].([]any)) == 1
	})
	if m := r.body["messages"].([]any)[0].(map[string]any); m["text"] != "to the phone" || m["from"] != "100" || m["state"] != "DELIVERED" {
		t.Fatalf("inbox %s", r.raw)
	}
}

func TestEvents(t *testing.T) {
	e := newEnv(t, baseConfig())
	all := e.events("/api/v1/events", asAdmin)
	bs := e.events("/api/v1/events", asB)
	tok := e.do("POST", "/api/v1/tokens", nil, asA).want(t, 201).str("token")
	aq := e.events("/api/v1/events?types=submitted&access_token="+tok, noAuth)
	time.Sleep(50 * time.Millisecond) // subscribed
	ida := e.do("POST", "/api/v1/messages", SubmitRequest{To: "33600000001", Text: "from a"}, asA).want(t, 202).str("id")
	idb := e.do("POST", "/api/v1/messages", SubmitRequest{To: "33600000002", Text: "from b"}, asB).want(t, 202).str("id")
	if ev := all.next(t, "submitted", 5*time.Second); ev.ID != ida || ev.Account != "a" || ev.Text != "from a" {
		t.Fatalf("admin stream: %+v", ev)
	}
	if ev := all.next(t, "submitted", 5*time.Second); ev.ID != idb {
		t.Fatalf("admin stream: %+v", ev)
	}
	// b's stream starts with b's own message: a's is not in it.
	if ev := bs.next(t, "submitted", 5*time.Second); ev.ID != idb || ev.Account != "b" {
		t.Fatalf("b's stream: %+v", ev)
	}
	if ev := aq.next(t, "submitted", 5*time.Second); ev.ID != ida {
		t.Fatalf("a's stream: %+v", ev)
	}
	e.do("GET", "/api/v1/events?access_token=nope", nil).want(t, 401)
}

func TestStatsMetricsHealth(t *testing.T) {
	e := newEnv(t, baseConfig())
	e.do("POST", "/api/v1/messages", SubmitRequest{To: "33600000001", Text: "x"}, asA).want(t, 202)
	e.do("POST", "/api/v1/messages", SubmitRequest{To: "447700900001", Text: "waits for b"}, asA).want(t, 202)
	e.do("GET", "/api/v1/messages", nil, basic("a", "wrong")).want(t, 401)
	r := e.do("GET", "/api/v1/stats", nil, asAdmin).want(t, 200)
	if r.body["submitted"].(float64) != 2 || r.body["queues"].(map[string]any)["b"].(float64) != 1 {
		t.Fatalf("stats %s", r.raw)
	}
	r = e.do("GET", "/api/v1/stats", nil, asB).want(t, 200)
	if q := r.body["queues"].(map[string]any); len(q) != 1 || q["b"].(float64) != 1 || r.body["submitted"] != nil {
		t.Fatalf("b's stats %s", r.raw)
	}
	sess, err := (&smpp.Dialer{SystemID: "a", Password: "pa", Mode: pdu.BindTransmitter}).Dial(context.Background(), e.srv.SMPPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	(&smpp.Dialer{SystemID: "a", Password: "bad", Mode: pdu.BindTransmitter}).Dial(context.Background(), e.srv.SMPPAddr().String())

	res, err := http.Get(e.api.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		"smsc_binds_total 1", "smsc_bind_failures_total 1", "smsc_messages_submitted_total 2",
		`smsc_sessions{mode="tx"} 1`, `smsc_queue_depth{target="b"} 1`, `smsc_queue_depth{target="network"}`,
		`smsc_http_requests_total{code="202",route="POST /api/v1/messages"} 2`,
		`smsc_http_auth_failures_total{scheme="basic"} 1`, "smsc_http_submit_duration_seconds_count 2",
		"smsc_webhook_failures_total 0", "smsc_delivery_retries_total", "smsc_messages_expired_total",
		"go_goroutines", "smsc_scrape_errors 0",
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if t.Failed() {
		t.Logf("%s", text)
	}
	e.do("GET", "/healthz", nil).want(t, 200)
	if r := e.do("GET", "/readyz", nil).want(t, 200); r.str("status") != "ready" {
		t.Fatalf("readyz %s", r.raw)
	}
}

func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t, baseConfig())
	r := e.do("GET", "/api/v1/openapi.json", nil).want(t, 200)
	if !strings.HasPrefix(r.str("openapi"), "3.") {
		t.Fatalf("openapi %q", r.str("openapi"))
	}
	var doc map[string]any
	if err := json.Unmarshal(r.raw, &doc); err != nil {
		t.Fatal(err)
	}
}
