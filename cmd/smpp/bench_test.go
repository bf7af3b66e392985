package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchLineRE is the contract of design/README.md for bench's last line.
var benchLineRE = regexp.MustCompile(`^bench: sent=(\d+) ok=(\d+) failed=(\d+) elapsed=(\d+\.\d{2,3}) rate=(\d+)/s p50=(\d+\.\d{2,3})ms p99=(\d+\.\d{2,3})ms$`)

// lastLine checks that out's last line is the bench line and returns its
// numbers: sent, ok, failed, elapsed, rate, p50, p99.
func lastLine(t *testing.T, out string) []float64 {
	t.Helper()
	ls := lines(out)
	if len(ls) == 0 {
		t.Fatal("no output")
	}
	m := benchLineRE.FindStringSubmatch(ls[len(ls)-1])
	if m == nil {
		t.Fatalf("last line %q does not match the contract", ls[len(ls)-1])
	}
	var v []float64
	for _, s := range m[1:] {
		f, _ := strconv.ParseFloat(s, 64)
		v = append(v, f)
	}
	return v
}

func TestBench(t *testing.T) {
	addr := startServe(t)
	r := runCmd(t, "bench", "--addr", addr, "-n", "2000", "--window", "64", "--conns", "2")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("%+v", r)
	}
	if len(lines(r.stdout)) != 1 {
		t.Errorf("stdout is not a terminal: want only the last line, got %q", r.stdout)
	}
	v := lastLine(t, r.stdout)
	if v[0] != 2000 || v[1] != 2000 || v[2] != 0 {
		t.Errorf("counts %v", v[:3])
	}
	if v[3] <= 0 || v[4] <= 0 || v[5] <= 0 || v[6] < v[5] {
		t.Errorf("elapsed/rate/latency %v", v[3:])
	}
	// rate is ok/elapsed, as an integer, from the unrounded elapsed time:
	// elapsed is printed to the millisecond, so the rate lies between ok
	// over elapsed ± 0.5 ms (a short run makes that interval wide).
	lo, hi := v[1]/(v[3]+0.0005), v[1]/max(v[3]-0.0005, 1e-9)
	if v[4] < lo-1 || v[4] > hi+1 {
		t.Errorf("rate %v, want ok/elapsed within [%.0f, %.0f]", v[4], lo, hi)
	}
}

func TestBenchDLR(t *testing.T) {
	addr := startServe(t, "--dlr")
	r := runCmd(t, "bench", "--addr", addr, "-n", "500", "--window", "32", "--conns", "2", "--dlr", "--text", "ünïcödé ☺")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	v := lastLine(t, r.stdout)
	if v[0] != 500 || v[1] != 500 || v[2] != 0 {
		t.Errorf("counts %v", v[:3])
	}
	if want := "smpp bench: receipts=500 delivered=500 (of 500 accepted)\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	// Without --dlr on the server no receipt comes: every message fails.
	addr = startServe(t)
	r = runCmd(t, "bench", "--addr", addr, "-n", "20", "--dlr", "--dlr-wait", "100ms")
	if r.code != 1 {
		t.Fatalf("no receipts: %+v", r)
	}
	if v := lastLine(t, r.stdout); v[0] != 20 || v[1] != 0 || v[2] != 20 {
		t.Errorf("no receipts: %v", v)
	}
}

// TestBenchFailures: refused submissions are counted, reported, and make the
// exit status 1.
func TestBenchFailures(t *testing.T) {
	addr := startServe(t)
	r := runCmd(t, "bench", "--addr", addr, "-n", "50", "--to", "1", "--to-ton", "9")
	if r.code != 1 {
		t.Fatalf("%+v", r)
	}
	if v := lastLine(t, r.stdout); v[0] != 50 || v[1] != 0 || v[2] != 50 {
		t.Errorf("%v", v)
	}
	if want := "smpp bench: failures: ESME_RINVDSTTON×50\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
}

func TestBenchRate(t *testing.T) {
	addr := startServe(t)
	start := time.Now()
	r := runCmd(t, "bench", "--addr", addr, "-n", "60", "--rate", "300")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	// 60 messages at 300/s with a burst of 6 take about 180ms.
	if d := time.Since(start); d < 120*time.Millisecond {
		t.Errorf("--rate 300 sent 60 in %v", d)
	}
	if v := lastLine(t, r.stdout); v[1] != 60 || v[4] > 400 {
		t.Errorf("%v", v)
	}
}

func TestBenchUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		re   string
	}{
		{[]string{"-n", "0"}, `invalid -n 0`},
		{[]string{"--window", "0"}, `invalid --window 0`},
		{[]string{"--conns", "0"}, `invalid --conns 0`},
		{[]string{"-n", "2", "--conns", "3"}, `--conns 3 exceeds -n 2`},
		{[]string{"--rate", "-1"}, `invalid --rate -1`},
		{[]string{"--text", strings.Repeat("a", 200)}, `--text needs 2 messages`},
		{[]string{"--coding", "nope"}, `invalid --coding "nope"`},
		{[]string{"--bind", "rx"}, `--bind rx cannot submit`},
		{[]string{"--dlr", "--bind", "tx"}, `--dlr needs a bind that receives`},
		{[]string{"-n", "x"}, `invalid value "x" for flag -n`},
	} {
		r := runCmd(t, append([]string{"bench"}, tc.args...)...)
		wantOneLineError(t, r, 2, `^smpp bench: `+tc.re)
	}
}
