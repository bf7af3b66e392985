package latency

import (
	"math"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	var h Histogram
	if h.Quantile(0.5) != 0 {
		t.Error("empty histogram: want 0")
	}
	for i := 1; i <= 1000; i++ {
		h.Add(time.Duration(i) * 10 * time.Microsecond) // 10µs … 10ms
	}
	for _, tc := range []struct{ q, want float64 }{{0.5, 5.0}, {0.99, 9.9}, {1, 10}} {
		if got := h.Quantile(tc.q); math.Abs(got-tc.want)/tc.want > 0.005 {
			t.Errorf("q%v = %vms, want %vms", tc.q, got, tc.want)
		}
	}
	var exact Histogram
	for i := 1; i <= 100; i++ {
		exact.Add(time.Duration(i) * 10 * time.Microsecond) // below 1024µs: exact
	}
	if got := exact.Quantile(0.99); got != 0.99 {
		t.Errorf("exact p99 = %vms, want 0.99ms", got)
	}
	var big Histogram
	big.Add(250 * time.Millisecond)
	if got := big.Quantile(0.5); got < 249.5 || got > 250.5 {
		t.Errorf("p50 of 250ms = %vms, want within 0.2%%", got)
	}
}

func TestBuckets(t *testing.T) {
	// Bucket boundaries are monotonic and the value is inside its bucket.
	prev := -1
	for us := uint64(0); us < 1<<24; us = us*9/8 + 1 {
		i := index(us)
		if i < prev {
			t.Fatalf("index(%d) = %d < %d", us, i, prev)
		}
		prev = i
		if v := value(i); math.Abs(v-float64(us)) > float64(us)/256+1 {
			t.Fatalf("value(index(%d)) = %v", us, v)
		}
	}
}

func TestMergeAndExtremes(t *testing.T) {
	var h Histogram
	for i := 1; i <= 1000; i++ {
		h.Add(time.Duration(i) * 10 * time.Microsecond)
	}
	var m Histogram
	m.Merge(&h)
	m.Merge(&Histogram{})
	if m.Count() != 1000 || m.Quantile(0.5) != h.Quantile(0.5) {
		t.Errorf("merge: count %d, p50 %v want %v", m.Count(), m.Quantile(0.5), h.Quantile(0.5))
	}
	h.Add(-time.Second) // clamps to 0
	h.Add(1000 * time.Hour)
	if h.Count() != 1002 {
		t.Errorf("extremes: count %d, want 1002", h.Count())
	}
	if got := h.Quantile(0); got != 0 {
		t.Errorf("q0 after a negative latency = %v, want 0", got)
	}
}
