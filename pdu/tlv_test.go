package pdu

import "testing"

// TestTLVLenOK checks the flat length table against tagTable for every
// known tag and a spread of lengths up to 65535, and that an unknown tag
// takes any length.
func TestTLVLenOK(t *testing.T) {
	for tag, info := range tagTable {
		if int(tag) >= len(tagLimits) {
			t.Fatalf("%v beyond tagLimits", tag)
		}
		for n := 0; n < 0x10000; n += 1 + n/64 {
			if got, want := tlvLenOK(tag, n), n >= int(info.min) && n <= int(info.max); got != want {
				t.Fatalf("tlvLenOK(%v, %d) = %v, want %v", tag, n, got, want)
			}
		}
	}
	for _, tag := range []Tag{0x0000, 0x0003, 0x1400, 0x1501, 0x3fff, 0xffff} {
		if _, known := tagTable[tag]; known || !tlvLenOK(tag, 0) || !tlvLenOK(tag, 0xffff) {
			t.Errorf("unknown tag %v: known %v, or a length refused", tag, known)
		}
	}
}
