package smpp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// Dialer connects to an SMSC and binds (the ESME side). Use a [Client] to
// keep a binding alive across failures.
type Dialer struct {
	SystemID   string
	Password   string
	SystemType string
	// Mode is the bind mode; default transceiver.
	Mode pdu.BindMode
	// InterfaceVersion sent in the bind; default 0x34.
	InterfaceVersion uint8
	AddrTON          pdu.TON
	AddrNPI          pdu.NPI
	AddressRange     string
	// TLSConfig, when set, dials with TLS.
	TLSConfig *tls.Config
	// DialContext, when set, replaces net.Dialer.DialContext.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// Handler serves deliver_sm, data_sm and alert_notification. It is
	// required for receiver and transceiver binds, so incoming messages and
	// receipts are never silently dropped.
	Handler Handler
	// BindTimeout bounds connecting plus the bind exchange (and, for
	// AcceptOutbind, the wait for outbind). Default 10s.
	BindTimeout time.Duration
	// SessionConfig applies to the session.
	SessionConfig
}

// BindError reports a bind refused by the SMSC with a command_status.
type BindError struct {
	Status pdu.Status
}

func (e *BindError) Error() string {
	return "smpp: bind refused: " + e.Status.String()
}

// Unwrap returns the status, so errors.As(err, &pdu.Status) works.
func (e *BindError) Unwrap() error { return e.Status }

func (d *Dialer) mode() pdu.BindMode {
	if d.Mode == 0 {
		return pdu.BindTransceiver
	}
	return d.Mode
}

func (d *Dialer) bindTimeout() time.Duration {
	if d.BindTimeout <= 0 {
		return 10 * time.Second
	}
	return d.BindTimeout
}

// Dial connects to addr and binds. The returned session is bound.
func (d *Dialer) Dial(ctx context.Context, addr string) (*Session, error) {
	if d.mode().CanReceive() && d.Handler == nil {
		return nil, errors.New("smpp: Dialer.Handler is required to bind as " + d.mode().String())
	}
	ctx, cancel := context.WithTimeout(ctx, d.bindTimeout())
	defer cancel()
	dial := d.DialContext
	if dial == nil {
		var nd net.Dialer
		dial = nd.DialContext
	}
	c, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if d.TLSConfig != nil {
		cfg := d.TLSConfig
		if cfg.ServerName == "" && !cfg.InsecureSkipVerify {
			cfg = cfg.Clone()
			host, _, _ := net.SplitHostPort(addr)
			cfg.ServerName = host
		}
		tc := tls.Client(c, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, err
		}
		c = tc
	}
	return d.Bind(ctx, c)
}

// Bind binds over an existing connection. On failure the connection is
// closed.
func (d *Dialer) Bind(ctx context.Context, c net.Conn) (*Session, error) {
	if d.mode().CanReceive() && d.Handler == nil {
		c.Close()
		return nil, errors.New("smpp: Dialer.Handler is required to bind as " + d.mode().String())
	}
	s := newSession(c, RoleESME, d.SessionConfig, nil)
	s.handler = d.Handler
	s.start()
	if err := d.bind(ctx, s, d.mode()); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (d *Dialer) bindPDU(mode pdu.BindMode) *pdu.Bind {
	v := d.InterfaceVersion
	if v == 0 {
		v = pdu.V34
	}
	return &pdu.Bind{
		Mode: mode, SystemID: d.SystemID, Password: d.Password, SystemType: d.SystemType,
		InterfaceVersion: v, AddrTON: d.AddrTON, AddrNPI: d.AddrNPI, AddressRange: d.AddressRange,
	}
}

func (d *Dialer) bind(ctx context.Context, s *Session, mode pdu.BindMode) error {
	ctx, cancel := context.WithTimeout(ctx, d.bindTimeout())
	defer cancel()
	_, err := s.Send(ctx, d.bindPDU(mode))
	if err != nil {
		var st pdu.Status
		if errors.As(err, &st) {
			return &BindError{Status: st}
		}
		return fmt.Errorf("smpp: bind: %w", err)
	}
	return nil
}

// AcceptOutbind serves a connection that an SMSC opened to this ESME: it
// waits for outbind (up to BindTimeout), checks it with verify (nil accepts
// any; an error closes the connection, SMPP v3.4 §2.2.1), then binds on the
// same connection as d.Mode (receiver or transceiver; default receiver) and
// returns the bound session.
func (d *Dialer) AcceptOutbind(ctx context.Context, c net.Conn, verify func(*pdu.Outbind) error) (*Session, error) {
	mode := d.Mode
	if mode == 0 || mode == pdu.BindTransmitter {
		mode = pdu.BindReceiver
	}
	if d.Handler == nil {
		c.Close()
		return nil, errors.New("smpp: Dialer.Handler is required to accept outbind")
	}
	s := newSession(c, RoleESME, d.SessionConfig, nil)
	s.handler = d.Handler
	result := make(chan error, 1)
	s.onOutbind = func(ob *pdu.Outbind) {
		if verify != nil {
			if err := verify(ob); err != nil {
				result <- fmt.Errorf("smpp: outbind refused: %w", err)
				return
			}
		}
		result <- d.bind(ctx, s, mode)
	}
	s.start()
	timer := time.NewTimer(d.bindTimeout())
	defer timer.Stop()
	var err error
	select {
	case err = <-result:
	case <-timer.C:
		err = ErrBindTimeout
	case <-ctx.Done():
		err = ctx.Err()
	case <-s.done:
		err = s.Err()
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OutbindListener accepts connections from SMSCs on a listener and binds each
// through AcceptOutbind.
type OutbindListener struct {
	Dialer *Dialer
	// Verify checks the outbind's system_id and password (nil accepts any).
	Verify func(*pdu.Outbind) error
	// OnSession is called with every bound session; it may block.
	OnSession func(*Session)
	// OnError, if set, is told about connections that failed to bind.
	OnError func(error)
}

// Serve accepts on l until ctx ends or l fails.
func (o *OutbindListener) Serve(ctx context.Context, l net.Listener) error {
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		go func() {
			s, err := o.Dialer.AcceptOutbind(ctx, c, o.Verify)
			if err != nil {
				if o.OnError != nil {
					o.OnError(err)
				}
				return
			}
			if o.OnSession != nil {
				o.OnSession(s)
			}
		}()
	}
}
