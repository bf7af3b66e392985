package loadstat

import (
	"bytes"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	var h Histogram
	if h.Quantile(0.5) != 0 {
		t.Fatal("empty histogram: want 0")
	}
	for i := 1; i <= 100; i++ {
		h.Add(time.Duration(i) * 10 * time.Microsecond) // 10µs .. 1000µs
	}
	if got := h.Quantile(0.50); got != 0.5 {
		t.Errorf("p50 = %vms, want 0.5ms", got)
	}
	if got := h.Quantile(0.99); got != 0.99 {
		t.Errorf("p99 = %vms, want 0.99ms", got)
	}
	var big Histogram
	big.Add(250 * time.Millisecond)
	if got := big.Quantile(0.5); got < 249.5 || got > 250.5 {
		t.Errorf("p50 of 250ms = %vms, want within 0.2%%", got)
	}
	var m Histogram
	m.Merge(&h)
	m.Merge(&big)
	if m.Count() != 101 {
		t.Errorf("merged count = %d, want 101", m.Count())
	}
}

func TestPrint(t *testing.T) {
	var h Histogram
	h.Add(time.Millisecond)
	var buf bytes.Buffer
	Result{Sent: 4, OK: 3, Failed: 1, Elapsed: 1500 * time.Millisecond, Hist: &h}.Print(&buf)
	want := "bench: sent=4 ok=3 failed=1 elapsed=1.500 rate=2/s p50=1.000ms p99=1.000ms\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}
