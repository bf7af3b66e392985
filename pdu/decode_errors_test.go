package pdu

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// frameOf builds a frame from a header and a hex body, with command_length
// set to the real length.
func frameOf(t testing.TB, id CommandID, status Status, seq uint32, bodyHex string) []byte {
	t.Helper()
	body := unhex(t, bodyHex)
	return AppendHeader(nil, Header{Length: uint32(HeaderLen + len(body)), ID: id, Status: status, Seq: seq})
	// (body appended below; AppendHeader returns a fresh slice)
}

func mkFrame(t testing.TB, id CommandID, status Status, seq uint32, bodyHex string) []byte {
	t.Helper()
	return append(frameOf(t, id, status, seq, bodyHex), unhex(t, bodyHex)...)
}

// setLength rewrites command_length to the frame's real length.
func setLength(b []byte) []byte {
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	return b
}

func decodeErr(t *testing.T, dc Decoder, b []byte) *DecodeError {
	t.Helper()
	_, _, err := dc.Decode(b)
	if err == nil {
		t.Fatalf("Decode(%x): no error", b)
	}
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("Decode: error %T %v, want *DecodeError", err, err)
	}
	if de.Error() == "" {
		t.Fatal("empty Error()")
	}
	return de
}

func TestDecodeCommandLength(t *testing.T) {
	el := unhex(t, "00000010 00000015 00000000 00000007")
	big := make([]byte, DefaultMaxLen+1)
	copy(big, el)
	setLength(big)
	cases := []struct {
		name        string
		dc          Decoder
		b           []byte
		err         error
		headerValid bool
	}{
		{"empty", Decoder{}, nil, ErrShortFrame, false},
		{"15 octets", Decoder{}, el[:15], ErrShortFrame, false},
		{"length 0", Decoder{}, append(unhex(t, "00000000"), el[4:]...), ErrBadLength, true},
		{"length 1", Decoder{}, append(unhex(t, "00000001"), el[4:]...), ErrBadLength, true},
		{"length 15", Decoder{}, append(unhex(t, "0000000f"), el[4:]...), ErrBadLength, true},
		{"length 2^31", Decoder{}, append(unhex(t, "80000000"), el[4:]...), ErrFrameTooLarge, true},
		{"length 2^32-1", Decoder{}, append(unhex(t, "ffffffff"), el[4:]...), ErrFrameTooLarge, true},
		{"above default MaxLen", Decoder{}, big, ErrFrameTooLarge, true},
		{"above MaxLen 100", Decoder{MaxLen: 100}, setLength(append(append([]byte{}, el...), make([]byte, 85)...)), ErrFrameTooLarge, true},
		{"length 17, 16 octets", Decoder{}, append(unhex(t, "00000011"), el[4:]...), ErrShortFrame, true},
		{"length 16, 17 octets", Decoder{}, append(append([]byte{}, el...), 0), ErrShortFrame, true},
		{"length 100, 16 octets", Decoder{}, append(unhex(t, "00000064"), el[4:]...), ErrShortFrame, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			de := decodeErr(t, c.dc, c.b)
			if de.Status != StatusInvCmdLen {
				t.Errorf("Status %v, want ESME_RINVCMDLEN", de.Status)
			}
			if !errors.Is(de, c.err) {
				t.Errorf("Err %v, want %v", de.Err, c.err)
			}
			if de.HeaderValid != c.headerValid {
				t.Errorf("HeaderValid %v, want %v", de.HeaderValid, c.headerValid)
			}
			wantSeq := uint32(0)
			if c.headerValid {
				wantSeq = 7
				if de.Header.ID != CmdEnquireLink || de.Header.Length != binary.BigEndian.Uint32(c.b) {
					t.Errorf("Header %+v", de.Header)
				}
			}
			if de.Seq() != wantSeq {
				t.Errorf("Seq() %d, want %d", de.Seq(), wantSeq)
			}
			if !de.GenericNACK() {
				t.Error("GenericNACK() false for a framing error")
			}
		})
	}
	// Exactly MaxLen is accepted.
	b := setLength(append(append([]byte{}, el...), make([]byte, 84)...))
	if _, _, err := (Decoder{MaxLen: 100}).Decode(b); err != nil {
		t.Errorf("frame of exactly MaxLen: %v", err)
	}
}

// setField sets the string field with the given json name.
func setField(p PDU, name, v string) {
	rv := reflect.ValueOf(p).Elem()
	for i := 0; i < rv.NumField(); i++ {
		tag, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("json"), ",")
		if tag == name {
			rv.Field(i).SetString(v)
			return
		}
	}
	panic("no field " + name)
}

type strField struct {
	id     CommandID
	field  string
	max    int // octets including the NUL; 17 for time fields
	status Status
	set    func(p PDU, v string) // nil: setField by json name
}

func stringFields() []strField {
	var f []strField
	add := func(ids []CommandID, field string, max int, st Status) {
		for _, id := range ids {
			f = append(f, strField{id: id, field: field, max: max, status: st})
		}
	}
	binds := []CommandID{CmdBindTransmitter, CmdBindReceiver, CmdBindTransceiver}
	add(binds, "system_id", 16, StatusInvSystemID)
	add(binds, "password", 9, StatusInvPassword)
	add(binds, "system_type", 13, StatusInvSystemType)
	add(binds, "address_range", 41, StatusBindFail) // no dedicated status in the spec
	add([]CommandID{CmdBindTransmitterResp, CmdBindReceiverResp, CmdBindTransceiverResp}, "system_id", 16, StatusInvSystemID)
	add([]CommandID{CmdOutbind}, "system_id", 16, StatusInvSystemID)
	add([]CommandID{CmdOutbind}, "password", 9, StatusInvPassword)
	sms := []CommandID{CmdSubmitSM, CmdDeliverSM, CmdSubmitMulti}
	add(append(sms, CmdDataSM, CmdCancelSM, CmdBroadcastSM, CmdCancelBroadcastSM), "service_type", 6, StatusInvServiceType)
	add(append(sms, CmdQuerySM, CmdCancelSM, CmdReplaceSM, CmdBroadcastSM, CmdQueryBroadcastSM, CmdCancelBroadcastSM), "source_addr", 21, StatusInvSrcAddr)
	add([]CommandID{CmdSubmitSM, CmdDeliverSM, CmdCancelSM}, "destination_addr", 21, StatusInvDstAddr)
	add([]CommandID{CmdDataSM, CmdAlertNotification}, "source_addr", 65, StatusInvSrcAddr)
	add([]CommandID{CmdDataSM}, "destination_addr", 65, StatusInvDstAddr)
	add([]CommandID{CmdAlertNotification}, "esme_addr", 65, StatusInvDstAddr)
	add(append(sms, CmdReplaceSM, CmdBroadcastSM), "schedule_delivery_time", 17, StatusInvSched)
	add(append(sms, CmdReplaceSM, CmdBroadcastSM), "validity_period", 17, StatusInvExpiry)
	add([]CommandID{CmdQuerySM, CmdCancelSM, CmdReplaceSM, CmdBroadcastSM, CmdQueryBroadcastSM, CmdCancelBroadcastSM,
		CmdSubmitSMResp, CmdDeliverSMResp, CmdDataSMResp, CmdSubmitMultiResp, CmdQuerySMResp, CmdBroadcastSMResp, CmdQueryBroadcastSMResp},
		"message_id", 65, StatusInvMsgID)
	f = append(f,
		strField{CmdSubmitMulti, "destination_addr", 21, StatusInvDstAddr, func(p PDU, v string) {
			p.(*SubmitMulti).DestAddresses = []DestAddress{{DestFlag: DestFlagDL, DLName: "dl"}, {DestFlag: DestFlagSME, DestAddrTON: 1, DestAddrNPI: 1, DestinationAddr: v}}
		}},
		strField{CmdSubmitMulti, "dl_name", 21, StatusInvDLName, func(p PDU, v string) {
			p.(*SubmitMulti).DestAddresses = []DestAddress{{DestFlag: DestFlagSME, DestinationAddr: "1"}, {DestFlag: DestFlagDL, DLName: v}}
		}},
		strField{CmdSubmitMultiResp, "destination_addr", 21, StatusInvDstAddr, func(p PDU, v string) {
			p.(*SubmitMultiResp).UnsuccessSMEs = []UnsuccessSME{{DestAddrTON: 1, DestAddrNPI: 1, DestinationAddr: v, ErrorStatusCode: StatusInvDstAddr}}
		}},
	)
	return f
}

// craft encodes a PDU of id whose field holds a string of n characters,
// bypassing the encoder's limits: it encodes a one-character marker and
// splices the real value in.
func craft(t *testing.T, f strField, n int) []byte {
	t.Helper()
	const marker = "\x7f"
	p, _ := New(f.id)
	if sm, ok := p.(*SubmitMulti); ok {
		sm.DestAddresses = []DestAddress{{DestFlag: DestFlagSME, DestinationAddr: "1"}}
	}
	val := marker
	if f.max == 17 { // time fields: splice a 16-character value
		val = marker + strings.Repeat("0", 15)
	}
	if f.set != nil {
		f.set(p, val)
	} else {
		setField(p, f.field, val)
	}
	b, err := Marshal(1, 0, p)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	i := bytes.Index(b, []byte(val+"\x00"))
	if i < 0 || bytes.Count(b, []byte(marker)) != 1 {
		t.Fatalf("marker not unique in %x", b)
	}
	out := append([]byte{}, b[:i]...)
	out = append(out, strings.Repeat("7", n)...)
	out = append(out, b[i+len(val):]...)
	return setLength(out)
}

func TestDecodeStringLimits(t *testing.T) {
	for _, f := range stringFields() {
		t.Run(f.id.String()+"/"+f.field, func(t *testing.T) {
			// Longest legal value.
			ok := craft(t, f, f.max-1)
			if _, _, err := Decode(ok); err != nil {
				t.Fatalf("value of %d characters: %v", f.max-1, err)
			}
			over := craft(t, f, f.max)
			de := decodeErr(t, Decoder{}, over)
			if f.id.IsResponse() {
				// A response is never answered at all (pdus.md §4).
				if de.GenericNACK() {
					t.Errorf("GenericNACK() true for a response")
				}
			} else {
				if de.Status != f.status {
					t.Errorf("Status %v, want %v (%v)", de.Status, f.status, de)
				}
				if de.GenericNACK() {
					t.Errorf("GenericNACK() true; a bad field of a request is answered with its own resp")
				}
			}
			if f.id.IsResponse() && de.Status != f.status {
				t.Logf("response status %v (want %v)", de.Status, f.status)
			}
			if de.Field != f.field {
				t.Errorf("Field %q, want %q", de.Field, f.field)
			}
			if !de.HeaderValid || de.Seq() != 1 || de.Header.ID != f.id {
				t.Errorf("header not carried: %+v", de)
			}
			if !errors.Is(de, ErrTooLong) {
				t.Errorf("Err %v, want ErrTooLong", de.Err)
			}
			// Lenient accepts it and keeps the value.
			if _, p, err := (Decoder{Lenient: true}).Decode(over); err != nil {
				t.Errorf("lenient: %v", err)
			} else if !strings.Contains(dumpPDU(p), strings.Repeat("7", f.max)) {
				t.Errorf("lenient decode lost the value: %s", dumpPDU(p))
			}
			// The encoder refuses what the strict decoder refuses.
			_, p, _ := Decoder{Lenient: true}.Decode(over)
			if _, err := Marshal(1, 0, p); err == nil {
				t.Errorf("encoder accepted an over-long %s", f.field)
			} else {
				var ee *EncodeError
				if !errors.As(err, &ee) || ee.Field != f.field || !errors.Is(err, ErrTooLong) && !errors.Is(err, ErrBadValue) {
					t.Errorf("encode error %v", err)
				}
			}
			// Unterminated: the frame ends inside the string.
			cut := setLength(append([]byte{}, over[:bytes.Index(over[HeaderLen:], []byte("7777"))+HeaderLen+2]...))
			de = decodeErr(t, Decoder{Lenient: true}, cut)
			if !errors.Is(de, ErrNoTerminator) && !errors.Is(de, ErrTruncated) {
				t.Errorf("unterminated: %v", de)
			}
			if de.Status != StatusInvCmdLen || !de.HeaderValid || de.Seq() != 1 {
				t.Errorf("unterminated: %+v", de)
			}
		})
	}
}

func TestDecodeTimeFieldLength(t *testing.T) {
	for _, f := range stringFields() {
		if f.max != 17 {
			continue
		}
		for _, n := range []int{1, 15} {
			b := craft(t, f, n)
			de := decodeErr(t, Decoder{}, b)
			if de.Status != f.status || de.Field != f.field || !errors.Is(de, ErrBadValue) {
				t.Errorf("%v %s of %d characters: %v", f.id, f.field, n, de)
			}
			if _, _, err := (Decoder{Lenient: true}).Decode(b); err != nil {
				t.Errorf("lenient %v %s of %d characters: %v", f.id, f.field, n, err)
			}
		}
	}
}

const helloSubmit = "0000003e 00000004 00000000 00000007 00 0101 34343737303039303031323300 0101 34343737303039303034353600 000000 00 00 01000000 05 48656c6c6f"

func TestDecodeBodyErrors(t *testing.T) {
	hello := unhex(t, helloSubmit)
	withTail := func(tail string) []byte {
		return setLength(append(append([]byte{}, hello...), unhex(t, tail)...))
	}
	cases := []struct {
		name    string
		b       []byte
		status  Status
		field   string
		err     error
		lenient bool // also accepted by a lenient decoder
	}{
		{"sm_length past end", setLength(append(append([]byte{}, hello[:len(hello)-6]...), unhex(t, "06 48656c6c6f")...)), StatusInvMsgLen, "short_message", ErrTruncated, false},
		{"sm_length 255, no data", setLength(append(append([]byte{}, hello[:len(hello)-6]...), 0xff)), StatusInvMsgLen, "short_message", ErrTruncated, false},
		{"no sm_length", setLength(append([]byte{}, hello[:len(hello)-6]...)), StatusInvCmdLen, "sm_length", ErrTruncated, false},
		{"TLV length past end", withTail("0424 0010 414243"), StatusInvTLVStream, "message_payload", ErrTruncated, false},
		{"TLV length past end by 1", withTail("0424 0004 414243"), StatusInvTLVStream, "message_payload", ErrTruncated, false},
		{"1 stray octet", withTail("01"), StatusInvTLVStream, "tlvs", ErrTrailing, false},
		{"2 stray octets", withTail("0204"), StatusInvTLVStream, "tlvs", ErrTrailing, false},
		{"3 stray octets", withTail("020400"), StatusInvTLVStream, "tlvs", ErrTrailing, false},
		{"stray octets after a TLV", withTail("0204 0002 0001 0204 00"), StatusInvTLVStream, "tlvs", ErrTrailing, false},
		{"known TLV too short", withTail("0204 0001 01"), StatusInvTLVLen, "user_message_reference", ErrBadValue, true},
		{"known TLV too long", withTail("020e 0002 0001"), StatusInvTLVLen, "sar_total_segments", ErrBadValue, true},
		{"known TLV empty", withTail("0427 0000"), StatusInvTLVLen, "message_state", ErrBadValue, true},
		{"network_error_code 2 octets", withTail("0423 0002 0300"), StatusInvTLVLen, "network_error_code", ErrBadValue, true},
		{"wrong-length TLV after a good one", withTail("020c 0002 1234 020f 0003 010203"), StatusInvTLVLen, "sar_segment_seqnum", ErrBadValue, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			de := decodeErr(t, Decoder{}, c.b)
			if de.Status != c.status || de.Field != c.field || !errors.Is(de, c.err) {
				t.Errorf("got status %v field %q err %v; want %v %q %v", de.Status, de.Field, de.Err, c.status, c.field, c.err)
			}
			if !de.HeaderValid || de.Seq() != 7 || de.Header.ID != CmdSubmitSM || de.Header.Length != uint32(len(c.b)) {
				t.Errorf("header not carried: %+v", de.Header)
			}
			wantNACK := c.status == StatusInvCmdLen
			if de.GenericNACK() != wantNACK {
				t.Errorf("GenericNACK() = %v, want %v", de.GenericNACK(), wantNACK)
			}
			_, p, err := (Decoder{Lenient: true}).Decode(c.b)
			if c.lenient {
				if err != nil {
					t.Fatalf("lenient: %v", err)
				}
				// Lenient decoding keeps the TLV as received, and a
				// lenient encoder forwards it unchanged.
				out, err := Encoder{Lenient: true}.Append(nil, 7, 0, p)
				if err != nil || !bytes.Equal(out, c.b) {
					t.Errorf("lenient re-encode %x, %v", out, err)
				}
			} else if err == nil {
				t.Errorf("lenient accepted it")
			}
		})
	}
}

func TestDecodeUnknownTLVAnyLength(t *testing.T) {
	hello := unhex(t, helloSubmit)
	for _, tail := range []string{"1501 0000", "8081 0001 ff", "3fff 0100" + strings.Repeat("00", 256), "0000 0000", "ffff 0002 0102"} {
		b := setLength(append(append([]byte{}, hello...), unhex(t, tail)...))
		if _, _, err := Decode(b); err != nil {
			t.Errorf("%s: %v", tail, err)
		}
	}
}

func TestDecodeSubmitMultiErrors(t *testing.T) {
	// service_type "", src 1/1 "1", then the destinations and the rest.
	const head = "00 0101 3100"
	const rest = "000000 00 00 00000000 00"
	cases := []struct {
		name   string
		dests  string
		status Status
		field  string
	}{
		{"number_of_dests 0", "00", StatusInvNumDests, "number_of_dests"},
		{"dest_flag 0", "01 00 0101 3200", StatusInvDestFlag, "dest_flag"},
		{"dest_flag 3", "01 03 0101 3200", StatusInvDestFlag, "dest_flag"},
		{"dest_flag 255 after a good one", "02 01 0101 3200 ff 3300", StatusInvDestFlag, "dest_flag"},
		{"number_of_dests beyond the body", "ff 01 0101 3200", StatusInvCmdLen, "dest_address"},
		{"dl_name unterminated", "01 02 41414141", StatusInvCmdLen, "dl_name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := mkFrame(t, CmdSubmitMulti, 0, 33, head+c.dests+rest)
			if c.name == "dl_name unterminated" {
				b = mkFrame(t, CmdSubmitMulti, 0, 33, head+c.dests)
			}
			de := decodeErr(t, Decoder{}, b)
			if de.Status != c.status || de.Field != c.field {
				t.Errorf("got %v %q (%v), want %v %q", de.Status, de.Field, de, c.status, c.field)
			}
			if !de.HeaderValid || de.Seq() != 33 {
				t.Errorf("header not carried: %+v", de)
			}
			if de.GenericNACK() != (c.status == StatusInvCmdLen) {
				t.Errorf("GenericNACK() = %v", de.GenericNACK())
			}
		})
	}
	// Lenient accepts number_of_dests 0 and re-encodes it.
	b := mkFrame(t, CmdSubmitMulti, 0, 33, head+"00"+rest)
	_, p, err := Decoder{Lenient: true}.Decode(b)
	if err != nil {
		t.Fatalf("lenient number_of_dests 0: %v", err)
	}
	if out, err := (Encoder{Lenient: true}).Append(nil, 33, 0, p); err != nil || !bytes.Equal(out, b) {
		t.Errorf("re-encode %x, %v", out, err)
	}
	// The encoder refuses a bad dest_flag and more than 255 destinations.
	if _, err := Marshal(1, 0, &SubmitMulti{DestAddresses: []DestAddress{{DestFlag: 3}}}); err == nil {
		t.Error("encoder accepted dest_flag 3")
	}
	if _, err := Marshal(1, 0, &SubmitMulti{DestAddresses: make([]DestAddress, 256)}); err == nil {
		t.Error("encoder accepted 256 destinations")
	}
}

func TestDecodeSubmitMultiRespErrors(t *testing.T) {
	for _, body := range []string{"6d00 05 0101 3100 00000001", "6d00 01 0101 3100 000000", "6d00 01 0101 31"} {
		de := decodeErr(t, Decoder{}, mkFrame(t, CmdSubmitMultiResp, 0, 5, body))
		if de.GenericNACK() || !de.HeaderValid || de.Seq() != 5 {
			t.Errorf("%s: %+v", body, de)
		}
	}
}

func TestDecodeTrailingOctets(t *testing.T) {
	// PDUs without TLVs reject trailing octets when strict and skip them when
	// lenient.
	cases := []struct {
		id   CommandID
		body string
	}{
		{CmdBindTransmitter, "4100 00 00 34 00 00 00 ff"},
		{CmdBindReceiver, "4100 00 00 34 00 00 00 0210 0001 34"},
		{CmdOutbind, "4100 00 ff"},
		{CmdQuerySM, "6d00 00 00 00 0204 0002 0001"},
		{CmdCancelSM, "00 6d00 00 00 00 00 00 00 01"},
	}
	for _, c := range cases {
		b := mkFrame(t, c.id, 0, 2, c.body)
		de := decodeErr(t, Decoder{}, b)
		if de.Status != StatusInvCmdLen || !errors.Is(de, ErrTrailing) || !de.HeaderValid {
			t.Errorf("%v: %v", c.id, de)
		}
		if _, _, err := (Decoder{Lenient: true}).Decode(b); err != nil {
			t.Errorf("%v lenient: %v", c.id, err)
		}
	}
}

func TestDecodeErrorResponses(t *testing.T) {
	cases := []struct {
		name string
		id   CommandID
		body string
		want PDU
	}{
		{"no body", CmdSubmitSMResp, "", &SubmitSMResp{}},
		{"one NUL", CmdSubmitSMResp, "00", &SubmitSMResp{}},
		{"message_id", CmdSubmitSMResp, "616200", &SubmitSMResp{MessageID: "ab"}},
		{"message_id and TLV", CmdDataSMResp, "616200 0425 0001 02", &DataSMResp{MessageID: "ab", TLVs: TLVs{{TagDeliveryFailureReason, []byte{2}}}}},
		{"unterminated body ignored", CmdSubmitSMResp, "616263", &SubmitSMResp{}},
		{"over-long body ignored", CmdSubmitSMResp, strings.Repeat("41", 70) + "00", &SubmitSMResp{}},
		{"stray octets ignored", CmdDeliverSMResp, "00 01", &DeliverSMResp{}},
		{"bind resp no body", CmdBindTransceiverResp, "", &BindResp{Mode: BindTransceiver}},
		{"bind resp with body", CmdBindReceiverResp, "534d534300 0210 0001 34", &BindResp{Mode: BindReceiver, SystemID: "SMSC", TLVs: TLVs{{TagSCInterfaceVersion, []byte{0x34}}}}},
		{"bind resp bad body", CmdBindReceiverResp, "534d5343", &BindResp{Mode: BindReceiver}},
		{"submit_multi_resp bad count", CmdSubmitMultiResp, "00 09", &SubmitMultiResp{}},
		{"query_sm_resp truncated", CmdQuerySMResp, "6d00", &QuerySMResp{}},
		{"generic_nack stray", CmdGenericNACK, "01", &GenericNACK{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := mkFrame(t, c.id, StatusThrottled, 7, c.body)
			h, p, err := Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if h.Status != StatusThrottled || h.Seq != 7 || h.ID != c.id {
				t.Errorf("header %+v", h)
			}
			if !equalPDU(p, c.want) {
				t.Errorf("got %#v, want %#v", p, c.want)
			}
			// The default encoder sends an error response without body.
			out, err := Marshal(7, StatusThrottled, p)
			if err != nil || len(out) != HeaderLen || !bytes.Equal(out[4:], b[4:HeaderLen]) {
				t.Errorf("Marshal = %x, %v", out, err)
			}
		})
	}
	// The same bad bodies with status 0 are errors.
	for _, body := range []string{"616263", "00 01"} {
		de := decodeErr(t, Decoder{}, mkFrame(t, CmdSubmitSMResp, 0, 7, body))
		if de.GenericNACK() || !de.HeaderValid {
			t.Errorf("%s: %+v", body, de)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	long := strings.Repeat("a", 300)
	cases := []struct {
		p     PDU
		field string
	}{
		{&SubmitSM{SourceAddr: strings.Repeat("1", 21)}, "source_addr"},
		{&SubmitSM{ShortMessage: make([]byte, 256)}, "short_message"},
		{&SubmitSM{ScheduleDeliveryTime: "2601010000000"}, "schedule_delivery_time"},
		{&SubmitSM{ValidityPeriod: strings.Repeat("0", 17)}, "validity_period"},
		{&SubmitSM{DestinationAddr: "a\x00b"}, "destination_addr"},
		{&Bind{SystemID: strings.Repeat("s", 16)}, "system_id"},
		{&Bind{Password: "123456789"}, "password"},
		{&DataSM{TLVs: TLVs{{TagMessagePayload, make([]byte, 0x10000)}}}, "message_payload"},
		{&SubmitSMResp{MessageID: long}, "message_id"},
		{&QuerySMResp{FinalDate: "x"}, "final_date"},
	}
	for _, c := range cases {
		dst := []byte("keep")
		out, err := Append(dst, 1, 0, c.p)
		var ee *EncodeError
		if !errors.As(err, &ee) {
			t.Errorf("%T %s: err %v, want *EncodeError", c.p, c.field, err)
			continue
		}
		if ee.Field != c.field || ee.ID != c.p.CommandID() || ee.Error() == "" {
			t.Errorf("%T: %+v (%v)", c.p, ee, ee)
		}
		if string(out) != "keep" {
			t.Errorf("%T: dst changed to %q", c.p, out)
		}
	}
}
