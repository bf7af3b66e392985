package interop

// testSMSC is the SMSC the outside clients (gosmpp, node-smpp) are run
// against. It is built only on our library — smpp.Server for the sessions,
// coding to read concatenation information, reassemble and decode texts, dlr
// to build delivery receipts — and records everything it saw, so the tests
// can assert on both ends.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

const (
	testSystemID = "test"
	testPassword = "secret"
	smscID       = "interop-smsc"
)

// bindEvent is one bind request the server answered.
type bindEvent struct {
	SystemID string
	Mode     pdu.BindMode
	Version  uint8
	Status   pdu.Status
}

// smsMessage is one complete message received from an ESME: a single
// submit_sm, or the reassembled parts of a concatenated one.
type smsMessage struct {
	SystemID   string
	Source     string
	Dest       string
	DataCoding uint8
	ESMClass   uint8 // of the first part
	Text       string
	Parts      int
	Via        string   // "", "udh8", "udh16", "sar" or "payload"
	IDs        []string // message ids given to the parts, in part order
	Registered uint8
	Schedule   string // schedule_delivery_time as received (first part)
	Validity   string // validity_period as received (first part)
}

// deliveryEvent is one deliver_sm the server sent.
type deliveryEvent struct {
	Kind      string // "receipt" or "mo"
	SystemID  string
	Mode      pdu.BindMode // of the session it went out on
	MessageID string       // receipted id (receipts)
	Text      string
	Err       error
}

type partKey struct {
	systemID, src, dst string
	method             coding.Concat
	ref                uint16
	total              int
}

type receiptJob struct {
	origin   *smpp.Session
	id       string
	sm       *pdu.SubmitSM
	text     string
	submit   time.Time
	systemID string
}

type testSMSC struct {
	t    testing.TB
	Srv  *smpp.Server
	Addr string

	ids atomic.Uint64

	mu            sync.Mutex
	binds         []bindEvent
	messages      []smsMessage
	submits       int
	reasm         *coding.Reassembler
	partIDs       map[partKey]map[int]string // message ids of the parts of incomplete messages
	enquireIn     map[string]int             // enquire_link received, by the peer's system_id ("" before bind)
	enquireRespIn int                        // enquire_link_resp received (answers to our enquire_link)
	enquireOut    int                        // enquire_link_resp sent
	unbindIn      int                        // unbind received from ESMEs
	unbindRespOut int
	deliveries    []deliveryEvent
	after         map[*smpp.Session]map[uint32][]func() // work to do once a submit_sm_resp is queued
	pending       map[string][]receiptJob               // receipts waiting for an RX/TRX bind
	problems      []string
}

// smscOptions tune a testSMSC.
type smscOptions struct {
	// EnquireLinkInterval of the server's sessions (default 30s).
	EnquireLinkInterval time.Duration
	// ErrorRespBody sends bodies with error responses (pdus.md §5).
	ErrorRespBody bool
	// InboundWindow of the server's sessions (default: the library's).
	InboundWindow int
	// TLS, when set, serves SMPP over TLS with this configuration.
	TLS *tls.Config
}

// startSMSC starts a testSMSC on 127.0.0.1:0; it is shut down when the test
// ends.
func startSMSC(t testing.TB, opt smscOptions) *testSMSC {
	t.Helper()
	m := &testSMSC{
		t:         t,
		reasm:     coding.NewReassembler(coding.ReassemblerConfig{}),
		partIDs:   make(map[partKey]map[int]string),
		enquireIn: make(map[string]int),
		after:     make(map[*smpp.Session]map[uint32][]func()),
		pending:   make(map[string][]receiptJob),
	}
	m.ids.Store(0x5eed0000)
	m.Srv = &smpp.Server{
		SystemID:    smscID,
		Binder:      smpp.BinderFunc(m.bind),
		BindTimeout: 10 * time.Second,
		ConnState:   m.connState,
		SessionConfig: smpp.SessionConfig{
			ResponseTimeout:     5 * time.Second,
			EnquireLinkInterval: opt.EnquireLinkInterval,
			ErrorRespBody:       opt.ErrorRespBody,
			InboundWindow:       opt.InboundWindow,
			Trace: &smpp.Trace{
				PDUReceived: m.pduReceived,
				PDUSent:     m.pduSent,
			},
		},
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.Addr = l.Addr().String()
	if opt.TLS != nil {
		m.Srv.TLSConfig = opt.TLS
		l = tls.NewListener(l, opt.TLS)
	}
	served := make(chan error, 1)
	go func() { served <- m.Srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := m.Srv.Shutdown(ctx); err != nil {
			t.Logf("smsc shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, smpp.ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		for _, p := range m.problems {
			t.Errorf("smsc: %s", p)
		}
	})
	return m
}

func (m *testSMSC) problem(format string, args ...any) {
	m.mu.Lock()
	m.problems = append(m.problems, fmt.Sprintf(format, args...))
	m.mu.Unlock()
}

func (m *testSMSC) bind(ctx context.Context, s *smpp.Session, req *pdu.Bind) (smpp.Handler, error) {
	ev := bindEvent{SystemID: req.SystemID, Mode: req.Mode, Version: req.InterfaceVersion}
	var err error
	if req.SystemID != testSystemID || req.Password != testPassword {
		ev.Status, err = pdu.StatusInvPassword, pdu.StatusInvPassword
	}
	m.mu.Lock()
	m.binds = append(m.binds, ev)
	m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return smpp.HandlerFunc(m.serve), nil
}

func (m *testSMSC) connState(s *smpp.Session, st smpp.State) {
	if st != smpp.StateBoundRX && st != smpp.StateBoundTRX {
		return
	}
	// A receiver came up: deliver the receipts that were waiting for one.
	id := s.BindRequest().SystemID
	m.mu.Lock()
	jobs := m.pending[id]
	delete(m.pending, id)
	m.mu.Unlock()
	for _, j := range jobs {
		go m.deliverReceipt(j, s)
	}
}

func (m *testSMSC) pduReceived(s *smpp.Session, h pdu.Header, p pdu.PDU) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch h.ID {
	case pdu.CmdEnquireLink:
		m.enquireIn[s.SystemID()]++
	case pdu.CmdEnquireLinkResp:
		m.enquireRespIn++
	case pdu.CmdUnbind:
		m.unbindIn++
	}
}

func (m *testSMSC) pduSent(s *smpp.Session, h pdu.Header, p pdu.PDU) {
	switch h.ID {
	case pdu.CmdEnquireLinkResp:
		m.mu.Lock()
		m.enquireOut++
		m.mu.Unlock()
	case pdu.CmdUnbindResp:
		m.mu.Lock()
		m.unbindRespOut++
		m.mu.Unlock()
	case pdu.CmdSubmitSMResp:
		// The submit_sm_resp is queued: now its receipt (or what else the
		// message asked for) may follow.
		m.mu.Lock()
		fs := m.after[s][h.Seq]
		delete(m.after[s], h.Seq)
		if len(m.after[s]) == 0 {
			delete(m.after, s)
		}
		m.mu.Unlock()
		if h.Status == pdu.StatusOK {
			for _, f := range fs {
				time.AfterFunc(20*time.Millisecond, f)
			}
		}
	}
}

// serve answers the requests of a bound ESME.
func (m *testSMSC) serve(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
	switch req := r.PDU.(type) {
	case *pdu.SubmitSM:
		return m.submit(r.Session, r.Header, req)
	}
	return nil, pdu.StatusInvCmdID
}

func (m *testSMSC) submit(s *smpp.Session, h pdu.Header, sm *pdu.SubmitSM) (pdu.PDU, error) {
	id := fmt.Sprintf("%08x", m.ids.Add(1))
	sys := s.SystemID()

	// Our coding package reads the concatenation information (UDH IEI
	// 0x00/0x08 or SAR TLVs; message_payload when short_message is empty)
	// and reassembles; the tests compare the result with the texts the
	// peers were given.
	part, err := coding.PartOf(sm)
	if err != nil {
		m.problem("submit_sm from %s: %v", sys, err)
		return nil, pdu.StatusInvMsgLen
	}
	codec, ok := coding.ForDataCoding(sm.DataCoding)
	if !ok {
		codec = coding.Binary{}
	}
	partText, err := codec.Decode(part.Body())
	if err != nil && !part.IsSegment() {
		m.problem("submit_sm from %s: %s text: %v", sys, codec.Name(), err)
	}
	var after []func()
	if rd := sm.RegisteredDelivery & pdu.RegReceiptMask; rd == pdu.RegReceiptFinal || rd == pdu.RegReceiptSuccess {
		j := receiptJob{origin: s, id: id, sm: sm, text: partText, submit: time.Now(), systemID: sys}
		after = append(after, func() { m.routeReceipt(j) })
	}
	// Requests a peer can make by text, for peers the test cannot reach
	// otherwise (the node-smpp client runs in another process).
	switch {
	case partText == moRequest:
		after = append(after, func() { m.replyMO(sys, sm) })
	case strings.HasPrefix(partText, outbindRequest):
		addr := strings.TrimPrefix(partText, outbindRequest)
		after = append(after, func() { m.outbindMO(addr) })
	case partText == unbindRequest:
		after = append(after, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := s.Unbind(ctx); err != nil {
				m.problem("Unbind asked by %s: %v", sys, err)
			}
		})
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	m.submits++
	if len(after) > 0 {
		if m.after[s] == nil {
			m.after[s] = make(map[uint32][]func())
		}
		m.after[s][h.Seq] = after
	}
	k := partKey{sys, sm.SourceAddr, sm.DestinationAddr, part.Method, part.Ref, part.Total}
	if part.IsSegment() {
		if m.partIDs[k] == nil {
			m.partIDs[k] = make(map[int]string)
		}
		m.partIDs[k][part.Seq] = id
	}
	msg, incomplete, err := m.reasm.Add(part)
	if err != nil || len(incomplete) > 0 {
		m.problem("reassembly of a part from %s: %v %+v", sys, err, incomplete)
	}
	if msg == nil {
		return &pdu.SubmitSMResp{MessageID: id}, nil
	}
	text, err := msg.Text(codec)
	if err != nil {
		m.problem("submit_sm from %s: %s text of %d parts: %v", sys, codec.Name(), msg.Total, err)
	}
	rec := smsMessage{
		SystemID: sys, Source: sm.SourceAddr, Dest: sm.DestinationAddr,
		DataCoding: msg.DataCoding, ESMClass: sm.ESMClass, Text: text,
		Parts: max(msg.Total, 1), IDs: []string{id}, Registered: sm.RegisteredDelivery,
		Schedule: sm.ScheduleDeliveryTime, Validity: sm.ValidityPeriod,
	}
	if msg.Total > 1 {
		rec.Via = map[coding.Concat]string{coding.ConcatUDH8: "udh8", coding.ConcatUDH16: "udh16", coding.ConcatSAR: "sar"}[msg.Method]
		rec.IDs = nil
		for i := 1; i <= msg.Total; i++ {
			rec.IDs = append(rec.IDs, m.partIDs[k][i])
		}
		delete(m.partIDs, k)
	} else if _, ok := sm.TLVs.MessagePayload(); ok && len(sm.ShortMessage) == 0 {
		rec.Via = "payload"
	}
	m.messages = append(m.messages, rec)
	return &pdu.SubmitSMResp{MessageID: id}, nil
}

// receiver picks the session a message for systemID goes out on: prefer is
// used when it can receive; otherwise the most recently bound RX/TRX session
// of that system_id.
func (m *testSMSC) receiver(systemID string, prefer *smpp.Session) *smpp.Session {
	if prefer != nil && (prefer.State() == smpp.StateBoundTRX || prefer.State() == smpp.StateBoundRX) {
		return prefer
	}
	var best *smpp.Session
	for _, s := range m.Srv.Sessions() {
		st := s.State()
		if (st != smpp.StateBoundRX && st != smpp.StateBoundTRX) || s.SystemID() != systemID {
			continue
		}
		if best == nil || s.Stats().BoundAt.After(best.Stats().BoundAt) {
			best = s
		}
	}
	return best
}

func (m *testSMSC) routeReceipt(j receiptJob) {
	m.mu.Lock()
	s := m.receiver(j.systemID, j.origin)
	if s == nil {
		// No receiver yet: keep it until one binds (store and forward).
		m.pending[j.systemID] = append(m.pending[j.systemID], j)
		m.mu.Unlock()
		return
	}
	m.mu.Unlock()
	m.deliverReceipt(j, s)
}

func (m *testSMSC) deliverReceipt(j receiptJob, s *smpp.Session) {
	// The receipt is built by our dlr package (Appendix B text, addresses
	// swapped, receipted_message_id and message_state for v3.4+ peers).
	r := dlr.New(j.id, pdu.StateDelivered, j.submit, time.Now())
	r.Text = j.text
	d := r.DeliverSM(j.sm.Source(), j.sm.Dest(), dlr.BuildOptions{TLVs: s.PeerVersion() >= pdu.V34})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := s.Deliver(ctx, d)
	m.mu.Lock()
	m.deliveries = append(m.deliveries, deliveryEvent{Kind: "receipt", SystemID: j.systemID, Mode: s.Mode(), MessageID: j.id, Text: string(d.ShortMessage), Err: err})
	m.mu.Unlock()
}

func mustGSM(s string) []byte {
	b, err := gsmEncode(s)
	if err != nil {
		panic(err)
	}
	return b
}

const (
	// moRequest as a submit_sm text makes the SMSC send moReplies back as
	// MO deliver_sm (GSM, then UCS2) to a receiver of the same system_id.
	moRequest = "MO please"
	// unbindRequest as a submit_sm text makes the SMSC unbind that session
	// after answering.
	unbindRequest = "unbind me"
	// outbindRequest + "host:port" makes the SMSC open an outbind session
	// to that address (Server.Outbind) and, once the ESME bound on it,
	// deliver outbindMOText there.
	outbindRequest = "outbind me "
	outbindMOText  = "MO over outbind"
	outbindPass    = "obpass"
)

func (m *testSMSC) outbindMO(addr string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := m.Srv.Outbind(ctx, addr, &pdu.Outbind{Password: outbindPass})
	if err != nil {
		m.problem("Outbind to %s: %v", addr, err)
		return
	}
	d := &pdu.DeliverSM{SourceAddr: "5555", DestinationAddr: "6666", ShortMessage: mustGSM(outbindMOText)}
	_, err = s.Deliver(ctx, d)
	m.mu.Lock()
	m.deliveries = append(m.deliveries, deliveryEvent{Kind: "mo", SystemID: s.SystemID(), Mode: s.Mode(), Text: outbindMOText, Err: err})
	m.mu.Unlock()
}

var moReplies = []string{"MO reply: hello @ 100% {ok}", "MO reply: Привет 👋"}

func (m *testSMSC) replyMO(systemID string, sm *pdu.SubmitSM) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i, text := range moReplies {
		d := &pdu.DeliverSM{
			SourceAddrTON: sm.DestAddrTON, SourceAddrNPI: sm.DestAddrNPI, SourceAddr: sm.DestinationAddr,
			DestAddrTON: sm.SourceAddrTON, DestAddrNPI: sm.SourceAddrNPI, DestinationAddr: sm.SourceAddr,
		}
		if i == 0 {
			d.DataCoding, d.ShortMessage = pdu.CodingDefault, mustGSM(text)
		} else {
			d.DataCoding, d.ShortMessage = pdu.CodingUCS2, ucs2Encode(text)
		}
		if err := m.sendMO(ctx, systemID, d); err != nil {
			m.problem("MO reply to %s: %v", systemID, err)
		}
	}
}

// sendMO delivers a mobile-originated deliver_sm to a receiver of systemID,
// waiting up to ctx for one to bind.
func (m *testSMSC) sendMO(ctx context.Context, systemID string, d *pdu.DeliverSM) error {
	var s *smpp.Session
	for {
		if s = m.receiver(systemID, nil); s != nil {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no RX/TRX session of %q: %w", systemID, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
	_, err := s.Deliver(ctx, d)
	m.mu.Lock()
	m.deliveries = append(m.deliveries, deliveryEvent{Kind: "mo", SystemID: systemID, Mode: s.Mode(), Text: decodeText(d.DataCoding, d.ShortMessage), Err: err})
	m.mu.Unlock()
	return err
}

// waitFor polls cond (called with m.mu held) until it holds or timeout.
func (m *testSMSC) waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		m.mu.Lock()
		ok := cond()
		m.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// snapshot helpers (copies taken under the lock).

func (m *testSMSC) Messages() []smsMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.messages)
}

func (m *testSMSC) Binds() []bindEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.binds)
}

func (m *testSMSC) Deliveries() []deliveryEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.deliveries)
}

// messageByText returns the message whose text is text.
func (m *testSMSC) messageByText(text string) (smsMessage, bool) {
	for _, msg := range m.Messages() {
		if msg.Text == text {
			return msg, true
		}
	}
	return smsMessage{}, false
}

// modes lists the bind modes that succeeded, sorted.
func (m *testSMSC) boundModes() []pdu.BindMode {
	var out []pdu.BindMode
	for _, b := range m.Binds() {
		if b.Status == pdu.StatusOK {
			out = append(out, b.Mode)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
