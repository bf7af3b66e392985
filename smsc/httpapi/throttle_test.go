package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/httpapi"
	"github.com/smppstack/smpp/smsc/smsctest"
)

// The account's throughput limit applies to HTTP submissions too: beyond it
// the API answers 429.
func TestSubmitThrottled(t *testing.T) {
	srv := smsctest.NewServer(t, smsctest.AccountConfig(smsc.Account{SystemID: "slow", Password: "pw", Throughput: 1}))
	hs := httptest.NewServer(httpapi.New(srv.Server, httpapi.Options{}))
	defer hs.Close()
	codes := map[int]int{}
	for range 5 {
		req, _ := http.NewRequest("POST", hs.URL+"/api/v1/messages", strings.NewReader(`{"to":"33600000001","text":"hi"}`))
		req.SetBasicAuth("slow", "pw")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes[resp.StatusCode]++
	}
	if codes[http.StatusAccepted] < 1 || codes[http.StatusTooManyRequests] < 1 || codes[http.StatusAccepted]+codes[http.StatusTooManyRequests] != 5 {
		t.Fatalf("status codes %v, want some 202 then 429", codes)
	}
}
