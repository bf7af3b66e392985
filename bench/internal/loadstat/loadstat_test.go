package loadstat

import (
	"bytes"
	"testing"
	"time"

	"github.com/smppstack/smpp/internal/latency"
)

func TestPrint(t *testing.T) {
	var h latency.Histogram
	h.Add(time.Millisecond)
	var buf bytes.Buffer
	Result{Sent: 4, OK: 3, Failed: 1, Elapsed: 1500 * time.Millisecond, Hist: &h}.Print(&buf)
	want := "bench: sent=4 ok=3 failed=1 elapsed=1.500 rate=2/s p50=1.000ms p99=1.000ms\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}
