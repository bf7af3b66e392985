package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/smppstack/smpp/internal/testout"
	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/smsctest"
)

// 20 messages wait for the account while nothing is bound; the program only
// listens; the SMSC outbinds to it, it binds as a receiver and gets all 20.
func TestOutbindDrainsQueue(t *testing.T) {
	listen := freeAddr(t)
	srv := smsctest.NewServer(t, smsctest.Configure(func(c *smsc.Config) {
		c.Accounts = append(c.Accounts, smsc.Account{
			SystemID: "fleet", Password: "fleet1", Addresses: []string{"7000"},
			Outbind: &smsc.OutbindTarget{Addr: listen, Password: "ob1"},
		})
		c.OutbindInterval = smsc.Duration(100 * time.Millisecond)
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	want := map[string]bool{}
	for i := 1; i <= 20; i++ {
		text := fmt.Sprintf("Depot 3: parcel %d ready", i)
		want[text] = true
		if _, err := srv.SendMO(ctx, fmt.Sprintf("4477009000%02d", i), "7000", text); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := srv.QueueDepth(ctx, "fleet"); err != nil || n != 20 {
		t.Fatalf("queue depth %d, %v; want 20 waiting", n, err)
	}

	out := &testout.Buffer{}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- run(runCtx, config{Listen: listen, SystemID: "fleet", Password: "fleet1", OutbindSystemID: "smscd", OutbindPassword: "ob1"}, out)
	}()
	out.WaitFor(t, ctx, "[20] ")
	stop()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Logf("output:\n%s", out)

	s := out.String()
	if !strings.Contains(s, "outbind from smscd (") || !strings.HasSuffix(s, "stopped: 20 message(s) received\n") {
		t.Fatalf("output:\n%s", s)
	}
	for text := range want {
		if strings.Count(s, "-> 7000: "+text+"\n") != 1 {
			t.Errorf("%q not received exactly once", text)
		}
	}
	// Each message leaves the queue once the SMSC has recorded its
	// deliver_sm_resp, just after the program saw it.
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		n, err := srv.QueueDepth(ctx, "fleet")
		if err == nil && n == 0 {
			break
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("queue depth %d, %v; want 0", n, err)
		}
	}
}

// An outbind with the wrong password is refused: the connection is closed
// without binding.
func TestOutbindWrongPassword(t *testing.T) {
	listen := freeAddr(t)
	srv := smsctest.NewServer(t, smsctest.Configure(func(c *smsc.Config) {
		c.Accounts = append(c.Accounts, smsc.Account{
			SystemID: "fleet", Password: "fleet1", Addresses: []string{"7000"},
			Outbind: &smsc.OutbindTarget{Addr: listen, Password: "guess"},
		})
		c.OutbindInterval = smsc.Duration(50 * time.Millisecond)
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := srv.SendMO(ctx, "447700900001", "7000", "hello"); err != nil {
		t.Fatal(err)
	}
	out := &testout.Buffer{}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- run(runCtx, config{Listen: listen, SystemID: "fleet", Password: "fleet1", OutbindPassword: "ob1"}, out)
	}()
	out.WaitFor(t, ctx, "outbind not accepted: smpp: outbind refused: wrong outbind password")
	stop()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if s := out.String(); strings.Contains(s, "bound as receiver") || strings.Contains(s, "hello") {
		t.Fatalf("bound anyway:\n%s", s)
	}
}

// freeAddr returns a local address nothing listens on (the SMSC's
// configuration needs it before the program listens).
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
