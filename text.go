package smpp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

// TextMessage is a text to submit in one call: it is encoded and, when it
// does not fit in one short message, split per Concat (encoding.md §12).
type TextMessage struct {
	From, To pdu.Address
	Text     string
	// Codec encodes the text; nil chooses GSM 7-bit when every character
	// fits, else UCS2 (coding.Choose).
	Codec coding.Codec
	// Concat selects how long texts are split: 8-bit reference UDH (the
	// zero value), 16-bit UDH, SAR TLVs, or one message_payload. SAR and
	// payload need TLVs; to a v3.3 peer the UDH is used instead.
	Concat coding.Concat
	// RegisteredDelivery requests receipts (one per part).
	RegisteredDelivery pdu.RegisteredDelivery
	// Template, if set, supplies the other submit_sm fields (service_type,
	// validity_period, priority_flag, TLVs …).
	Template *pdu.SubmitSM
}

// SubmitTextResult is the outcome of one part of a text.
type SubmitTextResult struct {
	MessageID string
	Err       error
}

// SubmitText encodes, splits and submits a text. All parts are submitted
// concurrently within the outbound window. It returns one result per part,
// in order, and the first error (nil only if every part was accepted).
func (s *Session) SubmitText(ctx context.Context, m TextMessage) ([]SubmitTextResult, error) {
	parts, err := s.TextParts(m)
	if err != nil {
		return nil, err
	}
	done := make(chan *Call, len(parts))
	calls := make([]*Call, len(parts))
	for i, p := range parts {
		calls[i] = s.Go(ctx, p, done)
	}
	for range parts {
		<-done
	}
	res := make([]SubmitTextResult, len(parts))
	var first error
	for i, c := range calls {
		res[i].Err = c.Err
		if r, ok := c.Resp.(*pdu.SubmitSMResp); ok && c.Err == nil {
			res[i].MessageID = r.MessageID
		}
		if c.Err != nil && first == nil {
			first = fmt.Errorf("smpp: part %d of %d: %w", i+1, len(parts), c.Err)
		}
	}
	return res, first
}

// TextParts builds the submit_sm PDUs for a text without sending them (the
// reference number comes from the session).
func (s *Session) TextParts(m TextMessage) ([]*pdu.SubmitSM, error) {
	c := m.Codec
	if c == nil {
		c = coding.Choose(m.Text)
	}
	concat := m.Concat
	if (concat == coding.ConcatSAR || concat == coding.ConcatPayload) && s.PeerVersion() != 0 && s.PeerVersion() < pdu.V34 {
		concat = coding.ConcatUDH8 // no TLVs for a v3.3 peer (pdus.md §6.2)
	}
	segs, err := coding.Split(m.Text, c, concat, uint16(s.ref.Add(1)))
	if err != nil {
		return nil, err
	}
	out := make([]*pdu.SubmitSM, len(segs))
	for i := range segs {
		p := &pdu.SubmitSM{}
		if m.Template != nil {
			*p = *m.Template
		}
		p.SetSource(m.From)
		p.SetDest(m.To)
		if m.RegisteredDelivery != 0 {
			p.RegisteredDelivery = m.RegisteredDelivery
		}
		segs[i].ApplySubmit(p)
		out[i] = p
	}
	return out, nil
}

// Receipt parses the request as a delivery receipt or intermediate
// notification (esm_class 0x04 / 0x20), merging the text with the
// receipted_message_id, message_state and network_error_code TLVs.
func (r *Request) Receipt() (dlr.Receipt, bool) {
	switch p := r.PDU.(type) {
	case *pdu.DeliverSM:
		return dlr.FromDeliverSM(p)
	case *pdu.DataSM:
		return dlr.FromDataSM(p)
	}
	return dlr.Receipt{}, false
}

// Source returns the source address of a deliver_sm, data_sm, submit_sm or
// submit_multi request (zero otherwise).
func (r *Request) Source() pdu.Address {
	switch p := r.PDU.(type) {
	case *pdu.DeliverSM:
		return p.Source()
	case *pdu.DataSM:
		return p.Source()
	case *pdu.SubmitSM:
		return p.Source()
	case *pdu.SubmitMulti:
		return p.Source()
	}
	return pdu.Address{}
}

// Dest returns the destination address of a deliver_sm, data_sm or
// submit_sm request (zero otherwise).
func (r *Request) Dest() pdu.Address {
	switch p := r.PDU.(type) {
	case *pdu.DeliverSM:
		return p.Dest()
	case *pdu.DataSM:
		return p.Dest()
	case *pdu.SubmitSM:
		return p.Dest()
	}
	return pdu.Address{}
}

// Text decodes the request's user data (short_message or message_payload,
// without any UDH) using its data_coding. For a reassembled request it is
// the whole text.
func (r *Request) Text() (string, error) {
	if r.Concat != nil {
		c, ok := coding.Codecs{}.ForPart(r.Concat.Parts[0])
		if !ok {
			return "", fmt.Errorf("smpp: no codec for data_coding 0x%02x", r.Concat.DataCoding)
		}
		return r.Concat.Text(c)
	}
	part, err := coding.PartOf(r.PDU)
	if err != nil {
		return "", err
	}
	c, ok := coding.Codecs{}.ForPart(part)
	if !ok {
		return "", fmt.Errorf("smpp: no codec for data_coding 0x%02x", part.DataCoding)
	}
	return c.Decode(part.Body())
}

// Reassembly is middleware that joins the segments of concatenated
// deliver_sm / data_sm (UDH 8- or 16-bit reference, or SAR TLVs) before the
// wrapped handler sees them: each part but the last is acknowledged on
// arrival; the part that completes the set is passed on with Request.Concat
// set, and the handler's answer is that part's answer. Parts are held in
// memory; sets that stay incomplete are reported to OnIncomplete when they
// expire (on the next part, or by Run's periodic sweep), never dropped
// silently.
type Reassembly struct {
	// Config tunes the reassembler (timeout, memory cap, clock).
	Config coding.ReassemblerConfig
	// OnIncomplete receives every set that expired or was evicted.
	OnIncomplete func(coding.Incomplete)

	once sync.Once
	r    *coding.Reassembler
}

func (ra *Reassembly) init() {
	ra.once.Do(func() { ra.r = coding.NewReassembler(ra.Config) })
}

func (ra *Reassembly) report(inc []coding.Incomplete) {
	if ra.OnIncomplete != nil {
		for _, x := range inc {
			ra.OnIncomplete(x)
		}
	}
}

// Run sweeps for expired sets every interval until ctx ends.
func (ra *Reassembly) Run(ctx context.Context, interval time.Duration) {
	ra.init()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ra.report(ra.r.Sweep())
		}
	}
}

// Pending returns the number of incomplete sets held.
func (ra *Reassembly) Pending() int {
	ra.init()
	return ra.r.Pending()
}

// Middleware returns the middleware.
func (ra *Reassembly) Middleware() Middleware {
	ra.init()
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, r *Request) (pdu.PDU, error) {
			switch r.PDU.(type) {
			case *pdu.DeliverSM, *pdu.DataSM:
			default:
				return next.ServeSMPP(ctx, r)
			}
			if _, isReceipt := r.Receipt(); isReceipt {
				return next.ServeSMPP(ctx, r)
			}
			part, err := coding.PartOf(r.PDU)
			if err != nil || !part.IsSegment() {
				return next.ServeSMPP(ctx, r)
			}
			msg, expired, err := ra.r.Add(part)
			ra.report(expired)
			if err != nil {
				if errors.Is(err, coding.ErrInvalid) {
					return next.ServeSMPP(ctx, r) // not a usable segment: pass it on as is
				}
				return nil, err
			}
			if msg == nil {
				return nil, nil // stored; acknowledged now
			}
			r2 := *r
			r2.Concat = msg
			resp, err := next.ServeSMPP(ctx, &r2)
			if err != nil {
				// The handler refused the whole message (e.g. a temporary
				// error, so the MC redelivers the last part): keep the other
				// parts, already acknowledged, so the set completes again.
				for _, p := range msg.Parts {
					if p.Seq != part.Seq {
						ra.r.Add(p)
					}
				}
			}
			return resp, err
		})
	}
}
