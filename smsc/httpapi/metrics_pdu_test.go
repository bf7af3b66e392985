package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/httpapi"
	"github.com/smppstack/smpp/smsc/smsctest"
)

// /metrics counts SMPP PDUs by direction, command and status, and has the
// SMPP submit latency histogram.
func TestMetricsSMPPCounters(t *testing.T) {
	srv := smsctest.NewServer(t, smsctest.Account("m", "pw"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := srv.Dialer("m", "pw", pdu.BindTransmitter, nil).Dial(ctx, srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for range 3 {
		if _, err := s.Submit(ctx, &pdu.SubmitSM{DestinationAddr: "33600000001", ShortMessage: []byte("m")}); err != nil {
			t.Fatal(err)
		}
	}
	s.Submit(ctx, &pdu.SubmitSM{}) // no destination: ESME_RINVDSTADR
	hs := httptest.NewServer(httpapi.New(srv.Server, httpapi.Options{AdminToken: strings.Repeat("a", 32)}))
	defer hs.Close()
	resp, err := http.Get(hs.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`smsc_pdus_total{command="submit_sm",direction="in",status="ESME_ROK"} 4`,
		`smsc_pdus_total{command="submit_sm_resp",direction="out",status="ESME_ROK"} 3`,
		`smsc_pdus_total{command="submit_sm_resp",direction="out",status="ESME_RINVDSTADR"} 1`,
		`smsc_pdus_total{command="bind_transmitter",direction="in",status="ESME_ROK"} 1`,
		`smsc_smpp_submit_seconds_count 4`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
