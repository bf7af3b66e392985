package smpp

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/smppstack/smpp/pdu"
)

// ClientState is the state of a managed [Client].
type ClientState uint8

// Client states.
const (
	ClientIdle       ClientState = iota // Run not called yet
	ClientConnecting                    // dialling and binding
	ClientBound                         // a bound session is available
	ClientWaiting                       // backing off before the next attempt
	ClientStopped                       // Run returned
)

var clientStateNames = [...]string{"idle", "connecting", "bound", "waiting", "stopped"}

// String returns the state's name.
func (s ClientState) String() string {
	if int(s) < len(clientStateNames) {
		return clientStateNames[s]
	}
	return "clientstate(" + strconv.Itoa(int(s)) + ")"
}

// Client keeps one binding alive: it dials and binds, re-dials with capped
// exponential back-off and jitter when the session fails (session.md §8),
// and forwards requests to the current session with a client-side rate
// limit and automatic back-off on ESME_RTHROTTLED / ESME_RMSGQFUL
// (session.md §7.3). Configure the fields, then call Run.
type Client struct {
	// Addr is the SMSC address (host:port).
	Addr string
	// Dialer binds each new session.
	Dialer Dialer
	// MinBackoff and MaxBackoff bound the reconnect delay: it starts at
	// MinBackoff (default 1s), doubles per failed attempt up to MaxBackoff
	// (default 1 min), and is randomised to ±25%. A refused bind
	// (ESME_RINVPASWD …) waits at least MaxBackoff/4 so bad credentials
	// never hot-loop (status.md §6).
	MinBackoff, MaxBackoff time.Duration
	// Rate limits requests sent through the Client to this many per
	// second (0: unlimited), with bursts of Burst (default 1).
	Rate  float64
	Burst int
	// ThrottleDelay is the pause after ESME_RTHROTTLED or ESME_RMSGQFUL;
	// it doubles on each consecutive one up to MaxBackoff. Default 250ms.
	ThrottleDelay time.Duration
	// MaxRetries bounds resending a request after a temporary refusal or a
	// lost session before it was written. Default 8.
	MaxRetries int
	// OnStateChange, if set, is called on every state change with the
	// error that caused it (nil for progress). It must not block.
	OnStateChange func(state ClientState, err error)
	// OnThrottle, if set, is called when the MC throttles the Client, with
	// the pause it starts. It must not block.
	OnThrottle func(pause time.Duration)

	once    sync.Once
	limiter *rate.Limiter

	mu          sync.Mutex
	state       ClientState
	session     *Session
	ready       chan struct{} // closed while a session is bound
	stopped     chan struct{}
	pausedUntil time.Time
	throttles   int
	lastErr     error
}

func (c *Client) init() {
	c.once.Do(func() {
		c.ready = make(chan struct{})
		c.stopped = make(chan struct{})
		if c.Rate > 0 {
			b := c.Burst
			if b <= 0 {
				b = 1
			}
			c.limiter = rate.NewLimiter(rate.Limit(c.Rate), b)
		}
	})
}

// State returns the current state and the last error.
func (c *Client) State() (ClientState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state, c.lastErr
}

func (c *Client) setState(st ClientState, err error) {
	c.mu.Lock()
	c.state = st
	if err != nil {
		c.lastErr = err
	}
	c.mu.Unlock()
	if c.OnStateChange != nil {
		c.OnStateChange(st, err)
	}
}

func (c *Client) backoff(attempt int, err error) time.Duration {
	lo, hi := c.MinBackoff, c.MaxBackoff
	if lo <= 0 {
		lo = time.Second
	}
	if hi <= 0 {
		hi = time.Minute
	}
	d := lo
	for i := 1; i < attempt && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	var be *BindError
	if errors.As(err, &be) && !be.Status.Temporary() {
		d = max(d, hi/4)
	}
	// ±25% jitter so a fleet of clients does not reconnect in step.
	return time.Duration(float64(d) * (0.75 + rand.Float64()/2))
}

// Run maintains the binding until ctx ends, then unbinds gracefully and
// returns ctx's error. It may be called once.
func (c *Client) Run(ctx context.Context) error {
	c.init()
	defer close(c.stopped)
	defer c.setState(ClientStopped, nil)
	attempt := 0
	for {
		c.setState(ClientConnecting, nil)
		s, err := c.Dialer.Dial(ctx, c.Addr)
		if err == nil {
			attempt = 0
			c.mu.Lock()
			c.session = s
			close(c.ready)
			c.mu.Unlock()
			c.setState(ClientBound, nil)
			select {
			case <-s.Done():
				err = s.Err()
				if err == nil {
					err = ErrClosed
				}
			case <-ctx.Done():
			}
			c.mu.Lock()
			c.session = nil
			c.ready = make(chan struct{})
			c.mu.Unlock()
			if ctx.Err() != nil {
				uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				s.Unbind(uctx)
				cancel()
				return ctx.Err()
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		attempt++
		delay := c.backoff(attempt, err)
		c.setState(ClientWaiting, err)
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// Session waits for a bound session (or ctx's end, or Run's end).
func (c *Client) Session(ctx context.Context) (*Session, error) {
	c.init()
	for {
		c.mu.Lock()
		s, ready := c.session, c.ready
		c.mu.Unlock()
		if s != nil {
			return s, nil
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.stopped:
			return nil, ErrClosed
		}
	}
}

// Submit sends submit_sm through the current session; see Send.
func (c *Client) Submit(ctx context.Context, m *pdu.SubmitSM) (*pdu.SubmitSMResp, error) {
	r, err := c.Send(ctx, m)
	resp, _ := r.(*pdu.SubmitSMResp)
	return resp, err
}

// Send sends req through the current session, waiting for the rate limiter
// and for any throttle pause. It resends (with a new sequence number) when
// the MC answered ESME_RTHROTTLED or ESME_RMSGQFUL, or when the session was
// lost before the request was written; it never resends after a response
// timeout, which could duplicate the message.
func (c *Client) Send(ctx context.Context, req pdu.PDU) (pdu.PDU, error) {
	c.init()
	retries := c.MaxRetries
	if retries <= 0 {
		retries = 8
	}
	var lastErr error
	for try := 0; try <= retries; try++ {
		if err := c.waitTurn(ctx); err != nil {
			return nil, err
		}
		s, err := c.Session(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := s.Send(ctx, req)
		if err == nil {
			c.throttled(false)
			return resp, nil
		}
		lastErr = err
		var st pdu.Status
		switch {
		case errors.As(err, &st) && (st == pdu.StatusThrottled || st == pdu.StatusMsgQFull):
			c.throttled(true)
		case errors.As(err, &st) && st.Temporary() && ctx.Err() == nil:
			// ESME_RSYSERR and friends: the MC did not take it; retry
			// after a pause rather than at once.
			c.pause(c.throttleDelay())
		case SafeToRetry(err) && ctx.Err() == nil:
			// Not written: the session is going away. Wait until it is
			// gone so that the next attempt gets its replacement.
			select {
			case <-s.Done():
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		default:
			return resp, err
		}
	}
	return nil, lastErr
}

// waitTurn waits for the throttle pause and a rate-limiter token.
func (c *Client) waitTurn(ctx context.Context) error {
	c.mu.Lock()
	until := c.pausedUntil
	c.mu.Unlock()
	if d := time.Until(until); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	if c.limiter != nil {
		return c.limiter.Wait(ctx)
	}
	return nil
}

// throttled records a throttle answer (yes) or a success. Answers that
// arrive while a pause is already running belong to the same episode (the
// requests were in flight together) and do not lengthen it; only a throttle
// after the pause ended doubles the next one.
func (c *Client) throttled(yes bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !yes {
		c.throttles = 0
		return
	}
	if time.Now().Before(c.pausedUntil) {
		return
	}
	c.throttles++
	d := c.throttleDelay()
	hi := c.MaxBackoff
	if hi <= 0 {
		hi = time.Minute
	}
	for i := 1; i < c.throttles && d < hi; i++ {
		d *= 2
	}
	// Spread the resumption a little so waiters do not burst in step.
	d = time.Duration(float64(min(d, hi)) * (1 + rand.Float64()/4))
	c.pausedUntil = time.Now().Add(d)
	if c.OnThrottle != nil {
		c.OnThrottle(d)
	}
}

func (c *Client) throttleDelay() time.Duration {
	if c.ThrottleDelay > 0 {
		return c.ThrottleDelay
	}
	return 250 * time.Millisecond
}

// pause delays every request of the Client for at least d.
func (c *Client) pause(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if until := time.Now().Add(d); until.After(c.pausedUntil) {
		c.pausedUntil = until
	}
}

// SubmitText splits and submits a text through the managed session (see
// Session.SubmitText); each part gets the Client's rate limit and throttle
// handling.
func (c *Client) SubmitText(ctx context.Context, m TextMessage) ([]SubmitTextResult, error) {
	s, err := c.Session(ctx)
	if err != nil {
		return nil, err
	}
	parts, err := s.TextParts(m)
	if err != nil {
		return nil, err
	}
	res := make([]SubmitTextResult, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.Submit(ctx, p)
			res[i].Err = err
			if err == nil && r != nil {
				res[i].MessageID = r.MessageID
			}
		}()
	}
	wg.Wait()
	for i, r := range res {
		if r.Err != nil {
			return res, fmt.Errorf("smpp: part %d of %d: %w", i+1, len(res), r.Err)
		}
	}
	return res, nil
}
