package main

// smpp conform: the SMPP conformance suite of package conform from the
// command line. Against an SMSC (--addr) it runs the SMSC checks, each on
// its own connection; with --listen it plays the SMSC for an ESME and
// reports how the ESME behaved. One aligned line per check on stdout
// (or one JSON object with --json), a summary line, exit status 1 when any
// check failed.

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"regexp"
	"time"

	"github.com/smppstack/smpp/conform"
)

const conformSynopsis = `smpp conform [--addr HOST:PORT] --system-id ID --password PW [--dlr] [--to ADDR] [--from ADDR]
       [--dl NAME] [--any-system-id] [--tls] [--timeout D] [--receipt-timeout D] [--run REGEXP] [--json]
       smpp conform --listen HOST:PORT [--outbind HOST:PORT] [--bind-wait D] [--throttle D] [--run REGEXP] [--json]
       smpp conform --list

Runs the SMPP conformance suite. Against an SMSC (--addr) every check binds
on its own connection with the given account and sends what it checks:
binds and wrong credentials, PDUs in the wrong state, unknown commands, bad
command_length, over-long and malformed submit_sm fields, data_coding,
submit_multi, query/cancel/replace_sm, data_sm, receipts (--dlr: the SMSC
sends receipts for --to), sequence numbers, a window of 10 and unbind.
With --listen it plays the SMSC instead: it waits for an ESME to bind and
checks how it answers deliver_sm (GSM, UCS2, a 3-part concatenated MO), a
receipt, enquire_link, an unknown command, ESME_RTHROTTLED and unbind, and
with --outbind whether it binds after an outbind.

Each check prints one line:
  PASS|FAIL|SKIP  <check id>  <spec section>  <what was sent> -> <what was received>
then "conform: N passed, N failed, N skipped". Sections cite shared/spec.
Exit status: 0 when no check failed, 1 otherwise, 2 on a usage error.`

// conformOptions are the flags of smpp conform.
type conformOptions struct {
	addr, systemID, password, systemType string
	tls, tlsInsecure                     bool
	from, to, dl                         string
	dlr, anySystemID                     bool
	timeout, receiptTimeout, pause       time.Duration
	run                                  string
	json, list                           bool
	listen, outbind, outbindPassword     string
	bindWait, throttle                   time.Duration
}

func runConform(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{name: "smpp conform", stdout: stdout, stderr: stderr}
	fs := newFlagSet("conform")
	var o conformOptions
	fs.StringVar(&o.addr, "addr", "127.0.0.1:2775", "SMSC address `HOST:PORT` to test")
	fs.StringVar(&o.systemID, "system-id", "smpp", "system_id of an account on the SMSC")
	fs.StringVar(&o.password, "password", "", "password of that account")
	fs.StringVar(&o.systemType, "system-type", "", "system_type to bind with")
	fs.BoolVar(&o.tls, "tls", false, "connect with TLS")
	fs.BoolVar(&o.tlsInsecure, "tls-insecure", false, "with --tls, do not verify the server certificate")
	fs.StringVar(&o.from, "from", "conform", "source_addr of the messages the checks submit")
	fs.StringVar(&o.to, "to", "15550100001", "destination_addr of the messages the checks submit (with --dlr: one that gets receipts)")
	fs.StringVar(&o.dl, "dl", "", "a distribution list `NAME` the account may submit_multi to (else that check is skipped)")
	fs.BoolVar(&o.dlr, "dlr", false, "the SMSC sends delivery receipts for --to: check them (else the receipt checks are skipped)")
	fs.BoolVar(&o.anySystemID, "any-system-id", false, "the SMSC accepts any system_id by design (a simulator): skip the unknown-system_id check")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Second, "how long each check waits for an answer")
	fs.DurationVar(&o.receiptTimeout, "receipt-timeout", 30*time.Second, "how long the receipt checks wait for a receipt")
	fs.DurationVar(&o.pause, "pause", time.Second, "silence after a PDU shorter than its command_length")
	fs.StringVar(&o.run, "run", "", "run only the checks whose id matches `REGEXP`")
	fs.BoolVar(&o.json, "json", false, "print the report as one JSON object instead of lines")
	fs.BoolVar(&o.list, "list", false, "list the checks (id, section, description) and exit")
	fs.StringVar(&o.listen, "listen", "", "test an ESME: play the SMSC on `HOST:PORT` (port 0 picks one; stderr names it)")
	fs.StringVar(&o.outbind, "outbind", "", "with --listen: also connect to the ESME's outbind listener at `HOST:PORT`")
	fs.StringVar(&o.outbindPassword, "outbind-password", "", "password sent in outbind")
	fs.DurationVar(&o.bindWait, "bind-wait", time.Minute, "with --listen: how long to wait for the ESME to bind")
	fs.DurationVar(&o.throttle, "throttle", 3*time.Second, "with --listen: how long the ESME's submissions are answered ESME_RTHROTTLED")
	if ok, code := c.parse(fs, args, conformSynopsis); !ok {
		return code
	}
	if o.list {
		p := conform.NewPrinter(stdout, nil)
		for _, ch := range append(conform.Checks(), conform.ESMEChecks()...) {
			fmt.Fprintln(stdout, p.CheckLine(ch))
		}
		return exitOK
	}
	var re *regexp.Regexp
	if o.run != "" {
		var err error
		if re, err = regexp.Compile(o.run); err != nil {
			return c.usageError("invalid --run %q: %v", o.run, err)
		}
	}
	switch {
	case o.timeout <= 0 || o.receiptTimeout <= 0 || o.pause <= 0 || o.bindWait <= 0 || o.throttle <= 0:
		return c.usageError("durations must be positive")
	case o.outbind != "" && o.listen == "":
		return c.usageError("--outbind needs --listen")
	case len(o.systemID) > 15:
		return c.usageError("invalid --system-id %q: at most 15 characters", o.systemID)
	case len(o.password) > 8:
		return c.usageError("invalid --password: at most 8 characters")
	case len(o.systemType) > 12:
		return c.usageError("invalid --system-type %q: at most 12 characters", o.systemType)
	case len(o.from) > 20 || len(o.to) > 20 || len(o.dl) > 20:
		return c.usageError("--from, --to and --dl take at most 20 characters")
	case o.to == "":
		return c.usageError("--to must not be empty")
	}
	for _, a := range []struct{ name, v string }{{"addr", o.addr}, {"listen", o.listen}, {"outbind", o.outbind}} {
		if a.v == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(a.v); err != nil {
			return c.usageError("invalid --%s %q: want HOST:PORT", a.name, a.v)
		}
	}

	checks := conform.Checks()
	if o.listen != "" {
		checks = conform.ESMEChecks()
	}
	if re != nil {
		n := 0
		for _, ch := range checks {
			if re.MatchString(ch.ID) {
				n++
			}
		}
		if n == 0 {
			return c.usageError("--run %q matches no check (see --list)", o.run)
		}
	}
	printer := conform.NewPrinter(stdout, checks)
	onResult := func(r conform.Result) {
		if !o.json {
			printer.Print(r)
		}
	}
	var rep *conform.Report
	if o.listen != "" {
		ln, err := net.Listen("tcp", o.listen)
		if err != nil {
			return c.errorf(exitFail, "cannot listen on %s: %s", o.listen, netErrText(err))
		}
		fmt.Fprintf(stderr, "smpp conform: listening on %s; waiting up to %v for an ESME to bind\n", ln.Addr(), o.bindWait)
		rep = conform.RunESME(ctx, conform.ESMETarget{
			Listener: ln, OutbindAddr: o.outbind, OutbindPassword: o.outbindPassword,
			BindWait: o.bindWait, Timeout: o.timeout, Throttle: o.throttle, Run: re, OnResult: onResult,
		})
	} else {
		t := conform.Target{
			Addr: o.addr, SystemID: o.systemID, Password: o.password, SystemType: o.systemType,
			From: o.from, To: o.to, DL: o.dl, DLR: o.dlr, AnySystemID: o.anySystemID,
			Timeout: o.timeout, ReceiptTimeout: o.receiptTimeout, Pause: o.pause, Run: re, OnResult: onResult,
		}
		if o.tls {
			host, _, _ := net.SplitHostPort(o.addr)
			t.TLSConfig = &tls.Config{ServerName: host, InsecureSkipVerify: o.tlsInsecure}
		}
		rep = conform.Run(ctx, t)
	}
	if o.json {
		if err := rep.WriteJSON(stdout); err != nil {
			return c.errorf(exitFail, "%v", err)
		}
	} else {
		fmt.Fprintln(stdout, rep.Summary())
	}
	if !rep.OK() {
		return exitFail
	}
	return exitOK
}
