package coding

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// clock is an injectable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2024, 1, 31, 15, 30, 0, 0, time.UTC)} }

var (
	alice = pdu.Address{TON: 1, NPI: 1, Addr: "447700900001"}
	bob   = pdu.Address{TON: 1, NPI: 1, Addr: "447700900002"}
)

func seg(src, dst pdu.Address, m Concat, ref uint16, total, seq int, text string) Part {
	return Part{Source: src, Dest: dst, Method: m, Ref: ref, Total: total, Seq: seq, Data: []byte(text)}
}

func TestReassembleOutOfOrderAndDuplicates(t *testing.T) {
	r := NewReassembler(ReassemblerConfig{})
	for _, seq := range []int{3, 1, 3, 1} {
		msg, exp, err := r.Add(seg(alice, bob, ConcatUDH8, 7, 3, seq, []string{"A", "B", "C"}[seq-1]))
		if msg != nil || exp != nil || err != nil {
			t.Fatalf("seq %d: %v %v %v", seq, msg, exp, err)
		}
	}
	if r.Pending() != 1 {
		t.Fatalf("pending = %d", r.Pending())
	}
	msg, _, err := r.Add(seg(alice, bob, ConcatUDH8, 7, 3, 2, "B"))
	if err != nil || msg == nil {
		t.Fatalf("last part: %v %v", msg, err)
	}
	if string(msg.Body()) != "ABC" || msg.Total != 3 || msg.Ref != 7 || msg.Source != alice || msg.Dest != bob {
		t.Fatalf("message %+v body %q", msg, msg.Body())
	}
	if txt, err := msg.Text(Latin1{}); txt != "ABC" || err != nil {
		t.Fatalf("Text = %q, %v", txt, err)
	}
	if r.Pending() != 0 {
		t.Fatal("completed set still pending")
	}
}

func TestReassembleSingles(t *testing.T) {
	r := NewReassembler(ReassemblerConfig{})
	msg, _, err := r.Add(Part{Source: alice, Data: []byte("plain")})
	if err != nil || msg == nil || string(msg.Body()) != "plain" || msg.Total != 1 {
		t.Fatalf("plain: %+v, %v", msg, err)
	}
	msg, _, err = r.Add(seg(alice, bob, ConcatSAR, 1, 1, 1, "one of one"))
	if err != nil || msg == nil || string(msg.Body()) != "one of one" {
		t.Fatalf("1 of 1: %+v, %v", msg, err)
	}
	for _, p := range []Part{seg(alice, bob, ConcatUDH8, 1, 3, 0, ""), seg(alice, bob, ConcatUDH8, 1, 3, 4, ""), seg(alice, bob, ConcatUDH8, 1, 256, 1, "")} {
		if _, _, err := r.Add(p); err == nil {
			t.Errorf("Add(seq %d of %d) accepted", p.Seq, p.Total)
		}
	}
}

func TestReassembleMixedReferences(t *testing.T) {
	r := NewReassembler(ReassemblerConfig{})
	parts := []Part{
		seg(alice, bob, ConcatUDH8, 5, 2, 1, "a1"),
		seg(bob, alice, ConcatUDH8, 5, 2, 1, "b1"),                               // other direction
		seg(alice, bob, ConcatUDH8, 5, 3, 1, "c1"),                               // same ref, other total
		seg(alice, bob, ConcatUDH16, 5, 2, 1, "d1"),                              // same ref, 16-bit
		seg(alice, bob, ConcatUDH8, 6, 2, 1, "e1"),                               // other ref
		seg(alice, pdu.Address{Addr: "447700900002"}, ConcatUDH8, 5, 2, 1, "f1"), // other TON/NPI
	}
	for _, p := range parts {
		if msg, _, _ := r.Add(p); msg != nil {
			t.Fatalf("%s completed early", p.Data)
		}
	}
	if r.Pending() != len(parts) {
		t.Fatalf("pending = %d, want %d", r.Pending(), len(parts))
	}
	for _, p := range parts {
		p.Seq, p.Data = 2, []byte{p.Data[0], '2'}
		msg, _, _ := r.Add(p)
		if p.Total == 3 {
			if msg != nil {
				t.Fatal("2 of 3 completed")
			}
			continue
		}
		if msg == nil || string(msg.Body()) != string([]byte{p.Data[0], '1', p.Data[0], '2'}) {
			t.Fatalf("set %c: %+v", p.Data[0], msg)
		}
	}
	if r.Pending() != 1 {
		t.Fatalf("pending = %d", r.Pending())
	}
}

func TestReassembleExpiry(t *testing.T) {
	clk := newClock()
	r := NewReassembler(ReassemblerConfig{Timeout: time.Minute, Now: clk.now})
	r.Add(seg(alice, bob, ConcatUDH8, 1, 3, 2, "B"))
	clk.add(30 * time.Second)
	r.Add(seg(alice, bob, ConcatSAR, 2, 2, 1, "X"))
	if exp := r.Sweep(); exp != nil {
		t.Fatalf("expired early: %v", exp)
	}
	clk.add(30 * time.Second) // set 1 is now 60 s old
	exp := r.Sweep()
	if len(exp) != 1 {
		t.Fatalf("expired %d sets", len(exp))
	}
	in := exp[0]
	if in.Ref != 1 || in.Total != 3 || in.Evicted || !reflect.DeepEqual(in.Missing, []int{1, 3}) ||
		len(in.Received) != 1 || string(in.Received[0].Data) != "B" || !in.First.Equal(newClock().t) {
		t.Fatalf("incomplete = %+v", in)
	}
	// A late part of an expired set starts a new set rather than
	// resurrecting the old one.
	clk.add(29 * time.Second)
	msg, exp, _ := r.Add(seg(alice, bob, ConcatUDH8, 1, 3, 1, "A"))
	if msg != nil || exp != nil {
		t.Fatalf("late part: %v %v", msg, exp)
	}
	// Expiry is also reported by Add.
	clk.add(time.Second)
	_, exp, _ = r.Add(Part{Data: []byte("unrelated")})
	if len(exp) != 1 || exp[0].Method != ConcatSAR || !reflect.DeepEqual(exp[0].Missing, []int{2}) {
		t.Fatalf("Add reported %+v", exp)
	}
	if r.Pending() != 1 {
		t.Fatalf("pending = %d", r.Pending())
	}
}

func TestReassembleEviction(t *testing.T) {
	clk := newClock()
	r := NewReassembler(ReassemblerConfig{MaxPending: 2, Now: clk.now})
	r.Add(seg(alice, bob, ConcatUDH8, 1, 2, 1, "1"))
	clk.add(time.Second)
	r.Add(seg(alice, bob, ConcatUDH8, 2, 2, 1, "2"))
	clk.add(time.Second)
	// Adding to an existing set evicts nothing.
	if _, exp, _ := r.Add(seg(alice, bob, ConcatUDH8, 2, 2, 1, "2")); exp != nil {
		t.Fatalf("duplicate evicted %v", exp)
	}
	_, exp, _ := r.Add(seg(alice, bob, ConcatUDH8, 3, 2, 1, "3"))
	if len(exp) != 1 || exp[0].Ref != 1 || !exp[0].Evicted || !reflect.DeepEqual(exp[0].Missing, []int{2}) {
		t.Fatalf("evicted %+v", exp)
	}
	if r.Pending() != 2 {
		t.Fatalf("pending = %d", r.Pending())
	}
	if msg, _, _ := r.Add(seg(alice, bob, ConcatUDH8, 2, 2, 2, "b")); msg == nil || string(msg.Body()) != "2b" {
		t.Fatalf("set 2: %+v", msg)
	}
}

func TestReassembleCopiesParts(t *testing.T) {
	r := NewReassembler(ReassemblerConfig{})
	frame := []byte{0x08, 0x00, 0x03, 0x01, 0x02, 0x01, 0x24, 0x01, 0x01, 'h', 'i'}
	p, err := ParsePart(pdu.ESMUDHI, frame, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Add(p)
	for i := range frame {
		frame[i] = 0xEE // the frame buffer is reused
	}
	msg, _, _ := r.Add(seg(pdu.Address{}, pdu.Address{}, ConcatUDH8, 1, 2, 2, "!"))
	if msg == nil {
		t.Fatal("not completed")
	}
	first := msg.Parts[0]
	if string(first.Body()) != "hi" || first.IEs[1].ID != IESingleShift || first.IEs[1].Data[0] != 1 {
		t.Fatalf("stored part changed with the frame: %+v", first)
	}
	if c, ok := (Codecs{}).ForPart(first); !ok || c.Name() != "GSM 03.38 single Turkish" {
		t.Fatalf("ForPart = %v", c)
	}
}

func TestReassembleConcurrent(t *testing.T) {
	r := NewReassembler(ReassemblerConfig{})
	const senders, msgs, parts = 8, 50, 4
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			src := pdu.Address{Addr: string(rune('a' + s))}
			for m := 0; m < msgs; m++ {
				for q := parts; q >= 1; q-- {
					msg, _, err := r.Add(seg(src, bob, ConcatUDH8, uint16(m), parts, q, "x"))
					if err != nil {
						t.Error(err)
					}
					if msg != nil {
						mu.Lock()
						done++
						mu.Unlock()
					}
				}
			}
		}(s)
	}
	wg.Wait()
	if done != senders*msgs || r.Pending() != 0 {
		t.Fatalf("completed %d, pending %d", done, r.Pending())
	}
}

func TestJoinTextAcrossParts(t *testing.T) {
	// A sender that cut an escape sequence or a surrogate pair between
	// parts: the bodies are joined before decoding.
	gsm := []Part{{Data: []byte("ab\x1B")}, {Data: []byte("\x65c")}}
	if s, err := JoinText(GSM7{}, gsm); s != "ab€c" || err != nil {
		t.Fatalf("GSM = %q, %v", s, err)
	}
	ucs := []Part{{Data: []byte{0x00, 0x61, 0xD8, 0x3D}}, {Data: []byte{0xDE, 0x00}}}
	if s, err := JoinText(UCS2{}, ucs); s != "a😀" || err != nil {
		t.Fatalf("UCS2 = %q, %v", s, err)
	}
	// Packed parts each start after their UDH's fill bits.
	p1 := append([]byte{0x05, 0x00, 0x03, 0x01, 0x02, 0x01}, Pack7(nil, []byte("hello"), 1)...)
	p2 := append([]byte{0x06, 0x08, 0x04, 0x00, 0x01, 0x02, 0x02}, Pack7(nil, []byte(" world"), 0)...)
	parts := []Part{{Data: p1, UDHLen: 6}, {Data: p2, UDHLen: 7}}
	if s, err := JoinText(GSM7{Packed: true}, parts); s != "hello world" || err != nil {
		t.Fatalf("packed = %q, %v", s, err)
	}
	if _, err := JoinText(UCS2{}, []Part{{Data: []byte{0x00}}}); err == nil {
		t.Fatal("odd UCS2 accepted")
	}
}
