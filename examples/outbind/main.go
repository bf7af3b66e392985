// Command outbind is an ESME that does not dial the SMSC: it listens, and
// the SMSC connects to it with outbind when messages are waiting for its
// account (SMPP v3.4 §2.2.1). This suits applications that receive rarely
// and should not hold a connection open all day, or that sit where the
// SMSC, not the application, opens connections.
//
// On each outbind it checks the SMSC's system_id and password, binds as a
// receiver on the same connection and drains the waiting messages (printing
// one line per message); the session stays open until the SMSC unbinds or
// the program stops, and the next outbind is accepted the same way.
//
//	go run ./examples/outbind -listen 127.0.0.1:2776 -system-id fleet -password fleet1 -outbind-password ob1
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

type config struct {
	// Listen is the address the SMSC's outbind connects to.
	Listen string
	// SystemID and Password bind (after the outbind) to the account.
	SystemID, Password string
	// OutbindSystemID and OutbindPassword, when set, must match the
	// outbind; other connections are closed.
	OutbindSystemID, OutbindPassword string
}

func main() {
	var cfg config
	flag.StringVar(&cfg.Listen, "listen", "127.0.0.1:2776", "`HOST:PORT` to listen on for outbind")
	flag.StringVar(&cfg.SystemID, "system-id", "fleet", "system_id to bind with after the outbind")
	flag.StringVar(&cfg.Password, "password", "", "password to bind with")
	flag.StringVar(&cfg.OutbindSystemID, "outbind-system-id", "", "system_id the SMSC must send in outbind (default any)")
	flag.StringVar(&cfg.OutbindPassword, "outbind-password", "", "password the SMSC must send in outbind (default any)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, cfg, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "outbind:", err)
		os.Exit(1)
	}
}

// run listens until ctx ends, then unbinds the open sessions and returns
// nil.
func run(ctx context.Context, cfg config, out io.Writer) error {
	p := &printer{w: out}
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	p.printf("listening for outbind on %s\n", l.Addr())

	var (
		countMu  sync.Mutex // numbers and prints each message in one step
		received int
	)
	handler := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		dsm, ok := r.PDU.(*pdu.DeliverSM)
		if !ok {
			return nil, pdu.StatusInvCmdID
		}
		if rc, ok := r.Receipt(); ok {
			p.printf("receipt for %s: %s\n", rc.ID, rc.MessageState().Stat())
			return nil, nil
		}
		text, err := r.Text()
		if err != nil {
			return nil, pdu.StatusRxPAppn
		}
		countMu.Lock()
		received++
		p.printf("[%d] %s -> %s: %s\n", received, dsm.SourceAddr, dsm.DestinationAddr, text)
		countMu.Unlock()
		return nil, nil
	})

	// Serve does not wait for the sessions it started: track them, so that
	// run returns only after each was unbound.
	sessCtx, endSessions := context.WithCancel(ctx)
	defer endSessions()
	var (
		mu       sync.Mutex
		stopping bool
		sessions sync.WaitGroup
	)
	ol := &smpp.OutbindListener{
		Dialer: &smpp.Dialer{
			SystemID: cfg.SystemID, Password: cfg.Password,
			Mode:        pdu.BindReceiver,
			Handler:     handler,
			BindTimeout: 10 * time.Second,
		},
		Verify: func(ob *pdu.Outbind) error {
			if cfg.OutbindSystemID != "" && ob.SystemID != cfg.OutbindSystemID {
				return fmt.Errorf("outbind from system_id %q", ob.SystemID)
			}
			if cfg.OutbindPassword != "" && ob.Password != cfg.OutbindPassword {
				return errors.New("wrong outbind password")
			}
			return nil
		},
		OnSession: func(s *smpp.Session) {
			mu.Lock()
			if stopping {
				mu.Unlock()
				s.Close()
				return
			}
			sessions.Add(1)
			mu.Unlock()
			defer sessions.Done()
			p.printf("outbind from %s (%s): bound as receiver %s\n", s.SystemID(), s.RemoteAddr(), cfg.SystemID)
			select {
			case <-s.Done():
				p.printf("session from %s ended: %v\n", s.RemoteAddr(), s.Err())
			case <-sessCtx.Done():
				uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				s.Unbind(uctx)
				cancel()
			}
		},
		OnError: func(err error) { p.printf("outbind not accepted: %v\n", err) },
	}
	err = ol.Serve(ctx, l)
	mu.Lock()
	stopping = true
	mu.Unlock()
	endSessions()
	sessions.Wait()
	countMu.Lock()
	p.printf("stopped: %d message(s) received\n", received)
	countMu.Unlock()
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// printer serialises the lines written by the program's goroutines.
type printer struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *printer) printf(format string, a ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format, a...)
}
