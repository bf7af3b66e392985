package smpptest

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

// AcceptAll returns a Binder that accepts every bind, whatever its
// credentials, and serves the session with h (nil means [SMSCHandler]()).
func AcceptAll(h smpp.Handler) smpp.Binder {
	if h == nil {
		h = SMSCHandler()
	}
	return smpp.BinderFunc(func(context.Context, *smpp.Session, *pdu.Bind) (smpp.Handler, error) {
		return h, nil
	})
}

// AckHandler returns an ESME-side Handler that acknowledges every request
// with its zero response (deliver_sm_resp, data_sm_resp, …).
func AckHandler() smpp.Handler {
	return smpp.HandlerFunc(func(context.Context, *smpp.Request) (pdu.PDU, error) { return nil, nil })
}

// SMSCHandler returns a Handler that behaves like a small message centre
// that accepts everything: submit_sm, submit_multi, data_sm and broadcast_sm
// get message ids "1", "2", … (one counter per handler, shared by its
// sessions); query_sm reports a message it issued as ENROUTE (DELETED with a
// final_date once cancelled); cancel_sm and replace_sm succeed for ids it
// issued and for a cancel_sm without message_id; unknown ids get
// ESME_RINVMSGID. Other requests get ESME_RINVCMDID. It is safe for
// concurrent use.
func SMSCHandler() smpp.Handler {
	h := &smscHandler{state: make(map[string]pdu.MessageState)}
	return smpp.HandlerFunc(h.serve)
}

type smscHandler struct {
	mu    sync.Mutex
	next  uint64
	state map[string]pdu.MessageState
}

func (h *smscHandler) issue() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.next++
	id := strconv.FormatUint(h.next, 10)
	h.state[id] = pdu.StateEnroute
	return id
}

func (h *smscHandler) lookup(id string) (pdu.MessageState, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st, ok := h.state[id]
	return st, ok
}

func (h *smscHandler) serve(_ context.Context, r *smpp.Request) (pdu.PDU, error) {
	switch req := r.PDU.(type) {
	case *pdu.SubmitSM:
		return &pdu.SubmitSMResp{MessageID: h.issue()}, nil
	case *pdu.SubmitMulti:
		return &pdu.SubmitMultiResp{MessageID: h.issue()}, nil
	case *pdu.DataSM:
		return &pdu.DataSMResp{MessageID: h.issue()}, nil
	case *pdu.BroadcastSM:
		return &pdu.BroadcastSMResp{MessageID: h.issue()}, nil
	case *pdu.QuerySM:
		st, ok := h.lookup(req.MessageID)
		if !ok {
			return nil, pdu.StatusInvMsgID
		}
		resp := &pdu.QuerySMResp{MessageID: req.MessageID, MessageState: st}
		if st.Final() {
			resp.FinalDate = pdu.FormatTime(time.Now())
		}
		return resp, nil
	case *pdu.CancelSM:
		if req.MessageID == "" {
			return &pdu.CancelSMResp{}, nil
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.state[req.MessageID]; !ok {
			return nil, pdu.StatusInvMsgID
		}
		h.state[req.MessageID] = pdu.StateDeleted
		return &pdu.CancelSMResp{}, nil
	case *pdu.ReplaceSM:
		st, ok := h.lookup(req.MessageID)
		if !ok {
			return nil, pdu.StatusInvMsgID
		}
		if st.Final() {
			return nil, pdu.StatusReplaceFail
		}
		return &pdu.ReplaceSMResp{}, nil
	}
	return nil, pdu.StatusInvCmdID
}
