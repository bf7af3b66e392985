package pdu

import (
	"encoding/binary"
	"fmt"
)

// decoder consumes a PDU body. The first failure is recorded and every later
// call is a no-op, so body decoders read linearly (cryptobyte style) and check
// d.err once at the end. C-Octet Strings are recorded as spans and turned into
// strings by finish with a single allocation for the whole PDU.
type decoder struct {
	b      []byte // body
	off    int
	id     CommandID
	strict bool
	err    *DecodeError

	nstr int
	strs [10]pendingString
	send int // end of the last string span in b
}

type pendingString struct {
	dst        *string
	start, end int
}

func (d *decoder) fail(field string, st Status, err error) {
	if d.err == nil {
		d.err = &DecodeError{Status: st, Field: field, Err: err}
	}
}

func (d *decoder) ok() bool { return d.err == nil }

func (d *decoder) remaining() int { return len(d.b) - d.off }

func (d *decoder) u8(v *uint8, field string) {
	if d.err != nil {
		return
	}
	if d.off >= len(d.b) {
		d.fail(field, StatusInvCmdLen, ErrTruncated)
		return
	}
	*v = d.b[d.off]
	d.off++
}

// u8x2, u8x3 and u8x4 read runs of 1-octet fields with one bounds check.
func (d *decoder) u8x2(a, b *uint8, field string) {
	if d.err != nil {
		return
	}
	if len(d.b)-d.off < 2 {
		d.fail(field, StatusInvCmdLen, ErrTruncated)
		return
	}
	x := d.b[d.off : d.off+2]
	*a, *b = x[0], x[1]
	d.off += 2
}

func (d *decoder) u8x3(a, b, c *uint8, field string) {
	if d.err != nil {
		return
	}
	if len(d.b)-d.off < 3 {
		d.fail(field, StatusInvCmdLen, ErrTruncated)
		return
	}
	x := d.b[d.off : d.off+3]
	*a, *b, *c = x[0], x[1], x[2]
	d.off += 3
}

func (d *decoder) u8x4(a, b, c, e *uint8, field string) {
	if d.err != nil {
		return
	}
	if len(d.b)-d.off < 4 {
		d.fail(field, StatusInvCmdLen, ErrTruncated)
		return
	}
	x := d.b[d.off : d.off+4]
	*a, *b, *c, *e = x[0], x[1], x[2], x[3]
	d.off += 4
}

func (d *decoder) u32(v *uint32, field string) {
	if d.err != nil {
		return
	}
	if len(d.b)-d.off < 4 {
		d.fail(field, StatusInvCmdLen, ErrTruncated)
		return
	}
	*v = binary.BigEndian.Uint32(d.b[d.off:])
	d.off += 4
}

// cstring reads a C-Octet String of at most max octets including the NUL.
// Over-long values fail with st in strict mode.
func (d *decoder) cstring(dst *string, max int, st Status, field string) {
	if d.err != nil {
		return
	}
	i := indexNUL(d.b[d.off:])
	if i < 0 {
		d.fail(field, StatusInvCmdLen, ErrNoTerminator)
		return
	}
	if d.strict && i+1 > max {
		d.fail(field, st, ErrTooLong)
		return
	}
	d.addString(dst, d.off, d.off+i)
	d.off += i + 1
}

// timeString reads a "fixed" C-Octet String of 1 or 17 octets (SMPP time).
func (d *decoder) timeString(dst *string, st Status, field string) {
	if d.err != nil {
		return
	}
	i := indexNUL(d.b[d.off:])
	if i < 0 {
		d.fail(field, StatusInvCmdLen, ErrNoTerminator)
		return
	}
	if d.strict && i != 0 && i != 16 {
		if i > 16 {
			d.fail(field, st, ErrTooLong)
		} else {
			d.fail(field, st, ErrBadValue)
		}
		return
	}
	d.addString(dst, d.off, d.off+i)
	d.off += i + 1
}

func (d *decoder) addString(dst *string, start, end int) {
	if start == end {
		*dst = ""
		return
	}
	if d.nstr == len(d.strs) {
		*dst = string(d.b[start:end])
		return
	}
	d.strs[d.nstr] = pendingString{dst, start, end}
	d.nstr++
	if end > d.send {
		d.send = end
	}
}

// octets reads n octets, aliasing the frame.
func (d *decoder) octets(dst *[]byte, n int, st Status, field string) {
	if d.err != nil {
		return
	}
	if n > len(d.b)-d.off {
		d.fail(field, st, ErrTruncated)
		return
	}
	if n == 0 {
		*dst = nil
		return
	}
	*dst = d.b[d.off : d.off+n : d.off+n]
	d.off += n
}

// shortMessage reads sm_length and short_message.
func (d *decoder) shortMessage(dst *[]byte) {
	var n uint8
	d.u8(&n, "sm_length")
	d.octets(dst, int(n), StatusInvMsgLen, "short_message")
}

// tlvs reads TLVs until the end of the body (tlvs.md §1).
func (d *decoder) tlvs(dst *TLVs) {
	if d.err != nil {
		return
	}
	rest := d.b[d.off:]
	if len(rest) == 0 {
		return
	}
	// First pass: validate and count, so the slice is allocated once at its
	// exact size (allocation stays a bounded multiple of the frame size).
	count := 0
	for scan := rest; len(scan) > 0; count++ {
		if len(scan) < 4 {
			d.fail("tlvs", StatusInvTLVStream, ErrTrailing)
			return
		}
		tag := Tag(binary.BigEndian.Uint16(scan))
		n := int(binary.BigEndian.Uint16(scan[2:]))
		if n > len(scan)-4 {
			d.fail(tag.String(), StatusInvTLVStream, ErrTruncated)
			return
		}
		if d.strict && !tlvLenOK(tag, n) {
			info, _ := lookupTag(tag)
			d.fail(info.name, StatusInvTLVLen, ErrBadValue)
			return
		}
		scan = scan[4+n:]
	}
	t := (*dst)[:0]
	if cap(t) < count {
		t = make(TLVs, 0, count)
	}
	for len(rest) > 0 {
		tag := Tag(binary.BigEndian.Uint16(rest))
		n := int(binary.BigEndian.Uint16(rest[2:]))
		var v []byte
		if n > 0 {
			v = rest[4 : 4+n : 4+n]
		}
		t = append(t, TLV{Tag: tag, Value: v})
		rest = rest[4+n:]
	}
	d.off = len(d.b)
	*dst = t
}

// end checks that the body was consumed completely (for PDUs without TLVs).
func (d *decoder) end() {
	if d.err == nil && d.off != len(d.b) {
		d.fail("", StatusInvCmdLen, ErrTrailing)
	}
}

// finish materialises the recorded string spans with one allocation.
func (d *decoder) finish() {
	if d.nstr == 0 {
		return
	}
	s := string(d.b[:d.send])
	for i := 0; i < d.nstr; i++ {
		p := d.strs[i]
		*p.dst = s[p.start:p.end]
	}
	d.nstr = 0
}

func indexNUL(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}

// encoder helpers. They validate what we send (strict when sending).

// errTLVLength is a known TLV whose length its tag does not allow; a lenient
// Encoder ignores it.
var errTLVLength = fmt.Errorf("%w: TLV length not allowed for its tag", ErrBadValue)

// errNoDests is submit_multi without destinations, which a lenient Decoder
// accepts and a lenient Encoder forwards.
var errNoDests = fmt.Errorf("%w: no destination", ErrBadValue)

type encErr struct {
	field string
	err   error
}

func appendCString(dst []byte, s string, max int, field string, err *encErr) []byte {
	if len(s)+1 > max && err.err == nil {
		err.field, err.err = field, ErrTooLong
	}
	if hasNUL(s) && err.err == nil {
		err.field, err.err = field, ErrBadValue
	}
	dst = append(dst, s...)
	return append(dst, 0)
}

func appendTime(dst []byte, s string, field string, err *encErr) []byte {
	if (len(s) != 0 && len(s) != 16 || hasNUL(s)) && err.err == nil {
		err.field, err.err = field, ErrBadValue
	}
	dst = append(dst, s...)
	return append(dst, 0)
}

func appendShortMessage(dst []byte, sm []byte, err *encErr) []byte {
	if len(sm) > 255 && err.err == nil {
		err.field, err.err = "short_message", ErrTooLong
	}
	dst = append(dst, byte(len(sm)))
	return append(dst, sm...)
}

func appendTLVs(dst []byte, t TLVs, err *encErr) []byte {
	for _, v := range t {
		if err.err == nil {
			if len(v.Value) > 0xFFFF {
				err.field, err.err = v.Tag.String(), ErrTooLong
			} else if !tlvLenOK(v.Tag, len(v.Value)) {
				info, _ := lookupTag(v.Tag)
				err.field, err.err = info.name, errTLVLength
			}
		}
		dst = append(dst, byte(v.Tag>>8), byte(v.Tag), byte(len(v.Value)>>8), byte(len(v.Value)))
		dst = append(dst, v.Value...)
	}
	return dst
}

func hasNUL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return true
		}
	}
	return false
}

func (e *encErr) error(id CommandID) error {
	if e.err == nil {
		return nil
	}
	return &EncodeError{ID: id, Field: e.field, Err: e.err}
}
