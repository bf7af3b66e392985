package coding

import (
	"encoding/binary"

	"github.com/smppstack/smpp/pdu"
)

// IE is one information element of a User Data Header: IEI, IEDL and data
// (3GPP 23.040 §9.2.3.24, encoding.md §12.1).
type IE struct {
	ID   byte
	Data []byte
}

// Information element identifiers (3GPP 23.040 §9.2.3.24, encoding.md §12.1).
const (
	IEConcat8      byte = 0x00 // concatenated SM, 8-bit reference
	IEPort8        byte = 0x04 // application port addressing, 8-bit
	IEPort16       byte = 0x05 // application port addressing, 16-bit
	IEConcat16     byte = 0x08 // concatenated SM, 16-bit reference
	IESingleShift  byte = 0x24 // national language single shift
	IELockingShift byte = 0x25 // national language locking shift
)

// ParseUDH parses the User Data Header at the start of ud (UDHL octet, then
// IEs) and returns its IEs, whose Data alias ud, and its length in octets
// including the UDHL octet (encoding.md §12.1). Every IE is returned, known
// or not; an IE that runs past the UDH is an error.
func ParseUDH(ud []byte) ([]IE, int, error) {
	if len(ud) == 0 {
		return nil, 0, &DecodeError{Codec: "UDH", Offset: 0, Reason: "missing UDHL"}
	}
	n := 1 + int(ud[0])
	if n > len(ud) {
		return nil, 0, &DecodeError{Codec: "UDH", Offset: 0, Reason: "UDHL " + itoa(int(ud[0])) + " exceeds the " + itoa(len(ud)-1) + " octets that follow"}
	}
	var ies []IE
	for i := 1; i < n; {
		if i+2 > n {
			return nil, 0, &DecodeError{Codec: "UDH", Offset: i, Reason: "truncated IE header"}
		}
		id, l := ud[i], int(ud[i+1])
		if i+2+l > n {
			return nil, 0, &DecodeError{Codec: "UDH", Offset: i, Reason: "IE " + hex2(id) + " length " + itoa(l) + " runs past the UDH"}
		}
		ies = append(ies, IE{ID: id, Data: ud[i+2 : i+2+l : i+2+l]})
		i += 2 + l
	}
	return ies, n, nil
}

// AppendUDH appends a User Data Header holding ies (UDHL, then each IE) to
// dst. It appends nothing when ies is empty. The caller keeps the UDH within
// 140 octets.
func AppendUDH(dst []byte, ies ...IE) []byte {
	if len(ies) == 0 {
		return dst
	}
	n := 0
	for _, ie := range ies {
		n += 2 + len(ie.Data)
	}
	dst = append(dst, byte(n))
	for _, ie := range ies {
		dst = append(dst, ie.ID, byte(len(ie.Data)))
		dst = append(dst, ie.Data...)
	}
	return dst
}

// udhLen returns the length of a UDH holding ies (0 when there are none).
func udhLen(ies []IE) int {
	if len(ies) == 0 {
		return 0
	}
	n := 1
	for _, ie := range ies {
		n += 2 + len(ie.Data)
	}
	return n
}

// Part is the user data of one received message with its concatenation
// information (encoding.md §12): from a UDH (IEI 0x00 or 0x08) when
// esm_class has UDHI, or from the SAR TLVs. Total is 0 when the message is
// not a segment.
type Part struct {
	Source, Dest pdu.Address
	DataCoding   pdu.DataCoding
	Method       Concat // ConcatUDH8, ConcatUDH16 or ConcatSAR when Total > 0
	Ref          uint16 // reference number (0–255 for ConcatUDH8)
	Total        int    // number of segments, 1–255; 0 if not a segment
	Seq          int    // this segment, 1..Total
	UDHLen       int    // octets of Data that are the UDH (UDHL included)
	IEs          []IE   // the UDH's IEs, aliasing Data
	Data         []byte // the user data: UDH then text
}

// IsSegment reports whether p is one segment of a concatenated message.
func (p *Part) IsSegment() bool { return p.Total > 0 }

// Header returns the UDH (UDHL included); it is empty when there is none.
func (p *Part) Header() []byte { return p.Data[:p.UDHLen:p.UDHLen] }

// Body returns the user data after the UDH.
func (p *Part) Body() []byte { return p.Data[p.UDHLen:] }

// PartOf extracts the part carried by a submit_sm, deliver_sm or data_sm:
// addresses, data_coding and [ParsePart] of its user data, taken from
// message_payload when short_message is empty (encoding.md §11.1).
func PartOf(p pdu.PDU) (Part, error) {
	var (
		part Part
		err  error
	)
	switch v := p.(type) {
	case *pdu.SubmitSM:
		part, err = ParsePart(v.ESMClass, v.Message(), v.TLVs)
		part.Source, part.Dest, part.DataCoding = v.Source(), v.Dest(), v.DataCoding
	case *pdu.DeliverSM:
		part, err = ParsePart(v.ESMClass, v.Message(), v.TLVs)
		part.Source, part.Dest, part.DataCoding = v.Source(), v.Dest(), v.DataCoding
	case *pdu.DataSM:
		part, err = ParsePart(v.ESMClass, v.Message(), v.TLVs)
		part.Source, part.Dest, part.DataCoding = v.Source(), v.Dest(), v.DataCoding
	default:
		return Part{}, &unsupportedPDU{p}
	}
	return part, err
}

type unsupportedPDU struct{ p pdu.PDU }

func (e *unsupportedPDU) Error() string {
	if e.p == nil {
		return "coding: no PDU"
	}
	return "coding: " + e.p.CommandID().String() + " carries no short message"
}

func (e *unsupportedPDU) Unwrap() error { return ErrUnsupported }

// ParsePart reads the concatenation information of user data ud (the
// short_message or message_payload of a PDU with esm_class esm and TLVs
// tlvs; encoding.md §12):
//
//   - UDHI set: the UDH is parsed whole (other IEs such as 0x05, 0x24, 0x25
//     are kept in IEs) and IEI 0x00 or 0x08, the first one present, gives
//     ref, total and sequence. As 3GPP 23.040 §9.2.3.24.1 says, an IE with
//     total 0, sequence 0 or sequence > total is ignored; one with the
//     wrong length is an error.
//   - otherwise: the SAR TLVs, when all three are present (tlvs.md §4.1; if
//     one is missing the others are ignored). Out-of-range values are an
//     error (SMPP: invalid TLV value).
//
// The returned Part aliases ud.
func ParsePart(esm pdu.ESMClass, ud []byte, tlvs pdu.TLVs) (Part, error) {
	p := Part{Data: ud}
	if esm&pdu.ESMUDHI != 0 {
		ies, n, err := ParseUDH(ud)
		if err != nil {
			return Part{}, err
		}
		p.IEs, p.UDHLen = ies, n
		off := 1
		for _, ie := range ies {
			switch ie.ID {
			case IEConcat8, IEConcat16:
				want := 3
				if ie.ID == IEConcat16 {
					want = 4
				}
				if len(ie.Data) != want {
					return Part{}, &DecodeError{Codec: "UDH", Offset: off, Reason: "concatenation IE " + hex2(ie.ID) + " has length " + itoa(len(ie.Data)) + ", want " + itoa(want)}
				}
				d := ie.Data
				if ie.ID == IEConcat8 {
					p.Method, p.Ref = ConcatUDH8, uint16(d[0])
					d = d[1:]
				} else {
					p.Method, p.Ref = ConcatUDH16, binary.BigEndian.Uint16(d)
					d = d[2:]
				}
				p.Total, p.Seq = int(d[0]), int(d[1])
				if p.Total == 0 || p.Seq == 0 || p.Seq > p.Total {
					p.Method, p.Ref, p.Total, p.Seq = 0, 0, 0, 0
				}
				return p, nil
			}
			off += 2 + len(ie.Data)
		}
		return p, nil
	}
	ref, ok1 := sarValue(tlvs, pdu.TagSARMsgRefNum, 2)
	total, ok2 := sarValue(tlvs, pdu.TagSARTotalSegments, 1)
	seq, ok3 := sarValue(tlvs, pdu.TagSARSegmentSeqnum, 1)
	if !ok1 || !ok2 || !ok3 {
		return p, nil
	}
	if total == 0 || seq == 0 || seq > total {
		return Part{}, &DecodeError{Codec: "SAR", Offset: 0, Reason: "sar_segment_seqnum " + itoa(seq) + " of sar_total_segments " + itoa(total)}
	}
	p.Method, p.Ref, p.Total, p.Seq = ConcatSAR, uint16(ref), total, seq
	return p, nil
}

// sarValue reads a SAR TLV by its received length (1 or 2 octets accepted
// for the reference, tlvs.md §1).
func sarValue(tlvs pdu.TLVs, tag pdu.Tag, size int) (int, bool) {
	v, ok := tlvs.Get(tag)
	if !ok || len(v) == 0 || len(v) > 2 {
		return 0, false
	}
	n := 0
	for _, c := range v {
		n = n<<8 | int(c)
	}
	if size == 1 && n > 255 {
		return 0, false
	}
	return n, true
}
