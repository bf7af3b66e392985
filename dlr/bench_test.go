package dlr

import (
	"testing"

	"github.com/smppstack/smpp/pdu"
)

func BenchmarkParse(b *testing.B) {
	data := []byte(specText)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseVendor(b *testing.B) {
	data := []byte("ID:1a2b3c4d SUB:001 DLVRD:001 SUBMIT DATE:20240131153012 DONE DATE:20240131153145 STAT:DELIVERED ERR:000 IMSI:234150000000000 MSC:447000000000 TEXT:Hello world\r\n\x00")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendText(b *testing.B) {
	r := New("0123456789", pdu.StateDelivered, submit, done)
	r.Text = "Hello world"
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = r.AppendText(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkFromDeliverSM(b *testing.B) {
	p := &pdu.DeliverSM{ESMClass: pdu.ESMTypeDeliveryReceipt, ShortMessage: []byte(specText),
		TLVs: tlvs("0123456789", int(pdu.StateDelivered), []byte{3, 0, 0})}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := FromDeliverSM(p); !ok {
			b.Fatal("not a receipt")
		}
	}
}

func BenchmarkDeliverSM(b *testing.B) {
	r := New("0123456789", pdu.StateDelivered, submit, done)
	r.Text = "Hello world"
	b.ReportAllocs()
	for b.Loop() {
		r.DeliverSM(esme, target, BuildOptions{TLVs: true})
	}
}
