package pdu

import (
	"encoding/hex"
	"testing"
)

// benchSubmitSM is the submit_sm of issue #2: 217 octets, a 160-octet text
// and one TLV (also testdata/golden/issue2_bench_submit_sm.hex).
const benchSubmitSM = "000000d90000000400000000000000070005004d7942616e6b00010134343737303039303031323300000000000001000000a0596f7572206f6e652d74696d6520636f6465206973203439333831372e204974206578706972657320696e203130206d696e757465732e204e65766572207368617265207468697320636f6465207769746820616e796f6e652c20696e636c7564696e672062616e6b2073746166662e205175657374696f6e733f2043616c6c203038303020313233203435362028667265652920746f646179212e2e2e2e2e020400021234"

func benchFrame(tb testing.TB) []byte {
	b, err := hex.DecodeString(benchSubmitSM)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func BenchmarkDecodeSubmitSM(b *testing.B) {
	frame := benchFrame(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, _, err := Decode(frame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeSubmitSM(b *testing.B) {
	frame := benchFrame(b)
	h, p, err := Decode(frame)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		buf, err = Append(buf[:0], h.Seq, h.Status, p)
		if err != nil {
			b.Fatal(err)
		}
	}
	if string(buf) != string(frame) {
		b.Fatalf("encoded %x", buf)
	}
}

// TestSubmitSMAllocs pins the allocation counts the benchmarks report:
// encoding into a reused buffer allocates nothing; decoding a submit_sm or
// deliver_sm allocates once (smBox: the body and its strings), and decoding
// into a reused body once (the strings); the issue allows two.
func TestSubmitSMAllocs(t *testing.T) {
	frame := benchFrame(t)
	h, p, err := Decode(frame)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 512)
	enc := testing.AllocsPerRun(1000, func() {
		buf, err = Append(buf[:0], h.Seq, h.Status, p)
	})
	if err != nil || string(buf) != string(frame) {
		t.Fatalf("Append: %x, %v", buf, err)
	}
	if enc != 0 {
		t.Errorf("encode: %v allocs, want 0", enc)
	}
	for _, id := range []CommandID{CmdSubmitSM, CmdDeliverSM} {
		frame[7] = byte(id)
		dec := testing.AllocsPerRun(1000, func() { _, p, err = Decode(frame) })
		if err != nil || p.CommandID() != id {
			t.Fatalf("%v: %T, %v", id, p, err)
		}
		if dec != 1 {
			t.Errorf("%v decode: %v allocs, want 1", id, dec)
		}
		var dc Decoder
		into, _ := New(id)
		dec = testing.AllocsPerRun(1000, func() { _, err = dc.DecodeInto(frame, into) })
		if err != nil {
			t.Fatal(err)
		}
		if dec != 1 {
			t.Errorf("%v DecodeInto: %v allocs, want 1", id, dec)
		}
	}
}

// BenchmarkDecodeIntoSubmitSM decodes into one reused body, as a
// single-consumer loop can (Decoder.DecodeInto).
func BenchmarkDecodeIntoSubmitSM(b *testing.B) {
	frame := benchFrame(b)
	var p SubmitSM
	var dc Decoder
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := dc.DecodeInto(frame, &p); err != nil {
			b.Fatal(err)
		}
	}
}
