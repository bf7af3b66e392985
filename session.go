package smpp

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// Session is one SMPP session over one connection, from either end
// ([RoleESME] or [RoleSMSC]). All its methods are safe for concurrent use.
//
// Concurrency model (style-anchors.md §3.4): a read loop owns the frame
// reader, a write loop owns the connection's write side and coalesces queued
// frames into few writes, and each of the peer's requests is served on its own
// goroutine, at most InboundWindow at a time; beyond that the read loop
// answers ESME_RTHROTTLED itself, so it never blocks. Our own requests take a
// slot of the outbound window, are correlated by sequence number in the
// inflight map, and complete exactly once: by their response, by the response
// timer, or by the session closing.
//
// LOCKS: one mutex (mu) per session, never held while blocking on a channel
// or doing I/O, and no other lock is taken while it is held.
type Session struct {
	// Immutable after newSession.
	conn   net.Conn
	role   Role
	cfg    SessionConfig
	log    *slog.Logger
	enc    pdu.Encoder
	dec    pdu.Decoder
	ctx    context.Context // cancelled when the session starts closing
	cancel context.CancelFunc
	window chan struct{} // outbound window semaphore
	writeq chan frame
	workq  chan work     // idle workers wait here (unbuffered)
	done   chan struct{} // closed when both loops exited and calls failed
	srv    *Server       // SMSC side: the server that accepted or dialled it
	// onFinish runs once the session has closed (set before start).
	onFinish func()

	seq         atomic.Uint32
	ref         atomic.Uint32  // concatenation reference numbers
	inbound     atomic.Int32   // handlers running
	handlers    sync.WaitGroup // every goroutine serving the peer
	reqWG       sync.WaitGroup // request handlers only (drained before unbind_resp)
	loops       sync.WaitGroup
	writerDone  chan struct{}
	lastRead    atomic.Int64 // unix nanos of the last PDU read
	lastTraffic atomic.Int64 // unix nanos of the last non-keepalive PDU
	createdAt   time.Time
	stats       sessionCounters

	// Guarded by mu.
	mu           sync.Mutex
	state        State
	mode         pdu.BindMode
	peerID       string    // the peer's system_id
	bindReq      *pdu.Bind // SMSC side: the accepted bind
	peerVersion  uint8     // interface_version of the peer
	handler      Handler
	inflight     map[uint32]*Call
	err          error // why the session closed
	binding      bool  // a bind is being authenticated
	boundAt      time.Time
	closed       bool
	boundCh      chan struct{} // closed when the session becomes bound
	onOutbind    func(*pdu.Outbind)
	timers       [numTimers]*time.Timer
	values       map[any]any
	unbindReason error // why we unbound (ErrUnbound, ErrInactive, …)
}

type frame struct {
	buf   *[]byte
	close error // if set, close the connection with this reason after writing
}

type sessionCounters struct {
	sent, received, timeouts, throttled, errors atomic.Uint64
}

// SessionStats are counters for dashboards and metrics.
type SessionStats struct {
	Sent      uint64    // PDUs written
	Received  uint64    // PDUs read
	InFlight  int       // our requests awaiting a response
	Serving   int       // peer requests being served
	Timeouts  uint64    // responses that did not arrive in time
	Throttled uint64    // peer requests answered ESME_RTHROTTLED by the window
	Errors    uint64    // protocol anomalies (undecodable PDUs, unknown responses)
	BoundAt   time.Time // zero until bound
}

// writeQueueMax bounds the frames queued for the write loop. Producers (our
// requests, handlers' responses) wait for room; the write loop drains the
// queue into one write, so a short queue costs no throughput and keeps an
// idle session small.
const writeQueueMax = 128

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > 64*1024 {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

func newSession(conn net.Conn, role Role, cfg SessionConfig, srv *Server) *Session {
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Session{
		conn:       conn,
		role:       role,
		cfg:        cfg,
		enc:        pdu.Encoder{ErrorRespBody: cfg.ErrorRespBody},
		dec:        pdu.Decoder{MaxLen: cfg.MaxPDULen, Lenient: cfg.Lenient},
		ctx:        ctx,
		cancel:     cancel,
		window:     make(chan struct{}, cfg.Window),
		writeq:     make(chan frame, min(cfg.Window+cfg.InboundWindow+16, writeQueueMax)),
		workq:      make(chan work),
		done:       make(chan struct{}),
		writerDone: make(chan struct{}),
		srv:        srv,
		state:      StateOpen,
		inflight:   make(map[uint32]*Call),
		boundCh:    make(chan struct{}),
		createdAt:  time.Now(),
	}
	s.log = cfg.Logger.With("role", role.String(), "remote", conn.RemoteAddr().String())
	now := time.Now().UnixNano()
	s.lastRead.Store(now)
	s.lastTraffic.Store(now)
	return s
}

// start launches the loops and the keepalive timer.
func (s *Session) start() {
	s.loops.Add(2)
	go s.readLoop()
	go s.writeLoop()
	if s.cfg.EnquireLinkInterval > 0 {
		s.addTimer(timerKeepalive, s.cfg.EnquireLinkInterval, s.keepalive)
	}
	if s.cfg.InactivityTimeout > 0 {
		s.addTimer(timerInactivity, s.cfg.InactivityTimeout, s.inactivityCheck)
	}
}

// Session timers, one slot each (a re-armed timer replaces its slot).
const (
	timerKeepalive = iota
	timerInactivity
	timerSessionInit
	numTimers
)

// addTimer arms the timer in slot to run f after d, replacing (and
// stopping) whatever the slot held.
func (s *Session) addTimer(slot int, d time.Duration, f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if old := s.timers[slot]; old != nil {
		old.Stop()
	}
	s.timers[slot] = time.AfterFunc(d, f)
}

// Role returns the end this session plays.
func (s *Session) Role() Role { return s.role }

// State returns the current state.
func (s *Session) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Mode returns the bind mode (0 until bound).
func (s *Session) Mode() pdu.BindMode {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mode
}

// SystemID returns the peer's system_id: on the SMSC side the ESME's from its
// bind, on the ESME side the MC's from bind_resp.
func (s *Session) SystemID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peerID
}

// BindRequest returns the accepted bind request (SMSC side; nil otherwise).
func (s *Session) BindRequest() *pdu.Bind {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bindReq
}

// PeerVersion returns the interface version of the peer: from its bind (SMSC
// side) or from sc_interface_version in bind_resp (ESME side; 0x33 when the
// MC sent none, meaning no TLVs may be sent, pdus.md §6.2).
func (s *Session) PeerVersion() uint8 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peerVersion
}

// LocalAddr returns the local network address.
func (s *Session) LocalAddr() net.Addr { return s.conn.LocalAddr() }

// RemoteAddr returns the peer's network address.
func (s *Session) RemoteAddr() net.Addr { return s.conn.RemoteAddr() }

// Done returns a channel closed when the session has closed.
func (s *Session) Done() <-chan struct{} { return s.done }

// Context returns a context cancelled when the session starts closing.
func (s *Session) Context() context.Context { return s.ctx }

// Err returns why the session closed (nil while open): ErrUnbound after a
// clean unbind, ErrPeerUnresponsive, io.EOF, …
func (s *Session) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// SetValue attaches an application value to the session (for handlers and
// middleware, e.g. the account a bind authenticated).
func (s *Session) SetValue(key, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.values == nil {
		s.values = make(map[any]any)
	}
	s.values[key] = v
}

// Value returns a value set with SetValue.
func (s *Session) Value(key any) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.values[key]
}

// Stats returns the session's counters.
func (s *Session) Stats() SessionStats {
	s.mu.Lock()
	inflight, boundAt := len(s.inflight), s.boundAt
	s.mu.Unlock()
	return SessionStats{
		Sent:      s.stats.sent.Load(),
		Received:  s.stats.received.Load(),
		InFlight:  inflight,
		Serving:   int(s.inbound.Load()),
		Timeouts:  s.stats.timeouts.Load(),
		Throttled: s.stats.throttled.Load(),
		Errors:    s.stats.errors.Load(),
		BoundAt:   boundAt,
	}
}

// setState changes the state; mu must be held. It returns a function that
// reports the change to hooks; call it after unlocking.
func (s *Session) setStateLocked(to State) func() {
	from := s.state
	if from == to {
		return func() {}
	}
	s.state = to
	if to.Bound() {
		s.boundAt = time.Now()
		// boundCh is closed when the change is reported: after the caller
		// queued bind_resp, so nothing waiting for it can overtake that.
		return func() {
			close(s.boundCh)
			s.reportState(from, to)
		}
	}
	return func() { s.reportState(from, to) }
}

func (s *Session) reportState(from, to State) {
	if t := s.cfg.Trace; t != nil && t.StateChanged != nil {
		t.StateChanged(s, from, to)
	}
	if s.srv != nil {
		s.srv.stateChanged(s, to)
	}
}

// closeWith starts closing the session with err as the reason. It is safe to
// call more than once and from any goroutine; only the first reason sticks.
func (s *Session) closeWith(err error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	if s.state == StateUnbound && endOfConn(err) {
		// The unbind exchange had started: however the connection then
		// ends (our close after unbind_resp, the peer's, a reset), the
		// session ended by unbinding, for the reason we unbound, if we did.
		err = ErrUnbound
		if s.unbindReason != nil {
			err = s.unbindReason
		}
	}
	s.err = err
	for _, t := range s.timers {
		if t != nil {
			t.Stop()
		}
	}
	s.mu.Unlock()
	s.cancel()
	s.conn.Close()
}

// endOfConn reports whether err just says the connection ended (rather than
// being a reason for ending it).
func endOfConn(err error) bool {
	var ne net.Error
	return err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, ErrClosed) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.As(err, &ne)
}

// Close closes the connection at once, without unbinding, and waits for the
// session's loops to exit. Outstanding requests fail with ErrClosed.
func (s *Session) Close() error {
	s.closeWith(ErrClosed)
	<-s.done
	return nil
}

// readLoop owns the frame reader. When it exits the session is closed.
func (s *Session) readLoop() {
	defer s.loops.Done()
	r := pdu.NewReaderSize(s.conn, s.cfg.MaxPDULen, s.cfg.ReadBufferSize)
	var err error
	for {
		var frame []byte
		frame, err = r.ReadFrame()
		if err != nil {
			var de *pdu.DecodeError
			if errors.As(err, &de) {
				s.stats.errors.Add(1)
				s.log.Warn("smpp: bad command_length; closing", "err", err)
				s.sendGenericNACK(de.Seq(), de.Status, de)
				err = de
				// Give the writer a moment to send the nack before closing.
				select {
				case <-s.writerDone:
				case <-time.After(time.Second):
				}
			}
			break
		}
		s.lastRead.Store(time.Now().UnixNano())
		s.stats.received.Add(1)
		h, p, derr := s.dec.Decode(frame)
		if derr != nil {
			s.decodeFailed(h, derr)
			continue
		}
		if t := s.cfg.Trace; t != nil && t.PDUReceived != nil {
			t.PDUReceived(s, h, p)
		}
		if h.ID.IsResponse() {
			s.handleResponse(h, p, nil)
		} else {
			s.handleRequest(h, p)
		}
	}
	if errors.Is(err, net.ErrClosed) {
		err = nil // we closed it; the reason is already recorded
	}
	if err == nil {
		err = ErrClosed
	}
	s.closeWith(err)
	<-s.writerDone
	s.finish()
}

// finish fails every outstanding call and marks the session closed.
func (s *Session) finish() {
	s.mu.Lock()
	calls := s.inflight
	s.inflight = nil
	reason := s.err
	report := s.setStateLocked(StateClosed)
	s.mu.Unlock()
	callErr := ErrClosed
	if errors.Is(reason, ErrUnbound) {
		callErr = ErrUnbound
	}
	for _, c := range calls {
		c.stopTimer()
		c.Err = callErr
		c.completeAndRelease(s.window)
	}
	if s.onFinish != nil {
		s.onFinish() // before done: whoever sees Done sees the server updated
	}
	close(s.done)
	report()
	if errors.Is(reason, io.EOF) || errors.Is(reason, ErrUnbound) || errors.Is(reason, ErrClosed) {
		s.log.Debug("smpp: session closed", "reason", reason)
	} else {
		s.log.Info("smpp: session closed", "reason", reason)
	}
}

// writeLoop owns the connection's write side. It drains the queue into one
// buffer and writes it with a deadline, so bursts become few syscalls and a
// peer that stops reading fails the session after WriteTimeout.
func (s *Session) writeLoop() {
	defer s.loops.Done()
	defer close(s.writerDone)
	for {
		var f frame
		select {
		case f = <-s.writeq:
		case <-s.ctx.Done():
			return
		}
		batch := getBuf()
		*batch = append(*batch, *f.buf...)
		putBuf(f.buf)
		closeAfter := f.close
		yielded := false
	drain:
		for closeAfter == nil && len(*batch) < 32*1024 {
			select {
			case f = <-s.writeq:
				*batch = append(*batch, *f.buf...)
				putBuf(f.buf)
				closeAfter = f.close
			default:
				// Under load the responses come from many handler
				// goroutines a moment apart: give them one chance to
				// join this write before paying for a syscall.
				if !yielded && s.inbound.Load() > 0 {
					yielded = true
					runtime.Gosched()
					continue
				}
				break drain
			}
		}
		if s.cfg.WriteTimeout > 0 {
			s.conn.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
		}
		_, err := s.conn.Write(*batch)
		putBuf(batch)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				err = ErrWriteTimeout
				s.log.Warn("smpp: peer stopped reading; closing")
			}
			s.closeWith(err)
			return
		}
		if closeAfter != nil {
			s.closeWith(closeAfter)
			return
		}
	}
}

// enqueue queues an encoded frame. It fails only when the session closed.
func (s *Session) enqueue(buf *[]byte, closeAfter error) error {
	s.stats.sent.Add(1)
	select {
	case s.writeq <- frame{buf, closeAfter}:
		return nil
	case <-s.ctx.Done():
		putBuf(buf)
		return ErrClosed
	}
}

// send encodes and queues a PDU that expects no correlation (responses,
// outbind, alert_notification).
func (s *Session) send(seq uint32, status pdu.Status, p pdu.PDU, closeAfter error) error {
	buf := getBuf()
	b, err := s.enc.Append(*buf, seq, status, p)
	*buf = b
	if err != nil {
		putBuf(buf)
		s.log.Error("smpp: cannot encode PDU", "cmd", p.CommandID().String(), "err", err)
		return err
	}
	if t := s.cfg.Trace; t != nil && t.PDUSent != nil {
		t.PDUSent(s, pdu.Header{Length: uint32(len(b)), ID: p.CommandID(), Status: status, Seq: seq}, p)
	}
	return s.enqueue(buf, closeAfter)
}

func (s *Session) sendGenericNACK(seq uint32, status pdu.Status, closeAfter error) {
	s.send(seq, status, &pdu.GenericNACK{}, closeAfter)
}

// respondStatus answers request h with an error status (no body).
func (s *Session) respondStatus(h pdu.Header, status pdu.Status) {
	rid := h.ID.Response()
	if rid == 0 {
		s.sendGenericNACK(h.Seq, status, nil)
		return
	}
	p, ok := pdu.New(rid)
	if !ok {
		s.sendGenericNACK(h.Seq, status, nil)
		return
	}
	s.send(h.Seq, status, p, nil)
}

func (s *Session) decodeFailed(h pdu.Header, err error) {
	s.stats.errors.Add(1)
	var de *pdu.DecodeError
	if !errors.As(err, &de) {
		s.log.Warn("smpp: undecodable PDU", "err", err)
		return
	}
	s.log.Warn("smpp: undecodable PDU", "cmd", h.ID.String(), "seq", h.Seq, "err", err)
	if h.ID.IsResponse() {
		// Never answer a response; fail the call it answers, if any.
		s.handleResponse(h, nil, err)
		return
	}
	if de.GenericNACK() {
		var closeAfter error
		if !de.HeaderValid {
			closeAfter = de
		}
		s.sendGenericNACK(de.Seq(), de.Status, closeAfter)
		return
	}
	s.respondStatus(h, de.Status)
}
