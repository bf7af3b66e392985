package smpp_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"sync"
	"testing"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
)

// ServeConn and Close may be called concurrently. Run with -race: the
// detector reports the WaitGroup misuse.
func TestServeConnConcurrentWithClose(t *testing.T) {
	for i := 0; i < 2000; i++ {
		srv := &smpp.Server{Binder: smpptest.AcceptAll(nil)}
		c, sc := net.Pipe()
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			srv.ServeConn(context.Background(), sc)
		}()
		go func() {
			defer wg.Done()
			srv.Close()
		}()
		wg.Wait()
		c.Close()
	}
}

// A connection refused by MaxConnsPerIP is not a closed server.
func TestServeConnPerIPRefusalError(t *testing.T) {
	srv := &smpp.Server{Binder: smpptest.AcceptAll(nil), MaxConnsPerIP: 1}
	defer srv.Close()
	s, err := smpptest.Pipe(srv, &smpp.Dialer{SystemID: "first", Mode: pdu.BindTransmitter})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, sc := net.Pipe()
	if err := srv.ServeConn(context.Background(), sc); err == nil || errors.Is(err, smpp.ErrServerClosed) {
		t.Errorf("ServeConn over the per-IP limit = %v, want an error other than ErrServerClosed", err)
	}
}

// Outbind over TLS verifies the ESME's certificate for the host it dials,
// as Dialer.Dial does.
func TestOutbindTLS(t *testing.T) {
	cert, leaf, err := smpptest.NewCertificate()
	if err != nil {
		t.Fatal(err)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	sessions := make(chan *smpp.Session, 1)
	ol := &smpp.OutbindListener{
		Dialer:    &smpp.Dialer{SystemID: "esme", Mode: pdu.BindReceiver, Handler: smpptest.AckHandler()},
		OnSession: func(s *smpp.Session) { sessions <- s },
	}
	served := make(chan error, 1)
	go func() { served <- ol.Serve(ctx, l) }()
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	srv := &smpp.Server{Binder: smpptest.AcceptAll(nil), OutbindTLSConfig: &tls.Config{RootCAs: pool}}
	defer srv.Close()
	ss, err := srv.Outbind(ctx, l.Addr().String(), &pdu.Outbind{})
	if err != nil {
		t.Fatalf("Outbind over TLS: %v", err)
	}
	es := recv(t, sessions, "ESME session")
	if _, err := ss.Deliver(ctx, &pdu.DeliverSM{ShortMessage: []byte("over tls")}); err != nil {
		t.Errorf("deliver: %v", err)
	}
	ss.Close()
	es.Close()
	cancel()
	<-served
}
