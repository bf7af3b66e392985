package conform

import (
	"context"
	"crypto/tls"
	"net"
	"regexp"
	"time"
)

// Outcome is the verdict of one check.
type Outcome string

// The three verdicts.
const (
	// Pass: the peer behaved as the cited section prescribes.
	Pass Outcome = "PASS"
	// Fail: it did not (or the check could not get as far as the
	// behaviour it checks, e.g. the bind it needs was refused).
	Fail Outcome = "FAIL"
	// Skip: the check needs a capability the peer was not declared to
	// have (a distribution list, receipts, …); Result.Received says why.
	Skip Outcome = "SKIP"
)

// Result is what one check found.
type Result struct {
	// ID, Section and Description are those of the check.
	ID          string `json:"id"`
	Section     string `json:"section"`
	Description string `json:"description"`
	// Outcome is the verdict.
	Outcome Outcome `json:"outcome"`
	// Sent summarises what the check sent ("submit_sm service_type of 6
	// characters").
	Sent string `json:"sent"`
	// Received summarises what came back ("submit_sm_resp
	// ESME_RINVSERTYP"), or for a skipped check why it did not run.
	Received string `json:"received"`
	// Want is, for a failed check, what the cited section asks for.
	Want string `json:"want,omitempty"`
	// Elapsed is how long the check ran.
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Check is one conformance check: an identifier that is stable across
// releases (tools may filter on it), the section of the project's SMPP
// reference (shared/spec/*.md) it checks, and a one-line description.
type Check struct {
	// ID names the check: "<area>.<what>", e.g. "submit.dest-addr-long".
	ID string
	// Section is the section of shared/spec it checks, e.g. "pdus.md §4".
	Section string
	// Description says what a conformant peer does.
	Description string

	smsc func(ctx context.Context, e *env) Result     // SMSC checks
	esme func(ctx context.Context, x *esmeEnv) Result // ESME checks
}

func sc(id, section, desc string, f func(context.Context, *env) Result) Check {
	return Check{ID: id, Section: section, Description: desc, smsc: f}
}

func ec(id, section, desc string, f func(context.Context, *esmeEnv) Result) Check {
	return Check{ID: id, Section: section, Description: desc, esme: f}
}

// Target is an SMSC under test and how to test it (the flags of
// "smpp conform"). Zero values select the documented defaults.
type Target struct {
	// Addr is the SMSC's host:port.
	Addr string
	// SystemID, Password and SystemType are the credentials of an account
	// on the SMSC; every check binds with them (except the ones that
	// check wrong credentials).
	SystemID, Password, SystemType string
	// TLSConfig, when set, connects with TLS.
	TLSConfig *tls.Config
	// Dial, when set, replaces net.Dialer.DialContext.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)

	// From is the source_addr of submitted messages (default "conform",
	// alphanumeric); To the destination_addr (default "15550100001"),
	// which with DLR must be a destination the SMSC sends receipts for.
	From, To string
	// DL is the name of a distribution list provisioned on the SMSC for
	// this account; without it the submit_multi-to-a-list check is skipped.
	DL string
	// DLR declares that the SMSC sends delivery receipts for messages to
	// To: the receipt checks run and wait up to ReceiptTimeout. Without it
	// they are skipped.
	DLR bool
	// AnySystemID declares an SMSC that by design accepts binds with any
	// system_id (a simulator such as "smpp serve"): the unknown-system_id
	// check is skipped instead of failed.
	AnySystemID bool

	// Timeout bounds each check (default 5s), ReceiptTimeout the wait for
	// a receipt (default 30s), Pause the silence after a PDU shorter than
	// its command_length (default 1s).
	Timeout, ReceiptTimeout, Pause time.Duration
	// Run, when set, selects the checks whose ID it matches.
	Run *regexp.Regexp
	// OnResult, when set, is called after each check (for progress output).
	OnResult func(Result)
}

func (t *Target) setDefaults() {
	if t.From == "" {
		t.From = "conform"
	}
	if t.To == "" {
		t.To = "15550100001"
	}
	if t.Timeout <= 0 {
		t.Timeout = 5 * time.Second
	}
	if t.ReceiptTimeout <= 0 {
		t.ReceiptTimeout = 30 * time.Second
	}
	if t.Pause <= 0 {
		t.Pause = time.Second
	}
}

// Checks returns the checks Run performs against an SMSC, in order.
func Checks() []Check { return append([]Check(nil), smscChecks...) }

// Run runs the SMSC checks against t, one after the other, each on its
// own connection and bounded by its own timeout, so one misbehaving answer
// cannot stall the suite. It returns when every selected check ran, or
// early when ctx ends (the check running then fails as interrupted).
func Run(ctx context.Context, t Target) *Report {
	t.setDefaults()
	rep := &Report{Mode: "smsc", Target: t.Addr, Started: time.Now()}
	for _, c := range smscChecks {
		if t.Run != nil && !t.Run.MatchString(c.ID) {
			continue
		}
		timeout := t.Timeout
		if c.ID == "receipt.final" || (t.DLR && isCodingCheck(c.ID)) {
			timeout = t.ReceiptTimeout + t.Timeout
		}
		if c.ID == "framing.length-beyond-data" {
			timeout = t.Pause + 2*t.Timeout
		}
		e := &env{t: &t}
		res := runOne(ctx, c, timeout, func(cctx context.Context) Result { return c.smsc(cctx, e) })
		rep.add(res)
		if t.OnResult != nil {
			t.OnResult(res)
		}
		if ctx.Err() != nil {
			break
		}
	}
	rep.Elapsed = time.Since(rep.Started)
	return rep
}

// runOne runs one check with its timeout and fills in its identity. A
// check that overruns its timeout by far (a bug in the check itself) is
// abandoned and failed.
func runOne(ctx context.Context, c Check, timeout time.Duration, run func(context.Context) Result) Result {
	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ch := make(chan Result, 1)
	go func() { ch <- run(cctx) }()
	var res Result
	select {
	case res = <-ch:
	case <-time.After(timeout + 5*time.Second):
		res = Result{Outcome: Fail, Sent: "-", Received: "the check did not finish", Want: "an answer within " + timeout.String()}
	}
	if ctx.Err() != nil && res.Outcome != Pass {
		res = Result{Outcome: Fail, Sent: res.Sent, Received: "interrupted"}
	}
	res.ID, res.Section, res.Description = c.ID, c.Section, c.Description
	res.Elapsed = time.Since(start)
	return res
}

// pass, fail and skip build results.
func pass(sent, received string) Result {
	return Result{Outcome: Pass, Sent: sent, Received: received}
}

func fail(sent, received, want string) Result {
	return Result{Outcome: Fail, Sent: sent, Received: received, Want: want}
}

func skip(sent, why string) Result {
	return Result{Outcome: Skip, Sent: sent, Received: "not run: " + why}
}
