package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestBindPlaces: concurrent AcquireBind calls take exactly max places;
// released and expired places are free again; renewal keeps a place.
func TestBindPlaces(t *testing.T) {
	t.Parallel()
	s := tempStore(t)
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	const max, tries = 3, 12
	var got atomic.Int32
	var wg sync.WaitGroup
	for i := range tries {
		wg.Go(func() {
			ok, err := s.AcquireBind(ctx, "acc", fmt.Sprintf("n%d-%d", i%2, i), max, 30*time.Second, now)
			if err != nil {
				t.Error(err)
			}
			if ok {
				got.Add(1)
			}
		})
	}
	wg.Wait()
	if got.Load() != max {
		t.Fatalf("%d of %d concurrent binds took a place, want %d", got.Load(), tries, max)
	}
	if n, err := s.Binds(ctx, "acc", now); err != nil || n != max {
		t.Fatalf("Binds = %d, %v", n, err)
	}
	if ok, _ := s.AcquireBind(ctx, "acc", "late", max, 30*time.Second, now); ok {
		t.Fatal("a place beyond max was taken")
	}
	if ok, _ := s.AcquireBind(ctx, "other", "x", max, 30*time.Second, now); !ok {
		t.Fatal("another account shares the places")
	}

	// Release one: the late session gets it.
	r, _, err := s.getBinds(ctx, "acc")
	if err != nil {
		t.Fatal(err)
	}
	var holders []string
	for h := range r {
		holders = append(holders, h)
	}
	if err := s.ReleaseBind(ctx, "acc", holders[0]); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.AcquireBind(ctx, "acc", "late", max, 30*time.Second, now); !ok || err != nil {
		t.Fatalf("after a release: %v %v", ok, err)
	}

	// 20 s later one holder renews; at 40 s the others' leases have run
	// out (a node that died), the renewed one has not.
	if err := s.RenewBinds(ctx, "acc", holders[1:2], 30*time.Second, now.Add(20*time.Second)); err != nil {
		t.Fatal(err)
	}
	later := now.Add(40 * time.Second)
	if n, _ := s.Binds(ctx, "acc", later); n != 1 {
		t.Fatalf("after the leases ran out: %d places held, want the renewed one", n)
	}
	for i := range max - 1 {
		if ok, err := s.AcquireBind(ctx, "acc", fmt.Sprintf("new%d", i), max, 30*time.Second, later); !ok || err != nil {
			t.Fatalf("expired place %d not reusable: %v %v", i, ok, err)
		}
	}
	if ok, _ := s.AcquireBind(ctx, "acc", "one-too-many", max, 30*time.Second, later); ok {
		t.Fatal("max exceeded after expiry")
	}
}
