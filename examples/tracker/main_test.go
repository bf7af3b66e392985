package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smppstack/smpp/internal/testout"
	"github.com/smppstack/smpp/smsc/smsctest"
)

// 2,000 reports from 100 vehicles, 50 of them malformed, injected as fast as
// the SMSC takes them: every good report is stored exactly once, every
// malformed one is kept and counted.
func TestTrackerBurst(t *testing.T) {
	srv := smsctest.NewServer(t, smsctest.Account("tracker", "tracker1", "7788"))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	type mo struct{ from, text string }
	var reports []mo
	want := map[string]int{} // "from lat lon speed" of every good report
	for i := range 1950 {
		from := fmt.Sprintf("4477009%05d", i%100)
		lat, lon, speed := 51.0+float64(i)*0.0001, -0.5+float64(i)*0.0002, float64(i%130)
		reports = append(reports, mo{from, fmt.Sprintf("LOC %.4f,%.4f,%g", lat, lon, speed)})
		want[key(from, lat, lon, speed)]++
	}
	bad := []string{"LOC 91.0000,0.1,10", "LOC 51.5,-181,10", "LOC 51.5,-0.1", "LOC north,west,fast", "HELLO", "LOC 51.5,-0.1,-3", "loc51.5,-0.1,3"}
	var malformed []mo
	for i := range 50 {
		malformed = append(malformed, mo{fmt.Sprintf("4477008%05d", i), bad[i%len(bad)]})
	}
	// Interleave the malformed reports with the good ones.
	all := make([]mo, 0, 2000)
	for i, r := range reports {
		all = append(all, r)
		if i%39 == 0 && len(malformed) > 0 {
			all = append(all, malformed[0])
			malformed = malformed[1:]
		}
	}
	all = append(all, malformed...)
	if len(all) != 2000 {
		t.Fatalf("%d reports", len(all))
	}

	dir := t.TempDir()
	store := filepath.Join(dir, "reports.jsonl")
	out := &testout.Buffer{}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- run(runCtx, config{
			Addr: srv.Addr, SystemID: "tracker", Password: "tracker1", Store: store, Fsync: true,
			StatsEvery: 20 * time.Millisecond, MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second,
		}, out)
	}()

	start := time.Now()
	var wg sync.WaitGroup
	work := make(chan mo)
	for range 16 {
		wg.Go(func() {
			for r := range work {
				if _, err := srv.SendMO(ctx, r.from, "7788", r.text); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for _, r := range all {
		work <- r
	}
	close(work)
	wg.Wait()
	injected := time.Since(start)
	out.WaitFor(t, ctx, "stored 1950 reports, 50 malformed\n")
	t.Logf("2000 MO injected in %v, all stored after %v", injected.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	stop()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.HasSuffix(out.String(), "stopped: stored 1950 reports, 50 malformed (kept in "+store+".rejects)\n") {
		t.Fatalf("summary:\n%s", out)
	}

	// Every good report exactly once.
	got := map[string]int{}
	for _, line := range readLines(t, store) {
		var r Report
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("bad line %q: %v", line, err)
		}
		got[key(r.From, r.Lat, r.Lon, r.Speed)]++
	}
	if len(got) != len(want) {
		t.Errorf("%d distinct reports stored, want %d", len(got), len(want))
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("report %s stored %d times, want %d", k, got[k], n)
		}
	}
	// Every malformed report kept with its reason.
	rejects := readLines(t, store+".rejects")
	if len(rejects) != 50 {
		t.Fatalf("%d rejects, want 50", len(rejects))
	}
	for _, line := range rejects {
		var r Reject
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.Why == "" || !strings.HasPrefix(r.From, "4477008") {
			t.Errorf("reject %q: %v", line, err)
		}
	}
}

func TestParseReport(t *testing.T) {
	r, err := ParseReport(" loc 51.5072, -0.1276 ,42.5 ")
	if err != nil || r.Lat != 51.5072 || r.Lon != -0.1276 || r.Speed != 42.5 {
		t.Fatalf("%+v %v", r, err)
	}
	for _, s := range []string{"", "LOC", "LOC 1,2", "LOC 1,2,3,4", "LOC NaN,0,0", "LOC 0,0,Inf", "LOC 0,200,0", "POS 1,2,3"} {
		if _, err := ParseReport(s); err == nil {
			t.Errorf("ParseReport(%q) accepted", s)
		}
	}
}

// A line cut short by a crash was never acknowledged: reopening the log
// removes it, and appends continue on a line boundary.
func TestLogCutsPartialLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(path, []byte("{\"a\":1}\n{\"a\":2}\n{\"a\":"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := OpenLog(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(context.Background(), []byte(`{"a":3}`)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	b, _ := os.ReadFile(path)
	if string(b) != "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n" {
		t.Fatalf("%q", b)
	}
}

func key(from string, lat, lon, speed float64) string {
	return fmt.Sprintf("%s %.4f %.4f %g", from, lat, lon, speed)
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}
