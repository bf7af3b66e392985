package dlr

import (
	"errors"
	"testing"

	"github.com/smppstack/smpp/pdu"
)

// FuzzParse checks that no input makes the parser or the PDU merge panic,
// that Raw is kept, that errors are ErrNotReceipt exactly when there is no
// id and no stat, and that format∘parse reaches a fixed point after one
// round (encoding.md §8). The seed corpus is in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(specText))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if r.Raw != string(data) {
			t.Fatalf("Raw = %q", r.Raw)
		}
		hasKey := r.Fields&(FieldID|FieldStat) != 0
		if hasKey == (err != nil) || err != nil && !errors.Is(err, ErrNotReceipt) {
			t.Fatalf("err = %v with fields %v", err, r.Fields)
		}
		a := r.String()
		ra, err := ParseString(a)
		if err != nil {
			t.Fatalf("formatted receipt %q does not parse: %v", a, err)
		}
		b := (Format{Seconds: true, CapitalText: true}).Text(ra)
		rb, err := ParseString(b)
		if err != nil {
			t.Fatalf("formatted receipt %q does not parse: %v", b, err)
		}
		c := (Format{Seconds: true, CapitalText: true}).Text(rb)
		if b != c {
			t.Fatalf("no fixed point:\n%q\n%q\n%q", a, b, c)
		}

		p := &pdu.DeliverSM{ESMClass: pdu.ESMTypeDeliveryReceipt, ShortMessage: data}
		if len(data) > 0 {
			p.TLVs = pdu.TLVs{
				{Tag: pdu.TagReceiptedMessageID, Value: data[:len(data)/2]},
				{Tag: pdu.TagMessageState, Value: data[:1]},
				{Tag: pdu.TagNetworkErrorCode, Value: data[len(data)/2:]},
			}
		}
		if _, ok := FromDeliverSM(p); !ok {
			t.Fatal("receipt esm_class not recognised")
		}
		MatchID(string(data[:len(data)/2]), string(data[len(data)/2:]))
	})
}
