package conform

import (
	"encoding/binary"

	"github.com/smppstack/smpp/pdu"
)

// rawFrame builds a frame by hand: the header with the given
// command_length (0: the real length) and the body as is. The strict
// encoder refuses what the checks must send (over-long fields, lying
// lengths), so malformed PDUs are assembled here.
func rawFrame(length uint32, id pdu.CommandID, status pdu.Status, seq uint32, body []byte) []byte {
	if length == 0 {
		length = uint32(pdu.HeaderLen + len(body))
	}
	b := make([]byte, pdu.HeaderLen, pdu.HeaderLen+len(body))
	binary.BigEndian.PutUint32(b[0:], length)
	binary.BigEndian.PutUint32(b[4:], uint32(id))
	binary.BigEndian.PutUint32(b[8:], uint32(status))
	binary.BigEndian.PutUint32(b[12:], seq)
	return append(b, body...)
}

// rawSubmit is a submit_sm body field by field, so a check can put any
// value in any field (pdus.md §6.5).
type rawSubmit struct {
	serviceType            string
	srcTON, srcNPI         uint8
	source                 string
	dstTON, dstNPI         uint8
	dest                   string
	esm, pid, prio         uint8
	sched, valid           string
	reg, replace, dc, dfID uint8
	smLen                  int // -1: len(sm)
	sm                     []byte
	tlvs                   []byte // raw TLV section
}

// newRawSubmit is a valid submit_sm from src to dst carrying text.
func newRawSubmit(src, dst pdu.Address, text string) *rawSubmit {
	return &rawSubmit{
		srcTON: src.TON, srcNPI: src.NPI, source: src.Addr,
		dstTON: dst.TON, dstNPI: dst.NPI, dest: dst.Addr,
		smLen: -1, sm: []byte(text),
	}
}

func cstr(b []byte, s string) []byte { return append(append(b, s...), 0) }

func (r *rawSubmit) body() []byte {
	var b []byte
	b = cstr(b, r.serviceType)
	b = append(b, r.srcTON, r.srcNPI)
	b = cstr(b, r.source)
	b = append(b, r.dstTON, r.dstNPI)
	b = cstr(b, r.dest)
	b = append(b, r.esm, r.pid, r.prio)
	b = cstr(b, r.sched)
	b = cstr(b, r.valid)
	b = append(b, r.reg, r.replace, r.dc, r.dfID)
	n := r.smLen
	if n < 0 {
		n = len(r.sm)
	}
	b = append(b, byte(n))
	b = append(b, r.sm...)
	return append(b, r.tlvs...)
}

// frame is the submit_sm frame with sequence number seq.
func (r *rawSubmit) frame(seq uint32) []byte {
	return rawFrame(0, pdu.CmdSubmitSM, pdu.StatusOK, seq, r.body())
}

// tlv encodes one TLV.
func tlv(tag pdu.Tag, v []byte) []byte {
	b := []byte{byte(tag >> 8), byte(tag), byte(len(v) >> 8), byte(len(v))}
	return append(b, v...)
}
