package smpp

import (
	"log/slog"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// SessionConfig holds the settings shared by both ends ([Dialer] and
// [Server] embed it). Zero values select the documented defaults; a negative
// duration disables a timer.
type SessionConfig struct {
	// Window is the maximum number of requests this end has outstanding
	// (sent, not yet answered). Default 10 (SMPP v3.4 §2.5.2 guideline).
	Window int
	// InboundWindow is the maximum number of the peer's requests served
	// concurrently. Beyond it requests are answered at once with
	// ESME_RTHROTTLED, so the read loop never blocks. Default 2×Window,
	// at least 64.
	InboundWindow int
	// ResponseTimeout bounds the wait for each response (response_timer,
	// session.md §6). Default 30s.
	ResponseTimeout time.Duration
	// EnquireLinkInterval is how long the link may be silent before this
	// end sends enquire_link (enquire_link_timer). An unanswered
	// enquire_link closes the session with ErrPeerUnresponsive. Default 30s.
	EnquireLinkInterval time.Duration
	// InactivityTimeout unbinds a session that carried no traffic other than
	// enquire_link for this long (inactivity_timer). Default: disabled.
	InactivityTimeout time.Duration
	// WriteTimeout closes a session whose peer stops reading: a write that
	// cannot complete in this time fails the session with ErrWriteTimeout.
	// Default 30s.
	WriteTimeout time.Duration
	// MaxPDULen is the largest command_length accepted. Default 64 KiB.
	MaxPDULen int
	// Lenient accepts over-long C-Octet Strings and odd TLV lengths from
	// non-conformant peers (pdus.md §1).
	Lenient bool
	// ErrorRespBody sends the body of error responses (a lone NUL
	// message_id), which some peers require (pdus.md §5).
	ErrorRespBody bool
	// ReadBufferSize is the size of the read buffer. Default 4 KiB.
	ReadBufferSize int
	// Logger receives one record per protocol anomaly. Default: discard.
	Logger *slog.Logger
	// Trace, if set, is called for every PDU and state change.
	Trace *Trace
}

// Trace holds optional hooks, modelled on httptrace.ClientTrace. Hooks run on
// the session's goroutines and must not block.
type Trace struct {
	// PDUReceived is called for every decoded PDU read from the peer.
	PDUReceived func(s *Session, h pdu.Header, p pdu.PDU)
	// PDUSent is called for every PDU queued for writing.
	PDUSent func(s *Session, h pdu.Header, p pdu.PDU)
	// StateChanged is called after every state transition.
	StateChanged func(s *Session, from, to State)
}

const (
	defaultWindow          = 10
	defaultResponseTimeout = 30 * time.Second
	defaultEnquireLink     = 30 * time.Second
	defaultWriteTimeout    = 30 * time.Second
	defaultReadBuffer      = 4096
)

func (c SessionConfig) withDefaults() SessionConfig {
	if c.Window <= 0 {
		c.Window = defaultWindow
	}
	if c.InboundWindow <= 0 {
		c.InboundWindow = max(2*c.Window, 64)
	}
	if c.ResponseTimeout == 0 {
		c.ResponseTimeout = defaultResponseTimeout
	}
	if c.EnquireLinkInterval == 0 {
		c.EnquireLinkInterval = defaultEnquireLink
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = defaultWriteTimeout
	}
	if c.MaxPDULen <= 0 {
		c.MaxPDULen = pdu.DefaultMaxLen
	}
	if c.ReadBufferSize <= 0 {
		c.ReadBufferSize = defaultReadBuffer
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
