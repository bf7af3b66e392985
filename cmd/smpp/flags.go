package main

// Shared plumbing of the ESME subcommands (send, listen, bench) and serve:
// one flag.FlagSet per subcommand with one-line errors, the common ESME
// flags (design/README.md "Command-line contracts"), dialling with errors a
// person can read, addresses with sensible TON/NPI, and the JSON shape of a
// delivery receipt.
//
// Exit codes of every subcommand: 0 success, 1 failure (refused bind,
// unreachable address, rejected or unreceipted message, timeout), 2 usage
// error (bad flag or flag value).

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// cli carries what a subcommand needs to report: its name ("smpp send")
// and its output streams. Every error is one line on stderr prefixed with the
// name.
type cli struct {
	name   string
	stdout io.Writer
	stderr io.Writer
}

// errorf prints one error line and returns code.
func (c *cli) errorf(code int, format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	msg = strings.ReplaceAll(msg, "\n", " ")
	fmt.Fprintf(c.stderr, "%s: %s\n", c.name, msg)
	return code
}

// usageError prints a one-line usage error (exit 2).
func (c *cli) usageError(format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(c.stderr, "%s: %s (see '%s -h')\n", c.name, strings.ReplaceAll(msg, "\n", " "), c.name)
	return exitUsage
}

// newFlagSet returns a FlagSet that reports nothing by itself: parse prints
// the errors, so each is one line.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args. It returns ok=false with the exit code when the command
// must stop: 0 after -h (usage printed on stderr), 2 after a bad flag or a
// stray argument (one line on stderr).
func (c *cli) parse(fs *flag.FlagSet, args []string, synopsis string) (ok bool, code int) {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(c.stderr, "usage: %s\n\nflags:\n", synopsis)
		fs.SetOutput(c.stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		return false, exitOK
	}
	if err != nil {
		return false, c.usageError("%v", err)
	}
	if fs.NArg() > 0 {
		return false, c.usageError("unexpected argument %q", fs.Arg(0))
	}
	return true, 0
}

// flagSet reports whether the named flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			found = true
		}
	})
	return found
}

// esmeFlags are the flags common to the ESME subcommands.
type esmeFlags struct {
	addr        string
	systemID    string
	password    string
	systemType  string
	bind        string
	tls         bool
	tlsInsecure bool
	timeout     time.Duration
}

// register adds the common flags to fs. timeoutUsage documents what
// --timeout means for the subcommand; defTimeout is its default.
func (f *esmeFlags) register(fs *flag.FlagSet, defBind, timeoutUsage string, defTimeout time.Duration) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:2775", "SMSC address `HOST:PORT`")
	fs.StringVar(&f.systemID, "system-id", "smpp", "system_id to bind with")
	fs.StringVar(&f.password, "password", "", "password to bind with")
	fs.StringVar(&f.systemType, "system-type", "", "system_type to bind with")
	fs.StringVar(&f.bind, "bind", defBind, "bind mode: `tx|rx|trx`")
	fs.BoolVar(&f.tls, "tls", false, "connect with TLS")
	fs.BoolVar(&f.tlsInsecure, "tls-insecure", false, "with --tls, do not verify the server certificate")
	fs.DurationVar(&f.timeout, "timeout", defTimeout, timeoutUsage)
}

// mode parses --bind.
func (f *esmeFlags) mode() (pdu.BindMode, error) {
	m, ok := pdu.ParseBindMode(f.bind)
	if !ok {
		return 0, fmt.Errorf("invalid --bind %q: want tx, rx or trx", f.bind)
	}
	return m, nil
}

// check validates the common flags (usage errors).
func (f *esmeFlags) check() error {
	if _, _, err := net.SplitHostPort(f.addr); err != nil {
		return fmt.Errorf("invalid --addr %q: want HOST:PORT", f.addr)
	}
	if len(f.systemID) > 15 {
		return fmt.Errorf("invalid --system-id %q: at most 15 characters", f.systemID)
	}
	if len(f.password) > 8 {
		return errors.New("invalid --password: at most 8 characters")
	}
	if len(f.systemType) > 12 {
		return fmt.Errorf("invalid --system-type %q: at most 12 characters", f.systemType)
	}
	if f.timeout < 0 {
		return fmt.Errorf("invalid --timeout %v: must not be negative", f.timeout)
	}
	_, err := f.mode()
	return err
}

// resolve checks the common flags and returns the bind mode: --bind, or trx
// when it was not given and the command waits for receipts (dlr).
func (f *esmeFlags) resolve(fs *flag.FlagSet, dlr bool) (pdu.BindMode, error) {
	if err := f.check(); err != nil {
		return 0, err
	}
	if dlr && !flagSet(fs, "bind") {
		f.bind = "trx"
	}
	return f.mode()
}

// dialError is a failure to connect or bind, already worded for the user
// ("cannot connect to 127.0.0.1:1: connection refused", "bind refused:
// ESME_RINVPASWD").
type dialError struct{ msg string }

func (e *dialError) Error() string { return e.msg }

// dial connects to --addr (with TLS when asked) and binds in mode with h
// serving incoming deliver_sm/data_sm. Errors are *dialError.
func (f *esmeFlags) dial(ctx context.Context, mode pdu.BindMode, h smpp.Handler, cfg smpp.SessionConfig) (*smpp.Session, error) {
	bindTimeout := 10 * time.Second
	if f.timeout > 0 && f.timeout < bindTimeout {
		bindTimeout = f.timeout
	}
	dctx, cancel := context.WithTimeout(ctx, bindTimeout)
	defer cancel()
	var nd net.Dialer
	c, err := nd.DialContext(dctx, "tcp", f.addr)
	if err != nil {
		return nil, &dialError{"cannot connect to " + f.addr + ": " + netErrText(err)}
	}
	if f.tls {
		host, _, _ := net.SplitHostPort(f.addr)
		tc := tls.Client(c, &tls.Config{ServerName: host, InsecureSkipVerify: f.tlsInsecure})
		if err := tc.HandshakeContext(dctx); err != nil {
			c.Close()
			return nil, &dialError{"TLS handshake with " + f.addr + " failed: " + netErrText(err)}
		}
		c = tc
	}
	d := &smpp.Dialer{
		SystemID:      f.systemID,
		Password:      f.password,
		SystemType:    f.systemType,
		Mode:          mode,
		Handler:       h,
		BindTimeout:   bindTimeout,
		SessionConfig: cfg,
	}
	s, err := d.Bind(dctx, c)
	if err != nil {
		var be *smpp.BindError
		switch {
		case errors.As(err, &be):
			return nil, &dialError{"bind refused: " + be.Status.String()}
		case errors.Is(err, context.DeadlineExceeded), errors.Is(err, smpp.ErrResponseTimeout):
			return nil, &dialError{fmt.Sprintf("bind to %s failed: no bind response within %v", f.addr, bindTimeout)}
		case errors.Is(err, smpp.ErrClosed), errors.Is(err, io.EOF):
			return nil, &dialError{"bind to " + f.addr + " failed: connection closed by the SMSC"}
		}
		return nil, &dialError{"bind to " + f.addr + " failed: " + strings.TrimPrefix(netErrText(err), "smpp: ")}
	}
	return s, nil
}

// netErrText reduces a network error to its cause: "connection refused",
// "lookup nohost: no such host", "i/o timeout".
func netErrText(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "lookup " + dnsErr.Name + ": " + dnsErr.Err
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	var sysErr *os.SyscallError
	if errors.As(err, &sysErr) {
		return sysErr.Err.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return "timed out"
	}
	if errors.Is(err, context.Canceled) {
		return "interrupted"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	return err.Error()
}

// closeSession unbinds s, waiting at most d, then closes it.
func closeSession(s *smpp.Session, d time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	s.Unbind(ctx)
	s.Close()
}

// closeAll closes every session as closeSession does, all at once.
func closeAll(sessions []*smpp.Session, d time.Duration) {
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Go(func() { closeSession(s, d) })
	}
	wg.Wait()
}

// waitHandlers waits (at most d) until s serves none of the peer's requests,
// so the responses of handled deliver_sm are queued before an unbind.
func waitHandlers(s *smpp.Session, d time.Duration) {
	deadline := time.Now().Add(d)
	for s.Stats().Serving > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

// addrFlags are an address with its TON and NPI; a negative TON or NPI means
// "choose from the address".
type addrFlags struct {
	addr     string
	ton, npi int
}

func (a *addrFlags) register(fs *flag.FlagSet, name, def, usage string) {
	fs.StringVar(&a.addr, name, def, usage)
	a.ton, a.npi = -1, -1
	fs.Var((*autoInt)(&a.ton), name+"-ton", "`TON` of --"+name+" (auto: 5 alphanumeric, 1 international number, 0 empty)")
	fs.Var((*autoInt)(&a.npi), name+"-npi", "`NPI` of --"+name+" (auto: 1 ISDN for numbers, 0 otherwise)")
}

// autoInt is an int flag whose default, -1, prints as "auto".
type autoInt int

func (v *autoInt) String() string {
	if v == nil || *v < 0 {
		return "auto"
	}
	return strconv.Itoa(int(*v))
}

func (v *autoInt) Set(s string) error {
	if s == "auto" {
		*v = -1
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 255 {
		return errors.New("want 0-255 or auto")
	}
	*v = autoInt(n)
	return nil
}

// address returns the pdu.Address: a leading "+" is dropped from numbers;
// digits get TON 1 (international) NPI 1 (ISDN), anything else TON 5
// (alphanumeric) NPI 0 (encoding.md §6), unless given.
func (a *addrFlags) address(name string, maxLen int) (pdu.Address, error) {
	s := a.addr
	num := isNumber(s)
	if num {
		s = strings.TrimPrefix(s, "+")
	}
	if len(s) > maxLen {
		return pdu.Address{}, fmt.Errorf("invalid --%s %q: at most %d characters", name, a.addr, maxLen)
	}
	ton, npi := pdu.TONUnknown, pdu.NPIUnknown
	switch {
	case s == "":
	case num:
		ton, npi = pdu.TONInternational, pdu.NPIISDN
	default:
		ton = pdu.TONAlphanumeric
	}
	if a.ton >= 0 {
		if a.ton > 255 {
			return pdu.Address{}, fmt.Errorf("invalid --%s-ton %d", name, a.ton)
		}
		ton = uint8(a.ton)
	}
	if a.npi >= 0 {
		if a.npi > 255 {
			return pdu.Address{}, fmt.Errorf("invalid --%s-npi %d", name, a.npi)
		}
		npi = uint8(a.npi)
	}
	return pdu.Address{TON: ton, NPI: npi, Addr: s}, nil
}

// isNumber reports whether s is a phone number: digits, optionally after "+".
func isNumber(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// receiptJSON is the JSON shape of a delivery receipt printed by send and
// listen. Dates are RFC 3339 in UTC (the receipt text has no zone); fields
// absent from the receipt are omitted.
type receiptJSON struct {
	ID           string `json:"id"`
	Sub          *int   `json:"sub,omitempty"`
	Dlvrd        *int   `json:"dlvrd,omitempty"`
	SubmitDate   string `json:"submit_date,omitempty"`
	DoneDate     string `json:"done_date,omitempty"`
	Stat         string `json:"stat,omitempty"`
	State        string `json:"state,omitempty"` // message_state name (encoding.md §7)
	Err          string `json:"err,omitempty"`
	Text         string `json:"text,omitempty"`
	NetworkError string `json:"network_error,omitempty"` // "type:code" of network_error_code
	Intermediate bool   `json:"intermediate,omitempty"`
}

func newReceiptJSON(r dlr.Receipt) *receiptJSON {
	j := &receiptJSON{ID: r.ID, Stat: r.Stat, Err: r.Err, Text: r.Text, Intermediate: r.Intermediate}
	if r.Has(dlr.FieldSub) {
		j.Sub = &r.Sub
	}
	if r.Has(dlr.FieldDlvrd) {
		j.Dlvrd = &r.Dlvrd
	}
	if r.Has(dlr.FieldSubmitDate) {
		j.SubmitDate = r.SubmitDate.UTC().Format(time.RFC3339)
	}
	if r.Has(dlr.FieldDoneDate) {
		j.DoneDate = r.DoneDate.UTC().Format(time.RFC3339)
	}
	if r.Has(dlr.FieldState) {
		j.State = r.State.String()
	}
	if r.Has(dlr.FieldNetworkError) {
		j.NetworkError = fmt.Sprintf("%d:%d", r.NetworkError.Type, r.NetworkError.Code)
	}
	return j
}

// lineWriter serialises whole lines from concurrent handlers.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) writeLine(b []byte) {
	l.mu.Lock()
	l.w.Write(b)
	l.w.Write([]byte{'\n'})
	l.mu.Unlock()
}

// decodeUserData decodes the text of one message's user data (after its
// UDH, if any). It reports false for binary data_coding, data_coding values
// without a character set, and undecodable data.
func decodeUserData(esm pdu.ESMClass, dc pdu.DataCoding, ud []byte, tlvs pdu.TLVs) (string, bool) {
	part, err := coding.ParsePart(esm, ud, tlvs)
	if err != nil {
		return "", false
	}
	part.DataCoding = dc
	return partsText([]coding.Part{part})
}

// partsText decodes the text of the parts of one message, in order.
func partsText(parts []coding.Part) (string, bool) {
	if len(parts) == 0 {
		return "", true
	}
	c, ok := coding.Codecs{}.ForPart(parts[0])
	if !ok || isBinaryCodec(c) {
		return "", false
	}
	text, err := coding.JoinText(c, parts)
	if err != nil {
		return "", false
	}
	return text, true
}

// isBinaryCodec reports whether c carries octets rather than characters.
func isBinaryCodec(c coding.Codec) bool { return c.Name() == (coding.Binary{}).Name() }

// startCPUProfile writes a CPU profile to path (when not empty) until the
// returned function is called.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
