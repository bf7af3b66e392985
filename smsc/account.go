package smsc

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"

	"github.com/smppstack/smpp/pdu"
)

// account is a loaded Account with its runtime state.
type account struct {
	cfg     Account
	hash    []byte
	modes   map[pdu.BindMode]bool // nil: all
	allow   []netip.Prefix
	limiter *rate.Limiter // nil: unlimited

	mu       sync.Mutex
	verified [32]byte // sha256 of the last password that matched the hash
}

func loadAccount(a Account, hashCost int) (*account, error) {
	acc := &account{cfg: a}
	if isBcrypt(a.Password) {
		acc.hash = []byte(a.Password)
	} else {
		h, err := bcrypt.GenerateFromPassword([]byte(a.Password), hashCost)
		if err != nil {
			return nil, err
		}
		acc.hash = h
	}
	acc.cfg.Password = string(acc.hash) // never keep the plain password
	if len(a.BindModes) > 0 {
		acc.modes = map[pdu.BindMode]bool{}
		for _, m := range a.BindModes {
			mode, _ := pdu.ParseBindMode(m)
			acc.modes[mode] = true
		}
	}
	for _, ip := range a.AllowIPs {
		p, err := parseCIDR(ip)
		if err != nil {
			return nil, err
		}
		acc.allow = append(acc.allow, p.Masked())
	}
	if a.Throughput > 0 {
		acc.limiter = rate.NewLimiter(rate.Limit(a.Throughput), max(1, int(a.Throughput/10)))
	}
	return acc, nil
}

// checkPassword compares with the bcrypt hash; a password that matched once
// is remembered by its SHA-256 so that rebinds do not pay bcrypt again.
func (a *account) checkPassword(pw string) bool {
	sum := sha256.Sum256([]byte(pw))
	a.mu.Lock()
	ok := subtle.ConstantTimeCompare(sum[:], a.verified[:]) == 1
	a.mu.Unlock()
	if ok {
		return true
	}
	if bcrypt.CompareHashAndPassword(a.hash, []byte(pw)) != nil {
		return false
	}
	a.mu.Lock()
	a.verified = sum
	a.mu.Unlock()
	return true
}

func (a *account) ipAllowed(addr net.Addr) bool {
	if len(a.allow) == 0 {
		return true
	}
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	for _, p := range a.allow {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func (a *account) modeAllowed(m pdu.BindMode) bool { return a.modes == nil || a.modes[m] }

// lockout counts failed binds per key (an IP or a system_id) and slows, then
// locks out, repeated failures (LockoutPolicy).
type lockout struct {
	policy LockoutPolicy
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]*failures
}

type failures struct {
	times       []time.Time
	lockedUntil time.Time
	pending     int           // attempts being checked now
	wake        chan struct{} // closed when pending falls
}

func newLockout(p LockoutPolicy, now func() time.Time) *lockout {
	return &lockout{policy: p, now: now, keys: map[string]*failures{}}
}

// locked reports whether key is locked out now.
func (l *lockout) locked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.keys[key]
	return f != nil && l.now().Before(f.lockedUntil)
}

// fail records a failure and returns the delay to apply before answering.
func (l *lockout) fail(key string) (delay time.Duration, nowLocked bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	f := l.keys[key]
	if f == nil {
		f = &failures{}
		l.keys[key] = f
	}
	cut := now.Add(-time.Duration(l.policy.Window))
	kept := f.times[:0]
	for _, t := range f.times {
		if t.After(cut) {
			kept = append(kept, t)
		}
	}
	f.times = append(kept, now)
	// The delay grows with the failures counted, the one that engages the
	// lock-out included.
	delay = min(time.Duration(len(f.times))*time.Duration(l.policy.Delay), 3*time.Second)
	if len(f.times) >= l.policy.MaxFailures {
		f.lockedUntil = now.Add(time.Duration(l.policy.Duration))
		f.times = f.times[:0]
		nowLocked = true
	}
	if len(l.keys) > 100000 {
		l.gcLocked(now)
	}
	return delay, nowLocked
}

// begin admits an attempt for key once the failures counted plus the
// attempts being checked are below the limit, waiting (until ctx ends) while
// they are not; it refuses when key is locked out. So concurrent guesses on
// many connections are checked a few at a time and cannot outrun the
// lock-out, while legitimate bursts of binds merely queue. An admitted
// attempt must be ended with end.
func (l *lockout) begin(ctx context.Context, key string) bool {
	for {
		l.mu.Lock()
		now := l.now()
		f := l.keys[key]
		if f == nil {
			f = &failures{}
			l.keys[key] = f
		}
		if now.Before(f.lockedUntil) {
			l.mu.Unlock()
			return false
		}
		cut := now.Add(-time.Duration(l.policy.Window))
		n := 0
		for _, t := range f.times {
			if t.After(cut) {
				n++
			}
		}
		if n+f.pending < l.policy.MaxFailures {
			f.pending++
			l.mu.Unlock()
			return true
		}
		if f.wake == nil {
			f.wake = make(chan struct{})
		}
		wake := f.wake
		l.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return false
		}
	}
}

// end finishes an attempt admitted by begin.
func (l *lockout) end(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.keys[key]; f != nil {
		if f.pending > 0 {
			f.pending--
		}
		if f.wake != nil {
			close(f.wake)
			f.wake = nil
		}
	}
}

// succeed forgets the key's failures.
func (l *lockout) succeed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.keys[key]; f != nil && !l.now().Before(f.lockedUntil) {
		f.times = f.times[:0]
		if f.wake != nil { // waiters may go now
			close(f.wake)
			f.wake = nil
		}
		if f.pending == 0 {
			delete(l.keys, key)
		}
	}
}

func (l *lockout) gcLocked(now time.Time) {
	cut := now.Add(-time.Duration(l.policy.Window))
	for k, f := range l.keys {
		if f.pending == 0 && now.After(f.lockedUntil) && (len(f.times) == 0 || f.times[len(f.times)-1].Before(cut)) {
			delete(l.keys, k)
		}
	}
}

func marshalAccount(a Account) []byte {
	b, _ := json.Marshal(a)
	return b
}

// onStoredAccount installs an account record from the store (runtime
// accounts, shared by all nodes; stored ones override the config file's).
func (s *Server) onStoredAccount(b []byte) {
	var a Account
	if err := json.Unmarshal(b, &a); err != nil || a.SystemID == "" {
		s.log.Error("smsc: bad stored account record", "err", err)
		return
	}
	acc, err := loadAccount(a, s.cost)
	if err != nil {
		s.log.Error("smsc: bad stored account", "system_id", a.SystemID, "err", err)
		return
	}
	s.installAccount(acc)
	if s.ctx != nil {
		go s.ensureQueues(s.ctx, a.SystemID)
	}
}
