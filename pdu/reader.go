package pdu

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
)

// Reader reads whole frames from a byte stream (a TCP connection). It reads
// the 4-octet command_length, checks it against the limit before allocating,
// and then reads exactly that many octets with io.ReadFull, so TCP
// segmentation never splits or merges frames.
type Reader struct {
	r      *bufio.Reader
	maxLen int
}

// NewReader returns a Reader over r that accepts frames up to maxLen octets
// (DefaultMaxLen when maxLen ≤ 0).
func NewReader(r io.Reader, maxLen int) *Reader {
	return NewReaderSize(r, maxLen, 4096)
}

// NewReaderSize is NewReader with a read buffer of size octets (at least 16).
func NewReaderSize(r io.Reader, maxLen, size int) *Reader {
	if maxLen <= 0 {
		maxLen = DefaultMaxLen
	}
	return &Reader{r: bufio.NewReaderSize(r, max(size, HeaderLen)), maxLen: maxLen}
}

// ReadFrame returns the next frame in a newly allocated slice that the caller
// owns. At a clean end of stream it returns io.EOF; a stream that ends inside
// a frame gives io.ErrUnexpectedEOF.
//
// A command_length below 16 or above the limit returns a *[DecodeError]
// (ESME_RINVCMDLEN) carrying the header when it could be read; the stream is
// then out of step and the connection should be closed after answering with
// generic_nack.
func (r *Reader) ReadFrame() ([]byte, error) {
	var hdr [HeaderLen]byte
	if _, err := io.ReadFull(r.r, hdr[:4]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:4])
	if n < HeaderLen || int64(n) > int64(r.maxLen) {
		e := &DecodeError{Status: StatusInvCmdLen, Err: ErrBadLength}
		if n >= HeaderLen {
			e.Err = ErrFrameTooLarge
		}
		// Try to read the rest of the header so the answer can echo the
		// sequence number; do not wait for more than is buffered.
		if r.r.Buffered() >= HeaderLen-4 {
			io.ReadFull(r.r, hdr[4:])
			e.Header, _ = DecodeHeader(hdr[:])
			e.HeaderValid = true
		} else {
			e.Header.Length = n
		}
		return nil, e
	}
	frame := make([]byte, n)
	copy(frame, hdr[:4])
	if _, err := io.ReadFull(r.r, frame[4:]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return frame, nil
}

// Buffered returns the number of octets read from the stream but not yet
// returned as frames.
func (r *Reader) Buffered() int { return r.r.Buffered() }
