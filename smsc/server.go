package smsc

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/smsc/store"
)

// Server is an embeddable SMSC (the nats-server embedding pattern): New,
// Start, Shutdown. The SMPP front door, the HTTP API and the dashboard all
// call its core operations.
type Server struct {
	cfg    Config
	st     *store.Store
	ownSt  bool // the store was opened by Start and is closed by Shutdown
	stOpts store.Options
	log    *slog.Logger
	now    func() time.Time
	cost   int // bcrypt cost

	smpp     *smpp.Server
	listener net.Listener
	lock     *lockout

	accounts atomic.Pointer[map[string]*account]
	router   atomic.Pointer[router]
	dls      map[string][]string
	net      atomic.Pointer[network]

	mu        sync.Mutex
	receivers map[string]*receiverSet // system_id → bound RX/TRX sessions on this node
	binds     map[string]int          // system_id → bound sessions on this node
	ctrls     map[string]*store.Control
	workers   sync.WaitGroup
	ctx       context.Context
	cancel    context.CancelFunc
	netWorker *store.Consumer
	started   bool

	stats  counters
	events eventHub
	phones phones
	sessID atomic.Uint64
	// instance is random per process: with the session id it names a
	// max_binds place uniquely even when two nodes share a configured name.
	instance   string
	bindLease  time.Duration // of a max_binds place in a shared store (binds.go)
	stopNode   func()        // stops answering other nodes (nodes.go)
	stopEvents func()        // stops exchanging events with other nodes (events.go)
	front      front         // HTTP front door: tokens, idempotency keys, webhooks (webhook.go)
	// Records at or below these sequences were possibly handed out before a
	// crash: their deliveries are checked against the stored outcome.
	mtHorizon, stHorizon atomic.Uint64
	gates                gates
	rlocks               receiptLocks
	pdus                 pduCounters
	submitLat            histogram
}

type counters struct {
	submitted, delivered, receipts, failedBinds, binds, retries, expired atomic.Uint64
}

// Option configures injected dependencies.
type Option func(*Server)

// WithStore uses an already open store (tests, several servers on one NATS).
func WithStore(st *store.Store) Option { return func(s *Server) { s.st = st } }

// WithStoreOptions sets how Start opens the store (default: embedded, data
// directory ./data).
func WithStoreOptions(o store.Options) Option { return func(s *Server) { s.stOpts = o } }

// WithLogger sets the structured logger.
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithClock injects the clock used for validity, scheduling and lock-outs.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithBcryptCost sets the cost for hashing plain passwords (tests use the
// minimum).
func WithBcryptCost(c int) Option { return func(s *Server) { s.cost = c } }

// New validates cfg and prepares a server; Start runs it.
func New(cfg Config, opts ...Option) (*Server, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Server{
		cfg:       cfg,
		log:       slog.New(slog.DiscardHandler),
		now:       time.Now,
		cost:      10,
		receivers: map[string]*receiverSet{},
		binds:     map[string]int{},
		ctrls:     map[string]*store.Control{},
		stOpts:    store.Options{Dir: "data"},
		instance:  rand.Text()[:8],
		bindLease: defaultBindLease,
	}
	for _, o := range opts {
		o(s)
	}
	if s.cfg.Node == "" {
		h, _ := os.Hostname()
		s.cfg.Node = h + "-" + strconv.Itoa(os.Getpid())
	}
	accs := map[string]*account{}
	for i, a := range cfg.Accounts {
		acc, err := loadAccount(a, s.cost)
		if err != nil {
			return nil, &ConfigError{Key: fmt.Sprintf("accounts[%d]", i), Msg: err.Error()}
		}
		accs[a.SystemID] = acc
	}
	s.accounts.Store(&accs)
	s.router.Store(newRouter(cfg.Accounts, cfg.Routes))
	s.dls = map[string][]string{}
	for _, dl := range cfg.DistributionLists {
		s.dls[dl.Name] = dl.Members
	}
	s.net.Store(newNetwork(cfg.Network))
	s.lock = newLockout(cfg.Lockout, s.now)
	return s, nil
}

// Start opens the store (unless WithStore), starts the delivery workers and
// the SMPP listener, and returns once the server accepts binds.
func (s *Server) Start(ctx context.Context) error {
	if s.st == nil {
		if s.stOpts.Retention == 0 {
			// Keep records past the longest validity a message may have.
			s.stOpts.Retention = max(72*time.Hour, time.Duration(s.cfg.MaxValidity)+24*time.Hour)
		}
		if s.stOpts.Logger == nil {
			s.stOpts.Logger = s.log
		}
		st, err := store.Open(ctx, s.stOpts)
		if err != nil {
			return err
		}
		s.st, s.ownSt = st, true
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := s.setHorizon(ctx); err != nil {
		s.cleanup()
		return err
	}
	s.st.OnReconnect(func() {
		ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
		defer cancel()
		if err := s.setHorizon(ctx); err != nil {
			s.log.Error("smsc: cannot read the store's horizon after reconnecting", "err", err)
		}
	})
	if err := s.st.WatchControls(s.ctx, s.onControl); err != nil {
		s.cleanup()
		return err
	}
	if err := s.st.WatchAccounts(s.ctx, s.onStoredAccount); err != nil {
		s.cleanup()
		return err
	}
	for id := range s.accountMap() {
		if err := s.ensureQueues(ctx, id); err != nil {
			s.cleanup()
			return err
		}
	}
	c, err := s.st.Consume(s.ctx, targetNetwork, store.ConsumeOptions{MaxPending: 65536, AckWait: time.Minute}, s.networkDeliver)
	if err != nil {
		s.cleanup()
		return err
	}
	s.netWorker = c
	s.startWebhooks() // consumers of webhook accounts, on every node (webhook.go)
	s.smpp = &smpp.Server{
		SystemID:      s.cfg.SystemID,
		Binder:        smpp.BinderFunc(s.bind),
		BindTimeout:   time.Duration(s.cfg.BindTimeout),
		MaxConnsPerIP: s.cfg.MaxConnsPerIP,
		ConnState:     s.connState,
		SessionConfig: smpp.SessionConfig{
			Window:              s.cfg.Window,
			InboundWindow:       1024,
			EnquireLinkInterval: time.Duration(s.cfg.EnquireLink),
			Logger:              s.log,
			Trace:               s.trace(),
		},
	}
	l, err := net.Listen("tcp", s.cfg.SMPPAddr)
	if err != nil {
		s.cleanup()
		return fmt.Errorf("smsc: listen %s: %w", s.cfg.SMPPAddr, err)
	}
	s.listener = l
	go s.smpp.Serve(l)
	s.every(time.Duration(s.cfg.OutbindInterval), s.outbindSweep)
	s.every(time.Duration(s.cfg.ExpirySweep), s.expirySweeper())
	if s.sharedStore() {
		s.every(s.bindLease/3, s.renewPlaces)
	}
	if err := s.serveNode(); err != nil {
		s.log.Warn("smsc: other nodes cannot list or unbind this node's sessions", "err", err)
	}
	if err := s.clusterEvents(); err != nil {
		s.log.Warn("smsc: live events stay on this node", "err", err)
	}
	s.started = true
	s.log.Info("smsc: started", "smpp", l.Addr().String(), "node", s.cfg.Node)
	return nil
}

// SMPPAddr returns the address the SMPP listener is bound to.
func (s *Server) SMPPAddr() net.Addr {
	if s.listener == nil {
		return nil
	}
	return s.listener.Addr()
}

// Store returns the server's store.
func (s *Server) Store() *store.Store { return s.st }

// Shutdown stops accepting binds, unbinds every session (each finishing its
// in-flight requests), stops the workers and closes the store, flushing it.
func (s *Server) Shutdown(ctx context.Context) error {
	if !s.started {
		s.cleanup()
		return nil
	}
	err := s.smpp.Shutdown(ctx)
	s.cleanup()
	return err
}

func (s *Server) cleanup() {
	if s.cancel != nil {
		s.cancel()
	}
	if s.stopNode != nil {
		s.stopNode()
	}
	if s.stopEvents != nil {
		s.stopEvents()
	}
	s.mu.Lock()
	for _, rs := range s.receivers {
		rs.stop()
	}
	s.mu.Unlock()
	if s.netWorker != nil {
		s.netWorker.Stop()
	}
	s.workers.Wait()
	s.net.Load().stop()
	if s.ownSt && s.st != nil {
		s.st.Close()
	}
}

// every calls fn every d, on a worker, until the server stops.
func (s *Server) every(d time.Duration, fn func()) {
	s.workers.Add(1)
	go func() {
		defer s.workers.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-s.ctx.Done():
				return
			case <-t.C:
			}
			fn()
		}
	}()
}

// sharedStore reports whether other nodes may write to the store: it is an
// external NATS server, or a store handed to this server (WithStore).
func (s *Server) sharedStore() bool { return s.stOpts.URL != "" || !s.ownSt }

func (s *Server) setHorizon(ctx context.Context) error {
	mt, st, err := s.st.Horizon(ctx)
	if err != nil {
		return err
	}
	s.mtHorizon.Store(mt)
	s.stHorizon.Store(st)
	return nil
}

func (s *Server) accountMap() map[string]*account { return *s.accounts.Load() }

func (s *Server) account(id string) *account { return s.accountMap()[id] }

// ensureQueues creates the account's durable consumers, so messages and
// receipts are kept for it before it ever binds.
func (s *Server) ensureQueues(ctx context.Context, id string) error {
	if _, err := s.st.EnsureQueue(ctx, id, deliverOpts); err != nil {
		return err
	}
	return s.st.EnsureReceipts(ctx, id, deliverOpts)
}

var deliverOpts = store.ConsumeOptions{MaxPending: 4096, AckWait: time.Minute}

func (s *Server) onControl(c *store.Control) {
	s.mu.Lock()
	s.ctrls[c.ID] = c
	s.mu.Unlock()
}

func (s *Server) control(id string) *store.Control {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ctrls[id]
}

func (s *Server) connState(sess *smpp.Session, st smpp.State) {
	if st != smpp.StateClosed {
		s.connState2(sess, st)
		return
	}
	id, _ := sess.Value(ctxAccount{}).(string)
	if id == "" {
		return
	}
	s.mu.Lock()
	s.binds[id]--
	rs := s.receivers[id]
	s.mu.Unlock()
	if rs != nil {
		rs.remove(sess)
	}
	sid, _ := sess.Value(ctxSessID{}).(string)
	if _, ok := sess.Value(ctxBindPlace{}).(bool); ok {
		s.releasePlace(id, s.placeHolder(sid))
	}
	s.emit(Event{Type: "unbound", Account: id, Session: sid, Mode: sess.Mode().String()})
}

type ctxAccount struct{}

var errShutdown = errors.New("smsc: shutting down")
