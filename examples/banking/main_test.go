package main

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smppstack/smpp/internal/testout"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/smsctest"
)

func TestBankingIdempotent(t *testing.T) {
	srv := smsctest.NewServer(t, smsctest.Account("bank", "bank1", "4000"))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	// Between the program and the SMSC, a link that loses the first
	// submit_sm_resp: the SMSC accepted the code SMS, the program never
	// learns it.
	proxy := lossyProxy(t, srv.Addr, 1)

	ledger := filepath.Join(t.TempDir(), "ledger.txt")
	requests, feed := io.Pipe()
	defer feed.Close()
	out := &testout.Buffer{}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- run(runCtx, config{
			Addr: proxy, SystemID: "bank", Password: "bank1", ShortCode: "4000",
			Requests: requests, Ledger: ledger, CodeTTL: time.Minute, MaxAttempts: 3,
			SubmitTimeout: 300 * time.Millisecond, Resends: 2,
			MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second,
		}, out)
	}()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		t.Logf("output:\n%s", out)
	}()
	const phone = "447700900001"
	request := func(line string) {
		t.Helper()
		if _, err := io.WriteString(feed, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	inbox := func(n int) []string {
		t.Helper()
		msgs, err := srv.WaitPhone(ctx, phone, n)
		if err != nil {
			t.Fatalf("phone got %d messages, want %d: %v\noutput:\n%s", len(msgs), n, err, out)
		}
		var texts []string
		for _, m := range msgs {
			texts = append(texts, m.Text)
		}
		return texts
	}

	// The code SMS is submitted, its response lost, and resent: the handset
	// gets it twice, with the same code; there is one transaction.
	request("T1001 +447700900001 250.00 EUR ACME Energy")
	out.WaitFor(t, ctx, "T1001: code sent to "+phone)
	texts := inbox(2)
	if texts[0] != texts[1] {
		t.Fatalf("the two code SMS differ:\n%q\n%q", texts[0], texts[1])
	}
	code := regexp.MustCompile(`^Code (\d{6}) confirms 250.00 EUR to ACME Energy \(ref T1001\)`).FindStringSubmatch(texts[0])
	if code == nil {
		t.Fatalf("code SMS %q", texts[0])
	}
	if !strings.Contains(out.String(), "T1001: no submit_sm_resp within 300ms: resending the same code") {
		t.Errorf("lost response not reported:\n%s", out)
	}

	// The upstream system retries its request: same transaction, no new code.
	request("T1001 +447700900001 250.00 EUR ACME Energy")
	out.WaitFor(t, ctx, "T1001: duplicate request, transaction already pending: nothing sent")

	// The customer confirms; the confirmation then arrives a second time.
	if _, err := srv.SendMO(ctx, phone, "4000", "yes "+code[1]); err != nil {
		t.Fatal(err)
	}
	out.WaitFor(t, ctx, "T1001: CONFIRMED by "+phone)
	if got := inbox(3)[2]; got != "Payment T1001 of 250.00 EUR to ACME Energy confirmed." {
		t.Fatalf("reply %q", got)
	}
	if _, err := srv.SendMO(ctx, phone, "4000", "YES "+code[1]); err != nil {
		t.Fatal(err)
	}
	out.WaitFor(t, ctx, "T1001: duplicate confirmation from "+phone+": already executed, nothing done")
	if got := inbox(4)[3]; got != "Payment T1001 was already confirmed." {
		t.Fatalf("reply %q", got)
	}

	// A second payment: a wrong code, then declined.
	request("T1002 447700900001 80.00 GBP Northern Water")
	out.WaitFor(t, ctx, "T1002: code sent to "+phone)
	texts = inbox(5)
	code2 := regexp.MustCompile(`^Code (\d{6}) confirms 80.00 GBP`).FindStringSubmatch(texts[4])
	if code2 == nil {
		t.Fatalf("code SMS %q", texts[4])
	}
	wrong := "000000"
	if code2[1] == wrong {
		wrong = "111111"
	}
	srv.SendMO(ctx, phone, "4000", "YES "+wrong)
	if got := inbox(6)[5]; got != "Wrong code. 2 attempt(s) left." {
		t.Fatalf("reply %q", got)
	}
	srv.SendMO(ctx, phone, "4000", "NO "+code2[1])
	if got := inbox(7)[6]; got != "Payment T1002 cancelled." {
		t.Fatalf("reply %q", got)
	}

	// One transaction T1001, executed once; T1002 never.
	if n := strings.Count(out.String(), "T1001: created"); n != 1 {
		t.Errorf("T1001 created %d times", n)
	}
	b, err := os.ReadFile(ledger)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1 || !strings.HasSuffix(lines[0], " T1001 447700900001 250.00 EUR ACME Energy") {
		t.Fatalf("ledger:\n%s", b)
	}
}

// lossyProxy relays SMPP between the program and the SMSC at target and
// drops the first drop submit_sm_resp PDUs coming from the SMSC.
func lossyProxy(t *testing.T, target string, drop int32) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var dropped atomic.Int32
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			down, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				down.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, down, up)
			mu.Unlock()
			go func() {
				io.Copy(up, down)
				up.Close()
			}()
			go func() {
				defer down.Close()
				r := pdu.NewReader(up, 0)
				for {
					frame, err := r.ReadFrame()
					if err != nil {
						return
					}
					h, err := pdu.DecodeHeader(frame)
					if err == nil && h.ID == pdu.CmdSubmitSMResp && dropped.Add(1) <= drop {
						continue // lost on the way
					}
					if _, err := down.Write(frame); err != nil {
						return
					}
				}
			}()
		}
	}()
	return l.Addr().String()
}
