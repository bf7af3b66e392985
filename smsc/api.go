package smsc

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/store"
)

// This file holds the core operations the HTTP API and the dashboard call;
// the SMPP handlers call the same ones (design README §3).

// TextRequest is a message to send on behalf of an account, as the HTTP API
// takes it: a text (encoded and split like on SMPP) or raw user data.
type TextRequest struct {
	From, To string
	Text     string
	// Hex is raw user data (binary); it replaces Text.
	Hex string
	// Coding is auto (default), gsm7, ucs2, latin1, ascii or binary.
	Coding string
	// Concat is udh (default), udh16, sar or payload.
	Concat string
	// DLR requests a receipt per part (registered_delivery 1).
	DLR bool
	// Validity and Schedule are SMPP times or Go durations ("10m").
	Validity, Schedule string
}

// FieldError is bad API input; Field names the offending field.
type FieldError struct {
	Field, Msg string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func (s *Server) smppTime(field, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		if d <= 0 {
			return "", &FieldError{field, "must be positive"}
		}
		return pdu.FormatRelative(d), nil
	}
	if _, err := pdu.ParseTime(v); err != nil {
		return "", &FieldError{field, "not a duration (\"10m\") or SMPP time: " + err.Error()}
	}
	return v, nil
}

// SubmitText submits a text for owner through the same path as submit_sm and
// returns the message id of each part.
func (s *Server) SubmitText(ctx context.Context, owner string, r TextRequest) ([]string, error) {
	acc := s.account(owner)
	if acc == nil {
		return nil, &FieldError{"account", "unknown account"}
	}
	// The account's throughput limit applies to HTTP submissions as to
	// SMPP ones (one token per request).
	if acc.limiter != nil && !acc.limiter.Allow() {
		return nil, pdu.StatusThrottled
	}
	switch {
	case r.To == "":
		return nil, &FieldError{"to", "is required"}
	case len(r.To) > 20:
		return nil, &FieldError{"to", "at most 20 characters"}
	case len(r.From) > 20:
		return nil, &FieldError{"from", "at most 20 characters"}
	case r.Text == "" && r.Hex == "":
		return nil, &FieldError{"text", "text or hex is required"}
	}
	codec, ok := coding.ByName(r.Coding)
	if !ok {
		return nil, &FieldError{"coding", "must be auto, gsm7, ucs2, latin1, ascii or binary"}
	}
	text := r.Text
	if r.Hex != "" {
		b, err := hex.DecodeString(r.Hex)
		if err != nil {
			return nil, &FieldError{"hex", "not valid hex"}
		}
		text, codec = string(b), coding.Binary{}
	}
	if codec == nil {
		codec = coding.Choose(text)
	}
	var concat coding.Concat
	switch strings.ToLower(r.Concat) {
	case "", "udh":
		concat = coding.ConcatUDH8
	case "udh16":
		concat = coding.ConcatUDH16
	case "sar":
		concat = coding.ConcatSAR
	case "payload":
		concat = coding.ConcatPayload
	default:
		return nil, &FieldError{"concat", "must be udh, udh16, sar or payload"}
	}
	valid, err := s.smppTime("validity", r.Validity)
	if err != nil {
		return nil, err
	}
	sched, err := s.smppTime("schedule", r.Schedule)
	if err != nil {
		return nil, err
	}
	segs, err := coding.Split(text, codec, concat, uint16(s.sessID.Add(1)))
	if err != nil {
		var ue *coding.UnencodableError
		if errors.As(err, &ue) {
			return nil, &FieldError{"text", err.Error()}
		}
		return nil, &FieldError{"text", err.Error()}
	}
	from := pdu.Address{TON: pdu.TONInternational, NPI: pdu.NPIISDN, Addr: r.From}
	if r.From != "" && strings.IndexFunc(r.From, func(c rune) bool { return c < '0' || c > '9' }) >= 0 {
		from.TON, from.NPI = pdu.TONAlphanumeric, pdu.NPIUnknown
	}
	ids := make([]string, 0, len(segs))
	for i := range segs {
		sm := &pdu.SubmitSM{ScheduleDeliveryTime: sched, ValidityPeriod: valid}
		sm.SetSource(from)
		sm.SetDest(pdu.Address{TON: pdu.TONInternational, NPI: pdu.NPIISDN, Addr: strings.TrimPrefix(r.To, "+")})
		if r.DLR {
			sm.RegisteredDelivery = pdu.RegReceiptFinal
		}
		segs[i].ApplySubmit(sm)
		id, err := s.submitSM(ctx, owner, sm, pdu.V50)
		if err != nil {
			var st pdu.Status
			if errors.As(err, &st) {
				switch st {
				case pdu.StatusInvSched:
					return ids, &FieldError{"schedule", "invalid"}
				case pdu.StatusInvExpiry:
					return ids, &FieldError{"validity", "invalid or in the past"}
				}
			}
			return ids, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// MessageEvent is one step in a message's history.
type MessageEvent struct {
	Time  time.Time `json:"time"`
	Event string    `json:"event"` // accepted, scheduled, replaced, cancelled, final state name, receipt_queued
	Info  string    `json:"info,omitempty"`
}

// MessageDetail is a message with its state and history.
type MessageDetail struct {
	ID         string         `json:"id"`
	Owner      string         `json:"owner"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	State      string         `json:"state"`
	Err        uint16         `json:"err,omitempty"`
	Text       string         `json:"text,omitempty"`
	DataCoding uint8          `json:"data_coding"`
	Target     string         `json:"target"`
	Submitted  time.Time      `json:"submitted"`
	Done       time.Time      `json:"done,omitzero"`
	Expires    time.Time      `json:"expires"`
	Schedule   time.Time      `json:"schedule,omitzero"`
	Receipt    bool           `json:"dlr"`
	PDU        string         `json:"pdu"` // hex of the stored PDU
	Events     []MessageEvent `json:"events"`
}

// MessageDetail returns one of owner's messages with its history; another
// account's message is ErrUnknownMessage.
func (s *Server) MessageDetail(ctx context.Context, owner, id string) (*MessageDetail, error) {
	info, err := s.Query(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	m := info.Message
	d := &MessageDetail{
		ID: id, Owner: owner, State: info.State.String(), Err: info.Err, Target: m.Target,
		Submitted: m.Submitted, Done: info.Done, Expires: m.Expires, Schedule: m.Schedule,
		Receipt: m.Receipt&pdu.RegReceiptMask != 0, PDU: hex.EncodeToString(m.PDU),
	}
	if d.Target == targetNetwork {
		d.Target = "network"
	}
	if _, p, err := m.Decode(); err == nil {
		switch p := p.(type) {
		case *pdu.SubmitSM:
			d.From, d.To, d.DataCoding = p.SourceAddr, p.DestinationAddr, p.DataCoding
			d.Text = decodeUserData(p.DataCoding, p.ESMClass, p.Message())
		case *pdu.DataSM:
			d.From, d.To, d.DataCoding = p.SourceAddr, p.DestinationAddr, p.DataCoding
			d.Text = decodeUserData(p.DataCoding, p.ESMClass, p.Message())
		}
	}
	d.Events = append(d.Events, MessageEvent{Time: m.Submitted, Event: "accepted", Info: "node " + m.Node})
	if !m.Schedule.IsZero() {
		d.Events = append(d.Events, MessageEvent{Time: m.Schedule, Event: "scheduled"})
	}
	if c := s.control(id); c != nil {
		if c.Cancel {
			d.Events = append(d.Events, MessageEvent{Time: info.Done, Event: "cancelled"})
		} else if len(c.Replace) > 0 {
			d.Events = append(d.Events, MessageEvent{Event: "replaced"})
		}
	}
	if info.State.Final() {
		ev := MessageEvent{Time: info.Done, Event: info.State.String()}
		if info.Err != 0 {
			ev.Info = "err " + strconv.Itoa(int(info.Err))
		}
		d.Events = append(d.Events, ev)
		if wantsReceipt(m.Receipt, info.State) {
			d.Events = append(d.Events, MessageEvent{Time: info.Done, Event: "receipt_queued"})
		}
	}
	return d, nil
}

func decodeUserData(dc pdu.DataCoding, esm pdu.ESMClass, ud []byte) string {
	if esm&pdu.ESMUDHI != 0 && len(ud) > 0 && int(ud[0])+1 <= len(ud) {
		ud = ud[int(ud[0])+1:]
	}
	c, ok := coding.ForDataCoding(dc)
	if !ok {
		return ""
	}
	t, _ := c.Decode(ud)
	return t
}

// Messages lists owner's messages (oldest first) after cursor, with their
// states; next is the cursor of the following page ("" at the end).
func (s *Server) Messages(ctx context.Context, owner, cursor string, limit int) ([]*MessageDetail, string, error) {
	var after uint64
	if cursor != "" {
		n, err := strconv.ParseUint(cursor, 10, 64)
		if err != nil {
			return nil, "", &FieldError{"cursor", "invalid"}
		}
		after = n
	}
	msgs, next, err := s.st.List(ctx, owner, after, limit)
	if err != nil {
		return nil, "", err
	}
	out := make([]*MessageDetail, 0, len(msgs))
	for _, m := range msgs {
		d, err := s.MessageDetail(ctx, owner, m.ID)
		if err != nil {
			continue
		}
		out = append(out, d)
	}
	nc := ""
	if next != 0 {
		nc = strconv.FormatUint(next, 10)
	}
	return out, nc, nil
}

// SessionInfo describes a bound SMPP session on this node.
type SessionInfo struct {
	ID       string            `json:"id"`
	SystemID string            `json:"system_id"`
	Mode     string            `json:"mode"`
	State    string            `json:"state"`
	Remote   string            `json:"remote"`
	Node     string            `json:"node"`
	BoundAt  time.Time         `json:"bound_at,omitzero"`
	Stats    smpp.SessionStats `json:"stats"`
}

type ctxSessID struct{}

// Sessions lists this node's SMPP sessions.
func (s *Server) Sessions() []SessionInfo {
	if s.smpp == nil {
		return nil
	}
	var out []SessionInfo
	for _, sess := range s.smpp.Sessions() {
		id, _ := sess.Value(ctxSessID{}).(string)
		acc, _ := sess.Value(ctxAccount{}).(string)
		if id == "" {
			continue
		}
		st := sess.Stats()
		out = append(out, SessionInfo{ID: id, SystemID: acc, Mode: sess.Mode().String(), State: sess.State().String(),
			Remote: sess.RemoteAddr().String(), Node: s.cfg.Node, BoundAt: st.BoundAt, Stats: st})
	}
	return out
}

// Kick unbinds one session (admin): of this node, or of another node that
// shares the store.
func (s *Server) Kick(ctx context.Context, id string) error {
	if s.kickLocal(ctx, id) || s.kickRemote(ctx, id) {
		return nil
	}
	return &FieldError{"id", "no such session"}
}

// kickLocal unbinds this node's session id and reports whether it had it.
func (s *Server) kickLocal(ctx context.Context, id string) bool {
	if s.smpp == nil {
		return false
	}
	for _, sess := range s.smpp.Sessions() {
		if v, _ := sess.Value(ctxSessID{}).(string); v == id {
			sess.Unbind(ctx)
			return true
		}
	}
	return false
}

// Accounts returns the accounts (passwords as their bcrypt hashes).
func (s *Server) Accounts() []Account {
	var out []Account
	for _, a := range s.accountMap() {
		c := a.cfg
		c.Password = ""
		out = append(out, c)
	}
	return out
}

// PutAccount creates or changes an account at runtime (admin). It is stored
// in JetStream, survives restarts, is shared by every node, and takes effect
// on the next bind. An empty Password keeps the current one.
func (s *Server) PutAccount(ctx context.Context, a Account) error {
	if old := s.account(a.SystemID); old != nil && a.Password == "" {
		a.Password = string(old.hash)
	}
	c := s.cfg
	c.Accounts = []Account{a}
	c.Routes = nil
	if err := c.Validate(); err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			return &FieldError{strings.TrimPrefix(ce.Key, "accounts[0]."), ce.Msg}
		}
		return err
	}
	acc, err := loadAccount(a, s.cost)
	if err != nil {
		return err
	}
	if err := s.st.PutAccount(ctx, a.SystemID, marshalAccount(acc.cfg)); err != nil {
		return fmt.Errorf("smsc: store account: %w", err)
	}
	s.installAccount(acc)
	return s.ensureQueues(ctx, a.SystemID)
}

func (s *Server) installAccount(acc *account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.accountMap()
	accs := make(map[string]*account, len(old)+1)
	for k, v := range old {
		accs[k] = v
	}
	accs[acc.cfg.SystemID] = acc
	s.accounts.Store(&accs)
	var list []Account
	for _, a := range accs {
		list = append(list, a.cfg)
	}
	s.router.Store(newRouter(list, s.cfg.Routes))
}

// Stats are counters of this node.
type Stats struct {
	Node        string `json:"node"`
	Submitted   uint64 `json:"submitted"`
	Delivered   uint64 `json:"delivered"`
	Receipts    uint64 `json:"receipts"`
	Binds       uint64 `json:"binds"`
	FailedBinds uint64 `json:"failed_binds"`
	Retries     uint64 `json:"retries"`
	Expired     uint64 `json:"expired"`
	Sessions    int    `json:"sessions"`
}

// Stats returns this node's counters.
func (s *Server) Stats() Stats {
	return Stats{
		Node: s.cfg.Node, Submitted: s.stats.submitted.Load(), Delivered: s.stats.delivered.Load(),
		Receipts: s.stats.receipts.Load(), Binds: s.stats.binds.Load(), FailedBinds: s.stats.failedBinds.Load(),
		Retries: s.stats.retries.Load(), Expired: s.stats.expired.Load(), Sessions: len(s.Sessions()),
	}
}

// QueueDepth returns how many messages wait for an account (or "network").
func (s *Server) QueueDepth(ctx context.Context, target string) (uint64, error) {
	if target == "network" {
		target = targetNetwork
	}
	return s.st.QueueDepth(ctx, target)
}

var _ = store.ErrNotFound
