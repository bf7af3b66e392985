// Command gosmppclient is the peer load generator of the session benchmarks
// (issue #3): it binds one transmitter with github.com/linxGnu/gosmpp
// v0.3.1, submits -n submit_sm keeping --window requests outstanding, and
// prints the same last line as `smpp bench`:
//
//	bench: sent=N ok=N failed=N elapsed=S rate=R/s p50=Xms p99=Yms
//
// elapsed runs from the first submission to the last response; latency is
// taken from just before Session.Transmitter().Submit to the callback that
// delivers the submit_sm_resp.
//
// gosmpp's Submit is asynchronous (it queues the PDU to the session's writer
// goroutine) and does not wait for a window slot, so the window is a
// counting semaphore of --window slots taken before Submit and given back
// by the response callback. Two ways of receiving responses:
//
//	--mode window  gosmpp's WindowedRequestTracking (MaxWindowSize is a
//	               uint8, so windows above 255 are refused), responses
//	               arrive in OnExpectedPduResponse;
//	--mode onpdu   no tracking, responses arrive in OnPDU (the default,
//	               and the only mode for --window 256).
//
// gosmpp's writer adds a request to its window store after writing it to the
// socket, so a fast server's response can overtake the store: gosmpp then
// reports it to OnUnexpectedPduResponse and the store keeps the request. The
// window mode counts such responses as completed (their number is printed)
// and the leaked entries reduce the usable window; this is gosmpp's
// behaviour, measured as is.
//
// Every submit_sm is a new *pdu.SubmitSM from pdu.NewSubmitSM (gosmpp assigns
// the sequence number in the constructor and marshals the PDU later, on its
// writer goroutine, so one PDU cannot be reused). Source "bench" (TON 5,
// NPI 0), destination "15550000000" (TON 1, NPI 1), text "smpp bench
// message" in GSM 7-bit: the same message as `smpp bench`'s default.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linxGnu/gosmpp"
	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"

	"github.com/smppstack/smpp/bench/internal/loadstat"
	"github.com/smppstack/smpp/internal/latency"
)

// ringSize bounds the sequence numbers whose send time is remembered: far
// more than any window, so a slot is never reused while outstanding.
const ringSize = 1 << 16

func main() {
	addr := flag.String("addr", "127.0.0.1:2775", "SMSC `HOST:PORT`")
	n := flag.Int("n", 10000, "number of submit_sm")
	window := flag.Int("window", 256, "outstanding requests")
	systemID := flag.String("system-id", "client", "system_id to bind with")
	password := flag.String("password", "secret", "password to bind with")
	mode := flag.String("mode", "onpdu", "how responses are received: `onpdu|window`")
	text := flag.String("text", "smpp bench message", "message text (GSM 7-bit)")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up after `D`")
	cpuProf := flag.String("cpuprofile", "", "write a CPU profile of the run to `FILE`")
	flag.Parse()
	switch {
	case *n <= 0 || *window <= 0:
		log.Fatal("gosmppclient: -n and --window must be positive")
	case *mode != "onpdu" && *mode != "window":
		log.Fatalf("gosmppclient: unknown --mode %q", *mode)
	case *mode == "window" && *window > 255:
		log.Fatalf("gosmppclient: --mode window: gosmpp's MaxWindowSize is a uint8, --window %d does not fit", *window)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // as `smpp bench` does
	}

	r := &run{n: int64(*n), sem: make(chan struct{}, *window), done: make(chan struct{})}
	settings := gosmpp.Settings{
		ReadTimeout: *timeout + time.Minute,
		OnReceivingError: func(err error) {
			if !r.finished.Load() {
				log.Printf("gosmppclient: receiving: %v", err)
			}
		},
		OnSubmitError: func(p pdu.PDU, err error) {
			if _, ok := p.(*pdu.SubmitSM); ok {
				r.complete(p.GetSequenceNumber(), false)
			}
			if r.submitErrs.Add(1) == 1 {
				log.Printf("gosmppclient: first submit error: %v", err)
			}
		},
		OnClosed: func(st gosmpp.State) {
			if !r.finished.Load() {
				log.Printf("gosmppclient: closed: %v", st)
			}
		},
	}
	if *mode == "window" {
		settings.WindowedRequestTracking = &gosmpp.WindowedRequestTracking{
			OnExpectedPduResponse:   func(resp gosmpp.Response) { r.response(resp.PDU) },
			OnUnexpectedPduResponse: func(p pdu.PDU) { r.unexpected.Add(1); r.response(p) },
			OnReceivedPduRequest: func(p pdu.PDU) (pdu.PDU, bool) {
				if p.CanResponse() {
					return p.GetResponse(), false
				}
				return nil, false
			},
			MaxWindowSize:      uint8(*window),
			StoreAccessTimeOut: 1000, // gosmpp multiplies it by time.Millisecond
			EnableAutoRespond:  true,
		}
	} else {
		settings.OnPDU = func(p pdu.PDU, _ bool) { r.response(p) }
	}

	auth := gosmpp.Auth{SMSC: *addr, SystemID: *systemID, Password: *password}
	sess, err := gosmpp.NewSession(gosmpp.TXConnector(gosmpp.NonTLSDialer, auth), settings, 0)
	if err != nil {
		log.Fatalf("gosmppclient: bind: %v", err)
	}

	src, err := pdu.NewAddressWithTonNpiAddr(5, 0, "bench")
	if err != nil {
		log.Fatal(err)
	}
	dst, err := pdu.NewAddressWithTonNpiAddr(1, 1, "15550000000")
	if err != nil {
		log.Fatal(err)
	}

	if *cpuProf != "" {
		f, err := os.Create(*cpuProf)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}

	tx := sess.Transmitter()
	deadline := time.After(*timeout)
	r.start = time.Now()
submit:
	for range *n {
		select {
		case r.sem <- struct{}{}:
		case <-deadline:
			break submit
		}
		p := pdu.NewSubmitSM().(*pdu.SubmitSM)
		p.SourceAddr = src
		p.DestAddr = dst
		if err := p.Message.SetMessageWithEncoding(*text, data.GSM7BIT); err != nil {
			log.Fatal(err)
		}
		r.sentAt[uint32(p.GetSequenceNumber())%ringSize].Store(time.Now().UnixNano())
		r.sent.Add(1)
		if err := tx.Submit(p); err != nil {
			r.complete(p.GetSequenceNumber(), false)
			log.Printf("gosmppclient: Submit: %v", err)
			break
		}
	}
	r.submitted.Store(true)
	r.checkDone()
	select {
	case <-r.done:
	case <-deadline:
		log.Printf("gosmppclient: timeout with %d of %d responses", r.ok.Load()+r.failed.Load(), r.sent.Load())
	}
	r.finished.Store(true)
	end := time.Unix(0, r.last.Load())
	if r.last.Load() == 0 {
		end = time.Now()
	}
	r.mu.Lock()
	res := loadstat.Result{
		Sent: r.sent.Load(), OK: r.ok.Load(), Failed: r.sent.Load() - r.ok.Load(),
		Elapsed: end.Sub(r.start), Hist: &r.hist,
	}
	r.mu.Unlock()
	if e := r.submitErrs.Load(); e > 1 {
		fmt.Fprintf(os.Stderr, "gosmppclient: %d submit errors (OnSubmitError)\n", e)
	}
	if u := r.unexpected.Load(); u > 0 {
		fmt.Fprintf(os.Stderr, "gosmppclient: %d responses overtook gosmpp's window store (OnUnexpectedPduResponse)\n", u)
	}
	res.Print(os.Stdout)
	sess.Close()
	if res.Failed > 0 {
		os.Exit(1)
	}
}

// run is the state of one run. Responses arrive on gosmpp's single reader
// goroutine; mu only makes the final read of hist race-free.
type run struct {
	n                int64
	sem              chan struct{}
	start            time.Time
	sentAt           [ringSize]atomic.Int64
	sent, ok, failed atomic.Int64
	unexpected       atomic.Int64
	submitErrs       atomic.Int64
	last             atomic.Int64 // unix nanos of the last completion
	submitted        atomic.Bool
	finished         atomic.Bool
	done             chan struct{}
	doneOnce         sync.Once
	mu               sync.Mutex
	hist             latency.Histogram
}

// response handles a PDU from the SMSC: submit_sm_resp or generic_nack
// complete a request; anything else is ignored.
func (r *run) response(p pdu.PDU) {
	switch p.(type) {
	case *pdu.SubmitSMResp, *pdu.GenericNack:
		h := p.GetHeader()
		r.complete(h.SequenceNumber, h.CommandStatus == data.ESME_ROK && !p.IsGNack())
	}
}

func (r *run) complete(seq int32, ok bool) {
	now := time.Now()
	if ok {
		sent := r.sentAt[uint32(seq)%ringSize].Load()
		r.mu.Lock()
		r.hist.Add(now.Sub(time.Unix(0, sent)))
		r.mu.Unlock()
		r.ok.Add(1)
	} else {
		r.failed.Add(1)
	}
	r.last.Store(now.UnixNano())
	select {
	case <-r.sem:
	default: // a response to nothing outstanding: do not block gosmpp's reader
	}
	r.checkDone()
}

func (r *run) checkDone() {
	if r.submitted.Load() && r.ok.Load()+r.failed.Load() >= r.sent.Load() {
		r.doneOnce.Do(func() { close(r.done) })
	}
}
