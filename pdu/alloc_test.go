package pdu

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"runtime"
	"strings"
	"testing"
)

type runtimeMemStats = runtime.MemStats

func readMemStats(m *runtime.MemStats) { runtime.ReadMemStats(m) }

// bytesPerDecode returns the average number of bytes one Decode of b
// allocates.
func bytesPerDecode(dc Decoder, b []byte, runs int) uint64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	dc.Decode(b) // warm up
	runtime.GC()
	var m1, m2 runtime.MemStats
	runtime.ReadMemStats(&m1)
	for i := 0; i < runs; i++ {
		dc.Decode(b)
	}
	runtime.ReadMemStats(&m2)
	return (m2.TotalAlloc - m1.TotalAlloc) / uint64(runs)
}

// hostileFrames returns frames built to make a decoder allocate.
func hostileFrames(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	hdr := func(id CommandID, body []byte) []byte {
		b := AppendHeader(nil, Header{Length: uint32(HeaderLen + len(body)), ID: id, Seq: 1})
		return append(b, body...)
	}
	// 64 KiB of zero-length TLVs, after every kind of fixed body.
	zeroTLVs := bytes.Repeat([]byte{0x15, 0x01, 0, 0}, (DefaultMaxLen-HeaderLen-64)/4)
	out["enquire_link 64KiB zero-length TLVs"] = hdr(CmdEnquireLink, zeroTLVs)
	out["submit_sm 64KiB zero-length TLVs"] = hdr(CmdSubmitSM, append(unhex(t, "00 0101 3100 0101 3200 000000 00 00 01000000 00"), zeroTLVs...))
	out["submit_sm_resp 64KiB zero-length TLVs"] = hdr(CmdSubmitSMResp, append([]byte{0}, zeroTLVs...))
	out["data_sm 64KiB zero-length TLVs"] = hdr(CmdDataSM, append(unhex(t, "00 0101 3100 0101 3200 000000"), zeroTLVs...))
	out["submit_multi 64KiB zero-length TLVs"] = hdr(CmdSubmitMulti, append(unhex(t, "00 0101 3100 01 020000 000000 00 00 01000000 00"), zeroTLVs...))
	// One 64 KiB message_payload.
	payload := append([]byte{0x04, 0x24, 0xff, 0x00}, make([]byte, 0xff00)...)
	out["data_sm 64KiB message_payload"] = hdr(CmdDataSM, append(unhex(t, "00 0101 3100 0101 3200 000000"), payload...))
	// submit_multi with 255 destinations, the smallest and the largest form.
	var dl, sme []byte
	dl = append(dl, unhex(t, "00 0101 3100 ff")...)
	sme = append(sme, dl...)
	for i := 0; i < 255; i++ {
		dl = append(dl, 2, 0)
		sme = append(sme, 1, 1, 1)
		sme = append(sme, strings.Repeat("9", 20)...)
		sme = append(sme, 0)
	}
	tail := unhex(t, "000000 00 00 01000000 00")
	out["submit_multi 255 empty DLs"] = hdr(CmdSubmitMulti, append(dl, tail...))
	out["submit_multi 255 SMEs"] = hdr(CmdSubmitMulti, append(sme, tail...))
	// submit_multi claiming 255 destinations with a tiny body.
	out["submit_multi 255 claimed"] = hdr(CmdSubmitMulti, unhex(t, "00 0101 3100 ff 0200"))
	// submit_multi_resp with 255 minimal unsuccess_sme entries.
	resp := []byte{0, 0xff}
	for i := 0; i < 255; i++ {
		resp = append(resp, 1, 1, 0, 0, 0, 0, 0x0b)
	}
	out["submit_multi_resp 255 unsuccess"] = hdr(CmdSubmitMultiResp, resp)
	out["submit_multi_resp 255 claimed"] = hdr(CmdSubmitMultiResp, unhex(t, "00 ff 0101 00"))
	// Random bodies under every command id.
	r := rand.New(rand.NewSource(1))
	for _, id := range allIDs {
		for _, n := range []int{1, 100, 4000} {
			body := make([]byte, n)
			r.Read(body)
			out[fmt.Sprintf("%v random %d", id, n)] = hdr(id, body)
		}
	}
	return out
}

// TestDecodeAllocationBound checks that the bytes Decode allocates stay
// within a small multiple of the frame size plus a constant, whatever the
// frame says (the allocation a peer can cause is bounded by what it sends).
func TestDecodeAllocationBound(t *testing.T) {
	const factor, constant = 10, 16 << 10
	for name, b := range hostileFrames(t) {
		for _, dc := range []Decoder{{}, {Lenient: true}} {
			got := bytesPerDecode(dc, b, 20)
			limit := uint64(factor*len(b) + constant)
			if got > limit {
				t.Errorf("%s (lenient %v): %d bytes allocated for a %d-octet frame, limit %d", name, dc.Lenient, got, len(b), limit)
			}
			allocs := testing.AllocsPerRun(5, func() { dc.Decode(b) })
			if allocs > 300 {
				t.Errorf("%s: %v allocations", name, allocs)
			}
			if testing.Verbose() && !dc.Lenient {
				t.Logf("%-45s %6d octets %7d B/decode %4.0f allocs", name, len(b), got, allocs)
			}
		}
	}
}

// TestDecodeNeverPanics decodes hostile frames, every prefix of every
// golden fixture and random mutations of them.
func TestDecodeNeverPanics(t *testing.T) {
	var inputs [][]byte
	for _, b := range hostileFrames(t) {
		inputs = append(inputs, b)
	}
	for _, g := range loadGolden(t) {
		inputs = append(inputs, g.b)
	}
	r := rand.New(rand.NewSource(2))
	n := 30
	if testing.Short() {
		n = 3
	}
	check := func(b []byte) {
		defer func() {
			if e := recover(); e != nil {
				t.Fatalf("Decode(%x) panicked: %v", b, e)
			}
		}()
		for _, dc := range []Decoder{{}, {Lenient: true}, {MaxLen: 100}} {
			h, p, err := dc.Decode(b)
			if err == nil {
				if p == nil || int(h.Length) != len(b) {
					t.Fatalf("Decode(%x) = %+v, %v, nil", b, h, p)
				}
				continue
			}
			var de *DecodeError
			if !errors.As(err, &de) || de.Status == StatusOK {
				t.Fatalf("Decode(%x): error %v", b, err)
			}
			if de.HeaderValid && de.Header != h {
				t.Fatalf("Decode(%x): error header %+v, returned %+v", b, de.Header, h)
			}
		}
	}
	for _, in := range inputs {
		if len(in) > 4096 {
			check(in)
			continue
		}
		for cut := 0; cut <= len(in); cut++ {
			check(in[:cut])
			if cut >= 4 {
				c := append([]byte{}, in[:cut]...)
				check(setLength(c))
			}
		}
		for i := 0; i < n; i++ {
			m := append([]byte{}, in...)
			for k := 1 + r.Intn(4); k > 0; k-- {
				m[HeaderLen/2+r.Intn(len(m)-HeaderLen/2)] = byte(r.Intn(256))
			}
			check(m)
			check(setLength(m))
		}
	}
	for i := 0; i < 2000; i++ {
		b := make([]byte, HeaderLen+r.Intn(200))
		r.Read(b)
		binary.BigEndian.PutUint32(b[4:], uint32(allIDs[r.Intn(len(allIDs))]))
		check(setLength(b))
	}
}
