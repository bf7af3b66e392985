package smpptest

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// Step is one action of a [Script]: read and check a PDU, write one, wait.
// A step that fails returns an error describing what the peer got instead.
type Step interface {
	Step(p *Peer) error
}

// StepFunc adapts a function to a Step, for checks the predefined steps do
// not cover.
type StepFunc func(p *Peer) error

// Step calls f.
func (f StepFunc) Step(p *Peer) error { return f(p) }

// Script is a sequence of steps played in order by a Peer, like pgx's
// pgmock: the test describes the conversation it expects from the code under
// test, and the script fails at the first deviation.
type Script struct {
	Steps []Step
}

// Run plays the steps in order on p and returns the first failure, wrapped
// with the step's position and description.
func (s *Script) Run(p *Peer) error {
	for i, st := range s.Steps {
		if err := st.Step(p); err != nil {
			return fmt.Errorf("smpptest: script step %d of %d (%v): %w", i+1, len(s.Steps), describe(st), err)
		}
	}
	return nil
}

func describe(st Step) string {
	if s, ok := st.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", st)
}

type expectStep struct {
	ids    []pdu.CommandID // any of them
	status *pdu.Status     // nil: any
	want   []byte          // encoded body to compare, nil: any
}

func (e expectStep) String() string {
	s := "expect " + e.ids[0].String()
	for _, id := range e.ids[1:] {
		s += "|" + id.String()
	}
	if e.status != nil {
		s += " " + e.status.String()
	}
	return s
}

func (e expectStep) Step(p *Peer) error {
	h, m, err := p.ReadPDU()
	if err != nil {
		if h.ID != 0 {
			return fmt.Errorf("got undecodable %v seq %d: %w", h.ID, h.Seq, err)
		}
		return fmt.Errorf("got no PDU: %w", err)
	}
	match := false
	for _, id := range e.ids {
		match = match || h.ID == id
	}
	if !match {
		return fmt.Errorf("got %v (status %v, seq %d)", h.ID, h.Status.String(), h.Seq)
	}
	if e.status != nil && h.Status != *e.status {
		return fmt.Errorf("got %v seq %d with status %v", h.ID, h.Seq, h.Status.String())
	}
	if e.want != nil {
		got, err := pdu.Marshal(0, h.Status, m)
		if err != nil {
			return fmt.Errorf("re-encoding the received %v: %w", h.ID, err)
		}
		if !bytes.Equal(got[pdu.HeaderLen:], e.want) {
			return fmt.Errorf("got %v body %x, want %x", h.ID, got[pdu.HeaderLen:], e.want)
		}
	}
	return nil
}

// Expect reads the next PDU and checks its command_id. Its header is
// remembered for [Reply].
func Expect(id pdu.CommandID) Step { return expectStep{ids: []pdu.CommandID{id}} }

// ExpectStatus reads the next PDU and checks its command_id and
// command_status (for responses and generic_nack).
func ExpectStatus(id pdu.CommandID, status pdu.Status) Step {
	return expectStep{ids: []pdu.CommandID{id}, status: &status}
}

// ExpectPDU reads the next PDU and checks that it is want, with status 0:
// same command_id and the same encoded body (field by field, TLVs in
// order). The sequence number is not checked.
func ExpectPDU(want pdu.PDU) Step {
	b, err := pdu.Marshal(0, pdu.StatusOK, want)
	if err != nil {
		return StepFunc(func(*Peer) error { return fmt.Errorf("cannot encode the expected PDU: %w", err) })
	}
	ok := pdu.StatusOK
	return expectStep{ids: []pdu.CommandID{want.CommandID()}, status: &ok, want: b[pdu.HeaderLen:]}
}

type replyStep struct {
	status pdu.Status
	resp   pdu.PDU
}

func (r replyStep) String() string {
	if r.resp == nil {
		return "reply " + r.status.String()
	}
	return "reply " + r.resp.CommandID().String() + " " + r.status.String()
}

func (r replyStep) Step(p *Peer) error {
	h, ok := p.Last()
	if !ok {
		return errors.New("no request was read to reply to")
	}
	resp := r.resp
	if resp == nil {
		rid := h.ID.Response()
		if rid == 0 {
			return fmt.Errorf("%v has no response PDU", h.ID)
		}
		resp, _ = pdu.New(rid)
	}
	return p.WritePDU(h.Seq, r.status, resp)
}

// Reply answers the last PDU read (by Expect, ExpectStatus, ExpectPDU or
// ReadPDU) with resp, carrying its sequence number and the given status. A
// nil resp sends the zero response of that request; resp may also be a
// *pdu.GenericNACK or a response of the wrong command, to test how the peer
// copes.
func Reply(status pdu.Status, resp pdu.PDU) Step { return replyStep{status, resp} }

type sendStep struct {
	seq uint32
	p   pdu.PDU
}

func (s sendStep) String() string { return fmt.Sprintf("send %v seq %d", s.p.CommandID(), s.seq) }

func (s sendStep) Step(p *Peer) error { return p.WritePDU(s.seq, pdu.StatusOK, s.p) }

// Send writes m with sequence number seq and status 0: a request of the
// peer's own, or a response to a sequence number of the test's choosing
// (duplicate, unknown, out of order).
func Send(seq uint32, m pdu.PDU) Step { return sendStep{seq, m} }

type rawStep []byte

func (r rawStep) String() string { return fmt.Sprintf("send %d raw bytes", len(r)) }

func (r rawStep) Step(p *Peer) error { return p.WriteRaw(r) }

// SendRaw writes b as is: garbage, a frame with a bad command_length, a
// truncated or hand-made malformed PDU.
func SendRaw(b []byte) Step { return rawStep(b) }

type silenceStep struct {
	d         time.Duration
	keepalive bool
}

func (s silenceStep) String() string {
	if s.keepalive {
		return "keep alive for " + s.d.String()
	}
	return "silence for " + s.d.String()
}

func (s silenceStep) Step(p *Peer) error {
	deadline := time.Now().Add(s.d)
	for {
		h, _, err := p.readPDU(deadline)
		switch {
		case err == nil:
		case isTimeout(err):
			return nil
		case IsClosed(err):
			return nil // the other end gave up; ExpectClosed will see it
		default:
			var de *pdu.DecodeError
			if !errors.As(err, &de) {
				return err
			}
		}
		if s.keepalive && h.ID == pdu.CmdEnquireLink {
			if err := p.WritePDU(h.Seq, pdu.StatusOK, &pdu.EnquireLinkResp{}); err != nil {
				return err
			}
		}
	}
}

// Silence plays a peer that has stopped answering for d: it keeps reading,
// so the other end's writes do not block, but discards every PDU, including
// enquire_link. It ends early, without error, when the other end closes the
// connection. Inside a testing/synctest bubble d passes on the fake clock.
func Silence(d time.Duration) Step { return silenceStep{d: d} }

// KeepAlive is Silence except that enquire_link is answered: a peer whose
// link is alive but whose application never responds.
func KeepAlive(d time.Duration) Step { return silenceStep{d: d, keepalive: true} }

type closedStep struct{}

func (closedStep) String() string { return "expect the connection to close" }

func (closedStep) Step(p *Peer) error {
	h, _, err := p.ReadPDU()
	switch {
	case err == nil:
		return fmt.Errorf("got %v (status %v, seq %d)", h.ID, h.Status.String(), h.Seq)
	case IsClosed(err):
		return nil
	}
	return fmt.Errorf("connection still open: %w", err)
}

// ExpectClosed checks that the other end closes the connection without
// sending anything more.
func ExpectClosed() Step { return closedStep{} }

type bindStep struct{ systemID string }

func (b bindStep) String() string { return "accept a bind as " + b.systemID }

func (b bindStep) Step(p *Peer) error {
	e := expectStep{ids: []pdu.CommandID{pdu.CmdBindTransmitter, pdu.CmdBindReceiver, pdu.CmdBindTransceiver}}
	if err := e.Step(p); err != nil {
		return err
	}
	h, _ := p.Last()
	resp, _ := pdu.New(h.ID.Response())
	br := resp.(*pdu.BindResp)
	br.SystemID = b.systemID
	br.TLVs.SetUint8(pdu.TagSCInterfaceVersion, pdu.V34)
	return p.WritePDU(h.Seq, pdu.StatusOK, br)
}

// AcceptBind plays an SMSC accepting any bind: it expects bind_transmitter,
// bind_receiver or bind_transceiver and answers the matching bind_*_resp
// with ESME_ROK, the given system_id and sc_interface_version 0x34.
func AcceptBind(systemID string) Step { return bindStep{systemID} }
