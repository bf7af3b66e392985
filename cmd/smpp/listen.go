package main

// smpp listen: bind (as a receiver by default) and print every deliver_sm and
// data_sm as one JSON line.

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

const listenSynopsis = `smpp listen [--count N] [--timeout D] [--reassembly-timeout D] [--addr HOST:PORT]
       [--system-id ID] [--password PW] [--bind rx|trx] [--tls [--tls-insecure]]

Binds (as a receiver by default), acknowledges every deliver_sm and data_sm,
and prints each message as one JSON line:

  {"command":"deliver_sm","source_addr_ton":1,"source_addr_npi":1,"source_addr":"15550001111",
   "dest_addr_ton":0,"dest_addr_npi":1,"destination_addr":"12345","esm_class":0,"data_coding":0,
   "text":"MO test 1"}

"text" is the decoded text ("" for binary data, whose user data is then in
"data" as hex, as it is when the text cannot be decoded). A delivery receipt
(esm_class 0x04 or 0x20) adds "receipt": {"id","sub","dlvrd","submit_date",
"done_date","stat","state","err","text"}, merged with its TLVs.

Concatenated messages (UDH with an 8- or 16-bit reference, or SAR TLVs) are
reassembled: their parts are acknowledged as they arrive and the whole
message is printed once, as one line with "parts":N, when its last part
arrives. A set still incomplete after --reassembly-timeout (or when listen
exits) is printed with the parts received and "missing":[...].

Without --count, listen runs until --timeout (exit 0) or an interrupt. With
--count N it exits 0 after printing N messages, and 1 if --timeout passes
first; messages arriving after the N-th are refused with ESME_RX_T_APPN so the
SMSC keeps them.`

// messageJSON is one line of smpp listen.
type messageJSON struct {
	Command         string       `json:"command"`
	SourceAddrTON   uint8        `json:"source_addr_ton"`
	SourceAddrNPI   uint8        `json:"source_addr_npi"`
	SourceAddr      string       `json:"source_addr"`
	DestAddrTON     uint8        `json:"dest_addr_ton"`
	DestAddrNPI     uint8        `json:"dest_addr_npi"`
	DestinationAddr string       `json:"destination_addr"`
	ESMClass        uint8        `json:"esm_class"`
	DataCoding      uint8        `json:"data_coding"`
	Text            string       `json:"text"`
	Data            string       `json:"data,omitempty"`    // hex user data when there is no text
	Parts           int          `json:"parts,omitempty"`   // segments reassembled into this line
	Missing         []int        `json:"missing,omitempty"` // segments never received
	Receipt         *receiptJSON `json:"receipt,omitempty"`
}

// runListen is the listen subcommand.
func runListen(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{name: "smpp listen", stdout: stdout, stderr: stderr}
	fs := newFlagSet("listen")
	var (
		ef       esmeFlags
		count    int
		reassTTL time.Duration
		quiet    bool
	)
	ef.register(fs, "rx", "stop after `D` (with --count: fail if fewer messages arrived; 0: no limit)", 0)
	fs.IntVar(&count, "count", 0, "exit after `N` messages (0: no limit)")
	fs.DurationVar(&reassTTL, "reassembly-timeout", time.Minute, "print a concatenated message as incomplete when its parts stop arriving for `D`")
	fs.BoolVar(&quiet, "quiet", false, "acknowledge and count messages without decoding or printing them (a receiver for benchmarks); prints the count at the end")
	if ok, code := c.parse(fs, args, listenSynopsis); !ok {
		return code
	}
	mode, err := ef.resolve(fs, false)
	if err != nil {
		return c.usageError("%v", err)
	}
	switch {
	case !mode.CanReceive():
		return c.usageError("--bind %s cannot receive; use rx or trx", ef.bind)
	case count < 0:
		return c.usageError("invalid --count %d: must not be negative", count)
	case reassTTL <= 0:
		return c.usageError("invalid --reassembly-timeout %v: must be positive", reassTTL)
	}

	l := newListener(stdout, count, reassTTL)
	l.quiet = quiet
	if quiet {
		defer func() { fmt.Fprintf(stdout, "listen: %d messages\n", l.printedCount()) }()
	}
	var deadline <-chan time.Time
	if ef.timeout > 0 {
		t := time.NewTimer(ef.timeout)
		defer t.Stop()
		deadline = t.C
	}
	sess, err := ef.dial(ctx, mode, l, smpp.SessionConfig{InboundWindow: 1024})
	if err != nil {
		return c.errorf(exitFail, "%v", err)
	}
	sweep := time.NewTicker(min(time.Second, reassTTL/2))
	defer sweep.Stop()
	code := exitOK
loop:
	for {
		select {
		case <-l.done:
			break loop
		case <-sweep.C:
			l.printIncomplete(l.reasm.Sweep(), false)
		case <-deadline:
			if count > 0 {
				code = c.errorf(exitFail, "timed out after %v: %d of %d messages received", ef.timeout, l.printedCount(), count)
			}
			break loop
		case <-ctx.Done():
			if count > 0 {
				code = c.errorf(exitFail, "interrupted: %d of %d messages received", l.printedCount(), count)
			}
			break loop
		case <-sess.Done():
			err := sess.Err()
			if count == 0 && errors.Is(err, smpp.ErrUnbound) {
				break loop // the SMSC ended the session cleanly
			}
			if count > 0 && l.printedCount() >= count {
				break loop
			}
			code = c.errorf(exitFail, "session closed by the SMSC: %s (%d messages received)", closeReason(err), l.printedCount())
			break loop
		}
	}
	waitHandlers(sess, time.Second)
	closeSession(sess, 2*time.Second)
	l.flush()
	return code
}

func closeReason(err error) string {
	switch {
	case err == nil:
		return "closed"
	case errors.Is(err, smpp.ErrUnbound):
		return "unbound"
	case errors.Is(err, io.EOF), errors.Is(err, smpp.ErrClosed):
		return "connection closed"
	}
	return netErrText(err)
}

// listener is the Handler of listen's session.
type listener struct {
	out   io.Writer
	count int // 0: unlimited
	reasm *coding.Reassembler
	skew  atomic.Int64 // added to the reassembler's clock by flush

	quiet bool // count without decoding or printing

	mu      sync.Mutex // serialises output and guards printed
	printed int
	done    chan struct{} // closed after the count-th line
}

func newListener(out io.Writer, count int, ttl time.Duration) *listener {
	l := &listener{out: out, count: count, done: make(chan struct{})}
	l.reasm = coding.NewReassembler(coding.ReassemblerConfig{
		Timeout: ttl,
		Now:     func() time.Time { return time.Now().Add(time.Duration(l.skew.Load())) },
	})
	return l
}

func (l *listener) printedCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.printed
}

// ServeSMPP prints deliver_sm and data_sm and acknowledges them.
func (l *listener) ServeSMPP(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
	if l.quiet {
		return nil, l.tally()
	}
	var m messageJSON
	var part coding.Part
	var partErr error
	switch p := r.PDU.(type) {
	case *pdu.DeliverSM:
		m = messageJSON{Command: "deliver_sm", ESMClass: p.ESMClass, DataCoding: p.DataCoding}
		setAddrs(&m, p.Source(), p.Dest())
		if rc, ok := dlr.FromDeliverSM(p); ok {
			return l.emitReceipt(m, rc, p.Message())
		}
		part, partErr = coding.PartOf(p)
		if partErr != nil {
			part = coding.Part{Data: p.Message(), DataCoding: p.DataCoding}
		}
	case *pdu.DataSM:
		m = messageJSON{Command: "data_sm", ESMClass: p.ESMClass, DataCoding: p.DataCoding}
		setAddrs(&m, p.Source(), p.Dest())
		if rc, ok := dlr.FromDataSM(p); ok {
			return l.emitReceipt(m, rc, p.Message())
		}
		part, partErr = coding.PartOf(p)
		if partErr != nil {
			part = coding.Part{Data: p.Message(), DataCoding: p.DataCoding}
		}
	default:
		return nil, nil // alert_notification: nothing to print
	}
	if !part.IsSegment() || partErr != nil {
		setText(&m, []coding.Part{part})
		return nil, l.emit(&m)
	}
	if !l.room() {
		return nil, pdu.StatusRxTAppn
	}
	msg, expired, err := l.reasm.Add(part)
	l.printIncomplete(expired, false)
	if err != nil {
		setText(&m, []coding.Part{part})
		return nil, l.emit(&m)
	}
	if msg == nil {
		return nil, nil // acknowledged; printed with its last part
	}
	m.Parts = len(msg.Parts)
	setText(&m, msg.Parts)
	return nil, l.emit(&m)
}

// room reports whether another line may still be printed.
func (l *listener) room() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count == 0 || l.printed < l.count
}

func (l *listener) emitReceipt(m messageJSON, r dlr.Receipt, ud []byte) (pdu.PDU, error) {
	m.Text = string(ud)
	if r.Raw != "" {
		m.Text = r.Raw
	}
	m.Receipt = newReceiptJSON(r)
	return nil, l.emit(&m)
}

// emit prints one line; beyond --count it refuses the message with
// ESME_RX_T_APPN so the SMSC keeps it.
func (l *listener) emit(m *messageJSON) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.count > 0 && l.printed >= l.count {
		return pdu.StatusRxTAppn
	}
	l.out.Write(append(b, '\n'))
	l.printed++
	if l.count > 0 && l.printed == l.count {
		close(l.done)
	}
	return nil
}

// tally counts a message in --quiet mode (refusing those beyond --count).
func (l *listener) tally() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.count > 0 && l.printed >= l.count {
		return pdu.StatusRxTAppn
	}
	l.printed++
	if l.count > 0 && l.printed == l.count {
		close(l.done)
	}
	return nil
}

// printIncomplete prints concatenated messages that will never complete.
// They count towards --count unless final (listen is exiting).
func (l *listener) printIncomplete(sets []coding.Incomplete, final bool) {
	for _, in := range sets {
		m := messageJSON{Command: "deliver_sm", DataCoding: in.DataCoding, Parts: len(in.Received), Missing: in.Missing}
		if len(in.Received) > 0 {
			m.ESMClass = esmOf(in.Received[0])
		}
		setAddrs(&m, in.Source, in.Dest)
		setText(&m, in.Received)
		if final {
			b, _ := json.Marshal(&m)
			l.mu.Lock()
			l.out.Write(append(b, '\n'))
			l.mu.Unlock()
			continue
		}
		l.emit(&m)
	}
}

// flush prints the sets still incomplete when listen exits.
func (l *listener) flush() {
	l.skew.Store(int64(100 * 365 * 24 * time.Hour))
	l.printIncomplete(l.reasm.Sweep(), true)
}

func esmOf(p coding.Part) pdu.ESMClass {
	if p.UDHLen > 0 {
		return pdu.ESMUDHI
	}
	return 0
}

func setAddrs(m *messageJSON, src, dst pdu.Address) {
	m.SourceAddrTON, m.SourceAddrNPI, m.SourceAddr = src.TON, src.NPI, src.Addr
	m.DestAddrTON, m.DestAddrNPI, m.DestinationAddr = dst.TON, dst.NPI, dst.Addr
}

// setText sets Text from the parts, or Data (hex) when they carry no text.
func setText(m *messageJSON, parts []coding.Part) {
	if text, ok := partsText(parts); ok {
		m.Text = text
		return
	}
	var data []byte
	for i := range parts {
		data = append(data, parts[i].Body()...)
	}
	m.Data = hex.EncodeToString(data)
}
