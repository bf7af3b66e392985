// Package loadstat is the bookkeeping shared by the peer load generators in
// bench/cmd: the result line of `smpp bench`, with percentiles from the same
// latency histogram (internal/latency),
//
//	bench: sent=N ok=N failed=N elapsed=S rate=R/s p50=Xms p99=Yms
//
// so that bench/sessions.sh parses every client's output the same way.
package loadstat

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/smppstack/smpp/internal/latency"
)

// Result is one run's outcome.
type Result struct {
	Sent, OK, Failed int64
	Elapsed          time.Duration // first submission to last response
	Hist             *latency.Histogram
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
