package pdu

import "encoding/binary"

// HeaderLen is the size of the PDU header (SMPP v3.4 §3.2).
const HeaderLen = 16

// MaxSequence is the largest sequence_number (SMPP v3.4 §5.1.4). Sequence
// numbers wrap from MaxSequence back to 1.
const MaxSequence = 0x7FFFFFFF

// DefaultMaxLen is the default maximum command_length accepted (64 KiB, so
// that a full message_payload fits).
const DefaultMaxLen = 64 * 1024

// Header is the 16-octet PDU header (SMPP v3.4 §3.2, pdus.md §2).
type Header struct {
	Length uint32    // command_length, including the header
	ID     CommandID // command_id
	Status Status    // command_status
	Seq    uint32    // sequence_number
}

// DecodeHeader reads the header from the first 16 octets of b.
func DecodeHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, ErrShortFrame
	}
	return Header{
		Length: binary.BigEndian.Uint32(b[0:]),
		ID:     CommandID(binary.BigEndian.Uint32(b[4:])),
		Status: Status(binary.BigEndian.Uint32(b[8:])),
		Seq:    binary.BigEndian.Uint32(b[12:]),
	}, nil
}

// AppendHeader appends h to dst.
func AppendHeader(dst []byte, h Header) []byte {
	dst = binary.BigEndian.AppendUint32(dst, h.Length)
	dst = binary.BigEndian.AppendUint32(dst, uint32(h.ID))
	dst = binary.BigEndian.AppendUint32(dst, uint32(h.Status))
	return binary.BigEndian.AppendUint32(dst, h.Seq)
}

// NextSeq returns the sequence number following seq, wrapping from
// MaxSequence to 1 and never returning 0 (pdus.md §2.2).
func NextSeq(seq uint32) uint32 {
	return seq%MaxSequence + 1
}
