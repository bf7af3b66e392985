package conform

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

// ESMETarget is an ESME under test: conform plays the SMSC, waits for the
// ESME to bind on Listener and drives it through deliveries, receipts,
// keepalive, an unknown command, throttling and unbind (the flags of
// "smpp conform --listen"). Zero values select the documented defaults.
type ESMETarget struct {
	// Listener accepts the ESME's connections. Required; RunESME closes it
	// before returning.
	Listener net.Listener
	// SystemID is conform's system_id in bind responses and outbind
	// (default "conform"). Any bind is accepted.
	SystemID string
	// OutbindAddr, when set, is an ESME listening for outbind: conform
	// connects to it, sends outbind (with OutbindPassword) and expects a
	// bind on that connection. Without it the outbind check is skipped.
	OutbindAddr     string
	OutbindPassword string
	// Dial, when set, replaces net.Dialer.DialContext for outbind.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// BindWait bounds the wait for the ESME's bind (default 60s).
	BindWait time.Duration
	// Timeout bounds each check's wait for an answer (default 5s).
	Timeout time.Duration
	// Throttle is how long the throttling check answers every submission
	// with ESME_RTHROTTLED (default 3s).
	Throttle time.Duration
	// Run, when set, selects the checks whose ID it matches.
	Run *regexp.Regexp
	// OnResult, when set, is called after each check.
	OnResult func(Result)
}

func (t *ESMETarget) setDefaults() {
	if t.SystemID == "" {
		t.SystemID = "conform"
	}
	if t.BindWait <= 0 {
		t.BindWait = 60 * time.Second
	}
	if t.Timeout <= 0 {
		t.Timeout = 5 * time.Second
	}
	if t.Throttle <= 0 {
		t.Throttle = 3 * time.Second
	}
}

// esmeChecks are the checks RunESME performs, in order.
var esmeChecks = []Check{
	ec("esme.bind", "session.md §3", "the ESME binds (bind_transmitter, bind_receiver or bind_transceiver) within the bind wait", esmeBind),
	ec("esme.enquire-link", "pdus.md §6.4", "the ESME answers enquire_link with enquire_link_resp ESME_ROK and the same sequence_number", esmeEnquireLink),
	ec("esme.unknown-command", "pdus.md §4", "the ESME answers an unknown command_id with generic_nack ESME_RINVCMDID and the same sequence_number", esmeUnknownCommand),
	ec("esme.deliver-gsm", "pdus.md §6.10", "the ESME acknowledges an MO deliver_sm (GSM 7-bit) with deliver_sm_resp ESME_ROK and a NULL message_id", esmeDeliver(pdu.CodingDefault)),
	ec("esme.deliver-ucs2", "encoding.md §10", "the ESME acknowledges an MO deliver_sm in UCS2", esmeDeliver(pdu.CodingUCS2)),
	ec("esme.deliver-concat", "encoding.md §12.1", "the ESME acknowledges each part of a 3-part concatenated MO (8-bit reference UDH)", esmeConcat),
	ec("esme.receipt", "encoding.md §8", "the ESME acknowledges a delivery receipt (esm_class 0x04, Appendix B text, receipt TLVs)", esmeReceipt),
	ec("esme.throttle", "session.md §7.3", "answered ESME_RTHROTTLED, the ESME backs off instead of hammering", esmeThrottle),
	ec("esme.sequence-numbers", "pdus.md §2.2", "every request of the ESME carries a sequence_number in 1-0x7FFFFFFF", esmeSeqNumbers),
	ec("esme.unbind", "session.md §5", "the ESME answers unbind with unbind_resp ESME_ROK and the same sequence_number", esmeUnbind),
	ec("esme.outbind", "session.md §4", "connected to with outbind (--outbind), the ESME binds as receiver or transceiver on that connection", esmeOutbind),
}

// ESMEChecks returns the checks RunESME performs against an ESME, in order.
func ESMEChecks() []Check { return append([]Check(nil), esmeChecks...) }

// esmeConn is one connection from the ESME under test, served by conform
// playing the SMSC: binds are accepted, enquire_link answered, submissions
// given message ids (or ESME_RTHROTTLED while throttling).
type esmeConn struct {
	w      *wire
	sysID  string
	remote string

	mu         sync.Mutex
	bind       *pdu.Bind // accepted bind, nil before
	boundCh    chan struct{}
	submits    []time.Time // arrival of each submission
	lastSrc    pdu.Address // of the last submission
	lastDst    pdu.Address
	lastID     string
	throttling bool
	throttled  int
	requests   int
	badSeqs    []uint32
	unbound    bool // the ESME sent unbind

	ids atomic.Uint64
}

func newESMEConn(c net.Conn, sysID string) *esmeConn {
	x := &esmeConn{sysID: sysID, remote: c.RemoteAddr().String(), boundCh: make(chan struct{})}
	x.w = newWire(c, x.handle)
	return x
}

// handle serves the ESME's requests on the reader goroutine.
func (x *esmeConn) handle(w *wire, f frame) bool {
	x.mu.Lock()
	x.requests++
	if f.h.Seq == 0 || f.h.Seq > pdu.MaxSequence {
		x.badSeqs = append(x.badSeqs, f.h.Seq)
	}
	bound := x.bind != nil
	x.mu.Unlock()
	if f.p == nil { // undecodable: answer as pdus.md §4 says
		st := pdu.StatusSysErr
		var de *pdu.DecodeError
		if errors.As(f.err, &de) {
			st = de.Status
			if resp, ok := pdu.New(f.h.ID.Response()); ok && !de.GenericNACK() {
				w.sendSeq(f.h.Seq, st, resp)
				return true
			}
		}
		w.sendSeq(f.h.Seq, st, &pdu.GenericNACK{})
		return true
	}
	switch p := f.p.(type) {
	case *pdu.Bind:
		resp := &pdu.BindResp{Mode: p.Mode}
		if bound {
			w.sendSeq(f.h.Seq, pdu.StatusAlreadyBound, resp)
			return true
		}
		resp.SystemID = x.sysID
		if p.InterfaceVersion >= pdu.V34 {
			resp.TLVs.SetSCInterfaceVersion(pdu.V34)
		}
		w.sendSeq(f.h.Seq, pdu.StatusOK, resp)
		x.mu.Lock()
		x.bind = p
		x.mu.Unlock()
		close(x.boundCh)
		return true
	case *pdu.EnquireLink:
		w.sendSeq(f.h.Seq, pdu.StatusOK, &pdu.EnquireLinkResp{})
		return true
	case *pdu.Unbind:
		w.sendSeq(f.h.Seq, pdu.StatusOK, &pdu.UnbindResp{})
		x.mu.Lock()
		x.unbound = true
		x.mu.Unlock()
		go func() { time.Sleep(100 * time.Millisecond); w.conn.Close() }()
		return true
	}
	if _, ok := f.p.(*pdu.Unknown); ok {
		w.sendSeq(f.h.Seq, pdu.StatusInvCmdID, &pdu.GenericNACK{})
		return true
	}
	if !bound {
		if resp, ok := pdu.New(f.h.ID.Response()); ok && f.h.ID.Response() != 0 {
			w.sendSeq(f.h.Seq, pdu.StatusInvBindStatus, resp)
		} else {
			w.sendSeq(f.h.Seq, pdu.StatusInvBindStatus, &pdu.GenericNACK{})
		}
		return true
	}
	switch p := f.p.(type) {
	case *pdu.SubmitSM, *pdu.DataSM, *pdu.SubmitMulti:
		x.mu.Lock()
		x.submits = append(x.submits, f.at)
		throttle := x.throttling
		if throttle {
			x.throttled++
		}
		x.mu.Unlock()
		id := "cf" + strconv.FormatUint(x.ids.Add(1), 10)
		var resp pdu.PDU
		switch p := p.(type) {
		case *pdu.SubmitSM:
			resp = &pdu.SubmitSMResp{MessageID: id}
			if !throttle {
				x.mu.Lock()
				x.lastSrc, x.lastDst, x.lastID = p.Source(), p.Dest(), id
				x.mu.Unlock()
			}
		case *pdu.DataSM:
			resp = &pdu.DataSMResp{MessageID: id}
		default:
			resp = &pdu.SubmitMultiResp{MessageID: id}
		}
		if throttle {
			w.sendSeq(f.h.Seq, pdu.StatusThrottled, resp)
		} else {
			w.sendSeq(f.h.Seq, pdu.StatusOK, resp)
		}
		return true
	case *pdu.QuerySM:
		w.sendSeq(f.h.Seq, pdu.StatusOK, &pdu.QuerySMResp{MessageID: p.MessageID, MessageState: pdu.StateEnroute})
		return true
	}
	if rid := f.h.ID.Response(); rid != 0 {
		if resp, ok := pdu.New(rid); ok {
			// cancel_sm, replace_sm, broadcast: accepted as is;
			// deliver_sm is the MC's to send (session.md §2.3).
			st := pdu.StatusOK
			if f.h.ID == pdu.CmdDeliverSM {
				st = pdu.StatusInvBindStatus
			}
			w.sendSeq(f.h.Seq, st, resp)
		}
	}
	return true
}

func (x *esmeConn) lastIDSet() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.lastID != ""
}

func (x *esmeConn) boundReq() *pdu.Bind {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.bind
}

// esmeEnv is what the ESME checks work with.
type esmeEnv struct {
	t      *ESMETarget
	mu     sync.Mutex
	conns  []*esmeConn
	closed bool           // RunESME returned: close new connections at once
	newCh  chan *esmeConn // bound connections, in bind order
	bound  []*esmeConn
}

// receiver returns the bound connection that can receive deliver_sm.
func (x *esmeEnv) receiver() *esmeConn {
	for _, c := range x.bound {
		if c.boundReq().Mode.CanReceive() {
			return c
		}
	}
	return nil
}

// transmitter returns the bound connection that can submit.
func (x *esmeEnv) transmitter() *esmeConn {
	for _, c := range x.bound {
		if c.boundReq().Mode.CanSend() {
			return c
		}
	}
	return nil
}

// any returns a receiver, else any bound connection.
func (x *esmeEnv) any() *esmeConn {
	if c := x.receiver(); c != nil {
		return c
	}
	if len(x.bound) > 0 {
		return x.bound[0]
	}
	return nil
}

func (x *esmeEnv) accept(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		ec := newESMEConn(c, x.t.SystemID)
		x.mu.Lock()
		if x.closed {
			x.mu.Unlock()
			ec.w.Close()
			return
		}
		x.conns = append(x.conns, ec)
		x.mu.Unlock()
		go func() {
			select {
			case <-ec.boundCh:
				select {
				case x.newCh <- ec:
				default: // nobody waits for more binds
				}
			case <-ec.w.done:
			}
		}()
	}
}

// RunESME runs the ESME checks: it accepts connections on t.Listener,
// waits for the ESME to bind, then drives it check by check, each bounded
// by t.Timeout, and returns the report (early when ctx ends). An ESME that
// never binds fails esme.bind and skips the checks that need a session.
func RunESME(ctx context.Context, t ESMETarget) *Report {
	t.setDefaults()
	rep := &Report{Mode: "esme", Target: t.Listener.Addr().String(), Started: time.Now()}
	x := &esmeEnv{t: &t, newCh: make(chan *esmeConn, 16)}
	go x.accept(t.Listener)
	defer func() {
		t.Listener.Close()
		x.mu.Lock()
		x.closed = true
		conns := x.conns
		x.mu.Unlock()
		for _, c := range conns {
			c.w.Close()
		}
	}()
	emit := func(res Result) {
		rep.add(res)
		if t.OnResult != nil {
			t.OnResult(res)
		}
	}
	needSession := false // does any selected check need the ESME bound?
	for _, c := range esmeChecks {
		if c.ID != "esme.bind" && c.ID != "esme.outbind" && (t.Run == nil || t.Run.MatchString(c.ID)) {
			needSession = true
		}
	}
	for _, c := range esmeChecks {
		if t.Run != nil && !t.Run.MatchString(c.ID) && (c.ID != "esme.bind" || !needSession) {
			continue
		}
		var res Result
		switch {
		case c.ID == "esme.bind":
			res = runOne(ctx, c, t.BindWait+2*time.Second, func(ctx context.Context) Result { return c.esme(ctx, x) })
			if t.Run != nil && !t.Run.MatchString(c.ID) && res.Outcome == Pass {
				continue // needed, but not asked for
			}
		case c.ID == "esme.outbind":
			res = runOne(ctx, c, 3*t.Timeout, func(ctx context.Context) Result { return c.esme(ctx, x) })
		case len(x.bound) == 0:
			res = runOne(ctx, c, t.Timeout, func(context.Context) Result { return skip("-", "no ESME bound") })
		default:
			timeout := t.Timeout
			if c.ID == "esme.throttle" {
				timeout = 2*t.Timeout + t.Throttle + 2*time.Second
			}
			if c.ID == "esme.deliver-concat" {
				timeout = 3 * t.Timeout
			}
			res = runOne(ctx, c, timeout, func(ctx context.Context) Result { return c.esme(ctx, x) })
		}
		emit(res)
		if ctx.Err() != nil {
			break
		}
	}
	rep.Elapsed = time.Since(rep.Started)
	return rep
}

func esmeBind(ctx context.Context, x *esmeEnv) Result { return x.waitBind(ctx) }

// waitBind waits for the first bind, then briefly for a second one (an
// ESME binding a transmitter and a receiver separately).
func (x *esmeEnv) waitBind(ctx context.Context) Result {
	sent := "listening on " + x.t.Listener.Addr().String()
	wctx, cancel := context.WithTimeout(ctx, x.t.BindWait)
	defer cancel()
	select {
	case c := <-x.newCh:
		x.bound = append(x.bound, c)
	case <-wctx.Done():
		return fail(sent, "no bind within "+round(x.t.BindWait).String(), "a bind_transmitter, bind_receiver or bind_transceiver")
	}
	if m := x.bound[0].boundReq().Mode; m != pdu.BindTransceiver {
		gctx, cancel := context.WithTimeout(ctx, time.Second)
		select {
		case c := <-x.newCh:
			x.bound = append(x.bound, c)
		case <-gctx.Done():
		}
		cancel()
	}
	var got []string
	for _, c := range x.bound {
		b := c.boundReq()
		got = append(got, fmt.Sprintf("%v system_id=%q interface_version=0x%02x from %s", b.Mode.CommandID(), b.SystemID, b.InterfaceVersion, c.remote))
	}
	return pass(sent, strings.Join(got, "; "))
}

// closedNote describes a connection the ESME closed.
func closedNote(c *esmeConn) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.unbound {
		return "the ESME unbound earlier"
	}
	return "connection closed by the ESME"
}

func esmeEnquireLink(ctx context.Context, x *esmeEnv) Result {
	c := x.any()
	sent := "enquire_link"
	seq, f, err := c.w.call(ctx, &pdu.EnquireLink{})
	if err != nil && isClosed(err) {
		return fail(sent, closedNote(c), "enquire_link_resp ESME_ROK")
	}
	return judge(sent+fmt.Sprintf(" seq=%d", seq), f, err, seq, pdu.CmdEnquireLinkResp, x.t.Timeout, pdu.StatusOK)
}

func esmeUnknownCommand(ctx context.Context, x *esmeEnv) Result {
	c := x.any()
	seq := c.w.nextSeq() + 0x100
	sent := fmt.Sprintf("command_id 0x%08x seq=%d", uint32(unknownCmd), seq)
	if err := c.w.writeRaw(rawFrame(0, unknownCmd, pdu.StatusOK, seq, nil)); err != nil {
		return fail(sent, closedNote(c), "generic_nack ESME_RINVCMDID")
	}
	f, _, err := c.w.reply(ctx)
	if err != nil && isClosed(err) {
		return fail(sent, closedNote(c), "generic_nack ESME_RINVCMDID")
	}
	return judge(sent, f, err, seq, pdu.CmdGenericNACK, x.t.Timeout, pdu.StatusInvCmdID)
}

// moSource and moDest address the MO messages conform delivers.
var (
	moSource = pdu.Address{TON: pdu.TONInternational, NPI: pdu.NPIISDN, Addr: "15550100002"}
	moDest   = pdu.Address{TON: pdu.TONUnknown, NPI: pdu.NPIISDN, Addr: "12345"}
)

// deliver sends one deliver_sm and judges its response.
func deliver(ctx context.Context, x *esmeEnv, c *esmeConn, sent string, d *pdu.DeliverSM) Result {
	seq, f, err := c.w.call(ctx, d)
	if err != nil && isClosed(err) {
		return fail(sent, closedNote(c), "deliver_sm_resp ESME_ROK")
	}
	r := judge(sent, f, err, seq, pdu.CmdDeliverSMResp, x.t.Timeout, pdu.StatusOK)
	if r.Outcome == Pass {
		if p, ok := f.p.(*pdu.DeliverSMResp); ok && p.MessageID != "" {
			return fail(sent, r.Received, "message_id NULL in deliver_sm_resp (pdus.md §6.10)")
		}
	}
	return r
}

func esmeDeliver(dc pdu.DataCoding) func(context.Context, *esmeEnv) Result {
	return func(ctx context.Context, x *esmeEnv) Result {
		name, text, ud := codingSample(dc)
		text = strings.Replace(text, "conform", "conform MO", 1)
		ud, _ = codecFor(dc).Encode(text)
		sent := fmt.Sprintf("deliver_sm %s %q", name, text)
		c := x.receiver()
		if c == nil {
			return skip(sent, "the ESME bound no receiver or transceiver session")
		}
		d := &pdu.DeliverSM{DataCoding: dc, ShortMessage: ud}
		d.SetSource(moSource)
		d.SetDest(moDest)
		return deliver(ctx, x, c, sent, d)
	}
}

func codecFor(dc pdu.DataCoding) coding.Codec {
	if dc == pdu.CodingUCS2 {
		return coding.UCS2{}
	}
	return coding.GSM7{}
}

// concatText is the 3-part MO of esme.deliver-concat: 400 GSM characters.
func concatText() string {
	var b strings.Builder
	for i := 1; b.Len() < 400; i++ {
		fmt.Fprintf(&b, "conform long MO part text %03d. ", i)
	}
	return b.String()[:400]
}

func esmeConcat(ctx context.Context, x *esmeEnv) Result {
	text := concatText()
	segs, err := coding.Split(text, coding.GSM7{}, coding.ConcatUDH8, 0x5a)
	sent := fmt.Sprintf("3 deliver_sm of a %d-character text with UDH reference 0x5a", len(text))
	if err != nil || len(segs) != 3 {
		return fail(sent, fmt.Sprintf("cannot build the parts: %v (%d parts)", err, len(segs)), "3 parts")
	}
	c := x.receiver()
	if c == nil {
		return skip(sent, "the ESME bound no receiver or transceiver session")
	}
	var got []string
	for _, s := range segs {
		d := &pdu.DeliverSM{}
		d.SetSource(moSource)
		d.SetDest(moDest)
		s.ApplyDeliver(d)
		r := deliver(ctx, x, c, sent, d)
		if r.Outcome != Pass {
			r.Received = fmt.Sprintf("part %d/%d: %s", s.Seq, s.Total, r.Received)
			return r
		}
		got = append(got, fmt.Sprintf("%d/%d ESME_ROK", s.Seq, s.Total))
	}
	return pass(sent, "deliver_sm_resp "+strings.Join(got, ", "))
}

func esmeReceipt(ctx context.Context, x *esmeEnv) Result {
	c := x.receiver()
	if c == nil {
		return skip("deliver_sm receipt", "the ESME bound no receiver or transceiver session")
	}
	id, src, dst := "cf-receipt-1", pdu.Address{TON: pdu.TONAlphanumeric, Addr: "conform"}, moSource
	note := "for an invented message_id"
	// A receipt for one of the ESME's own submissions, if it makes any
	// (waiting up to a second for one).
	if tx := x.transmitter(); tx != nil {
		deadline := time.Now().Add(min(time.Second, x.t.Timeout))
		for {
			tx.mu.Lock()
			if tx.lastID != "" {
				id, src, dst, note = tx.lastID, tx.lastSrc, tx.lastDst, "for its submission"
			}
			tx.mu.Unlock()
			if tx.lastIDSet() || time.Now().After(deadline) || ctx.Err() != nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	now := time.Now()
	r := dlr.New(id, pdu.StateDelivered, now.Add(-time.Minute), now)
	r.Text = "conform"
	d := r.DeliverSM(src, dst, dlr.BuildOptions{TLVs: c.boundReq().InterfaceVersion >= pdu.V34})
	sent := fmt.Sprintf("deliver_sm receipt id:%s stat:DELIVRD (%s)", id, note)
	return deliver(ctx, x, c, sent, d)
}

func esmeThrottle(ctx context.Context, x *esmeEnv) Result {
	sent := fmt.Sprintf("ESME_RTHROTTLED to every submission for %v", round(x.t.Throttle))
	c := x.transmitter()
	if c == nil {
		return skip(sent, "the ESME bound no transmitter or transceiver session")
	}
	count := func(from, to time.Time) int {
		c.mu.Lock()
		defer c.mu.Unlock()
		n := 0
		for _, t := range c.submits {
			if !t.Before(from) && t.Before(to) {
				n++
			}
		}
		return n
	}
	// Wait for traffic.
	deadline := time.Now().Add(x.t.Timeout)
	for {
		c.mu.Lock()
		n := len(c.submits)
		c.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) || c.w.closed() {
			return skip(sent, "the ESME submitted nothing within "+round(x.t.Timeout).String())
		}
		select {
		case <-ctx.Done():
			return fail(sent, "interrupted", "")
		case <-time.After(20 * time.Millisecond):
		}
	}
	sleep := func(d time.Duration) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(d):
			return true
		}
	}
	base := time.Second
	b0 := time.Now()
	if !sleep(base) {
		return fail(sent, "interrupted", "")
	}
	baseRate := float64(count(b0, time.Now())) / time.Since(b0).Seconds()
	c.mu.Lock()
	c.throttling = true
	c.throttled = 0
	c.mu.Unlock()
	t0 := time.Now()
	ok := sleep(x.t.Throttle)
	c.mu.Lock()
	c.throttling = false
	throttled := c.throttled
	c.mu.Unlock()
	el := time.Since(t0)
	if !ok {
		return fail(sent, "interrupted", "")
	}
	n := count(t0, t0.Add(el))
	rate := float64(n) / el.Seconds()
	got := fmt.Sprintf("%.1f submissions/s before; while throttled %d in %v (%.1f/s, %d answered ESME_RTHROTTLED)",
		baseRate, n, round(el), rate, throttled)
	if c.w.closed() {
		got += "; the ESME closed the connection"
	}
	const floor = 5.0 // submissions per second that never count as hammering
	if rate > floor && rate > baseRate/2 {
		return fail(sent, got, fmt.Sprintf("a back-off: at most half the unthrottled rate or %.0f/s", floor))
	}
	return pass(sent, got)
}

func esmeSeqNumbers(ctx context.Context, x *esmeEnv) Result {
	sent := "(observed) the ESME's requests"
	var n int
	var bad []string
	for _, c := range x.bound {
		c.mu.Lock()
		n += c.requests
		for _, s := range c.badSeqs {
			bad = append(bad, fmt.Sprintf("0x%x", s))
		}
		c.mu.Unlock()
	}
	if len(bad) > 0 {
		return fail(sent, fmt.Sprintf("%d request(s), sequence_number %s", n, strings.Join(bad, ", ")), "sequence_numbers in 0x00000001-0x7FFFFFFF")
	}
	return pass(sent, fmt.Sprintf("%d request(s), all sequence_numbers in range", n))
}

func esmeUnbind(ctx context.Context, x *esmeEnv) Result {
	c := x.any()
	sent := "unbind"
	seq, f, err := c.w.call(ctx, &pdu.Unbind{})
	if err != nil && isClosed(err) {
		return fail(sent, closedNote(c), "unbind_resp ESME_ROK")
	}
	r := judge(sent+fmt.Sprintf(" seq=%d", seq), f, err, seq, pdu.CmdUnbindResp, x.t.Timeout, pdu.StatusOK)
	// The other sessions, if any, are unbound too (best effort).
	for _, o := range x.bound {
		if o != c && !o.w.closed() {
			uctx, cancel := context.WithTimeout(ctx, time.Second)
			if s, err := o.w.send(&pdu.Unbind{}); err == nil {
				o.w.await(uctx, s)
			}
			cancel()
		}
	}
	return r
}

func esmeOutbind(ctx context.Context, x *esmeEnv) Result {
	t := x.t
	if t.OutbindAddr == "" {
		return skip("outbind", "no --outbind ADDR given")
	}
	sent := fmt.Sprintf("outbind system_id=%q to %s", t.SystemID, t.OutbindAddr)
	dial := t.Dial
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	conn, err := dial(ctx, "tcp", t.OutbindAddr)
	if err != nil {
		return fail(sent, "cannot connect: "+err.Error(), "a connection to the ESME's outbind listener")
	}
	ec := newESMEConn(conn, t.SystemID)
	defer ec.w.Close()
	want := "bind_receiver or bind_transceiver on the same connection"
	if err := ec.w.sendSeq(ec.w.nextSeq(), pdu.StatusOK, &pdu.Outbind{SystemID: t.SystemID, Password: t.OutbindPassword}); err != nil {
		return fail(sent, "write failed: "+err.Error(), want)
	}
	select {
	case <-ec.boundCh:
	case <-ec.w.done:
		return fail(sent, "connection closed by the ESME without a bind", want)
	case <-ctx.Done():
		return fail(sent, "no bind within "+round(3*t.Timeout).String(), want)
	}
	b := ec.boundReq()
	got := fmt.Sprintf("%v system_id=%q, answered ESME_ROK", b.Mode.CommandID(), b.SystemID)
	if !b.Mode.CanReceive() {
		return fail(sent, got, want)
	}
	seq, f, err := ec.w.call(ctx, &pdu.Unbind{})
	if err == nil && f.h.ID == pdu.CmdUnbindResp && f.h.Seq == seq && f.h.Status == pdu.StatusOK {
		got += ", then unbound"
	}
	return pass(sent, got)
}
