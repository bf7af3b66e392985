package main

// smpp bench: a load generator. It submits N messages over C connections with
// W requests outstanding per connection and reports throughput and
// submit→response latency. Its last line is the contract of
// design/README.md:
//
//	bench: sent=N ok=N failed=N elapsed=S rate=R/s p50=Xms p99=Yms
//
// The hot loop allocates nothing of its own: one submit_sm template is
// shared by every request (Session.Go encodes it before returning), the
// completions of all connections arrive on one buffered channel that the
// sending goroutines drain between submissions (no goroutine per message,
// no collector goroutine to wake), and latencies go into per-goroutine
// log-linear histograms.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/internal/latency"
	"github.com/smppstack/smpp/pdu"
)

const benchSynopsis = `smpp bench [-n N] [--window W] [--conns C] [--rate R] [--from ADDR] [--to ADDR]
       [--text T] [--coding C] [--dlr] [--timeout D] [--addr HOST:PORT] [--system-id ID]
       [--password PW] [--bind tx|trx] [--tls [--tls-insecure]]

Submits N submit_sm over C connections (bound as transmitters; with --dlr as
transceivers, asking for receipts and waiting for all of them), keeping W
requests outstanding per connection, optionally limited to R messages per
second in total. On a terminal it redraws a progress line; its last line is

  bench: sent=N ok=N failed=N elapsed=S rate=R/s p50=Xms p99=Yms

sent: requests attempted; ok: accepted (with --dlr: and receipted); failed:
the rest; elapsed: seconds from the first submission to the last response
(with --dlr: the last receipt); rate: ok per second; p50/p99: submit_sm →
submit_sm_resp latency. The exit status is 1 when any message failed.`

// runBench is the bench subcommand.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{name: "smpp bench", stdout: stdout, stderr: stderr}
	fs := newFlagSet("bench")
	var (
		ef        esmeFlags
		from, to  addrFlags
		n         int
		window    int
		conns     int
		rateLimit float64
		text      string
		codingArg string
		wantDLR   bool
		dlrWait   time.Duration
		cpuProf   string
	)
	ef.register(fs, "tx", "stop submitting after `D` and report (0: no limit)", 0)
	fs.IntVar(&n, "n", 10000, "number of messages to submit")
	fs.IntVar(&window, "window", 256, "outstanding requests per connection")
	fs.IntVar(&conns, "conns", 1, "number of connections")
	fs.Float64Var(&rateLimit, "rate", 0, "limit to `R` messages per second in total (0: as fast as possible)")
	from.register(fs, "from", "bench", "source address `ADDR`")
	to.register(fs, "to", "15550000000", "destination address `ADDR`")
	fs.StringVar(&text, "text", "smpp bench message", "message `T` (must fit one SMS)")
	fs.StringVar(&codingArg, "coding", "auto", "character set: `auto|gsm7|ucs2|latin1|ia5|binary`")
	fs.BoolVar(&wantDLR, "dlr", false, "ask for a receipt for every message and wait for all of them (binds trx)")
	fs.DurationVar(&dlrWait, "dlr-wait", 30*time.Second, "with --dlr, how long to wait for missing receipts after the last response")
	fs.StringVar(&cpuProf, "cpuprofile", "", "write a CPU profile of the run to `FILE`")
	if ok, code := c.parse(fs, args, benchSynopsis); !ok {
		return code
	}
	mode, err := ef.resolve(fs, wantDLR)
	if err != nil {
		return c.usageError("%v", err)
	}
	switch {
	case n <= 0:
		return c.usageError("invalid -n %d: must be positive", n)
	case window <= 0:
		return c.usageError("invalid --window %d: must be positive", window)
	case conns <= 0:
		return c.usageError("invalid --conns %d: must be positive", conns)
	case conns > n:
		return c.usageError("--conns %d exceeds -n %d", conns, n)
	case rateLimit < 0 || math.IsNaN(rateLimit) || math.IsInf(rateLimit, 0):
		return c.usageError("invalid --rate %v", rateLimit)
	case !mode.CanSend():
		return c.usageError("--bind %s cannot submit; use tx or trx", ef.bind)
	case wantDLR && !mode.CanReceive():
		return c.usageError("--dlr needs a bind that receives: --bind trx")
	case dlrWait < 0:
		return c.usageError("invalid --dlr-wait %v", dlrWait)
	}
	src, err := from.address("from", 20)
	if err != nil {
		return c.usageError("%v", err)
	}
	dst, err := to.address("to", 20)
	if err != nil {
		return c.usageError("%v", err)
	}
	codec, payload, err := textCodec(codingArg, text)
	if err != nil {
		return c.usageError("%v", err)
	}
	segs, err := coding.Split(payload, codec, coding.ConcatUDH8, 0)
	if err != nil {
		return c.usageError("cannot encode --text: %v", err)
	}
	if len(segs) != 1 {
		return c.usageError("--text needs %d messages; bench sends texts that fit one SMS", len(segs))
	}
	req := &pdu.SubmitSM{}
	req.SetSource(src)
	req.SetDest(dst)
	segs[0].ApplySubmit(req)
	if wantDLR {
		req.RegisteredDelivery = pdu.RegReceiptFinal
	}

	b := &bench{n: n, wantDLR: wantDLR}
	var h smpp.Handler
	if mode.CanReceive() {
		h = b
	}
	cfg := smpp.SessionConfig{Window: window, InboundWindow: max(1024, 2*window)}
	sessions, err := dialAll(ctx, &ef, conns, mode, h, cfg)
	if err != nil {
		return c.errorf(exitFail, "%v", err)
	}
	defer closeAll(sessions, 2*time.Second)

	runCtx := ctx
	if ef.timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, ef.timeout)
		defer cancel()
	}
	var lim *rate.Limiter
	if rateLimit > 0 {
		lim = rate.NewLimiter(rate.Limit(rateLimit), max(1, int(rateLimit/50)))
	}
	if os.Getenv("GOGC") == "" {
		// The load generator's live heap is tiny (histograms, in-flight
		// calls); collecting less often leaves more CPU for the run.
		debug.SetGCPercent(400)
	}
	stopProfile, err := startCPUProfile(cpuProf)
	if err != nil {
		return c.errorf(exitFail, "cannot write CPU profile: %v", err)
	}
	stopProgress := startProgress(stdout, b)
	res := b.run(runCtx, sessions, req, window, lim, dlrWait)
	stopProgress()
	stopProfile()

	for _, line := range res.notes {
		fmt.Fprintf(stderr, "smpp bench: %s\n", line)
	}
	fmt.Fprintf(stdout, "bench: sent=%d ok=%d failed=%d elapsed=%.3f rate=%d/s p50=%.3fms p99=%.3fms\n",
		res.sent, res.ok, res.failed, res.elapsed.Seconds(), res.rate(), res.p50, res.p99)
	if res.failed > 0 || res.sent == 0 {
		return exitFail
	}
	return exitOK
}

// dialAll binds conns sessions in parallel; on any failure it closes those
// that bound and returns the first error.
func dialAll(ctx context.Context, ef *esmeFlags, conns int, mode pdu.BindMode, h smpp.Handler, cfg smpp.SessionConfig) ([]*smpp.Session, error) {
	sessions := make([]*smpp.Session, conns)
	errs := make([]error, conns)
	var wg sync.WaitGroup
	for i := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sessions[i], errs[i] = ef.dial(ctx, mode, h, cfg)
		}()
	}
	wg.Wait()
	var first error
	for i, err := range errs {
		if err != nil && first == nil {
			first = err
		}
		if err != nil {
			sessions[i] = nil
		}
	}
	if first != nil {
		for _, s := range sessions {
			if s != nil {
				s.Close()
			}
		}
		return nil, first
	}
	return sessions, nil
}

// bench is one run's shared state.
type bench struct {
	n       int
	wantDLR bool

	sent, ok, failed atomic.Int64
	receipts         atomic.Int64 // final receipts received
	delivered        atomic.Int64 // of which DELIVRD
	lastReceipt      atomic.Int64 // unix nanos

	mu       sync.Mutex
	failures map[string]int // reason → count
}

// benchResult is what the last line reports.
type benchResult struct {
	sent, ok, failed int64
	elapsed          time.Duration
	p50, p99         float64 // milliseconds
	notes            []string
}

func (r benchResult) rate() int64 {
	if r.elapsed <= 0 {
		return 0
	}
	return int64(math.Round(float64(r.ok) / r.elapsed.Seconds()))
}

// drainer records completions; each goroutine that drains owns one.
type drainer struct {
	b    *bench
	hist latency.Histogram
	got  int64 // completions recorded
}

func (d *drainer) record(c *smpp.Call) {
	d.got++
	if c.Err != nil {
		d.b.failed.Add(1)
		d.b.fail(c.Err)
		return
	}
	d.hist.Add(time.Since(c.Sent))
	d.b.ok.Add(1)
}

func (b *bench) fail(err error) {
	reason := strings.TrimPrefix(err.Error(), "smpp: ")
	var st pdu.Status
	if errors.As(err, &st) {
		reason = st.String()
	}
	b.mu.Lock()
	if b.failures == nil {
		b.failures = make(map[string]int)
	}
	b.failures[reason]++
	b.mu.Unlock()
}

// run submits b.n messages and waits for every response (and receipt).
func (b *bench) run(ctx context.Context, sessions []*smpp.Session, req *pdu.SubmitSM, window int, lim *rate.Limiter, dlrWait time.Duration) benchResult {
	conns := len(sessions)
	done := make(chan *smpp.Call, 2*window*conns+64)
	drainers := make([]*drainer, conns+1)
	for i := range drainers {
		drainers[i] = &drainer{b: b}
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i, s := range sessions {
		quota := b.n / conns
		if i < b.n%conns {
			quota++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.submit(ctx, s, req, quota, lim, done, drainers[i])
		}()
	}
	wg.Wait()
	// Every attempted request completes exactly once (response, response
	// timer or session end), so wait for the rest.
	last := drainers[conns]
	for {
		var got int64
		for _, d := range drainers {
			got += d.got
		}
		if got >= b.sent.Load() {
			break
		}
		last.record(<-done)
	}
	end := time.Now()
	res := benchResult{sent: b.sent.Load()}
	var notes []string
	accepted := b.ok.Load()
	res.ok, res.failed = accepted, b.failed.Load()
	if b.wantDLR && accepted > 0 {
		b.waitReceipts(ctx, accepted, dlrWait)
		got := b.receipts.Load()
		delivered := b.delivered.Load()
		if lr := b.lastReceipt.Load(); lr > 0 {
			end = time.Unix(0, max(lr, end.UnixNano()))
		}
		notes = append(notes, fmt.Sprintf("receipts=%d delivered=%d (of %d accepted)", got, delivered, accepted))
		res.ok = min(accepted, delivered)
		res.failed = res.sent - res.ok
	}
	res.elapsed = end.Sub(start)
	var h latency.Histogram
	for _, d := range drainers {
		h.Merge(&d.hist)
	}
	res.p50, res.p99 = h.Quantile(0.50), h.Quantile(0.99)
	b.mu.Lock()
	reasons := make([]string, 0, len(b.failures))
	for r, n := range b.failures {
		reasons = append(reasons, fmt.Sprintf("%s×%d", r, n))
	}
	b.mu.Unlock()
	if len(reasons) > 0 {
		sort.Strings(reasons)
		notes = append(notes, "failures: "+strings.Join(reasons, ", "))
	}
	res.notes = notes
	return res
}

// submit is one connection's loop: it issues quota requests with Go and
// drains the shared completion channel between them. It stops early when
// ctx ends or the session closes (the remaining messages are not sent).
func (b *bench) submit(ctx context.Context, s *smpp.Session, req *pdu.SubmitSM, quota int, lim *rate.Limiter, done chan *smpp.Call, d *drainer) {
	for i := range quota {
		if lim != nil {
			if err := lim.Wait(ctx); err != nil {
				return
			}
		}
		if i%64 == 0 {
			// Checked now and then: Go itself refuses once ctx ended or
			// the session closed, which records a failure per message.
			if ctx.Err() != nil {
				return
			}
			select {
			case <-s.Done():
				return
			default:
			}
		}
		b.sent.Add(1)
		s.Go(ctx, req, done)
	drain:
		for {
			select {
			case c := <-done:
				d.record(c)
			default:
				break drain
			}
		}
	}
}

// waitReceipts waits until accepted final receipts arrived, or dlrWait
// passed without progress, or ctx ended.
func (b *bench) waitReceipts(ctx context.Context, accepted int64, dlrWait time.Duration) {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	lastCount, lastChange := b.receipts.Load(), time.Now()
	for {
		got := b.receipts.Load()
		if got >= accepted {
			return
		}
		if got != lastCount {
			lastCount, lastChange = got, time.Now()
		}
		if time.Since(lastChange) > dlrWait {
			return
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		}
	}
}

// ServeSMPP counts receipts (bench --dlr) and acknowledges everything. It
// reads the message_state TLV when there is one: parsing the text in a
// request goroutine (small stack) costs several times more.
func (b *bench) ServeSMPP(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
	p, ok := r.PDU.(*pdu.DeliverSM)
	if !ok {
		return nil, b.serveOther(r)
	}
	if p.ESMClass&pdu.ESMTypeMask != pdu.ESMTypeDeliveryReceipt {
		return nil, nil // not a final receipt (intermediate, MO)
	}
	if v, ok := p.TLVs.Uint8(pdu.TagMessageState); ok {
		b.countReceipt(pdu.MessageState(v))
		return nil, nil
	}
	return nil, b.serveOther(r)
}

// serveOther counts a receipt that needs its text parsed.
//
//go:noinline
func (b *bench) serveOther(r *smpp.Request) error {
	var (
		rc dlr.Receipt
		ok bool
	)
	switch p := r.PDU.(type) {
	case *pdu.DeliverSM:
		rc, ok = dlr.FromDeliverSM(p)
	case *pdu.DataSM:
		rc, ok = dlr.FromDataSM(p)
	}
	if ok && !rc.Intermediate {
		b.countReceipt(rc.MessageState())
	}
	return nil
}

func (b *bench) countReceipt(st pdu.MessageState) {
	if !st.Final() {
		return
	}
	if st == pdu.StateDelivered {
		b.delivered.Add(1)
	}
	b.receipts.Add(1)
	b.lastReceipt.Store(time.Now().UnixNano())
}

// startProgress redraws a progress line at most 10 times a second when
// stdout is a terminal; the returned function erases it.
func startProgress(stdout io.Writer, b *bench) func() {
	f, ok := stdout.(*os.File)
	if !ok {
		return func() {}
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		start := time.Now()
		prevOK, prevT := int64(0), start
		for {
			select {
			case <-stop:
				fmt.Fprint(f, "\r\033[K")
				return
			case now := <-t.C:
				ok := b.ok.Load()
				inst := float64(ok-prevOK) / now.Sub(prevT).Seconds()
				prevOK, prevT = ok, now
				line := fmt.Sprintf("bench: sent=%d/%d ok=%d failed=%d rate=%.0f/s elapsed=%.1fs",
					b.sent.Load(), b.n, ok, b.failed.Load(), inst, now.Sub(start).Seconds())
				if b.wantDLR {
					line += fmt.Sprintf(" receipts=%d", b.receipts.Load())
				}
				fmt.Fprintf(f, "\r%s\033[K", line)
			}
		}
	}()
	return func() { close(stop); wg.Wait() }
}
