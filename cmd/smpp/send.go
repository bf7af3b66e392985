package main

// smpp send: submit one text, split into as many submit_sm as it needs, print
// each message id, and with --dlr wait for one receipt per part.

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

const sendSynopsis = `smpp send --from ADDR --to ADDR --text TEXT [--coding auto|gsm7|ucs2|latin1|ia5|binary]
       [--split udh|udh16|sar|payload] [--dlr] [--timeout D] [--addr HOST:PORT] [--system-id ID]
       [--password PW] [--bind tx|trx] [--tls [--tls-insecure]]

Encodes TEXT (--coding auto: GSM 7-bit when every character fits, else UCS2;
--coding binary: TEXT is hex), splits it when it does not fit one SMS (a UDH
with an 8-bit reference by default), submits the parts in order and prints
each message id on its own line. With --dlr every part asks for a delivery
receipt; the command binds as a transceiver, waits for one final receipt per
part and prints each receipt as one JSON line:

  {"id":"7","sub":1,"dlvrd":1,"submit_date":"...","done_date":"...","stat":"DELIVRD","state":"DELIVERED","err":"000","text":"..."}

Exit status: 0 when every part was accepted (and, with --dlr, delivered:
stat DELIVRD); 1 when a part was refused, a receipt reports another final
state, or --timeout passed first; 2 for a usage error.`

// runSend is the send subcommand.
func runSend(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{name: "smpp send", stdout: stdout, stderr: stderr}
	fs := newFlagSet("send")
	var (
		ef        esmeFlags
		from, to  addrFlags
		text      string
		codingArg string
		splitArg  string
		wantDLR   bool
		binary    bool
		service   string
		validity  time.Duration
	)
	ef.register(fs, "tx", "give up after `D`: connecting, submitting and waiting for receipts", 30*time.Second)
	from.register(fs, "from", "", "source address `ADDR` (digits: TON 1 NPI 1; letters: alphanumeric TON 5)")
	to.register(fs, "to", "", "destination address `ADDR` (required)")
	fs.StringVar(&text, "text", "", "the message `TEXT` (hex with --coding binary)")
	fs.StringVar(&codingArg, "coding", "auto", "character set: `auto|gsm7|ucs2|latin1|ia5|binary`")
	fs.BoolVar(&binary, "binary", false, "same as --coding binary: TEXT is hex")
	fs.StringVar(&splitArg, "split", "udh", "how a long text travels: `udh|udh16|sar|payload`")
	fs.BoolVar(&wantDLR, "dlr", false, "ask for delivery receipts, wait for them and print them (binds trx)")
	fs.StringVar(&service, "service-type", "", "service_type of the submit_sm")
	fs.DurationVar(&validity, "validity", 0, "validity period (relative; 0: the SMSC default)")
	if ok, code := c.parse(fs, args, sendSynopsis); !ok {
		return code
	}
	mode, err := ef.resolve(fs, wantDLR)
	if err != nil {
		return c.usageError("%v", err)
	}
	switch {
	case !mode.CanSend():
		return c.usageError("--bind %s cannot submit; use tx or trx", ef.bind)
	case wantDLR && !mode.CanReceive():
		return c.usageError("--dlr needs a bind that receives: --bind trx")
	case to.addr == "":
		return c.usageError("--to is required")
	case !flagSet(fs, "text"):
		return c.usageError("--text is required")
	case len(service) > 5:
		return c.usageError("invalid --service-type %q: at most 5 characters", service)
	case validity < 0:
		return c.usageError("invalid --validity %v", validity)
	}
	src, err := from.address("from", 20)
	if err != nil {
		return c.usageError("%v", err)
	}
	dst, err := to.address("to", 20)
	if err != nil {
		return c.usageError("%v", err)
	}
	if binary {
		if flagSet(fs, "coding") && codingArg != "binary" {
			return c.usageError("--binary conflicts with --coding %s", codingArg)
		}
		codingArg = "binary"
	}
	codec, payload, err := textCodec(codingArg, text)
	if err != nil {
		return c.usageError("%v", err)
	}
	method, err := parseSplit(splitArg)
	if err != nil {
		return c.usageError("%v", err)
	}
	segs, err := coding.Split(payload, codec, method, uint16(rand.UintN(1<<16)))
	if err != nil {
		return c.usageError("cannot encode --text: %v", err)
	}

	if ef.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ef.timeout)
		defer cancel()
	}
	rc := newReceiptCollector()
	var h smpp.Handler
	if mode.CanReceive() {
		h = rc
	}
	sess, err := ef.dial(ctx, mode, h, smpp.SessionConfig{})
	if err != nil {
		return c.errorf(exitFail, "%v", err)
	}
	defer closeSession(sess, 2*time.Second)

	tmpl := pdu.SubmitSM{ServiceType: service}
	tmpl.SetSource(src)
	tmpl.SetDest(dst)
	if wantDLR {
		tmpl.RegisteredDelivery = pdu.RegReceiptFinal
	}
	if validity > 0 {
		tmpl.ValidityPeriod = pdu.FormatRelative(validity)
	}
	ids := make([]string, 0, len(segs))
	for i := range segs {
		p := tmpl
		segs[i].ApplySubmit(&p)
		resp, err := sess.Submit(ctx, &p)
		if err != nil {
			return c.errorf(exitFail, "%s", submitErrText(err, i+1, len(segs), ef.timeout))
		}
		ids = append(ids, resp.MessageID)
		fmt.Fprintln(stdout, resp.MessageID)
	}
	if !wantDLR {
		return exitOK
	}
	return rc.wait(ctx, c, ids, ef.timeout, sess)
}

// textCodec returns the codec for --coding and the text to split (the
// decoded octets for binary).
func textCodec(name, text string) (coding.Codec, string, error) {
	c, ok := coding.ByName(name)
	switch {
	case !ok:
		return nil, "", fmt.Errorf("invalid --coding %q: want auto, gsm7, ucs2, latin1, ia5 or binary", name)
	case c == nil:
		return coding.Choose(text), text, nil
	case c == coding.Binary{}:
		b, err := hex.DecodeString(strings.Join(strings.Fields(text), ""))
		if err != nil {
			return nil, "", fmt.Errorf("--text is not hex (--coding binary): %v", err)
		}
		return c, string(b), nil
	}
	return c, text, nil
}

// parseSplit parses --split.
func parseSplit(s string) (coding.Concat, error) {
	switch strings.ToLower(s) {
	case "udh", "udh8":
		return coding.ConcatUDH8, nil
	case "udh16":
		return coding.ConcatUDH16, nil
	case "sar":
		return coding.ConcatSAR, nil
	case "payload":
		return coding.ConcatPayload, nil
	}
	return 0, fmt.Errorf("invalid --split %q: want udh, udh16, sar or payload", s)
}

// submitErrText words a failed submit_sm.
func submitErrText(err error, part, total int, timeout time.Duration) string {
	what := "message"
	if total > 1 {
		what = fmt.Sprintf("part %d/%d", part, total)
	}
	var st pdu.Status
	switch {
	case errors.As(err, &st):
		return what + " refused: " + st.String()
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, smpp.ErrResponseTimeout):
		return fmt.Sprintf("%s: no submit_sm_resp (timed out after %v)", what, timeout)
	case errors.Is(err, smpp.ErrClosed), errors.Is(err, smpp.ErrUnbound):
		return what + ": session closed by the SMSC"
	}
	return what + ": " + strings.TrimPrefix(err.Error(), "smpp: ")
}

// receiptCollector is the Handler of send's session: it acknowledges every
// deliver_sm / data_sm and passes the receipts on.
type receiptCollector struct {
	ch chan dlr.Receipt
}

func newReceiptCollector() *receiptCollector {
	return &receiptCollector{ch: make(chan dlr.Receipt, 1024)}
}

func (rc *receiptCollector) ServeSMPP(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
	var (
		rcpt dlr.Receipt
		ok   bool
	)
	switch p := r.PDU.(type) {
	case *pdu.DeliverSM:
		rcpt, ok = dlr.FromDeliverSM(p)
	case *pdu.DataSM:
		rcpt, ok = dlr.FromDataSM(p)
	}
	if ok {
		select {
		case rc.ch <- rcpt:
		case <-ctx.Done():
		}
	}
	return nil, nil
}

// wait prints the receipts of ids as they arrive until each part has a
// final one, and returns the exit code.
func (rc *receiptCollector) wait(ctx context.Context, c *cli, ids []string, timeout time.Duration, sess *smpp.Session) int {
	final := make([]*dlr.Receipt, len(ids))
	left := len(ids)
	var mu sync.Mutex // guards the encoder (one goroutine today; cheap insurance)
	enc := json.NewEncoder(c.stdout)
	for left > 0 {
		select {
		case r := <-rc.ch:
			i := matchID(ids, final, r.ID)
			if i < 0 {
				continue // a receipt for some other message of this system_id
			}
			mu.Lock()
			enc.Encode(newReceiptJSON(r))
			mu.Unlock()
			if r.Intermediate || !r.MessageState().Final() {
				continue
			}
			final[i] = &r
			left--
		case <-sess.Done():
			return c.errorf(exitFail, "session closed by the SMSC while waiting for receipts (%d of %d received)", len(ids)-left, len(ids))
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return c.errorf(exitFail, "timed out after %v waiting for receipts (%d of %d received)", timeout, len(ids)-left, len(ids))
			}
			return c.errorf(exitFail, "interrupted while waiting for receipts (%d of %d received)", len(ids)-left, len(ids))
		}
	}
	waitHandlers(sess, time.Second)
	code := exitOK
	for i, r := range final {
		if r.MessageState() != pdu.StateDelivered {
			what := "message " + ids[i]
			if len(ids) > 1 {
				what = fmt.Sprintf("part %d/%d (%s)", i+1, len(ids), ids[i])
			}
			c.errorf(exitFail, "%s not delivered: %s", what, r.Stat)
			code = exitFail
		}
	}
	return code
}

// matchID returns the index of the id that receipt id rid reports, among
// those without a final receipt yet, or -1 (encoding.md §8.3).
func matchID(ids []string, final []*dlr.Receipt, rid string) int {
	for i, id := range ids {
		if final[i] == nil && id == rid {
			return i
		}
	}
	for i, id := range ids {
		if final[i] == nil && dlr.SameID(id, rid) {
			return i
		}
	}
	return -1
}
