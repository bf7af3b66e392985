package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
)

func TestRecordCodec(t *testing.T) {
	now := time.Now().UTC()
	m := &Message{Owner: "a.b", Target: "_net", PDU: []byte{1, 2, 3}, Submitted: now, Expires: now.Add(time.Hour), Receipt: 0x11, Node: "n1", Group: "7", Gate: "n1.5"}
	var got Message
	if err := decodeMessage(encodeMessage(m), &got); err != nil || !reflect.DeepEqual(&got, m) {
		t.Fatalf("message: %+v %v", got, err)
	}
	ref := uint16(4711)
	st := &State{ID: "9", ReceiptID: "7", Owner: "a", State: pdu.StateUndeliverable, Err: 300, Submitted: now, Done: now,
		Source: pdu.Address{TON: 5, NPI: 0, Addr: "Bank"}, Dest: pdu.Address{TON: 1, NPI: 1, Addr: "4477"}, Receipt: 1, Text: "héllo", UserRef: &ref, Version: 2, Gate: "n1.5"}
	var gs State
	if err := decodeState(encodeState(st), &gs); err != nil || !reflect.DeepEqual(&gs, st) {
		t.Fatalf("state: %+v %v", gs, err)
	}
	// Records written as JSON by earlier versions are still read.
	j, _ := json.Marshal(st)
	var gj State
	if err := decodeState(j, &gj); err != nil || gj.ID != "9" || gj.Text != "héllo" {
		t.Fatalf("json state: %+v %v", gj, err)
	}
	// Truncated and garbage records are errors, never panics.
	b := encodeState(st)
	for i := range b {
		var x State
		if decodeState(b[:i], &x) == nil && i > 0 {
			t.Fatalf("truncated state record of %d octets accepted", i)
		}
	}
	mb := encodeMessage(m)
	for i := range mb {
		var x Message
		if decodeMessage(mb[:i], &x) == nil && i > 0 {
			t.Fatalf("truncated message record of %d octets accepted", i)
		}
	}
}
