package coding

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/smppstack/smpp/pdu"
)

func TestParseUDH(t *testing.T) {
	ud := []byte{0x0E, 0x24, 0x01, 0x01, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x00, 0x03, 0x42, 0x03, 0x02, 'h', 'i'}
	ies, n, err := ParseUDH(ud)
	if err != nil || n != 15 {
		t.Fatalf("n = %d, %v", n, err)
	}
	want := []IE{
		{ID: IESingleShift, Data: []byte{1}},
		{ID: IEPort16, Data: []byte{0x0B, 0x84, 0x23, 0xF0}},
		{ID: IEConcat8, Data: []byte{0x42, 0x03, 0x02}},
	}
	if !reflect.DeepEqual(ies, want) {
		t.Fatalf("IEs = %v", ies)
	}
	if got := AppendUDH(nil, ies...); !bytes.Equal(got, ud[:15]) {
		t.Fatalf("AppendUDH = % X", got)
	}
	if got := AppendUDH([]byte{1}); !bytes.Equal(got, []byte{1}) {
		t.Fatal("AppendUDH of no IEs wrote something")
	}
	// Empty UDH (UDHL 0) is legal.
	if ies, n, err := ParseUDH([]byte{0x00, 'x'}); err != nil || n != 1 || ies != nil {
		t.Fatalf("empty UDH: %v %d %v", ies, n, err)
	}
}

func TestParseUDHErrors(t *testing.T) {
	for _, tc := range []struct {
		ud     []byte
		offset int
		reason string
	}{
		{nil, 0, "missing UDHL"},
		{[]byte{0x05, 0x00, 0x03}, 0, "UDHL 5 exceeds the 2 octets that follow"},
		{[]byte{0x05, 0x00, 0x04, 0x01, 0x02, 0x03}, 1, "IE 0x00 length 4 runs past the UDH"},
		{[]byte{0x04, 0x24, 0x01, 0x01, 0x08}, 4, "truncated IE header"},
	} {
		_, _, err := ParseUDH(tc.ud)
		var de *DecodeError
		if !errors.As(err, &de) || de.Offset != tc.offset || de.Reason != tc.reason || !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseUDH(% X) = %v; want %d %q", tc.ud, err, tc.offset, tc.reason)
		}
	}
}

func TestParsePart(t *testing.T) {
	udhi := pdu.ESMUDHI
	for _, tc := range []struct {
		name string
		esm  pdu.ESMClass
		ud   []byte
		tlvs pdu.TLVs
		want Part
	}{
		{"plain", 0, []byte("hi"), nil, Part{}},
		{"UDHI without concat", udhi, []byte{0x03, 0x24, 0x01, 0x01, 'x'}, nil, Part{UDHLen: 4}},
		{"UDH8", udhi, []byte{0x05, 0x00, 0x03, 0xAB, 0x03, 0x02, 'x'}, nil, Part{Method: ConcatUDH8, Ref: 0xAB, Total: 3, Seq: 2, UDHLen: 6}},
		{"UDH16", udhi, []byte{0x06, 0x08, 0x04, 0xAB, 0xCD, 0x03, 0x03, 'x'}, nil, Part{Method: ConcatUDH16, Ref: 0xABCD, Total: 3, Seq: 3, UDHLen: 7}},
		{"UDH8 after other IEs", udhi, []byte{0x0C, 0x25, 0x01, 0x03, 0x04, 0x02, 0x10, 0x20, 0x00, 0x03, 0x07, 0x02, 0x01}, nil, Part{Method: ConcatUDH8, Ref: 7, Total: 2, Seq: 1, UDHLen: 13}},
		{"seq 0 ignored", udhi, []byte{0x05, 0x00, 0x03, 0xAB, 0x03, 0x00}, nil, Part{UDHLen: 6}},
		{"seq > total ignored", udhi, []byte{0x05, 0x00, 0x03, 0xAB, 0x03, 0x04}, nil, Part{UDHLen: 6}},
		{"total 0 ignored", udhi, []byte{0x05, 0x00, 0x03, 0xAB, 0x00, 0x00}, nil, Part{UDHLen: 6}},
		{"UDH wins over SAR", udhi, []byte{0x05, 0x00, 0x03, 0x01, 0x02, 0x01}, sar(9, 4, 4), Part{Method: ConcatUDH8, Ref: 1, Total: 2, Seq: 1, UDHLen: 6}},
		{"SAR", 0, []byte("x"), sar(0x0102, 4, 3), Part{Method: ConcatSAR, Ref: 0x0102, Total: 4, Seq: 3}},
		{"SAR incomplete ignored", 0, []byte("x"), sar(1, 4, 3)[:2], Part{}},
	} {
		got, err := ParsePart(tc.esm, tc.ud, tc.tlvs)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got.IEs, got.Data = nil, nil
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func sar(ref uint16, total, seq uint8) pdu.TLVs {
	var t pdu.TLVs
	t.SetUint16(pdu.TagSARMsgRefNum, ref)
	t.SetUint8(pdu.TagSARTotalSegments, total)
	t.SetUint8(pdu.TagSARSegmentSeqnum, seq)
	return t
}

func TestParsePartErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		esm  pdu.ESMClass
		ud   []byte
		tlvs pdu.TLVs
	}{
		"bad UDHL":        {pdu.ESMUDHI, []byte{0x09, 0x00}, nil},
		"UDHI, no data":   {pdu.ESMUDHI, nil, nil},
		"concat8 IEDL 4":  {pdu.ESMUDHI, []byte{0x06, 0x00, 0x04, 1, 2, 1, 1}, nil},
		"concat16 IEDL 3": {pdu.ESMUDHI, []byte{0x05, 0x08, 0x03, 1, 2, 1}, nil},
		"SAR seq 0":       {0, nil, sar(1, 2, 0)},
		"SAR seq > total": {0, nil, sar(1, 2, 3)},
	} {
		if _, err := ParsePart(tc.esm, tc.ud, tc.tlvs); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestPartOf(t *testing.T) {
	d := &pdu.DeliverSM{SourceAddrTON: 1, SourceAddr: "4477", DestinationAddr: "100", DataCoding: 8, ESMClass: pdu.ESMUDHI,
		ShortMessage: []byte{0x05, 0x00, 0x03, 0x09, 0x02, 0x01, 0x00, 0x41}}
	p, err := PartOf(d)
	if err != nil || p.Source != (pdu.Address{TON: 1, Addr: "4477"}) || p.Dest.Addr != "100" || p.DataCoding != 8 ||
		p.Ref != 9 || p.Total != 2 || p.Seq != 1 || !bytes.Equal(p.Body(), []byte{0x00, 0x41}) || len(p.Header()) != 6 {
		t.Fatalf("PartOf = %+v, %v", p, err)
	}
	// message_payload when short_message is empty.
	s := &pdu.SubmitSM{TLVs: sar(5, 2, 2)}
	s.TLVs.Set(pdu.TagMessagePayload, []byte("tail"))
	if p, err = PartOf(s); err != nil || string(p.Body()) != "tail" || p.Method != ConcatSAR || p.Seq != 2 {
		t.Fatalf("PartOf submit = %+v, %v", p, err)
	}
	ds := &pdu.DataSM{ESMClass: pdu.ESMUDHI}
	ds.TLVs.Set(pdu.TagMessagePayload, []byte{0x06, 0x08, 0x04, 0x01, 0x00, 0x03, 0x01, 'a'})
	if p, err = PartOf(ds); err != nil || p.Ref != 0x0100 || p.Method != ConcatUDH16 {
		t.Fatalf("PartOf data_sm = %+v, %v", p, err)
	}
	if _, err := PartOf(&pdu.EnquireLink{}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("enquire_link: %v", err)
	}
	if _, err := PartOf(nil); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("nil: %v", err)
	}
}
