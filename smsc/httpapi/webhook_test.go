package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smppstack/smpp/smsc"
)

// TestWebhookThroughAPI: an account created with a webhook over the admin
// API gets an injected MO POSTed, signed, retried until the receiver answers
// 2xx; every attempt is listed for that account only.
func TestWebhookThroughAPI(t *testing.T) {
	var mu sync.Mutex
	var bodies []smsc.WebhookMO
	calls := 0
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := smsc.VerifyWebhook(hookSecret, r.Header.Get("X-SMSC-Signature"), body, time.Minute, time.Now()); err != nil {
			t.Errorf("signature: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var mo smsc.WebhookMO
		json.Unmarshal(body, &mo)
		bodies = append(bodies, mo)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()
	e := newEnv(t, baseConfig())
	e.do("POST", "/api/v1/admin/accounts", AccountInput{
		SystemID: "hook", Password: "ph", Addresses: []string{"5555*"},
		Webhook: &WebhookInput{URL: rcv.URL, Secret: hookSecret},
	}, asAdmin).want(t, 201)
	id := e.do("POST", "/api/v1/admin/mo", MORequest{From: "447700900123", To: "5555001", Text: "héllo hook"}, asAdmin).want(t, 202).str("id")
	waitFor(t, 10*time.Second, "the webhook delivery", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(bodies) == 1
	})
	if mo := bodies[0]; mo.ID != id || mo.Text != "héllo hook" || mo.From != "447700900123" || mo.To != "5555001" {
		t.Fatalf("payload %+v", mo)
	}
	var r resp
	waitFor(t, 5*time.Second, "three attempts listed", func() bool {
		r = e.do("GET", "/api/v1/webhooks/attempts?id="+id, nil, basic("hook", "ph")).want(t, 200)
		return len(r.body["attempts"].([]any)) == 3
	})
	atts := r.body["attempts"].([]any)
	first, last := atts[0].(map[string]any), atts[2].(map[string]any)
	if first["ok"] != false || first["status"].(float64) != 503 || first["next_retry"] == nil || last["ok"] != true || last["attempt"].(float64) != 3 || last["event"] != "mo" {
		t.Fatalf("attempts %s", r.raw)
	}
	// Paging and isolation.
	r = e.do("GET", "/api/v1/webhooks/attempts?limit=2", nil, basic("hook", "ph")).want(t, 200)
	if len(r.body["attempts"].([]any)) != 2 || r.str("next") == "" {
		t.Fatalf("page %s", r.raw)
	}
	r = e.do("GET", "/api/v1/webhooks/attempts?cursor="+r.str("next"), nil, basic("hook", "ph")).want(t, 200)
	if len(r.body["attempts"].([]any)) != 1 {
		t.Fatalf("page 2 %s", r.raw)
	}
	if r = e.do("GET", "/api/v1/webhooks/attempts", nil, asA).want(t, 200); len(r.body["attempts"].([]any)) != 0 {
		t.Fatalf("a sees %s", r.raw)
	}
	if r = e.do("GET", "/api/v1/webhooks/attempts?account=hook", nil, asAdmin).want(t, 200); len(r.body["attempts"].([]any)) != 3 {
		t.Fatalf("admin sees %s", r.raw)
	}
	// The account view shows the webhook without its secret.
	r = e.do("GET", "/api/v1/admin/accounts/hook", nil, asAdmin).want(t, 200)
	if wh := r.body["webhook"].(map[string]any); wh["url"] != rcv.URL || wh["secret_set"] != true || len(wh["events"].([]any)) != 2 {
		t.Fatalf("account %s", r.raw)
	}
	// Metrics count the failures.
	res, _ := http.Get(e.api.URL + "/metrics")
	text, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !contains(string(text), "smsc_webhook_failures_total 2", "smsc_webhook_delivered_total 1") {
		t.Fatalf("metrics:\n%s", text)
	}
}

func contains(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
