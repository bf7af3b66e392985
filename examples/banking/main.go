// Command banking confirms payments by SMS: for each payment request it
// sends the customer a one-time code (MT) and executes the payment when the
// customer answers "YES <code>" (MO) from the same phone.
//
// Payment requests are read from -requests (default stdin), one per line:
//
//	REF PHONE AMOUNT CURRENCY PAYEE...
//	T1001 447700900001 250.00 EUR ACME Energy
//
// Executed payments are appended to the -ledger file.
//
// Everything that can arrive twice is made harmless:
//
//   - a request with a REF already seen (the upstream system retried) is
//     the same transaction: no second transaction, no second code;
//   - a submit_sm whose submit_sm_resp was lost (response timeout) may or
//     may not have been accepted, and SMPP offers no way to find out: the
//     program resends the same text with the same code and the same
//     user_message_reference, so the handset may get the code twice, but
//     both name one transaction;
//   - a confirmation that arrives again (the customer resent it, or the
//     SMSC redelivered it because our deliver_sm_resp was lost) finds the
//     transaction already confirmed and executes nothing.
//
// The confirmation is matched by (phone, code) to the pending transaction,
// whose state moves from pending to confirmed exactly once, under a lock,
// before the payment is executed and the MO acknowledged.
//
//	go run ./examples/banking -system-id bank -password bank1 -short-code 4000
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/signal"
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
	// ShortCode sends the codes and receives the confirmations.
	ShortCode string
	// Requests supplies the payment requests; Ledger is the file of
	// executed payments.
	Requests io.Reader
	Ledger   string
	// CodeTTL is how long a code is valid; MaxAttempts the wrong codes
	// allowed before the payment is cancelled.
	CodeTTL     time.Duration
	MaxAttempts int
	// SubmitTimeout is how long to wait for a submit_sm_resp (the session's
	// response timeout); Resends is how often a code whose response was
	// lost is sent again.
	SubmitTimeout time.Duration
	Resends       int
	// MinBackoff and MaxBackoff bound the reconnect delay.
	MinBackoff, MaxBackoff time.Duration
}

func main() {
	var cfg config
	var requests string
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:2775", "SMSC address `HOST:PORT`")
	flag.StringVar(&cfg.SystemID, "system-id", "bank", "system_id to bind with")
	flag.StringVar(&cfg.Password, "password", "", "password to bind with")
	flag.StringVar(&cfg.ShortCode, "short-code", "4000", "number the codes come from and confirmations go to")
	flag.StringVar(&requests, "requests", "-", "`FILE` of payment requests (- for stdin)")
	flag.StringVar(&cfg.Ledger, "ledger", "ledger.txt", "`FILE` executed payments are appended to")
	flag.DurationVar(&cfg.CodeTTL, "code-ttl", 5*time.Minute, "how long a code is valid")
	flag.IntVar(&cfg.MaxAttempts, "max-attempts", 3, "wrong codes before a payment is cancelled")
	flag.DurationVar(&cfg.SubmitTimeout, "submit-timeout", 10*time.Second, "wait for submit_sm_resp before resending")
	flag.IntVar(&cfg.Resends, "resends", 2, "resends of a code whose submit_sm_resp was lost")
	flag.DurationVar(&cfg.MinBackoff, "min-backoff", time.Second, "first reconnect delay")
	flag.DurationVar(&cfg.MaxBackoff, "max-backoff", 30*time.Second, "longest reconnect delay")
	flag.Parse()
	cfg.Requests = os.Stdin
	if requests != "-" {
		f, err := os.Open(requests)
		if err != nil {
			fmt.Fprintln(os.Stderr, "banking:", err)
			os.Exit(2)
		}
		defer f.Close()
		cfg.Requests = f
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, cfg, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "banking:", err)
		os.Exit(1)
	}
}

// State of a transaction.
type State int

const (
	Pending State = iota
	Confirmed
	Cancelled
)

func (s State) String() string { return [...]string{"pending", "confirmed", "cancelled"}[s] }

// Txn is one payment awaiting or past its confirmation.
type Txn struct {
	Ref, Phone     string
	Amount, Payee  string
	Code           string
	UMR            uint16 // user_message_reference of its code SMS
	State          State
	WrongCodes     int
	Created        time.Time
	CodeMessageIDs []string // one per accepted submit of the code
}

// bank holds the transactions. Every state change happens under mu.
type bank struct {
	cfg    config
	p      *printer
	client *smpp.Client
	ledger *os.File

	mu      sync.Mutex
	byRef   map[string]*Txn
	byPhone map[string][]*Txn
	byMsgID map[string]*Txn
	byUMR   map[uint16]*Txn
	nextUMR uint16
}

// run serves until ctx ends; it returns nil then. Reaching the end of the
// requests does not stop it: confirmations keep coming.
func run(ctx context.Context, cfg config, out io.Writer) error {
	ledger, err := os.OpenFile(cfg.Ledger, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer ledger.Close()
	b := &bank{
		cfg: cfg, p: &printer{w: out}, ledger: ledger,
		byRef: map[string]*Txn{}, byPhone: map[string][]*Txn{}, byMsgID: map[string]*Txn{}, byUMR: map[uint16]*Txn{},
	}
	b.client = &smpp.Client{
		Addr: cfg.Addr,
		Dialer: smpp.Dialer{
			SystemID: cfg.SystemID, Password: cfg.Password,
			Mode:          pdu.BindTransceiver,
			Handler:       smpp.HandlerFunc(b.serve),
			SessionConfig: smpp.SessionConfig{ResponseTimeout: cfg.SubmitTimeout},
		},
		MinBackoff: cfg.MinBackoff, MaxBackoff: cfg.MaxBackoff,
		OnStateChange: func(st smpp.ClientState, err error) {
			if st == smpp.ClientBound {
				b.p.printf("bound to %s as %s\n", cfg.Addr, cfg.SystemID)
			} else if st == smpp.ClientWaiting && err != nil {
				b.p.printf("link down (%v); reconnecting\n", err)
			}
		},
	}
	go b.readRequests(ctx, cfg.Requests)
	err = b.client.Run(ctx)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

func (b *bank) readRequests(ctx context.Context, r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() && ctx.Err() == nil {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) < 5 {
			b.p.printf("bad request %q: want REF PHONE AMOUNT CURRENCY PAYEE\n", sc.Text())
			continue
		}
		b.Request(ctx, f[0], strings.TrimPrefix(f[1], "+"), f[2]+" "+f[3], strings.Join(f[4:], " "))
	}
}

// Request starts a payment, identified by the caller's ref: a ref seen
// before is the same payment (the caller retried), never a second one.
func (b *bank) Request(ctx context.Context, ref, phone, amount, payee string) {
	b.mu.Lock()
	if t, ok := b.byRef[ref]; ok {
		b.mu.Unlock()
		b.p.printf("%s: duplicate request, transaction already %s: nothing sent\n", ref, t.State)
		return
	}
	b.nextUMR++
	t := &Txn{Ref: ref, Phone: phone, Amount: amount, Payee: payee, Code: newCode(), UMR: b.nextUMR, Created: time.Now()}
	b.byRef[ref] = t
	b.byPhone[phone] = append(b.byPhone[phone], t)
	b.byUMR[t.UMR] = t
	b.mu.Unlock()
	b.p.printf("%s: created: %s to %s, confirmation asked from %s\n", ref, amount, payee, phone)
	b.sendCode(ctx, t)
}

// sendCode submits the code SMS, resending the identical message when a
// submit_sm_resp is lost.
func (b *bank) sendCode(ctx context.Context, t *Txn) {
	text := fmt.Sprintf("Code %s confirms %s to %s (ref %s). Reply YES %s to pay. Never share this code.",
		t.Code, t.Amount, t.Payee, t.Ref, t.Code)
	c := coding.Choose(text)
	ud, err := c.Encode(text)
	if err != nil {
		b.p.printf("%s: %v\n", t.Ref, err)
		return
	}
	sm := &pdu.SubmitSM{
		SourceAddrTON: pdu.TONUnknown, SourceAddrNPI: pdu.NPIISDN, SourceAddr: b.cfg.ShortCode,
		DestAddrTON: pdu.TONInternational, DestAddrNPI: pdu.NPIISDN, DestinationAddr: t.Phone,
		RegisteredDelivery: pdu.RegReceiptFinal,
		DataCoding:         c.DataCoding(),
		ShortMessage:       ud,
	}
	// The application's own reference: the same in every resend, so the
	// copies can be told apart from a second transaction downstream.
	sm.TLVs.SetUserMessageReference(t.UMR)
	for try := 0; try <= b.cfg.Resends; try++ {
		resp, err := b.client.Submit(ctx, sm)
		if err == nil {
			b.mu.Lock()
			t.CodeMessageIDs = append(t.CodeMessageIDs, resp.MessageID)
			b.byMsgID[resp.MessageID] = t
			b.mu.Unlock()
			b.p.printf("%s: code sent to %s (message %s, user_message_reference %d)\n", t.Ref, t.Phone, resp.MessageID, t.UMR)
			return
		}
		if !errors.Is(err, smpp.ErrResponseTimeout) || ctx.Err() != nil {
			// Refused, or never written (the Client already retried
			// what was safe to retry).
			b.p.printf("%s: code not sent: %v\n", t.Ref, err)
			return
		}
		b.p.printf("%s: no submit_sm_resp within %v: resending the same code (the handset may get it twice)\n", t.Ref, b.cfg.SubmitTimeout)
	}
	b.p.printf("%s: code not confirmed sent after %d resends\n", t.Ref, b.cfg.Resends)
}

// serve handles MOs (confirmations) and receipts (of the code SMS).
func (b *bank) serve(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
	dsm, ok := r.PDU.(*pdu.DeliverSM)
	if !ok {
		return nil, pdu.StatusInvCmdID
	}
	if rc, ok := r.Receipt(); ok {
		b.mu.Lock()
		t := b.byMsgID[rc.ID]
		if t == nil {
			// An SMSC that echoes user_message_reference in receipts
			// lets us place a receipt whose message id we never
			// learned (its submit_sm_resp was lost).
			if umr, ok := dsm.TLVs.UserMessageReference(); ok {
				t = b.byUMR[umr]
			}
		}
		b.mu.Unlock()
		if t != nil {
			b.p.printf("%s: code SMS %s: %s\n", t.Ref, rc.ID, rc.MessageState().Stat())
		} else {
			b.p.printf("receipt %s for message %s, unknown here (a submit whose response was lost?)\n", rc.MessageState().Stat(), rc.ID)
		}
		return nil, nil
	}
	text, err := r.Text()
	if err != nil {
		return nil, pdu.StatusRxPAppn
	}
	reply := b.Confirm(dsm.SourceAddr, text)
	// The MO is handled (state changed, payment executed) before the
	// reply: a failed reply does not undo it, and a redelivered MO is
	// recognised as a duplicate. So acknowledge in any case.
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := b.client.SubmitText(rctx, smpp.TextMessage{From: dsm.Dest(), To: dsm.Source(), Text: reply}); err != nil {
		b.p.printf("reply to %s not sent: %v\n", dsm.SourceAddr, err)
	}
	return nil, nil
}

// Confirm applies a customer's answer and returns the reply to send.
func (b *bank) Confirm(phone, text string) string {
	words := strings.Fields(strings.ToUpper(text))
	yes := true
	if len(words) == 2 && (words[0] == "YES" || words[0] == "NO") {
		yes = words[0] == "YES"
		words = words[1:]
	}
	if len(words) != 1 {
		return "Reply YES followed by the code, e.g. YES 123456."
	}
	code := words[0]

	b.mu.Lock()
	defer b.mu.Unlock()
	var open []*Txn
	for _, t := range b.byPhone[phone] {
		if t.Code == code {
			switch t.State {
			case Confirmed:
				b.p.printf("%s: duplicate confirmation from %s: already executed, nothing done\n", t.Ref, phone)
				return fmt.Sprintf("Payment %s was already confirmed.", t.Ref)
			case Cancelled:
				b.p.printf("%s: confirmation from %s for a cancelled payment\n", t.Ref, phone)
				return fmt.Sprintf("Payment %s was cancelled.", t.Ref)
			}
			if time.Since(t.Created) > b.cfg.CodeTTL {
				t.State = Cancelled
				b.p.printf("%s: code expired; cancelled\n", t.Ref)
				return fmt.Sprintf("The code for %s expired; the payment was cancelled.", t.Ref)
			}
			if !yes {
				t.State = Cancelled
				b.p.printf("%s: declined by %s; cancelled\n", t.Ref, phone)
				return fmt.Sprintf("Payment %s cancelled.", t.Ref)
			}
			t.State = Confirmed
			if err := b.execute(t); err != nil {
				// Not executed: back to pending, the customer may retry.
				t.State = Pending
				b.p.printf("%s: confirmed but not executed: %v\n", t.Ref, err)
				return "Sorry, the payment could not be made now. Please reply again later."
			}
			b.p.printf("%s: CONFIRMED by %s: %s to %s executed\n", t.Ref, phone, t.Amount, t.Payee)
			return fmt.Sprintf("Payment %s of %s to %s confirmed.", t.Ref, t.Amount, t.Payee)
		}
		if t.State == Pending {
			open = append(open, t)
		}
	}
	if len(open) == 0 {
		b.p.printf("answer %q from %s matches no payment\n", text, phone)
		return "No payment is waiting for your confirmation."
	}
	// A wrong code counts against every payment waiting on this phone.
	left := b.cfg.MaxAttempts
	for _, t := range open {
		t.WrongCodes++
		if t.WrongCodes >= b.cfg.MaxAttempts {
			t.State = Cancelled
			b.p.printf("%s: %d wrong codes; cancelled\n", t.Ref, t.WrongCodes)
		}
		left = min(left, b.cfg.MaxAttempts-t.WrongCodes)
	}
	if left <= 0 {
		return "Too many wrong codes: the payment was cancelled."
	}
	b.p.printf("wrong code from %s; %d attempt(s) left\n", phone, left)
	return fmt.Sprintf("Wrong code. %d attempt(s) left.", left)
}

// execute records the payment in the ledger (the stand-in for the core
// banking call). It is called once per transaction, under b.mu.
func (b *bank) execute(t *Txn) error {
	_, err := fmt.Fprintf(b.ledger, "%s %s %s %s %s\n", time.Now().UTC().Format(time.RFC3339), t.Ref, t.Phone, t.Amount, t.Payee)
	if err == nil {
		err = b.ledger.Sync()
	}
	return err
}

// newCode returns a random 6-digit code.
func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return fmt.Sprintf("%06d", n.Int64())
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
