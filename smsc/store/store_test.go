package store

// Conformance tests of the store against its embedded JetStream server: the
// contract the smsc package relies on.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// skipBug skips a test pinning a known bug unless SMSC_RUN_BUGS=1.
func skipBug(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("SMSC_RUN_BUGS") != "1" {
		t.Skip("BUG: " + why)
	}
}

func openStore(t *testing.T, dir string) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// tempStore opens a store in a temporary directory, closed at the end.
func tempStore(t *testing.T) *Store {
	s := openStore(t, t.TempDir())
	t.Cleanup(func() { s.Close() })
	return s
}

func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func msg(owner, target, text string) *Message {
	return &Message{Owner: owner, Target: target, PDU: []byte(text), Submitted: time.Now().UTC().Truncate(time.Millisecond),
		Expires: time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond), Receipt: 1, Node: "n1"}
}

func TestOpenNeedsDirOrURL(t *testing.T) {
	t.Parallel()
	if _, err := Open(context.Background(), Options{}); err == nil {
		t.Fatal("Open without Dir or URL succeeded")
	}
}

func TestEnqueueAndMessage(t *testing.T) {
	t.Parallel()
	s := tempStore(t)
	ctx := context.Background()
	m := msg("acc", "dst", "hello")
	m.Schedule = m.Submitted.Add(time.Minute)
	m.Group = "7"
	id, err := s.Enqueue(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Message(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != id || got.Owner != "acc" || got.Target != "dst" || string(got.PDU) != "hello" || got.Node != "n1" || got.Receipt != 1 ||
		!got.Submitted.Equal(m.Submitted) || !got.Expires.Equal(m.Expires) || !got.Schedule.Equal(m.Schedule) || got.Group != "7" {
		t.Fatalf("stored %+v, read back %+v", m, got)
	}
	if got.ReceiptID() != "7" {
		t.Errorf("ReceiptID with a group: %q", got.ReceiptID())
	}
	for _, bad := range []string{"", "0", "x1", "-1", "99999", "18446744073709551616"} {
		if _, err := s.Message(ctx, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("Message(%q): %v, want ErrNotFound", bad, err)
		}
	}
	// Pipelined enqueues get distinct, increasing ids.
	var ps []Pending
	for i := range 100 {
		p, err := s.EnqueueAsync(msg("acc", "dst", strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	prev := uint64(0)
	for i, p := range ps {
		id, err := p.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.ParseUint(id, 10, 64)
		if n <= prev {
			t.Fatalf("id %d after %d", n, prev)
		}
		prev = n
		m, err := s.Message(ctx, id)
		if err != nil || string(m.PDU) != strconv.Itoa(i) {
			t.Fatalf("message %s: %v %q", id, err, m.PDU)
		}
	}
}

// collector records deliveries handed to a consumer.
type collector struct {
	mu   sync.Mutex
	got  []*Delivery
	seen map[string]int
}

func (c *collector) fn(act func(*Delivery)) func(*Delivery) {
	return func(d *Delivery) {
		c.mu.Lock()
		c.got = append(c.got, d)
		if c.seen == nil {
			c.seen = map[string]int{}
		}
		c.seen[d.Msg.ID]++
		c.mu.Unlock()
		act(d)
	}
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.got)
}

func (c *collector) list() []*Delivery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Delivery(nil), c.got...)
}

func TestConsumeAckRetryDrop(t *testing.T) {
	t.Parallel()
	s := tempStore(t)
	ctx := context.Background()
	ids := map[string]string{}
	for _, text := range []string{"ack", "retry", "drop"} {
		id, err := s.Enqueue(ctx, msg("acc", "q1", text))
		if err != nil {
			t.Fatal(err)
		}
		ids[text] = id
	}
	if _, err := s.Enqueue(ctx, msg("acc", "q2", "other queue")); err != nil {
		t.Fatal(err)
	}
	var c collector
	cons, err := s.Consume(ctx, "q1", ConsumeOptions{AckWait: 30 * time.Second}, c.fn(func(d *Delivery) {
		switch string(d.Msg.PDU) {
		case "ack":
			d.Ack()
		case "drop":
			d.Drop()
		case "retry":
			if d.Attempt == 1 {
				d.Retry(100 * time.Millisecond)
			} else {
				d.Ack()
			}
		default:
			t.Errorf("q1 consumer got %q from another queue", d.Msg.PDU)
			d.Ack()
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Stop()
	waitUntil(t, 5*time.Second, "4 deliveries", func() bool { return c.count() >= 4 })
	var second *Delivery
	for _, d := range c.list() {
		if d.Msg.ID == ids[string(d.Msg.PDU)] && d.Msg.Owner == "acc" && d.Msg.Target == "q1" {
			if string(d.Msg.PDU) == "retry" && d.Attempt == 2 {
				second = d
			}
			continue
		}
		t.Errorf("delivery %+v does not match what was stored", d.Msg)
	}
	if second == nil {
		t.Fatal("retried message not delivered a second time with Attempt 2")
	}
	c.mu.Lock()
	seen := c.seen
	c.mu.Unlock()
	if seen[ids["ack"]] != 1 || seen[ids["drop"]] != 1 || seen[ids["retry"]] != 2 {
		t.Errorf("deliveries per message: %v", seen)
	}
	waitUntil(t, 5*time.Second, "queue q1 to be empty", func() bool {
		n, err := s.QueueDepth(ctx, "q1")
		return err == nil && n == 0
	})
	if _, err := s.EnsureQueue(ctx, "q2", ConsumeOptions{}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.QueueDepth(ctx, "q2"); err != nil || n != 1 {
		t.Errorf("depth of q2: %d %v, want 1", n, err)
	}
}

func TestRetryDelayHonoured(t *testing.T) {
	t.Parallel()
	s := tempStore(t)
	ctx := context.Background()
	if _, err := s.Enqueue(ctx, msg("acc", "q", "x")); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var times []time.Time
	cons, err := s.Consume(ctx, "q", ConsumeOptions{}, func(d *Delivery) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		if d.Attempt < 3 {
			d.Retry(150 * time.Millisecond)
		} else {
			d.Ack()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Stop()
	waitUntil(t, 5*time.Second, "3 attempts", func() bool { mu.Lock(); defer mu.Unlock(); return len(times) == 3 })
	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < 3; i++ {
		if gap := times[i].Sub(times[i-1]); gap < 150*time.Millisecond {
			t.Errorf("attempt %d came %v after the previous, before the 150ms retry delay", i+1, gap)
		}
	}
}

// TestSharedQueue: several consumers of one target (several nodes) share
// its messages: each is handed to exactly one while they ack.
func TestSharedQueue(t *testing.T) {
	t.Parallel()
	s := tempStore(t)
	ctx := context.Background()
	const n = 300
	var c1, c2 collector
	ack := func(d *Delivery) { d.Ack() }
	k1, err := s.Consume(ctx, "shared", ConsumeOptions{}, c1.fn(ack))
	if err != nil {
		t.Fatal(err)
	}
	defer k1.Stop()
	k2, err := s.Consume(ctx, "shared", ConsumeOptions{}, c2.fn(ack))
	if err != nil {
		t.Fatal(err)
	}
	defer k2.Stop()
	for i := range n {
		if _, err := s.Enqueue(ctx, msg("acc", "shared", strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, 10*time.Second, "all messages consumed", func() bool { return c1.count()+c2.count() >= n })
	seen := map[string]int{}
	for _, d := range append(c1.list(), c2.list()...) {
		seen[string(d.Msg.PDU)]++
	}
	if len(seen) != n {
		t.Fatalf("%d distinct messages consumed, want %d", len(seen), n)
	}
	for text, k := range seen {
		if k != 1 {
			t.Errorf("message %s handed out %d times", text, k)
		}
	}
	t.Logf("consumer 1: %d, consumer 2: %d", c1.count(), c2.count())
}

// TestUnackedRedeliveredAfterReopen: a message handed out but not acked
// when the store closes is handed out again after reopening (once AckWait
// passed), with Attempt 2; acked ones are not.
func TestUnackedRedeliveredAfterReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	s := openStore(t, dir)
	ackedID, _ := s.Enqueue(ctx, msg("acc", "q", "acked"))
	openID, _ := s.Enqueue(ctx, msg("acc", "q", "unacked"))
	var c collector
	opts := ConsumeOptions{AckWait: 500 * time.Millisecond}
	cons, err := s.Consume(ctx, "q", opts, c.fn(func(d *Delivery) {
		if string(d.Msg.PDU) == "acked" {
			d.Ack()
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 5*time.Second, "2 deliveries", func() bool { return c.count() == 2 })
	cons.Stop()
	s.Close()

	s = openStore(t, dir)
	defer s.Close()
	var c2 collector
	cons, err = s.Consume(ctx, "q", opts, c2.fn(func(d *Delivery) { d.Ack() }))
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Stop()
	waitUntil(t, 10*time.Second, "the unacked message again", func() bool { return c2.count() >= 1 })
	d := c2.list()[0]
	if d.Msg.ID != openID || d.Attempt != 2 {
		t.Fatalf("after reopening: message %s attempt %d, want %s attempt 2", d.Msg.ID, d.Attempt, openID)
	}
	if m, err := s.Message(ctx, ackedID); err != nil || string(m.PDU) != "acked" {
		t.Fatalf("acked message not kept for queries: %v", err)
	}
	waitUntil(t, 5*time.Second, "empty queue", func() bool {
		n, err := s.QueueDepth(ctx, "q")
		return err == nil && n == 0
	})
	if n := c2.count(); n != 1 {
		t.Fatalf("%d deliveries after reopening, want 1", n)
	}
}

func state(owner, id string, st pdu.MessageState) *State {
	return &State{ID: id, Owner: owner, State: st, Submitted: time.Now().UTC(), Done: time.Now().UTC(), Text: "t"}
}

// TestFinalizeExactlyOnce: concurrent Finalize calls for one message record
// exactly one final state; a non-final state is overwritten by the final
// one; State returns what was recorded.
func TestFinalizeExactlyOnce(t *testing.T) {
	t.Parallel()
	s := tempStore(t)
	ctx := context.Background()
	if _, err := s.State(ctx, "acc", "1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("State of an unknown message: %v", err)
	}
	for round, withIntermediate := range []bool{false, true} {
		id := strconv.Itoa(100 + round)
		if withIntermediate {
			if err := s.PutIntermediate(ctx, state("acc", id, pdu.StateEnroute)); err != nil {
				t.Fatal(err)
			}
			if st, err := s.State(ctx, "acc", id); err != nil || st.State != pdu.StateEnroute {
				t.Fatalf("State after PutIntermediate: %v %v", st, err)
			}
		}
		states := []pdu.MessageState{pdu.StateDelivered, pdu.StateExpired, pdu.StateDeleted, pdu.StateUndeliverable}
		var wins atomic.Int32
		var winner atomic.Int32
		var wg sync.WaitGroup
		for i := range 24 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st := states[i%len(states)]
				ok, err := s.Finalize(ctx, state("acc", id, st), true, true)
				if err != nil {
					t.Errorf("Finalize: %v", err)
				}
				if ok {
					wins.Add(1)
					winner.Store(int32(st))
				}
			}()
		}
		wg.Wait()
		if n := wins.Load(); n != 1 {
			t.Fatalf("round %d: %d Finalize calls recorded a final state, want exactly 1", round, n)
		}
		st, err := s.State(ctx, "acc", id)
		if err != nil || st.State != pdu.MessageState(winner.Load()) {
			t.Fatalf("State %v %v, want the winner %v", st, err, pdu.MessageState(winner.Load()))
		}
		if ok, err := s.Finalize(ctx, state("acc", id, pdu.StateDelivered), true, true); ok || err != nil {
			t.Fatalf("Finalize after final: %v %v", ok, err)
		}
	}
	// Without a receipt the state is found too.
	if ok, err := s.Finalize(ctx, state("acc", "200", pdu.StateDelivered), false, true); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if st, err := s.State(ctx, "acc", "200"); err != nil || st.State != pdu.StateDelivered {
		t.Fatalf("State of a no-receipt message: %v %v", st, err)
	}
	// States are per owner.
	if _, err := s.State(ctx, "other", "200"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another owner's state: %v", err)
	}
}

// TestFinalizeAfterIntermediateWithoutReceipt: a message with an
// intermediate notification (stored as a receipt record) whose final
// outcome is not receipted must still read back as final, and only once.
func TestFinalizeAfterIntermediateWithoutReceipt(t *testing.T) {
	t.Parallel()
	s := tempStore(t)
	ctx := context.Background()
	if err := s.PutIntermediate(ctx, state("acc", "5", pdu.StateEnroute)); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Finalize(ctx, state("acc", "5", pdu.StateDelivered), false, true); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if st, err := s.State(ctx, "acc", "5"); err != nil || st.State != pdu.StateDelivered {
		t.Fatalf("State after the final outcome: %v %v, want DELIVERED", st.State, err)
	}
	if ok, _ := s.Finalize(ctx, state("acc", "5", pdu.StateExpired), true, true); ok {
		t.Fatal("a second final state was recorded")
	}
}

// TestReceiptsConsumer: final states recorded with a receipt are queued for
// their owner only, survive while nobody consumes, and can be retried;
// MarkReceiptDelivered is remembered.
func TestReceiptsConsumer(t *testing.T) {
	t.Parallel()
	s := tempStore(t)
	ctx := context.Background()
	for _, o := range []string{"alice", "bob", "x.y", "x-y"} {
		if err := s.EnsureReceipts(ctx, o, ConsumeOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	must := func(ok bool, err error) {
		t.Helper()
		if !ok || err != nil {
			t.Fatal(ok, err)
		}
	}
	must(s.Finalize(ctx, state("alice", "1", pdu.StateDelivered), true, true))
	must(s.Finalize(ctx, state("alice", "2", pdu.StateDelivered), false, true)) // no receipt asked
	must(s.Finalize(ctx, state("bob", "3", pdu.StateUndeliverable), true, true))
	must(s.Finalize(ctx, state("x.y", "4", pdu.StateExpired), true, true))
	must(s.Finalize(ctx, state("x-y", "5", pdu.StateDeleted), true, true))

	type rec struct {
		id      string
		attempt int
	}
	consume := func(owner string, retryFirst bool) (*Consumer, func() []rec) {
		var mu sync.Mutex
		var got []rec
		c, err := s.ConsumeReceipts(ctx, owner, ConsumeOptions{}, func(r *Receipt) {
			mu.Lock()
			got = append(got, rec{r.State.ID, r.Attempt})
			mu.Unlock()
			if r.State.Owner != owner {
				t.Errorf("%s's consumer got %s's receipt", owner, r.State.Owner)
			}
			if retryFirst && r.Attempt == 1 {
				r.Retry(50 * time.Millisecond)
				return
			}
			r.Ack()
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Stop)
		return c, func() []rec { mu.Lock(); defer mu.Unlock(); return append([]rec(nil), got...) }
	}
	_, alice := consume("alice", true)
	_, bob := consume("bob", false)
	_, xdoty := consume("x.y", false)
	_, xdashy := consume("x-y", false)
	waitUntil(t, 5*time.Second, "alice's receipt twice (retried)", func() bool { return len(alice()) == 2 })
	if g := alice(); g[0] != (rec{"1", 1}) || g[1] != (rec{"1", 2}) {
		t.Errorf("alice: %v", g)
	}
	waitUntil(t, 5*time.Second, "the others' receipts", func() bool { return len(bob()) == 1 && len(xdoty()) == 1 && len(xdashy()) == 1 })
	if bob()[0].id != "3" || xdoty()[0].id != "4" || xdashy()[0].id != "5" {
		t.Errorf("bob %v, x.y %v, x-y %v", bob(), xdoty(), xdashy())
	}
	// New receipts arrive while consuming.
	must(s.Finalize(ctx, state("bob", "6", pdu.StateDelivered), true, true))
	waitUntil(t, 5*time.Second, "bob's new receipt", func() bool { return len(bob()) == 2 })

	if ok, err := s.ReceiptDelivered(ctx, "1.2"); ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := s.MarkReceiptDelivered(ctx, "1.2"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.ReceiptDelivered(ctx, "1.2"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, _ := s.ReceiptDelivered(ctx, "1.3"); ok {
		t.Fatal("marker of another state reported delivered")
	}
	// The markers are not receipts.
	if n := len(alice()); n != 2 {
		t.Fatalf("alice got %d receipt deliveries, want 2", n)
	}
}

// TestWatchControlsReplay: WatchControls replays the existing records before
// it returns, then reports new ones; a watcher on another store connection
// sees them too.
func TestWatchControlsReplay(t *testing.T) {
	t.Parallel()
	s := tempStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := range 5 {
		if err := s.PutControl(ctx, &Control{ID: strconv.Itoa(i + 1), Owner: "acc", Cancel: i%2 == 0, Replace: []byte{byte(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	// A replacement of a replacement: the latest wins.
	if err := s.PutControl(ctx, &Control{ID: "2", Owner: "acc", Replace: []byte("v2"), Schedule: "000000000100000R"}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]*Control{}
	n := 0
	if err := s.WatchControls(ctx, func(c *Control) {
		mu.Lock()
		seen[c.ID] = c
		n++
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(seen) != 5 {
		t.Fatalf("%d controls replayed before WatchControls returned, want 5", len(seen))
	}
	if c := seen["2"]; string(c.Replace) != "v2" || c.Schedule != "000000000100000R" || c.Cancel {
		t.Errorf("control 2: %+v", c)
	}
	if c := seen["3"]; !c.Cancel || c.Owner != "acc" {
		t.Errorf("control 3: %+v", c)
	}
	mu.Unlock()
	if err := s.PutControl(ctx, &Control{ID: "9", Owner: "acc", Cancel: true}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 5*time.Second, "the new control", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return seen["9"] != nil && seen["9"].Cancel
	})
	cancel()
}

// TestReopenKeepsState: messages, states, controls and receipts survive a
// close and reopen of the embedded store.
func TestReopenKeepsState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	s := openStore(t, dir)
	id, err := s.Enqueue(ctx, msg("acc", "q", "kept"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureReceipts(ctx, "acc", ConsumeOptions{}); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Finalize(ctx, state("acc", id, pdu.StateDelivered), true, true); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := s.PutControl(ctx, &Control{ID: id, Owner: "acc", Cancel: true}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = openStore(t, dir)
	defer s.Close()
	if m, err := s.Message(ctx, id); err != nil || string(m.PDU) != "kept" {
		t.Fatalf("message after reopen: %v", err)
	}
	if st, err := s.State(ctx, "acc", id); err != nil || st.State != pdu.StateDelivered {
		t.Fatalf("state after reopen: %v", err)
	}
	var got atomic.Int32
	if err := s.WatchControls(ctx, func(c *Control) {
		if c.ID == id && c.Cancel {
			got.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if got.Load() != 1 {
		t.Fatal("control not replayed after reopen")
	}
	rc := make(chan *Receipt, 4)
	c, err := s.ConsumeReceipts(ctx, "acc", ConsumeOptions{}, func(r *Receipt) { r.Ack(); rc <- r })
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	select {
	case r := <-rc:
		if r.State.ID != id || r.State.State != pdu.StateDelivered {
			t.Fatalf("receipt after reopen: %+v", r.State)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("receipt not kept across reopen")
	}
	// A new message gets a new id.
	id2, err := s.Enqueue(ctx, msg("acc", "q", "new"))
	if err != nil || id2 == id {
		t.Fatalf("id after reopen: %s (before %s) %v", id2, id, err)
	}
}

// TestScanAndList: Scan reads an unconsumed queue without taking messages;
// List pages through an owner's messages.
func TestScanAndList(t *testing.T) {
	t.Parallel()
	s := tempStore(t)
	ctx := context.Background()
	if _, err := s.EnsureQueue(ctx, "q", ConsumeOptions{}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 7 {
		owner := "alice"
		if i%2 == 1 {
			owner = "bob"
		}
		id, err := s.Enqueue(ctx, msg(owner, "q", fmt.Sprintf("m%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	var scanned []string
	if err := s.Scan(ctx, "q", func(m *Message) bool { scanned = append(scanned, m.ID); return true }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(scanned) != fmt.Sprint(ids) {
		t.Errorf("Scan: %v, want %v", scanned, ids)
	}
	if n, err := s.QueueDepth(ctx, "q"); err != nil || n != 7 {
		t.Errorf("depth after Scan: %d %v, want 7 (Scan takes nothing)", n, err)
	}
	var all []string
	var cursor uint64
	for page := 0; page < 10; page++ {
		ms, next, err := s.List(ctx, "alice", cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Owner != "alice" {
				t.Errorf("List(alice) returned %s's message", m.Owner)
			}
			all = append(all, m.ID)
		}
		if next == 0 {
			break
		}
		cursor = next
	}
	if want := []string{ids[0], ids[2], ids[4], ids[6]}; fmt.Sprint(all) != fmt.Sprint(want) {
		t.Errorf("List(alice) pages: %v, want %v", all, want)
	}
}

func TestParseSync(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Sync{
		"": {Interval: time.Second}, "interval": {Interval: time.Second}, "always": {Always: true},
		"batch": {Interval: 10 * time.Millisecond}, "interval:250ms": {Interval: 250 * time.Millisecond},
	} {
		got, err := ParseSync(in)
		if err != nil || got != want {
			t.Errorf("ParseSync(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"never", "interval:", "interval:-1s", "interval:abc", "Always"} {
		if _, err := ParseSync(in); err == nil {
			t.Errorf("ParseSync(%q) accepted", in)
		}
	}
}

func TestToken(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for _, s := range []string{"a", "A", "abc_1-2", "a.b", "a b", "*", ">", "x-61", "a", "", "äö"} {
		tok := token(s)
		for i := 0; i < len(tok); i++ {
			c := tok[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				t.Errorf("token(%q) = %q contains %q", s, tok, c)
			}
		}
		if prev, ok := seen[tok]; ok && prev != s {
			t.Errorf("token(%q) == token(%q) == %q", s, prev, tok)
		}
		seen[tok] = s
	}
}
