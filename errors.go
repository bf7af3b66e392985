package smpp

import (
	"context"
	"errors"
	"net"

	"github.com/smppstack/smpp/pdu"
)

// Session and server errors.
var (
	ErrServerClosed     = errors.New("smpp: server closed")
	ErrConnLimit        = errors.New("smpp: per-IP connection limit reached")
	ErrClosed           = errors.New("smpp: session closed")
	ErrUnbound          = errors.New("smpp: session unbound")
	ErrNotPermitted     = errors.New("smpp: command not permitted in this session state")
	ErrPeerUnresponsive = errors.New("smpp: peer did not answer enquire_link")
	ErrResponseTimeout  = errors.New("smpp: response timeout")
	ErrBindTimeout      = errors.New("smpp: no bind within the session_init timer")
	ErrInactive         = errors.New("smpp: inactivity timer expired")
	ErrWriteTimeout     = errors.New("smpp: peer stopped reading (write timeout)")
	ErrNoResponse       = errors.New("smpp: this PDU has no response")
	ErrUnexpectedResp   = errors.New("smpp: response of the wrong command for the sequence number")
)

// SafeToRetry reports whether a failed request certainly did not reach the
// peer, or the peer said it did not process it and the condition is
// temporary (ESME_RTHROTTLED, ESME_RMSGQFUL, …), so resending it cannot
// create a duplicate. A response timeout is not safe: the peer may have
// accepted the message (session.md §6).
func SafeToRetry(err error) bool {
	var st pdu.Status
	if errors.As(err, &st) {
		return st.Temporary()
	}
	var ne *notSentError
	return errors.As(err, &ne)
}

// Temporary reports whether err is expected to clear by itself: a temporary
// command_status, a timeout or a closed/unbound session that a managed
// client will replace.
func Temporary(err error) bool {
	var st pdu.Status
	if errors.As(err, &st) {
		return st.Temporary()
	}
	if errors.Is(err, ErrResponseTimeout) || errors.Is(err, ErrClosed) || errors.Is(err, ErrUnbound) ||
		errors.Is(err, ErrPeerUnresponsive) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// notSentError wraps an error that happened before the request was written.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

func notSent(err error) error { return &notSentError{err} }
