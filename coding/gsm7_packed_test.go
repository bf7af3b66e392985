package coding

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestPackedVectors(t *testing.T) {
	// encoding.md §9.5 worked examples.
	for text, want := range map[string][]byte{
		"hello":      {0xE8, 0x32, 0x9B, 0xFD, 0x06},
		"hellohello": {0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37},
		"":           {},
	} {
		got, err := GSM7{Packed: true}.Encode(text)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("Encode(%q) = % X, %v; want % X", text, got, err, want)
		}
		dec, err := GSM7{Packed: true}.Decode(want)
		if err != nil || dec != text {
			t.Errorf("Decode(% X) = %q, %v; want %q", want, dec, err, text)
		}
	}
}

func TestFillBits(t *testing.T) {
	for udh, want := range map[int]int{0: 0, 6: 1, 7: 0, 4: 3, 9: 5, 1: 6, 13: 1} {
		if got := FillBits(udh); got != want {
			t.Errorf("FillBits(%d) = %d, want %d", udh, got, want)
		}
	}
}

func TestPack7WithFill(t *testing.T) {
	// "hello" after one fill bit (a 6-octet UDH): worked out bit by bit.
	got := Pack7(nil, []byte("hello"), 1)
	want := []byte{0xD0, 0x65, 0x36, 0xFB, 0x0D}
	if !bytes.Equal(got, want) {
		t.Fatalf("Pack7(hello, 1) = % X, want % X", got, want)
	}
	if back := Unpack7(nil, want, 1); string(back) != "hello" {
		t.Fatalf("Unpack7 = %q", back)
	}
	if out := Pack7([]byte{0xAA}, nil, 3); !bytes.Equal(out, []byte{0xAA}) {
		t.Fatalf("Pack7 of nothing appended % X", out)
	}
}

func TestPackRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		n := rng.IntN(40)
		septets := make([]byte, n)
		for j := range septets {
			septets[j] = byte(rng.IntN(128))
		}
		fill := rng.IntN(7)
		packed := Pack7(nil, septets, fill)
		if want := (fill + 7*n + 7) / 8; n > 0 && len(packed) != want {
			t.Fatalf("len(Pack7(%d septets, fill %d)) = %d, want %d", n, fill, len(packed), want)
		}
		back, ok := Unpack7N(nil, packed, fill, n)
		if !ok || !bytes.Equal(back, septets) {
			t.Fatalf("Unpack7N(Pack7(% X, %d)) = % X", septets, fill, back)
		}
		// In place packing after a prefix gives the same octets.
		buf := append([]byte("UDH"), septets...)
		if got := packInPlace(buf, 3, fill); !bytes.Equal(got[3:], packed) || string(got[:3]) != "UDH" {
			t.Fatalf("packInPlace = % X, want UDH % X", got, packed)
		}
	}
}

func TestUnpackTrailingPadding(t *testing.T) {
	// 7 septets leave 7 spare bits: they must not read as '@'.
	enc, _ := GSM7{Packed: true}.Encode("1234567")
	if len(enc) != 7 {
		t.Fatalf("len = %d", len(enc))
	}
	if dec, _ := (GSM7{Packed: true}).Decode(enc); dec != "1234567" {
		t.Fatalf("Decode = %q", dec)
	}
	// 8 septets fill 7 octets exactly; a final '@' cannot be told from
	// padding (documented limitation), but Unpack7N with the count keeps it.
	enc, _ = GSM7{Packed: true}.Encode("1234567@")
	if dec, _ := (GSM7{Packed: true}).Decode(enc); dec != "1234567" {
		t.Fatalf("Decode = %q (the documented ambiguity changed?)", dec)
	}
	if s, ok := Unpack7N(nil, enc, 0, 8); !ok || string(s) != "1234567\x00" {
		t.Fatalf("Unpack7N = %q, %v", s, ok)
	}
	if _, ok := Unpack7N(nil, enc, 0, 9); ok {
		t.Fatal("Unpack7N read past the data")
	}
	// Packed texts of every length up to 40 round-trip, except that one case.
	for n := 0; n <= 40; n++ {
		text := strings.Repeat("a{", n)[:n]
		enc, err := GSM7{Packed: true}.Encode(text)
		if err != nil {
			t.Fatal(err)
		}
		if dec, err := (GSM7{Packed: true}).Decode(enc); dec != text || err != nil {
			t.Fatalf("n=%d: Decode = %q, %v", n, dec, err)
		}
	}
}

func TestUnpackShortInput(t *testing.T) {
	if got := Unpack7(nil, nil, 0); len(got) != 0 {
		t.Fatal(got)
	}
	if got := Unpack7(nil, []byte{0xFF}, 6); len(got) != 0 {
		t.Fatalf("2 bits gave %q", got)
	}
	if got := Unpack7(nil, []byte{0xFF}, 1); string(got) != "\x7F" {
		t.Fatalf("got % X", got)
	}
}
