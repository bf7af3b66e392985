package pdu

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// expectedAfterDecode is what decoding the encoding of s gives: the PDU
// itself, or an empty body of the same command when the encoder left the
// body out of an error response.
func expectedAfterDecode(s sample, withBody bool) PDU {
	if s.status == StatusOK || !s.p.CommandID().IsResponse() || withBody {
		return s.p
	}
	if u, ok := s.p.(*Unknown); ok {
		return &Unknown{ID: u.ID}
	}
	p, _ := New(s.p.CommandID())
	return p
}

func TestRoundTripEveryPDU(t *testing.T) {
	for _, s := range allSamples() {
		for _, enc := range []Encoder{{}, {ErrorRespBody: true}} {
			name := s.name
			if enc.ErrorRespBody {
				name += "/ErrorRespBody"
			}
			t.Run(name, func(t *testing.T) {
				b, err := enc.Append([]byte("prefix"), s.seq, s.status, s.p)
				if err != nil {
					t.Fatalf("Append: %v", err)
				}
				if string(b[:6]) != "prefix" {
					t.Fatalf("Append clobbered dst prefix: %q", b[:6])
				}
				b = b[6:]
				if got := binary.BigEndian.Uint32(b); int(got) != len(b) {
					t.Fatalf("command_length %d, frame has %d octets", got, len(b))
				}
				h, q, err := Decode(b)
				if err != nil {
					t.Fatalf("Decode(%x): %v", b, err)
				}
				want := Header{Length: uint32(len(b)), ID: s.p.CommandID(), Status: s.status, Seq: s.seq}
				if h != want {
					t.Fatalf("header %+v, want %+v", h, want)
				}
				if q.CommandID() != s.p.CommandID() {
					t.Fatalf("decoded %v, want %v", q.CommandID(), s.p.CommandID())
				}
				if exp := expectedAfterDecode(s, enc.ErrorRespBody); !equalPDU(q, exp) {
					t.Fatalf("decoded\n%#v\nwant\n%#v", q, exp)
				}
				b2, err := enc.Append(nil, h.Seq, h.Status, q)
				if err != nil {
					t.Fatalf("re-encode: %v", err)
				}
				if !bytes.Equal(b, b2) {
					t.Fatalf("re-encode differs\n got %x\nwant %x", b2, b)
				}
				// Marshal and Append agree.
				if enc == (Encoder{}) {
					m, err := Marshal(s.seq, s.status, s.p)
					if err != nil || !bytes.Equal(m, b) {
						t.Fatalf("Marshal = %x, %v; want %x", m, err, b)
					}
				}
			})
		}
	}
}

// TestSamplesCoverEveryCommand checks that the round-trip table has every
// command New knows, so a new PDU type cannot be added untested.
func TestSamplesCoverEveryCommand(t *testing.T) {
	seen := map[CommandID]bool{}
	for _, s := range allSamples() {
		seen[s.p.CommandID()] = true
	}
	for id := range commandNames {
		p, ok := New(id)
		if !ok {
			t.Errorf("New(%v) not ok", id)
			continue
		}
		if p.CommandID() != id {
			t.Errorf("New(%v).CommandID() = %v", id, p.CommandID())
		}
		if !seen[id] {
			t.Errorf("no round-trip sample for %v", id)
		}
	}
	for _, id := range []CommandID{0, 0x0A, 0x8000000A, 0x22, 0x23, 0x24, 0x104, 0x01000001, 0xFFFFFFFF, 0x80000102} {
		if p, ok := New(id); ok || p != nil {
			t.Errorf("New(%#x) = %v, %v; want nil, false", uint32(id), p, ok)
		}
	}
}

// TestTLVsWireOrder checks that unknown, vendor and duplicate TLVs survive a
// decode in wire order and re-encode byte-exact, for every PDU with TLVs.
func TestTLVsWireOrder(t *testing.T) {
	tlvs := "1501 0006 4d53432d4100" + // vendor 0x1501 "MSC-A\0"
		"0424 0003 616263" + // message_payload "abc"
		"8081 0002 dead" + // 0x8081 outside the vendor range
		"1501 0000" + // duplicate, empty
		"0424 0001 64" + // duplicate message_payload
		"3fff 0000" // unknown, empty
	bodies := map[CommandID]string{
		CmdSubmitSM:              "00 0101 3100 0101 3200 000000 00 00 01000000 00",
		CmdDeliverSM:             "00 0101 3100 0101 3200 040000 00 00 00000000 00",
		CmdSubmitMulti:           "00 0101 3100 01 02 646c00 000000 00 00 00000000 00",
		CmdDataSM:                "00 0101 3100 0101 3200 000000",
		CmdSubmitSMResp:          "6d00",
		CmdDeliverSMResp:         "00",
		CmdDataSMResp:            "6d00",
		CmdSubmitMultiResp:       "6d00 00",
		CmdBindTransceiverResp:   "534d534300",
		CmdQuerySMResp:           "6d00 00 02 00",
		CmdReplaceSM:             "6d00 0101 3100 00 00 01 00 00",
		CmdAlertNotification:     "0101 3100 0101 3200",
		CmdBroadcastSM:           "00 0101 3100 00 00 00 00 00 00 00",
		CmdBroadcastSMResp:       "6d00",
		CmdQueryBroadcastSM:      "6d00 0101 3100",
		CmdQueryBroadcastSMResp:  "6d00",
		CmdCancelBroadcastSM:     "00 6d00 0101 3100",
		CmdGenericNACK:           "",
		CmdUnbind:                "",
		CmdUnbindResp:            "",
		CmdEnquireLink:           "",
		CmdEnquireLinkResp:       "",
		CmdCancelSMResp:          "",
		CmdReplaceSMResp:         "",
		CmdCancelBroadcastSMResp: "",
	}
	for id, body := range bodies {
		t.Run(id.String(), func(t *testing.T) {
			raw := unhex(t, body+tlvs)
			frame := binary.BigEndian.AppendUint32(nil, uint32(HeaderLen+len(raw)))
			frame = binary.BigEndian.AppendUint32(frame, uint32(id))
			frame = append(frame, 0, 0, 0, 0, 0, 0, 0, 3)
			frame = append(frame, raw...)
			_, p, err := Decode(frame)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			got := tlvsOf(p)
			want := []Tag{0x1501, TagMessagePayload, 0x8081, 0x1501, TagMessagePayload, 0x3fff}
			if len(got) != len(want) {
				t.Fatalf("got %d TLVs %v, want %d", len(got), got, len(want))
			}
			for i := range want {
				if got[i].Tag != want[i] {
					t.Errorf("TLV %d tag %v, want %v", i, got[i].Tag, want[i])
				}
			}
			if v, _ := got.Get(TagMessagePayload); string(v) != "abc" {
				t.Errorf("Get(message_payload) = %q, want first occurrence", v)
			}
			if all := got.All(0x1501); len(all) != 2 || string(all[0]) != "MSC-A\x00" || len(all[1]) != 0 {
				t.Errorf("All(0x1501) = %q", all)
			}
			out, err := Marshal(3, 0, p)
			if err != nil || !bytes.Equal(out, frame) {
				t.Fatalf("re-encode = %x, %v\nwant %x", out, err, frame)
			}
		})
	}
}

// tlvsOf returns the TLVs field of any PDU (nil when it has none).
func tlvsOf(p PDU) TLVs {
	switch p := p.(type) {
	case *SubmitSM:
		return p.TLVs
	case *DeliverSM:
		return p.TLVs
	case *SubmitMulti:
		return p.TLVs
	case *DataSM:
		return p.TLVs
	case *SubmitSMResp:
		return p.TLVs
	case *DeliverSMResp:
		return p.TLVs
	case *DataSMResp:
		return p.TLVs
	case *SubmitMultiResp:
		return p.TLVs
	case *BindResp:
		return p.TLVs
	case *QuerySMResp:
		return p.TLVs
	case *ReplaceSM:
		return p.TLVs
	case *AlertNotification:
		return p.TLVs
	case *BroadcastSM:
		return p.TLVs
	case *BroadcastSMResp:
		return p.TLVs
	case *QueryBroadcastSM:
		return p.TLVs
	case *QueryBroadcastSMResp:
		return p.TLVs
	case *CancelBroadcastSM:
		return p.TLVs
	case *GenericNACK:
		return p.TLVs
	case *Unbind:
		return p.TLVs
	case *UnbindResp:
		return p.TLVs
	case *EnquireLink:
		return p.TLVs
	case *EnquireLinkResp:
		return p.TLVs
	case *CancelSMResp:
		return p.TLVs
	case *ReplaceSMResp:
		return p.TLVs
	case *CancelBroadcastSMResp:
		return p.TLVs
	}
	return nil
}

func TestUnknownCommandID(t *testing.T) {
	for _, id := range []CommandID{0x0A, 0x22, 0x104, 0x00010200, 0x800102FF, 0x01000001, 0xFFFFFFFF} {
		body := []byte{0, 1, 2, 3, 0xff}
		frame := binary.BigEndian.AppendUint32(nil, uint32(HeaderLen+len(body)))
		frame = binary.BigEndian.AppendUint32(frame, uint32(id))
		frame = append(frame, 0, 0, 0, 0, 0, 0, 0, 9)
		frame = append(frame, body...)
		h, p, err := Decode(frame)
		if err != nil {
			t.Fatalf("%#x: Decode: %v", uint32(id), err)
		}
		u, ok := p.(*Unknown)
		if !ok {
			t.Fatalf("%#x: decoded %T, want *Unknown", uint32(id), p)
		}
		if u.ID != id || u.CommandID() != id || h.ID != id || !bytes.Equal(u.Body, body) {
			t.Fatalf("%#x: got %+v", uint32(id), u)
		}
		if id.Known() {
			t.Errorf("%v.Known() = true", id)
		}
		out, err := Marshal(9, 0, u)
		if err != nil || !bytes.Equal(out, frame) {
			t.Fatalf("%#x: re-encode %x, %v", uint32(id), out, err)
		}
	}
}
