package main

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/internal/testout"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/smsctest"
	"github.com/smppstack/smpp/smsc/store"
)

func TestQueryService(t *testing.T) {
	// smsctest.NewServer picks a fresh port and data directory and offers
	// no restart, so this test runs the SMSC itself: same directory, same
	// port, a new process-like instance (see startSMSC).
	dir := t.TempDir()
	cfg := smsc.Config{
		SMPPAddr: "127.0.0.1:0",
		Node:     "query-test",
		Network:  smsc.NetworkConfig{Delay: smsc.Duration(20 * time.Millisecond)},
		Accounts: []smsc.Account{{SystemID: "query", Password: "query1", Addresses: []string{"5555"}}},
	}
	srv := startSMSC(t, cfg, dir)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	out := &testout.Buffer{}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- run(runCtx, config{
			Addr: srv.Addr, SystemID: "query", Password: "query1", ShortCode: "5555",
			ReplyTimeout: 5 * time.Second, MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond,
		}, out)
	}()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		t.Logf("output:\n%s", out)
	}()

	expectAnswer := func(srv *testSMSC, phone, want string) {
		t.Helper()
		got, err := srv.WaitPhone(ctx, phone, 1)
		if err != nil {
			t.Fatalf("%s got no answer: %v\noutput:\n%s", phone, err, out)
		}
		if got[0].Text != want || got[0].From != "5555" {
			t.Fatalf("%s got %q from %s, want %q from 5555", phone, got[0].Text, got[0].From, want)
		}
	}

	// A one-SMS query (sent before the service has bound: the SMSC keeps it).
	if _, err := srv.SendMO(ctx, "447700900001", "5555", "rate eur"); err != nil {
		t.Fatal(err)
	}
	expectAnswer(srv, "447700900001", "1 EUR = 1.0842 USD")

	// A long query in one deliver_sm, carried by message_payload.
	long := "FIND " + strings.Repeat("somewhere quiet near the station, open late, ", 6) + "sushi"
	if _, err := srv.SendMO(ctx, "447700900002", "5555", long); err != nil {
		t.Fatal(err)
	}
	expectAnswer(srv, "447700900002", "sushi: Kaito, 3 Dock Rd, 020 7946 0102")

	// A long query split by the handset into UDH segments, delivered last
	// segment first: only the reassembled text names the food.
	split := "FIND " + strings.Repeat("a table for six tonight, parking nearby, not too loud, ", 6) + "curry"
	segs, err := coding.Split(split, coding.GSM7{}, coding.ConcatUDH8, 42)
	if err != nil || len(segs) < 3 {
		t.Fatalf("split: %d segments, %v", len(segs), err)
	}
	for i := len(segs) - 1; i >= 0; i-- {
		if _, err := srv.InjectMO(ctx, "447700900003", "5555", segs[i].DataCoding, segs[i].Data, pdu.ESMUDHI); err != nil {
			t.Fatal(err)
		}
	}
	expectAnswer(srv, "447700900003", "curry: Spice Route, 88 Brick Ln, 020 7946 0103")
	if !strings.Contains(out.String(), "query from 447700900003 ("+strconv.Itoa(len(segs))+" segments)") {
		t.Errorf("reassembly not reported:\n%s", out)
	}

	// The SMSC restarts (same data, same port): the service reconnects and
	// answers the next query.
	srv.stop()
	out.WaitFor(t, ctx, "reconnecting")
	cfg.SMPPAddr = srv.Addr
	srv2 := startSMSC(t, cfg, dir)
	if _, err := srv2.SendMO(ctx, "447700900004", "5555", "RATE GBP CHF"); err != nil {
		t.Fatal(err)
	}
	expectAnswer(srv2, "447700900004", "1 GBP = 1.2710 USD; 1 CHF = 1.1275 USD")
	if n := strings.Count(out.String(), "bound to "); n != 2 {
		t.Errorf("bound %d times, want 2 (before and after the restart)", n)
	}
}

func TestAnswer(t *testing.T) {
	for q, want := range map[string]string{
		"RATE EUR":              "1 EUR = 1.0842 USD",
		"rate xyz":              "Unknown currency. Known: AUD CAD CHF EUR GBP JPY",
		"find pizza or vegan.":  "vegan: Green Fork, 5 Mill Yard, 020 7946 0104",
		"FIND nothing":          "Nothing found. Try FIND CURRY, PIZZA, SUSHI, VEGAN",
		"":                      help,
		"what can I ask about?": help,
	} {
		if got := Answer(q); got != want {
			t.Errorf("Answer(%q) = %q, want %q", q, got, want)
		}
	}
}

// testSMSC is an SMSC the test can stop and start again on the same data
// directory and port.
type testSMSC struct {
	*smsctest.Server // for WaitPhone, SendMO
	once             sync.Once
}

func (s *testSMSC) stop() {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
}

func startSMSC(t *testing.T, cfg smsc.Config, dir string) *testSMSC {
	t.Helper()
	srv, err := smsc.New(cfg, smsc.WithStoreOptions(store.Options{Dir: dir}), smsc.WithBcryptCost(4))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// smsctest.Server's helpers only need the embedded *smsc.Server.
	s := &testSMSC{Server: &smsctest.Server{Server: srv, Addr: srv.SMPPAddr().String()}}
	t.Cleanup(s.stop)
	return s
}
