package main

// smpp soak: mixed load for a set time (issue #6 item 6). It binds C
// transceivers and submits R messages per second in total, spread over the
// kinds of --mix, prints one line per --interval with the interval's
// throughput, latency and resident memory, and a final summary:
//
//	soak: duration=60.0s sent=N ok=N failed=N receipts=G/W mo=G/W rate=R/s p50=Xms p99=Yms rss_start=AMB rss_end=BMB
//
// Kinds: "submit" is a plain submit_sm to --to; "receipt" asks for a final
// receipt (registered_delivery 1) and waits for it; "mo" submits to --mo-to,
// an address that the SMSC routes back to this ESME's account, and waits for
// it to come back as a deliver_sm (without --mo-to, "mo" only counts the
// mobile-originated deliver_sm the SMSC sends on its own, as smpp serve
// --mo-every does). The resident memory is that of --pid when given (the
// SMSC, when it runs on this machine), else of this process.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/internal/latency"
	"github.com/smppstack/smpp/pdu"
)

const soakSynopsis = `smpp soak [--duration D] [--rate R] [--conns C] [--mix submit,receipt,mo]
       [--to ADDR] [--mo-to ADDR] [--interval D] [--pid PID] [--window W] [--drain D]
       [--addr HOST:PORT] [--system-id ID] [--password PW] [--tls [--tls-insecure]]

Runs mixed load against an SMSC for --duration: C transceiver sessions
submit R messages per second in total, spread over the kinds of --mix:
submit (plain submit_sm to --to), receipt (asks for a final receipt and
waits for it), mo (submits to --mo-to, which the SMSC routes back to this
account, and waits for the deliver_sm; without --mo-to it counts the MO the
SMSC sends by itself). Every --interval it prints

  soak: t=S sent=N ok=N failed=N receipts=N mo=N rate=R/s p50=Xms p99=Yms rss=MB

for that interval, and at the end, after waiting up to --drain for the
missing receipts and MO,

  soak: duration=S sent=N ok=N failed=N receipts=G/W mo=G/W rate=R/s p50=Xms p99=Yms rss_start=MB rss_end=MB

rss is VmRSS of --pid (the SMSC, when local) or else of this process. The
exit status is 1 when a submission failed or a receipt or MO is missing.`

// soakKind is one kind of the mix.
type soakKind int

const (
	soakSubmit soakKind = iota
	soakReceipt
	soakMO
)

// soakStats are counters shared by the load goroutines.
type soakStats struct {
	sent, ok, failed, receipts, mo atomic.Int64
	moWant                         atomic.Int64

	mu          sync.Mutex
	hist        latency.Histogram // of the current interval
	total       latency.Histogram
	wantReceipt map[string]bool // message ids that asked for a receipt
	gotReceipt  map[string]bool // receipted message ids
	firstErr    string
}

func (st *soakStats) record(c *smpp.Call, kind soakKind) {
	lat := time.Since(c.Sent)
	st.mu.Lock()
	defer st.mu.Unlock()
	if c.Err != nil {
		st.failed.Add(1)
		if st.firstErr == "" {
			st.firstErr = c.Err.Error()
		}
		return
	}
	st.ok.Add(1)
	st.hist.Add(lat)
	st.total.Add(lat)
	switch kind {
	case soakReceipt:
		if r, ok := c.Resp.(*pdu.SubmitSMResp); ok {
			st.wantReceipt[r.MessageID] = true
		}
	case soakMO:
		st.moWant.Add(1)
	}
}

// ServeSMPP counts receipts and MO messages.
func (st *soakStats) ServeSMPP(_ context.Context, r *smpp.Request) (pdu.PDU, error) {
	var d *pdu.DeliverSM
	switch p := r.PDU.(type) {
	case *pdu.DeliverSM:
		d = p
	case *pdu.DataSM:
		st.mo.Add(1)
		return nil, nil
	default:
		return nil, nil
	}
	if rc, ok := dlr.FromDeliverSM(d); ok {
		if rc.State.Final() {
			st.receipts.Add(1)
			st.mu.Lock()
			st.gotReceipt[rc.ID] = true
			st.mu.Unlock()
		}
		return nil, nil
	}
	st.mo.Add(1)
	return nil, nil
}

// receiptsMatched returns how many receipts asked for have arrived.
func (st *soakStats) receiptsMatched() (got, want int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for id := range st.wantReceipt {
		if st.gotReceipt[id] {
			got++
		}
	}
	return got, len(st.wantReceipt)
}

// runSoak is the soak subcommand.
func runSoak(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{name: "smpp soak", stdout: stdout, stderr: stderr}
	fs := newFlagSet("soak")
	var (
		ef       esmeFlags
		from, to addrFlags
		moTo     addrFlags
		duration time.Duration
		interval time.Duration
		drain    time.Duration
		rateArg  float64
		conns    int
		window   int
		mixArg   string
		pid      int
	)
	ef.register(fs, "trx", "response timeout of each submission", 30*time.Second)
	fs.DurationVar(&duration, "duration", time.Minute, "how long to load the SMSC")
	fs.DurationVar(&interval, "interval", 10*time.Second, "print a line every `D`")
	fs.DurationVar(&drain, "drain", 30*time.Second, "after the load, wait up to `D` for missing receipts and MO")
	fs.Float64Var(&rateArg, "rate", 100, "submissions per second in total")
	fs.IntVar(&conns, "conns", 1, "number of transceiver sessions")
	fs.IntVar(&window, "window", 64, "outstanding submissions per session")
	fs.StringVar(&mixArg, "mix", "submit,receipt", "kinds of load, comma-separated: `submit,receipt,mo`")
	from.register(fs, "from", "soak", "source address `ADDR`")
	to.register(fs, "to", "15550000000", "destination address `ADDR` of submit and receipt")
	moTo.register(fs, "mo-to", "", "destination `ADDR` of mo submissions: an address the SMSC routes back to this account")
	fs.IntVar(&pid, "pid", 0, "report the resident memory of process `PID` (default: this process)")
	if ok, code := c.parse(fs, args, soakSynopsis); !ok {
		return code
	}
	mode, err := ef.resolve(fs, false)
	if err != nil {
		return c.usageError("%v", err)
	}
	var mix []soakKind
	seen := map[string]bool{}
	for _, k := range strings.Split(mixArg, ",") {
		k = strings.TrimSpace(k)
		if seen[k] {
			return c.usageError("--mix names %q twice", k)
		}
		seen[k] = true
		switch k {
		case "submit":
			mix = append(mix, soakSubmit)
		case "receipt":
			mix = append(mix, soakReceipt)
		case "mo":
			if moTo.addr != "" {
				mix = append(mix, soakMO)
			}
		default:
			return c.usageError("invalid --mix %q: want submit, receipt or mo", k)
		}
	}
	switch {
	case duration <= 0:
		return c.usageError("invalid --duration %v: must be positive", duration)
	case interval <= 0:
		return c.usageError("invalid --interval %v: must be positive", interval)
	case drain < 0:
		return c.usageError("invalid --drain %v", drain)
	case rateArg <= 0 || math.IsNaN(rateArg) || math.IsInf(rateArg, 0):
		return c.usageError("invalid --rate %v: must be positive", rateArg)
	case conns <= 0:
		return c.usageError("invalid --conns %d: must be positive", conns)
	case window <= 0:
		return c.usageError("invalid --window %d: must be positive", window)
	case len(mix) == 0 && !seen["mo"]:
		return c.usageError("--mix is empty")
	case (seen["receipt"] || seen["mo"]) && !mode.CanReceive():
		return c.usageError("receipts and MO need a bind that receives: --bind trx")
	case len(mix) > 0 && !mode.CanSend():
		return c.usageError("--bind %s cannot submit; use trx", ef.bind)
	case pid < 0:
		return c.usageError("invalid --pid %d", pid)
	}
	if pid == 0 {
		pid = os.Getpid()
	} else if _, err := readRSS(pid); err != nil {
		return c.errorf(exitFail, "cannot read the memory of process %d: %v", pid, err)
	}
	src, err := from.address("from", 20)
	if err != nil {
		return c.usageError("%v", err)
	}
	dst, err := to.address("to", 20)
	if err != nil {
		return c.usageError("%v", err)
	}
	var moDst pdu.Address
	if moTo.addr != "" {
		if moDst, err = moTo.address("mo-to", 20); err != nil {
			return c.usageError("%v", err)
		}
	}
	reqs := map[soakKind]*pdu.SubmitSM{
		soakSubmit:  {SourceAddrTON: src.TON, SourceAddrNPI: src.NPI, SourceAddr: src.Addr, DestAddrTON: dst.TON, DestAddrNPI: dst.NPI, DestinationAddr: dst.Addr, ShortMessage: []byte("smpp soak")},
		soakReceipt: {SourceAddrTON: src.TON, SourceAddrNPI: src.NPI, SourceAddr: src.Addr, DestAddrTON: dst.TON, DestAddrNPI: dst.NPI, DestinationAddr: dst.Addr, RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("smpp soak receipt")},
		soakMO:      {SourceAddrTON: src.TON, SourceAddrNPI: src.NPI, SourceAddr: src.Addr, DestAddrTON: moDst.TON, DestAddrNPI: moDst.NPI, DestinationAddr: moDst.Addr, ShortMessage: []byte("smpp soak mo")},
	}

	st := &soakStats{wantReceipt: map[string]bool{}, gotReceipt: map[string]bool{}}
	cfg := smpp.SessionConfig{Window: window, ResponseTimeout: ef.timeout}
	sessions, err := soakDial(ctx, &ef, conns, mode, st, cfg)
	if err != nil {
		return c.errorf(exitFail, "%v", err)
	}
	defer closeAll(sessions, 5*time.Second)
	rssStart, _ := readRSS(pid)
	fmt.Fprintf(stdout, "soak: start conns=%d rate=%g/s mix=%s duration=%v rss=%.1fMB (pid %d)\n", conns, rateArg, mixArg, duration, mb(rssStart), pid)

	// Load: one goroutine per session, sharing one limiter; every completion
	// goes to one collector, which tells the kind by the request template.
	lim := rate.NewLimiter(rate.Limit(rateArg), max(1, int(rateArg/100)))
	start := time.Now()
	loadCtx, stopLoad := context.WithDeadline(ctx, start.Add(duration))
	defer stopLoad()
	kindOf := map[pdu.PDU]soakKind{}
	for k, r := range reqs {
		kindOf[r] = k
	}
	var next atomic.Int64
	var load, inflight sync.WaitGroup
	calls := make(chan *smpp.Call, conns*window+16) // never full: at most conns×window outstanding
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for c := range calls {
			if c.Err != nil && smpp.SafeToRetry(c.Err) && loadCtx.Err() != nil &&
				(errors.Is(c.Err, context.DeadlineExceeded) || errors.Is(c.Err, context.Canceled)) {
				// Not sent: the load ended while it waited for a window slot.
			} else {
				st.sent.Add(1)
				st.record(c, kindOf[c.Req])
			}
			inflight.Done()
		}
	}()
	if len(mix) > 0 {
		for _, s := range sessions {
			load.Add(1)
			go func() {
				defer load.Done()
				for lim.Wait(loadCtx) == nil {
					kind := mix[int(next.Add(1)-1)%len(mix)]
					inflight.Add(1)
					s.Go(loadCtx, reqs[kind], calls)
				}
			}()
		}
	}
	// Report.
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var last struct{ sent, ok, failed, receipts, mo int64 }
	lastAt := start
	report := func(now time.Time) {
		sent, ok, failed, receipts, mo := st.sent.Load(), st.ok.Load(), st.failed.Load(), st.receipts.Load(), st.mo.Load()
		st.mu.Lock()
		p50, p99 := st.hist.Quantile(0.50), st.hist.Quantile(0.99)
		st.hist = latency.Histogram{}
		st.mu.Unlock()
		secs := now.Sub(lastAt).Seconds()
		rss, _ := readRSS(pid)
		fmt.Fprintf(stdout, "soak: t=%.0fs sent=%d ok=%d failed=%d receipts=%d mo=%d rate=%.0f/s p50=%.2fms p99=%.2fms rss=%.1fMB\n",
			now.Sub(start).Seconds(), sent-last.sent, ok-last.ok, failed-last.failed, receipts-last.receipts, mo-last.mo,
			float64(ok-last.ok)/secs, p50, p99, mb(rss))
		last.sent, last.ok, last.failed, last.receipts, last.mo = sent, ok, failed, receipts, mo
		lastAt = now
	}
loop:
	for {
		select {
		case now := <-tick.C:
			report(now)
		case <-loadCtx.Done():
			break loop
		}
	}
	load.Wait()
	inflight.Wait()
	close(calls)
	<-collected
	elapsed := time.Since(start)
	if time.Since(lastAt) > interval/10 {
		report(time.Now())
	}
	interrupted := ctx.Err() != nil
	// Drain: wait for the receipts and MO still missing.
	deadline := time.Now().Add(drain)
	for !interrupted && time.Now().Before(deadline) {
		got, want := st.receiptsMatched()
		if got >= want && (moDst.Addr == "" || st.mo.Load() >= st.moWant.Load()) {
			break
		}
		select {
		case <-ctx.Done():
			interrupted = true
		case <-time.After(50 * time.Millisecond):
		}
	}
	rssEnd, _ := readRSS(pid)
	got, want := st.receiptsMatched()
	mo := fmt.Sprint(st.mo.Load())
	if moDst.Addr != "" {
		mo += "/" + fmt.Sprint(st.moWant.Load())
	}
	st.mu.Lock()
	p50, p99 := st.total.Quantile(0.50), st.total.Quantile(0.99)
	firstErr := st.firstErr
	st.mu.Unlock()
	ok, failed := st.ok.Load(), st.failed.Load()
	fmt.Fprintf(stdout, "soak: duration=%.1fs sent=%d ok=%d failed=%d receipts=%d/%d mo=%s rate=%.0f/s p50=%.2fms p99=%.2fms rss_start=%.1fMB rss_end=%.1fMB\n",
		elapsed.Seconds(), st.sent.Load(), ok, failed, got, want, mo, float64(ok)/elapsed.Seconds(), p50, p99, mb(rssStart), mb(rssEnd))
	switch {
	case failed > 0:
		return c.errorf(exitFail, "%d submissions failed (first: %s)", failed, firstErr)
	case got < want:
		return c.errorf(exitFail, "%d receipts missing after --drain %v", want-got, drain)
	case moDst.Addr != "" && st.mo.Load() < st.moWant.Load():
		return c.errorf(exitFail, "%d MO missing after --drain %v", st.moWant.Load()-st.mo.Load(), drain)
	}
	return exitOK
}

// soakDial binds conns sessions, 64 at a time; on a failure it closes those
// that bound.
func soakDial(ctx context.Context, ef *esmeFlags, conns int, mode pdu.BindMode, h smpp.Handler, cfg smpp.SessionConfig) ([]*smpp.Session, error) {
	sessions := make([]*smpp.Session, conns)
	var next atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for range min(conns, 64) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for firstErr.Load() == nil {
				i := int(next.Add(1) - 1)
				if i >= conns {
					return
				}
				s, err := ef.dial(ctx, mode, h, cfg)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				sessions[i] = s
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		for _, s := range sessions {
			if s != nil {
				s.Close()
			}
		}
		return nil, err
	}
	return sessions, nil
}

// readRSS returns VmRSS of a process in bytes, from /proc.
func readRSS(pid int) (uint64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

func mb(b uint64) float64 { return float64(b) / 1e6 }
