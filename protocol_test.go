package smpp_test

// Live checks of what each end answers to PDUs that the state table, the
// codec or the framing rejects (session.md §2.3, pdus.md §4).

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
)

// rawFrame builds a frame by hand, for PDUs the strict encoder refuses.
func rawFrame(id pdu.CommandID, seq uint32, body []byte) []byte {
	b := make([]byte, pdu.HeaderLen, pdu.HeaderLen+len(body))
	binary.BigEndian.PutUint32(b[0:], uint32(pdu.HeaderLen+len(body)))
	binary.BigEndian.PutUint32(b[4:], uint32(id))
	binary.BigEndian.PutUint32(b[12:], seq)
	return append(b, body...)
}

// rawSubmitBody is a submit_sm body with the given addresses, unchecked.
func rawSubmitBody(src, dst string) []byte {
	b := []byte{0, 0, 0} // service_type "", source_addr_ton, source_addr_npi
	b = append(append(b, src...), 0)
	b = append(b, 0, 0) // dest_addr_ton, dest_addr_npi
	b = append(append(b, dst...), 0)
	b = append(b, 0, 0, 0) // esm_class, protocol_id, priority_flag
	b = append(b, 0, 0)    // schedule_delivery_time "", validity_period ""
	b = append(b, 0, 0, 0, 0, 0)
	return b // registered_delivery … sm_length 0
}

func TestRawSubmitBodyMatchesEncoder(t *testing.T) {
	want, err := pdu.Marshal(9, pdu.StatusOK, &pdu.SubmitSM{SourceAddr: "1234", DestinationAddr: "5678"})
	if err != nil {
		t.Fatal(err)
	}
	if got := rawFrame(pdu.CmdSubmitSM, 9, rawSubmitBody("1234", "5678")); !bytes.Equal(got, want) {
		t.Fatalf("rawFrame = %x\nencoder   %x", got, want)
	}
}

// countingHandler counts calls; the state checks must stop forbidden
// requests before any handler sees them.
func countingHandler(n *atomic.Int32) smpp.Handler {
	return smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		n.Add(1)
		return smpptest.SMSCHandler().ServeSMPP(ctx, r)
	})
}

// nackOrNothing sends a PDU that has no response (outbind,
// alert_notification) where it is not allowed, then an enquire_link: the
// peer may answer generic_nack or nothing (session.md §2.3), but nothing
// else, and must stay up.
func nackOrNothing(seq uint32, m pdu.PDU) smpptest.Step {
	return smpptest.StepFunc(func(p *smpptest.Peer) error {
		if err := p.WritePDU(seq, pdu.StatusOK, m); err != nil {
			return err
		}
		if err := p.WritePDU(seq+1, pdu.StatusOK, &pdu.EnquireLink{}); err != nil {
			return err
		}
		h, _, err := p.ReadPDU()
		if err != nil {
			return err
		}
		if h.ID == pdu.CmdGenericNACK && h.Seq == seq && h.Status != pdu.StatusOK {
			h, _, err = p.ReadPDU()
			if err != nil {
				return err
			}
		}
		if h.ID != pdu.CmdEnquireLinkResp || h.Seq != seq+1 {
			return fmt.Errorf("after a misplaced %v got %v %s seq %d", m.CommandID(), h.ID, h.Status.String(), h.Seq)
		}
		return nil
	})
}

func TestServerRefusesRequestsInWrongState(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		var calls atomic.Int32
		e := newEnv(t, m, smpptest.AcceptAll(countingHandler(&calls)), nil)
		p := e.peer()
		const (
			ok    = pdu.StatusOK
			bnd   = pdu.StatusInvBindStatus
			alybd = pdu.StatusAlreadyBound
		)
		steps := []smpptest.Step{
			// OPEN: only bind and enquire_link are allowed.
			smpptest.Send(1, submit("before bind")), expectResp(pdu.CmdSubmitSMResp, bnd, 1),
			smpptest.Send(2, &pdu.DeliverSM{}), expectResp(pdu.CmdDeliverSMResp, bnd, 2),
			smpptest.Send(3, &pdu.Unbind{}), expectResp(pdu.CmdUnbindResp, bnd, 3),
			smpptest.Send(4, &pdu.QuerySM{MessageID: "1"}), expectResp(pdu.CmdQuerySMResp, bnd, 4),
			smpptest.Send(5, &pdu.EnquireLink{}), expectResp(pdu.CmdEnquireLinkResp, ok, 5),
			smpptest.Send(6, &pdu.Bind{Mode: pdu.BindReceiver, SystemID: "esme", InterfaceVersion: pdu.V34}),
			expectResp(pdu.CmdBindReceiverResp, ok, 6),
			// BOUND_RX: the ESME may not submit, and never delivers.
			smpptest.Send(7, submit("on rx")), expectResp(pdu.CmdSubmitSMResp, bnd, 7),
			smpptest.Send(8, &pdu.SubmitMulti{DestAddresses: []pdu.DestAddress{{DestFlag: pdu.DestFlagSME, DestinationAddr: "1"}}}),
			expectResp(pdu.CmdSubmitMultiResp, bnd, 8),
			smpptest.Send(9, &pdu.DataSM{DestinationAddr: "1"}), expectResp(pdu.CmdDataSMResp, bnd, 9),
			smpptest.Send(10, &pdu.DeliverSM{}), expectResp(pdu.CmdDeliverSMResp, bnd, 10),
			smpptest.Send(11, &pdu.CancelBroadcastSM{MessageID: "1"}), expectResp(pdu.CmdCancelBroadcastSMResp, bnd, 11),
			smpptest.Send(12, &pdu.ReplaceSM{MessageID: "1"}), expectResp(pdu.CmdReplaceSMResp, bnd, 12),
			// A second bind, of any mode.
			smpptest.Send(13, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "esme"}), expectResp(pdu.CmdBindTransmitterResp, alybd, 13),
			smpptest.Send(14, &pdu.Bind{Mode: pdu.BindReceiver, SystemID: "esme"}), expectResp(pdu.CmdBindReceiverResp, alybd, 14),
			// Misplaced responses and generic_nack are never answered;
			// unknown requests get generic_nack ESME_RINVCMDID.
			smpptest.Send(15, &pdu.DeliverSMResp{}),
			smpptest.Send(16, &pdu.GenericNACK{}),
			smpptest.Send(17, &pdu.Unknown{ID: 0x00000099, Body: []byte{1, 2, 3}}),
			expectResp(pdu.CmdGenericNACK, pdu.StatusInvCmdID, 17),
			smpptest.Send(18, &pdu.Unknown{ID: 0x80000099}),
			smpptest.Send(19, &pdu.EnquireLink{}), expectResp(pdu.CmdEnquireLinkResp, ok, 19),
			nackOrNothing(20, &pdu.Outbind{SystemID: "x"}),
			nackOrNothing(22, &pdu.AlertNotification{SourceAddr: "1", ESMEAddr: "2"}),
			smpptest.Send(24, &pdu.Unbind{}), expectResp(pdu.CmdUnbindResp, ok, 24),
			smpptest.ExpectClosed(),
		}
		if err := (&smpptest.Script{Steps: steps}).Run(p); err != nil {
			t.Fatal(err)
		}
		if err := recv(t, e.closed.errs, "server session close"); !errors.Is(err, smpp.ErrUnbound) {
			t.Errorf("server session Err = %v, want ErrUnbound", err)
		}
		if n := calls.Load(); n != 0 {
			t.Errorf("handler called %d times for forbidden requests", n)
		}
	})
}

func TestServerServesDataSMOnlyFromTransmitter(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		var calls atomic.Int32
		e := newEnv(t, m, smpptest.AcceptAll(countingHandler(&calls)), nil)
		p := e.peer()
		steps := []smpptest.Step{
			smpptest.Send(1, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "esme"}),
			expectResp(pdu.CmdBindTransmitterResp, pdu.StatusOK, 1),
			smpptest.Send(2, &pdu.DataSM{DestinationAddr: "1"}), expectResp(pdu.CmdDataSMResp, pdu.StatusOK, 2),
			smpptest.Send(3, &pdu.DeliverSM{}), expectResp(pdu.CmdDeliverSMResp, pdu.StatusInvBindStatus, 3),
			smpptest.Send(4, &pdu.DataSMResp{}), // a response to nothing
			smpptest.Send(5, submit("tx")), expectResp(pdu.CmdSubmitSMResp, pdu.StatusOK, 5),
		}
		if err := (&smpptest.Script{Steps: steps}).Run(p); err != nil {
			t.Fatal(err)
		}
		if n := calls.Load(); n != 2 {
			t.Errorf("handler called %d times, want 2 (data_sm, submit_sm)", n)
		}
	})
}

func TestESMERefusesRequestsInWrongState(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		client, server := connPair(t, m)
		var calls atomic.Int32
		d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter, Handler: countingHandler(&calls)}
		const bnd = pdu.StatusInvBindStatus
		checked := make(chan struct{})
		p := smpptest.NewPeer(server)
		sc := play(p,
			smpptest.Expect(pdu.CmdBindTransmitter),
			// Before the bind is answered the ESME is OPEN.
			smpptest.Send(100, &pdu.DeliverSM{}), expectResp(pdu.CmdDeliverSMResp, bnd, 100),
			smpptest.Send(101, &pdu.EnquireLink{}), expectResp(pdu.CmdEnquireLinkResp, pdu.StatusOK, 101),
			smpptest.StepFunc(func(p *smpptest.Peer) error {
				return p.WritePDU(1, pdu.StatusOK, &pdu.BindResp{Mode: pdu.BindTransmitter, SystemID: "SMSC"})
			}),
			// BOUND_TX: the MC may not deliver, send data_sm or submit.
			smpptest.Send(102, &pdu.DeliverSM{}), expectResp(pdu.CmdDeliverSMResp, bnd, 102),
			smpptest.Send(103, &pdu.DataSM{}), expectResp(pdu.CmdDataSMResp, bnd, 103),
			smpptest.Send(104, submit("from the MC")), expectResp(pdu.CmdSubmitSMResp, bnd, 104),
			smpptest.Send(105, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "x"}), expectResp(pdu.CmdBindTransmitterResp, pdu.StatusAlreadyBound, 105),
			smpptest.Send(106, &pdu.Unknown{ID: 0x00001234}), expectResp(pdu.CmdGenericNACK, pdu.StatusInvCmdID, 106),
			nackOrNothing(107, &pdu.AlertNotification{SourceAddr: "1", ESMEAddr: "2"}),
			signal(checked),
			smpptest.Expect(pdu.CmdUnbind), smpptest.Reply(pdu.StatusOK, nil),
			smpptest.ExpectClosed(),
		)
		ctx := testCtx(t)
		s, err := d.Bind(ctx, client)
		if err != nil {
			t.Fatal(err)
		}
		if s.State() != smpp.StateBoundTX || s.SystemID() != "SMSC" {
			t.Fatalf("state %v, system_id %q", s.State(), s.SystemID())
		}
		if v := s.PeerVersion(); v != pdu.V33 {
			t.Errorf("PeerVersion = %#x without sc_interface_version, want 0x33", v)
		}
		recv(t, checked, "the script's checks")
		if err := s.Unbind(ctx); err != nil {
			t.Fatalf("Unbind: %v", err)
		}
		sc.wait(t)
		if !errors.Is(s.Err(), smpp.ErrUnbound) {
			t.Errorf("Err = %v, want ErrUnbound", s.Err())
		}
		if n := calls.Load(); n != 0 {
			t.Errorf("handler called %d times for forbidden requests", n)
		}
	})
}

func TestUndecodableRequests(t *testing.T) {
	long := strings.Repeat("9", 30)
	cases := []struct {
		name   string
		frame  []byte
		id     pdu.CommandID
		status pdu.Status
	}{
		{"over-long source_addr", rawFrame(pdu.CmdSubmitSM, 7, rawSubmitBody(long, "5678")), pdu.CmdSubmitSMResp, pdu.StatusInvSrcAddr},
		{"over-long destination_addr", rawFrame(pdu.CmdSubmitSM, 7, rawSubmitBody("1234", long)), pdu.CmdSubmitSMResp, pdu.StatusInvDstAddr},
		{"unknown command_id", rawFrame(0x00000077, 7, []byte("xyz")), pdu.CmdGenericNACK, pdu.StatusInvCmdID},
		{"v3.3 query_last_msgs", rawFrame(0x00000023, 7, nil), pdu.CmdGenericNACK, pdu.StatusInvCmdID},
	}
	run(t, func(t *testing.T, m mode) {
		var calls atomic.Int32
		e := newEnv(t, m, smpptest.AcceptAll(countingHandler(&calls)), nil)
		p := e.peer()
		steps := []smpptest.Step{
			// An over-long system_id in the bind itself.
			smpptest.SendRaw(rawFrame(pdu.CmdBindTransceiver, 1, append([]byte(strings.Repeat("s", 20)+"\x00"+"pw\x00\x00"), 0x34, 0, 0, 0))),
			expectResp(pdu.CmdBindTransceiverResp, pdu.StatusInvSystemID, 1),
			smpptest.Send(2, &pdu.Bind{Mode: pdu.BindTransceiver, SystemID: "esme"}),
			expectResp(pdu.CmdBindTransceiverResp, pdu.StatusOK, 2),
		}
		for _, c := range cases {
			steps = append(steps, smpptest.SendRaw(c.frame), expectResp(c.id, c.status, 7))
		}
		// A body that ends inside a field: whatever the codec says, the
		// answer is that status, in the form pdus.md §4 prescribes.
		trunc := rawFrame(pdu.CmdSubmitSM, 8, []byte{0, 1})
		_, _, derr := pdu.Decode(trunc)
		var de *pdu.DecodeError
		if !errors.As(derr, &de) || de.Status == pdu.StatusOK {
			t.Fatalf("codec accepted a truncated submit_sm: %v", derr)
		}
		wantID := pdu.CmdSubmitSMResp
		if de.GenericNACK() {
			wantID = pdu.CmdGenericNACK
		}
		steps = append(steps,
			smpptest.SendRaw(trunc), expectResp(wantID, de.Status, 8),
			// The framing is intact: the session goes on.
			smpptest.Send(9, submit("fine")), expectResp(pdu.CmdSubmitSMResp, pdu.StatusOK, 9),
		)
		if err := (&smpptest.Script{Steps: steps}).Run(p); err != nil {
			t.Fatal(err)
		}
		if n := calls.Load(); n != 1 {
			t.Errorf("handler called %d times, want 1 (only the valid submit_sm)", n)
		}
	})
}

// badLength is a header whose command_length is out of range.
func badLength(n uint32, seq uint32) []byte {
	b := rawFrame(pdu.CmdSubmitSM, seq, nil)
	binary.BigEndian.PutUint32(b, n)
	return b
}

func TestBadCommandLength(t *testing.T) {
	cases := []struct {
		name  string
		bytes []byte
		seq   uint32 // echoed when the header was readable
	}{
		{"below header", badLength(8, 42), 42},
		{"zero", badLength(0, 43), 43},
		{"above limit", badLength(1<<20, 44), 44},
		{"HTTP request", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0x2e310d0a}, // ".1\r\n"
	}
	run(t, func(t *testing.T, m mode) {
		for _, c := range cases {
			for _, bound := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/bound=%v", c.name, bound), func(t *testing.T) {
					e := newEnv(t, m, nil, nil)
					p := e.peer()
					var steps []smpptest.Step
					if bound {
						steps = append(steps, smpptest.Send(1, &pdu.Bind{Mode: pdu.BindTransceiver, SystemID: "esme"}),
							expectResp(pdu.CmdBindTransceiverResp, pdu.StatusOK, 1))
					}
					steps = append(steps, smpptest.SendRaw(c.bytes), smpptest.StepFunc(func(p *smpptest.Peer) error {
						h, _, err := p.ReadPDU()
						if err != nil {
							return err
						}
						if h.ID != pdu.CmdGenericNACK || h.Status != pdu.StatusInvCmdLen {
							return fmt.Errorf("got %v %v, want generic_nack ESME_RINVCMDLEN", h.ID, h.Status.String())
						}
						// The header is echoed when it was read whole
						// (always over net.Pipe, where it arrives in one
						// piece); otherwise seq 0 (pdus.md §4).
						if h.Seq != c.seq && !(m != modePipe && h.Seq == 0) {
							return fmt.Errorf("generic_nack seq %d, want %d", h.Seq, c.seq)
						}
						return nil
					}), smpptest.ExpectClosed())
					if err := (&smpptest.Script{Steps: steps}).Run(p); err != nil {
						t.Fatal(err)
					}
					err := recv(t, e.closed.errs, "server session close")
					if err == nil {
						t.Fatal("server session closed without a reason")
					}
				})
			}
		}
	})
}

// After a framing error the session's Err should say so, not claim a clean
// unbind.
func TestBadCommandLengthErr(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, m, nil, nil)
		p := e.peer()
		steps := []smpptest.Step{
			smpptest.SendRaw(badLength(8, 42)),
			smpptest.Expect(pdu.CmdGenericNACK),
			smpptest.ExpectClosed(),
		}
		if err := (&smpptest.Script{Steps: steps}).Run(p); err != nil {
			t.Fatal(err)
		}
		err := recv(t, e.closed.errs, "server session close")
		var de *pdu.DecodeError
		if !errors.As(err, &de) || errors.Is(err, smpp.ErrUnbound) {
			t.Errorf("server session Err = %v (%T), want the *pdu.DecodeError (ESME_RINVCMDLEN)", err, err)
		}
	})
}
