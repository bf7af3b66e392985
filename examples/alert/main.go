// Command alert sends one urgent notification — voicemail waiting, a
// security alarm, "your child arrived home" — and reports whether it reached
// the handset.
//
// It submits the text with priority_flag 1 and a delivery receipt request
// through a managed [smpp.Client], which reconnects when the link fails and
// backs off and resends when the SMSC answers ESME_RTHROTTLED. A text too
// long for one SMS is split (UCS2 when it needs to be) and every segment is
// tracked by its own receipt. When a receipt does not come in time the
// segment's state is asked with query_sm. The exit status is 0 only when
// every segment was delivered.
//
//	go run ./examples/alert -system-id alerts -password alerts1 \
//	    -to 447700900001 -text "Voicemail: 1 new message from +44 20 7946 0018"
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

// config is everything the program takes from its flags.
type config struct {
	Addr, SystemID, Password string
	From, To, Text           string
	// Priority is the submit_sm priority_flag (0–3 in GSM terms; 1 is
	// "urgent" for most SMSCs).
	Priority int
	// Wait bounds the wait for the receipts once every segment was
	// accepted.
	Wait time.Duration
	// Rate limits submissions per second on our side (0: none; the SMSC's
	// ESME_RTHROTTLED is then the only brake).
	Rate float64
	// ThrottleDelay is the first pause after ESME_RTHROTTLED (it doubles
	// while the throttling lasts, up to MaxBackoff).
	ThrottleDelay time.Duration
	// MinBackoff and MaxBackoff bound the reconnect delay.
	MinBackoff, MaxBackoff time.Duration
}

func main() {
	cfg := config{}
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:2775", "SMSC address `HOST:PORT`")
	flag.StringVar(&cfg.SystemID, "system-id", "alerts", "system_id to bind with")
	flag.StringVar(&cfg.Password, "password", "", "password to bind with")
	flag.StringVar(&cfg.From, "from", "ALERT", "sender `ADDR` (digits: international number; letters: alphanumeric)")
	flag.StringVar(&cfg.To, "to", "", "handset `NUMBER` to alert (required)")
	flag.StringVar(&cfg.Text, "text", "", "the alert `TEXT` (required; split when long)")
	flag.IntVar(&cfg.Priority, "priority", 1, "priority_flag `N` (0-3)")
	flag.DurationVar(&cfg.Wait, "wait", 30*time.Second, "how long to wait for the delivery receipts")
	flag.Float64Var(&cfg.Rate, "rate", 0, "client-side limit in submissions per second (0: none)")
	flag.DurationVar(&cfg.ThrottleDelay, "throttle-delay", 250*time.Millisecond, "first pause after ESME_RTHROTTLED")
	flag.DurationVar(&cfg.MinBackoff, "min-backoff", time.Second, "first reconnect delay")
	flag.DurationVar(&cfg.MaxBackoff, "max-backoff", 30*time.Second, "longest reconnect and throttle delay")
	flag.Parse()
	if cfg.To == "" || cfg.Text == "" {
		fmt.Fprintln(os.Stderr, "alert: -to and -text are required")
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, cfg, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "alert:", err)
		os.Exit(1)
	}
}

// errNotDelivered is returned when some segment did not reach the handset.
var errNotDelivered = errors.New("alert not delivered")

// run sends the alert, waits for its receipts and reports on out.
func run(ctx context.Context, cfg config, out io.Writer) error {
	p := &printer{w: out}
	book := newReceiptBook()
	var throttled atomic.Int64

	client := &smpp.Client{
		Addr: cfg.Addr,
		Dialer: smpp.Dialer{
			SystemID: cfg.SystemID,
			Password: cfg.Password,
			// Transceiver: the receipts come back on the session that
			// submits.
			Mode: pdu.BindTransceiver,
			Handler: smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
				if rc, ok := r.Receipt(); ok && !rc.Intermediate {
					book.add(rc)
				}
				return nil, nil // acknowledge; this account expects no MO
			}),
			SessionConfig: smpp.SessionConfig{
				// Count the throttled submissions so the report can say
				// what the back-off cost (the Client resends them).
				Trace: &smpp.Trace{PDUReceived: func(_ *smpp.Session, h pdu.Header, _ pdu.PDU) {
					if h.ID == pdu.CmdSubmitSMResp && h.Status == pdu.StatusThrottled {
						throttled.Add(1)
					}
				}},
			},
		},
		Rate:          cfg.Rate,
		ThrottleDelay: cfg.ThrottleDelay,
		MinBackoff:    cfg.MinBackoff,
		MaxBackoff:    cfg.MaxBackoff,
		MaxRetries:    50, // an alert is worth waiting for: keep resending while throttled
		OnStateChange: func(st smpp.ClientState, err error) {
			if err != nil && st == smpp.ClientWaiting {
				p.printf("link down (%v); reconnecting\n", err)
			}
		},
	}
	runCtx, stopClient := context.WithCancel(ctx)
	clientDone := make(chan error, 1)
	go func() { clientDone <- client.Run(runCtx) }()
	defer func() {
		stopClient() // unbinds gracefully
		<-clientDone
	}()

	msg := smpp.TextMessage{
		From:               address(cfg.From),
		To:                 address(cfg.To),
		Text:               cfg.Text,
		RegisteredDelivery: pdu.RegReceiptFinal,
		Template:           &pdu.SubmitSM{PriorityFlag: uint8(cfg.Priority)},
	}
	start := time.Now()
	res, err := client.SubmitText(ctx, msg)
	if n := throttled.Load(); n > 0 {
		p.printf("throttled %d times (ESME_RTHROTTLED); backed off and resent\n", n)
	}
	if err != nil {
		for i, r := range res {
			if r.Err != nil {
				p.printf("segment %d/%d refused: %v\n", i+1, len(res), r.Err)
			}
		}
		return fmt.Errorf("submit: %w", err)
	}
	ids := make([]string, len(res))
	for i, r := range res {
		ids[i] = r.MessageID
	}
	p.printf("submitted %d segment(s) to %s with priority %d in %v: ids %s\n",
		len(ids), cfg.To, cfg.Priority, time.Since(start).Round(time.Millisecond), strings.Join(ids, ","))

	wctx, cancel := context.WithTimeout(ctx, cfg.Wait)
	got := book.wait(wctx, ids)
	cancel()

	final := pdu.StateDelivered
	for i, id := range ids {
		rc, ok := got[id]
		if !ok {
			// No receipt in time: ask the SMSC.
			state := queryState(ctx, client, msg.From, id)
			p.printf("segment %d/%d id %s: no receipt within %v; query_sm says %s\n", i+1, len(ids), id, cfg.Wait, state)
			final = worse(final, pdu.StateUnknown)
			continue
		}
		p.printf("segment %d/%d id %s: %s err %s\n", i+1, len(ids), id, rc.MessageState().Stat(), rc.Err)
		final = worse(final, rc.MessageState())
	}
	if final != pdu.StateDelivered {
		p.printf("alert NOT delivered: %s\n", final.Stat())
		return fmt.Errorf("%w: %s", errNotDelivered, final.Stat())
	}
	p.printf("alert delivered\n")
	return nil
}

// queryState asks the SMSC for a message's state (query_sm).
func queryState(ctx context.Context, c *smpp.Client, from pdu.Address, id string) string {
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	r, err := c.Send(qctx, &pdu.QuerySM{MessageID: id, SourceAddrTON: from.TON, SourceAddrNPI: from.NPI, SourceAddr: from.Addr})
	if err != nil {
		return "error: " + err.Error()
	}
	return r.(*pdu.QuerySMResp).MessageState.String()
}

// worse returns the state to report for a message made of segments in
// states a and b: delivered only when both are.
func worse(a, b pdu.MessageState) pdu.MessageState {
	if a == pdu.StateDelivered {
		return b
	}
	return a
}

// address makes an SMPP address: an international number when it is all
// digits (a leading + is dropped), else an alphanumeric sender id.
func address(s string) pdu.Address {
	s = strings.TrimPrefix(s, "+")
	if s != "" && strings.Trim(s, "0123456789") == "" {
		return pdu.Address{TON: pdu.TONInternational, NPI: pdu.NPIISDN, Addr: s}
	}
	return pdu.Address{TON: pdu.TONAlphanumeric, NPI: pdu.NPIUnknown, Addr: s}
}

// receiptBook keeps the receipts that arrived, by message id. A receipt can
// arrive before SubmitText returns the id it belongs to (one segment is
// accepted and delivered while another is still being resent after
// ESME_RTHROTTLED), so receipts are kept rather than matched on arrival.
type receiptBook struct {
	mu      sync.Mutex
	got     map[string]dlr.Receipt
	changed chan struct{} // closed and replaced on every receipt
}

func newReceiptBook() *receiptBook {
	return &receiptBook{got: map[string]dlr.Receipt{}, changed: make(chan struct{})}
}

func (b *receiptBook) add(r dlr.Receipt) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.got[r.ID] = r
	close(b.changed)
	b.changed = make(chan struct{})
}

// wait returns the receipts of ids once all arrived, or those that arrived
// when ctx ends. Ids are compared with dlr.SameID, which accepts an SMSC
// that writes the id in hex in the receipt and in decimal in the response.
func (b *receiptBook) wait(ctx context.Context, ids []string) map[string]dlr.Receipt {
	for {
		b.mu.Lock()
		found := map[string]dlr.Receipt{}
		for _, id := range ids {
			if r, ok := b.got[id]; ok {
				found[id] = r
				continue
			}
			for rid, r := range b.got {
				if dlr.SameID(rid, id) {
					found[id] = r
					break
				}
			}
		}
		changed := b.changed
		b.mu.Unlock()
		if len(found) == len(ids) {
			return found
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return found
		}
	}
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
