package conform

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is the outcome of a run: one Result per check, in run order.
type Report struct {
	// Mode is "smsc" (an SMSC was tested, Run) or "esme" (an ESME was,
	// RunESME).
	Mode string `json:"mode"`
	// Target is the address tested (the SMSC's, or the one listened on).
	Target string `json:"target"`
	// Started and Elapsed time the run.
	Started time.Time     `json:"started"`
	Elapsed time.Duration `json:"elapsed_ns"`
	// Results are the checks' findings.
	Results []Result `json:"results"`
	// Passed, Failed and Skipped count the results by outcome.
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

func (r *Report) add(res Result) {
	r.Results = append(r.Results, res)
	switch res.Outcome {
	case Pass:
		r.Passed++
	case Fail:
		r.Failed++
	default:
		r.Skipped++
	}
}

// OK reports whether no check failed.
func (r *Report) OK() bool { return r.Failed == 0 }

// Result returns the result of the check with the given id.
func (r *Report) Result(id string) (Result, bool) {
	for _, res := range r.Results {
		if res.ID == id {
			return res, true
		}
	}
	return Result{}, false
}

// Summary is the last line of the text report:
// "conform: N passed, N failed, N skipped".
func (r *Report) Summary() string {
	return fmt.Sprintf("conform: %d passed, %d failed, %d skipped", r.Passed, r.Failed, r.Skipped)
}

// WriteText writes one aligned line per result and the summary line.
func (r *Report) WriteText(w io.Writer) error {
	p := &Printer{w: w} // columns fit these results
	for _, res := range r.Results {
		p.widen(res.ID, res.Section)
	}
	for _, res := range r.Results {
		if err := p.Print(res); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, r.Summary())
	return err
}

// WriteJSON writes the report as one JSON object (the results with their
// fields, the counts, timings in nanoseconds) followed by a newline.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Printer writes results as aligned text lines, as they arrive:
//
//	PASS  bind.transmitter  pdus.md §6.2  bind_transmitter v3.4 -> bind_transmitter_resp ESME_ROK ...
//
// A failed result ends with "; want ..." (what the section asks for).
type Printer struct {
	w         io.Writer
	idW, secW int
}

// NewPrinter returns a Printer whose columns fit the given checks (all
// the checks of both modes when nil).
func NewPrinter(w io.Writer, checks []Check) *Printer {
	p := &Printer{w: w}
	if checks == nil {
		checks = append(Checks(), ESMEChecks()...)
	}
	for _, c := range checks {
		p.widen(c.ID, c.Section)
	}
	return p
}

func (p *Printer) widen(id, sec string) {
	p.idW = max(p.idW, runeLen(id))
	p.secW = max(p.secW, runeLen(sec))
}

func runeLen(s string) int { return len([]rune(s)) }

func pad(s string, n int) string {
	if d := n - runeLen(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

// Line formats one result without a newline.
func (p *Printer) Line(res Result) string {
	line := fmt.Sprintf("%-4s  %s  %s  %s -> %s", res.Outcome, pad(res.ID, p.idW), pad(res.Section, p.secW), res.Sent, res.Received)
	if res.Outcome == Fail && res.Want != "" {
		line += "; want " + res.Want
	}
	return strings.ReplaceAll(line, "\n", " ")
}

// CheckLine formats a check for a listing: id, section and description,
// aligned like the result lines.
func (p *Printer) CheckLine(c Check) string {
	return fmt.Sprintf("%s  %s  %s", pad(c.ID, p.idW), pad(c.Section, p.secW), c.Description)
}

// Print writes one result line.
func (p *Printer) Print(res Result) error {
	_, err := fmt.Fprintln(p.w, p.Line(res))
	return err
}
