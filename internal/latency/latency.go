// Package latency is the latency histogram shared by the load generators:
// `smpp bench`, `smpp soak` and the peer clients in the bench module, so that
// every percentile they print is computed the same way.
package latency

import (
	"math"
	"math/bits"
	"time"
)

// Histogram is a log-linear latency histogram in microseconds: exact below
// 1024µs, then 512 buckets per power of two (relative error < 0.2%). The
// zero value is empty and ready; it is not safe for concurrent use.
type Histogram struct {
	counts []uint64
	total  uint64
}

const (
	linear = 1024
	sub    = 512
	shifts = 40
)

// Add records one latency; negative durations count as zero.
func (h *Histogram) Add(d time.Duration) {
	if h.counts == nil {
		h.counts = make([]uint64, linear+shifts*sub)
	}
	us := uint64(max(d, 0) / time.Microsecond)
	h.counts[index(us)]++
	h.total++
}

// index is the bucket of a latency of us microseconds.
func index(us uint64) int {
	if us < linear {
		return int(us)
	}
	shift := bits.Len64(us) - 10 // us>>shift is in [512, 1023]
	if shift > shifts {
		return linear + shifts*sub - 1
	}
	return linear + (shift-1)*sub + int(us>>shift) - sub
}

// value returns the middle of bucket i in microseconds.
func value(i int) float64 {
	if i < linear {
		return float64(i)
	}
	shift := (i-linear)/sub + 1
	m := uint64((i-linear)%sub + sub)
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
	rank := max(uint64(math.Ceil(q*float64(h.total))), 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return value(i) / 1000
		}
	}
	return value(len(h.counts)-1) / 1000
}
