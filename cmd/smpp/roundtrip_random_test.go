package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"math/rand"
	"strings"
	"testing"

	"github.com/smppstack/smpp/pdu"
)

// TestDecodeEncodeMutations: for mutations of every fixture that still
// decode (strict or lenient), encode(decode(hex)) gives the bytes back.
func TestDecodeEncodeMutations(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	n := 100
	if testing.Short() {
		n = 30
	}
	decoded := 0
	for name, h := range allVectors(t) {
		orig, _ := hex.DecodeString(normHex(h))
		for i := 0; i < n; i++ {
			b := append([]byte{}, orig...)
			for k := 1 + r.Intn(3); k > 0; k-- {
				switch r.Intn(3) {
				case 0: // overwrite an octet after the length
					b[4+r.Intn(len(b)-4)] = byte(r.Intn(256))
				case 1: // append an octet
					b = append(b, byte(r.Intn(256)))
				case 2: // drop the last octet
					if len(b) > pdu.HeaderLen {
						b = b[:len(b)-1]
					}
				}
			}
			binary.BigEndian.PutUint32(b, uint32(len(b)))
			for _, dc := range []pdu.Decoder{{}, {Lenient: true}} {
				line, ok := decodeLine(dc, hex.EncodeToString(b))
				if !ok {
					continue
				}
				decoded++
				got, err := encodeJSON(line)
				if err != nil || !bytes.Equal(got, b) {
					t.Fatalf("%s mutation %d (lenient %v): encode(decode(%x)) = %x, %v\njson %s", name, i, dc.Lenient, b, got, err, line)
				}
				if strings.ContainsAny(string(line), "\n\r") {
					t.Fatalf("line break in %s", line)
				}
			}
		}
	}
	if decoded == 0 {
		t.Fatal("no mutation decoded")
	}
	t.Logf("%d decodable mutations round-tripped", decoded)
}
