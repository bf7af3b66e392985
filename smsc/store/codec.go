package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// Records of the two hot streams (messages and states) are written in a
// compact binary form: a version octet then the fields in order, strings and
// byte slices length-prefixed (uvarint), times as Unix nanoseconds (varint,
// 0 for the zero time). Records that start with '{' are read as JSON (the
// earlier format), so existing data stays readable.
const recordV1 = 0x01

var errRecord = errors.New("store: corrupt record")

type recWriter []byte

func (w *recWriter) str(s string) {
	*w = binary.AppendUvarint(*w, uint64(len(s)))
	*w = append(*w, s...)
}

func (w *recWriter) bytes(b []byte) {
	*w = binary.AppendUvarint(*w, uint64(len(b)))
	*w = append(*w, b...)
}

func (w *recWriter) time(t time.Time) {
	var n int64
	if !t.IsZero() {
		n = t.UnixNano()
	}
	*w = binary.AppendVarint(*w, n)
}

func (w *recWriter) u(v uint64) { *w = binary.AppendUvarint(*w, v) }

type recReader struct {
	b   []byte
	err bool
}

func (r *recReader) uvarint() uint64 {
	if r.err {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *recReader) bytes() []byte {
	n := r.uvarint()
	if r.err || n > uint64(len(r.b)) {
		r.err = true
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *recReader) str() string { return string(r.bytes()) }

func (r *recReader) time() time.Time {
	if r.err {
		return time.Time{}
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = true
		return time.Time{}
	}
	r.b = r.b[n:]
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

// encodeMessage appends the binary form of m.
func encodeMessage(m *Message) []byte {
	w := recWriter(make([]byte, 0, 64+len(m.PDU)))
	w = append(w, recordV1)
	w.str(m.Owner)
	w.str(m.Target)
	w.bytes(m.PDU)
	w.time(m.Submitted)
	w.time(m.Schedule)
	w.time(m.Expires)
	w.u(uint64(m.Receipt))
	w.str(m.Node)
	w.str(m.Group)
	w.str(m.Gate)
	return w
}

// decodeMessage reads a message record (binary or JSON). The PDU aliases b.
func decodeMessage(b []byte, m *Message) error {
	if len(b) > 0 && b[0] == '{' {
		return json.Unmarshal(b, m)
	}
	if len(b) == 0 || b[0] != recordV1 {
		return errRecord
	}
	r := recReader{b: b[1:]}
	m.Owner = r.str()
	m.Target = r.str()
	m.PDU = r.bytes()
	m.Submitted = r.time()
	m.Schedule = r.time()
	m.Expires = r.time()
	m.Receipt = uint8(r.uvarint())
	m.Node = r.str()
	m.Group = r.str()
	m.Gate = r.str()
	if r.err {
		return errRecord
	}
	return nil
}

func (w *recWriter) addr(a pdu.Address) {
	*w = append(*w, a.TON, a.NPI)
	w.str(a.Addr)
}

func (r *recReader) addr() pdu.Address {
	if r.err || len(r.b) < 2 {
		r.err = true
		return pdu.Address{}
	}
	a := pdu.Address{TON: r.b[0], NPI: r.b[1]}
	r.b = r.b[2:]
	a.Addr = r.str()
	return a
}

// encodeState appends the binary form of st.
func encodeState(st *State) []byte {
	w := recWriter(make([]byte, 0, 128))
	w = append(w, recordV1)
	w.str(st.ID)
	w.str(st.ReceiptID)
	w.str(st.Owner)
	w.u(uint64(st.State))
	w.u(uint64(st.Err))
	w.time(st.Submitted)
	w.time(st.Done)
	w.addr(st.Source)
	w.addr(st.Dest)
	w.u(uint64(st.Receipt))
	w.str(st.Text)
	if st.UserRef != nil {
		w.u(uint64(*st.UserRef) + 1)
	} else {
		w.u(0)
	}
	w.u(uint64(st.Version))
	w.str(st.Gate)
	return w
}

// decodeState reads a state record (binary or JSON).
func decodeState(b []byte, st *State) error {
	if len(b) > 0 && b[0] == '{' {
		return json.Unmarshal(b, st)
	}
	if len(b) == 0 || b[0] != recordV1 {
		return errRecord
	}
	r := recReader{b: b[1:]}
	st.ID = r.str()
	st.ReceiptID = r.str()
	st.Owner = r.str()
	st.State = pdu.MessageState(r.uvarint())
	st.Err = uint16(r.uvarint())
	st.Submitted = r.time()
	st.Done = r.time()
	st.Source = r.addr()
	st.Dest = r.addr()
	st.Receipt = uint8(r.uvarint())
	st.Text = r.str()
	if v := r.uvarint(); v > 0 {
		u := uint16(v - 1)
		st.UserRef = &u
	}
	st.Version = uint8(r.uvarint())
	st.Gate = r.str()
	if r.err {
		return errRecord
	}
	return nil
}
