package conform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// frame is one PDU received on a wire. p is nil when the frame did not
// decode; err then says why (the header is still valid).
type frame struct {
	h   pdu.Header
	p   pdu.PDU
	err error
	at  time.Time
}

// queue is an unbounded FIFO of frames that a reader goroutine fills and a
// check drains, so the reader never blocks on a slow check.
type queue struct {
	mu     sync.Mutex
	items  []frame
	notify chan struct{} // capacity 1: "something was pushed"
}

func newQueue() *queue { return &queue{notify: make(chan struct{}, 1)} }

func (q *queue) push(f frame) {
	q.mu.Lock()
	q.items = append(q.items, f)
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

func (q *queue) pop() (frame, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return frame{}, false
	}
	f := q.items[0]
	q.items = q.items[1:]
	return f, true
}

// errTimeout is returned by wire reads when the check's time ran out.
var errTimeout = errors.New("no answer in time")

// closedError reports that the peer closed the connection (or it broke).
type closedError struct{ err error }

func (e *closedError) Error() string {
	switch {
	case e.err == nil, errors.Is(e.err, io.EOF):
		return "connection closed by the peer"
	case errors.Is(e.err, syscall.ECONNRESET):
		return "connection reset by the peer"
	case errors.Is(e.err, io.ErrUnexpectedEOF):
		return "connection closed by the peer inside a PDU"
	}
	var de *pdu.DecodeError
	if errors.As(e.err, &de) {
		return "peer sent an unframeable PDU: " + de.Error()
	}
	return "connection broken: " + e.err.Error()
}

func (e *closedError) Unwrap() error { return e.err }

// isClosed reports whether err means the connection ended.
func isClosed(err error) bool {
	var ce *closedError
	return errors.As(err, &ce)
}

// wire is one raw SMPP connection with no session logic: the checks write
// exactly the bytes they want and read every PDU the peer sends. A reader
// goroutine frames and decodes what arrives; the peer's requests go to
// handle (which may answer them, as a keepalive) and everything else is
// queued for the check. It is safe for concurrent use.
type wire struct {
	conn   net.Conn
	wmu    sync.Mutex
	seq    atomic.Uint32
	in     *queue // responses, generic_nack, requests handle did not consume
	dlv    *queue // deliver_sm / data_sm acknowledged by handle (ESME side)
	handle func(w *wire, f frame) bool
	bound  atomic.Bool // a bind succeeded on this connection

	done chan struct{} // closed when the reader exits
	rerr error         // why the reader exited; read after done
	once sync.Once
}

// newWire starts reading c. handle, when not nil, is called on the reader
// goroutine for every request PDU (command_id bit 31 clear) and reports
// whether it consumed it.
func newWire(c net.Conn, handle func(*wire, frame) bool) *wire {
	w := &wire{conn: c, in: newQueue(), handle: handle, done: make(chan struct{})}
	go w.read()
	return w
}

func (w *wire) read() {
	defer close(w.done)
	r := pdu.NewReader(w.conn, 1<<20)
	dec := pdu.Decoder{Lenient: true, MaxLen: 1 << 20}
	for {
		b, err := r.ReadFrame()
		if err != nil {
			w.rerr = err
			return
		}
		h, p, err := dec.Decode(b)
		f := frame{h: h, p: p, err: err, at: time.Now()}
		if err != nil {
			f.p = nil
		}
		if !h.ID.IsResponse() && w.handle != nil && w.handle(w, f) {
			continue
		}
		w.in.push(f)
	}
}

// closed reports whether the reader has stopped (the peer closed).
func (w *wire) closed() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// Close closes the connection and waits for the reader.
func (w *wire) Close() error {
	w.once.Do(func() { w.conn.Close() })
	<-w.done
	return nil
}

// nextSeq returns a fresh sequence number (1, 2, …).
func (w *wire) nextSeq() uint32 { return w.seq.Add(1) }

// writeRaw writes b as is.
func (w *wire) writeRaw(b []byte) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	w.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := w.conn.Write(b)
	return err
}

// sendSeq encodes p with seq and status and writes it.
func (w *wire) sendSeq(seq uint32, status pdu.Status, p pdu.PDU) error {
	b, err := pdu.Encoder{Lenient: true}.Append(nil, seq, status, p)
	if err != nil {
		return err
	}
	return w.writeRaw(b)
}

// send writes request p with a fresh sequence number and returns it.
func (w *wire) send(p pdu.PDU) (uint32, error) {
	seq := w.nextSeq()
	return seq, w.sendSeq(seq, pdu.StatusOK, p)
}

// next returns the next queued frame, waiting until ctx ends (errTimeout)
// or the connection closes (*closedError, after every queued frame).
func (w *wire) next(ctx context.Context) (frame, error) { return w.nextFrom(ctx, w.in) }

// nextFrom is next on another queue of w (dlv).
func (w *wire) nextFrom(ctx context.Context, q *queue) (frame, error) {
	for {
		if f, ok := q.pop(); ok {
			return f, nil
		}
		select {
		case <-q.notify:
		case <-w.done:
			if f, ok := q.pop(); ok {
				return f, nil
			}
			return frame{}, &closedError{w.rerr}
		case <-ctx.Done():
			return frame{}, errTimeout
		}
	}
}

// await returns the response (or generic_nack) carrying seq. Frames read on
// the way are returned in skipped.
func (w *wire) await(ctx context.Context, seq uint32) (f frame, skipped []frame, err error) {
	for {
		f, err = w.next(ctx)
		if err != nil {
			return f, skipped, err
		}
		if f.h.ID.IsResponse() && f.h.Seq == seq {
			return f, skipped, nil
		}
		skipped = append(skipped, f)
	}
}

// reply returns the next response or generic_nack, whatever its sequence
// number; requests the peer sends meanwhile are returned in skipped.
func (w *wire) reply(ctx context.Context) (f frame, skipped []frame, err error) {
	for {
		f, err = w.next(ctx)
		if err != nil || f.h.ID.IsResponse() {
			return f, skipped, err
		}
		skipped = append(skipped, f)
	}
}

// call sends request p and returns the first response (or generic_nack)
// that follows, whether or not it carries p's sequence number.
func (w *wire) call(ctx context.Context, p pdu.PDU) (seq uint32, f frame, err error) {
	seq, err = w.send(p)
	if err != nil {
		return seq, f, fmt.Errorf("write failed: %w", err)
	}
	f, _, err = w.reply(ctx)
	return seq, f, err
}

// waitClosed waits until the peer closes the connection or ctx ends. Frames
// that arrive meanwhile are returned.
func (w *wire) waitClosed(ctx context.Context) (closed bool, got []frame) {
	for {
		f, err := w.next(ctx)
		if err != nil {
			return isClosed(err), got
		}
		got = append(got, f)
	}
}
