package pdu

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strings"
	"testing"
)

// smFields decodes a submit_sm / deliver_sm body with the field-by-field
// decoder only, as the reference for the one-pass decoder.
func smFields(body []byte, strict bool) (SubmitSM, *DecodeError) {
	var q SubmitSM
	d := decoder{b: body, id: CmdSubmitSM, strict: strict}
	q.decodeBody(&d)
	if d.err == nil {
		d.finish()
	}
	return q, d.err
}

// smComparable returns p without its inline TLV store, whose contents depend
// on the decoder's allocation strategy, not on the frame.
func smComparable(p SubmitSM) SubmitSM {
	p.tlvBuf = [len(p.tlvBuf)]TLV{}
	return p
}

// checkSMFastAgrees checks the contract of decodeFast on one body: when it
// accepts, the field-by-field decoder accepts too and every field, nil-ness
// of slices included, is the same; with and without the string buffer of
// smBox.
func checkSMFastAgrees(t *testing.T, body []byte) (accepted bool) {
	t.Helper()
	for _, strict := range []bool{true, false} {
		want, err := smFields(body, strict)
		for _, boxed := range []bool{true, false} {
			box := new(smBox)
			var sbuf *[smStrBuf]byte
			if boxed {
				sbuf = &box.s
			}
			if !box.p.decodeFast(body, strict, sbuf) {
				continue
			}
			accepted = accepted || strict
			if err != nil {
				t.Fatalf("strict=%v: decodeFast accepts %x, decodeFields refuses: %v", strict, body, err)
			}
			if !reflect.DeepEqual(smComparable(box.p), smComparable(want)) {
				t.Fatalf("strict=%v boxed=%v: decodeFast and decodeFields differ on %x\nfast   %+v\nfields %+v",
					strict, boxed, body, box.p, want)
			}
		}
	}
	return accepted
}

// checkSMAppendAgrees checks the contract of appendFast on one PDU: when it
// succeeds its frame is the field-by-field encoder's, and when it refuses
// the strict encoder refuses too. The destination's existing contents must
// survive either way, whatever its capacity.
func checkSMAppendAgrees(t *testing.T, p *SubmitSM) (accepted bool) {
	t.Helper()
	prefix := []byte("prefix")
	for _, capacity := range []int{len(prefix), 64, 1024} {
		dst := append(make([]byte, 0, capacity), prefix...)
		fast, ok := p.appendFast(dst, CmdDeliverSM, StatusOK, 0x01020304)
		slow := append(append([]byte{}, prefix...), 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 1, 2, 3, 4)
		slow, err := p.appendSM(slow, CmdDeliverSM)
		if !bytes.HasPrefix(fast, prefix) {
			t.Fatalf("appendFast lost the destination's contents: %q", fast)
		}
		if !ok {
			if len(fast) != len(prefix) {
				t.Fatalf("refusing appendFast returned %d octets, want %d", len(fast), len(prefix))
			}
			if err == nil {
				t.Fatalf("appendFast refuses %+v, appendSM accepts it", p)
			}
			continue
		}
		accepted = true
		if err != nil {
			t.Fatalf("appendFast accepts %+v, appendSM refuses: %v", p, err)
		}
		body := slow[len(prefix):]
		binary.BigEndian.PutUint32(body, uint32(len(body)))
		if !bytes.Equal(fast[len(prefix):], body) {
			t.Fatalf("appendFast and appendSM differ\nfast %x\nslow %x", fast[len(prefix):], body)
		}
	}
	return accepted
}

// TestSMFastPathAgrees runs every submit_sm / deliver_sm fixture, and every
// truncation and single-octet mutation of each, through both decoders. It
// also checks that the one-pass decoder takes every valid fixture, so the
// fast path is the one actually used.
func TestSMFastPathAgrees(t *testing.T) {
	n := 0
	for _, g := range loadGolden(t) {
		h, err := DecodeHeader(g.b)
		if err != nil || h.ID != CmdSubmitSM && h.ID != CmdDeliverSM {
			continue
		}
		n++
		body := g.b[HeaderLen:]
		if _, err := smFields(body, true); err == nil && !checkSMFastAgrees(t, body) {
			t.Errorf("%s: decodeFast refuses a valid body", g.name)
		}
		for i := 0; i < len(body); i++ {
			checkSMFastAgrees(t, body[:i])
			for _, v := range []byte{0x00, 0x01, 0x10, 0xff, body[i] + 1, body[i] - 1} {
				m := bytes.Clone(body)
				m[i] = v
				checkSMFastAgrees(t, m)
			}
		}
		checkSMFastAgrees(t, append(bytes.Clone(body), 0))
		checkSMFastAgrees(t, append(bytes.Clone(body), 0, 0, 0, 0))
	}
	if n < 3 {
		t.Fatalf("only %d submit_sm / deliver_sm fixtures", n)
	}
}

// TestSMFastPathEdges covers what the fixtures do not: fields at and beyond
// their maximum, several TLVs (beyond the inline store), strings that do
// not fit the box's buffer, and a body whose strings end near its end.
func TestSMFastPathEdges(t *testing.T) {
	body := func(st, sa, da, sd, vp string, sm []byte, tlvs ...TLV) []byte {
		p := &SubmitSM{ServiceType: st, SourceAddr: sa, DestinationAddr: da,
			ScheduleDeliveryTime: sd, ValidityPeriod: vp, ShortMessage: sm, TLVs: tlvs,
			SourceAddrTON: 1, SourceAddrNPI: 2, DestAddrTON: 3, DestAddrNPI: 4, ESMClass: 5,
			ProtocolID: 6, PriorityFlag: 7, RegisteredDelivery: 8, ReplaceIfPresentFlag: 9,
			DataCoding: 10, SMDefaultMsgID: 11}
		var e encErr
		b := appendCString(nil, p.ServiceType, 1<<20, "", &e)
		b = append(b, p.SourceAddrTON, p.SourceAddrNPI)
		b = appendCString(b, p.SourceAddr, 1<<20, "", &e)
		b = append(b, p.DestAddrTON, p.DestAddrNPI)
		b = appendCString(b, p.DestinationAddr, 1<<20, "", &e)
		b = append(b, p.ESMClass, p.ProtocolID, p.PriorityFlag)
		b = appendCString(b, p.ScheduleDeliveryTime, 1<<20, "", &e)
		b = appendCString(b, p.ValidityPeriod, 1<<20, "", &e)
		b = append(b, p.RegisteredDelivery, p.ReplaceIfPresentFlag, p.DataCoding, p.SMDefaultMsgID, byte(len(sm)))
		b = append(b, sm...)
		for _, v := range tlvs {
			b = append(b, byte(v.Tag>>8), byte(v.Tag), byte(len(v.Value)>>8), byte(len(v.Value)))
			b = append(b, v.Value...)
		}
		return b
	}
	abs := "260131235959704+"
	long := strings.Repeat("9", 20)
	cases := []struct {
		name   string
		b      []byte
		strict bool // the strict decoders accept it
	}{
		{"empty everything", body("", "", "", "", "", nil), true},
		{"all strings at their maximum", body("ABCDE", long, long, abs, abs, []byte("hi")), true},
		{"strings beyond the box", body("CMT", long, long, abs, abs, nil), true},
		{"service_type too long", body("ABCDEF", "1", "2", "", "", nil), false},
		{"source_addr too long", body("", long+"9", "2", "", "", nil), false},
		{"destination_addr too long", body("", "1", long+"9", "", "", nil), false},
		{"schedule 15 characters", body("", "1", "2", abs[:15], "", nil), false},
		{"validity 17 characters", body("", "1", "2", "", abs+"x", nil), false},
		{"255-octet message", body("", "1", "2", "", "", bytes.Repeat([]byte{'x'}, 255)), true},
		{"one TLV, empty value", body("", "1", "2", "", "", nil, TLV{Tag: 0x3fff}), true},
		{"two TLVs", body("", "1", "2", "", "", nil,
			TLV{Tag: TagSARMsgRefNum, Value: []byte{0, 1}}, TLV{Tag: TagSARTotalSegments, Value: []byte{2}}), true},
		{"three TLVs and a vendor one", body("", "1", "2", "", "", []byte("x"),
			TLV{Tag: TagSARMsgRefNum, Value: []byte{0, 1}}, TLV{Tag: TagSARTotalSegments, Value: []byte{2}},
			TLV{Tag: TagSARSegmentSeqnum, Value: []byte{1}}, TLV{Tag: 0x1501, Value: []byte("MSC\x00")}), true},
		{"TLV of a length its tag forbids", body("", "1", "2", "", "", nil, TLV{Tag: TagSARMsgRefNum, Value: []byte{1}}), false},
		{"second TLV of a forbidden length", body("", "1", "2", "", "", nil,
			TLV{Tag: 0x3fff}, TLV{Tag: TagMessageState, Value: []byte{1, 2}}), false},
		{"broadcast tag", body("", "1", "2", "", "", nil, TLV{Tag: TagBroadcastMessageClass, Value: []byte{1}}), true},
		{"broadcast tag, bad length", body("", "1", "2", "", "", nil, TLV{Tag: TagBroadcastMessageClass, Value: []byte{1, 2}}), false},
		{"v5.0 tag above 0x1200", body("", "1", "2", "", "", nil, TLV{Tag: TagSMSSignal, Value: []byte{0, 1}}), true},
		{"v5.0 tag above 0x1200, bad length", body("", "1", "2", "", "", nil, TLV{Tag: TagSMSSignal, Value: []byte{1}}), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := checkSMFastAgrees(t, c.b)
			if _, err := smFields(c.b, true); (err == nil) != c.strict {
				t.Fatalf("decodeFields strict error = %v, want accepted %v", err, c.strict)
			}
			if got != c.strict {
				t.Errorf("decodeFast strict accepted = %v, want %v", got, c.strict)
			}
			for i := range c.b {
				checkSMFastAgrees(t, c.b[:i])
			}
		})
	}
}

// TestSMAppendFastAgrees compares the one-pass encoder with the field-by-field
// one on valid PDUs and on each way a PDU can be invalid.
func TestSMAppendFastAgrees(t *testing.T) {
	abs := "260131235959704+"
	long := strings.Repeat("9", 20)
	valid := func() *SubmitSM {
		return &SubmitSM{ServiceType: "CMT", SourceAddrTON: 5, SourceAddr: "MyBank", DestAddrTON: 1,
			DestAddrNPI: 1, DestinationAddr: "447700900123", RegisteredDelivery: 1,
			ShortMessage: []byte("hello"), TLVs: TLVs{{Tag: TagUserMessageReference, Value: []byte{0x12, 0x34}}}}
	}
	cases := []struct {
		name  string
		edit  func(p *SubmitSM)
		valid bool
	}{
		{"valid", func(*SubmitSM) {}, true},
		{"zero value", func(p *SubmitSM) { *p = SubmitSM{} }, true},
		{"maximum lengths", func(p *SubmitSM) {
			p.ServiceType, p.SourceAddr, p.DestinationAddr = "ABCDE", long, long
			p.ScheduleDeliveryTime, p.ValidityPeriod = abs, abs
			p.ShortMessage = bytes.Repeat([]byte{0}, 255)
		}, true},
		{"seven- and eight-octet strings", func(p *SubmitSM) { p.SourceAddr, p.DestinationAddr = "1234567", "12345678" }, true},
		{"several TLVs", func(p *SubmitSM) {
			p.TLVs = TLVs{{Tag: 0x1501, Value: []byte("MSC-A\x00")}, {Tag: 0x3fff}, {Tag: TagMessagePayload, Value: bytes.Repeat([]byte{1}, 300)}}
		}, true},
		{"service_type too long", func(p *SubmitSM) { p.ServiceType = "ABCDEF" }, false},
		{"source_addr too long", func(p *SubmitSM) { p.SourceAddr = long + "1" }, false},
		{"destination_addr too long", func(p *SubmitSM) { p.DestinationAddr = long + "1" }, false},
		{"NUL in a short string", func(p *SubmitSM) { p.SourceAddr = "My\x00ank" }, false},
		{"NUL in the first word", func(p *SubmitSM) { p.DestinationAddr = "4477\x00900123" }, false},
		{"NUL in the last word", func(p *SubmitSM) { p.DestinationAddr = "447700900\x0023" }, false},
		{"NUL in the service_type", func(p *SubmitSM) { p.ServiceType = "\x00" }, false},
		{"NUL in a time", func(p *SubmitSM) { p.ValidityPeriod = abs[:15] + "\x00" }, false},
		{"time of 15 characters", func(p *SubmitSM) { p.ScheduleDeliveryTime = abs[:15] }, false},
		{"message of 256 octets", func(p *SubmitSM) { p.ShortMessage = make([]byte, 256) }, false},
		{"TLV of a length its tag forbids", func(p *SubmitSM) { p.TLVs[0].Value = []byte{1} }, false},
		{"TLV over 65535 octets", func(p *SubmitSM) { p.TLVs = TLVs{{Tag: 0x3fff, Value: make([]byte, 0x10000)}} }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := valid()
			c.edit(p)
			if got := checkSMAppendAgrees(t, p); got != c.valid {
				t.Errorf("appendFast accepted = %v, want %v", got, c.valid)
			}
		})
	}
}
