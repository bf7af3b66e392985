package coding_test

import (
	"fmt"

	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/pdu"
)

func ExampleSplit() {
	text := "A long message that does not fit in one SMS, so it travels in several parts, " +
		"each with a concatenation UDH that lets the handset put it back together again. {Thanks!}"
	c := coding.Choose(text)
	n, _ := coding.Count(text, c, coding.ConcatUDH8)
	fmt.Println(c.Name(), n.Segments, "segments,", n.Remaining, "septets left")

	segs, err := coding.Split(text, c, coding.ConcatUDH8, 0x42)
	if err != nil {
		panic(err)
	}
	for _, s := range segs {
		p := pdu.SubmitSM{SourceAddr: "Shop", DestinationAddr: "447700900123"}
		s.ApplySubmit(&p)
		fmt.Printf("esm_class %#02x, UDH % X, %d octets\n", p.ESMClass, s.Header(), len(p.ShortMessage))
	}
	// Output:
	// GSM 03.38 2 segments, 138 septets left
	// esm_class 0x40, UDH 05 00 03 42 02 01, 159 octets
	// esm_class 0x40, UDH 05 00 03 42 02 02, 21 octets
}

func ExampleReassembler() {
	r := coding.NewReassembler(coding.ReassemblerConfig{})
	segs, _ := coding.Split("Привет! Это длинное сообщение, которое не помещается в одно SMS и приходит частями.", coding.UCS2{}, coding.ConcatSAR, 7)
	for i := len(segs) - 1; i >= 0; i-- { // any order
		d := pdu.DeliverSM{SourceAddr: "447700900123", DestinationAddr: "1234"}
		segs[i].ApplyDeliver(&d)
		part, _ := coding.PartOf(&d)
		msg, expired, _ := r.Add(part)
		for _, in := range expired {
			fmt.Println("incomplete, missing", in.Missing)
		}
		if msg != nil {
			c, _ := coding.Codecs{}.ForPart(msg.Parts[0])
			text, _ := msg.Text(c)
			fmt.Println(msg.Total, "parts:", text)
		}
	}
	// Output:
	// 2 parts: Привет! Это длинное сообщение, которое не помещается в одно SMS и приходит частями.
}
