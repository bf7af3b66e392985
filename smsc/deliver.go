package smsc

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/store"
)

// receiverSet is the RX/TRX sessions of one account on this node. While it is
// not empty the node consumes the account's message and receipt queues and
// spreads deliveries across the sessions.
type receiverSet struct {
	s  *Server
	id string

	mu       sync.Mutex
	sessions []*smpp.Session
	next     int
	mt, rc   *store.Consumer
}

func (s *Server) addReceiver(id string, sess *smpp.Session) {
	s.mu.Lock()
	rs := s.receivers[id]
	if rs == nil {
		rs = &receiverSet{s: s, id: id}
		s.receivers[id] = rs
	}
	s.mu.Unlock()
	rs.add(sess)
}

func (rs *receiverSet) add(sess *smpp.Session) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.sessions = append(rs.sessions, sess)
	if rs.mt != nil {
		return
	}
	ctx := rs.s.ctx
	var err error
	if rs.mt, err = rs.s.st.Consume(ctx, rs.id, deliverOpts, rs.deliver); err != nil {
		rs.s.log.Error("smsc: cannot consume queue", "account", rs.id, "err", err)
	}
	if rs.rc, err = rs.s.st.ConsumeReceipts(ctx, rs.id, deliverOpts, rs.deliverReceipt); err != nil {
		rs.s.log.Error("smsc: cannot consume receipts", "account", rs.id, "err", err)
	}
}

func (rs *receiverSet) remove(sess *smpp.Session) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for i, x := range rs.sessions {
		if x == sess {
			rs.sessions = append(rs.sessions[:i], rs.sessions[i+1:]...)
			break
		}
	}
	if len(rs.sessions) == 0 {
		rs.stopLocked()
	}
}

func (rs *receiverSet) stop() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.stopLocked()
}

func (rs *receiverSet) stopLocked() {
	if rs.mt != nil {
		rs.mt.Stop()
		rs.mt = nil
	}
	if rs.rc != nil {
		rs.rc.Stop()
		rs.rc = nil
	}
}

// pick returns a bound session, round robin.
func (rs *receiverSet) pick() *smpp.Session {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for range len(rs.sessions) {
		sess := rs.sessions[rs.next%len(rs.sessions)]
		rs.next++
		if sess.State().Bound() {
			return sess
		}
	}
	return nil
}

// deliver is called by the queue consumer; the delivery runs on its own
// goroutine (bounded by the consumer's MaxPending and the session windows).
func (rs *receiverSet) deliver(d *store.Delivery) {
	rs.s.workers.Add(1)
	go func() {
		defer rs.s.workers.Done()
		rs.s.deliverOne(rs, d)
	}()
}

func (s *Server) backoff(attempt int) time.Duration {
	d := time.Duration(s.cfg.Retry.Min)
	for i := 1; i < attempt && d < time.Duration(s.cfg.Retry.Max); i++ {
		d *= 2
	}
	return min(d, time.Duration(s.cfg.Retry.Max))
}

// prepare applies cancellation, expiry, schedule, replacement and the
// redelivery check. It returns the PDU to send, or nil when the delivery was
// settled here.
func (s *Server) prepare(ctx context.Context, d *store.Delivery) pdu.PDU {
	m := d.Msg
	now := s.now()
	c := s.control(m.ID)
	if c != nil && c.Cancel {
		d.Ack()
		return nil
	}
	if c != nil && len(c.Replace) > 0 {
		// replace_sm: new text, receipt request and (when given) times.
		m.PDU = c.Replace
		if c.Receipt != nil {
			m.Receipt = *c.Receipt
		}
		if !c.ScheduleAt.IsZero() {
			m.Schedule = c.ScheduleAt
		}
		if !c.ExpiresAt.IsZero() {
			m.Expires = c.ExpiresAt
		}
	}
	if now.After(m.Expires) {
		if s.finalize(ctx, m, pdu.StateExpired, 0) != nil {
			d.Retry(time.Second)
			return nil
		}
		s.stats.expired.Add(1)
		d.Ack()
		return nil
	}
	if m.Schedule.After(now) {
		d.Retry(min(m.Schedule.Sub(now), time.Minute))
		return nil
	}
	if d.Attempt > 1 || d.Seq <= s.mtHorizon.Load() || s.sharedStore() {
		// Possibly final already: delivered before a crash (a redelivery,
		// or a record from before this start, whose delivery the store may
		// not have persisted), or — when other nodes share the store —
		// cancelled on another node whose control record this node's watch
		// has not applied yet, or handed out again by an external NATS
		// server that lost its consumer's recent state. Never deliver a
		// message whose final state is stored: its outcome was stored
		// before any ack. (A single node with its own store skips this read
		// on first attempts: its cancels apply locally at once.)
		if _, err := s.st.FinalState(ctx, m.Owner, m.ID); err == nil {
			d.Ack()
			return nil
		}
	}
	raw := m.PDU
	_, p, err := pdu.Decoder{Lenient: true}.Decode(raw)
	if err != nil {
		s.log.Error("smsc: undecodable stored message; dropped", "id", m.ID, "err", err)
		d.Drop()
		return nil
	}
	switch p := p.(type) {
	case *pdu.SubmitSM:
		dsm := (*pdu.DeliverSM)(p)
		// v3.4 §4.6.1: these are unused in deliver_sm.
		dsm.ScheduleDeliveryTime, dsm.ValidityPeriod, dsm.ReplaceIfPresentFlag, dsm.SMDefaultMsgID = "", "", 0, 0
		dsm.ESMClass &^= pdu.ESMModeMask | pdu.ESMTypeMask
		dsm.RegisteredDelivery &= pdu.RegSMEAckDelivery | pdu.RegSMEAckManual
		return dsm
	case *pdu.DeliverSM, *pdu.DataSM:
		return p
	}
	s.log.Error("smsc: stored message of unexpected type; dropped", "id", m.ID)
	d.Drop()
	return nil
}

func (s *Server) deliverOne(rs *receiverSet, d *store.Delivery) {
	ctx := s.ctx
	p := s.prepare(ctx, d)
	if p == nil {
		return
	}
	sess := rs.pick()
	if sess == nil {
		d.Retry(time.Second)
		return
	}
	if sess.PeerVersion() < pdu.V34 {
		stripTLVs(p)
	}
	_, err := sess.Send(ctx, p)
	s.settle(ctx, d, err)
}

// settle records the outcome of a delivery attempt and acknowledges or
// retries it in the queue. The outcome is stored before the ack, so a
// redelivery after a crash finds it.
func (s *Server) settle(ctx context.Context, d *store.Delivery, err error) {
	m := d.Msg
	var st pdu.Status
	switch {
	case err == nil:
		if s.finalize(ctx, m, pdu.StateDelivered, 0) != nil {
			d.Retry(time.Second) // outcome not stored: settle again later
			return
		}
		s.stats.delivered.Add(1)
		d.Ack()
		if s.watching() {
			s.emit(Event{Type: "delivered", Account: m.Target, ID: m.ID, State: "DELIVERED"})
		}
	case errors.As(err, &st) && (st == pdu.StatusRxPAppn || st == pdu.StatusRxRAppn || !st.Temporary()):
		if s.finalize(ctx, m, pdu.StateUndeliverable, uint16(min(uint32(st), 0xFFFF))) != nil {
			d.Retry(time.Second)
			return
		}
		d.Ack()
		s.emit(Event{Type: "failed", Account: m.Target, ID: m.ID, State: "UNDELIVERABLE", Text: st.String()})
	default:
		if ctx.Err() != nil {
			d.Retry(0) // shutting down: hand it back at once
			return
		}
		s.stats.retries.Add(1)
		if m.Receipt&pdu.RegIntermediate != 0 && d.Attempt == 1 && m.Owner != "" {
			s.intermediate(ctx, m)
		}
		d.Retry(s.backoff(d.Attempt))
	}
}

func stripTLVs(p pdu.PDU) {
	switch p := p.(type) {
	case *pdu.DeliverSM:
		p.TLVs = nil
	case *pdu.DataSM:
		p.TLVs = nil
	}
}

// wantsReceipt applies registered_delivery bits 1-0 (encoding.md §3).
func wantsReceipt(reg uint8, state pdu.MessageState) bool {
	switch reg & pdu.RegReceiptMask {
	case pdu.RegReceiptFinal:
		return true
	case pdu.RegReceiptFailure:
		return state != pdu.StateDelivered
	case pdu.RegReceiptSuccess:
		return state == pdu.StateDelivered
	}
	return false
}

// stateOf builds the state record of m.
func (s *Server) stateOf(m *store.Message, state pdu.MessageState, errCode uint16) *store.State {
	st := &store.State{ID: m.ID, Owner: m.Owner, State: state, Err: errCode, Submitted: m.Submitted, Receipt: m.Receipt}
	if m.Group != "" {
		st.ReceiptID = m.Group
	}
	st.Gate = m.Gate
	if state.Final() {
		st.Done = s.now()
	}
	if _, p, err := m.Decode(); err == nil {
		switch p := p.(type) {
		case *pdu.SubmitSM:
			st.Source, st.Dest = p.Source(), p.Dest()
			st.Text = preview(p.DataCoding, p.ESMClass, p.Message())
			if v, ok := p.TLVs.UserMessageReference(); ok {
				st.UserRef = &v
			}
		case *pdu.DataSM:
			st.Source, st.Dest = p.Source(), p.Dest()
			st.Text = preview(p.DataCoding, p.ESMClass, p.Message())
		}
	}
	return st
}

// finalize records a final state once (and queues the receipt if the owner
// asked for one).
// Messages without an owner (MO from the network) get a state record too,
// so that a crash cannot make them be delivered twice; nobody gets their
// receipt.
//
// When the store cannot be reached it retries with back-off for up to 45 s
// (within the delivery's lease) and then returns the error: the caller must
// not acknowledge the delivery, which then comes back and is settled again.
func (s *Server) finalize(ctx context.Context, m *store.Message, state pdu.MessageState, errCode uint16) error {
	st := s.stateOf(m, state, errCode)
	// A delivery at the first attempt, without intermediate notifications,
	// can have met another outcome only through cancel_sm while the
	// deliver_sm was with the receiver: on this node its control is known
	// before its DELETED is recorded; from another node, only the store
	// knows. (cancel_sm records DELETED under the other key when the
	// receipt request differs for the two outcomes.)
	checkOther := state != pdu.StateDelivered || m.Receipt&pdu.RegIntermediate != 0 ||
		s.control(m.ID) != nil || s.sharedStore()
	receipt := m.Owner != "" && wantsReceipt(m.Receipt, state)
	deadline := time.Now().Add(45 * time.Second)
	delay := 50 * time.Millisecond
	for {
		_, err := s.st.Finalize(ctx, st, receipt, checkOther)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || time.Now().Add(delay).After(deadline) {
			s.log.Error("smsc: cannot record final state; the delivery will be settled again", "id", st.ID, "err", err)
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// intermediate queues an ENROUTE intermediate notification (registered
// delivery bit 4).
func (s *Server) intermediate(ctx context.Context, m *store.Message) {
	st := s.stateOf(m, pdu.StateEnroute, 0)
	if err := s.st.PutIntermediate(ctx, st); err != nil {
		s.log.Error("smsc: cannot record intermediate state", "id", st.ID, "err", err)
	}
}

// preview returns up to 20 characters of the text for the receipt.
func preview(dc pdu.DataCoding, esm pdu.ESMClass, ud []byte) string {
	if esm&pdu.ESMUDHI != 0 && len(ud) > 0 && int(ud[0])+1 <= len(ud) {
		ud = ud[int(ud[0])+1:]
	}
	c, ok := coding.ForDataCoding(dc)
	if !ok {
		return ""
	}
	text, err := c.Decode(ud)
	if err != nil {
		return ""
	}
	r := []rune(text)
	if len(r) > dlr.DefaultTextLen {
		r = r[:dlr.DefaultTextLen]
	}
	return string(r)
}

func (rs *receiverSet) deliverReceipt(r *store.Receipt) {
	rs.s.workers.Add(1)
	go func() {
		defer rs.s.workers.Done()
		rs.s.deliverReceiptOne(rs, r)
	}()
}

func (s *Server) deliverReceiptOne(rs *receiverSet, r *store.Receipt) {
	ctx := s.ctx
	st := r.State
	marker := receiptMarker(st.ID, st.State)
	if r.Attempt > 1 || r.Seq <= s.stHorizon.Load() {
		if done, err := s.st.ReceiptDelivered(ctx, marker); err == nil && done {
			r.Ack()
			return
		}
	}
	// Not before the submitter has the message_id, and one receipt of a
	// message at a time.
	s.waitGate(ctx, st.Gate)
	unlock := s.lockReceipts(st.ID)
	defer unlock()
	if !st.State.Final() {
		// An intermediate notification goes once: the final receipt sends
		// it first when it is handled first (intermediateFirst).
		if done, err := s.st.ReceiptDelivered(ctx, marker); err == nil && done {
			r.Ack()
			return
		}
	}
	sess := rs.pick()
	if sess == nil {
		r.Retry(time.Second)
		return
	}
	err := s.intermediateFirst(ctx, rs, sess, st)
	if err == nil {
		err = s.sendReceipt(ctx, rs, sess, st, marker)
	}
	if err == nil {
		r.Ack()
		return
	}
	var status pdu.Status
	if errors.As(err, &status) && !status.Temporary() {
		s.log.Warn("smsc: receipt refused by the ESME; dropped", "account", rs.id, "id", st.ID, "status", status.String())
		r.Ack()
		return
	}
	if ctx.Err() != nil {
		r.Retry(0)
		return
	}
	r.Retry(s.backoff(r.Attempt))
}

// receiptMarker names the record that says a receipt of the message in
// that state was delivered.
func receiptMarker(id string, state pdu.MessageState) string {
	return id + "." + strconv.Itoa(int(state))
}

// intermediateFirst sends, before the final receipt of a message that asked
// for intermediate notifications, its ENROUTE notification when that is
// stored and not delivered yet: an ESME must never get it after the final
// receipt, and the final outcome may be recorded before the notification's
// own turn comes. A refusal by the ESME is not retried.
func (s *Server) intermediateFirst(ctx context.Context, rs *receiverSet, sess *smpp.Session, st *store.State) error {
	if !st.State.Final() || st.Receipt&pdu.RegIntermediate == 0 {
		return nil
	}
	marker := receiptMarker(st.ID, pdu.StateEnroute)
	if done, err := s.st.ReceiptDelivered(ctx, marker); err != nil || done {
		return nil
	}
	ist, err := s.st.IntermediateState(ctx, st.Owner, st.ID)
	if err != nil {
		return nil // none was stored
	}
	err = s.sendReceipt(ctx, rs, sess, ist, marker)
	var status pdu.Status
	if errors.As(err, &status) && !status.Temporary() {
		return nil
	}
	return err
}

// sendReceipt sends the receipt (or intermediate notification) of st on
// sess and records its delivery under marker.
func (s *Server) sendReceipt(ctx context.Context, rs *receiverSet, sess *smpp.Session, st *store.State, marker string) error {
	rid := st.ID
	if st.ReceiptID != "" {
		rid = st.ReceiptID
	}
	rc := dlr.New(rid, st.State, st.Submitted, st.Done)
	rc.Sub = 1
	if st.State == pdu.StateDelivered {
		rc.Dlvrd = 1
	}
	rc.Err = pad3(st.Err)
	rc.Text = st.Text
	rc.Intermediate = !st.State.Final()
	if st.Err != 0 {
		rc.NetworkError = dlr.NetworkError{Type: 3, Code: st.Err}
	}
	v34 := sess.PeerVersion() >= pdu.V34
	dsm := rc.DeliverSM(st.Source, st.Dest, dlr.BuildOptions{TLVs: v34})
	if st.UserRef != nil && v34 {
		dsm.TLVs.SetUserMessageReference(*st.UserRef)
	}
	if _, err := sess.Send(ctx, dsm); err != nil {
		return err
	}
	s.stats.receipts.Add(1)
	if s.watching() {
		s.emit(Event{Type: "receipt", Account: rs.id, ID: rid, State: st.State.String(), From: st.Dest.Addr, To: st.Source.Addr})
	}
	if err := s.st.MarkReceiptDelivered(ctx, marker); err != nil {
		s.log.Error("smsc: cannot record receipt delivery", "id", st.ID, "err", err)
	}
	return nil
}

func pad3(n uint16) string {
	s := strconv.Itoa(int(n))
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}
