package smpp

import (
	"context"

	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/pdu"
)

// Handler serves the requests a peer sends on a bound session: submit_sm and
// friends on the SMSC side; deliver_sm, data_sm and alert_notification on the
// ESME side.
//
// ServeSMPP is called on its own goroutine, concurrently with other calls for
// the same session (up to SessionConfig.InboundWindow), so it must be safe
// for concurrent use. It returns the response body; the session sends it with
// the request's sequence number:
//   - (resp, nil): resp is sent with ESME_ROK;
//   - (nil, nil): the zero response for the command is sent;
//   - (_, pdu.Status): an error response with that status is sent;
//   - (_, other error): ESME_RSYSERR is sent and the error is logged.
//
// A panic is recovered and answered with ESME_RSYSERR. For requests without a
// response PDU (alert_notification) the return values are ignored. The
// context is cancelled when the session closes. Returning is the
// acknowledgement: a handler that persists before returning acknowledges only
// what it stored.
type Handler interface {
	ServeSMPP(ctx context.Context, r *Request) (pdu.PDU, error)
}

// HandlerFunc adapts a function to a Handler.
type HandlerFunc func(ctx context.Context, r *Request) (pdu.PDU, error)

// ServeSMPP calls f.
func (f HandlerFunc) ServeSMPP(ctx context.Context, r *Request) (pdu.PDU, error) { return f(ctx, r) }

// Request is one request received on a session.
type Request struct {
	Header  pdu.Header
	PDU     pdu.PDU // *pdu.SubmitSM, *pdu.DeliverSM, …
	Session *Session
	// Concat is the whole message when Reassembly joined PDU's set of
	// segments (PDU is then the part that completed it).
	Concat *coding.Message

	queued *[]func() // run once the response is queued; shared by copies of the Request
}

// OnResponseQueued registers f to run once the response to this request is
// queued on the session (before anything the session queues later, such as
// a deliver_sm, is written). An SMSC uses it to hold a message's receipts
// until the submitter has its message_id.
// Requests built by hand (not by a session) ignore it.
func (r *Request) OnResponseQueued(f func()) {
	if r.queued != nil {
		*r.queued = append(*r.queued, f)
	}
}

// Middleware wraps a Handler (logging, metrics, throttling, reassembly).
type Middleware func(Handler) Handler

// Chain returns h wrapped by mw, the first middleware outermost.
func Chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// ServeMux dispatches requests by command_id. Commands without a handler are
// answered with ESME_RINVCMDID in their *_resp (or the Fallback handler when
// set). There is no global default mux.
type ServeMux struct {
	handlers map[pdu.CommandID]Handler
	// Fallback serves commands that have no registered handler.
	Fallback Handler
}

// NewServeMux returns an empty ServeMux.
func NewServeMux() *ServeMux { return &ServeMux{handlers: make(map[pdu.CommandID]Handler)} }

// Handle registers h for the command id. It is not safe to call while the
// mux is serving.
func (m *ServeMux) Handle(id pdu.CommandID, h Handler) { m.handlers[id] = h }

// HandleFunc registers f for the command id.
func (m *ServeMux) HandleFunc(id pdu.CommandID, f func(context.Context, *Request) (pdu.PDU, error)) {
	m.Handle(id, HandlerFunc(f))
}

// ServeSMPP dispatches r.
func (m *ServeMux) ServeSMPP(ctx context.Context, r *Request) (pdu.PDU, error) {
	if h, ok := m.handlers[r.Header.ID]; ok {
		return h.ServeSMPP(ctx, r)
	}
	if m.Fallback != nil {
		return m.Fallback.ServeSMPP(ctx, r)
	}
	return nil, pdu.StatusInvCmdID
}
