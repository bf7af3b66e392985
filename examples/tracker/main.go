// Command tracker ingests location reports sent by SMS from vehicles and
// devices (taxi fleets, stolen-vehicle trackers, logistics): each report is
// a text "LOC lat,lon,speed" from the device's number.
//
// It binds as a receiver through a managed [smpp.Client] and appends every
// report to an append-only file of JSON lines. A report is acknowledged
// (deliver_sm_resp) only after it was written — and, with -fsync, flushed
// to disk — so a crash never loses an acknowledged report: the SMSC still
// holds the others and delivers them again. Writes from concurrent
// deliveries are grouped into one write and one fsync (group commit), which
// keeps the ingest rate high with fsync on. Malformed reports are neither
// refused nor dropped: they are appended to a second file with the reason,
// counted, and reported.
//
//	go run ./examples/tracker -system-id tracker -password tracker1 -store reports.jsonl
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

type config struct {
	Addr, SystemID, Password string
	// Store is the reports file; malformed reports go to Store+".rejects".
	Store string
	// Fsync flushes every group of writes to disk before acknowledging.
	Fsync bool
	// StatsEvery is how often the counters are printed (when they changed).
	StatsEvery time.Duration
	// MinBackoff and MaxBackoff bound the reconnect delay.
	MinBackoff, MaxBackoff time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:2775", "SMSC address `HOST:PORT`")
	flag.StringVar(&cfg.SystemID, "system-id", "tracker", "system_id to bind with")
	flag.StringVar(&cfg.Password, "password", "", "password to bind with")
	flag.StringVar(&cfg.Store, "store", "reports.jsonl", "append-only `FILE` of reports (malformed ones go to FILE.rejects)")
	flag.BoolVar(&cfg.Fsync, "fsync", true, "fsync each group of writes before acknowledging")
	flag.DurationVar(&cfg.StatsEvery, "stats", 5*time.Second, "print the counters this often")
	flag.DurationVar(&cfg.MinBackoff, "min-backoff", time.Second, "first reconnect delay")
	flag.DurationVar(&cfg.MaxBackoff, "max-backoff", 30*time.Second, "longest reconnect delay")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, cfg, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracker:", err)
		os.Exit(1)
	}
}

// Report is one stored location report.
type Report struct {
	At    time.Time `json:"at"`   // when it was received
	From  string    `json:"from"` // the device's number
	Lat   float64   `json:"lat"`
	Lon   float64   `json:"lon"`
	Speed float64   `json:"speed"` // km/h
}

// Reject is one malformed report, kept for inspection.
type Reject struct {
	At   time.Time `json:"at"`
	From string    `json:"from"`
	Text string    `json:"text"`
	Why  string    `json:"why"`
}

// run ingests reports until ctx ends; it returns nil then.
func run(ctx context.Context, cfg config, out io.Writer) error {
	p := &printer{w: out}
	reports, err := OpenLog(cfg.Store, cfg.Fsync)
	if err != nil {
		return err
	}
	defer reports.Close()
	rejects, err := OpenLog(cfg.Store+".rejects", cfg.Fsync)
	if err != nil {
		return err
	}
	defer rejects.Close()

	var stored, malformed atomic.Int64
	handler := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		dsm, ok := r.PDU.(*pdu.DeliverSM)
		if !ok {
			return nil, pdu.StatusInvCmdID
		}
		if _, ok := r.Receipt(); ok {
			return nil, nil
		}
		now := time.Now().UTC()
		text, err := r.Text()
		var rep Report
		if err == nil {
			rep, err = ParseReport(text)
		}
		if err != nil {
			line, _ := json.Marshal(Reject{At: now, From: dsm.SourceAddr, Text: text, Why: err.Error()})
			if err := rejects.Append(ctx, line); err != nil {
				return nil, pdu.StatusRxTAppn // not kept: let the SMSC retry
			}
			malformed.Add(1)
			return nil, nil
		}
		rep.At, rep.From = now, dsm.SourceAddr
		line, _ := json.Marshal(rep)
		// Returning is the acknowledgement: only after the write.
		if err := reports.Append(ctx, line); err != nil {
			p.printf("cannot store a report from %s: %v\n", rep.From, err)
			return nil, pdu.StatusRxTAppn
		}
		stored.Add(1)
		return nil, nil
	})

	client := &smpp.Client{
		Addr: cfg.Addr,
		Dialer: smpp.Dialer{
			SystemID: cfg.SystemID, Password: cfg.Password,
			Mode:    pdu.BindReceiver,
			Handler: handler,
		},
		MinBackoff: cfg.MinBackoff,
		MaxBackoff: cfg.MaxBackoff,
		OnStateChange: func(st smpp.ClientState, err error) {
			switch {
			case st == smpp.ClientBound:
				p.printf("bound to %s as receiver %s; storing in %s\n", cfg.Addr, cfg.SystemID, cfg.Store)
			case st == smpp.ClientWaiting && err != nil:
				p.printf("link down (%v); reconnecting\n", err)
			}
		},
	}

	var wg sync.WaitGroup
	statsCtx, stopStats := context.WithCancel(ctx)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(cfg.StatsEvery)
		defer t.Stop()
		var lastS, lastM int64
		for {
			select {
			case <-statsCtx.Done():
				return
			case <-t.C:
			}
			s, m := stored.Load(), malformed.Load()
			if s != lastS || m != lastM {
				p.printf("stored %d reports, %d malformed\n", s, m)
				lastS, lastM = s, m
			}
		}
	}()
	err = client.Run(ctx) // returns after unbinding, every handler done
	stopStats()
	wg.Wait()
	p.printf("stopped: stored %d reports, %d malformed (kept in %s.rejects)\n", stored.Load(), malformed.Load(), cfg.Store)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// ParseReport parses "LOC lat,lon,speed" (case-insensitive keyword, spaces
// around the numbers allowed).
func ParseReport(text string) (Report, error) {
	rest, ok := cutPrefixFold(strings.TrimSpace(text), "LOC ")
	if !ok {
		return Report{}, errors.New(`does not start with "LOC "`)
	}
	f := strings.Split(rest, ",")
	if len(f) != 3 {
		return Report{}, fmt.Errorf("want lat,lon,speed: %d fields", len(f))
	}
	var v [3]float64
	for i, s := range f {
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return Report{}, fmt.Errorf("field %d: %q is not a number", i+1, strings.TrimSpace(s))
		}
		v[i] = x
	}
	switch {
	case v[0] < -90 || v[0] > 90:
		return Report{}, fmt.Errorf("latitude %g out of range", v[0])
	case v[1] < -180 || v[1] > 180:
		return Report{}, fmt.Errorf("longitude %g out of range", v[1])
	case v[2] < 0 || v[2] > 1000:
		return Report{}, fmt.Errorf("speed %g out of range", v[2])
	}
	return Report{Lat: v[0], Lon: v[1], Speed: v[2]}, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// Log is an append-only file of lines. Append returns once its line is
// written (and synced, with fsync); concurrent appends are grouped into one
// write and one fsync.
type Log struct {
	f      *os.File
	fsync  bool
	reqs   chan appendReq
	exited chan struct{}

	mu      sync.Mutex
	closed  bool
	pending sync.WaitGroup // Appends in progress
}

type appendReq struct {
	line []byte
	res  chan error
}

var errClosed = errors.New("log closed")

// OpenLog opens or creates the file. A last line left incomplete by a crash
// is cut off first: it was never acknowledged, so the SMSC delivers it again.
func OpenLog(path string, fsync bool) (*Log, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := cutPartialLine(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	l := &Log{f: f, fsync: fsync, reqs: make(chan appendReq, 256), exited: make(chan struct{})}
	go l.writer()
	return l, nil
}

func cutPartialLine(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	buf := make([]byte, 4096)
	end := size
	for end > 0 {
		n := min(end, int64(len(buf)))
		if _, err := f.ReadAt(buf[:n], end-n); err != nil {
			return err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			end = end - n + int64(i) + 1
			break
		}
		end -= n
	}
	if end != size {
		if err := f.Truncate(end); err != nil {
			return err
		}
	}
	_, err = f.Seek(end, io.SeekStart)
	return err
}

// Append writes line (a newline is added) and returns when it is stored.
func (l *Log) Append(ctx context.Context, line []byte) error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return errClosed
	}
	l.pending.Add(1)
	l.mu.Unlock()
	defer l.pending.Done()
	req := appendReq{line: line, res: make(chan error, 1)}
	select {
	case l.reqs <- req:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued the line will be written: wait for it even if ctx ends,
	// so that no caller acknowledges what is not stored, or refuses what is.
	return <-req.res
}

func (l *Log) writer() {
	defer close(l.exited)
	var batch []appendReq
	var buf []byte
	for req := range l.reqs {
		batch = append(batch[:0], req)
	more:
		for len(batch) < 1024 {
			select {
			case req, ok := <-l.reqs:
				if !ok {
					break more
				}
				batch = append(batch, req)
			default:
				break more
			}
		}
		buf = buf[:0]
		for _, r := range batch {
			buf = append(append(buf, r.line...), '\n')
		}
		_, err := l.f.Write(buf)
		if err == nil && l.fsync {
			err = l.f.Sync()
		}
		for _, r := range batch {
			r.res <- err
		}
	}
}

// Close waits for the Appends in progress, refuses new ones and closes the
// file.
func (l *Log) Close() error {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.pending.Wait()
	close(l.reqs)
	<-l.exited
	return l.f.Close()
}

// printer serialises the lines written by the program's goroutines.
type printer struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *printer) printf(format string, a ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format, a...)
}
