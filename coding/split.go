package coding

import (
	"unicode/utf8"

	"github.com/smppstack/smpp/pdu"
)

// Concat is a way of carrying a long message (encoding.md §12).
type Concat uint8

// Concatenation methods (encoding.md §12.1–12.3).
const (
	// ConcatUDH8: UDH IEI 0x00 with an 8-bit reference, `05 00 03 RR TT NN`.
	ConcatUDH8 Concat = iota
	// ConcatUDH16: UDH IEI 0x08 with a 16-bit reference, `06 08 04 RH RL TT NN`.
	ConcatUDH16
	// ConcatSAR: the sar_msg_ref_num, sar_total_segments and
	// sar_segment_seqnum TLVs; segment data carries no UDH.
	ConcatSAR
	// ConcatPayload: the whole text in one message_payload TLV, unsplit.
	ConcatPayload
)

// String returns the method's name.
func (m Concat) String() string {
	switch m {
	case ConcatUDH8:
		return "UDH8"
	case ConcatUDH16:
		return "UDH16"
	case ConcatSAR:
		return "SAR"
	case ConcatPayload:
		return "payload"
	}
	return "concat(" + itoa(int(m)) + ")"
}

// maxPayload is the largest message_payload TLV value (encoding.md §11.1).
const maxPayload = 65535

// Segment is one PDU's worth of a split text (encoding.md §12): Data is what
// goes into short_message (or message_payload for ConcatPayload), a UDH of
// UDHLen octets followed by the encoded text. A text that was not split has
// Total 1 and carries no concatenation information (its UDH, if any, holds
// only national language IEs).
type Segment struct {
	Seq, Total int            // 1-based position and number of segments
	Ref        uint16         // reference number (its low 8 bits for ConcatUDH8)
	Method     Concat         // the method asked of Split
	DataCoding pdu.DataCoding // the codec's data_coding
	UDHLen     int            // octets of Data that are the UDH (UDHL included)
	Data       []byte         // UDH then encoded text
}

// Header returns the UDH (UDHL included); it is empty when there is none.
func (s *Segment) Header() []byte { return s.Data[:s.UDHLen:s.UDHLen] }

// Body returns the encoded text after the UDH.
func (s *Segment) Body() []byte { return s.Data[s.UDHLen:] }

// ApplySubmit puts the segment into p (encoding.md §2.1, §11.1, §12): sets
// data_coding; sets esm_class UDHI when the segment has a UDH and clears it
// otherwise; sets short_message, or for ConcatPayload an empty short_message
// and the message_payload TLV; adds the SAR TLVs for a split ConcatSAR text.
// Stale SAR and message_payload TLVs are removed. p.TLVs is copied before it
// is changed, so p may be a shallow copy of a template.
func (s *Segment) ApplySubmit(p *pdu.SubmitSM) {
	p.DataCoding = s.DataCoding
	p.ESMClass = s.esm(p.ESMClass)
	p.TLVs = s.tlvs(p.TLVs)
	if s.Method == ConcatPayload {
		p.ShortMessage = nil
	} else {
		p.ShortMessage = s.Data
	}
}

// ApplyDeliver is [Segment.ApplySubmit] for deliver_sm.
func (s *Segment) ApplyDeliver(p *pdu.DeliverSM) { s.ApplySubmit((*pdu.SubmitSM)(p)) }

// ApplyDataSM puts the segment into a data_sm, whose user data always
// travels in message_payload (encoding.md §11.1), with UDHI and SAR TLVs as
// for [Segment.ApplySubmit].
func (s *Segment) ApplyDataSM(p *pdu.DataSM) {
	p.DataCoding = s.DataCoding
	p.ESMClass = s.esm(p.ESMClass)
	p.TLVs = s.tlvs(p.TLVs)
	p.TLVs.Set(pdu.TagMessagePayload, s.Data)
}

func (s *Segment) esm(esm pdu.ESMClass) pdu.ESMClass {
	if s.UDHLen > 0 {
		return esm | pdu.ESMUDHI
	}
	return esm &^ pdu.ESMUDHI
}

func (s *Segment) tlvs(old pdu.TLVs) pdu.TLVs {
	t := make(pdu.TLVs, 0, len(old)+3)
	for _, x := range old {
		switch x.Tag {
		case pdu.TagSARMsgRefNum, pdu.TagSARTotalSegments, pdu.TagSARSegmentSeqnum, pdu.TagMessagePayload:
			continue
		}
		t = append(t, x)
	}
	if s.Method == ConcatSAR && s.Total > 1 {
		t.SetUint16(pdu.TagSARMsgRefNum, s.Ref)
		t.SetUint8(pdu.TagSARTotalSegments, uint8(s.Total))
		t.SetUint8(pdu.TagSARSegmentSeqnum, uint8(s.Seq))
	}
	if s.Method == ConcatPayload {
		t.Set(pdu.TagMessagePayload, s.Data)
	}
	return t
}

// Split encodes text with c and cuts it into segments for method, with
// reference ref (encoding.md §11.2, §12):
//
//   - a text that fits in one SMS (160 septets, 140 octets, 70 UTF-16
//     units, less any national language UDH) is one segment, never split;
//   - otherwise segments of at most 153 septets / 134 octets / 67 units with
//     ConcatUDH8 or ConcatSAR, 152/133/66 with ConcatUDH16, less 3 octets
//     per national language IE; an escape sequence or a surrogate pair is
//     never cut; more than 255 segments is [ErrTooLong];
//   - ConcatPayload never splits: one segment of up to 65535 octets.
//
// Packed GSM 7-bit text after a UDH starts with the fill bits of
// [FillBits]. National language tables ([GSM7].Locking, Single) need a UDH
// and are refused with ConcatSAR.
func Split(text string, c Codec, method Concat, ref uint16) ([]Segment, error) {
	l, err := planFor(c, method)
	if err != nil {
		return nil, err
	}
	total, cuts, err := l.cut(text, method != ConcatPayload)
	if err != nil {
		return nil, err
	}
	dc := c.DataCoding()
	if method == ConcatPayload || total <= l.single {
		h := udhLen(l.nl)
		data := AppendUDH(make([]byte, 0, h+octets(l.kind, total)), l.nl...)
		if data, err = appendText(data, c, text, h); err != nil {
			return nil, err
		}
		if method == ConcatPayload && len(data) > maxPayload {
			return nil, &tooLong{"message_payload of " + itoa(len(data)) + " octets exceeds 65535"}
		}
		return []Segment{{Seq: 1, Total: 1, Ref: ref, Method: method, DataCoding: dc, UDHLen: h, Data: data}}, nil
	}
	n := len(cuts) + 1
	if n > 255 {
		return nil, &tooLong{"text needs " + itoa(n) + " segments, more than 255"}
	}
	if method == ConcatUDH8 {
		ref &= 0xFF
	}
	var ies []IE
	var concat [4]byte
	switch method {
	case ConcatUDH8:
		ies = append(ies, IE{ID: IEConcat8, Data: concat[:3]})
	case ConcatUDH16:
		ies = append(ies, IE{ID: IEConcat16, Data: concat[:4]})
	}
	ies = append(ies, l.nl...)
	h := udhLen(ies)
	buf := make([]byte, 0, n*h+octets(l.kind, total)+n)
	segs := make([]Segment, n)
	for i := range segs {
		from, to := 0, len(text)
		if i > 0 {
			from = cuts[i-1].off
		}
		if i < len(cuts) {
			to = cuts[i].off
		}
		switch method {
		case ConcatUDH8:
			concat[0], concat[1], concat[2] = byte(ref), byte(n), byte(i+1)
		case ConcatUDH16:
			concat[0], concat[1], concat[2], concat[3] = byte(ref>>8), byte(ref), byte(n), byte(i+1)
		}
		start := len(buf)
		buf = AppendUDH(buf, ies...)
		if buf, err = appendText(buf, c, text[from:to], h); err != nil {
			return nil, err
		}
		segs[i] = Segment{Seq: i + 1, Total: n, Ref: ref, Method: method, DataCoding: dc, UDHLen: h, Data: buf[start:len(buf):len(buf)]}
	}
	return segs, nil
}

type tooLong struct{ msg string }

func (e *tooLong) Error() string { return "coding: " + e.msg }
func (e *tooLong) Unwrap() error { return ErrTooLong }

// octets estimates the encoded size of units of kind (before packing).
func octets(k unitKind, units int) int {
	if k == kindUTF16 {
		return 2 * units
	}
	return units
}

// appendText appends text encoded with c, packing GSM 7-bit after the
// fill bits that follow a UDH of udhLen octets already in dst.
func appendText(dst []byte, c Codec, text string, udhLen int) ([]byte, error) {
	if g, _, ok := unwrapGSM7(c); ok {
		start := len(dst)
		dst, err := g.appendSeptets(dst, text)
		if err != nil {
			return nil, err
		}
		if g.Packed {
			dst = packInPlace(dst, start, FillBits(udhLen))
		}
		return dst, nil
	}
	if u, ok := c.(UCS2); ok {
		return u.appendEncode(dst, text)
	}
	b, err := c.Encode(text)
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

// plan holds what counting and splitting need to know of a codec and a
// method.
type plan struct {
	m      measurer
	c      Codec
	kind   unitKind
	method Concat
	nl     []IE // national language IEs, in every segment's UDH
	single int  // units in an unsplit SMS
	per    int  // units per segment
	fill   int  // fill bits before packed septets of a segment; -1 unpacked
}

func planFor(c Codec, method Concat) (plan, error) {
	if method > ConcatPayload {
		return plan{}, &unsupported{"concatenation method " + method.String()}
	}
	l := plan{m: measurerOf(c), c: c, method: method, fill: -1}
	l.kind = l.m.kind()
	if g, _, ok := unwrapGSM7(c); ok {
		if _, _, err := g.tables(); err != nil {
			return plan{}, err
		}
		l.nl = g.IEs()
		if g.Packed {
			l.fill = 0
		}
	}
	if method == ConcatSAR && len(l.nl) > 0 {
		return plan{}, &unsupported{"national language tables need a UDH; SAR TLVs must not be combined with one (tlvs.md §4.1)"}
	}
	return l.withCapacities(), nil
}

// withCapacities sets single and per from kind, method and nl.
func (l plan) withCapacities() plan {
	nl := 3 * len(l.nl)
	l.single = capacity(l.kind, udhLen(l.nl))
	h := 6 + nl // UDH8; SAR and payload as the 8-bit UDH an MC adds
	switch l.method {
	case ConcatUDH16:
		h = 7 + nl
	}
	l.per = capacity(l.kind, h)
	if l.fill >= 0 && (l.method == ConcatUDH8 || l.method == ConcatUDH16) {
		l.fill = FillBits(h)
	}
	return l
}

type unsupported struct{ msg string }

func (e *unsupported) Error() string { return "coding: " + e.msg }
func (e *unsupported) Unwrap() error { return ErrUnsupported }

// cut is where a segment starts: byte offset in the text and the units
// before it.
type cut struct{ off, units int }

type cutList []cut

// last returns the units in the last segment of a text of total units.
func (c cutList) last(total int) int {
	if len(c) == 0 {
		return total
	}
	return total - c[len(c)-1].units
}

// cut measures text and, when wantCuts, finds the segment starts for l.per
// units per segment, never inside a character.
//
// A packed segment whose septets end exactly on an octet boundary with '@'
// (septet 0) would read as zero padding ([Unpack7]); such an '@' starts the
// next segment instead, leaving 7 bits of true padding.
func (l plan) cut(text string, wantCuts bool) (int, cutList, error) {
	var cuts cutList
	total, cur, idx, at := 0, 0, 0, -1
	for i := 0; i < len(text); idx++ {
		size, u, ok := l.m.next(text[i:])
		if !ok {
			return 0, nil, unencodable(l.c, text, i, idx)
		}
		if wantCuts && cur+u > l.per {
			if at >= 0 && l.fill >= 0 && (l.fill+7*cur)%8 == 0 {
				cuts = append(cuts, cut{at, total - 1})
				cur = 1
			} else {
				cuts = append(cuts, cut{i, total})
				cur = 0
			}
		}
		at = -1
		if text[i] == '@' {
			at = i
		}
		cur += u
		total += u
		i += size
	}
	return total, cuts, nil
}

// decodeRune is utf8.DecodeRuneInString for the error paths.
func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }
