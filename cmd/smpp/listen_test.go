package main

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

// listenAsync runs smpp listen in the background.
func listenAsync(t *testing.T, args ...string) <-chan result {
	t.Helper()
	ch := make(chan result, 1)
	go func() { ch <- runCmd(t, append([]string{"listen"}, args...)...) }()
	return ch
}

func parseMessages(t *testing.T, out string) []messageJSON {
	t.Helper()
	var ms []messageJSON
	for _, l := range lines(out) {
		var m messageJSON
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		ms = append(ms, m)
	}
	return ms
}

// TestListenMO receives the simulator's injected MO messages.
func TestListenMO(t *testing.T) {
	addr := startServe(t, "--mo-every", "50ms")
	r := runCmd(t, "listen", "--addr", addr, "--count", "3", "--timeout", "10s")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("%+v", r)
	}
	ms := parseMessages(t, r.stdout)
	if len(ms) != 3 {
		t.Fatalf("%d lines:\n%s", len(ms), r.stdout)
	}
	for _, m := range ms {
		if m.Command != "deliver_sm" || m.SourceAddr != "15550001111" || m.SourceAddrTON != 1 ||
			m.DestinationAddr != "12345" || m.ESMClass != 0 || m.DataCoding != 0 ||
			!strings.HasPrefix(m.Text, "MO test ") || m.Receipt != nil {
			t.Errorf("%+v", m)
		}
	}
	// As a transceiver too.
	r = runCmd(t, "listen", "--addr", addr, "--bind", "trx", "--count", "1", "--timeout", "10s")
	if r.code != 0 || len(lines(r.stdout)) != 1 {
		t.Fatalf("trx: %+v", r)
	}
}

// TestListenReceipts: a transmitter of system_id "acct" submits with
// registered_delivery; the simulator routes the receipts to listen, bound
// as a receiver of the same system_id.
func TestListenReceipts(t *testing.T) {
	addr := startServe(t, "--dlr")
	res := listenAsync(t, "--addr", addr, "--system-id", "acct", "--count", "2", "--timeout", "10s")
	tx := dialTest(t, addr, "acct", pdu.BindTransmitter, nil)
	submitted := map[string]bool{}
	var r result
	// Receipts sent before listen has bound are dropped by the simulator, so
	// keep submitting until listen has printed two.
wait:
	for {
		m := &pdu.SubmitSM{SourceAddr: "ACME", SourceAddrTON: 5, DestAddrTON: 1, DestAddrNPI: 1,
			DestinationAddr: "4917012345", RegisteredDelivery: pdu.RegReceiptFinal,
			ShortMessage: []byte("Your code is 123456, valid 5 minutes")}
		resp, err := tx.Submit(t.Context(), m)
		if err != nil {
			t.Fatal(err)
		}
		submitted[resp.MessageID] = true
		select {
		case r = <-res:
			break wait
		case <-time.After(20 * time.Millisecond):
		}
	}
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("%+v", r)
	}
	ms := parseMessages(t, r.stdout)
	if len(ms) != 2 {
		t.Fatalf("%d lines:\n%s", len(ms), r.stdout)
	}
	for _, m := range ms {
		rc := m.Receipt
		if rc == nil {
			t.Fatalf("no receipt: %+v", m)
		}
		if !submitted[rc.ID] {
			t.Errorf("receipt id %q was not submitted", rc.ID)
		}
		// Receipt addressing is reversed (encoding.md §8.2).
		if m.SourceAddr != "4917012345" || m.DestinationAddr != "ACME" || m.DestAddrTON != 5 || m.ESMClass != pdu.ESMTypeDeliveryReceipt {
			t.Errorf("addresses/esm_class: %+v", m)
		}
		if rc.Stat != "DELIVRD" || rc.State != "DELIVERED" || rc.Err != "000" || rc.Sub == nil || *rc.Sub != 1 ||
			rc.Dlvrd == nil || *rc.Dlvrd != 1 || rc.Text != "Your code is 123456," {
			t.Errorf("receipt %+v", rc)
		}
		for _, d := range []string{rc.SubmitDate, rc.DoneDate} {
			if ts, err := time.Parse(time.RFC3339, d); err != nil || time.Since(ts) > time.Hour {
				t.Errorf("date %q: %v", d, err)
			}
		}
		if !strings.HasPrefix(m.Text, "id:"+rc.ID+" sub:001 dlvrd:001 submit date:") {
			t.Errorf("text %q", m.Text)
		}
	}
}

// testSMSC is a minimal SMSC for driving listen with PDUs the simulator
// never sends: it accepts any bind and reports every bound receiver.
type testSMSC struct {
	addr  string
	bound chan *smpp.Session
}

func startTestSMSC(t *testing.T) *testSMSC {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testSMSC{addr: l.Addr().String(), bound: make(chan *smpp.Session, 8)}
	srv := &smpp.Server{
		Binder: smpp.BinderFunc(func(context.Context, *smpp.Session, *pdu.Bind) (smpp.Handler, error) {
			return smpp.HandlerFunc(func(context.Context, *smpp.Request) (pdu.PDU, error) { return nil, pdu.StatusInvCmdID }), nil
		}),
		ConnState: func(s *smpp.Session, st smpp.State) {
			if st == smpp.StateBoundRX || st == smpp.StateBoundTRX {
				ts.bound <- s
			}
		},
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return ts
}

func (ts *testSMSC) session(t *testing.T) *smpp.Session {
	t.Helper()
	select {
	case s := <-ts.bound:
		// ConnState reports the state before the bind_resp is queued;
		// give the ESME a moment to read it.
		deadline := time.Now().Add(2 * time.Second)
		for !s.State().Bound() && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("listen did not bind")
	}
	return nil
}

// TestListenShapes checks reassembly (UDH, SAR, out of order), UCS2,
// binary, data_sm and a receipt carried in TLVs only.
func TestListenShapes(t *testing.T) {
	ts := startTestSMSC(t)
	res := listenAsync(t, "--addr", ts.addr, "--count", "6", "--timeout", "10s")
	s := ts.session(t)
	ctx := t.Context()
	from := pdu.Address{TON: 1, NPI: 1, Addr: "15550001111"}
	to := pdu.Address{TON: 0, NPI: 1, Addr: "12345"}
	deliver := func(p *pdu.DeliverSM) {
		t.Helper()
		p.SetSource(from)
		p.SetDest(to)
		if _, err := s.Deliver(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	long := strings.Repeat("abcdefghij", 35) // 350 septets: 3 parts
	// 1. UDH parts out of order.
	segs, err := coding.Split(long, coding.GSM7{}, coding.ConcatUDH8, 42)
	if err != nil || len(segs) != 3 {
		t.Fatal(len(segs), err)
	}
	for _, i := range []int{2, 0, 1} {
		p := &pdu.DeliverSM{}
		segs[i].ApplyDeliver(p)
		deliver(p)
	}
	// 2. UCS2 with SAR TLVs.
	ucs := strings.Repeat("Привет мир ", 10) // 110 units: 2 parts
	segs, err = coding.Split(ucs, coding.UCS2{}, coding.ConcatSAR, 777)
	if err != nil || len(segs) != 2 {
		t.Fatal(len(segs), err)
	}
	for i := range segs {
		p := &pdu.DeliverSM{}
		segs[i].ApplyDeliver(p)
		deliver(p)
	}
	// 3. Binary.
	deliver(&pdu.DeliverSM{DataCoding: pdu.CodingBinary, ShortMessage: []byte{0xde, 0xad, 0xbe, 0xef}})
	// 4. data_sm with message_payload.
	ds := &pdu.DataSM{SourceAddr: "ACME", SourceAddrTON: 5, DestinationAddr: "12345"}
	gsm, _ := coding.GSM7{}.Encode("via data_sm")
	ds.TLVs.Set(pdu.TagMessagePayload, gsm)
	if _, err := s.Data(ctx, ds); err != nil {
		t.Fatal(err)
	}
	// 5. A receipt whose text is empty: the TLVs carry it.
	rc := dlr.Receipt{ID: "abc123", State: pdu.StateUndeliverable, Fields: dlr.FieldState}
	p := rc.DeliverSM(to, from, dlr.BuildOptions{TLVs: true})
	p.ShortMessage = nil
	deliver(p)
	// 6. A plain GSM message with an extension character.
	deliver(&pdu.DeliverSM{ShortMessage: []byte{0x1b, 0x65, '5'}}) // "€5"

	r := <-res
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("%+v", r)
	}
	ms := parseMessages(t, r.stdout)
	if len(ms) != 6 {
		t.Fatalf("%d lines:\n%s", len(ms), r.stdout)
	}
	if m := ms[0]; m.Text != long || m.Parts != 3 || m.ESMClass&pdu.ESMUDHI == 0 || m.SourceAddr != "15550001111" {
		t.Errorf("UDH message: %+v", m)
	}
	if m := ms[1]; m.Text != ucs || m.Parts != 2 || m.DataCoding != pdu.CodingUCS2 {
		t.Errorf("SAR message: %+v", m)
	}
	if m := ms[2]; m.Text != "" || m.Data != "deadbeef" || m.DataCoding != pdu.CodingBinary {
		t.Errorf("binary: %+v", m)
	}
	if m := ms[3]; m.Command != "data_sm" || m.Text != "via data_sm" || m.SourceAddr != "ACME" {
		t.Errorf("data_sm: %+v", m)
	}
	if m := ms[4]; m.Receipt == nil || m.Receipt.ID != "abc123" || m.Receipt.State != "UNDELIVERABLE" || m.Receipt.Stat != "UNDELIV" {
		t.Errorf("TLV receipt: %+v %+v", m, m.Receipt)
	}
	if m := ms[5]; m.Text != "€5" {
		t.Errorf("GSM: %+v", m)
	}
}

// TestListenIncomplete: a set missing a part is printed with "missing"
// after --reassembly-timeout.
func TestListenIncomplete(t *testing.T) {
	ts := startTestSMSC(t)
	res := listenAsync(t, "--addr", ts.addr, "--count", "1", "--timeout", "10s", "--reassembly-timeout", "200ms")
	s := ts.session(t)
	segs, err := coding.Split(strings.Repeat("x", 400), coding.GSM7{}, coding.ConcatUDH16, 4242)
	if err != nil || len(segs) != 3 {
		t.Fatal(len(segs), err)
	}
	for _, i := range []int{0, 2} {
		p := &pdu.DeliverSM{SourceAddr: "1", DestinationAddr: "2"}
		segs[i].ApplyDeliver(p)
		if _, err := s.Deliver(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	r := <-res
	ms := parseMessages(t, r.stdout)
	if r.code != 0 || len(ms) != 1 {
		t.Fatalf("%+v", r)
	}
	if m := ms[0]; m.Parts != 2 || len(m.Missing) != 1 || m.Missing[0] != 2 || m.Text != strings.Repeat("x", 152+96) {
		t.Errorf("%+v", m)
	}
}

// TestListenCountRefusesExtra: messages after the count-th are refused with
// ESME_RX_T_APPN so a real SMSC keeps them.
func TestListenCountRefusesExtra(t *testing.T) {
	ts := startTestSMSC(t)
	res := listenAsync(t, "--addr", ts.addr, "--count", "2", "--timeout", "10s")
	s := ts.session(t)
	ctx := t.Context()
	var errs []error
	for i := range 4 {
		_, err := s.Deliver(ctx, &pdu.DeliverSM{SourceAddr: "1", DestinationAddr: "2", ShortMessage: []byte{'a' + byte(i)}})
		errs = append(errs, err)
	}
	r := <-res
	if r.code != 0 || len(lines(r.stdout)) != 2 {
		t.Fatalf("%+v", r)
	}
	if errs[0] != nil || errs[1] != nil {
		t.Errorf("first two: %v", errs[:2])
	}
	for _, err := range errs[2:] {
		if err == nil {
			t.Errorf("a message beyond --count was acknowledged")
		}
		var st pdu.Status
		// ESME_RX_T_APPN from listen, or ESME_RINVBNDSTS once it unbinds.
		if errors.As(err, &st) && st != pdu.StatusRxTAppn && st != pdu.StatusInvBindStatus {
			t.Errorf("beyond --count: %v", err)
		}
	}
}

func TestListenTimeouts(t *testing.T) {
	addr := startServe(t)
	r := runCmd(t, "listen", "--addr", addr, "--count", "5", "--timeout", "200ms")
	wantOneLineError(t, r, 1, `^smpp listen: timed out after 200ms: 0 of 5 messages received$`)
	r = runCmd(t, "listen", "--addr", addr, "--timeout", "200ms")
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Errorf("no --count: %+v", r)
	}
	r = runCmd(t, "listen", "--addr", addr, "--bind", "tx")
	wantOneLineError(t, r, 2, `^smpp listen: --bind tx cannot receive`)
	r = runCmd(t, "listen", "--count", "-1")
	wantOneLineError(t, r, 2, `^smpp listen: invalid --count -1`)
}

// TestListenServerGone: the SMSC going away ends listen with exit 1.
func TestListenServerGone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- runServe(ctx, []string{"--addr", "127.0.0.1:0", "--log-level", "error"}, &out, &errOut)
	}()
	var addr string
	for addr == "" {
		if m := listeningRE.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
		}
		time.Sleep(5 * time.Millisecond)
	}
	res := listenAsync(t, "--addr", addr, "--count", "1", "--timeout", "10s")
	time.Sleep(200 * time.Millisecond) // let listen bind
	cancel()                           // serve unbinds every session on shutdown
	<-code
	r := <-res
	wantOneLineError(t, r, 1, `^smpp listen: session closed by the SMSC: unbound \(0 messages received\)$`)
}

// --quiet acknowledges and counts without printing each message.
func TestListenQuiet(t *testing.T) {
	addr := startServe(t, "--mo-every", "20ms")
	r := runCmd(t, "listen", "--addr", addr, "--count", "3", "--quiet", "--timeout", "10s")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "listen: 3 messages" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
