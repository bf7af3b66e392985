package conform_test

import (
	"context"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/conform"
	"github.com/smppstack/smpp/pdu"
)

// inbox records what an ESME application built on the library received.
type inbox struct {
	mu       sync.Mutex
	texts    []string
	receipts []string
}

func (in *inbox) handler() smpp.Handler {
	ra := &smpp.Reassembly{}
	h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		in.mu.Lock()
		defer in.mu.Unlock()
		if rc, ok := r.Receipt(); ok {
			in.receipts = append(in.receipts, rc.ID+" "+rc.Stat)
			return nil, nil
		}
		text, err := r.Text()
		if err != nil {
			return nil, pdu.StatusRxRAppn
		}
		in.texts = append(in.texts, text)
		return nil, nil
	})
	return smpp.Chain(h, ra.Middleware())
}

func (in *inbox) has(text string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, t := range in.texts {
		if t == text {
			return true
		}
	}
	return false
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestESMELibrary runs the ESME checks against an application built on the
// library: a smpp.Client bound as transceiver that submits steadily, and an
// smpp.OutbindListener. Every check passes and the application received
// what conform delivered, the long MO reassembled.
func TestESMELibrary(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ln := listen(t)
	in := &inbox{}
	client := &smpp.Client{
		Addr:       ln.Addr().String(),
		Dialer:     smpp.Dialer{SystemID: "esme", Password: "pw", Mode: pdu.BindTransceiver, Handler: in.handler()},
		MinBackoff: 50 * time.Millisecond,
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); client.Run(ctx) }()
	go func() { // the application's traffic: a message every 20ms
		defer wg.Done()
		for ctx.Err() == nil {
			client.Submit(ctx, &pdu.SubmitSM{SourceAddr: "esme", SourceAddrTON: pdu.TONAlphanumeric,
				DestAddrTON: 1, DestAddrNPI: 1, DestinationAddr: "15550100009", ShortMessage: []byte("hello")})
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	oln := listen(t)
	outIn := &inbox{}
	ol := &smpp.OutbindListener{
		Dialer:    &smpp.Dialer{SystemID: "esme", Password: "pw", Handler: outIn.handler()},
		OnSession: func(s *smpp.Session) { <-s.Done() },
	}
	wg.Add(1)
	go func() { defer wg.Done(); ol.Serve(ctx, oln) }()

	rep := conform.RunESME(ctx, conform.ESMETarget{
		Listener: ln, OutbindAddr: oln.Addr().String(),
		BindWait: 10 * time.Second, Timeout: 3 * time.Second, Throttle: 2 * time.Second,
	})
	var out strings.Builder
	rep.WriteText(&out)
	t.Log("\n" + out.String())
	for _, r := range rep.Results {
		if r.Outcome != conform.Pass {
			t.Errorf("%s: %s -> %s; want %s", r.ID, r.Sent, r.Received, r.Want)
		}
	}
	if len(rep.Results) != len(conform.ESMEChecks()) {
		t.Errorf("%d results for %d checks", len(rep.Results), len(conform.ESMEChecks()))
	}
	// What the application saw.
	for _, want := range []string{"conform MO GSM @£$¥èé {[~]} €", "conform MO UCS2 Grüße Привет ☺", conform.ConcatText} {
		if !in.has(want) {
			t.Errorf("the ESME application did not receive %q; got %q", want, in.texts)
		}
	}
	in.mu.Lock()
	if len(in.receipts) != 1 || !strings.HasSuffix(in.receipts[0], " DELIVRD") {
		t.Errorf("receipts %q", in.receipts)
	}
	in.mu.Unlock()
	cancel()
	oln.Close()
	wg.Wait()
}

// TestESMEHammering: an ESME that resubmits at once when throttled fails
// esme.throttle.
func TestESMEHammering(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ln := listen(t)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		d := &smpp.Dialer{SystemID: "hammer", Mode: pdu.BindTransmitter}
		s, err := d.Dial(ctx, ln.Addr().String())
		if err != nil {
			t.Error(err)
			return
		}
		defer s.Close()
		for ctx.Err() == nil && s.State().Bound() {
			s.Submit(ctx, &pdu.SubmitSM{SourceAddr: "x", DestinationAddr: "1", ShortMessage: []byte("again")})
		}
	}()
	rep := conform.RunESME(ctx, conform.ESMETarget{Listener: ln, BindWait: 5 * time.Second, Timeout: 2 * time.Second,
		Throttle: time.Second, Run: regexp.MustCompile(`^esme\.throttle$`)})
	if len(rep.Results) != 1 {
		t.Fatalf("results: %+v", rep.Results)
	}
	r := rep.Results[0]
	if r.ID != "esme.throttle" || r.Outcome != conform.Fail {
		t.Errorf("%s %s: %s -> %s", r.Outcome, r.ID, r.Sent, r.Received)
	}
	t.Logf("%s %s -> %s", r.Outcome, r.Sent, r.Received)
	cancel()
	wg.Wait()
}

// TestESMENoBind: without an ESME, esme.bind fails after the bind wait and
// the checks that need a session are skipped; the outbind check fails
// against a closed port.
func TestESMENoBind(t *testing.T) {
	ln := listen(t)
	closed := listen(t)
	addr := closed.Addr().String()
	closed.Close()
	start := time.Now()
	rep := conform.RunESME(context.Background(), conform.ESMETarget{Listener: ln, OutbindAddr: addr,
		BindWait: 300 * time.Millisecond, Timeout: 300 * time.Millisecond})
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	for _, r := range rep.Results {
		want := conform.Skip
		if r.ID == "esme.bind" || r.ID == "esme.outbind" {
			want = conform.Fail
		}
		if r.Outcome != want {
			t.Errorf("%s: %s (%s), want %s", r.ID, r.Outcome, r.Received, want)
		}
	}
	if rep.OK() || rep.Failed != 2 {
		t.Errorf("summary %s", rep.Summary())
	}
}

// TestESMETwoBinds: an ESME that binds a transmitter and a receiver on
// separate connections (the v3.3 way) is driven on both: deliveries go to
// the receiver, throttling is observed on the transmitter.
func TestESMETwoBinds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ln := listen(t)
	in := &inbox{}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	rx := &smpp.Client{Addr: ln.Addr().String(), Dialer: smpp.Dialer{SystemID: "two", Mode: pdu.BindReceiver, Handler: in.handler()}}
	tx := &smpp.Client{Addr: ln.Addr().String(), Dialer: smpp.Dialer{SystemID: "two", Mode: pdu.BindTransmitter}}
	wg.Add(3)
	go func() { defer wg.Done(); rx.Run(ctx) }()
	go func() { defer wg.Done(); tx.Run(ctx) }()
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			tx.Submit(ctx, &pdu.SubmitSM{SourceAddr: "two", DestinationAddr: "15550100009", ShortMessage: []byte("hi")})
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	rep := conform.RunESME(ctx, conform.ESMETarget{Listener: ln, BindWait: 10 * time.Second, Timeout: 3 * time.Second, Throttle: time.Second})
	for _, r := range rep.Results {
		want := conform.Pass
		if r.ID == "esme.outbind" {
			want = conform.Skip
		}
		if r.Outcome != want {
			t.Errorf("%s: %s -> %s", r.ID, r.Outcome, r.Received)
		}
	}
	if r, _ := rep.Result("esme.bind"); !strings.Contains(r.Received, "bind_transmitter") || !strings.Contains(r.Received, "bind_receiver") {
		t.Errorf("esme.bind: %s", r.Received)
	}
	if !in.has(conform.ConcatText) {
		t.Errorf("the receiver did not get the long MO: %q", in.texts)
	}
}
