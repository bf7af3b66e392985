package coding

import (
	"strings"
	"testing"
)

var (
	bench160 = strings.Repeat("Hello world, this is SMPP! ", 6)[:160]
	bench500 = strings.Repeat("Long message text with {braces} and €uro signs. ", 11)[:500]
)

func BenchmarkGSM7Encode160(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (GSM7{}).Encode(bench160); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGSM7Decode160(b *testing.B) {
	enc, _ := GSM7{}.Encode(bench160)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (GSM7{}).Decode(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGSM7PackedEncode160(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (GSM7{Packed: true}).Encode(bench160); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGSM7PackedDecode160(b *testing.B) {
	enc, _ := GSM7{Packed: true}.Encode(bench160)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (GSM7{Packed: true}).Decode(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUCS2Encode70(b *testing.B) {
	text := strings.Repeat("Привет мир 😀 ", 5)[:70]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (UCS2{}).Encode(text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSplit500(b *testing.B) {
	for _, c := range []Codec{GSM7{}, GSM7{Packed: true}, UCS2{}} {
		b.Run(c.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Split(bench500, c, ConcatUDH8, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCount500(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Count(bench500, GSM7{}, ConcatUDH8); err != nil {
			b.Fatal(err)
		}
	}
}
