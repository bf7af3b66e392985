package smpptest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// DefaultTimeout bounds every read and write of a [Peer] whose Timeout is
// zero, so a script waiting for a PDU that never comes fails instead of
// hanging the test.
const DefaultTimeout = 10 * time.Second

// Peer is one end of a raw SMPP connection, driven by a test: it reads and
// writes whole PDUs (or arbitrary bytes) with no session logic at all, so it
// can play a correct, slow or broken peer. It is not safe for concurrent use,
// except that Close may be called from any goroutine.
type Peer struct {
	// Conn is the underlying connection.
	Conn net.Conn
	// Timeout bounds each read and write; zero means DefaultTimeout,
	// negative means no limit. Deadlines use the time package, so inside a
	// testing/synctest bubble they run on the bubble's fake clock.
	Timeout time.Duration
	// MaxLen is the largest command_length ReadPDU accepts; zero means
	// pdu.DefaultMaxLen.
	MaxLen int

	buf  []byte     // bytes read but not yet returned as frames
	last pdu.Header // header of the last PDU read
	has  bool       // last is set
}

// NewPeer returns a Peer on c.
func NewPeer(c net.Conn) *Peer { return &Peer{Conn: c} }

func (p *Peer) timeout() time.Duration {
	if p.Timeout == 0 {
		return DefaultTimeout
	}
	return p.Timeout
}

func (p *Peer) deadline(d time.Duration) time.Time {
	if d < 0 {
		return time.Time{}
	}
	return time.Now().Add(d)
}

// readFrame returns the next whole frame. Bytes of a frame that is cut by a
// deadline stay buffered, so a later read continues in step.
func (p *Peer) readFrame() ([]byte, error) {
	max := p.MaxLen
	if max <= 0 {
		max = pdu.DefaultMaxLen
	}
	var tmp [4096]byte
	for {
		if len(p.buf) >= 4 {
			n := binary.BigEndian.Uint32(p.buf)
			if n < pdu.HeaderLen || int64(n) > int64(max) {
				return nil, fmt.Errorf("smpptest: peer sent command_length %d", n)
			}
			if len(p.buf) >= int(n) {
				frame := make([]byte, n)
				copy(frame, p.buf)
				p.buf = p.buf[n:]
				return frame, nil
			}
		}
		m, err := p.Conn.Read(tmp[:])
		p.buf = append(p.buf, tmp[:m]...)
		if err != nil {
			if errors.Is(err, io.EOF) && len(p.buf) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

// ReadPDU reads and decodes the next PDU, waiting at most Timeout. At a clean
// end of stream it returns io.EOF. When the frame does not decode (strictly)
// it returns its header with the *pdu.DecodeError. The header is remembered
// for [Reply].
func (p *Peer) ReadPDU() (pdu.Header, pdu.PDU, error) {
	return p.readPDU(p.deadline(p.timeout()))
}

func (p *Peer) readPDU(deadline time.Time) (pdu.Header, pdu.PDU, error) {
	p.Conn.SetReadDeadline(deadline)
	frame, err := p.readFrame()
	if err != nil {
		return pdu.Header{}, nil, err
	}
	h, m, err := pdu.Decode(frame)
	p.last, p.has = h, true
	return h, m, err
}

// Last returns the header of the last PDU read, and whether there was one.
func (p *Peer) Last() (pdu.Header, bool) { return p.last, p.has }

// WritePDU encodes m with the given sequence number and command_status and
// writes it, waiting at most Timeout. The encoder is strict: to send
// malformed PDUs, encode them by hand and use WriteRaw.
func (p *Peer) WritePDU(seq uint32, status pdu.Status, m pdu.PDU) error {
	b, err := pdu.Marshal(seq, status, m)
	if err != nil {
		return err
	}
	return p.WriteRaw(b)
}

// WriteRaw writes b as is (garbage, a truncated frame, several frames at
// once), waiting at most Timeout.
func (p *Peer) WriteRaw(b []byte) error {
	p.Conn.SetWriteDeadline(p.deadline(p.timeout()))
	_, err := p.Conn.Write(b)
	return err
}

// Close closes the connection.
func (p *Peer) Close() error { return p.Conn.Close() }

// IsClosed reports whether err, returned by a read, means that the other end
// closed the connection (end of stream or a reset) rather than a timeout or
// a protocol error.
func IsClosed(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.ErrClosedPipe) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
