package conform

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

// submitID submits p on w and returns its message_id, or a failed result.
func submitID(ctx context.Context, e *env, w *wire, sent string, p *pdu.SubmitSM) (string, *Result) {
	seq, f, err := w.call(ctx, p)
	r := judge(sent, f, err, seq, pdu.CmdSubmitSMResp, e.t.Timeout, pdu.StatusOK)
	if r.Outcome != Pass {
		if err != nil {
			r.Received = "submit_sm: " + r.Received
		}
		return "", &r
	}
	resp, ok := f.p.(*pdu.SubmitSMResp)
	if !ok || resp.MessageID == "" {
		r = fail(sent, r.Received, "a message_id")
		return "", &r
	}
	return resp.MessageID, nil
}

// query returns the query_sm_resp of id, or a description of what came
// instead.
func query(ctx context.Context, e *env, w *wire, id string) (*pdu.QuerySMResp, string) {
	q := &pdu.QuerySM{MessageID: id}
	src := e.from()
	q.SourceAddrTON, q.SourceAddrNPI, q.SourceAddr = src.TON, src.NPI, src.Addr
	seq, f, err := w.call(ctx, q)
	if err != nil {
		return nil, "query_sm: " + describeErr(err, e.t.Timeout)
	}
	got := describe(f) + seqNote(f, seq)
	resp, ok := f.p.(*pdu.QuerySMResp)
	if f.h.ID != pdu.CmdQuerySMResp || f.h.Seq != seq || f.h.Status != pdu.StatusOK || !ok {
		return nil, got
	}
	return resp, got
}

// cancel sends cancel_sm for id and returns the response frame.
func cancel(ctx context.Context, e *env, w *wire, id string) (uint32, frame, error) {
	c := &pdu.CancelSM{MessageID: id}
	src := e.from()
	c.SourceAddrTON, c.SourceAddrNPI, c.SourceAddr = src.TON, src.NPI, src.Addr
	return w.call(ctx, c)
}

// codingSample is what the coding checks send for each data_coding.
func codingSample(dc pdu.DataCoding) (name, text string, ud []byte) {
	switch dc {
	case pdu.CodingUCS2:
		text = "conform UCS2 Grüße Привет ☺"
		ud, _ = coding.UCS2{}.Encode(text)
		return "UCS2", text, ud
	case pdu.CodingBinary:
		return "8-bit binary", "", []byte{0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff, 0x0a, 0x0d, 0x1b}
	}
	text = "conform GSM @£$¥èé {[~]} €"
	ud, _ = coding.GSM7{}.Encode(text)
	return "GSM 7-bit", text, ud
}

func checkCoding(dc pdu.DataCoding) func(context.Context, *env) Result {
	return func(ctx context.Context, e *env) Result {
		name, _, ud := codingSample(dc)
		sent := fmt.Sprintf("submit_sm data_coding 0x%02x (%s, %d octets)", dc, name, len(ud))
		mode := pdu.BindTransmitter
		if e.t.DLR {
			sent += " registered_delivery 1"
			mode = pdu.BindTransceiver
		}
		w, r := e.bound(ctx, mode, sent)
		if w == nil {
			return *r
		}
		defer e.release(w)
		p := e.submit("")
		p.DataCoding, p.ShortMessage = dc, ud
		if e.t.DLR {
			p.RegisteredDelivery = pdu.RegReceiptFinal
		}
		id, r := submitID(ctx, e, w, sent, p)
		if r != nil {
			return *r
		}
		got := fmt.Sprintf("submit_sm_resp ESME_ROK message_id=%q", id)
		if !e.t.DLR {
			return pass(sent, got)
		}
		rc, _, why := awaitReceipt(ctx, e, w, id)
		if why != "" {
			return fail(sent, got+", "+why, "a delivery receipt for the message")
		}
		got += fmt.Sprintf(", receipt stat:%s", rc.Stat)
		if rc.Has(dlr.FieldText) {
			got += fmt.Sprintf(" text:%q", rc.Text)
		}
		return pass(sent, got)
	}
}

// awaitReceipt waits for the final receipt of message id among the
// deliver_sm / data_sm the connection received. It returns the receipt and
// its PDU, or why there is none.
func awaitReceipt(ctx context.Context, e *env, w *wire, id string) (dlr.Receipt, frame, string) {
	rctx, cancel := context.WithTimeout(ctx, e.t.ReceiptTimeout)
	defer cancel()
	var others []string
	for {
		f, err := w.nextFrom(rctx, w.dlv)
		if err != nil {
			why := "no receipt within " + round(e.t.ReceiptTimeout).String()
			if isClosed(err) {
				why = "no receipt: " + err.Error()
			}
			if len(others) > 0 {
				why += " (got " + strings.Join(others, ", ") + ")"
			}
			return dlr.Receipt{}, f, why
		}
		var rc dlr.Receipt
		var ok bool
		switch p := f.p.(type) {
		case *pdu.DeliverSM:
			rc, ok = dlr.FromDeliverSM(p)
		case *pdu.DataSM:
			rc, ok = dlr.FromDataSM(p)
		}
		if !ok || dlr.MatchID(rc.ID, id) == dlr.NoMatch {
			if len(others) < 3 {
				others = append(others, describe(f))
			}
			continue
		}
		if rc.Intermediate {
			continue
		}
		return rc, f, ""
	}
}

func checkMultiUnknownDL(ctx context.Context, e *env) Result {
	dl := "nodl" + token()
	sent := fmt.Sprintf("submit_multi to SME %s and unknown DL %q", e.t.To, dl)
	w, r := e.bound(ctx, pdu.BindTransmitter, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	to := e.to()
	from := e.from()
	p := &pdu.SubmitMulti{
		SourceAddrTON: from.TON, SourceAddrNPI: from.NPI, SourceAddr: from.Addr,
		ShortMessage: []byte("conform multi"),
		DestAddresses: []pdu.DestAddress{
			{DestFlag: pdu.DestFlagSME, DestAddrTON: to.TON, DestAddrNPI: to.NPI, DestinationAddr: to.Addr},
			{DestFlag: pdu.DestFlagDL, DLName: dl},
		},
	}
	want := "submit_multi_resp ESME_ROK with the DL in unsuccess_sme (ESME_RINVDLNAME) and the SME accepted"
	seq, f, err := w.call(ctx, p)
	if err != nil {
		return fail(sent, describeErr(err, e.t.Timeout), want)
	}
	got := describe(f) + seqNote(f, seq)
	if f.h.ID != pdu.CmdSubmitMultiResp || f.h.Seq != seq {
		return fail(sent, got, want)
	}
	switch f.h.Status {
	case pdu.StatusOK:
	case pdu.StatusCntSubDL, pdu.StatusInvDLName:
		return pass(sent, got+" (the whole submission refused)")
	default:
		return fail(sent, got, want)
	}
	resp, _ := f.p.(*pdu.SubmitMultiResp)
	if resp == nil {
		return fail(sent, got, want)
	}
	listed := false
	for _, u := range resp.UnsuccessSMEs {
		switch {
		case u.DestinationAddr == to.Addr:
			return fail(sent, got+" (the SME was refused)", want)
		case u.ErrorStatusCode != pdu.StatusOK:
			listed = true
		}
	}
	if !listed {
		return fail(sent, got, want)
	}
	return pass(sent, got)
}

func checkMultiDL(ctx context.Context, e *env) Result {
	if e.t.DL == "" {
		return skip("submit_multi to a distribution list", "no --dl NAME given")
	}
	sent := fmt.Sprintf("submit_multi to DL %q", e.t.DL)
	w, r := e.bound(ctx, pdu.BindTransmitter, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	from := e.from()
	p := &pdu.SubmitMulti{
		SourceAddrTON: from.TON, SourceAddrNPI: from.NPI, SourceAddr: from.Addr,
		ShortMessage:  []byte("conform list"),
		DestAddresses: []pdu.DestAddress{{DestFlag: pdu.DestFlagDL, DLName: e.t.DL}},
	}
	seq, f, err := w.call(ctx, p)
	r2 := judge(sent, f, err, seq, pdu.CmdSubmitMultiResp, e.t.Timeout, pdu.StatusOK)
	if r2.Outcome != Pass {
		return r2
	}
	if resp, ok := f.p.(*pdu.SubmitMultiResp); !ok || len(resp.UnsuccessSMEs) > 0 || resp.MessageID == "" {
		return fail(sent, r2.Received, "a message_id and no unsuccess_sme")
	}
	return r2
}

func checkQueryOwn(ctx context.Context, e *env) Result {
	sent := "submit_sm, then query_sm of its message_id"
	w, r := e.bound(ctx, pdu.BindTransmitter, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	id, r := submitID(ctx, e, w, sent, e.submit("conform query"))
	if r != nil {
		return *r
	}
	want := "query_sm_resp ESME_ROK with the message_id, a message_state 0-9 and final_date empty or 16 characters"
	q, got := query(ctx, e, w, id)
	if q == nil {
		return fail(sent, got, want)
	}
	if !dlr.SameID(q.MessageID, id) || q.MessageState > pdu.StateSkipped || (len(q.FinalDate) != 0 && len(q.FinalDate) != 16) {
		return fail(sent, got+fmt.Sprintf(" message_id=%q (submitted %q)", q.MessageID, id), want)
	}
	return pass(sent, got)
}

func checkQueryUnknown(ctx context.Context, e *env) Result {
	sent := `query_sm of message_id "999999999999"`
	w, r := e.bound(ctx, pdu.BindTransmitter, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	q := &pdu.QuerySM{MessageID: "999999999999"}
	src := e.from()
	q.SourceAddrTON, q.SourceAddrNPI, q.SourceAddr = src.TON, src.NPI, src.Addr
	seq, f, err := w.call(ctx, q)
	return judge(sent, f, err, seq, pdu.CmdQuerySMResp, e.t.Timeout, pdu.StatusInvMsgID, pdu.StatusQueryFail)
}

// hourAhead is schedule_delivery_time "one hour from now" (encoding.md §5.2).
const hourAhead = "000000010000000R"

// submitPending submits a message scheduled an hour ahead.
func submitPending(ctx context.Context, e *env, w *wire, sent string) (string, *Result) {
	p := e.submit("conform pending")
	p.ScheduleDeliveryTime = hourAhead
	return submitID(ctx, e, w, sent, p)
}

// finalAlready explains why a pending-message check cannot run: the
// message is already final, so the SMSC did not hold it.
func finalAlready(ctx context.Context, e *env, w *wire, id string) (string, bool) {
	q, _ := query(ctx, e, w, id)
	if q == nil || !q.MessageState.Final() {
		return "", false
	}
	return fmt.Sprintf("the message scheduled an hour ahead is already %s (see schedule.pending)", stateName(q.MessageState)), true
}

func checkSchedulePending(ctx context.Context, e *env) Result {
	sent := fmt.Sprintf("submit_sm schedule_delivery_time %q, then query_sm", hourAhead)
	w, r := e.bound(ctx, pdu.BindTransmitter, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	id, r := submitPending(ctx, e, w, sent)
	if r != nil {
		return *r
	}
	defer cancel(ctx, e, w, id) // leave nothing behind
	want := "message_state SCHEDULED or ENROUTE"
	q, got := query(ctx, e, w, id)
	if q == nil {
		return fail(sent, got, want)
	}
	if q.MessageState.Final() || q.MessageState > pdu.StateSkipped {
		return fail(sent, got, want)
	}
	return pass(sent, got)
}

func checkCancelPending(ctx context.Context, e *env) Result {
	sent := "submit_sm scheduled an hour ahead, cancel_sm, query_sm"
	w, r := e.bound(ctx, pdu.BindTransmitter, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	id, r := submitPending(ctx, e, w, sent)
	if r != nil {
		return *r
	}
	seq, f, err := cancel(ctx, e, w, id)
	r2 := judge(sent, f, err, seq, pdu.CmdCancelSMResp, e.t.Timeout, pdu.StatusOK)
	if r2.Outcome != Pass {
		if why, ok := finalAlready(ctx, e, w, id); ok {
			return skip(sent, why)
		}
		if err != nil {
			r2.Received = "cancel_sm: " + r2.Received
		}
		return r2
	}
	got := r2.Received
	q, qgot := query(ctx, e, w, id)
	if q == nil {
		return pass(sent, got+", "+qgot)
	}
	if q.MessageState != pdu.StateDeleted {
		return fail(sent, got+", "+qgot, "query_sm then reports DELETED")
	}
	return pass(sent, got+", "+qgot)
}

func checkReplacePending(ctx context.Context, e *env) Result {
	sent := "submit_sm scheduled an hour ahead, then replace_sm"
	w, r := e.bound(ctx, pdu.BindTransmitter, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	id, r := submitPending(ctx, e, w, sent)
	if r != nil {
		return *r
	}
	defer cancel(ctx, e, w, id)
	src := e.from()
	rp := &pdu.ReplaceSM{MessageID: id, SourceAddrTON: src.TON, SourceAddrNPI: src.NPI, SourceAddr: src.Addr,
		ShortMessage: []byte("conform replaced")}
	seq, f, err := w.call(ctx, rp)
	r2 := judge(sent, f, err, seq, pdu.CmdReplaceSMResp, e.t.Timeout, pdu.StatusOK)
	if r2.Outcome != Pass {
		if why, ok := finalAlready(ctx, e, w, id); ok {
			return skip(sent, why)
		}
	}
	if err != nil {
		r2.Received = "replace_sm: " + r2.Received
	}
	return r2
}

func checkUnknownID(proto pdu.PDU, want ...pdu.Status) func(context.Context, *env) Result {
	return func(ctx context.Context, e *env) Result {
		const id = "999999999999"
		src := e.from()
		var p pdu.PDU
		switch proto.(type) {
		case *pdu.CancelSM:
			p = &pdu.CancelSM{MessageID: id, SourceAddrTON: src.TON, SourceAddrNPI: src.NPI, SourceAddr: src.Addr}
		default:
			p = &pdu.ReplaceSM{MessageID: id, SourceAddrTON: src.TON, SourceAddrNPI: src.NPI, SourceAddr: src.Addr,
				ShortMessage: []byte("conform")}
		}
		sent := fmt.Sprintf("%v of message_id %q", p.CommandID(), id)
		w, r := e.bound(ctx, pdu.BindTransmitter, sent)
		if w == nil {
			return *r
		}
		defer e.release(w)
		seq, f, err := w.call(ctx, p)
		return judge(sent, f, err, seq, p.CommandID().Response(), e.t.Timeout, want...)
	}
}

func checkDataSM(ctx context.Context, e *env) Result {
	sent := fmt.Sprintf("data_sm %s -> %s with message_payload", e.t.From, e.t.To)
	w, r := e.bound(ctx, pdu.BindTransmitter, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	from, to := e.from(), e.to()
	d := &pdu.DataSM{SourceAddrTON: from.TON, SourceAddrNPI: from.NPI, SourceAddr: from.Addr,
		DestAddrTON: to.TON, DestAddrNPI: to.NPI, DestinationAddr: to.Addr}
	d.TLVs.SetMessagePayload([]byte("conform data_sm"))
	seq, f, err := w.call(ctx, d)
	r2 := judge(sent, f, err, seq, pdu.CmdDataSMResp, e.t.Timeout, pdu.StatusOK)
	if r2.Outcome != Pass {
		return r2
	}
	if resp, ok := f.p.(*pdu.DataSMResp); !ok || resp.MessageID == "" {
		return fail(sent, r2.Received, "a message_id")
	}
	return r2
}

func checkReceipt(ctx context.Context, e *env) Result {
	sent := fmt.Sprintf("submit_sm %s -> %s registered_delivery 1 on a transceiver bind", e.t.From, e.t.To)
	if !e.t.DLR {
		return skip(sent, "no --dlr given (the SMSC is not declared to send receipts for --to)")
	}
	w, r := e.bound(ctx, pdu.BindTransceiver, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	p := e.submit("conform receipt")
	p.RegisteredDelivery = pdu.RegReceiptFinal
	id, r := submitID(ctx, e, w, sent, p)
	if r != nil {
		return *r
	}
	want := "deliver_sm esm_class 0x04 from the destination to the source, text with id and stat, receipted_message_id and message_state TLVs"
	rc, f, why := awaitReceipt(ctx, e, w, id)
	if why != "" {
		return fail(sent, fmt.Sprintf("message_id=%q, %s", id, why), want)
	}
	var esm pdu.ESMClass
	var src, dst pdu.Address
	var dc pdu.DataCoding
	var msg []byte
	var tlvs pdu.TLVs
	switch p := f.p.(type) {
	case *pdu.DeliverSM:
		esm, src, dst, dc, msg, tlvs = p.ESMClass, (*pdu.SubmitSM)(p).Source(), (*pdu.SubmitSM)(p).Dest(), p.DataCoding, (*pdu.SubmitSM)(p).Message(), p.TLVs
	case *pdu.DataSM:
		esm, src, dst, dc, msg, tlvs = p.ESMClass, p.Source(), p.Dest(), p.DataCoding, p.Message(), p.TLVs
	}
	got := fmt.Sprintf("%v esm_class=0x%02x %s->%s", f.h.ID, esm, src.Addr, dst.Addr)
	var problems []string
	if esm&pdu.ESMTypeMask != pdu.ESMTypeDeliveryReceipt {
		problems = append(problems, "esm_class type is not 0x04")
	}
	if src.Addr != e.to().Addr || dst.Addr != e.from().Addr {
		problems = append(problems, "not addressed from the original destination to the original source")
	}
	text := receiptTextOf(dc, msg)
	tr, err := dlr.ParseString(text)
	switch {
	case err != nil:
		problems = append(problems, fmt.Sprintf("text %q does not parse: %v", text, err))
	case !tr.Has(dlr.FieldID) || !tr.Has(dlr.FieldStat):
		problems = append(problems, fmt.Sprintf("text %q lacks id: or stat:", text))
	case dlr.MatchID(tr.ID, id) == dlr.NoMatch:
		problems = append(problems, fmt.Sprintf("text id %q is not the message_id %q", tr.ID, id))
	default:
		got += fmt.Sprintf(" text id:%s stat:%s", tr.ID, tr.Stat)
	}
	if v, ok := tlvs.ReceiptedMessageID(); !ok {
		problems = append(problems, "no receipted_message_id TLV")
	} else if dlr.MatchID(v, id) == dlr.NoMatch {
		problems = append(problems, fmt.Sprintf("receipted_message_id %q is not %q", v, id))
	} else {
		got += fmt.Sprintf(" receipted_message_id=%q", v)
	}
	if v, ok := tlvs.MessageState(); !ok {
		problems = append(problems, "no message_state TLV")
	} else if !pdu.MessageState(v).Final() {
		problems = append(problems, "message_state "+stateName(pdu.MessageState(v))+" is not final")
	} else {
		got += " message_state=" + stateName(pdu.MessageState(v))
	}
	_ = rc
	if len(problems) > 0 {
		return fail(sent, got+": "+strings.Join(problems, "; "), want)
	}
	return pass(sent, got)
}

// receiptTextOf decodes a receipt's user data as text: GSM 7-bit for
// data_coding 0 (receipts are ASCII-range text either way), else by its
// data_coding, falling back to the raw octets.
func receiptTextOf(dc pdu.DataCoding, msg []byte) string {
	if c, ok := coding.ForDataCoding(dc); ok {
		if s, err := c.Decode(msg); err == nil {
			return s
		}
	}
	return string(msg)
}

func checkSeqEcho(ctx context.Context, e *env) Result {
	sent := "enquire_link seq 1, 0x00abcdef, 0x7fffffff; submit_sm seq 0x7fffffff"
	w, r := e.bound(ctx, pdu.BindTransceiver, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	steps := []struct {
		seq uint32
		p   pdu.PDU
	}{
		{1, &pdu.EnquireLink{}},
		{0x00abcdef, &pdu.EnquireLink{}},
		{0x7fffffff, &pdu.EnquireLink{}},
		{0x7fffffff, e.submit("conform seq")},
	}
	var got []string
	want := "each response with its request's sequence_number"
	for _, s := range steps {
		if err := w.sendSeq(s.seq, pdu.StatusOK, s.p); err != nil {
			return fail(sent, "write failed: "+err.Error(), want)
		}
		f, _, err := w.reply(ctx)
		if err != nil {
			return fail(sent, strings.Join(append(got, describeErr(err, e.t.Timeout)), ", "), want)
		}
		got = append(got, fmt.Sprintf("%v 0x%x", f.h.ID, f.h.Seq))
		if f.h.Seq != s.seq || f.h.ID != s.p.CommandID().Response() {
			return fail(sent, strings.Join(got, ", ")+fmt.Sprintf(" (sent %v 0x%x)", s.p.CommandID(), s.seq), want)
		}
	}
	return pass(sent, strings.Join(got, ", "))
}

func checkWindow(ctx context.Context, e *env) Result {
	const n = 10
	sent := fmt.Sprintf("%d submit_sm in one write, without waiting", n)
	w, r := e.bound(ctx, pdu.BindTransmitter, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	var b []byte
	first := w.nextSeq()
	for i := 0; i < n; i++ {
		if i > 0 {
			w.nextSeq()
		}
		rs := newRawSubmit(e.from(), e.to(), fmt.Sprintf("conform window %d", i+1))
		b = append(b, rs.frame(first+uint32(i))...)
	}
	want := fmt.Sprintf("%d submit_sm_resp ESME_ROK, one per sequence_number", n)
	if err := w.writeRaw(b); err != nil {
		return fail(sent, "write failed: "+err.Error(), want)
	}
	seen := map[uint32]bool{}
	var order []uint32
	start := time.Now()
	for len(seen) < n {
		f, _, err := w.reply(ctx)
		if err != nil {
			return fail(sent, fmt.Sprintf("%d of %d answered, then %s", len(seen), n, describeErr(err, e.t.Timeout)), want)
		}
		got := describe(f) + fmt.Sprintf(" seq=%d", f.h.Seq)
		switch {
		case f.h.Seq < first || f.h.Seq >= first+n:
			return fail(sent, fmt.Sprintf("after %d answers: %s (not one of %d-%d)", len(seen), got, first, first+n-1), want)
		case seen[f.h.Seq]:
			return fail(sent, fmt.Sprintf("after %d answers: %s again", len(seen), got), want)
		case f.h.ID != pdu.CmdSubmitSMResp || f.h.Status != pdu.StatusOK:
			return fail(sent, fmt.Sprintf("after %d answers: %s", len(seen), got), want)
		}
		seen[f.h.Seq] = true
		order = append(order, f.h.Seq)
	}
	inOrder := true
	for i, s := range order {
		if s != first+uint32(i) {
			inOrder = false
		}
	}
	how := "in order"
	if !inOrder {
		how = "out of order"
	}
	return pass(sent, fmt.Sprintf("%d submit_sm_resp ESME_ROK %s in %v", n, how, round(time.Since(start))))
}

func checkUnbind(ctx context.Context, e *env) Result {
	sent := "unbind on a transceiver bind"
	w, r := e.bound(ctx, pdu.BindTransceiver, sent)
	if w == nil {
		return *r
	}
	defer w.Close()
	w.bound.Store(false)
	seq, f, err := w.call(ctx, &pdu.Unbind{})
	r2 := judge(sent, f, err, seq, pdu.CmdUnbindResp, e.t.Timeout, pdu.StatusOK)
	if r2.Outcome != Pass {
		return r2
	}
	closed, more := w.waitClosed(ctx)
	got := r2.Received
	for _, m := range more {
		got += ", " + describe(m)
	}
	if !closed {
		return fail(sent, got+", connection still open after "+round(e.t.Timeout).String(), "the MC closes the connection after unbind_resp")
	}
	return pass(sent, got+", then closed")
}
