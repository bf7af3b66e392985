package pdu_test

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/smppstack/smpp/pdu"
)

// Encode a submit_sm into a reused buffer.
func ExampleAppend() {
	sm := &pdu.SubmitSM{
		SourceAddrTON: pdu.TONInternational, SourceAddrNPI: pdu.NPIISDN, SourceAddr: "447700900123",
		DestAddrTON: pdu.TONInternational, DestAddrNPI: pdu.NPIISDN, DestinationAddr: "447700900456",
		RegisteredDelivery: pdu.RegReceiptFinal,
		ShortMessage:       pdu.OctetString("Hello"),
	}
	buf := make([]byte, 0, 256)
	buf, err := pdu.Append(buf[:0], 7, pdu.StatusOK, sm)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(buf), hex.EncodeToString(buf))
	// Output:
	// 62 0000003e000000040000000000000007000101343437373030393030313233000101343437373030393030343536000000000000010000000548656c6c6f
}

// Decode a submit_sm and answer a bad one with the status the decoder gives.
func ExampleDecode() {
	frame, _ := hex.DecodeString("0000003e000000040000000000000007000101343437373030393030313233000101343437373030393030343536000000000000010000000548656c6c6f")
	h, p, err := pdu.Decode(frame)
	if err != nil {
		fmt.Println(err)
		return
	}
	sm := p.(*pdu.SubmitSM)
	fmt.Println(h.ID, h.Seq, sm.SourceAddr, "->", sm.DestinationAddr, string(sm.ShortMessage))

	// The same frame with a source_addr of 21 characters.
	bad, _ := hex.DecodeString("00000047000000040000000000000008000101313233343536373839303132333435363738393031000101343437373030393030343536000000000000010000000548656c6c6f")
	_, _, err = pdu.Decode(bad)
	var de *pdu.DecodeError
	if errors.As(err, &de) {
		fmt.Println(de.Status.String(), de.Field, de.Seq(), de.GenericNACK())
	}
	// Output:
	// submit_sm 7 447700900123 -> 447700900456 Hello
	// ESME_RINVSRCADR source_addr 8 false
}
