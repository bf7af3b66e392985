package smsc

import (
	"errors"
	"testing"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

// bindStatus binds and returns the refusal status (StatusOK when the bind
// succeeded; the session is then closed) and how long the answer took.
func bindStatus(t *testing.T, addr, id, pw string, o dialOpts) (pdu.Status, time.Duration) {
	t.Helper()
	start := time.Now()
	e, err := tryDialESME(t, addr, id, pw, o)
	took := time.Since(start)
	if err == nil {
		e.sess.Close()
		return pdu.StatusOK, took
	}
	var be *smpp.BindError
	if !errors.As(err, &be) {
		t.Fatalf("bind %s from %q: not a bind refusal: %v", id, o.local, err)
	}
	return be.Status, took
}

func wantBind(t *testing.T, addr, id, pw string, o dialOpts, want pdu.Status) time.Duration {
	t.Helper()
	st, took := bindStatus(t, addr, id, pw, o)
	if st != want {
		t.Fatalf("bind %s (mode %v) from %q: got %s, want %s", id, o.mode, o.local, st, want)
	}
	return took
}

// TestBindStatuses checks the status of every kind of refused bind.
func TestBindStatuses(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, Config{
		Accounts: []Account{
			{SystemID: "ok", Password: "pw1"},
			{SystemID: "off", Password: "pw2", Disabled: true},
			{SystemID: "ipr", Password: "pw3", AllowIPs: []string{"10.9.8.7", "192.168.0.0/16"}},
			{SystemID: "ipok", Password: "pw3", AllowIPs: []string{"127.0.0.0/8"}},
			{SystemID: "txo", Password: "pw4", BindModes: []string{"tx"}},
			{SystemID: "one", Password: "pw5", MaxBinds: 1},
		},
		// Many failures below come from one IP: keep them from locking it.
		Lockout: LockoutPolicy{MaxFailures: 1000, Delay: Duration(time.Millisecond)},
	})
	addr := srv.SMPPAddr().String()
	trx := dialOpts{mode: pdu.BindTransceiver}
	wantBind(t, addr, "nobody", "pw1", trx, pdu.StatusInvSystemID)
	wantBind(t, addr, "ok", "wrong", trx, pdu.StatusInvPassword)
	wantBind(t, addr, "ok", "", trx, pdu.StatusInvPassword)
	wantBind(t, addr, "ok", "pw1", trx, pdu.StatusOK)
	wantBind(t, addr, "off", "pw2", trx, pdu.StatusBindFail)
	wantBind(t, addr, "ipr", "pw3", trx, pdu.StatusBindFail)
	wantBind(t, addr, "ipok", "pw3", trx, pdu.StatusOK)
	wantBind(t, addr, "txo", "pw4", dialOpts{mode: pdu.BindReceiver}, pdu.StatusBindFail)
	wantBind(t, addr, "txo", "pw4", dialOpts{mode: pdu.BindTransceiver}, pdu.StatusBindFail)
	wantBind(t, addr, "txo", "pw4", dialOpts{mode: pdu.BindTransmitter}, pdu.StatusOK)

	// max_binds 1: a second concurrent bind is refused; once the first
	// session is gone a new bind succeeds.
	first := dialESME(t, addr, "one", "pw5", trx)
	wantBind(t, addr, "one", "pw5", trx, pdu.StatusBindFail)
	wantBind(t, addr, "one", "pw5", dialOpts{mode: pdu.BindTransmitter}, pdu.StatusBindFail)
	if err := first.sess.Unbind(t.Context()); err != nil {
		t.Fatalf("unbind: %v", err)
	}
	// The server learns of the end of a session asynchronously: retry
	// (bounded) until the slot is free, keeping the session that binds.
	rebind := func(what string) *esme {
		t.Helper()
		var e *esme
		waitFor(t, 5*time.Second, what, func() bool {
			var err error
			e, err = tryDialESME(t, addr, "one", "pw5", trx)
			return err == nil
		})
		return e
	}
	second := rebind("max_binds slot to be released after unbind")
	wantBind(t, addr, "one", "pw5", trx, pdu.StatusBindFail)
	// ...and after an abrupt close too.
	second.sess.Close()
	rebind("max_binds slot to be released after close")
	wantBind(t, addr, "one", "pw5", trx, pdu.StatusBindFail)
}

// TestBindLockout: repeated failures are answered more and more slowly, then
// lock out the source IP and the system_id (even the right password gets
// ESME_RBINDFAIL) until the lock-out ends. Each scenario uses its own
// loopback source addresses (127.0.0.x).
func TestBindLockout(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	const delay = 40 * time.Millisecond
	srv := startSMSC(t, Config{
		Accounts: []Account{
			{SystemID: "vic", Password: "right"},
			{SystemID: "other", Password: "right2"},
			{SystemID: "victim2", Password: "right3"},
		},
		Lockout: LockoutPolicy{MaxFailures: 4, Delay: Duration(delay), Duration: Duration(2 * time.Second), Window: Duration(time.Minute)},
	}, WithClock(clk.Now))
	addr := srv.SMPPAddr().String()
	from := func(ip string) dialOpts { return dialOpts{mode: pdu.BindTransmitter, local: ip} }

	// Scenario 1: one IP guessing one account's password.
	var took []time.Duration
	for range 3 {
		took = append(took, wantBind(t, addr, "vic", "guess", from("127.0.0.11"), pdu.StatusInvPassword))
	}
	for i, d := range took {
		if min := time.Duration(i+1) * delay; d < min {
			t.Errorf("failure %d answered after %v, want at least %v (delay per recent failure)", i+1, d, min)
		}
	}
	// A first failure (fresh IP, fresh system_id) is answered sooner than a
	// third: the least of several first failures, to be immune to noise.
	first := time.Hour
	for _, ip := range []string{"127.0.0.51", "127.0.0.52", "127.0.0.53"} {
		first = min(first, wantBind(t, addr, "fresh"+ip[len(ip)-1:], "x", from(ip), pdu.StatusInvSystemID))
	}
	if first >= took[2] {
		t.Errorf("a third failure took %v, not longer than a first one (%v)", took[2], first)
	}
	t.Logf("failed binds answered after %v; a first failure after %v", took, first)
	wantBind(t, addr, "vic", "guess", from("127.0.0.11"), pdu.StatusInvPassword) // the 4th locks
	wantBind(t, addr, "vic", "right", from("127.0.0.11"), pdu.StatusBindFail)    // right password, locked IP and id
	wantBind(t, addr, "other", "right2", from("127.0.0.11"), pdu.StatusBindFail) // locked IP
	wantBind(t, addr, "vic", "right", from("127.0.0.12"), pdu.StatusBindFail)    // locked system_id
	wantBind(t, addr, "other", "right2", from("127.0.0.12"), pdu.StatusOK)       // neither locked

	// Scenario 2: per system_id — one failure from each of several IPs.
	took = took[:0]
	for i, ip := range []string{"127.0.0.21", "127.0.0.22", "127.0.0.23"} {
		took = append(took, wantBind(t, addr, "victim2", "guess", from(ip), pdu.StatusInvPassword))
		if min := time.Duration(i+1) * delay; took[i] < min {
			t.Errorf("system_id failure %d answered after %v, want at least %v", i+1, took[i], min)
		}
	}
	wantBind(t, addr, "victim2", "guess", from("127.0.0.24"), pdu.StatusInvPassword)
	wantBind(t, addr, "victim2", "right3", from("127.0.0.25"), pdu.StatusBindFail)
	wantBind(t, addr, "other", "right2", from("127.0.0.25"), pdu.StatusOK)

	// Scenario 3: per IP — unknown system_ids from one IP.
	for _, id := range []string{"u1", "u2", "u3", "u4"} {
		wantBind(t, addr, id, "x", from("127.0.0.31"), pdu.StatusInvSystemID)
	}
	wantBind(t, addr, "other", "right2", from("127.0.0.31"), pdu.StatusBindFail)
	wantBind(t, addr, "u1", "x", from("127.0.0.31"), pdu.StatusBindFail) // locked before the id is even looked up
	wantBind(t, addr, "other", "right2", from("127.0.0.32"), pdu.StatusOK)

	// Still locked just before the lock-out ends; free after it.
	clk.Advance(1900 * time.Millisecond)
	wantBind(t, addr, "vic", "right", from("127.0.0.12"), pdu.StatusBindFail)
	clk.Advance(200 * time.Millisecond)
	wantBind(t, addr, "vic", "right", from("127.0.0.11"), pdu.StatusOK)
	wantBind(t, addr, "victim2", "right3", from("127.0.0.25"), pdu.StatusOK)
	wantBind(t, addr, "other", "right2", from("127.0.0.31"), pdu.StatusOK)

	// A success forgets earlier failures: three more failures do not lock.
	for range 3 {
		wantBind(t, addr, "vic", "guess", from("127.0.0.11"), pdu.StatusInvPassword)
	}
	wantBind(t, addr, "vic", "right", from("127.0.0.11"), pdu.StatusOK)
	for range 3 {
		wantBind(t, addr, "vic", "guess", from("127.0.0.11"), pdu.StatusInvPassword)
	}
	wantBind(t, addr, "vic", "right", from("127.0.0.11"), pdu.StatusOK)

	// Failures older than the window are forgotten: 3 + 3 failures a
	// window apart do not lock.
	for _, id := range []string{"u5", "u6", "u7"} {
		wantBind(t, addr, id, "x", from("127.0.0.41"), pdu.StatusInvSystemID)
	}
	clk.Advance(time.Minute + time.Second)
	for _, id := range []string{"u8", "u9", "u10"} {
		wantBind(t, addr, id, "x", from("127.0.0.41"), pdu.StatusInvSystemID)
	}
	wantBind(t, addr, "other", "right2", from("127.0.0.41"), pdu.StatusOK)
}
