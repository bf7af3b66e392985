package smpptest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"sync"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

// Server is an SMSC listening on a system-chosen port on the loopback
// interface, for use in end-to-end tests (the httptest.Server of SMPP).
type Server struct {
	// Addr is the listening address, "127.0.0.1:port". It is set by
	// NewUnstartedServer, so it is known before Start.
	Addr string
	// Listener is the raw TCP listener. StartTLS wraps it.
	Listener net.Listener
	// SMPP is the server under test. Between NewUnstartedServer and Start
	// its fields (BindTimeout, MaxConnsPerIP, SessionConfig, ConnState, …)
	// may be changed freely.
	SMPP *smpp.Server

	mu        sync.Mutex
	started   bool
	closed    bool
	serveDone chan struct{}
	leaf      *x509.Certificate
}

// NewServer starts and returns a new Server whose binds are decided by b
// (nil accepts every bind and serves it with [SMSCHandler]). The caller
// should call Close when finished, to shut it down.
func NewServer(b smpp.Binder) *Server {
	s := NewUnstartedServer(b)
	s.Start()
	return s
}

// NewUnstartedServer returns a new Server that listens but does not accept
// connections yet. Change s.SMPP as needed, then call Start or StartTLS. The
// caller should call Close when finished, to shut it down.
func NewUnstartedServer(b smpp.Binder) *Server {
	if b == nil {
		b = AcceptAll(SMSCHandler())
	}
	l := newLocalListener()
	return &Server{
		Addr:     l.Addr().String(),
		Listener: l,
		SMPP:     &smpp.Server{Binder: b, SystemID: "smpptest"},
	}
}

func newLocalListener() net.Listener {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if l, err = net.Listen("tcp6", "[::1]:0"); err != nil {
			panic(fmt.Sprintf("smpptest: failed to listen on a port: %v", err))
		}
	}
	return l
}

// Start starts serving plain TCP connections. It panics if the server was
// already started or closed.
func (s *Server) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startLocked()
}

func (s *Server) startLocked() {
	if s.started || s.closed {
		panic("smpptest: Server already started or closed")
	}
	s.started = true
	s.serveDone = make(chan struct{})
	l := s.Listener
	go func() {
		defer close(s.serveDone)
		s.SMPP.Serve(l)
	}()
}

// StartTLS starts serving TLS connections with a freshly generated
// self-signed certificate for 127.0.0.1 (see [NewCertificate]). Certificates
// already in s.SMPP.TLSConfig are kept; the generated one is added. Clients
// should use [Server.TLSConfig] or [Server.Dialer]. It panics if the server was
// already started or closed.
func (s *Server) StartTLS() {
	s.mu.Lock()
	defer s.mu.Unlock()
	cert, leaf, err := NewCertificate()
	if err != nil {
		panic("smpptest: cannot generate a certificate: " + err.Error())
	}
	cfg := &tls.Config{}
	if s.SMPP.TLSConfig != nil {
		cfg = s.SMPP.TLSConfig.Clone()
	}
	cfg.Certificates = append(cfg.Certificates, cert)
	s.SMPP.TLSConfig = cfg
	s.leaf = leaf
	s.Listener = tls.NewListener(s.Listener, cfg)
	s.startLocked()
}

// Certificate returns the certificate the server presents after StartTLS,
// or nil.
func (s *Server) Certificate() *x509.Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leaf
}

// TLSConfig returns a new client configuration that trusts the server's
// certificate, or nil when the server was not started with StartTLS.
func (s *Server) TLSConfig() *tls.Config {
	leaf := s.Certificate()
	if leaf == nil {
		return nil
	}
	return ClientTLSConfig(leaf)
}

// Dialer returns a new Dialer that binds to s with the given credentials
// and mode (TLS when the server was started with StartTLS). Its Handler is
// [AckHandler], which acknowledges every deliver_sm, data_sm and
// alert_notification; replace it to observe them, or set it to nil to test a
// transmitter-only client. Dial it with s.Addr:
//
//	sess, err := srv.Dialer("esme", "secret", pdu.BindTransceiver).Dial(ctx, srv.Addr)
func (s *Server) Dialer(systemID, password string, mode pdu.BindMode) *smpp.Dialer {
	return &smpp.Dialer{
		SystemID:  systemID,
		Password:  password,
		Mode:      mode,
		TLSConfig: s.TLSConfig(),
		Handler:   AckHandler(),
	}
}

// Close closes the listener and every session at once (smpp.Server.Close)
// and waits for the server's goroutines to finish. Use s.SMPP.Shutdown first
// for a graceful stop. Close may be called more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	started := s.started
	s.mu.Unlock()
	s.SMPP.Close()
	s.Listener.Close()
	if started {
		<-s.serveDone
	}
}

// Pipe binds d to srv over an in-memory net.Pipe: srv serves one end
// (smpp.Server.ServeConn) and the returned ESME session uses the other. No
// port is opened, so it works inside a testing/synctest bubble. The server
// side's session ends when the returned session closes or srv is closed.
func Pipe(srv *smpp.Server, d *smpp.Dialer) (*smpp.Session, error) {
	return d.Bind(context.Background(), PipeConn(srv))
}

// PipeConn returns the client end of a net.Pipe whose other end srv serves
// (smpp.Server.ServeConn), for driving a server with a raw [Peer]. Closing the
// returned connection ends the server's session.
func PipeConn(srv *smpp.Server) net.Conn {
	c, sc := net.Pipe()
	go srv.ServeConn(context.Background(), sc)
	return c
}
