package smsc

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/store"
)

// bind authenticates a bind (smpp.Binder). Failures are counted per IP and
// per system_id, slowed, then locked out (LockoutPolicy). Passwords are never
// logged.
func (s *Server) bind(ctx context.Context, sess *smpp.Session, req *pdu.Bind) (smpp.Handler, error) {
	ip := "ip:" + ipOf(sess.RemoteAddr())
	idKey := "id:" + req.SystemID
	log := s.log.With("system_id", req.SystemID, "remote", sess.RemoteAddr().String(), "mode", req.Mode.String())
	// Attempts are admitted one failure-budget at a time (lockout.begin), so
	// concurrent guesses on many connections cannot outrun the lock-out
	// while each waits for the slow bcrypt check.
	fail := func(st pdu.Status, why string, count bool) (smpp.Handler, error) {
		s.stats.failedBinds.Add(1)
		if count {
			d1, l1 := s.lock.fail(ip)
			d2, l2 := s.lock.fail(idKey)
			if l1 || l2 {
				log.Warn("smsc: bind lock-out engaged after repeated failures")
			}
			t := time.NewTimer(max(d1, d2))
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
		log.Info("smsc: bind refused", "status", st.String(), "reason", why)
		return nil, st
	}
	if !s.lock.begin(ctx, ip) {
		return fail(pdu.StatusBindFail, "locked out", false)
	}
	defer s.lock.end(ip)
	if !s.lock.begin(ctx, idKey) {
		return fail(pdu.StatusBindFail, "locked out", false)
	}
	defer s.lock.end(idKey)
	acc := s.account(req.SystemID)
	switch {
	case acc == nil:
		return fail(pdu.StatusInvSystemID, "unknown system_id", true)
	case !acc.checkPassword(req.Password):
		return fail(pdu.StatusInvPassword, "wrong password", true)
	case acc.cfg.Disabled:
		return fail(pdu.StatusBindFail, "account disabled", false)
	case !acc.ipAllowed(sess.RemoteAddr()):
		return fail(pdu.StatusBindFail, "address not in allow_ips", true)
	case !acc.modeAllowed(req.Mode):
		return fail(pdu.StatusBindFail, "bind mode not allowed", false)
	}
	s.mu.Lock()
	if acc.cfg.MaxBinds > 0 && s.binds[req.SystemID] >= acc.cfg.MaxBinds {
		s.mu.Unlock()
		return fail(pdu.StatusBindFail, "max_binds reached", false)
	}
	s.binds[req.SystemID]++
	s.mu.Unlock()
	sid := s.cfg.Node + "-" + strconv.FormatUint(s.sessID.Add(1), 10)
	if s.clusterBindsOn(acc) {
		ok, err := s.acquirePlace(ctx, acc, s.placeHolder(sid))
		if !ok || err != nil {
			s.mu.Lock()
			s.binds[req.SystemID]--
			s.mu.Unlock()
			if err != nil {
				log.Error("smsc: cannot count the account's binds across nodes", "err", err)
				return fail(pdu.StatusBindFail, "max_binds not checkable", false)
			}
			return fail(pdu.StatusBindFail, "max_binds reached across nodes", false)
		}
		sess.SetValue(ctxBindPlace{}, true)
	}
	s.lock.succeed(ip)
	s.lock.succeed(idKey)
	s.stats.binds.Add(1)
	sess.SetValue(ctxAccount{}, req.SystemID)
	sess.SetValue(ctxSessID{}, sid)
	if req.Mode.CanReceive() {
		// Start delivering once bind_resp is queued (connState → Bound).
		sess.SetValue(ctxReceiver{}, true)
	}
	log.Info("smsc: bound")
	return &esmeHandler{s: s, acc: acc}, nil
}

type ctxReceiver struct{}

func ipOf(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// esmeHandler serves one bound ESME's requests.
type esmeHandler struct {
	s   *Server
	acc *account
}

func (h *esmeHandler) ServeSMPP(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
	s := h.s
	owner := h.acc.cfg.SystemID
	switch r.PDU.(type) {
	case *pdu.SubmitSM, *pdu.DataSM, *pdu.SubmitMulti:
		start := time.Now()
		defer func() { s.submitLat.observe(time.Since(start)) }()
	}
	switch p := r.PDU.(type) {
	case *pdu.SubmitSM:
		if err := h.throttle(); err != nil {
			return nil, err
		}
		gate, release := s.openGate()
		r.OnResponseQueued(release)
		id, err := s.submitSMGated(ctx, owner, p, gate)
		if err != nil {
			return nil, err
		}
		return &pdu.SubmitSMResp{MessageID: id}, nil
	case *pdu.DataSM:
		if err := h.throttle(); err != nil {
			return nil, err
		}
		gate, release := s.openGate()
		r.OnResponseQueued(release)
		id, err := s.submitData(ctx, owner, p, gate)
		if err != nil {
			return nil, err
		}
		return &pdu.DataSMResp{MessageID: id}, nil
	case *pdu.SubmitMulti:
		if err := h.throttle(); err != nil {
			return nil, err
		}
		gate, release := s.openGate()
		r.OnResponseQueued(release)
		return s.submitMulti(ctx, owner, p, gate)
	case *pdu.QuerySM:
		st, err := s.Query(ctx, owner, p.MessageID)
		if err != nil {
			return nil, err
		}
		resp := &pdu.QuerySMResp{MessageID: p.MessageID, MessageState: st.State, ErrorCode: uint8(min(st.Err, 255))}
		if st.State.Final() && !st.Done.IsZero() {
			resp.FinalDate = pdu.FormatTime(st.Done)
		}
		return resp, nil
	case *pdu.CancelSM:
		if p.MessageID == "" {
			// Cancel-by-address is not supported: ids are the key here.
			return nil, pdu.StatusCancelFail
		}
		return nil, s.Cancel(ctx, owner, p.MessageID)
	case *pdu.ReplaceSM:
		return nil, s.Replace(ctx, owner, p)
	case *pdu.BroadcastSM, *pdu.QueryBroadcastSM, *pdu.CancelBroadcastSM:
		return nil, pdu.StatusProhibited
	}
	return nil, pdu.StatusInvCmdID
}

func (h *esmeHandler) throttle() error {
	if l := h.acc.limiter; l != nil && !l.Allow() {
		return pdu.StatusThrottled
	}
	return nil
}

// validity resolves schedule_delivery_time and validity_period.
func (s *Server) validity(sched, valid string) (schedule, expires time.Time, err error) {
	now := s.now()
	if sched != "" {
		t, err := pdu.ParseTime(sched)
		if err != nil {
			return schedule, expires, pdu.StatusInvSched
		}
		schedule = t.Resolve(now)
	}
	base := now
	if schedule.After(now) {
		base = schedule
	}
	expires = base.Add(time.Duration(s.cfg.DefaultValidity))
	if valid != "" {
		t, err := pdu.ParseTime(valid)
		if err != nil {
			return schedule, expires, pdu.StatusInvExpiry
		}
		expires = t.Resolve(now)
		if lim := base.Add(time.Duration(s.cfg.MaxValidity)); expires.After(lim) {
			expires = lim
		}
		if !expires.After(now) {
			return schedule, expires, pdu.StatusInvExpiry
		}
	}
	return schedule, expires, nil
}

func (s *Server) submitSM(ctx context.Context, owner string, p *pdu.SubmitSM, peerVersion uint8) (string, error) {
	return s.submitSMGated(ctx, owner, p, "")
}

// submitSMGated stores a submit_sm whose receipts wait for gate (see
// gates.go).
func (s *Server) submitSMGated(ctx context.Context, owner string, p *pdu.SubmitSM, gate string) (string, error) {
	if p.DestinationAddr == "" {
		return "", pdu.StatusInvDstAddr
	}
	if len(p.ShortMessage) > 0 && p.TLVs.Has(pdu.TagMessagePayload) {
		return "", pdu.StatusInvMsgLen // never both (v3.4 Table 4-10)
	}
	if p.PriorityFlag > 4 {
		return "", pdu.StatusInvPriorityFlag
	}
	if p.ReplaceIfPresentFlag > 1 {
		return "", pdu.StatusInvRepFlag
	}
	sched, exp, err := s.validity(p.ScheduleDeliveryTime, p.ValidityPeriod)
	if err != nil {
		return "", err
	}
	frame, err := pdu.Marshal(1, pdu.StatusOK, p)
	if err != nil {
		return "", pdu.StatusSysErr
	}
	id, err := s.enqueue(ctx, &store.Message{
		Owner: owner, Target: s.router.Load().route(p.DestinationAddr), PDU: frame,
		Submitted: s.now(), Schedule: sched, Expires: exp, Receipt: p.RegisteredDelivery, Node: s.cfg.Node, Gate: gate,
	})
	if err == nil && s.watching() {
		s.emit(Event{Type: "submitted", Account: owner, ID: id, From: p.SourceAddr, To: p.DestinationAddr,
			Text: preview(p.DataCoding, p.ESMClass, p.Message())})
	}
	return id, err
}

func (s *Server) submitData(ctx context.Context, owner string, p *pdu.DataSM, gate string) (string, error) {
	if p.DestinationAddr == "" {
		return "", pdu.StatusInvDstAddr
	}
	_, exp, _ := s.validity("", "")
	frame, err := pdu.Marshal(1, pdu.StatusOK, p)
	if err != nil {
		return "", pdu.StatusSysErr
	}
	return s.enqueue(ctx, &store.Message{
		Owner: owner, Target: s.router.Load().route(p.DestinationAddr), PDU: frame,
		Submitted: s.now(), Expires: exp, Receipt: p.RegisteredDelivery, Node: s.cfg.Node, Gate: gate,
	})
}

// enqueue stores the message durably and returns its id; the submitter is
// answered only after this.
func (s *Server) enqueue(ctx context.Context, m *store.Message) (string, error) {
	p, err := s.st.EnqueueAsync(m)
	if err != nil {
		s.log.Error("smsc: cannot store message", "err", err)
		return "", pdu.StatusSysErr
	}
	id, err := p.Wait(ctx)
	if err != nil {
		s.log.Error("smsc: cannot store message", "err", err)
		return "", pdu.StatusSysErr
	}
	s.stats.submitted.Add(1)
	return id, nil
}

func (s *Server) submitMulti(ctx context.Context, owner string, p *pdu.SubmitMulti, gate string) (pdu.PDU, error) {
	if len(p.DestAddresses) == 0 {
		return nil, pdu.StatusInvNumDests
	}
	sched, exp, err := s.validity(p.ScheduleDeliveryTime, p.ValidityPeriod)
	if err != nil {
		return nil, err
	}
	resp := &pdu.SubmitMultiResp{}
	type dest struct {
		ton, npi uint8
		addr     string
	}
	var dests []dest
	for _, d := range p.DestAddresses {
		switch d.DestFlag {
		case pdu.DestFlagSME:
			if d.DestinationAddr == "" {
				resp.UnsuccessSMEs = append(resp.UnsuccessSMEs, pdu.UnsuccessSME{DestAddrTON: d.DestAddrTON, DestAddrNPI: d.DestAddrNPI, ErrorStatusCode: pdu.StatusInvDstAddr})
				continue
			}
			dests = append(dests, dest{d.DestAddrTON, d.DestAddrNPI, d.DestinationAddr})
		case pdu.DestFlagDL:
			members, ok := s.dls[d.DLName]
			if !ok {
				resp.UnsuccessSMEs = append(resp.UnsuccessSMEs, pdu.UnsuccessSME{DestinationAddr: d.DLName, ErrorStatusCode: pdu.StatusInvDLName})
				continue
			}
			for _, m := range members {
				dests = append(dests, dest{pdu.TONInternational, pdu.NPIISDN, m})
			}
		}
	}
	group := ""
	var members []string // message ids, one per destination
	for _, d := range dests {
		sm := &pdu.SubmitSM{
			ServiceType: p.ServiceType, SourceAddrTON: p.SourceAddrTON, SourceAddrNPI: p.SourceAddrNPI, SourceAddr: p.SourceAddr,
			DestAddrTON: d.ton, DestAddrNPI: d.npi, DestinationAddr: d.addr, ESMClass: p.ESMClass, ProtocolID: p.ProtocolID,
			PriorityFlag: p.PriorityFlag, RegisteredDelivery: p.RegisteredDelivery, DataCoding: p.DataCoding,
			SMDefaultMsgID: p.SMDefaultMsgID, ShortMessage: p.ShortMessage, TLVs: p.TLVs,
		}
		frame, err := pdu.Marshal(1, pdu.StatusOK, sm)
		if err != nil {
			resp.UnsuccessSMEs = append(resp.UnsuccessSMEs, pdu.UnsuccessSME{DestAddrTON: d.ton, DestAddrNPI: d.npi, DestinationAddr: d.addr, ErrorStatusCode: pdu.StatusInvDstAddr})
			continue
		}
		id, err := s.enqueue(ctx, &store.Message{
			Owner: owner, Target: s.router.Load().route(d.addr), PDU: frame, Group: group, Gate: gate,
			Submitted: s.now(), Schedule: sched, Expires: exp, Receipt: p.RegisteredDelivery, Node: s.cfg.Node,
		})
		if err != nil {
			resp.UnsuccessSMEs = append(resp.UnsuccessSMEs, pdu.UnsuccessSME{DestAddrTON: d.ton, DestAddrNPI: d.npi, DestinationAddr: d.addr, ErrorStatusCode: pdu.StatusSysErr})
			continue
		}
		if group == "" {
			group = id
		}
		members = append(members, id)
	}
	if group == "" {
		if len(resp.UnsuccessSMEs) > 0 {
			return nil, resp.UnsuccessSMEs[0].ErrorStatusCode
		}
		return nil, pdu.StatusSubmitFail
	}
	if len(members) > 1 {
		// The messages are stored: a failure here must not make the ESME
		// submit them again. cancel_sm and replace_sm of the id then reach
		// only the first destination.
		if err := s.st.PutGroup(ctx, owner, group, members); err != nil {
			s.log.Error("smsc: cannot record the destinations of a submit_multi", "id", group, "err", err)
		}
	}
	resp.MessageID = group
	return resp, nil
}

// MessageInfo is what Query returns.
type MessageInfo struct {
	ID        string
	Owner     string
	State     pdu.MessageState
	Err       uint16
	Submitted time.Time
	Done      time.Time
	Message   *store.Message
}

// ErrUnknownMessage is returned for ids that do not exist or belong to
// another account (the two are indistinguishable to the caller).
var ErrUnknownMessage = pdu.StatusInvMsgID

// Query returns the state of one of owner's messages.
func (s *Server) Query(ctx context.Context, owner, id string) (*MessageInfo, error) {
	m, err := s.st.Message(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && m.Owner != owner {
		return nil, ErrUnknownMessage
	}
	if err != nil {
		return nil, pdu.StatusQueryFail
	}
	info := &MessageInfo{ID: id, Owner: owner, State: pdu.StateEnroute, Submitted: m.Submitted, Message: m}
	if c := s.control(id); c != nil {
		if !c.ScheduleAt.IsZero() {
			m.Schedule = c.ScheduleAt
		}
		if !c.ExpiresAt.IsZero() {
			m.Expires = c.ExpiresAt
		}
	}
	if m.Schedule.After(s.now()) {
		info.State = pdu.StateScheduled
	}
	st, err := s.st.State(ctx, owner, id)
	switch {
	case err == nil:
		info.State, info.Err, info.Done = st.State, st.Err, st.Done
	case errors.Is(err, store.ErrNotFound):
		if c := s.control(id); c != nil && c.Cancel {
			info.State = pdu.StateDeleted
		} else if s.now().After(m.Expires) {
			info.State = pdu.StateExpired
		}
	default:
		return nil, pdu.StatusQueryFail
	}
	return info, nil
}

// Cancel cancels one of owner's undelivered messages (cancel_sm). The id of
// a submit_multi names all its destinations (SMPP v3.4 §4.5.2, §4.9): each
// one not final yet is cancelled.
func (s *Server) Cancel(ctx context.Context, owner, id string) error {
	return s.eachInGroup(ctx, owner, id, func(id string) error { return s.cancelOne(ctx, owner, id) })
}

// eachInGroup calls fn for id, or, when id answered a submit_multi of
// several destinations, for each of their ids. It succeeds when fn succeeded
// at least once, else returns fn's first error.
func (s *Server) eachInGroup(ctx context.Context, owner, id string, fn func(id string) error) error {
	members, err := s.st.Group(ctx, owner, id)
	if err != nil || len(members) < 2 {
		return fn(id)
	}
	var first error
	done := 0
	for _, m := range members {
		if err := fn(m); err == nil {
			done++
		} else if first == nil {
			first = err
		}
	}
	if done == 0 {
		return first
	}
	return nil
}

// cancelOne cancels one stored message.
func (s *Server) cancelOne(ctx context.Context, owner, id string) error {
	info, err := s.Query(ctx, owner, id)
	if err != nil {
		return err
	}
	if info.State.Final() {
		return pdu.StatusCancelFail
	}
	if err := s.st.PutControl(ctx, &store.Control{ID: id, Owner: owner, Cancel: true}); err != nil {
		return pdu.StatusCancelFail
	}
	s.onControl(&store.Control{ID: id, Owner: owner, Cancel: true})
	if s.finalize(ctx, info.Message, pdu.StateDeleted, 0) != nil {
		return pdu.StatusCancelFail
	}
	return nil
}

// Replace replaces the text, times and receipt request of one of owner's
// undelivered messages (replace_sm); for the id of a submit_multi, of each
// of its destinations not final yet.
func (s *Server) Replace(ctx context.Context, owner string, p *pdu.ReplaceSM) error {
	return s.eachInGroup(ctx, owner, p.MessageID, func(id string) error {
		one := *p
		one.MessageID = id
		return s.replaceOne(ctx, owner, &one)
	})
}

// replaceOne replaces one stored message.
func (s *Server) replaceOne(ctx context.Context, owner string, p *pdu.ReplaceSM) error {
	info, err := s.Query(ctx, owner, p.MessageID)
	if err != nil {
		return err
	}
	if info.State.Final() {
		return pdu.StatusReplaceFail
	}
	_, orig, err := info.Message.Decode()
	if err != nil {
		return pdu.StatusReplaceFail
	}
	sm, ok := orig.(*pdu.SubmitSM)
	if !ok {
		return pdu.StatusReplaceFail
	}
	if p.SourceAddr != "" && !strings.EqualFold(p.SourceAddr, sm.SourceAddr) {
		return ErrUnknownMessage
	}
	n := *sm
	n.ShortMessage = p.ShortMessage
	n.TLVs = nil
	for _, t := range sm.TLVs {
		if t.Tag != pdu.TagMessagePayload {
			n.TLVs = append(n.TLVs, t)
		}
	}
	if v, ok := p.TLVs.Get(pdu.TagMessagePayload); ok {
		n.TLVs.Set(pdu.TagMessagePayload, v)
	}
	// replace_sm carries the new registered_delivery and sm_default_msg_id;
	// NULL times keep the original ones (pdus.md §6.16).
	n.RegisteredDelivery = p.RegisteredDelivery
	n.SMDefaultMsgID = p.SMDefaultMsgID
	sched, exp, err := s.validity(p.ScheduleDeliveryTime, p.ValidityPeriod)
	if err != nil {
		return err
	}
	n.ScheduleDeliveryTime, n.ValidityPeriod = "", ""
	frame, err := pdu.Marshal(1, pdu.StatusOK, &n)
	if err != nil {
		return pdu.StatusReplaceFail
	}
	reg := p.RegisteredDelivery
	c := &store.Control{ID: p.MessageID, Owner: owner, Replace: frame, Schedule: p.ScheduleDeliveryTime, Validity: p.ValidityPeriod, Receipt: &reg}
	if p.ScheduleDeliveryTime != "" {
		c.ScheduleAt = sched
	}
	if p.ValidityPeriod != "" {
		c.ExpiresAt = exp
	}
	if err := s.st.PutControl(ctx, c); err != nil {
		return pdu.StatusReplaceFail
	}
	s.onControl(c)
	return nil
}
