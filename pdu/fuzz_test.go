package pdu

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"testing/iotest"
)

// FuzzDecode checks that Decode never panics, that every error is a
// *DecodeError with a non-zero status, and that decoding is stable: a frame
// the strict decoder accepts re-encodes byte-exact (error responses whose
// body is ignored excepted), and encode → decode → encode is a fixed point
// for strict and lenient decoding alike. The one-pass submit_sm / deliver_sm
// paths are checked against the field-by-field ones on every input. Seeds:
// testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	for _, g := range loadGolden(f) {
		f.Add(g.b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// The one-pass submit_sm / deliver_sm decoder and encoder agree
		// with the field-by-field ones (sm_fast.go).
		if h, err := DecodeHeader(b); err == nil && (h.ID == CmdSubmitSM || h.ID == CmdDeliverSM) {
			checkSMFastAgrees(t, b[HeaderLen:])
			if q, err := smFields(b[HeaderLen:], false); err == nil {
				checkSMAppendAgrees(t, &q)
			}
		}
		for _, dc := range []Decoder{{}, {Lenient: true}} {
			h, p, err := dc.Decode(b)
			if err != nil {
				var de *DecodeError
				if !errors.As(err, &de) || de.Status == StatusOK {
					t.Fatalf("error %v is not a *DecodeError with a status", err)
				}
				if de.HeaderValid != (len(b) >= HeaderLen) || de.HeaderValid && de.Header != h {
					t.Fatalf("error header %+v valid %v, returned %+v", de.Header, de.HeaderValid, h)
				}
				continue
			}
			if p == nil || p.CommandID() != h.ID || int(h.Length) != len(b) {
				t.Fatalf("Decode = %+v, %T", h, p)
			}
			enc := encoderFor(h)
			b1, err := enc.Append(nil, h.Seq, h.Status, p)
			if err != nil {
				if dc.Lenient {
					continue // lenient decoding accepts what the encoder refuses
				}
				t.Fatalf("strict decode accepted what Append refuses: %v\n%s", err, dumpPDU(p))
			}
			if !dc.Lenient && !bytes.Equal(b1, b) && !ignoredErrorBody(b, h) {
				t.Fatalf("re-encode differs\n got %x\nwant %x", b1, b)
			}
			h2, p2, err := dc.Decode(b1)
			if err != nil {
				t.Fatalf("decode of re-encoded %x: %v", b1, err)
			}
			if !equalPDU(p, p2) && !ignoredErrorBody(b, h) {
				t.Fatalf("decode → encode → decode changed the PDU\n%s\n%s", dumpPDU(p), dumpPDU(p2))
			}
			b2, err := encoderFor(h2).Append(nil, h2.Seq, h2.Status, p2)
			if err != nil || !bytes.Equal(b1, b2) {
				t.Fatalf("encode not stable: %x, %v\nwant %x", b2, err, b1)
			}
		}
	})
}

// ignoredErrorBody reports whether b is an error response whose body the
// decoder ignored because it did not decode (pdus.md §5).
func ignoredErrorBody(b []byte, h Header) bool {
	if h.Status == StatusOK || !h.ID.IsResponse() {
		return false
	}
	c := append([]byte{}, b...)
	c[8], c[9], c[10], c[11] = 0, 0, 0, 0
	_, _, err := Decode(c)
	return err != nil
}

// FuzzReader feeds a byte stream through Reader one octet at a time and
// checks the frames it returns against the input.
func FuzzReader(f *testing.F) {
	all := []byte{}
	for _, g := range loadGolden(f) {
		f.Add(g.b)
		all = append(all, g.b...)
	}
	f.Add(all)
	f.Add(unhex(f, "00000010 00000015 00000000 00000001 0000000f 00000015 00000000 00000002"))
	f.Add(unhex(f, "00000010 00000015 00000000 00000001 00000011 00000015"))
	f.Add(unhex(f, "ffffffff 00000015 00000000 00000001"))
	f.Fuzz(func(t *testing.T, b []byte) {
		const maxLen = 300
		for _, wrap := range []func(io.Reader) io.Reader{iotest.OneByteReader, iotest.DataErrReader, iotest.HalfReader} {
			rd := NewReader(wrap(bytes.NewReader(b)), maxLen)
			off := 0
			for {
				fr, err := rd.ReadFrame()
				if err != nil {
					var de *DecodeError
					switch {
					case err == io.EOF:
						if off != len(b) {
							t.Fatalf("io.EOF at %d of %d", off, len(b))
						}
					case errors.Is(err, io.ErrUnexpectedEOF):
						if off == len(b) {
							t.Fatalf("io.ErrUnexpectedEOF at the end")
						}
					case errors.As(err, &de):
						if de.Status != StatusInvCmdLen || len(b)-off < 4 {
							t.Fatalf("bad DecodeError %+v", de)
						}
						n := int64(uint32(b[off])<<24 | uint32(b[off+1])<<16 | uint32(b[off+2])<<8 | uint32(b[off+3]))
						if n >= HeaderLen && n <= maxLen {
							t.Fatalf("length %d refused", n)
						}
					default:
						t.Fatalf("unexpected error %v", err)
					}
					break
				}
				if len(fr) < HeaderLen || len(fr) > maxLen || !bytes.Equal(fr, b[off:off+len(fr)]) {
					t.Fatalf("frame %x at %d does not match the input", fr, off)
				}
				if h, _ := DecodeHeader(fr); int(h.Length) != len(fr) {
					t.Fatalf("frame length %d, command_length %d", len(fr), h.Length)
				}
				Decode(fr)
				off += len(fr)
			}
		}
	})
}

// hostileSeeds are the non-golden seeds of FuzzDecode.
func hostileSeeds(t testing.TB) map[string][]byte {
	hello := unhex(t, helloSubmit)
	with := func(tail string) []byte { return setLength(append(append([]byte{}, hello...), unhex(t, tail)...)) }
	seeds := map[string][]byte{
		"empty":                 {},
		"short_header":          unhex(t, "00000010 00000015 00000000 000000"),
		"length_0":              unhex(t, "00000000 00000015 00000000 00000001"),
		"length_15":             unhex(t, "0000000f 00000015 00000000 00000001"),
		"length_2e31":           unhex(t, "80000000 00000015 00000000 00000001"),
		"length_mismatch":       unhex(t, "00000011 00000015 00000000 00000001"),
		"sm_length_past_end":    setLength(append(append([]byte{}, hello[:len(hello)-6]...), unhex(t, "ff 48656c6c6f")...)),
		"tlv_past_end":          with("0424 0010 41"),
		"tlv_stray_3":           with("020400"),
		"tlv_wrong_length":      with("0204 0001 01"),
		"tlv_vendor":            with("1501 0002 4142 8081 0000 1501 0001 43"),
		"unterminated":          unhex(t, "00000014 00000002 00000000 00000001 41424344"),
		"bad_dest_flag":         unhex(t, "00000028 00000021 00000000 00000001 00 0101 3100 01 09 0101 3200 000000 00 00 00000000 00"),
		"number_of_dests_0":     unhex(t, "00000022 00000021 00000000 00000001 00 0101 3100 00 000000 00 00 00000000 00"),
		"error_resp_bad_body":   unhex(t, "00000013 80000004 00000058 00000007 616263"),
		"error_resp_body":       unhex(t, "00000011 80000004 00000058 00000007 00"),
		"unknown_id":            unhex(t, "00000014 01000001 00000000 00000007 01020304"),
		"submit_multi_resp_255": unhex(t, "00000015 80000021 00000000 00000001 00 ff 0101 00"),
		"time_15":               unhex(t, "00000040 00000004 00000000 00000007 00 0101 3100 0101 3200 000000 303030303030303030303030303000 00 01000000 00"),
	}
	return seeds
}

// TestWriteFuzzCorpus writes testdata/fuzz/FuzzDecode with -update.
func TestWriteFuzzCorpus(t *testing.T) {
	if !*updateGolden {
		t.Skip("run with -update to rewrite testdata/fuzz/FuzzDecode")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	seeds := hostileSeeds(t)
	for _, g := range loadGolden(t) {
		seeds["golden_"+g.name] = g.b
	}
	names := make([]string, 0, len(seeds))
	for n := range seeds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(seeds[n])))
		if err := os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFuzzCorpusPresent keeps the committed seed corpus from going missing.
func TestFuzzCorpusPresent(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzDecode", "*"))
	if len(files) < len(hostileSeeds(t)) {
		t.Fatalf("%d seed files in testdata/fuzz/FuzzDecode; run go test ./pdu -run TestWriteFuzzCorpus -update", len(files))
	}
}
