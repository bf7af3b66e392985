package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/pdu"
)

var idLineRE = regexp.MustCompile(`^[0-9]+$`)

// checkSendDLR checks send --dlr output: parts id lines, then one
// DELIVRD receipt per id whose text starts the original message.
func checkSendDLR(t *testing.T, r result, parts int, text string) {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q, stdout %q", r.code, r.stderr, r.stdout)
	}
	ls := lines(r.stdout)
	if len(ls) != 2*parts {
		t.Fatalf("%d lines, want %d ids + %d receipts:\n%s", len(ls), parts, parts, r.stdout)
	}
	ids := map[string]bool{}
	for _, l := range ls[:parts] {
		if !idLineRE.MatchString(l) {
			t.Fatalf("id line %q", l)
		}
		ids[l] = true
	}
	if len(ids) != parts {
		t.Fatalf("ids not distinct: %v", ls[:parts])
	}
	for _, l := range ls[parts:] {
		var rc receiptJSON
		if err := json.Unmarshal([]byte(l), &rc); err != nil {
			t.Fatalf("receipt line %q: %v", l, err)
		}
		if !ids[rc.ID] {
			t.Errorf("receipt for unknown id %q (ids %v)", rc.ID, ids)
		}
		delete(ids, rc.ID)
		if rc.Stat != "DELIVRD" || rc.State != "DELIVERED" || rc.Err != "000" || rc.Sub == nil || *rc.Sub != 1 ||
			rc.Dlvrd == nil || *rc.Dlvrd != 1 || rc.SubmitDate == "" || rc.DoneDate == "" {
			t.Errorf("receipt %s", l)
		}
		if _, err := time.Parse(time.RFC3339, rc.DoneDate); err != nil {
			t.Errorf("done_date %q: %v", rc.DoneDate, err)
		}
		// The receipt text travels as GSM 03.38 (data_coding 0): characters
		// GSM lacks arrive as '?'.
		if rc.Text == "" || !strings.HasPrefix(gsmOrQuestion(text), rc.Text) && parts == 1 {
			t.Errorf("receipt text %q, message %q", rc.Text, text)
		}
	}
	if r.stderr != "" {
		t.Errorf("stderr %q", r.stderr)
	}
}

func TestSendDLR(t *testing.T) {
	addr := startServe(t, "--dlr")
	long := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 9) // 405 GSM chars: 3 parts
	tests := []struct {
		name  string
		args  []string
		text  string
		parts int
	}{
		{"gsm7", nil, "Hello world {€}", 1},
		{"ucs2", nil, "Привет, мир! ☺", 1},
		{"ucs2-forced", []string{"--coding", "ucs2"}, "plain ascii", 1},
		{"latin1", []string{"--coding", "latin1"}, "café", 1},
		{"long-udh", nil, long, 3},
		{"long-udh16", []string{"--split", "udh16"}, long, 3},
		{"long-sar", []string{"--split", "sar"}, long, 3},
		{"long-payload", []string{"--split", "payload"}, long, 1},
		{"alphanumeric-from", []string{"--from", "ACME"}, "from a name", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"send", "--addr", addr, "--from", "+15551234567", "--to", "4917012345",
				"--text", tc.text, "--dlr", "--timeout", "10s"}, tc.args...)
			checkSendDLR(t, runCmd(t, args...), tc.parts, tc.text)
		})
	}
}

func TestSendNoDLR(t *testing.T) {
	addr := startServe(t)
	r := runCmd(t, "send", "--addr", addr, "--to", "123", "--text", strings.Repeat("x", 161))
	if r.code != 0 || len(lines(r.stdout)) != 2 || r.stderr != "" {
		t.Fatalf("%+v", r)
	}
	for _, l := range lines(r.stdout) {
		if !idLineRE.MatchString(l) {
			t.Errorf("id line %q", l)
		}
	}
	// Binary text is hex.
	r = runCmd(t, "send", "--addr", addr, "--to", "123", "--coding", "binary", "--text", "0102 ff")
	if r.code != 0 || len(lines(r.stdout)) != 1 {
		t.Fatalf("binary: %+v", r)
	}
	r = runCmd(t, "send", "--addr", addr, "--to", "123", "--binary", "--text", "zz")
	wantOneLineError(t, r, 2, `^smpp send: --text is not hex`)
}

// TestSendParts checks how send's --split methods put a long text into
// submit_sm (the simulator does not route MT traffic to receivers, so this
// is checked on the PDUs).
func TestSendParts(t *testing.T) {
	long := strings.Repeat("0123456789", 40) // 400 septets
	for _, tc := range []struct {
		split string
		n     int
	}{{"udh", 3}, {"udh16", 3}, {"sar", 3}, {"payload", 1}} {
		m, err := parseSplit(tc.split)
		if err != nil {
			t.Fatal(err)
		}
		c, text, err := textCodec("auto", long)
		if err != nil {
			t.Fatal(err)
		}
		segs, err := coding.Split(text, c, m, 7)
		if err != nil || len(segs) != tc.n {
			t.Fatalf("%s: %d segments, %v", tc.split, len(segs), err)
		}
		var p pdu.SubmitSM
		segs[0].ApplySubmit(&p)
		switch tc.split {
		case "udh", "udh16":
			if p.ESMClass&pdu.ESMUDHI == 0 {
				t.Errorf("%s: no UDHI", tc.split)
			}
		case "sar":
			if !p.TLVs.Has(pdu.TagSARMsgRefNum) {
				t.Errorf("sar: no SAR TLVs")
			}
		case "payload":
			if len(p.ShortMessage) != 0 || !p.TLVs.Has(pdu.TagMessagePayload) {
				t.Errorf("payload: %+v", p)
			}
		}
	}
}

func TestSendUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		re   string
	}{
		{[]string{"--text", "hi"}, `--to is required`},
		{[]string{"--to", "1"}, `--text is required`},
		{[]string{"--to", "1", "--text", "hi", "--coding", "klingon"}, `invalid --coding "klingon"`},
		{[]string{"--to", "1", "--text", "hi", "--split", "halves"}, `invalid --split "halves"`},
		{[]string{"--to", "1", "--text", "hi", "--bind", "rx"}, `--bind rx cannot submit`},
		{[]string{"--to", "1", "--text", "hi", "--dlr", "--bind", "tx"}, `--dlr needs a bind that receives`},
		{[]string{"--to", "1", "--text", "Привет", "--coding", "gsm7"}, `cannot encode --text: coding: GSM`},
		{[]string{"--to", strings.Repeat("1", 21), "--text", "hi"}, `invalid --to .*at most 20`},
		{[]string{"--to", "1", "--text", "hi", "--addr", "nocolon"}, `invalid --addr "nocolon"`},
		{[]string{"--to", "1", "--text", "hi", "--system-id", strings.Repeat("s", 16)}, `invalid --system-id`},
		{[]string{"--to", "1", "--text", "hi", "extra"}, `unexpected argument "extra"`},
	} {
		r := runCmd(t, append([]string{"send"}, tc.args...)...)
		wantOneLineError(t, r, 2, `^smpp send: `+tc.re)
	}
}

func TestSendRefusedSubmit(t *testing.T) {
	addr := startServe(t)
	// The simulator refuses a destination TON above 6 (encoding.md §6).
	r := runCmd(t, "send", "--addr", addr, "--to", "123", "--to-ton", "9", "--text", "hi")
	wantOneLineError(t, r, 1, `^smpp send: message refused: ESME_RINVDSTTON$`)
	if r.stdout != "" {
		t.Errorf("stdout %q", r.stdout)
	}
	if st := submitErrText(pdu.StatusInvDstAddr, 2, 3, 0); st != "part 2/3 refused: ESME_RINVDSTADR" {
		t.Errorf("submitErrText = %q", st)
	}
}

// TestSendReceiptTimeout: without --dlr on the server no receipt comes; send
// --dlr then times out with exit 1 and one line.
func TestSendReceiptTimeout(t *testing.T) {
	addr := startServe(t) // no --dlr
	start := time.Now()
	r := runCmd(t, "send", "--addr", addr, "--to", "1", "--text", "hi", "--dlr", "--timeout", "300ms")
	wantOneLineError(t, r, 1, `^smpp send: timed out after 300ms waiting for receipts \(0 of 1 received\)$`)
	if len(lines(r.stdout)) != 1 {
		t.Errorf("stdout %q", r.stdout)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestSendNotDelivered: a receipt with another final state exits 1. The
// simulator's --delivery-delay keeps the message ENROUTE long enough to
// cancel it, so its receipt says DELETED.
func TestSendNotDelivered(t *testing.T) {
	addr := startServe(t, "--dlr", "--delivery-delay", "400ms")
	s := dialTest(t, addr, "canceller", pdu.BindTransmitter, nil)
	done := make(chan result, 1)
	go func() {
		done <- runCmd(t, "send", "--addr", addr, "--to", "1", "--text", "hi", "--dlr", "--timeout", "5s")
	}()
	// Cancel the message once send printed its id: ids are sequential and
	// this is the first message of this simulator.
	deadline := time.Now().Add(2 * time.Second)
	for {
		err := s.Cancel(t.Context(), &pdu.CancelSM{MessageID: "1"})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cancel: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	r := <-done
	if r.code != 1 {
		t.Fatalf("exit %d: %+v", r.code, r)
	}
	ls := lines(r.stdout)
	if len(ls) != 2 || ls[0] != "1" || !strings.Contains(ls[1], `"stat":"DELETED"`) {
		t.Errorf("stdout %q", r.stdout)
	}
	wantOneLineError(t, r, 1, `^smpp send: message 1 not delivered: DELETED$`)
}

func TestAddressDefaults(t *testing.T) {
	for _, tc := range []struct {
		in       string
		ton, npi int
		want     pdu.Address
	}{
		{"+4917012345", -1, -1, pdu.Address{TON: 1, NPI: 1, Addr: "4917012345"}},
		{"4917012345", -1, -1, pdu.Address{TON: 1, NPI: 1, Addr: "4917012345"}},
		{"ACME", -1, -1, pdu.Address{TON: 5, NPI: 0, Addr: "ACME"}},
		{"", -1, -1, pdu.Address{}},
		{"12345", 3, 0, pdu.Address{TON: 3, NPI: 0, Addr: "12345"}},
	} {
		a := addrFlags{addr: tc.in, ton: tc.ton, npi: tc.npi}
		got, err := a.address("from", 20)
		if err != nil || got != tc.want {
			t.Errorf("%q: %+v %v, want %+v", tc.in, got, err, tc.want)
		}
	}
	a := addrFlags{addr: "1", ton: 256, npi: -1}
	if _, err := a.address("to", 20); err == nil {
		t.Error("TON 256 accepted")
	}
}

// gsmOrQuestion replaces the characters of s that GSM 03.38 cannot carry
// with '?', as the receipt builder does.
func gsmOrQuestion(s string) string {
	r := []rune(s)
	for i, c := range r {
		if _, err := (coding.GSM7{Strict: true}).Encode(string(c)); err != nil {
			r[i] = '?'
		}
	}
	return string(r)
}
