// Command query is an information service on a short code: handsets text a
// query (RATE EUR, FIND PIZZA) and get the answer back by SMS.
//
// It binds as a transceiver through a managed [smpp.Client], so it survives
// SMSC restarts and network cuts by reconnecting with back-off. Queries
// longer than one SMS arrive either as one deliver_sm carrying
// message_payload or as several segments (a UDH or SAR TLVs); the
// [smpp.Reassembly] middleware joins segments before the service sees them.
// Each query is acknowledged only after its answer was accepted by the SMSC:
// when the answer cannot be submitted the deliver_sm is refused with
// ESME_RX_T_APPN and the SMSC delivers the query again later.
//
//	go run ./examples/query -system-id query -password query1 -short-code 5555
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/pdu"
)

type config struct {
	Addr, SystemID, Password string
	// ShortCode is the number handsets write to; the SMSC routes it to
	// this account. Answers are sent from the number the query was sent
	// to, so ShortCode only labels the output.
	ShortCode string
	// ReplyTimeout bounds submitting one answer (waiting for a session
	// included) before the query is handed back to the SMSC.
	ReplyTimeout time.Duration
	// MinBackoff and MaxBackoff bound the reconnect delay.
	MinBackoff, MaxBackoff time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:2775", "SMSC address `HOST:PORT`")
	flag.StringVar(&cfg.SystemID, "system-id", "query", "system_id to bind with")
	flag.StringVar(&cfg.Password, "password", "", "password to bind with")
	flag.StringVar(&cfg.ShortCode, "short-code", "5555", "the short code the service answers on")
	flag.DurationVar(&cfg.ReplyTimeout, "reply-timeout", 10*time.Second, "time to submit one answer before the query is handed back")
	flag.DurationVar(&cfg.MinBackoff, "min-backoff", time.Second, "first reconnect delay")
	flag.DurationVar(&cfg.MaxBackoff, "max-backoff", 30*time.Second, "longest reconnect delay")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, cfg, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "query:", err)
		os.Exit(1)
	}
}

// run serves queries until ctx ends; it returns nil then.
func run(ctx context.Context, cfg config, out io.Writer) error {
	p := &printer{w: out}
	reassembly := &smpp.Reassembly{
		Config: coding.ReassemblerConfig{Timeout: 5 * time.Minute},
		// A query whose segments never all arrived is reported, not
		// dropped silently; its parts were already acknowledged.
		OnIncomplete: func(inc coding.Incomplete) {
			p.printf("incomplete query from %s: %d of %d segments arrived\n", inc.Source.Addr, len(inc.Received), inc.Total)
		},
	}
	go reassembly.Run(ctx, 30*time.Second)

	client := &smpp.Client{Addr: cfg.Addr, MinBackoff: cfg.MinBackoff, MaxBackoff: cfg.MaxBackoff}
	serve := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		if _, ok := r.Receipt(); ok {
			return nil, nil // we ask for none; acknowledge any
		}
		from, to, ok := addresses(r)
		if !ok {
			return nil, pdu.StatusInvCmdID
		}
		text, err := r.Text()
		if err != nil {
			// Undecodable: refuse it for good (the SMSC records it as
			// undeliverable) rather than drop it silently.
			p.printf("query from %s: cannot decode: %v\n", from.Addr, err)
			return nil, pdu.StatusRxPAppn
		}
		answer := Answer(text)
		rctx, cancel := context.WithTimeout(ctx, cfg.ReplyTimeout)
		defer cancel()
		// The answer comes from the number the handset wrote to.
		if _, err := client.SubmitText(rctx, smpp.TextMessage{From: to, To: from, Text: answer}); err != nil {
			p.printf("query from %s: answer not sent (%v); handed back to the SMSC\n", from.Addr, err)
			return nil, pdu.StatusRxTAppn // temporary: the SMSC retries later
		}
		segs := ""
		if r.Concat != nil {
			segs = fmt.Sprintf(" (%d segments)", r.Concat.Total)
		}
		p.printf("query from %s%s: %q -> %q\n", from.Addr, segs, shorten(text, 40), shorten(answer, 60))
		return nil, nil
	})
	client.Dialer = smpp.Dialer{
		SystemID: cfg.SystemID,
		Password: cfg.Password,
		Mode:     pdu.BindTransceiver,
		Handler:  smpp.Chain(serve, reassembly.Middleware()),
	}
	client.OnStateChange = func(st smpp.ClientState, err error) {
		switch {
		case st == smpp.ClientBound:
			p.printf("bound to %s as %s, answering on %s\n", cfg.Addr, cfg.SystemID, cfg.ShortCode)
		case st == smpp.ClientWaiting && err != nil:
			p.printf("link down (%v); reconnecting\n", err)
		}
	}
	err := client.Run(ctx)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// addresses returns the handset (source) and the number it wrote to
// (destination) of an MO deliver_sm or data_sm.
func addresses(r *smpp.Request) (from, to pdu.Address, ok bool) {
	if r.Concat != nil {
		return r.Concat.Source, r.Concat.Dest, true
	}
	switch m := r.PDU.(type) {
	case *pdu.DeliverSM:
		return m.Source(), m.Dest(), true
	case *pdu.DataSM:
		return m.Source(), m.Dest(), true
	}
	return pdu.Address{}, pdu.Address{}, false
}

// Demo data of the service.
var (
	// rates are US dollars per unit of a currency.
	rates = map[string]float64{"EUR": 1.0842, "GBP": 1.2710, "CHF": 1.1275, "JPY": 0.0067, "CAD": 0.7370, "AUD": 0.6590}
	// restaurants by the food words a query may contain.
	restaurants = map[string]string{
		"PIZZA": "Luigi's, 12 Market St, 020 7946 0101",
		"SUSHI": "Kaito, 3 Dock Rd, 020 7946 0102",
		"CURRY": "Spice Route, 88 Brick Ln, 020 7946 0103",
		"VEGAN": "Green Fork, 5 Mill Yard, 020 7946 0104",
	}
)

const help = "Send RATE <currency> (e.g. RATE EUR) or FIND <food> (e.g. FIND PIZZA)."

// Answer is the service: it answers one query.
func Answer(query string) string {
	words := strings.Fields(strings.ToUpper(query))
	if len(words) == 0 {
		return help
	}
	switch words[0] {
	case "RATE":
		var parts []string
		for _, c := range words[1:] {
			if r, ok := rates[c]; ok {
				parts = append(parts, fmt.Sprintf("1 %s = %.4f USD", c, r))
			}
		}
		if len(parts) == 0 {
			return "Unknown currency. Known: " + strings.Join(sortedKeys(rates), " ")
		}
		return strings.Join(parts, "; ")
	case "FIND":
		// The last food word wins: "something warm, no pizza, curry" finds curry.
		for i := len(words) - 1; i > 0; i-- {
			w := strings.Trim(words[i], ".,;:!?")
			if r, ok := restaurants[w]; ok {
				return strings.ToLower(w) + ": " + r
			}
		}
		return "Nothing found. Try FIND " + strings.Join(sortedKeys(restaurants), ", ")
	}
	return help
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
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
