package main

import (
	"context"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/smsctest"
)

// account is the alerting application's account, with an optional
// throughput limit (ESME_RTHROTTLED beyond it).
func account(throughput float64) smsctest.Option {
	return smsctest.Configure(func(c *smsc.Config) {
		c.Accounts = append(c.Accounts, smsc.Account{SystemID: "alerts", Password: "alerts1", Throughput: throughput})
	})
}

func testConfig(srv *smsctest.Server, to, text string) config {
	return config{
		Addr: srv.Addr, SystemID: "alerts", Password: "alerts1",
		From: "HOMEWATCH", To: to, Text: text, Priority: 1,
		Wait: 10 * time.Second, ThrottleDelay: 50 * time.Millisecond,
		MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second,
	}
}

func TestAlertDeliveredWithPriority(t *testing.T) {
	srv := smsctest.NewServer(t, account(0))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var out strings.Builder
	if err := run(ctx, testConfig(srv, "447700900001", "Your child arrived home at 16:05"), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	t.Logf("output:\n%s", &out)
	if !strings.Contains(out.String(), "segment 1/1 id ") || !strings.Contains(out.String(), ": DELIVRD err 000") ||
		!strings.HasSuffix(out.String(), "alert delivered\n") {
		t.Fatalf("unexpected output:\n%s", &out)
	}
	got := srv.Phone("447700900001")
	if len(got) != 1 || got[0].Text != "Your child arrived home at 16:05" || got[0].From != "HOMEWATCH" {
		t.Fatalf("phone got %+v", got)
	}
	// The SMSC stored the submit_sm as sent: check priority and receipt request.
	d, err := srv.MessageDetail(ctx, "alerts", got[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	sm := decodeSubmit(t, d.PDU)
	if sm.PriorityFlag != 1 || sm.RegisteredDelivery != pdu.RegReceiptFinal {
		t.Fatalf("priority_flag %d registered_delivery %d, want 1 and 1", sm.PriorityFlag, sm.RegisteredDelivery)
	}
}

// A long Unicode alert is split in UCS2 segments; the account allows 5
// submissions a second, so the SMSC throttles the segments sent together and
// the managed client backs off and resends them. Every segment is tracked to
// its own DELIVRD receipt.
func TestAlertLongUnicodeThrottled(t *testing.T) {
	srv := smsctest.NewServer(t, account(5))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	text := strings.Repeat("Тревога: датчик движения в гостиной сработал в 03:12. ", 4) + "🚨"
	var out strings.Builder
	if err := run(ctx, testConfig(srv, "447700900002", text), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, &out)
	}
	t.Logf("output:\n%s", &out)
	s := out.String()
	if !strings.Contains(s, "throttled ") {
		t.Errorf("no throttling reported:\n%s", s)
	}
	n := strings.Count(s, ": DELIVRD err 000")
	if n < 3 || !strings.Contains(s, "submitted "+itoa(n)+" segment(s)") || !strings.HasSuffix(s, "alert delivered\n") {
		t.Fatalf("want every segment (>= 3) DELIVRD:\n%s", s)
	}
	got := srv.Phone("447700900002")
	if len(got) != n {
		t.Fatalf("phone got %d segments, want %d", len(got), n)
	}
	var joined strings.Builder
	for i := 1; i <= n; i++ {
		for _, m := range got {
			if m.Part == itoa(i)+"/"+itoa(n) {
				joined.WriteString(m.Text)
			}
		}
	}
	if joined.String() != text {
		t.Fatalf("handset text %q, want %q", joined.String(), text)
	}
}

// A network rule makes every number under 4479 fail: each segment's receipt
// says UNDELIV and the program reports the alert as not delivered.
func TestAlertUndeliverable(t *testing.T) {
	srv := smsctest.NewServer(t, account(0), smsctest.Configure(func(c *smsc.Config) {
		c.Network.Rules = []smsc.NetworkRule{{Prefix: "4479*", Outcomes: []smsc.Outcome{{Stat: "UNDELIV", Err: 1, Weight: 1}}}}
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	text := "ALARM — back door opened at 02:47 while the system was armed. Reply CALL to be called by the monitoring centre."
	var out strings.Builder
	err := run(ctx, testConfig(srv, "447900900003", text), &out)
	t.Logf("output:\n%s", &out)
	if !errors.Is(err, errNotDelivered) {
		t.Fatalf("run: %v, want errNotDelivered", err)
	}
	s := out.String()
	n := strings.Count(s, ": UNDELIV err 001")
	if n < 2 || !strings.Contains(s, "submitted "+itoa(n)+" segment(s)") || !strings.HasSuffix(s, "alert NOT delivered: UNDELIV\n") {
		t.Fatalf("want every segment (>= 2) UNDELIV:\n%s", s)
	}
}

func decodeSubmit(t *testing.T, hexPDU string) *pdu.SubmitSM {
	t.Helper()
	frame, err := hex.DecodeString(hexPDU)
	if err != nil {
		t.Fatal(err)
	}
	_, p, err := pdu.Decoder{}.Decode(frame)
	if err != nil {
		t.Fatal(err)
	}
	sm, ok := p.(*pdu.SubmitSM)
	if !ok {
		t.Fatalf("stored %T, want *pdu.SubmitSM", p)
	}
	return sm
}

func itoa(n int) string { return strconv.Itoa(n) }
