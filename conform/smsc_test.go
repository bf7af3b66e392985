package conform_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/smppstack/smpp/conform"
	"github.com/smppstack/smpp/smpptest"
	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/smsctest"
)

// TestSMSCD runs the whole suite against smscd (the smsc package, in
// process): with receipts and a distribution list, every check passes.
func TestSMSCD(t *testing.T) {
	srv := smsctest.NewServer(t, smsctest.Account("test", "secret"), smsctest.Configure(func(c *smsc.Config) {
		c.DistributionLists = []smsc.DistributionList{{Name: "friends", Members: []string{"15550100003", "15550100004"}}}
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var progress []string
	rep := conform.Run(ctx, conform.Target{Addr: srv.Addr, SystemID: "test", Password: "secret", DLR: true, DL: "friends",
		ReceiptTimeout: 10 * time.Second, OnResult: func(r conform.Result) { progress = append(progress, r.ID) }})
	var out strings.Builder
	rep.WriteText(&out)
	t.Log("\n" + out.String())
	if len(rep.Results) != len(conform.Checks()) || len(progress) != len(rep.Results) {
		t.Errorf("%d results, %d reported, for %d checks", len(rep.Results), len(progress), len(conform.Checks()))
	}
	for _, r := range rep.Results {
		if r.Outcome != conform.Pass {
			t.Errorf("%s %s: %s -> %s; want %s", r.Outcome, r.ID, r.Sent, r.Received, r.Want)
		}
	}
	if !rep.OK() || rep.Passed != len(conform.Checks()) {
		t.Error(rep.Summary())
	}
}

// TestSMSCDNoCapabilities: without --dlr and --dl the checks that need them
// are skipped, not failed, and nothing else changes.
func TestSMSCDNoCapabilities(t *testing.T) {
	srv := smsctest.NewServer(t)
	rep := conform.Run(context.Background(), conform.Target{Addr: srv.Addr, SystemID: "test", Password: "secret",
		Run: regexp.MustCompile(`^(coding\.|multi\.|receipt\.)`)})
	want := map[string]conform.Outcome{
		"coding.gsm7": conform.Pass, "coding.ucs2": conform.Pass, "coding.binary": conform.Pass,
		"multi.unknown-dl": conform.Pass, "multi.dl": conform.Skip, "receipt.final": conform.Skip,
	}
	if len(rep.Results) != len(want) {
		t.Fatalf("%d results", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Outcome != want[r.ID] {
			t.Errorf("%s: %s -> %s, want %s", r.ID, r.Outcome, r.Received, want[r.ID])
		}
	}
}

// TestTLS runs the bind and submit checks over TLS against the library's
// server (smpptest, with an in-memory certificate).
func TestTLS(t *testing.T) {
	srv := smpptest.NewUnstartedServer(nil)
	srv.StartTLS()
	defer srv.Close()
	rep := conform.Run(context.Background(), conform.Target{Addr: srv.Addr, SystemID: "tls", TLSConfig: srv.TLSConfig(),
		Run: regexp.MustCompile(`^(bind\.transceiver|submit\.basic|link\.enquire-link|unbind)$`)})
	if len(rep.Results) != 4 {
		t.Fatalf("%d results", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Outcome != conform.Pass {
			t.Errorf("%s: %s -> %s", r.ID, r.Outcome, r.Received)
		}
	}
}
