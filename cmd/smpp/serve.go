package main

// smpp serve: a bare SMSC simulator on the library alone (no storage).
//
// It accepts any bind (or, with --password, only binds with that password),
// answers every request an ESME may send (session.md §2.1): submit_sm,
// submit_multi, data_sm and broadcast_sm get a message id; query_sm,
// cancel_sm, replace_sm, query_broadcast_sm and cancel_broadcast_sm act on
// the ids it issued. A message counts as ENROUTE for --delivery-delay after
// its submission and as DELIVERED afterwards, unless it was cancelled first
// (DELETED). With --dlr, each message whose registered_delivery asks for a
// receipt gets one when it reaches its final state: a deliver_sm with
// esm_class 0x04, the Appendix B text and the receipted_message_id /
// message_state TLVs (encoding.md §8), sent to the submitting session when
// it is a transceiver, else to a receiver of the same system_id; with none
// bound the receipt is dropped and logged. --mo-every injects mobile
// originated messages into every bound receiver.
//
// The submit path is cheap: ids come from an atomic counter and the state of
// the most recent ids lives in a lock-free ring (no map, no mutex), which is
// all query/cancel/replace need.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

const serveSynopsis = `smpp serve [--addr HOST:PORT] [--dlr] [--delivery-delay D] [--mo-every D] [--password PW]
       [--tls-cert FILE --tls-key FILE] [--window N] [--log-level debug|info|warn|error]

A bare SMSC simulator: accepts any bind (with --password: only that
password), gives every submit_sm, submit_multi, data_sm and broadcast_sm a
message id, and answers query_sm, cancel_sm, replace_sm, query_broadcast_sm
and cancel_broadcast_sm for the ids it issued. A message is ENROUTE for
--delivery-delay, then DELIVERED; cancel_sm turns an ENROUTE message into
DELETED. With --dlr every message whose registered_delivery asks for it gets
a delivery receipt (deliver_sm, esm_class 0x04, Appendix B text plus the
receipted_message_id and message_state TLVs) on the submitting transceiver
or a receiver bound with the same system_id. --mo-every injects "MO test N"
into every bound receiver. It prints "smpp serve: listening on ADDR" once
listening, logs on stderr, and shuts down gracefully on SIGINT or SIGTERM.`

// serveOptions are the flags of smpp serve.
type serveOptions struct {
	addr          string
	systemID      string
	password      string
	dlr           bool
	deliveryDelay time.Duration
	moEvery       time.Duration
	moFrom, moTo  string
	tlsCert       string
	tlsKey        string
	window        int
	logLevel      string
	ringSize      int
	cpuProfile    string
}

// runServe is the serve subcommand. It returns when ctx ends or on SIGINT /
// SIGTERM, after a graceful shutdown.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{name: "smpp serve", stdout: stdout, stderr: stderr}
	fs := newFlagSet("serve")
	var o serveOptions
	fs.StringVar(&o.addr, "addr", "127.0.0.1:2775", "listen on `HOST:PORT` (port 0 picks a free port; the line printed names it)")
	fs.StringVar(&o.systemID, "system-id", "smpp", "system_id sent in bind responses")
	fs.StringVar(&o.password, "password", "", "refuse binds with another password (ESME_RINVPASWD); default: accept any bind")
	fs.BoolVar(&o.dlr, "dlr", false, "send a delivery receipt for every message whose registered_delivery asks for one")
	fs.DurationVar(&o.deliveryDelay, "delivery-delay", 0, "how long a message stays ENROUTE (cancellable) before it is DELIVERED and receipted")
	fs.DurationVar(&o.moEvery, "mo-every", 0, "inject a mobile-originated deliver_sm into every bound receiver every `D` (0: never)")
	fs.StringVar(&o.moFrom, "mo-from", "15550001111", "source_addr of injected MO messages")
	fs.StringVar(&o.moTo, "mo-to", "12345", "destination_addr of injected MO messages")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "serve TLS with this certificate `FILE` (PEM)")
	fs.StringVar(&o.tlsKey, "tls-key", "", "private key `FILE` (PEM) of --tls-cert")
	fs.IntVar(&o.window, "window", 256, "outstanding deliver_sm per session (receipts, MO); the inbound window is max(1024, 4×N)")
	fs.StringVar(&o.logLevel, "log-level", "info", "log `level` on stderr: debug, info, warn or error")
	fs.IntVar(&o.ringSize, "remember", 1<<20, "how many recent message ids query_sm/cancel_sm/replace_sm know (rounded up to a power of two)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile to `FILE` until shutdown")
	if ok, code := c.parse(fs, args, serveSynopsis); !ok {
		return code
	}
	level, err := parseLogLevel(o.logLevel)
	if err != nil {
		return c.usageError("%v", err)
	}
	switch {
	case o.window <= 0:
		return c.usageError("invalid --window %d: must be positive", o.window)
	case (o.tlsCert == "") != (o.tlsKey == ""):
		return c.usageError("--tls-cert and --tls-key go together")
	case o.deliveryDelay < 0 || o.moEvery < 0:
		return c.usageError("durations must not be negative")
	case o.ringSize <= 0:
		return c.usageError("invalid --remember %d: must be positive", o.ringSize)
	case len(o.systemID) > 15:
		return c.usageError("invalid --system-id %q: at most 15 characters", o.systemID)
	case len(o.moFrom) > 20 || len(o.moTo) > 20:
		return c.usageError("--mo-from and --mo-to take at most 20 characters")
	}
	if _, _, err := net.SplitHostPort(o.addr); err != nil {
		return c.usageError("invalid --addr %q: want HOST:PORT", o.addr)
	}
	var tlsCfg *tls.Config
	if o.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return c.errorf(exitFail, "cannot load TLS certificate: %v", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return c.errorf(exitFail, "cannot listen on %s: %s", o.addr, netErrText(err))
	}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	sim := newSimulator(o, logger)
	scheme := ""
	if tlsCfg != nil {
		scheme = " (TLS)"
	}
	stopProfile, err := startCPUProfile(o.cpuProfile)
	if err != nil {
		ln.Close()
		return c.errorf(exitFail, "cannot write CPU profile: %v", err)
	}
	defer stopProfile()
	fmt.Fprintf(stdout, "smpp serve: listening on %s%s\n", ln.Addr(), scheme)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := sim.run(ctx, ln); err != nil {
		return c.errorf(exitFail, "%v", err)
	}
	return exitOK
}

func parseLogLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("invalid --log-level %q: want debug, info, warn or error", s)
}

// Message states kept in a ring slot. A live message is ENROUTE until its
// delivery time and DELIVERED afterwards; the state is computed when asked,
// so nothing runs per message unless a receipt is due.
const (
	slotLive    uint32 = iota // ENROUTE until submitted+delay, then DELIVERED
	slotDeleted               // cancelled while ENROUTE
)

// msgSlot remembers one recent message id. Writers publish with a seqlock
// pattern on id (0 while being written) so readers never see a torn slot.
type msgSlot struct {
	id    atomic.Uint64
	at    atomic.Int64 // submission, simulator time (see issue)
	done  atomic.Int64 // cancellation, simulator time
	state atomic.Uint32
}

// dlrJob is a receipt waiting for its message's delivery time. The handler
// only copies references into it; the receipt text is decoded by the
// dispatcher, whose stack is already grown (a request goroutine starts with a
// small one).
type dlrJob struct {
	from     *smpp.Session // the submitting session
	id       uint64
	at       int64       // submission, simulator time
	src, dst pdu.Address // of the original message
	reg      pdu.RegisteredDelivery
	esm      pdu.ESMClass
	dc       pdu.DataCoding
	ud       []byte   // user data of the original message (aliases its frame)
	tlvs     pdu.TLVs // its TLVs (for SAR and message_payload)
}

// simulator is the SMSC behind smpp serve. It is the Binder and the Handler
// of every session.
type simulator struct {
	opts   serveOptions
	log    *slog.Logger
	srv    *smpp.Server
	start  time.Time // origin of the simulator times in the ring
	nextID atomic.Uint64
	ring   []msgSlot
	mask   uint64
	delay  int64 // deliveryDelay in nanoseconds

	receivers registry
	dlrq      chan dlrJob
	callDone  chan *smpp.Call // completions of our deliver_sm (receipts, MO)
	moSeq     atomic.Uint64

	// Counters for the final log line.
	receiptsSent, receiptsDropped, moSent atomic.Uint64
}

func newSimulator(o serveOptions, log *slog.Logger) *simulator {
	n := 1
	for n < o.ringSize {
		n <<= 1
	}
	sim := &simulator{
		opts:     o,
		log:      log,
		start:    time.Now(),
		ring:     make([]msgSlot, n),
		mask:     uint64(n - 1),
		delay:    int64(o.deliveryDelay),
		callDone: make(chan *smpp.Call, 4096),
	}
	sim.receivers.bySys = make(map[string][]*smpp.Session)
	if o.dlr {
		sim.dlrq = make(chan dlrJob, 8192)
	}
	sim.srv = &smpp.Server{
		Addr:      o.addr,
		SystemID:  o.systemID,
		Binder:    sim,
		ConnState: sim.connState,
		SessionConfig: smpp.SessionConfig{
			Window:        o.window,
			InboundWindow: max(1024, 4*o.window),
			Logger:        log,
		},
	}
	return sim
}

// run serves ln until ctx ends, then shuts down gracefully: every session is
// unbound after its outstanding requests are answered.
func (sim *simulator) run(ctx context.Context, ln net.Listener) error {
	var wg sync.WaitGroup
	bg, cancel := context.WithCancel(context.Background())
	defer cancel()
	wg.Add(2)
	go func() { defer wg.Done(); sim.dispatchReceipts(bg) }()
	go func() { defer wg.Done(); sim.drainCalls(bg) }()
	if sim.opts.moEvery > 0 {
		wg.Add(1)
		go func() { defer wg.Done(); sim.injectMO(bg, sim.opts.moEvery) }()
	}
	errc := make(chan error, 1)
	go func() { errc <- sim.srv.Serve(ln) }()
	var err error
	select {
	case <-ctx.Done():
		sim.log.Info("shutting down")
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		sim.srv.Shutdown(sctx)
		scancel()
		<-errc
	case err = <-errc:
		sim.srv.Close()
	}
	cancel()
	wg.Wait()
	sim.log.Info("stopped", "messages", sim.nextID.Load(), "receipts_sent", sim.receiptsSent.Load(),
		"receipts_dropped", sim.receiptsDropped.Load(), "mo_sent", sim.moSent.Load())
	if errors.Is(err, smpp.ErrServerClosed) {
		err = nil
	}
	return err
}

// Bind accepts any bind, or only binds with --password when it is set.
func (sim *simulator) Bind(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
	if sim.opts.password != "" && b.Password != sim.opts.password {
		sim.log.Info("bind refused", "system_id", b.SystemID, "remote", s.RemoteAddr().String(), "status", pdu.StatusInvPassword.String())
		return nil, pdu.StatusInvPassword
	}
	sim.log.Info("bind", "system_id", b.SystemID, "mode", b.Mode.String(), "remote", s.RemoteAddr().String())
	if b.Mode.CanReceive() {
		sim.receivers.add(b.SystemID, s)
	}
	return sim, nil
}

// connState forgets closed sessions (no goroutine per session waits for
// that, which keeps idle sessions small).
func (sim *simulator) connState(s *smpp.Session, st smpp.State) {
	if st != smpp.StateClosed {
		return
	}
	if id := s.SystemID(); id != "" {
		sim.receivers.remove(id, s)
		sim.log.Debug("session closed", "system_id", id, "remote", s.RemoteAddr().String(), "reason", fmt.Sprint(s.Err()))
	}
}

// ServeSMPP answers the requests of a bound ESME.
//
// Each request runs on a fresh goroutine with a small stack, so the hot
// path (submit_sm) keeps its frames small: a large frame here made every
// request grow and copy its stack, which cost a sixth of the server's CPU.
// The other requests are served by separate functions that are not inlined.
func (sim *simulator) ServeSMPP(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
	if p, ok := r.PDU.(*pdu.SubmitSM); ok {
		return sim.submitSM(ctx, r.Session, p)
	}
	return sim.serveOther(ctx, r)
}

// submitSM answers submit_sm with a new message id.
func (sim *simulator) submitSM(ctx context.Context, s *smpp.Session, p *pdu.SubmitSM) (pdu.PDU, error) {
	if err := checkAddrs(p.SourceAddrTON, p.DestAddrTON, p.DestinationAddr); err != nil {
		return nil, err
	}
	if len(p.ShortMessage) > 0 && p.TLVs.Has(pdu.TagMessagePayload) {
		return nil, pdu.StatusInvMsgLen // mutually exclusive (encoding.md §11.1)
	}
	var sched int64
	if p.ScheduleDeliveryTime != "" || p.ValidityPeriod != "" {
		var err error
		if sched, err = sim.times(p.ScheduleDeliveryTime, p.ValidityPeriod); err != nil {
			return nil, err
		}
	}
	id, at := sim.issueAt(sched)
	if sim.opts.dlr && wantsReceipt(p.RegisteredDelivery) {
		if err := sim.queueSubmitReceipt(ctx, s, id, at, p); err != nil {
			return nil, err
		}
	}
	return &pdu.SubmitSMResp{MessageID: strconv.FormatUint(id, 10)}, nil
}

//go:noinline
func (sim *simulator) queueSubmitReceipt(ctx context.Context, s *smpp.Session, id uint64, at int64, p *pdu.SubmitSM) error {
	return sim.queueReceipt(ctx, s, id, at, p.Source(), p.Dest(), p.RegisteredDelivery, p.ESMClass, p.DataCoding, p.Message(), p.TLVs)
}

// serveOther answers every request but submit_sm.
//
//go:noinline
func (sim *simulator) serveOther(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
	switch p := r.PDU.(type) {
	case *pdu.SubmitMulti:
		if len(p.DestAddresses) == 0 {
			return nil, pdu.StatusInvNumDests
		}
		if p.SourceAddrTON > pdu.TONAbbreviated {
			return nil, pdu.StatusInvSrcTON
		}
		sched, err := sim.times(p.ScheduleDeliveryTime, p.ValidityPeriod)
		if err != nil {
			return nil, err
		}
		// The simulator has no distribution lists: each is reported
		// unsuccessful (pdus.md §6.8).
		var unsuccess []pdu.UnsuccessSME
		smes := 0
		for _, d := range p.DestAddresses {
			if d.DestFlag == pdu.DestFlagDL {
				unsuccess = append(unsuccess, pdu.UnsuccessSME{DestinationAddr: d.DLName, ErrorStatusCode: pdu.StatusInvDLName})
			} else {
				smes++
			}
		}
		if smes == 0 {
			return nil, pdu.StatusInvDLName
		}
		id, at := sim.issueAt(sched)
		if sim.opts.dlr && wantsReceipt(p.RegisteredDelivery) {
			for _, d := range p.DestAddresses {
				if d.DestFlag != pdu.DestFlagSME {
					continue
				}
				dst := pdu.Address{TON: d.DestAddrTON, NPI: d.DestAddrNPI, Addr: d.DestinationAddr}
				if err := sim.queueReceipt(ctx, r.Session, id, at, p.Source(), dst, p.RegisteredDelivery,
					p.ESMClass, p.DataCoding, p.Message(), p.TLVs); err != nil {
					return nil, err
				}
			}
		}
		return &pdu.SubmitMultiResp{MessageID: strconv.FormatUint(id, 10), UnsuccessSMEs: unsuccess}, nil
	case *pdu.DataSM:
		if err := checkAddrs(p.SourceAddrTON, p.DestAddrTON, p.DestinationAddr); err != nil {
			return nil, err
		}
		id, at := sim.issue()
		if sim.opts.dlr && wantsReceipt(p.RegisteredDelivery) {
			if err := sim.queueReceipt(ctx, r.Session, id, at, p.Source(), p.Dest(), p.RegisteredDelivery,
				p.ESMClass, p.DataCoding, p.Message(), p.TLVs); err != nil {
				return nil, err
			}
		}
		return &pdu.DataSMResp{MessageID: strconv.FormatUint(id, 10)}, nil
	case *pdu.QuerySM:
		id, ok := sim.parseID(p.MessageID)
		if !ok {
			return nil, pdu.StatusInvMsgID
		}
		st, final, known := sim.state(id)
		if !known {
			return nil, pdu.StatusQueryFail
		}
		resp := &pdu.QuerySMResp{MessageID: p.MessageID, MessageState: st}
		if !final.IsZero() {
			resp.FinalDate = pdu.FormatTime(final)
		}
		return resp, nil
	case *pdu.CancelSM:
		id, ok := sim.parseID(p.MessageID)
		if !ok || !sim.cancel(id) {
			return nil, pdu.StatusCancelFail
		}
		return &pdu.CancelSMResp{}, nil
	case *pdu.ReplaceSM:
		id, ok := sim.parseID(p.MessageID)
		if !ok {
			return nil, pdu.StatusReplaceFail
		}
		if st, _, known := sim.state(id); !known || st != pdu.StateEnroute && st != pdu.StateScheduled {
			return nil, pdu.StatusReplaceFail
		}
		return &pdu.ReplaceSMResp{}, nil
	case *pdu.BroadcastSM:
		if t := p.MissingTLV(); t != 0 {
			return nil, pdu.StatusMissingTLV
		}
		id, _ := sim.issue()
		return &pdu.BroadcastSMResp{MessageID: strconv.FormatUint(id, 10)}, nil
	case *pdu.QueryBroadcastSM:
		id, ok := sim.parseID(p.MessageID)
		if !ok {
			return nil, pdu.StatusBcastQueryFail
		}
		st, _, known := sim.state(id)
		if !known {
			return nil, pdu.StatusBcastQueryFail
		}
		resp := &pdu.QueryBroadcastSMResp{MessageID: p.MessageID}
		resp.TLVs.SetUint8(pdu.TagMessageState, uint8(st))
		// Format 0x00 (name/alias) with no name: the simulator keeps no areas.
		resp.TLVs.Set(pdu.TagBroadcastAreaIdentifier, []byte{0x00})
		success := uint8(0)
		if st == pdu.StateDelivered {
			success = 100
		}
		resp.TLVs.SetUint8(pdu.TagBroadcastAreaSuccess, success)
		return resp, nil
	case *pdu.CancelBroadcastSM:
		id, ok := sim.parseID(p.MessageID)
		if !ok || !sim.cancel(id) {
			return nil, pdu.StatusBcastCancelFail
		}
		return &pdu.CancelBroadcastSMResp{}, nil
	}
	return nil, pdu.StatusInvCmdID
}

// checkAddrs validates the addresses of a submission: an empty destination
// is ESME_RINVDSTADR, a TON above 6 (encoding.md §6) ESME_RINVSRCTON or
// ESME_RINVDSTTON.
func checkAddrs(srcTON, dstTON pdu.TON, dst string) error {
	switch {
	case dst == "":
		return pdu.StatusInvDstAddr
	case srcTON > pdu.TONAbbreviated:
		return pdu.StatusInvSrcTON
	case dstTON > pdu.TONAbbreviated:
		return pdu.StatusInvDstTON
	}
	return nil
}

// wantsReceipt reports whether registered_delivery asks for an MC receipt
// for a delivered message (encoding.md §3): 1 (always) or 3 (v5.0: on
// success); 2 (failure only) gets one only for a cancelled message.
func wantsReceipt(reg pdu.RegisteredDelivery) bool {
	return reg&pdu.RegReceiptMask != 0 || reg&pdu.RegIntermediate != 0
}

// issue returns a new message id and remembers it with its submission
// time (nanoseconds since the simulator started, from the monotonic clock,
// which is cheaper to read than the wall clock).
func (sim *simulator) issue() (uint64, int64) { return sim.issueAt(0) }

// issueAt is issue for a message whose delivery starts at the simulator
// time sched (0: now).
func (sim *simulator) issueAt(sched int64) (uint64, int64) {
	id := sim.nextID.Add(1)
	at := max(int64(time.Since(sim.start)), sched)
	s := &sim.ring[id&sim.mask]
	s.id.Store(0)
	s.at.Store(at)
	s.done.Store(0)
	s.state.Store(slotLive)
	s.id.Store(id)
	return id, at
}

// times checks schedule_delivery_time and validity_period (encoding.md §5)
// and returns when delivery starts, in simulator time (0: now).
//
//go:noinline
func (sim *simulator) times(sched, valid string) (int64, error) {
	now := time.Now()
	var at int64
	if sched != "" {
		t, err := pdu.ParseTime(sched)
		if err != nil {
			return 0, pdu.StatusInvSched
		}
		at = int64(t.Resolve(now).Sub(sim.start))
	}
	if valid != "" {
		t, err := pdu.ParseTime(valid)
		if err != nil || !t.Resolve(now).After(now) {
			return 0, pdu.StatusInvExpiry
		}
	}
	return at, nil
}

// delayDuration is the delivery delay as a duration.
func (sim *simulator) delayDuration() time.Duration { return time.Duration(sim.delay) }

// wall converts a simulator time to wall-clock time.
func (sim *simulator) wall(at int64) time.Time { return sim.start.Add(time.Duration(at)) }

// now is the current simulator time.
func (sim *simulator) now() int64 { return int64(time.Since(sim.start)) }

// parseID parses a message id this simulator could have issued.
func (sim *simulator) parseID(s string) (uint64, bool) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 || id > sim.nextID.Load() {
		return 0, false
	}
	return id, true
}

// slot returns the ring slot of id and a consistent copy of it, or false
// when id has been forgotten.
func (sim *simulator) slot(id uint64) (s *msgSlot, at, done int64, state uint32, ok bool) {
	s = &sim.ring[id&sim.mask]
	if s.id.Load() != id {
		return nil, 0, 0, 0, false
	}
	at, done, state = s.at.Load(), s.done.Load(), s.state.Load()
	if s.id.Load() != id {
		return nil, 0, 0, 0, false
	}
	return s, at, done, state, true
}

// state returns the message state of id (encoding.md §7) and, for a final
// state, when it was reached.
func (sim *simulator) state(id uint64) (pdu.MessageState, time.Time, bool) {
	_, at, done, st, ok := sim.slot(id)
	if !ok {
		return 0, time.Time{}, false
	}
	if st == slotDeleted {
		return pdu.StateDeleted, sim.wall(done), true
	}
	due := at + sim.delay
	if now := sim.now(); now < at {
		return pdu.StateScheduled, time.Time{}, true
	} else if now < due {
		return pdu.StateEnroute, time.Time{}, true
	}
	return pdu.StateDelivered, sim.wall(due), true
}

// cancel deletes an ENROUTE message; it reports false for an unknown or
// final one.
func (sim *simulator) cancel(id uint64) bool {
	s, at, _, st, ok := sim.slot(id)
	now := sim.now()
	if !ok || st != slotLive || now >= at+sim.delay {
		return false
	}
	s.done.Store(now)
	if !s.state.CompareAndSwap(slotLive, slotDeleted) {
		return false
	}
	// The slot may have been reused for a newer id meanwhile.
	return s.id.Load() == id
}

// queueReceipt queues the receipt of message id for its delivery time.
func (sim *simulator) queueReceipt(ctx context.Context, s *smpp.Session, id uint64, at int64,
	src, dst pdu.Address, reg pdu.RegisteredDelivery, esm pdu.ESMClass, dc pdu.DataCoding, ud []byte, tlvs pdu.TLVs) error {
	job := dlrJob{from: s, id: id, at: at, src: src, dst: dst, reg: reg, esm: esm, dc: dc, ud: ud, tlvs: tlvs}
	select {
	case sim.dlrq <- job:
		return nil
	case <-ctx.Done():
		return pdu.StatusSysErr
	}
}

// receiptText is the start of the original message for the receipt's text
// field (dlr.DefaultTextLen characters): its decoded text after any UDH, or
// "" for binary data. Only a prefix of the user data is decoded.
func receiptText(esm pdu.ESMClass, dc pdu.DataCoding, ud []byte, tlvs pdu.TLVs) string {
	part, err := coding.ParsePart(esm, ud, tlvs)
	if err != nil {
		return ""
	}
	part.DataCoding = dc
	// 84 octets hold at least 20 characters in every character set (GSM
	// escapes and UTF-16 surrogate pairs take two units); a cut through a
	// character fails to decode, so retry a little shorter.
	const prefix = 4 * dlr.DefaultTextLen
	if body := len(part.Data) - part.UDHLen; body > prefix {
		part.Data = part.Data[:part.UDHLen+prefix+4]
	}
	for range 4 {
		text, ok := partsText([]coding.Part{part})
		if ok {
			r := []rune(text)
			if len(r) > dlr.DefaultTextLen {
				r = r[:dlr.DefaultTextLen]
			}
			return string(r)
		}
		if len(part.Data)-part.UDHLen <= prefix {
			return ""
		}
		part.Data = part.Data[:len(part.Data)-1]
	}
	return ""
}

// dispatchReceipts sends each queued receipt at its due time, after an
// intermediate notification (registered_delivery 0x10) as soon as the job is
// taken. Jobs are queued in submission order with the same delay, so the
// head is always the next due.
func (sim *simulator) dispatchReceipts(ctx context.Context) {
	if sim.dlrq == nil {
		return
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		var job dlrJob
		select {
		case job = <-sim.dlrq:
		case <-ctx.Done():
			return
		}
		text := receiptText(job.esm, job.dc, job.ud, job.tlvs)
		job.ud, job.tlvs = nil, nil // let the frame go
		if job.reg&pdu.RegIntermediate != 0 {
			sim.sendReceipt(ctx, &job, text, true)
		}
		d := time.Until(sim.wall(job.at + sim.delay))
		if d > sim.delayDuration()+time.Second {
			// A scheduled message: its receipt is due out of the queue's
			// order, so it must not hold up the receipts behind it.
			j := job
			time.AfterFunc(d, func() {
				if ctx.Err() == nil {
					sim.sendReceipt(ctx, &j, text, false)
				}
			})
			continue
		}
		if d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			}
		}
		sim.sendReceipt(ctx, &job, text, false)
	}
}

// sendReceipt sends the receipt of job's message in its current state, if
// registered_delivery asks for it, or its intermediate notification.
func (sim *simulator) sendReceipt(ctx context.Context, job *dlrJob, text string, intermediate bool) {
	submitted := sim.wall(job.at)
	st, done, known := sim.state(job.id)
	if !known {
		st, done = pdu.StateDelivered, sim.wall(job.at+sim.delay) // forgotten: it was delivered
	}
	mask := job.reg & pdu.RegReceiptMask
	var send bool
	switch {
	case intermediate:
		send, st, done = true, pdu.StateEnroute, submitted
	case st == pdu.StateDelivered:
		send = mask == pdu.RegReceiptFinal || mask == pdu.RegReceiptSuccess
	case st == pdu.StateDeleted:
		send = mask == pdu.RegReceiptFinal || mask == pdu.RegReceiptFailure
	}
	if !send {
		return
	}
	target := sim.receiverFor(job)
	if target == nil {
		sim.receiptsDropped.Add(1)
		sim.log.Info("receipt dropped: no receiver bound", "system_id", job.from.SystemID(), "message_id", job.id)
		return
	}
	r := dlr.New(strconv.FormatUint(job.id, 10), st, submitted, done)
	r.Text, r.Intermediate = text, intermediate
	sim.deliver(ctx, target, r.DeliverSM(job.src, job.dst, dlr.BuildOptions{TLVs: target.PeerVersion() >= pdu.V34}))
	sim.receiptsSent.Add(1)
}

// receiverFor picks the session that receives job's receipt: the
// submitting session when it can receive, else a receiver bound with the
// same system_id.
func (sim *simulator) receiverFor(job *dlrJob) *smpp.Session {
	if s := job.from; s.Mode().CanReceive() && s.State().Bound() {
		return s
	}
	return sim.receivers.pick(job.from.SystemID())
}

// deliver sends p on s without waiting for the response (drainCalls
// collects it). It waits at most a second for a window slot.
func (sim *simulator) deliver(ctx context.Context, s *smpp.Session, p *pdu.DeliverSM) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	s.Go(ctx, p, sim.callDone)
	cancel()
}

// drainCalls collects the responses to our deliver_sm.
func (sim *simulator) drainCalls(ctx context.Context) {
	for {
		select {
		case c := <-sim.callDone:
			if c.Err != nil {
				sim.log.Debug("deliver_sm failed", "seq", c.Seq, "err", c.Err.Error())
			}
		case <-ctx.Done():
			return
		}
	}
}

// injectMO sends "MO test N" to every bound receiver every d.
func (sim *simulator) injectMO(ctx context.Context, d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	from := pdu.Address{TON: pdu.TONInternational, NPI: pdu.NPIISDN, Addr: sim.opts.moFrom}
	if !isNumber(sim.opts.moFrom) {
		from = pdu.Address{TON: pdu.TONAlphanumeric, Addr: sim.opts.moFrom}
	}
	to := pdu.Address{TON: pdu.TONUnknown, NPI: pdu.NPIISDN, Addr: sim.opts.moTo}
	for {
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
		for _, s := range sim.receivers.all() {
			if !s.State().Bound() {
				continue
			}
			n := sim.moSeq.Add(1)
			p := &pdu.DeliverSM{ShortMessage: []byte("MO test " + strconv.FormatUint(n, 10))}
			p.SetSource(from)
			p.SetDest(to)
			sim.deliver(ctx, s, p)
			sim.moSent.Add(1)
		}
	}
}

// registry holds the bound sessions that can receive (RX, TRX) by
// system_id. It is used for receipts routed to another session and for MO
// injection, never on the submit path.
type registry struct {
	mu    sync.RWMutex
	bySys map[string][]*smpp.Session
	rr    atomic.Uint64
}

func (g *registry) add(sys string, s *smpp.Session) {
	g.mu.Lock()
	g.bySys[sys] = append(g.bySys[sys], s)
	g.mu.Unlock()
}

func (g *registry) remove(sys string, s *smpp.Session) {
	g.mu.Lock()
	defer g.mu.Unlock()
	list := g.bySys[sys]
	for i, x := range list {
		if x == s {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(g.bySys, sys)
	} else {
		g.bySys[sys] = list
	}
}

// pick returns a bound receiver of sys, round robin, or nil.
func (g *registry) pick(sys string) *smpp.Session {
	g.mu.RLock()
	defer g.mu.RUnlock()
	list := g.bySys[sys]
	n := uint64(len(list))
	if n == 0 {
		return nil
	}
	start := g.rr.Add(1)
	for i := uint64(0); i < n; i++ {
		if s := list[(start+i)%n]; s.State().Bound() {
			return s
		}
	}
	return nil
}

// all returns every registered receiver.
func (g *registry) all() []*smpp.Session {
	g.mu.RLock()
	defer g.mu.RUnlock()
	var out []*smpp.Session
	for _, list := range g.bySys {
		out = append(out, list...)
	}
	return out
}
