package smpp

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// Binder authenticates binds on the SMSC side and picks the Handler that
// serves the new session (the go-smtp Backend pattern). It is called on its
// own goroutine for each bind request and may block (password hashing,
// lookups) until ctx, the session's context, ends.
//
// An error refuses the bind: a pdu.Status error is sent as is
// (ESME_RINVPASWD, ESME_RINVSYSID, ESME_RBINDFAIL, ESME_RINVSYSTYP, …); any
// other error is sent as ESME_RBINDFAIL. The session stays open so the ESME
// may retry until the session_init timer closes it.
type Binder interface {
	Bind(ctx context.Context, s *Session, req *pdu.Bind) (Handler, error)
}

// BinderFunc adapts a function to a Binder.
type BinderFunc func(ctx context.Context, s *Session, req *pdu.Bind) (Handler, error)

// Bind calls f.
func (f BinderFunc) Bind(ctx context.Context, s *Session, req *pdu.Bind) (Handler, error) {
	return f(ctx, s, req)
}

// Server is an SMSC endpoint, shaped like net/http's Server. The zero value
// (with a Binder) is usable.
type Server struct {
	// Addr is the TCP address for ListenAndServe; default ":2775".
	Addr string
	// SystemID is sent in bind_resp and outbind; default "smpp".
	SystemID string
	// TLSConfig is used by ListenAndServeTLS.
	TLSConfig *tls.Config
	// OutbindTLSConfig, when set, makes Outbind connect with TLS (a client
	// configuration; ServerName defaults to the address's host).
	OutbindTLSConfig *tls.Config
	// Binder authenticates binds. Required.
	Binder Binder
	// BindTimeout is the session_init timer: a connection that is not bound
	// this long after it opened is closed. Default 10s; negative disables.
	BindTimeout time.Duration
	// MaxConnsPerIP limits concurrent connections from one IP address;
	// excess connections are closed at once. 0 means no limit.
	MaxConnsPerIP int
	// ConnState, if set, is called when a session changes state.
	ConnState func(*Session, State)
	// SessionConfig applies to every session.
	SessionConfig

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	sessions  map[*Session]struct{}
	perIP     map[string]int
	shutdown  bool
	wg        sync.WaitGroup // serving goroutines
}

func (srv *Server) systemID() string {
	if srv.SystemID == "" {
		return "smpp"
	}
	return srv.SystemID
}

// ListenAndServe listens on srv.Addr and serves until Shutdown or Close.
func (srv *Server) ListenAndServe() error {
	addr := srv.Addr
	if addr == "" {
		addr = ":2775"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return srv.Serve(l)
}

// ListenAndServeTLS is ListenAndServe over TLS with the given certificate
// files (or srv.TLSConfig's certificates when both are empty).
func (srv *Server) ListenAndServeTLS(certFile, keyFile string) error {
	cfg := &tls.Config{}
	if srv.TLSConfig != nil {
		cfg = srv.TLSConfig.Clone()
	}
	if certFile != "" || keyFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return err
		}
		cfg.Certificates = append(cfg.Certificates, cert)
	}
	addr := srv.Addr
	if addr == "" {
		addr = ":2775"
	}
	l, err := tls.Listen("tcp", addr, cfg)
	if err != nil {
		return err
	}
	return srv.Serve(l)
}

// Serve accepts connections on l and serves each on its own session. It
// always returns a non-nil error; after Shutdown or Close, ErrServerClosed.
func (srv *Server) Serve(l net.Listener) error {
	srv.mu.Lock()
	if srv.shutdown {
		srv.mu.Unlock()
		l.Close()
		return ErrServerClosed
	}
	if srv.listeners == nil {
		srv.listeners = make(map[net.Listener]struct{})
	}
	srv.listeners[l] = struct{}{}
	srv.wg.Add(1)
	srv.mu.Unlock()
	defer srv.wg.Done()
	defer func() {
		srv.mu.Lock()
		delete(srv.listeners, l)
		srv.mu.Unlock()
	}()
	var delay time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			if srv.isShutdown() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		s, err := srv.newSession(c)
		if err != nil {
			c.Close()
			continue
		}
		go srv.run(s)
	}
}

// ServeConn serves one already-accepted connection (for example one end of
// a net.Pipe) and returns when its session has closed.
func (srv *Server) ServeConn(ctx context.Context, c net.Conn) error {
	s, err := srv.newSession(c)
	if err != nil {
		c.Close()
		return err
	}
	stop := context.AfterFunc(ctx, func() { s.closeWith(ctx.Err()) })
	defer stop()
	srv.run(s)
	<-s.done
	s.handlers.Wait()
	return s.Err()
}

func ipOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// newSession registers a session for c, with the serving goroutine counted
// in srv.wg under srv.mu (so it cannot race Close/Shutdown's Wait). It fails
// with ErrServerClosed or ErrConnLimit.
func (srv *Server) newSession(c net.Conn) (*Session, error) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.shutdown {
		return nil, ErrServerClosed
	}
	ip := ipOf(c.RemoteAddr())
	if srv.MaxConnsPerIP > 0 && srv.perIP[ip] >= srv.MaxConnsPerIP {
		srv.logger().Warn("smpp: per-IP connection limit reached; connection refused", "ip", ip)
		return nil, ErrConnLimit
	}
	if srv.sessions == nil {
		srv.sessions = make(map[*Session]struct{})
		srv.perIP = make(map[string]int)
	}
	s := newSession(c, RoleSMSC, srv.SessionConfig, srv)
	srv.sessions[s] = struct{}{}
	srv.perIP[ip]++
	srv.wg.Add(1)
	return s, nil
}

func (srv *Server) logger() interface {
	Warn(string, ...any)
} {
	if srv.Logger != nil {
		return srv.Logger
	}
	return srv.SessionConfig.withDefaults().Logger
}

// run starts a session and arms its session_init timer; it returns at once.
// When the session ends (and its handlers returned) it is forgotten and its
// count in srv.wg released — no goroutine waits for that, which keeps idle
// sessions small.
func (srv *Server) run(s *Session) {
	s.onFinish = func() {
		srv.forget(s)
		go func() {
			s.handlers.Wait()
			srv.wg.Done()
		}()
	}
	if tc, ok := s.conn.(*tls.Conn); ok {
		hctx, cancel := context.WithTimeout(s.ctx, srv.bindTimeout(10*time.Second))
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			s.log.Info("smpp: TLS handshake failed", "err", err)
			s.closeWith(err) // the loops start, see the closed conn and finish
		}
	}
	s.start()
	if d := srv.bindTimeout(10 * time.Second); d > 0 {
		s.addTimer(timerSessionInit, d, func() {
			if st := s.State(); st == StateOpen || st == StateOutbound {
				s.log.Info("smpp: no bind within the session_init timer; closing")
				s.closeWith(ErrBindTimeout)
			}
		})
	}
	srv.stateChanged(s, StateOpen)
}

// forget removes a session that has ended.
func (srv *Server) forget(s *Session) {
	srv.mu.Lock()
	delete(srv.sessions, s)
	ip := ipOf(s.conn.RemoteAddr())
	if srv.perIP[ip]--; srv.perIP[ip] <= 0 {
		delete(srv.perIP, ip)
	}
	srv.mu.Unlock()
}

func (srv *Server) bindTimeout(def time.Duration) time.Duration {
	switch {
	case srv.BindTimeout < 0:
		return 0
	case srv.BindTimeout == 0:
		return def
	}
	return srv.BindTimeout
}

func (srv *Server) stateChanged(s *Session, st State) {
	if srv.ConnState != nil {
		srv.ConnState(s, st)
	}
}

func (srv *Server) isShutdown() bool {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return srv.shutdown
}

// Sessions returns the sessions currently open.
func (srv *Server) Sessions() []*Session {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	out := make([]*Session, 0, len(srv.sessions))
	for s := range srv.sessions {
		out = append(out, s)
	}
	return out
}

func (srv *Server) stopAccepting() []*Session {
	srv.mu.Lock()
	srv.shutdown = true
	for l := range srv.listeners {
		l.Close()
	}
	out := make([]*Session, 0, len(srv.sessions))
	for s := range srv.sessions {
		out = append(out, s)
	}
	srv.mu.Unlock()
	return out
}

// Shutdown stops accepting connections, unbinds every session (each waits
// for its outstanding requests first), waits for in-flight handlers and
// returns when all sessions closed. If ctx ends first, the remaining sessions
// are closed at once and ctx's error is returned.
func (srv *Server) Shutdown(ctx context.Context) error {
	sessions := srv.stopAccepting()
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Unbind(ctx)
		}()
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		srv.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		srv.Close()
		<-done
		return ctx.Err()
	}
}

// Close closes every listener and session at once.
func (srv *Server) Close() error {
	for _, s := range srv.stopAccepting() {
		s.closeWith(ErrServerClosed)
	}
	srv.wg.Wait()
	return nil
}

// Outbind connects to an ESME that listens for outbind (SMPP v3.4 §2.2.1,
// session.md §4), sends outbind with the given credentials, and waits until
// the ESME binds on that connection (authenticated by srv.Binder) or ctx or
// the session_init timer ends. The returned session is served like any
// accepted one. With srv.OutbindTLSConfig set, the connection uses TLS.
func (srv *Server) Outbind(ctx context.Context, addr string, ob *pdu.Outbind) (*Session, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if cfg := srv.OutbindTLSConfig; cfg != nil {
		if cfg.ServerName == "" && !cfg.InsecureSkipVerify {
			cfg = cfg.Clone()
			cfg.ServerName, _, _ = net.SplitHostPort(addr)
		}
		tc := tls.Client(c, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, err
		}
		c = tc
	}
	s, err := srv.newSession(c)
	if err != nil {
		c.Close()
		return nil, err
	}
	if ob.SystemID == "" {
		ob.SystemID = srv.systemID()
	}
	go srv.run(s)
	// OUTBOUND before outbind is queued: the ESME's bind may come back at
	// once and must find the session in OUTBOUND, not be overwritten.
	s.mu.Lock()
	report := s.setStateLocked(StateOutbound)
	s.mu.Unlock()
	report()
	if err := s.send(s.nextSeq(), pdu.StatusOK, ob, nil); err != nil {
		return nil, err
	}
	select {
	case <-s.boundCh:
		return s, nil
	case <-s.done:
		if err := s.Err(); err != nil {
			return nil, err
		}
		return nil, ErrClosed
	case <-ctx.Done():
		s.Close()
		return nil, ctx.Err()
	}
}
