package robust

// Abuse and limits (issue #6 item 4), seen over the wire: sockets that
// never bind are closed by the session_init timer; the per-IP connection
// limit refuses extra connections; bind brute force is slowed and locked
// out; a peer that stops reading is dropped after WriteTimeout without
// stalling other sessions or growing memory. The 10,000-session test is in
// scale_test.go.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/smsctest"
)

// target is an SMSC under test: the smsc package or a bare smpp.Server.
type target struct {
	name string
	addr string
	// good binds an account that may submit (id/password).
	goodID, goodPW string
}

// libServer starts an smpp.Server with smpptest's SMSCHandler on a loopback
// port after configure adjusted it.
func libServer(t *testing.T, configure func(*smpp.Server)) (*smpp.Server, string) {
	t.Helper()
	ts := smpptest.NewUnstartedServer(smpptest.AcceptAll(nil))
	if configure != nil {
		configure(ts.SMPP)
	}
	ts.Start()
	t.Cleanup(ts.Close)
	return ts.SMPP, ts.Addr
}

func smscServer(t *testing.T, configure func(*smsc.Config)) *smsctest.Server {
	t.Helper()
	return smsctest.NewServer(t, smsctest.Account("good", "pw"), smsctest.Account("other", "pw"),
		smsctest.Configure(func(c *smsc.Config) {
			c.Lockout.MaxFailures = 1 << 20
			if configure != nil {
				configure(c)
			}
		}))
}

// dialFrom connects to addr from the loopback address local ("" for any).
func dialFrom(t *testing.T, local, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("connect from %q: %v", local, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// rawBind sends a bind on c and returns the status of the answer and how
// long it took.
func rawBind(t *testing.T, c net.Conn, seq uint32, id, pw string) (pdu.Status, time.Duration, error) {
	t.Helper()
	p := smpptest.NewPeer(c)
	p.Timeout = 10 * time.Second
	start := time.Now()
	if err := p.WritePDU(seq, pdu.StatusOK, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: id, Password: pw, InterfaceVersion: pdu.V34}); err != nil {
		return 0, 0, err
	}
	h, _, err := p.ReadPDU()
	if err != nil {
		return 0, time.Since(start), err
	}
	if h.ID != pdu.CmdBindTransmitterResp || h.Seq != seq {
		return 0, 0, fmt.Errorf("want bind_transmitter_resp seq %d, got %s seq %d", seq, h.ID, h.Seq)
	}
	return h.Status, time.Since(start), nil
}

// waitClosed waits (up to d) for the server to close c, reading and
// discarding whatever it sends, and returns how long that took.
func waitClosed(c net.Conn, d time.Duration) (time.Duration, error) {
	start := time.Now()
	c.SetReadDeadline(start.Add(d))
	buf := make([]byte, 512)
	for {
		_, err := c.Read(buf)
		if err != nil {
			if smpptest.IsClosed(err) {
				return time.Since(start), nil
			}
			return time.Since(start), err
		}
	}
}

// TestSlowLoris: connections that never bind — silent ones, and ones that
// trickle a bind header one octet at a time that never completes — are all
// closed by the session_init timer (BindTimeout), while a good ESME binds
// and submits meanwhile.
func TestSlowLoris(t *testing.T) {
	t.Parallel()
	const bindTimeout = 400 * time.Millisecond
	lib, libAddr := libServer(t, func(s *smpp.Server) { s.BindTimeout = bindTimeout })
	_ = lib
	sc := smscServer(t, func(c *smsc.Config) { c.BindTimeout = smsc.Duration(bindTimeout) })
	for _, tg := range []target{{"smpp.Server", libAddr, "good", "pw"}, {"smsc", sc.Addr, "good", "pw"}} {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			stop := make(chan struct{})
			good := startGoodESME(t, tg.addr, tg.goodID, tg.goodPW, 10*time.Millisecond, stop)
			const n = 40
			var wg sync.WaitGroup
			took := make([]time.Duration, n)
			errs := make([]error, n)
			start := time.Now()
			for i := range n {
				c := dialFrom(t, "", tg.addr)
				wg.Add(1)
				go func() {
					defer wg.Done()
					if i%2 == 1 {
						// Trickle: a bind whose command_length promises 200 octets,
						// one octet every 50ms.
						go func() {
							hdr := []byte{0, 0, 0, 200, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'}
							for _, b := range hdr {
								if _, err := c.Write([]byte{b}); err != nil {
									return
								}
								time.Sleep(50 * time.Millisecond)
							}
						}()
					}
					_, errs[i] = waitClosed(c, 5*time.Second)
					took[i] = time.Since(start)
				}()
			}
			wg.Wait()
			close(stop)
			good.check(t, 10)
			var slowest time.Duration
			for i := range n {
				if errs[i] != nil {
					t.Errorf("connection %d not closed: %v", i, errs[i])
					continue
				}
				if took[i] < bindTimeout*8/10 {
					t.Errorf("connection %d closed after %v, before the session_init timer (%v)", i, took[i], bindTimeout)
				}
				slowest = max(slowest, took[i])
			}
			if slowest > bindTimeout+5*time.Second {
				t.Errorf("last connection closed after %v; session_init timer is %v", slowest, bindTimeout)
			}
			t.Logf("%d unbound connections closed; the last after %v (session_init %v)", n, slowest.Round(time.Millisecond), bindTimeout)
		})
	}
}

// TestMaxConnsPerIP: with MaxConnsPerIP 3, a 4th concurrent connection from
// the same address is closed at once without an answer, other addresses are
// not affected, and a slot is free again once a connection closes.
func TestMaxConnsPerIP(t *testing.T) {
	t.Parallel()
	const limit = 3
	_, libAddr := libServer(t, func(s *smpp.Server) { s.MaxConnsPerIP = limit })
	sc := smscServer(t, func(c *smsc.Config) { c.MaxConnsPerIP = limit })
	for i, tg := range []target{{"smpp.Server", libAddr, "good", "pw"}, {"smsc", sc.Addr, "good", "pw"}} {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			ip := fmt.Sprintf("127.0.0.%d", 61+2*i)
			other := fmt.Sprintf("127.0.0.%d", 62+2*i)
			var held []net.Conn
			for k := range limit {
				c := dialFrom(t, ip, tg.addr)
				if st, _, err := rawBind(t, c, uint32(k+1), tg.goodID, tg.goodPW); err != nil || st != pdu.StatusOK {
					t.Fatalf("connection %d within the limit: bind %v %v", k+1, st, err)
				}
				held = append(held, c)
			}
			for k := range 3 {
				c := dialFrom(t, ip, tg.addr) // the TCP handshake completes; the server closes at once
				took, err := waitClosed(c, 3*time.Second)
				if err != nil {
					t.Fatalf("extra connection %d not refused: %v", k+1, err)
				}
				if took > time.Second {
					t.Errorf("extra connection %d closed only after %v", k+1, took)
				}
			}
			// Another address is not limited.
			if st, _, err := rawBind(t, dialFrom(t, other, tg.addr), 1, tg.goodID, tg.goodPW); err != nil || st != pdu.StatusOK {
				t.Fatalf("bind from %s: %v %v", other, st, err)
			}
			// Close one: the server frees the slot when the session ends.
			held[0].Close()
			deadline := time.Now().Add(5 * time.Second)
			for {
				c := dialFrom(t, ip, tg.addr)
				st, _, err := rawBind(t, c, 9, tg.goodID, tg.goodPW)
				if err == nil && st == pdu.StatusOK {
					break
				}
				c.Close()
				if time.Now().After(deadline) {
					t.Fatalf("slot not freed 5s after a connection closed: %v %v", st, err)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// TestBindBruteForce is the wire view of the smsc bind lock-out
// (smsc/bind_lockout_test.go tests the policy itself): wrong passwords are
// answered more and more slowly, then the address and the system_id are
// locked out (even the right password gets ESME_RBINDFAIL) while other
// accounts from other addresses bind at once; binds pipelined on one
// connection are not evaluated concurrently; and the lock-out ends.
func TestBindBruteForce(t *testing.T) {
	t.Parallel()
	const (
		delay       = 60 * time.Millisecond
		maxFailures = 4
		lockFor     = 1500 * time.Millisecond
	)
	sc := smsctest.NewServer(t, smsctest.Account("victim", "right"), smsctest.Account("bystand", "pw"), smsctest.Account("piped", "right"),
		smsctest.Configure(func(c *smsc.Config) {
			c.Lockout = smsc.LockoutPolicy{MaxFailures: maxFailures, Delay: smsc.Duration(delay), Duration: smsc.Duration(lockFor), Window: smsc.Duration(time.Minute)}
		}))
	const attacker, bystander = "127.0.0.71", "127.0.0.72"

	// Sequential guesses, each on a new connection.
	var took []time.Duration
	for k := range maxFailures {
		st, d, err := rawBind(t, dialFrom(t, attacker, sc.Addr), uint32(k+1), "victim", fmt.Sprintf("guess%d", k))
		if err != nil {
			t.Fatal(err)
		}
		if st != pdu.StatusInvPassword {
			t.Fatalf("guess %d: %s, want ESME_RINVPASWD", k+1, st)
		}
		// The failure that engages the lock-out is answered at once (fail()
		// resets the count when it locks); the others wait Delay per failure.
		if min := time.Duration(k+1) * delay; k < maxFailures-1 && d < min {
			t.Errorf("guess %d answered after %v, want at least %v", k+1, d, min)
		}
		took = append(took, d.Round(time.Millisecond))
	}
	t.Logf("wrong passwords answered after %v", took)
	lockedAt := time.Now()
	if st, _, err := rawBind(t, dialFrom(t, attacker, sc.Addr), 10, "victim", "right"); err != nil || st != pdu.StatusBindFail {
		t.Fatalf("right password from the locked address: %v %v, want ESME_RBINDFAIL", st, err)
	}
	if st, _, err := rawBind(t, dialFrom(t, bystander, sc.Addr), 11, "victim", "right"); err != nil || st != pdu.StatusBindFail {
		t.Fatalf("right password for the locked system_id from elsewhere: %v %v, want ESME_RBINDFAIL", st, err)
	}
	st, d, err := rawBind(t, dialFrom(t, bystander, sc.Addr), 12, "bystand", "pw")
	if err != nil || st != pdu.StatusOK || d > 2*time.Second {
		t.Fatalf("another account from another address: %v after %v (%v), want ESME_ROK at once", st, d, err)
	}

	// Binds pipelined on one connection: one is evaluated at a time, the
	// others are refused at once with ESME_RALYBND (a bind is in progress),
	// so one connection cannot multiply the guessing rate.
	c := dialFrom(t, "127.0.0.73", sc.Addr)
	p := smpptest.NewPeer(c)
	p.Timeout = 10 * time.Second
	var burst []byte
	for k := range 20 {
		b, _ := pdu.Marshal(uint32(100+k), pdu.StatusOK, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "piped", Password: fmt.Sprintf("g%d", k), InterfaceVersion: pdu.V34})
		burst = append(burst, b...)
	}
	if err := p.WriteRaw(burst); err != nil {
		t.Fatal(err)
	}
	counts := map[pdu.Status]int{}
	for range 20 {
		h, _, err := p.ReadPDU()
		if err != nil {
			t.Fatalf("pipelined binds: %v after %v", err, counts)
		}
		counts[h.Status]++
	}
	t.Logf("20 pipelined binds on one connection: %v", counts)
	if counts[pdu.StatusInvPassword] > 2 || counts[pdu.StatusAlreadyBound] < 18 {
		t.Errorf("pipelined binds were evaluated concurrently: %v", counts)
	}

	// The lock-out ends.
	time.Sleep(time.Until(lockedAt.Add(lockFor + 200*time.Millisecond)))
	if st, _, err := rawBind(t, dialFrom(t, attacker, sc.Addr), 13, "victim", "right"); err != nil || st != pdu.StatusOK {
		t.Fatalf("after the lock-out: %v %v, want ESME_ROK", st, err)
	}
}

// TestBindBruteForceParallel: an attacker that sends many guesses at once,
// each on its own connection, before any answer comes back, must not get
// more passwords evaluated than the lock-out allows (MaxFailures), and the
// right password sent once they are answered must not bind. The account's
// password is a bcrypt hash of the default cost (10), as in production, so
// checking one takes tens of milliseconds, as it does in a real SMSC.
func TestBindBruteForceParallel(t *testing.T) {
	t.Parallel()
	const maxFailures = 4
	hash, err := bcrypt.GenerateFromPassword([]byte("right"), bcrypt.DefaultCost)
	if err != nil {
		t.Fatal(err)
	}
	sc := smsctest.NewServer(t, smsctest.Account("victim", string(hash)),
		smsctest.Configure(func(c *smsc.Config) {
			c.Lockout = smsc.LockoutPolicy{MaxFailures: maxFailures, Delay: smsc.Duration(50 * time.Millisecond), Duration: smsc.Duration(time.Minute), Window: smsc.Duration(time.Minute)}
		}))
	const guesses = 40
	conns := make([]net.Conn, guesses+1)
	for k := range conns {
		conns[k] = dialFrom(t, "127.0.0.81", sc.Addr)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[pdu.Status]int{}
	// The right password goes only after every wrong guess is answered: a
	// correct bind admitted before the lock-out engaged rightly forgets the
	// failures, so sending it earlier would make the outcome a race.
	var answered sync.WaitGroup
	answered.Add(guesses)
	var rightStatus pdu.Status
	for k, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := smpptest.NewPeer(c)
			p.Timeout = 20 * time.Second
			pw := fmt.Sprintf("g%d", k)
			if k == guesses {
				pw = "right"
				answered.Wait()
			} else {
				defer answered.Done()
			}
			err := p.WritePDU(1, pdu.StatusOK, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "victim", Password: pw, InterfaceVersion: pdu.V34})
			if err != nil {
				t.Errorf("guess %d: %v", k, err)
				return
			}
			h, _, err := p.ReadPDU()
			if err != nil {
				t.Errorf("guess %d: %v", k, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if k == guesses {
				rightStatus = h.Status
				return
			}
			counts[h.Status]++
		}()
	}
	wg.Wait()
	t.Logf("%d concurrent wrong guesses from one address: %v; then the right password: %s", guesses, counts, rightStatus)
	if n := counts[pdu.StatusInvPassword]; n != maxFailures {
		t.Errorf("%d wrong passwords evaluated (answered ESME_RINVPASWD) from one address in one burst; the lock-out allows exactly %d", n, maxFailures)
	}
	if rightStatus != pdu.StatusBindFail {
		t.Errorf("the right password, sent once %d wrong guesses from the same address were answered, got %s; want ESME_RBINDFAIL (locked out)", guesses, rightStatus)
	}
}

// TestPeerStopsReading: a bound peer that floods submit_sm and never reads
// the responses. The library server (WriteTimeout 500ms) must drop it with
// ErrWriteTimeout, without reading its flood into memory (the heap stays
// bounded) and without slowing a good ESME on another session.
func TestPeerStopsReading(t *testing.T) {
	t.Parallel()
	var closedErr atomic.Value
	srv, addr := libServer(t, func(s *smpp.Server) {
		s.WriteTimeout = 500 * time.Millisecond
		// When the kernel keeps accepting our responses (large loopback
		// send buffers) the writes never block, and it is the keepalive
		// that finds the peer dead: both must drop it.
		s.EnquireLinkInterval = time.Second
		s.ResponseTimeout = 2 * time.Second
		s.ConnState = func(sess *smpp.Session, st smpp.State) {
			if st == smpp.StateClosed && sess.SystemID() == "stall" {
				closedErr.Store(fmt.Sprint(sess.Err()))
			}
		}
	})
	stop := make(chan struct{})
	good := startGoodESME(t, addr, "good", "pw", 5*time.Millisecond, stop)
	before := heapInuse()

	c := dialFrom(t, "", addr)
	c.(*net.TCPConn).SetReadBuffer(4096)
	if st, _, err := rawBind(t, c, 1, "stall", "pw"); err != nil || st != pdu.StatusOK {
		t.Fatalf("bind: %v %v", st, err)
	}
	one, _ := pdu.Marshal(2, pdu.StatusOK, &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700900001", ShortMessage: make([]byte, 140)})
	chunk := make([]byte, 0, 256*len(one))
	for range 256 {
		chunk = append(chunk, one...)
	}
	var written atomic.Int64
	flood := make(chan error, 1)
	go func() {
		for {
			c.SetWriteDeadline(time.Now().Add(3 * time.Second))
			n, err := c.Write(chunk)
			written.Add(int64(n))
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && closedErr.Load() == nil {
				// The server is not reading this moment (under load it
				// can be starved for seconds): keep flooding, or the
				// server's writes never fill the buffers and block.
				continue
			}
			if err != nil {
				flood <- err
				return
			}
		}
	}()
	start := time.Now()
	var peak uint64
	// Under load (race detector, the whole suite in parallel) the flood may
	// need a while to fill the loopback socket buffers before writes block.
	for closedErr.Load() == nil && time.Since(start) < 60*time.Second {
		peak = max(peak, heapInuse())
		time.Sleep(100 * time.Millisecond)
	}
	took := time.Since(start)
	close(stop)
	good.check(t, 50)
	if good.maxLat.Load() > int64(3*time.Second) {
		t.Errorf("the good ESME waited %v for a response while the other peer stalled", time.Duration(good.maxLat.Load()))
	}
	err := closedErr.Load()
	if err == nil {
		t.Fatalf("the stalled session is still open after %v", took)
	}
	if err != smpp.ErrWriteTimeout.Error() && err != smpp.ErrPeerUnresponsive.Error() {
		t.Errorf("stalled session closed with %v, want %v or %v", err, smpp.ErrWriteTimeout, smpp.ErrPeerUnresponsive)
	}
	<-flood
	t.Logf("stalled peer flooded %d KiB and was dropped after %v (%v); heap in use before %d KiB, peak %d KiB",
		written.Load()>>10, took.Round(time.Millisecond), err, before>>10, peak>>10)
	if peak > before+64<<20 {
		t.Errorf("heap grew from %d KiB to %d KiB while a peer stalled", before>>10, peak>>10)
	}
	if n := len(srv.Sessions()); n > 1 {
		t.Errorf("%d sessions left (only the good ESME's may remain)", n)
	}
}

// TestReceiverStopsReading: on the SMSC, a receiver that stops reading
// while messages are routed to it must not stall the submitting ESME or
// other sessions, nor grow memory without bound. (smsc.Config has no write
// timeout: the session keeps the library default of 30s, so the drop itself
// is not waited for here.)
func TestReceiverStopsReading(t *testing.T) {
	t.Parallel()
	sc := smsctest.NewServer(t, smsctest.Account("good", "pw"), smsctest.Account("other", "pw"), smsctest.Account("sink", "pw", "4466*"),
		smsctest.Configure(func(c *smsc.Config) { c.Lockout.MaxFailures = 1 << 20 }))
	c := dialFrom(t, "", sc.Addr)
	c.(*net.TCPConn).SetReadBuffer(4096)
	p := smpptest.NewPeer(c)
	if err := p.WritePDU(1, pdu.StatusOK, &pdu.Bind{Mode: pdu.BindReceiver, SystemID: "sink", Password: "pw", InterfaceVersion: pdu.V34}); err != nil {
		t.Fatal(err)
	}
	if h, _, err := p.ReadPDU(); err != nil || h.Status != pdu.StatusOK {
		t.Fatalf("bind sink: %v %v", h, err)
	}
	// sink never reads again. Flood it through the SMSC.
	d := &smpp.Dialer{SystemID: "good", Password: "pw", Mode: pdu.BindTransmitter}
	flooder, err := d.Dial(t.Context(), sc.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer flooder.Close()
	stop := make(chan struct{})
	good := startGoodESME(t, sc.Addr, "other", "pw", 5*time.Millisecond, stop)
	before := heapInuse()
	var peak uint64
	var sent atomic.Int64
	floodDone := make(chan struct{})
	go func() {
		defer close(floodDone)
		body := make([]byte, 140)
		lim := rate.NewLimiter(2000, 20) // a steady flood, not a CPU benchmark
		for i := 0; ; i++ {
			if lim.Wait(context.Background()) != nil {
				return
			}
			select {
			case <-stop:
				return
			default:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, err := flooder.Submit(ctx, &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: fmt.Sprintf("4466%08d", i), ShortMessage: body})
			cancel()
			if err == nil {
				sent.Add(1)
			}
		}
	}()
	for range 30 {
		time.Sleep(100 * time.Millisecond)
		peak = max(peak, heapInuse())
	}
	close(stop)
	<-floodDone
	good.check(t, 50)
	if good.maxLat.Load() > int64(3*time.Second) {
		t.Errorf("the good ESME waited %v for a response while a receiver stalled", time.Duration(good.maxLat.Load()))
	}
	t.Logf("%d messages routed to the stalled receiver in 3s (2000/s); heap in use before %d KiB, peak %d KiB", sent.Load(), before>>10, peak>>10)
	if peak > before+128<<20 {
		t.Errorf("heap grew from %d KiB to %d KiB while a receiver stalled", before>>10, peak>>10)
	}
}
