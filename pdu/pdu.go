package pdu

import (
	"encoding/binary"
	"errors"
)

// PDU is implemented by every PDU body type of this package. The interface is
// sealed: unknown command ids are represented by [*Unknown].
type PDU interface {
	// CommandID returns the command_id this body is sent with.
	CommandID() CommandID
	appendBody(dst []byte) ([]byte, error)
	decodeBody(d *decoder)
}

// New returns a zero body for id, or nil and false when id is not a command
// defined by SMPP v3.4 or v5.0.
func New(id CommandID) (PDU, bool) {
	var p PDU
	switch id {
	case CmdGenericNACK:
		p = &GenericNACK{}
	case CmdBindReceiver, CmdBindTransmitter, CmdBindTransceiver:
		p = &Bind{Mode: bindModeOf(id)}
	case CmdBindReceiverResp, CmdBindTransmitterResp, CmdBindTransceiverResp:
		p = &BindResp{Mode: bindModeOf(id)}
	case CmdOutbind:
		p = &Outbind{}
	case CmdUnbind:
		p = &Unbind{}
	case CmdUnbindResp:
		p = &UnbindResp{}
	case CmdEnquireLink:
		p = &EnquireLink{}
	case CmdEnquireLinkResp:
		p = &EnquireLinkResp{}
	case CmdSubmitSM:
		p = &SubmitSM{}
	case CmdSubmitSMResp:
		p = &SubmitSMResp{}
	case CmdDeliverSM:
		p = &DeliverSM{}
	case CmdDeliverSMResp:
		p = &DeliverSMResp{}
	case CmdDataSM:
		p = &DataSM{}
	case CmdDataSMResp:
		p = &DataSMResp{}
	case CmdSubmitMulti:
		p = &SubmitMulti{}
	case CmdSubmitMultiResp:
		p = &SubmitMultiResp{}
	case CmdQuerySM:
		p = &QuerySM{}
	case CmdQuerySMResp:
		p = &QuerySMResp{}
	case CmdCancelSM:
		p = &CancelSM{}
	case CmdCancelSMResp:
		p = &CancelSMResp{}
	case CmdReplaceSM:
		p = &ReplaceSM{}
	case CmdReplaceSMResp:
		p = &ReplaceSMResp{}
	case CmdAlertNotification:
		p = &AlertNotification{}
	case CmdBroadcastSM:
		p = &BroadcastSM{}
	case CmdBroadcastSMResp:
		p = &BroadcastSMResp{}
	case CmdQueryBroadcastSM:
		p = &QueryBroadcastSM{}
	case CmdQueryBroadcastSMResp:
		p = &QueryBroadcastSMResp{}
	case CmdCancelBroadcastSM:
		p = &CancelBroadcastSM{}
	case CmdCancelBroadcastSMResp:
		p = &CancelBroadcastSMResp{}
	default:
		return nil, false
	}
	return p, true
}

// Encoder encodes PDUs. The zero value follows SMPP v5.0 §3.2.1.3: a
// response with a non-zero command_status is sent without a body.
type Encoder struct {
	// ErrorRespBody, when set, sends the body of a response even when its
	// command_status is non-zero (some peers reject header-only
	// submit_sm_resp / deliver_sm_resp, pdus.md §5).
	ErrorRespBody bool
	// Lenient forwards what a lenient Decoder accepts — TLVs of a length the
	// spec does not allow for their tag, submit_multi without destinations —
	// instead of refusing it.
	Lenient bool
}

// Append appends the header and body of p to dst, with command_length
// back-patched. It validates what it sends: a field over its maximum length
// is an *[EncodeError] and dst is returned unchanged.
func Append(dst []byte, seq uint32, status Status, p PDU) ([]byte, error) {
	return Encoder{}.Append(dst, seq, status, p)
}

// Append appends the header and body of p to dst; see [Append].
func (e Encoder) Append(dst []byte, seq uint32, status Status, p PDU) ([]byte, error) {
	// The message-carrying PDUs first, in one pass when every field is
	// valid (sm_fast.go); else field by field below, naming the bad one.
	switch q := p.(type) {
	case *SubmitSM:
		if out, ok := q.appendFast(dst, CmdSubmitSM, status, seq); ok {
			return out, nil
		}
	case *DeliverSM:
		if out, ok := (*SubmitSM)(q).appendFast(dst, CmdDeliverSM, status, seq); ok {
			return out, nil
		}
	}
	start := len(dst)
	id := p.CommandID()
	dst = append(dst, 0, 0, 0, 0,
		byte(id>>24), byte(id>>16), byte(id>>8), byte(id),
		byte(status>>24), byte(status>>16), byte(status>>8), byte(status),
		byte(seq>>24), byte(seq>>16), byte(seq>>8), byte(seq))
	if status == StatusOK || !id.IsResponse() || e.ErrorRespBody {
		var err error
		dst, err = p.appendBody(dst)
		if err != nil {
			var ee *EncodeError
			if !e.Lenient || !errors.As(err, &ee) || ee.Err != errTLVLength && ee.Err != errNoDests {
				return dst[:start], err
			}
		}
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start))
	return dst, nil
}

// Marshal encodes p into a new slice.
func Marshal(seq uint32, status Status, p PDU) ([]byte, error) {
	return Append(make([]byte, 0, 64), seq, status, p)
}

// Decoder decodes frames. The zero value is strict, with a 64 KiB limit.
type Decoder struct {
	// MaxLen is the largest command_length accepted; 0 means DefaultMaxLen.
	MaxLen int
	// Lenient accepts C-Octet Strings longer than their spec maximum, time
	// fields of the wrong length and TLVs of unexpected lengths, as many
	// real peers send them (pdus.md §1: strict when sending, configurable
	// when receiving).
	Lenient bool
}

// Decode decodes one complete frame with a strict [Decoder].
func Decode(frame []byte) (Header, PDU, error) {
	return Decoder{}.Decode(frame)
}

// Decode decodes one complete frame: exactly command_length octets.
//
// The returned Header is valid whenever the frame had 16 octets, even when an
// error is returned; errors are *[DecodeError]. A response with a non-zero
// command_status decodes with or without a body; an undecodable body of such
// a response is ignored (pdus.md §5). An unknown command_id decodes to
// *[Unknown] without error; the caller decides how to answer it
// (generic_nack with ESME_RINVCMDID).
//
// The PDU may alias frame (short_message, TLV values, raw bodies): do not
// modify frame afterwards.
func (dc Decoder) Decode(frame []byte) (Header, PDU, error) {
	h, err := DecodeHeader(frame)
	if err != nil {
		return h, nil, &DecodeError{Status: StatusInvCmdLen, Err: ErrShortFrame}
	}
	if err := dc.checkLength(h, len(frame)); err != nil {
		return h, nil, err
	}
	body := frame[HeaderLen:]
	var p PDU
	switch h.ID {
	case CmdSubmitSM, CmdDeliverSM:
		// One allocation holds the body and its strings (smBox).
		box := new(smBox)
		p = &box.p
		if h.ID == CmdDeliverSM {
			p = (*DeliverSM)(&box.p)
		}
		if box.p.decodeFast(body, !dc.Lenient, &box.s) {
			return h, p, nil
		}
	default:
		if p = newFast(h.ID); p == nil {
			return h, &Unknown{ID: h.ID, Body: body}, nil
		}
	}
	if err := dc.decodeFields(h, body, p); err != nil {
		if h.ID.IsResponse() && h.Status != StatusOK {
			// v5.0 §3.2.1.3: the body of an error response is ignored.
			p, _ = New(h.ID)
			return h, p, nil
		}
		return h, p, err
	}
	return h, p, nil
}

// DecodeInto decodes frame into p, which must be the body type of the
// frame's command_id (as New returns it); p is reset first. It lets a
// single-consumer loop reuse one body for every frame instead of allocating
// one per frame. The same aliasing rules as Decode apply, and p's previous
// contents are lost. A frame of another command returns an error with status
// ESME_RINVCMDID and leaves p unchanged.
func (dc Decoder) DecodeInto(frame []byte, p PDU) (Header, error) {
	h, err := DecodeHeader(frame)
	if err != nil {
		return h, &DecodeError{Status: StatusInvCmdLen, Err: ErrShortFrame}
	}
	if err := dc.checkLength(h, len(frame)); err != nil {
		return h, err
	}
	if p.CommandID() != h.ID {
		if b, ok := p.(*Bind); !ok || bindModeOf(h.ID) == 0 || h.ID.IsResponse() {
			if br, ok := p.(*BindResp); !ok || bindModeOf(h.ID) == 0 || !h.ID.IsResponse() {
				return h, &DecodeError{Header: h, HeaderValid: true, Status: StatusInvCmdID, Err: ErrUnknownCmd}
			} else {
				br.Mode = bindModeOf(h.ID)
			}
		} else {
			b.Mode = bindModeOf(h.ID)
		}
	}
	return h, dc.decodeBody(h, frame[HeaderLen:], p)
}

func (dc Decoder) checkLength(h Header, n int) error {
	max := dc.MaxLen
	if max <= 0 {
		max = DefaultMaxLen
	}
	switch {
	case h.Length < HeaderLen:
		return &DecodeError{Header: h, HeaderValid: true, Status: StatusInvCmdLen, Err: ErrBadLength}
	case int64(h.Length) > int64(max):
		return &DecodeError{Header: h, HeaderValid: true, Status: StatusInvCmdLen, Err: ErrFrameTooLarge}
	case int64(h.Length) != int64(n):
		return &DecodeError{Header: h, HeaderValid: true, Status: StatusInvCmdLen, Err: ErrShortFrame}
	}
	return nil
}

func (dc Decoder) decodeBody(h Header, body []byte, p PDU) error {
	switch q := p.(type) {
	case *SubmitSM:
		*q = SubmitSM{}
		if q.decodeFast(body, !dc.Lenient, nil) {
			return nil
		}
	case *DeliverSM:
		*q = DeliverSM{}
		if (*SubmitSM)(q).decodeFast(body, !dc.Lenient, nil) {
			return nil
		}
	}
	return dc.decodeFields(h, body, p)
}

// decodeFields decodes body field by field; every failure names its field
// and the command_status to answer with.
func (dc Decoder) decodeFields(h Header, body []byte, p PDU) error {
	d := decoder{b: body, id: h.ID, strict: !dc.Lenient}
	decodeInto(p, &d)
	if d.err != nil {
		d.err.Header, d.err.HeaderValid = h, true
		return d.err
	}
	d.finish()
	return nil
}

// newFast is New without the second result, for the hot path.
func newFast(id CommandID) PDU {
	switch id {
	case CmdSubmitSMResp:
		return &SubmitSMResp{}
	case CmdDeliverSMResp:
		return &DeliverSMResp{}
	}
	p, _ := New(id)
	return p
}

// decodeInto dispatches on the concrete type so that the decoder does not
// escape to the heap through an interface call.
func decodeInto(p PDU, d *decoder) {
	switch p := p.(type) {
	case *SubmitSM:
		*p = SubmitSM{}
		p.decodeBody(d)
	case *DeliverSM:
		*p = DeliverSM{}
		p.decodeBody(d)
	case *SubmitSMResp:
		*p = SubmitSMResp{}
		p.decodeBody(d)
	case *DeliverSMResp:
		*p = DeliverSMResp{}
		p.decodeBody(d)
	case *DataSM:
		*p = DataSM{}
		p.decodeBody(d)
	case *DataSMResp:
		*p = DataSMResp{}
		p.decodeBody(d)
	case *Bind:
		mode := p.Mode
		*p = Bind{Mode: mode}
		p.decodeBody(d)
	case *BindResp:
		mode := p.Mode
		*p = BindResp{Mode: mode}
		p.decodeBody(d)
	case *Outbind:
		*p = Outbind{}
		p.decodeBody(d)
	case *SubmitMulti:
		*p = SubmitMulti{}
		p.decodeBody(d)
	case *SubmitMultiResp:
		*p = SubmitMultiResp{}
		p.decodeBody(d)
	case *QuerySM:
		*p = QuerySM{}
		p.decodeBody(d)
	case *QuerySMResp:
		*p = QuerySMResp{}
		p.decodeBody(d)
	case *CancelSM:
		*p = CancelSM{}
		p.decodeBody(d)
	case *ReplaceSM:
		*p = ReplaceSM{}
		p.decodeBody(d)
	case *AlertNotification:
		*p = AlertNotification{}
		p.decodeBody(d)
	case *BroadcastSM:
		*p = BroadcastSM{}
		p.decodeBody(d)
	case *BroadcastSMResp:
		*p = BroadcastSMResp{}
		p.decodeBody(d)
	case *QueryBroadcastSM:
		*p = QueryBroadcastSM{}
		p.decodeBody(d)
	case *QueryBroadcastSMResp:
		*p = QueryBroadcastSMResp{}
		p.decodeBody(d)
	case *CancelBroadcastSM:
		*p = CancelBroadcastSM{}
		p.decodeBody(d)
	case *GenericNACK:
		*p = GenericNACK{}
		p.decodeBody(d)
	case *Unbind:
		*p = Unbind{}
		p.decodeBody(d)
	case *UnbindResp:
		*p = UnbindResp{}
		p.decodeBody(d)
	case *EnquireLink:
		*p = EnquireLink{}
		p.decodeBody(d)
	case *EnquireLinkResp:
		*p = EnquireLinkResp{}
		p.decodeBody(d)
	case *CancelSMResp:
		*p = CancelSMResp{}
		p.decodeBody(d)
	case *ReplaceSMResp:
		*p = ReplaceSMResp{}
		p.decodeBody(d)
	case *CancelBroadcastSMResp:
		*p = CancelBroadcastSMResp{}
		p.decodeBody(d)
	case *Unknown:
		*p = Unknown{ID: p.ID}
		p.decodeBody(d)
	default:
		panic("pdu: decodeInto: missing case for " + p.CommandID().String())
	}
}
