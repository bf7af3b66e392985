package conform

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

// fakeSMSC serves every connection with a raw wire and handle: an SMSC
// that misbehaves exactly as a test wants.
func fakeSMSC(t *testing.T, handle func(*wire, frame) bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var wires []*wire
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			wires = append(wires, newWire(c, handle))
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, w := range wires {
			w.Close()
		}
	})
	return ln.Addr().String()
}

// TestSilentSMSC: an SMSC that reads everything and answers nothing fails
// every check, each within its timeout: the suite cannot hang.
func TestSilentSMSC(t *testing.T) {
	addr := fakeSMSC(t, func(*wire, frame) bool { return true })
	start := time.Now()
	rep := Run(context.Background(), Target{Addr: addr, SystemID: "x", DLR: true, DL: "list",
		Timeout: 100 * time.Millisecond, ReceiptTimeout: 100 * time.Millisecond, Pause: 50 * time.Millisecond})
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("the suite took %v", el)
	}
	if len(rep.Results) != len(Checks()) {
		t.Errorf("%d results for %d checks", len(rep.Results), len(Checks()))
	}
	for _, r := range rep.Results {
		if r.Outcome != Fail {
			t.Errorf("%s: %s -> %s", r.ID, r.Outcome, r.Received)
		}
		if r.Elapsed > 2*time.Second {
			t.Errorf("%s took %v", r.ID, r.Elapsed)
		}
	}
	if rep.OK() || rep.Failed != len(rep.Results) {
		t.Error(rep.Summary())
	}
}

// TestLaxSMSC: an SMSC on the library that accepts every bind and every
// request fails the checks that expect refusals.
func TestLaxSMSC(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		switch r.PDU.(type) {
		case *pdu.SubmitSM:
			return &pdu.SubmitSMResp{MessageID: "1"}, nil
		case *pdu.SubmitMulti:
			return &pdu.SubmitMultiResp{MessageID: "1"}, nil
		case *pdu.QuerySM:
			return &pdu.QuerySMResp{MessageID: "1", MessageState: pdu.StateDelivered}, nil
		}
		return nil, nil
	})
	srv := &smpp.Server{Binder: smpp.BinderFunc(func(context.Context, *smpp.Session, *pdu.Bind) (smpp.Handler, error) { return h, nil })}
	go srv.Serve(ln)
	defer srv.Close()
	want := map[string]string{
		"bind.bad-password":      "bind_transmitter_resp ESME_ROK",
		"bind.unknown-system-id": "bind_transmitter_resp ESME_ROK",
		"submit.sm-and-payload":  "submit_sm_resp ESME_ROK",
		"multi.unknown-dl":       "unsuccess_sme=[]",
		"query.unknown":          "query_sm_resp ESME_ROK",
		"cancel.unknown":         "cancel_sm_resp ESME_ROK",
		"replace.unknown":        "replace_sm_resp ESME_ROK",
		"schedule.pending":       "DELIVERED(2)",
	}
	var ids []string
	for id := range want {
		ids = append(ids, regexp.QuoteMeta(id))
	}
	rep := Run(context.Background(), Target{Addr: ln.Addr().String(), SystemID: "x", Password: "pw",
		Timeout: 2 * time.Second, Run: regexp.MustCompile("^(" + strings.Join(ids, "|") + ")$")})
	if len(rep.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(rep.Results), len(want))
	}
	for _, r := range rep.Results {
		if r.Outcome != Fail || !strings.Contains(r.Received, want[r.ID]) || r.Want == "" {
			t.Errorf("%s: %s -> %s; want FAIL mentioning %q", r.ID, r.Outcome, r.Received, want[r.ID])
		}
	}
	// With --any-system-id the unknown system_id check is skipped instead.
	rep = Run(context.Background(), Target{Addr: ln.Addr().String(), SystemID: "x", AnySystemID: true,
		Run: regexp.MustCompile(`^bind\.unknown-system-id$`)})
	if r := rep.Results[0]; r.Outcome != Skip {
		t.Errorf("%s: %s -> %s", r.ID, r.Outcome, r.Received)
	}
}

// TestSloppySMSC: an SMSC that binds correctly but answers with the wrong
// sequence numbers, nacks generic_nack, never closes after unbind and
// accepts a frame with trailing garbage.
func TestSloppySMSC(t *testing.T) {
	addr := fakeSMSC(t, func(w *wire, f frame) bool {
		switch p := f.p.(type) {
		case *pdu.Bind:
			br := &pdu.BindResp{Mode: p.Mode, SystemID: "sloppy"}
			br.TLVs.SetSCInterfaceVersion(pdu.V34)
			w.sendSeq(f.h.Seq, pdu.StatusOK, br)
		case *pdu.EnquireLink:
			w.sendSeq(f.h.Seq+1, pdu.StatusOK, &pdu.EnquireLinkResp{}) // wrong seq
		case *pdu.Unbind:
			w.sendSeq(f.h.Seq, pdu.StatusOK, &pdu.UnbindResp{}) // and stays open
		case *pdu.SubmitSM:
			w.sendSeq(f.h.Seq, pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "1"})
		default:
			if f.err != nil && f.h.ID == pdu.CmdSubmitSM {
				w.sendSeq(f.h.Seq, pdu.StatusOK, &pdu.SubmitSMResp{MessageID: "1"}) // accepts garbage
			}
		}
		return true
	})
	rep := Run(context.Background(), Target{Addr: addr, SystemID: "x", Timeout: 300 * time.Millisecond, Pause: 50 * time.Millisecond,
		Run: regexp.MustCompile(`^(link\.enquire-link|seq\.echo|unbind|framing\.length-beyond-data|bind\.v33)$`)})
	for _, r := range rep.Results {
		if r.Outcome != Fail {
			t.Errorf("%s: %s -> %s", r.ID, r.Outcome, r.Received)
		}
	}
	if len(rep.Results) != 5 {
		t.Errorf("%d results", len(rep.Results))
	}
	if r, _ := rep.Result("unbind"); !strings.Contains(r.Received, "still open") {
		t.Errorf("unbind: %s", r.Received)
	}
	if r, _ := rep.Result("framing.length-beyond-data"); !strings.Contains(r.Received, "ESME_ROK") {
		t.Errorf("framing.length-beyond-data: %s", r.Received)
	}
	if r, _ := rep.Result("bind.v33"); !strings.Contains(r.Received, "TLV") {
		t.Errorf("bind.v33: %s", r.Received)
	}
}

// TestNackLoop: an SMSC that answers a generic_nack with a generic_nack
// fails nack.no-nack-loop. The raw reader queues responses for the check,
// so this SMSC is played by a goroutine reading the wire directly.
func TestNackLoop(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		w := newWire(c, nil)
		defer w.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for {
			f, err := w.next(ctx)
			if err != nil {
				return
			}
			switch p := f.p.(type) {
			case *pdu.Bind:
				w.sendSeq(f.h.Seq, pdu.StatusOK, &pdu.BindResp{Mode: p.Mode, SystemID: "loop"})
			case *pdu.GenericNACK:
				w.sendSeq(f.h.Seq, pdu.StatusInvCmdID, &pdu.GenericNACK{})
			case *pdu.EnquireLink:
				w.sendSeq(f.h.Seq, pdu.StatusOK, &pdu.EnquireLinkResp{})
			}
		}
	}()
	rep := Run(context.Background(), Target{Addr: ln.Addr().String(), SystemID: "x", Timeout: time.Second,
		Run: regexp.MustCompile(`^nack\.no-nack-loop$`)})
	if r := rep.Results[0]; r.Outcome != Fail || !strings.Contains(r.Received, "generic_nack") {
		t.Errorf("%s: %s -> %s", r.ID, r.Outcome, r.Received)
	}
}

// TestReportFormats checks the aligned text lines, the summary and the
// JSON shape.
func TestReportFormats(t *testing.T) {
	rep := &Report{Mode: "smsc", Target: "127.0.0.1:2775"}
	rep.add(Result{ID: "a.long-check-id", Section: "pdus.md §4", Outcome: Pass, Sent: "x", Received: "y"})
	rep.add(Result{ID: "b", Section: "session.md §7.1", Outcome: Fail, Sent: "x", Received: "z", Want: "w"})
	rep.add(Result{ID: "c", Section: "s", Outcome: Skip, Sent: "x", Received: "not run: why"})
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"PASS  a.long-check-id  pdus.md §4       x -> y\n" +
		"FAIL  b                session.md §7.1  x -> z; want w\n" +
		"SKIP  c                s                x -> not run: why\n" +
		"conform: 1 passed, 1 failed, 1 skipped\n"
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Mode    string `json:"mode"`
		Results []struct {
			ID, Outcome, Want string
		} `json:"results"`
		Passed, Failed, Skipped int
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil || got.Mode != "smsc" || len(got.Results) != 3 ||
		got.Results[1].Outcome != "FAIL" || got.Results[1].Want != "w" || got.Failed != 1 || got.Skipped != 1 {
		t.Errorf("json %s: %+v %v", b.String(), got, err)
	}
	// Every check has an id, a section in shared/spec and a description;
	// ids are unique.
	seen := map[string]bool{}
	secRE := regexp.MustCompile(`^(pdus|session|status|tlvs|encoding)\.md §\d+(\.\d+)?$`)
	for _, c := range append(Checks(), ESMEChecks()...) {
		if c.ID == "" || c.Description == "" || !secRE.MatchString(c.Section) || seen[c.ID] {
			t.Errorf("check %+v", c)
		}
		if (c.smsc == nil) == (c.esme == nil) {
			t.Errorf("check %s: exactly one of smsc/esme must be set", c.ID)
		}
		seen[c.ID] = true
	}
}

// TestInterrupted: when ctx ends the run stops at once; the check running
// fails as interrupted and no further check runs.
func TestInterrupted(t *testing.T) {
	addr := fakeSMSC(t, func(*wire, frame) bool { return true })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep := Run(ctx, Target{Addr: addr, SystemID: "x", Timeout: 10 * time.Second})
	if time.Since(start) > 3*time.Second || len(rep.Results) != 1 || rep.Results[0].Received != "interrupted" {
		t.Errorf("after %v: %+v", time.Since(start), rep.Results)
	}
}
