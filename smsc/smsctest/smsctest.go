// Package smsctest runs a real, in-process SMSC for tests of SMS code, the
// way net/http/httptest runs an HTTP server: no external process, no fixed
// port, data in a temporary directory removed at the end of the test.
//
//	func TestAlerts(t *testing.T) {
//		srv := smsctest.NewServer(t, smsctest.Account("app", "secret"), smsctest.Account("phone", "pw", "4477*"))
//		s, _ := srv.Dialer("app", "secret", pdu.BindTransceiver, handler).Dial(ctx, srv.Addr)
//		...
//	}
//
// Messages to addresses no account owns go to the simulated handset network,
// which delivers them (DELIVRD receipts by default) after a short delay;
// [Server.Phone] shows what it delivered to a number and [Server.SendMO]
// sends a reply from a handset.
package smsctest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/store"
)

// Option changes the configuration of the test SMSC.
type Option func(*smsc.Config)

// Account adds an account; addresses it owns (exact, or prefixes ending in
// "*") are delivered to its receivers.
func Account(systemID, password string, addresses ...string) Option {
	return func(c *smsc.Config) {
		c.Accounts = append(c.Accounts, smsc.Account{SystemID: systemID, Password: password, Addresses: addresses})
	}
}

// Configure applies an arbitrary change to the configuration.
func Configure(f func(*smsc.Config)) Option { return Option(f) }

// Server is a running test SMSC.
type Server struct {
	*smsc.Server
	// Addr is the SMPP address (127.0.0.1:port).
	Addr string

	dir  string
	opts []Option
}

// NewServer starts an SMSC on 127.0.0.1 with a fresh embedded store and
// stops it when the test ends. With no Account option it has one account,
// "test" / "secret", owning no addresses.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	dir := t.TempDir()
	s, err := start(dir, "127.0.0.1:0", opts)
	if err != nil {
		t.Fatalf("smsctest: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Start is NewServer outside tests (examples, demos): the data lives in
// dir (a new temporary directory when empty) and the caller calls Close.
func Start(dir string, opts ...Option) (*Server, error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "smsctest-")
		if err != nil {
			return nil, err
		}
		dir = d
	}
	return start(dir, "127.0.0.1:0", opts)
}

func start(dir, addr string, opts []Option) (*Server, error) {
	cfg := smsc.Config{
		SMPPAddr:    addr,
		Node:        "smsctest",
		Network:     smsc.NetworkConfig{Delay: smsc.Duration(20 * time.Millisecond)},
		EnquireLink: smsc.Duration(time.Minute),
	}
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.Accounts) == 0 {
		cfg.Accounts = []smsc.Account{{SystemID: "test", Password: "secret"}}
	}
	srv, err := smsc.New(cfg, smsc.WithStoreOptions(store.Options{Dir: dir}), smsc.WithBcryptCost(4))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Start(ctx); err != nil {
		return nil, err
	}
	return &Server{Server: srv, Addr: srv.SMPPAddr().String(), dir: dir, opts: opts}, nil
}

// Close shuts the SMSC down (unbinding its sessions).
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.Shutdown(ctx)
}

// Restart shuts the SMSC down and starts it again on the same data
// directory and address, as an operator restarting smscd would: accepted
// messages survive, sessions must reconnect.
func (s *Server) Restart() error {
	if err := s.Close(); err != nil {
		return err
	}
	var err error
	for range 50 { // the port may take a moment to be free again
		var n *Server
		if n, err = start(s.dir, s.Addr, s.opts); err == nil {
			s.Server = n.Server
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

// AccountConfig adds an account given in full (throughput, outbind, …).
func AccountConfig(a smsc.Account) Option {
	return func(c *smsc.Config) { c.Accounts = append(c.Accounts, a) }
}

// Dialer returns a Dialer for one of the server's accounts. h serves
// incoming deliver_sm (required for receiver and transceiver binds).
func (s *Server) Dialer(systemID, password string, mode pdu.BindMode, h smpp.Handler) *smpp.Dialer {
	return &smpp.Dialer{SystemID: systemID, Password: password, Mode: mode, Handler: h}
}

// Phone returns what the simulated network delivered to number.
func (s *Server) Phone(number string) []smsc.PhoneMessage { return s.PhoneMessages(number) }

// WaitPhone waits until number received at least n messages or ctx ends.
func (s *Server) WaitPhone(ctx context.Context, number string, n int) ([]smsc.PhoneMessage, error) {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		if m := s.PhoneMessages(number); len(m) >= n {
			return m, nil
		}
		select {
		case <-ctx.Done():
			return s.PhoneMessages(number), ctx.Err()
		case <-t.C:
		}
	}
}

// SendMO sends a text from a handset (from) to an address an account owns.
// Long texts travel in message_payload.
func (s *Server) SendMO(ctx context.Context, from, to, text string) (string, error) {
	c := coding.Choose(text)
	ud, err := c.Encode(text)
	if err != nil {
		return "", err
	}
	return s.InjectMO(ctx, from, to, c.DataCoding(), ud, 0)
}
