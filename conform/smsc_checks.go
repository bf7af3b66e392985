package conform

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// smscChecks are the checks Run performs, in order. Sections cite the
// project's SMPP reference, shared/spec/*.md.
var smscChecks = []Check{
	sc("bind.transmitter", "pdus.md §6.2", "bind_transmitter (v3.4) is accepted: ESME_ROK, same sequence_number, the MC's system_id, sc_interface_version >= 0x34", checkBind(pdu.BindTransmitter)),
	sc("bind.receiver", "pdus.md §6.2", "bind_receiver (v3.4) is accepted likewise", checkBind(pdu.BindReceiver)),
	sc("bind.transceiver", "pdus.md §6.2", "bind_transceiver (v3.4) is accepted likewise", checkBind(pdu.BindTransceiver)),
	sc("bind.v33", "pdus.md §6.2", "a v3.3 bind (interface_version 0x33) gets a response without TLVs", checkBindV33),
	sc("bind.bad-password", "session.md §3", "a wrong password is refused with ESME_RINVPASWD or ESME_RBINDFAIL", checkBadPassword),
	sc("bind.unknown-system-id", "session.md §3", "an unknown system_id is refused (ESME_RINVSYSID, ESME_RBINDFAIL or ESME_RINVPASWD)", checkUnknownSystemID),
	sc("state.enquire-link-open", "session.md §2.2", "enquire_link before any bind is answered with enquire_link_resp ESME_ROK", checkEnquireLinkOpen),
	sc("state.submit-open", "session.md §2.3", "submit_sm before any bind is answered with submit_sm_resp ESME_RINVBNDSTS", checkSubmitOpen),
	sc("state.submit-receiver", "session.md §2.3", "submit_sm on a receiver bind is answered with ESME_RINVBNDSTS", checkSubmitReceiver),
	sc("state.deliver-from-esme", "session.md §2.3", "deliver_sm sent by the ESME is answered with deliver_sm_resp ESME_RINVBNDSTS", checkDeliverFromESME),
	sc("state.second-bind", "session.md §1.1", "a second bind on a bound session is answered with ESME_RALYBND", checkSecondBind),
	sc("link.enquire-link", "pdus.md §6.4", "enquire_link on a bound session is answered with enquire_link_resp ESME_ROK", checkEnquireLink),
	sc("nack.unknown-command", "pdus.md §4", "an unknown command_id is answered with generic_nack ESME_RINVCMDID and the same sequence_number", checkUnknownCommand(true)),
	sc("nack.unknown-command-open", "session.md §2.3", "an unknown command_id before bind is answered with generic_nack ESME_RINVCMDID", checkUnknownCommand(false)),
	sc("nack.no-nack-loop", "pdus.md §4", "a generic_nack from the ESME is never answered with a generic_nack", checkNoNackLoop),
	sc("framing.length-15", "pdus.md §4", "command_length 15 (below the header) gets generic_nack ESME_RINVCMDLEN or a clean close", checkLength15),
	sc("framing.length-beyond-data", "pdus.md §4", "a command_length beyond the octets sent, then a pause, gets an error answer or a close, never acceptance, and the link stays in step", checkLengthBeyondData),
	sc("framing.length-over-max", "pdus.md §2", "a command_length of 1 GiB gets generic_nack ESME_RINVCMDLEN or a clean close at once", checkLengthOverMax),
	sc("submit.basic", "pdus.md §6.6", "a valid submit_sm gets ESME_ROK and a message_id of 1-64 characters", checkSubmitBasic),
	sc("submit.service-type-long", "pdus.md §6.5", "service_type of 6 characters (max 5) gets ESME_RINVSERTYP", checkSubmitField("service_type of 6 characters", func(r *rawSubmit) { r.serviceType = "CMTXYZ" }, pdu.StatusInvServiceType)),
	sc("submit.source-addr-long", "pdus.md §6.5", "source_addr of 21 characters (max 20) gets ESME_RINVSRCADR", checkSubmitField("source_addr of 21 digits", func(r *rawSubmit) { r.srcTON, r.srcNPI, r.source = 1, 1, strings.Repeat("1", 21) }, pdu.StatusInvSrcAddr)),
	sc("submit.dest-addr-long", "pdus.md §6.5", "destination_addr of 21 characters (max 20) gets ESME_RINVDSTADR", checkSubmitField("destination_addr of 21 digits", func(r *rawSubmit) { r.dest = strings.Repeat("1", 21) }, pdu.StatusInvDstAddr)),
	sc("submit.dest-addr-empty", "status.md §1", "an empty destination_addr gets ESME_RINVDSTADR", checkSubmitField("empty destination_addr", func(r *rawSubmit) { r.dstTON, r.dstNPI, r.dest = 0, 0, "" }, pdu.StatusInvDstAddr)),
	sc("submit.schedule-long", "encoding.md §5", "schedule_delivery_time of 17 characters gets ESME_RINVSCHED", checkSubmitField(`schedule_delivery_time "2401311530000004+0" (17 characters)`, func(r *rawSubmit) { r.sched = "2401311530000004+0" }, pdu.StatusInvSched)),
	sc("submit.schedule-format", "encoding.md §5", "a malformed schedule_delivery_time of 16 characters gets ESME_RINVSCHED", checkSubmitField(`schedule_delivery_time "24013115300000XQ"`, func(r *rawSubmit) { r.sched = "24013115300000XQ" }, pdu.StatusInvSched)),
	sc("submit.validity-long", "encoding.md §5", "validity_period of 17 characters gets ESME_RINVEXPIRY", checkSubmitField(`validity_period "0000010000000000R" (17 characters)`, func(r *rawSubmit) { r.valid = "0000010000000000R" }, pdu.StatusInvExpiry)),
	sc("submit.validity-format", "encoding.md §5", "a malformed validity_period of 16 characters gets ESME_RINVEXPIRY", checkSubmitField(`validity_period "ZZ0001000000000R"`, func(r *rawSubmit) { r.valid = "ZZ0001000000000R" }, pdu.StatusInvExpiry)),
	sc("submit.sm-length-overrun", "encoding.md §11.1", "sm_length larger than the octets that follow gets ESME_RINVMSGLEN", checkSubmitField("sm_length 100 with 7 octets of short_message", func(r *rawSubmit) { r.smLen = 100 }, pdu.StatusInvMsgLen)),
	sc("submit.sm-and-payload", "encoding.md §11.1", "short_message and message_payload together are refused", checkSMAndPayload),
	sc("submit.tlv-stream", "tlvs.md §1", "a TLV whose length runs past the end of the PDU gets ESME_RINVTLVSTREAM", checkSubmitField("TLV 0x1400 of length 16 with 3 octets left", func(r *rawSubmit) { r.tlvs = []byte{0x14, 0x00, 0x00, 0x10, 1, 2, 3} }, pdu.StatusInvTLVStream)),
	sc("coding.gsm7", "encoding.md §1.1", "GSM 7-bit text (data_coding 0) is accepted (with --dlr: and receipted)", checkCoding(pdu.CodingDefault)),
	sc("coding.ucs2", "encoding.md §10", "UCS2 text (data_coding 8) is accepted (with --dlr: and receipted)", checkCoding(pdu.CodingUCS2)),
	sc("coding.binary", "encoding.md §1.1", "8-bit binary data (data_coding 4) is accepted (with --dlr: and receipted)", checkCoding(pdu.CodingBinary)),
	sc("multi.unknown-dl", "pdus.md §6.8", "submit_multi to an SME and an unknown distribution list lists the list in unsuccess_sme", checkMultiUnknownDL),
	sc("multi.dl", "pdus.md §6.7", "submit_multi to the distribution list of --dl is accepted with no unsuccess_sme", checkMultiDL),
	sc("query.own", "pdus.md §6.14", "query_sm of an own message returns its message_id and a valid message_state", checkQueryOwn),
	sc("query.unknown", "pdus.md §6.13", "query_sm of an unknown message_id gets ESME_RINVMSGID or ESME_RQUERYFAIL", checkQueryUnknown),
	sc("schedule.pending", "encoding.md §5.2", "a message scheduled an hour ahead is not final right after submission", checkSchedulePending),
	sc("cancel.pending", "pdus.md §6.15", "cancel_sm of a pending message succeeds and query_sm then reports DELETED", checkCancelPending),
	sc("cancel.unknown", "pdus.md §6.15", "cancel_sm of an unknown message_id gets ESME_RCANCELFAIL or ESME_RINVMSGID", checkUnknownID(&pdu.CancelSM{}, pdu.StatusCancelFail, pdu.StatusInvMsgID)),
	sc("replace.pending", "pdus.md §6.16", "replace_sm of a pending message succeeds", checkReplacePending),
	sc("replace.unknown", "pdus.md §6.16", "replace_sm of an unknown message_id gets ESME_RREPLACEFAIL or ESME_RINVMSGID", checkUnknownID(&pdu.ReplaceSM{ShortMessage: []byte("x")}, pdu.StatusReplaceFail, pdu.StatusInvMsgID)),
	sc("data.basic", "pdus.md §6.12", "data_sm with message_payload gets data_sm_resp ESME_ROK and a message_id", checkDataSM),
	sc("receipt.final", "encoding.md §8", "registered_delivery 1 brings a deliver_sm receipt: esm_class 0x04, parseable text, receipted_message_id and message_state TLVs, addressed back to the submitter", checkReceipt),
	sc("seq.echo", "pdus.md §2.2", "responses carry the request's sequence_number, up to 0x7FFFFFFF", checkSeqEcho),
	sc("window.ten", "session.md §7.1", "10 submit_sm sent at once are all answered, each sequence_number once, in any order", checkWindow),
	sc("unbind", "session.md §5", "unbind is answered with unbind_resp ESME_ROK, then the MC closes the connection", checkUnbind),
}

func isCodingCheck(id string) bool { return strings.HasPrefix(id, "coding.") }

// judge checks that f answers the request sent with seq by respID with one
// of the statuses in want.
func judge(sent string, f frame, err error, seq uint32, respID pdu.CommandID, d time.Duration, want ...pdu.Status) Result {
	wantS := fmt.Sprintf("%v %s", respID, statusList(want...))
	if err != nil {
		return fail(sent, describeErr(err, d), wantS)
	}
	got := describe(f) + seqNote(f, seq)
	if f.h.ID != respID || f.h.Seq != seq {
		return fail(sent, got, wantS+" with the same sequence_number")
	}
	for _, st := range want {
		if f.h.Status == st {
			return pass(sent, got)
		}
	}
	return fail(sent, got, wantS)
}

func checkBind(mode pdu.BindMode) func(context.Context, *env) Result {
	return func(ctx context.Context, e *env) Result {
		sent := fmt.Sprintf("%v v3.4 as %q", mode.CommandID(), e.t.SystemID)
		w, err := e.dial(ctx)
		if err != nil {
			return fail(sent, "cannot connect: "+err.Error(), "a connection")
		}
		defer e.release(w)
		seq, f, err := w.call(ctx, e.bindPDU(mode))
		r := judge(sent, f, err, seq, mode.CommandID().Response(), e.t.Timeout, pdu.StatusOK)
		if r.Outcome != Pass {
			return r
		}
		w.bound.Store(true)
		br, ok := f.p.(*pdu.BindResp)
		want := "the MC's system_id and sc_interface_version >= 0x34"
		if !ok || br.SystemID == "" {
			return fail(sent, r.Received, want)
		}
		if v, ok := br.InterfaceVersion(); !ok || v < pdu.V34 {
			return fail(sent, r.Received+" (no sc_interface_version >= 0x34)", want)
		}
		return r
	}
}

func checkBindV33(ctx context.Context, e *env) Result {
	sent := fmt.Sprintf("bind_transceiver interface_version 0x33 as %q", e.t.SystemID)
	w, err := e.dial(ctx)
	if err != nil {
		return fail(sent, "cannot connect: "+err.Error(), "a connection")
	}
	defer e.release(w)
	b := e.bindPDU(pdu.BindTransceiver)
	b.InterfaceVersion = pdu.V33
	seq, f, err := w.call(ctx, b)
	if err == nil && f.h.ID == pdu.CmdBindTransceiverResp && f.h.Seq == seq && f.h.Status != pdu.StatusOK {
		return skip(sent, "the MC refuses v3.3 binds ("+f.h.Status.String()+")")
	}
	r := judge(sent, f, err, seq, pdu.CmdBindTransceiverResp, e.t.Timeout, pdu.StatusOK)
	if r.Outcome != Pass {
		return r
	}
	w.bound.Store(true)
	if br, ok := f.p.(*pdu.BindResp); ok && len(br.TLVs) > 0 {
		return fail(sent, r.Received+fmt.Sprintf(" with %d TLV(s)", len(br.TLVs)), "no TLVs to a v3.3 ESME (pdus.md §6.2)")
	}
	return r
}

// wrongPassword returns a password that differs from pw and fits in 8
// characters.
func wrongPassword(pw string) string {
	if len(pw) < 8 {
		return pw + "x"
	}
	b := []byte(pw[:8])
	b[7] ^= 1
	if b[7] == 0 {
		b[7] = 'x'
	}
	return string(b)
}

func checkBadPassword(ctx context.Context, e *env) Result {
	sent := fmt.Sprintf("bind_transmitter as %q with a wrong password", e.t.SystemID)
	return refusedBind(ctx, e, sent, e.t.SystemID, wrongPassword(e.t.Password), pdu.StatusInvPassword, pdu.StatusBindFail)
}

func checkUnknownSystemID(ctx context.Context, e *env) Result {
	sys := "cf" + token()
	sent := fmt.Sprintf("bind_transmitter as unknown system_id %q", sys)
	r := refusedBind(ctx, e, sent, sys, e.t.Password, pdu.StatusInvSystemID, pdu.StatusBindFail, pdu.StatusInvPassword)
	if r.Outcome == Fail && e.t.AnySystemID && strings.Contains(r.Received, "ESME_ROK") {
		return skip(sent, "the SMSC accepts any system_id by design (--any-system-id)")
	}
	return r
}

func refusedBind(ctx context.Context, e *env, sent, sys, pw string, want ...pdu.Status) Result {
	w, err := e.dial(ctx)
	if err != nil {
		return fail(sent, "cannot connect: "+err.Error(), "a connection")
	}
	defer e.release(w)
	b := e.bindPDU(pdu.BindTransmitter)
	b.SystemID, b.Password = sys, pw
	seq, f, err := w.call(ctx, b)
	if err == nil && f.h.Status == pdu.StatusOK {
		w.bound.Store(true)
	}
	return judge(sent, f, err, seq, pdu.CmdBindTransmitterResp, e.t.Timeout, want...)
}

func checkEnquireLinkOpen(ctx context.Context, e *env) Result {
	sent := "enquire_link before bind"
	w, err := e.dial(ctx)
	if err != nil {
		return fail(sent, "cannot connect: "+err.Error(), "a connection")
	}
	defer w.Close()
	seq, f, err := w.call(ctx, &pdu.EnquireLink{})
	return judge(sent, f, err, seq, pdu.CmdEnquireLinkResp, e.t.Timeout, pdu.StatusOK)
}

func checkSubmitOpen(ctx context.Context, e *env) Result {
	sent := "submit_sm before bind"
	w, err := e.dial(ctx)
	if err != nil {
		return fail(sent, "cannot connect: "+err.Error(), "a connection")
	}
	defer w.Close()
	seq, f, err := w.call(ctx, e.submit("conform before bind"))
	return judge(sent, f, err, seq, pdu.CmdSubmitSMResp, e.t.Timeout, pdu.StatusInvBindStatus)
}

func checkSubmitReceiver(ctx context.Context, e *env) Result {
	sent := "submit_sm on a receiver bind"
	w, r := e.bound(ctx, pdu.BindReceiver, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	seq, f, err := w.call(ctx, e.submit("conform on rx"))
	return judge(sent, f, err, seq, pdu.CmdSubmitSMResp, e.t.Timeout, pdu.StatusInvBindStatus)
}

func checkDeliverFromESME(ctx context.Context, e *env) Result {
	sent := "deliver_sm from the ESME on a transceiver bind"
	w, r := e.bound(ctx, pdu.BindTransceiver, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	d := &pdu.DeliverSM{ShortMessage: []byte("conform")}
	d.SetSource(e.to())
	d.SetDest(e.from())
	seq, f, err := w.call(ctx, d)
	return judge(sent, f, err, seq, pdu.CmdDeliverSMResp, e.t.Timeout, pdu.StatusInvBindStatus)
}

func checkSecondBind(ctx context.Context, e *env) Result {
	sent := "bind_transmitter on a bound transceiver session"
	w, r := e.bound(ctx, pdu.BindTransceiver, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	seq, f, err := w.call(ctx, e.bindPDU(pdu.BindTransmitter))
	return judge(sent, f, err, seq, pdu.CmdBindTransmitterResp, e.t.Timeout, pdu.StatusAlreadyBound)
}

func checkEnquireLink(ctx context.Context, e *env) Result {
	sent := "enquire_link on a transceiver bind"
	w, r := e.bound(ctx, pdu.BindTransceiver, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	seq, f, err := w.call(ctx, &pdu.EnquireLink{})
	return judge(sent, f, err, seq, pdu.CmdEnquireLinkResp, e.t.Timeout, pdu.StatusOK)
}

// unknownCmd is a command_id no SMPP version defines (pdus.md §2.1).
const unknownCmd pdu.CommandID = 0x000000A0

func checkUnknownCommand(bound bool) func(context.Context, *env) Result {
	return func(ctx context.Context, e *env) Result {
		sent := fmt.Sprintf("command_id 0x%08x", uint32(unknownCmd))
		var w *wire
		if bound {
			sent += " on a transceiver bind"
			var r *Result
			if w, r = e.bound(ctx, pdu.BindTransceiver, sent); w == nil {
				return *r
			}
		} else {
			sent += " before bind"
			var err error
			if w, err = e.dial(ctx); err != nil {
				return fail(sent, "cannot connect: "+err.Error(), "a connection")
			}
		}
		defer e.release(w)
		seq := w.nextSeq() + 0x100 // not 1: an echo must be a real echo
		sent += fmt.Sprintf(" seq=%d", seq)
		if err := w.writeRaw(rawFrame(0, unknownCmd, pdu.StatusOK, seq, nil)); err != nil {
			return fail(sent, "write failed: "+err.Error(), "generic_nack ESME_RINVCMDID")
		}
		f, _, err := w.reply(ctx)
		r := judge(sent, f, err, seq, pdu.CmdGenericNACK, e.t.Timeout, pdu.StatusInvCmdID)
		if err == nil && r.Outcome == Pass {
			r.Received += fmt.Sprintf(" seq=%d", f.h.Seq)
		}
		return r
	}
}

func checkNoNackLoop(ctx context.Context, e *env) Result {
	sent := "generic_nack ESME_RINVCMDID, then enquire_link"
	w, r := e.bound(ctx, pdu.BindTransceiver, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	nseq := w.nextSeq() + 0x200
	if err := w.sendSeq(nseq, pdu.StatusInvCmdID, &pdu.GenericNACK{}); err != nil {
		return fail(sent, "write failed: "+err.Error(), "no answer to the generic_nack")
	}
	eseq, err := w.send(&pdu.EnquireLink{})
	if err != nil {
		return fail(sent, "write failed: "+err.Error(), "no answer to the generic_nack")
	}
	want := "only the enquire_link_resp: never a generic_nack for a generic_nack"
	var got []string
	gotResp := false
	// After the enquire_link_resp, listen a little longer for a late nack.
	lctx := ctx
	for {
		f, err := w.next(lctx)
		if err != nil {
			if gotResp && err == errTimeout {
				break
			}
			return fail(sent, strings.Join(append(got, describeErr(err, e.t.Timeout)), ", "), want)
		}
		got = append(got, describe(f)+fmt.Sprintf(" seq=%d", f.h.Seq))
		switch {
		case f.h.ID == pdu.CmdGenericNACK:
			return fail(sent, strings.Join(got, ", "), want)
		case f.h.ID == pdu.CmdEnquireLinkResp && f.h.Seq == eseq && !gotResp:
			gotResp = true
			var cancel context.CancelFunc
			lctx, cancel = context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
		}
	}
	return pass(sent, strings.Join(got, ", ")+", nothing else")
}

// closeOrNack judges the answer to a frame whose command_length is
// invalid: generic_nack ESME_RINVCMDLEN (with seq or 0), or a close.
func closeOrNack(ctx context.Context, w *wire, sent string, seq uint32, d time.Duration) Result {
	want := "generic_nack ESME_RINVCMDLEN or a close"
	f, _, err := w.reply(ctx)
	if err != nil {
		if isClosed(err) {
			return pass(sent, err.Error()+" (no generic_nack)")
		}
		return fail(sent, describeErr(err, d), want)
	}
	got := describe(f) + fmt.Sprintf(" seq=%d", f.h.Seq)
	if f.h.ID != pdu.CmdGenericNACK || f.h.Status != pdu.StatusInvCmdLen || (f.h.Seq != seq && f.h.Seq != 0) {
		return fail(sent, got, want)
	}
	cctx, cancel := context.WithTimeout(ctx, d/2)
	defer cancel()
	if closed, _ := w.waitClosed(cctx); closed {
		got += ", then closed"
	} else {
		got += ", connection kept open"
	}
	return pass(sent, got)
}

func checkLength15(ctx context.Context, e *env) Result {
	w, r := e.bound(ctx, pdu.BindTransceiver, "command_length 15")
	if w == nil {
		return *r
	}
	defer w.Close()
	seq := w.nextSeq()
	sent := fmt.Sprintf("enquire_link header with command_length 15 seq=%d", seq)
	if err := w.writeRaw(rawFrame(15, pdu.CmdEnquireLink, pdu.StatusOK, seq, nil)); err != nil {
		return fail(sent, "write failed: "+err.Error(), "generic_nack ESME_RINVCMDLEN or a close")
	}
	return closeOrNack(ctx, w, sent, seq, e.t.Timeout)
}

func checkLengthOverMax(ctx context.Context, e *env) Result {
	w, r := e.bound(ctx, pdu.BindTransceiver, "command_length 1 GiB")
	if w == nil {
		return *r
	}
	defer w.Close()
	seq := w.nextSeq()
	sent := fmt.Sprintf("submit_sm header with command_length 0x40000000 and no body seq=%d", seq)
	if err := w.writeRaw(rawFrame(0x40000000, pdu.CmdSubmitSM, pdu.StatusOK, seq, nil)); err != nil {
		return fail(sent, "write failed: "+err.Error(), "generic_nack ESME_RINVCMDLEN or a close")
	}
	return closeOrNack(ctx, w, sent, seq, e.t.Timeout)
}

func checkLengthBeyondData(ctx context.Context, e *env) Result {
	sent := "submit_sm with command_length 16 beyond its octets"
	w, r := e.bound(ctx, pdu.BindTransceiver, sent)
	if w == nil {
		return *r
	}
	defer w.Close()
	seq := w.nextSeq()
	b := newRawSubmit(e.from(), e.to(), "conform short frame").frame(seq)
	b[0], b[1], b[2], b[3] = byte((len(b)+16)>>24), byte((len(b)+16)>>16), byte((len(b)+16)>>8), byte(len(b)+16)
	sent = fmt.Sprintf("submit_sm seq=%d with command_length %d but %d octets, pause %v, then 16 octets 0xff", seq, len(b)+16, len(b), round(e.t.Pause))
	want := "generic_nack ESME_RINVCMDLEN, an error response or a close; never ESME_ROK; then enquire_link answered"
	if err := w.writeRaw(b); err != nil {
		return fail(sent, "write failed: "+err.Error(), want)
	}
	// During the pause the MC may time the frame out.
	pctx, cancel := context.WithTimeout(ctx, e.t.Pause)
	f, _, err := w.reply(pctx)
	cancel()
	switch {
	case err == nil:
		got := "during the pause: " + describe(f) + fmt.Sprintf(" seq=%d", f.h.Seq)
		if f.h.ID == pdu.CmdGenericNACK && f.h.Status == pdu.StatusInvCmdLen {
			return pass(sent, got)
		}
		return fail(sent, got, want)
	case isClosed(err):
		return pass(sent, "during the pause: "+err.Error())
	case ctx.Err() != nil:
		return fail(sent, "interrupted", want)
	}
	// The rest arrives: the frame is now complete but its tail is garbage.
	if err := w.writeRaw(bytesOf(0xff, 16)); err != nil {
		if isClosed(err) || w.closed() {
			return pass(sent, "connection closed during the pause")
		}
		return fail(sent, "write failed: "+err.Error(), want)
	}
	f, _, err = w.reply(ctx)
	if err != nil {
		if isClosed(err) {
			return pass(sent, "after the rest: "+err.Error())
		}
		return fail(sent, "after the rest: "+describeErr(err, e.t.Timeout), want)
	}
	got := "after the rest: " + describe(f) + fmt.Sprintf(" seq=%d", f.h.Seq)
	switch {
	case f.h.ID == pdu.CmdGenericNACK && f.h.Status == pdu.StatusInvCmdLen:
	case f.h.ID == pdu.CmdSubmitSMResp && f.h.Seq == seq && f.h.Status != pdu.StatusOK:
	case f.h.ID == pdu.CmdGenericNACK && f.h.Status != pdu.StatusOK:
	default:
		return fail(sent, got, want)
	}
	// Is the link still in step?
	eseq, f2, err := w.call(ctx, &pdu.EnquireLink{})
	switch {
	case err != nil && isClosed(err):
		return pass(sent, got+", then "+err.Error())
	case err != nil:
		return fail(sent, got+", then enquire_link: "+describeErr(err, e.t.Timeout), want)
	case f2.h.ID != pdu.CmdEnquireLinkResp || f2.h.Seq != eseq:
		return fail(sent, got+", then enquire_link: "+describe(f2)+seqNote(f2, eseq), want)
	}
	return pass(sent, got+", then enquire_link answered")
}

func bytesOf(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

func checkSubmitBasic(ctx context.Context, e *env) Result {
	sent := fmt.Sprintf("submit_sm %s -> %s", e.t.From, e.t.To)
	w, r := e.bound(ctx, pdu.BindTransmitter, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	seq, f, err := w.call(ctx, e.submit("conform submit"))
	res := judge(sent, f, err, seq, pdu.CmdSubmitSMResp, e.t.Timeout, pdu.StatusOK)
	if res.Outcome != Pass {
		return res
	}
	if p, ok := f.p.(*pdu.SubmitSMResp); !ok || p.MessageID == "" || len(p.MessageID) > 64 {
		return fail(sent, res.Received, "a message_id of 1-64 characters")
	}
	return res
}

func checkSubmitField(what string, mutate func(*rawSubmit), want ...pdu.Status) func(context.Context, *env) Result {
	return func(ctx context.Context, e *env) Result {
		sent := "submit_sm with " + what
		w, r := e.bound(ctx, pdu.BindTransmitter, sent)
		if w == nil {
			return *r
		}
		defer e.release(w)
		rs := newRawSubmit(e.from(), e.to(), "conform field")
		mutate(rs)
		seq := w.nextSeq()
		if err := w.writeRaw(rs.frame(seq)); err != nil {
			return fail(sent, "write failed: "+err.Error(), "submit_sm_resp "+statusList(want...))
		}
		f, _, err := w.reply(ctx)
		return judge(sent, f, err, seq, pdu.CmdSubmitSMResp, e.t.Timeout, want...)
	}
}

func checkSMAndPayload(ctx context.Context, e *env) Result {
	sent := "submit_sm with short_message and message_payload"
	w, r := e.bound(ctx, pdu.BindTransmitter, sent)
	if w == nil {
		return *r
	}
	defer e.release(w)
	p := e.submit("conform short")
	p.TLVs.SetMessagePayload([]byte("conform payload"))
	seq, f, err := w.call(ctx, p)
	want := "submit_sm_resp with an error status (e.g. ESME_RINVMSGLEN)"
	if err != nil {
		return fail(sent, describeErr(err, e.t.Timeout), want)
	}
	got := describe(f) + seqNote(f, seq)
	if f.h.ID != pdu.CmdSubmitSMResp || f.h.Seq != seq || f.h.Status == pdu.StatusOK {
		return fail(sent, got, want)
	}
	return pass(sent, got)
}
