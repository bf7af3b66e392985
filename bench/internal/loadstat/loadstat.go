// Package loadstat is the bookkeeping shared by the peer load generators in
// bench/cmd: a log-linear latency histogram identical to the one in
// `smpp bench` (cmd/smpp/bench.go), and the result line in the same format,
//
//	bench: sent=N ok=N failed=N elapsed=S rate=R/s p50=Xms p99=Yms
//
// so that bench/sessions.sh parses every client's output the same way.
package loadstat

import (
	"fmt"
	"io"
	"math"
	"math/bits"
	"time"
)

// Histogram is a log-linear latency histogram in microseconds: exact below
// 1024µs, then 512 buckets per power of two (relative error < 0.2%). It is
// not safe for concurrent use.
type Histogram struct {
	counts []uint64
	total  uint64
}

const (
	histLinear = 1024
	histSub    = 512
	histShifts = 40
)

// Add records one latency.
func (h *Histogram) Add(d time.Duration) {
	if h.counts == nil {
		h.counts = make([]uint64, histLinear+histShifts*histSub)
	}
	us := uint64(max(d, 0) / time.Microsecond)
	h.counts[histIndex(us)]++
	h.total++
}

func histIndex(us uint64) int {
	if us < histLinear {
		return int(us)
	}
	shift := bits.Len64(us) - 10 // us>>shift is in [512, 1023]
	if shift > histShifts {
		return histLinear + histShifts*histSub - 1
	}
	return histLinear + (shift-1)*histSub + int(us>>shift) - histSub
}

// histValue returns the middle of bucket i in microseconds.
func histValue(i int) float64 {
	if i < histLinear {
		return float64(i)
	}
	shift := (i-histLinear)/histSub + 1
	m := uint64((i-histLinear)%histSub + histSub)
	lo, hi := m<<shift, (m+1)<<shift
	return float64(lo+hi-1) / 2
}

// Merge adds o's counts to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.total == 0 {
		return
	}
	if h.counts == nil {
		h.counts = make([]uint64, len(o.counts))
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.total += o.total
}

// Count is the number of latencies recorded.
func (h *Histogram) Count() uint64 { return h.total }

// Quantile returns the q-quantile in milliseconds (0 when empty).
func (h *Histogram) Quantile(q float64) float64 {
	if h.total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.total)))
	rank = max(rank, 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return histValue(i) / 1000
		}
	}
	return histValue(len(h.counts)-1) / 1000
}

// Result is one run's outcome.
type Result struct {
	Sent, OK, Failed int64
	Elapsed          time.Duration // first submission to last response
	Hist             *Histogram
}

// Rate is OK per second of Elapsed, rounded.
func (r Result) Rate() int64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return int64(math.Round(float64(r.OK) / r.Elapsed.Seconds()))
}

// Print writes the result line in the format of `smpp bench`.
func (r Result) Print(w io.Writer) {
	var p50, p99 float64
	if r.Hist != nil {
		p50, p99 = r.Hist.Quantile(0.50), r.Hist.Quantile(0.99)
	}
	fmt.Fprintf(w, "bench: sent=%d ok=%d failed=%d elapsed=%.3f rate=%d/s p50=%.3fms p99=%.3fms\n",
		r.Sent, r.OK, r.Failed, r.Elapsed.Seconds(), r.Rate(), p50, p99)
}
