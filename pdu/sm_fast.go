package pdu

import (
	"encoding/binary"
	"unsafe"
)

// The submit_sm / deliver_sm body (SMPP v3.4 §4.4.1, §4.6.1; pdus.md §6.5,
// §6.9) is the traffic of every session, so it has a one-pass decoder and
// encoder of its own. Both keep their position in a local variable, check
// each bound once and, on the first irregularity of any kind, give up
// without a diagnosis: the caller then runs the field-by-field code
// ((*SubmitSM).decodeBody, appendSM), which names the field and the
// command_status to answer with. On every input the two must agree:
// TestSMFastPathAgrees and TestSMFastPathEdges (decoding: every fixture and
// each of its truncations and one-octet mutations), TestSMAppendFastAgrees
// (encoding) and FuzzDecode (both, on every fuzz input).

// decodeFast decodes the body b into p, which must be zero. It reports false
// when b is not a body the strict (or lenient) decoder accepts as is; p is
// then partly filled and must be reset. The C-Octet Strings are copied into
// sbuf when they fit (one allocation for the whole PDU, see smBox), else into
// one new string.
func (p *SubmitSM) decodeFast(b []byte, strict bool, sbuf *[smStrBuf]byte) bool {
	n := len(b)
	// service_type ≤ 6, source_addr ≤ 21, destination_addr ≤ 21 octets
	// with the NUL; each is followed by fixed fields.
	st := 0
	for st < n && b[st] != 0 {
		st++
	}
	if n-st < 3 || strict && st > 5 {
		return false
	}
	x := b[st+1 : st+3]
	p.SourceAddrTON, p.SourceAddrNPI = x[0], x[1]
	s0 := st + 3
	se := s0
	for n-se >= 8 && !hasZero(binary.LittleEndian.Uint64(b[se:])) {
		se += 8
	}
	for se < n && b[se] != 0 {
		se++
	}
	if n-se < 3 || strict && se-s0 > 20 {
		return false
	}
	x = b[se+1 : se+3]
	p.DestAddrTON, p.DestAddrNPI = x[0], x[1]
	d0 := se + 3
	de := d0
	for n-de >= 8 && !hasZero(binary.LittleEndian.Uint64(b[de:])) {
		de += 8
	}
	for de < n && b[de] != 0 {
		de++
	}
	if n-de < 4 || strict && de-d0 > 20 {
		return false
	}
	x = b[de+1 : de+4]
	p.ESMClass, p.ProtocolID, p.PriorityFlag = x[0], x[1], x[2]
	// schedule_delivery_time and validity_period: 1 or 17 octets.
	t0 := de + 4
	te := t0
	for te < n && b[te] != 0 {
		te++
	}
	if te == n || strict && te != t0 && te-t0 != 16 {
		return false
	}
	v0 := te + 1
	ve := v0
	for ve < n && b[ve] != 0 {
		ve++
	}
	if n-ve < 6 || strict && ve != v0 && ve-v0 != 16 {
		return false
	}
	x = b[ve+1 : ve+6]
	p.RegisteredDelivery, p.ReplaceIfPresentFlag, p.DataCoding, p.SMDefaultMsgID = x[0], x[1], x[2], x[3]
	m0 := ve + 6
	m1 := m0 + int(x[4])
	if m1 > n {
		return false
	}
	if m1 > m0 {
		p.ShortMessage = b[m0:m1:m1]
	}
	if rest := b[m1:]; len(rest) > 0 {
		// Most bodies carry one TLV: take it here, the rest in fastTLVs.
		if len(rest) < 4 {
			return false
		}
		l := int(rest[2])<<8 | int(rest[3])
		if 4+l != len(rest) {
			if !p.fastTLVs(rest, strict) {
				return false
			}
		} else {
			tag := Tag(rest[0])<<8 | Tag(rest[1])
			if strict && !tlvLenOK(tag, l) {
				return false
			}
			p.tlvBuf[0].Tag = tag
			if l > 0 {
				p.tlvBuf[0].Value = rest[4:len(rest):len(rest)]
			}
			p.TLVs = p.tlvBuf[:1:1]
		}
	}

	// The usual shape of traffic — both addresses, no service_type, no
	// times — with fewer branches than the general case below.
	if st == 0 && te == t0 && ve == v0 && se > s0 && de > d0 && sbuf != nil && de-s0 <= smStrBuf && n-s0 >= smStrBuf {
		copyWords(sbuf, b[s0:])
		s := unsafe.String(&sbuf[0], de-s0)
		p.SourceAddr = s[:se-s0]
		p.DestinationAddr = s[d0-s0:]
		return true
	}

	// One string holds every C-Octet String, as in decoder.finish: the
	// octets from the first non-empty one to the end of the last.
	lo, hi := len(b), 0
	if st > 0 {
		lo, hi = 0, st
	}
	if se > s0 {
		lo, hi = min(lo, s0), se
	}
	if de > d0 {
		lo, hi = min(lo, d0), de
	}
	if te > t0 {
		lo, hi = min(lo, t0), te
	}
	if ve > v0 {
		lo, hi = min(lo, v0), ve
	}
	if hi == 0 {
		return true
	}
	var s string
	if sbuf != nil && hi-lo <= len(sbuf) {
		if len(b)-lo >= len(sbuf) {
			copyWords(sbuf, b[lo:])
		} else {
			copy(sbuf[:], b[lo:hi])
		}
		s = unsafe.String(&sbuf[0], hi-lo)
	} else {
		s = string(b[lo:hi])
	}
	if st > 0 {
		p.ServiceType = s[:st]
	}
	if se > s0 {
		p.SourceAddr = s[s0-lo : se-lo]
	}
	if de > d0 {
		p.DestinationAddr = s[d0-lo : de-lo]
	}
	if te > t0 {
		p.ScheduleDeliveryTime = s[t0-lo : te-lo]
	}
	if ve > v0 {
		p.ValidityPeriod = s[v0-lo : ve-lo]
	}
	return true
}

// copyWords copies the first smStrBuf octets of b (which must have them)
// into sbuf in four words, without a memmove call.
func copyWords(sbuf *[smStrBuf]byte, b []byte) {
	w := b[:smStrBuf]
	binary.LittleEndian.PutUint64(sbuf[0:], binary.LittleEndian.Uint64(w[0:]))
	binary.LittleEndian.PutUint64(sbuf[8:], binary.LittleEndian.Uint64(w[8:]))
	binary.LittleEndian.PutUint64(sbuf[16:], binary.LittleEndian.Uint64(w[16:]))
	binary.LittleEndian.PutUint64(sbuf[24:], binary.LittleEndian.Uint64(w[24:]))
}

// fastTLVs reads the TLVs of rest (non-empty) into p.TLVs, using p.tlvBuf
// when they fit; false when the stream or a known tag's length is wrong.
func (p *SubmitSM) fastTLVs(rest []byte, strict bool) bool {
	t := p.tlvBuf[:0]
	for len(rest) > 0 {
		if len(rest) < 4 {
			return false
		}
		tag := Tag(binary.BigEndian.Uint16(rest))
		n := int(binary.BigEndian.Uint16(rest[2:]))
		if n > len(rest)-4 {
			return false
		}
		if strict && !tlvLenOK(tag, n) {
			return false
		}
		var v []byte
		if n > 0 {
			v = rest[4 : 4+n : 4+n]
		}
		if len(t) == cap(t) && cap(t) == len(p.tlvBuf) {
			// More than the inline store holds: count the rest and
			// allocate once at the exact size, as decoder.tlvs does.
			c := countTLVs(rest)
			if c < 0 {
				return false
			}
			t = append(make(TLVs, 0, len(t)+c), t...)
		}
		t = append(t, TLV{Tag: tag, Value: v})
		rest = rest[4+n:]
	}
	p.TLVs = t
	return true
}

// countTLVs counts the TLVs of rest, or returns -1 when a length runs past
// its end.
func countTLVs(rest []byte) int {
	c := 0
	for ; len(rest) > 0; c++ {
		if len(rest) < 4 {
			return -1
		}
		n := int(binary.BigEndian.Uint16(rest[2:]))
		if n > len(rest)-4 {
			return -1
		}
		rest = rest[4+n:]
	}
	return c
}

// smStrBuf is the room smBox keeps for C-Octet Strings: enough for the
// usual source and destination addresses with the octets between them, and
// it rounds smBox (176 + 32) up to exactly the 208-octet size class.
const smStrBuf = 32

// smBox is what Decode allocates for a submit_sm or deliver_sm: the body and
// the octets of its strings in one object, so that decoding one costs one
// allocation. The strings are made with unsafe.String over s, which is safe
// because s is written once, before the strings exist, and never again: it
// is not part of SubmitSM, so nothing that holds the *SubmitSM (DecodeInto
// included) can reach it, and the strings keep the whole box alive.
type smBox struct {
	p SubmitSM
	s [smStrBuf]byte
}

// appendFast appends the whole frame — header and body — of p to dst in one
// pass: it sizes the frame, grows dst once, and copies each C-Octet String
// while checking it for NUL octets. It reports false, with dst unchanged,
// when a field is invalid; Encoder.Append then encodes field by field and
// names it.
func (p *SubmitSM) appendFast(dst []byte, id CommandID, status Status, seq uint32) ([]byte, bool) {
	st, sa, da := p.ServiceType, p.SourceAddr, p.DestinationAddr
	sd, vp, sm := p.ScheduleDeliveryTime, p.ValidityPeriod, p.ShortMessage
	if len(st) > 5 || len(sa) > 20 || len(da) > 20 || len(sm) > 255 ||
		len(sd) != 0 && len(sd) != 16 || len(vp) != 0 && len(vp) != 16 {
		return dst, false
	}
	n := HeaderLen + len(st) + len(sa) + len(da) + len(sd) + len(vp) + len(sm) + 17
	for _, t := range p.TLVs {
		if len(t.Value) > 0xFFFF || !tlvLenOK(t.Tag, len(t.Value)) {
			return dst, false
		}
		n += 4 + len(t.Value)
	}
	o := len(dst)
	if cap(dst)-o < n {
		dst = append(dst[:cap(dst)], make([]byte, o+n-cap(dst))...)
	}
	w := dst[o : o+n]
	binary.BigEndian.PutUint32(w[0:], uint32(n))
	binary.BigEndian.PutUint32(w[4:], uint32(id))
	binary.BigEndian.PutUint32(w[8:], uint32(status))
	binary.BigEndian.PutUint32(w[12:], seq)

	i := putCStr(w, HeaderLen, st)
	if i < 0 {
		return dst[:o], false
	}
	x := w[i : i+2]
	x[0], x[1] = p.SourceAddrTON, p.SourceAddrNPI
	if i = putCStr(w, i+2, sa); i < 0 {
		return dst[:o], false
	}
	x = w[i : i+2]
	x[0], x[1] = p.DestAddrTON, p.DestAddrNPI
	if i = putCStr(w, i+2, da); i < 0 {
		return dst[:o], false
	}
	x = w[i : i+3]
	x[0], x[1], x[2] = p.ESMClass, p.ProtocolID, p.PriorityFlag
	if i = putCStr(w, i+3, sd); i < 0 {
		return dst[:o], false
	}
	if i = putCStr(w, i, vp); i < 0 {
		return dst[:o], false
	}
	x = w[i : i+5]
	x[0], x[1], x[2], x[3], x[4] = p.RegisteredDelivery, p.ReplaceIfPresentFlag, p.DataCoding, p.SMDefaultMsgID, byte(len(sm))
	i += 5 + copy(w[i+5:], sm)
	for _, t := range p.TLVs {
		v := t.Value
		x = w[i : i+4+len(v)]
		x[0], x[1], x[2], x[3] = byte(t.Tag>>8), byte(t.Tag), byte(len(v)>>8), byte(len(v))
		if len(v) <= 4 { // integer TLVs: no memmove call
			for j, c := range v {
				x[4+j] = c
			}
		} else {
			copy(x[4:], v)
		}
		i += len(x)
	}
	return dst[:o+n], true
}

// putCStr is putCString with the empty string, the usual service_type and
// times, written inline.
func putCStr(w []byte, i int, s string) int {
	if len(s) == 0 {
		w[i] = 0
		return i + 1
	}
	return putCString(w, i, s)
}

// putCString writes s and its NUL terminator at w[i:], which must have room,
// and returns the index after them, or -1 when s contains a NUL. Strings of
// eight octets or more are moved a word at a time (the last word overlapping
// the one before), checked with the same zero-octet test as hasZero.
func putCString(w []byte, i int, s string) int {
	n := len(s)
	d := w[i : i+n+1]
	if n >= 8 {
		for j := 0; j < n-8; j += 8 {
			v := stringWord(s, j)
			if hasZero(v) {
				return -1
			}
			binary.LittleEndian.PutUint64(d[j:], v)
		}
		v := stringWord(s, n-8)
		if hasZero(v) {
			return -1
		}
		binary.LittleEndian.PutUint64(d[n-8:], v)
	} else {
		for j := 0; j < n; j++ {
			c := s[j]
			if c == 0 {
				return -1
			}
			d[j] = c
		}
	}
	d[n] = 0
	return i + n + 1
}

// stringWord loads s[j:j+8] as a little-endian word.
func stringWord(s string, j int) uint64 {
	s = s[j : j+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// hasZero reports whether one of the eight octets of v is zero:
// (v - 0x01…01) &^ v & 0x80…80 is non-zero exactly then.
func hasZero(v uint64) bool {
	return (v-0x0101010101010101)&^v&0x8080808080808080 != 0
}
