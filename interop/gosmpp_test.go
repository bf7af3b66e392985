package interop

// Scenarios of the github.com/linxGnu/gosmpp v0.3.1 client against our
// server (testSMSC, built on smpp.Server).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linxGnu/gosmpp"
	"github.com/linxGnu/gosmpp/data"
	gpdu "github.com/linxGnu/gosmpp/pdu"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/pdu"
)

// gosmppPeer is one gosmpp session plus what it received.
type gosmppPeer struct {
	t    testing.TB
	sess *gosmpp.Session

	mu           sync.Mutex
	resps        map[int32]*gpdu.SubmitSMResp // by sequence number
	delivers     []*gpdu.DeliverSM
	enquireResps int
	closing      bool // Close was called
	closed       []gosmpp.State
	recvErrs     []error
	submitErrs   []error
}

type gosmppMode int

const (
	gTX gosmppMode = iota
	gRX
	gTRX
)

func (m gosmppMode) String() string { return [...]string{"TX", "RX", "TRX"}[m] }

func dialGosmpp(t testing.TB, addr string, mode gosmppMode, password string, enquireLink time.Duration) (*gosmppPeer, error) {
	t.Helper()
	return dialGosmppFull(t, gosmpp.NonTLSDialer, addr, mode, password, enquireLink)
}

func dialGosmppWith(t testing.TB, dialer gosmpp.Dialer, addr string, mode gosmppMode, password string) (*gosmppPeer, error) {
	t.Helper()
	return dialGosmppFull(t, dialer, addr, mode, password, 0)
}

func dialGosmppFull(t testing.TB, dialer gosmpp.Dialer, addr string, mode gosmppMode, password string, enquireLink time.Duration) (*gosmppPeer, error) {
	t.Helper()
	p := &gosmppPeer{t: t, resps: make(map[int32]*gpdu.SubmitSMResp)}
	auth := gosmpp.Auth{SMSC: addr, SystemID: testSystemID, Password: password}
	var c gosmpp.Connector
	switch mode {
	case gTX:
		c = gosmpp.TXConnector(dialer, auth)
	case gRX:
		c = gosmpp.RXConnector(dialer, auth)
	default:
		c = gosmpp.TRXConnector(dialer, auth)
	}
	sess, err := gosmpp.NewSession(c, gosmpp.Settings{
		ReadTimeout:  10 * time.Second,
		WriteTimeout: 5 * time.Second,
		EnquireLink:  enquireLink,
		OnPDU:        p.onPDU,
		OnReceivingError: func(err error) {
			p.mu.Lock()
			// gosmpp's Close writes unbind and then stops its reader; our
			// server answers unbind_resp and closes at once (session.md §5),
			// so the reader may see EOF first. Not an error.
			if !p.closing || !(errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed)) {
				p.recvErrs = append(p.recvErrs, err)
			}
			p.mu.Unlock()
		},
		OnSubmitError: func(_ gpdu.PDU, err error) {
			p.mu.Lock()
			p.submitErrs = append(p.submitErrs, err)
			p.mu.Unlock()
		},
		OnClosed: func(st gosmpp.State) {
			p.mu.Lock()
			p.closed = append(p.closed, st)
			p.mu.Unlock()
		},
	}, -1) // no automatic rebinding: a failure must show
	if err != nil {
		return nil, err
	}
	p.sess = sess
	t.Cleanup(func() { sess.Close() })
	return p, nil
}

// close closes the gosmpp session: it sends unbind and drops the connection
// without waiting for unbind_resp.
func (p *gosmppPeer) close(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	p.closing = true
	p.mu.Unlock()
	// The connection may already be closed by our server after its
	// unbind_resp (see OnReceivingError above).
	if err := p.sess.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		t.Errorf("gosmpp Close: %v", err)
	}
}

func (p *gosmppPeer) onPDU(x gpdu.PDU, responded bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch v := x.(type) {
	case *gpdu.SubmitSMResp:
		p.resps[v.SequenceNumber] = v
	case *gpdu.DeliverSM:
		if !responded {
			p.t.Errorf("gosmpp did not answer deliver_sm seq %d", v.SequenceNumber)
		}
		p.delivers = append(p.delivers, v)
	case *gpdu.EnquireLinkResp:
		p.enquireResps++
	}
}

func (p *gosmppPeer) submit(t testing.TB, sm *gpdu.SubmitSM) {
	t.Helper()
	if err := p.sess.Transceiver().Submit(sm); err != nil {
		t.Fatalf("gosmpp Submit: %v", err)
	}
}

// waitResp waits for the submit_sm_resp of seq and returns its message id.
func (p *gosmppPeer) waitResp(t testing.TB, seq int32) string {
	t.Helper()
	var r *gpdu.SubmitSMResp
	p.waitFor(t, 5*time.Second, fmt.Sprintf("submit_sm_resp seq %d", seq), func() bool {
		r = p.resps[seq]
		return r != nil
	})
	if r.CommandStatus != data.ESME_ROK {
		t.Fatalf("submit_sm_resp seq %d: status %v", seq, r.CommandStatus)
	}
	if r.MessageID == "" {
		t.Fatalf("submit_sm_resp seq %d: empty message_id", seq)
	}
	return r.MessageID
}

func (p *gosmppPeer) waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		p.mu.Lock()
		ok := cond()
		p.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gosmpp: timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitDeliver waits for a deliver_sm that match accepts.
func (p *gosmppPeer) waitDeliver(t testing.TB, what string, match func(*gpdu.DeliverSM) bool) *gpdu.DeliverSM {
	t.Helper()
	var got *gpdu.DeliverSM
	p.waitFor(t, 5*time.Second, what, func() bool {
		for _, d := range p.delivers {
			if match(d) {
				got = d
				return true
			}
		}
		return false
	})
	return got
}

func (p *gosmppPeer) delivered() []*gpdu.DeliverSM {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*gpdu.DeliverSM(nil), p.delivers...)
}

func (p *gosmppPeer) noErrors(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, err := range p.recvErrs {
		t.Errorf("gosmpp receiving error: %v", err)
	}
	for _, err := range p.submitErrs {
		t.Errorf("gosmpp submit error: %v", err)
	}
}

func gAddr(t testing.TB, s string) gpdu.Address {
	a, err := gpdu.NewAddressWithTonNpiAddr(1, 1, s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// newGosmppSubmit builds a single-part submit_sm.
func newGosmppSubmit(t testing.TB, src, dst, text string, enc data.Encoding, registered bool) *gpdu.SubmitSM {
	t.Helper()
	sm := gpdu.NewSubmitSM().(*gpdu.SubmitSM)
	sm.SourceAddr = gAddr(t, src)
	sm.DestAddr = gAddr(t, dst)
	if err := sm.Message.SetMessageWithEncoding(text, enc); err != nil {
		t.Fatal(err)
	}
	if registered {
		sm.RegisteredDelivery = 1
	}
	return sm
}

// newGosmppLong splits text with gosmpp's own splitter (8-bit reference
// concatenation UDH). gosmpp v0.3.1's Split copies the header into every
// part, so all parts carry one sequence_number; each part is renumbered, as
// gosmpp users must, so that the responses can be told apart.
func newGosmppLong(t testing.TB, src, dst, text string, enc data.Encoding) []*gpdu.SubmitSM {
	t.Helper()
	sm := gpdu.NewSubmitSM().(*gpdu.SubmitSM)
	sm.SourceAddr = gAddr(t, src)
	sm.DestAddr = gAddr(t, dst)
	if err := sm.Message.SetLongMessageWithEnc(text, enc); err != nil {
		t.Fatal(err)
	}
	parts, err := sm.Split()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		p.AssignSequenceNumber()
	}
	return parts
}

func gosmppText(t testing.TB, d *gpdu.DeliverSM) string {
	t.Helper()
	s, err := d.Message.GetMessage()
	if err != nil {
		t.Fatalf("gosmpp cannot decode deliver_sm text: %v", err)
	}
	return s
}

func isReceipt(d *gpdu.DeliverSM) bool { return d.EsmClass&0x3C == 0x04 }

// checkGosmppReceipt asserts a receipt deliver_sm as gosmpp decoded it.
func checkGosmppReceipt(t testing.TB, d *gpdu.DeliverSM, id, src, dst, text string) {
	t.Helper()
	body := gosmppText(t, d)
	r, err := parseReceipt(body)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != id || r.Stat != "DELIVRD" || r.Err != "000" || r.Sub != "001" || r.Dlvrd != "001" || r.Text != text {
		t.Errorf("receipt %+v, want id %s stat DELIVRD err 000 text %q", r, id, text)
	}
	if d := time.Since(r.Done); d < -time.Minute || d > 2*time.Minute {
		t.Errorf("receipt done date %v is not now", r.Done)
	}
	if f, ok := d.OptionalParameters[gpdu.TagReceiptedMessageID]; !ok || f.String() != id {
		t.Errorf("receipted_message_id TLV = %q (present %v), want %q", f.String(), ok, id)
	}
	if f, ok := d.OptionalParameters[gpdu.TagMessageStateOption]; !ok || len(f.Data) != 1 || f.Data[0] != 2 {
		t.Errorf("message_state TLV = %v (present %v), want [2] (DELIVERED)", f.Data, ok)
	}
	// A receipt goes back to the sender: addresses swapped.
	if d.SourceAddr.Address() != dst || d.DestAddr.Address() != src {
		t.Errorf("receipt addresses %s→%s, want %s→%s", d.SourceAddr.Address(), d.DestAddr.Address(), dst, src)
	}
}

func TestGosmppBind(t *testing.T) {
	m := startSMSC(t, smscOptions{})
	for i, mode := range []gosmppMode{gTX, gRX, gTRX} {
		p, err := dialGosmpp(t, m.Addr, mode, testPassword, 0)
		if err != nil {
			t.Fatalf("bind %v: %v", mode, err)
		}
		// gosmpp keeps the system_id of our bind_resp.
		if got := p.sess.Transceiver().SystemID(); got != smscID {
			t.Errorf("%v: bind_resp system_id %q, want %q", mode, got, smscID)
		}
		want := []smpp.State{smpp.StateBoundTX, smpp.StateBoundRX, smpp.StateBoundTRX}[i]
		m.waitFor(t, 2*time.Second, "one bound session", func() bool {
			ss := m.Srv.Sessions()
			return len(ss) == 1 && ss[0].State() == want
		})
		s := m.Srv.Sessions()[0]
		if s.SystemID() != testSystemID || s.PeerVersion() != pdu.V34 {
			t.Errorf("%v: server sees system_id %q version %#x", mode, s.SystemID(), s.PeerVersion())
		}
		// gosmpp's Close sends unbind and drops the connection.
		p.close(t)
		m.waitFor(t, 2*time.Second, "unbind and session end", func() bool {
			return m.unbindIn == i+1 && len(m.Srv.Sessions()) == 0
		})
		p.noErrors(t)
	}
	if got, want := m.boundModes(), []pdu.BindMode{pdu.BindTransmitter, pdu.BindReceiver, pdu.BindTransceiver}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("server bound %v, want %v", got, want)
	}

	// A wrong password is refused with ESME_RINVPASWD. By default our
	// server sends the error bind_resp without a body, as SMPP v3.4 §4.1
	// says; gosmpp v0.3.1 cannot parse that (it reads the system_id
	// C-Octet String unconditionally) and reports EOF.
	_, err := dialGosmpp(t, m.Addr, gTRX, "wrong", 0)
	if err == nil {
		t.Fatal("bind with a wrong password succeeded")
	}
	t.Logf("gosmpp on a bodiless error bind_resp: %v", err)
	b := m.Binds()
	if last := b[len(b)-1]; last.Status != pdu.StatusInvPassword || last.Mode != pdu.BindTransceiver {
		t.Errorf("server recorded %+v", last)
	}

	// With SessionConfig.ErrorRespBody (pdus.md §5), meant for such peers,
	// gosmpp reads the status.
	m2 := startSMSC(t, smscOptions{ErrorRespBody: true})
	_, err = dialGosmpp(t, m2.Addr, gTRX, "wrong", 0)
	var be gosmpp.BindError
	if !errors.As(err, &be) || be.CommandStatus != data.ESME_RINVPASWD {
		t.Fatalf("bind with a wrong password: %v, want BindError ESME_RINVPASWD", err)
	}
	// And the right password still binds on that server.
	p, err := dialGosmpp(t, m2.Addr, gTRX, testPassword, 0)
	if err != nil {
		t.Fatal(err)
	}
	p.close(t)
}

func TestGosmppSubmitTRX(t *testing.T) {
	m := startSMSC(t, smscOptions{})
	p, err := dialGosmpp(t, m.Addr, gTRX, testPassword, 0)
	if err != nil {
		t.Fatal(err)
	}

	// GSM 7-bit, including characters outside ASCII and from the extension table.
	// (TestGosmppReceiptTextCharacters quotes the special characters in
	// the receipt.)
	gsmText := "Hello from gosmpp, with @£$¥ èé ÄÖÑÜ {[~]} €5 ^|\\"
	sm := newGosmppSubmit(t, "15550001", "15550002", gsmText, data.GSM7BIT, true)
	p.submit(t, sm)
	gsmID := p.waitResp(t, sm.SequenceNumber)

	// UCS2 with a character outside the BMP (a surrogate pair).
	ucsText := "Привет 👋 from gosmpp"
	sm2 := newGosmppSubmit(t, "15550001", "15550003", ucsText, data.UCS2, false)
	sm2.ValidityPeriod = "000002000000000R" // two days, relative
	sm2.ScheduleDeliveryTime = "300102030405612+"
	p.submit(t, sm2)
	ucsID := p.waitResp(t, sm2.SequenceNumber)

	// A long GSM text split by gosmpp into three UDH parts.
	long := strings.Repeat("The quick brown fox jumps over the lazy dog 0123456789. ", 8)[:400]
	parts := newGosmppLong(t, "15550001", "15550004", long, data.GSM7BIT)
	if len(parts) != 3 {
		t.Fatalf("gosmpp split 400 GSM characters into %d parts, want 3", len(parts))
	}
	var longIDs []string
	for _, part := range parts {
		p.submit(t, part)
	}
	for _, part := range parts {
		longIDs = append(longIDs, p.waitResp(t, part.SequenceNumber))
	}

	// A long UCS2 text: 150 Cyrillic characters → 67+67+16.
	longUCS := ""
	for len([]rune(longUCS)) < 150 {
		longUCS += "Съешь же ещё этих мягких французских булок, да выпей чаю. "
	}
	longUCS = string([]rune(longUCS)[:150])
	uparts := newGosmppLong(t, "15550001", "15550005", longUCS, data.UCS2)
	if len(uparts) != 3 {
		t.Fatalf("gosmpp split 150 UCS2 characters into %d parts, want 3", len(uparts))
	}
	var longUCSIDs []string
	for _, part := range uparts {
		p.submit(t, part)
		longUCSIDs = append(longUCSIDs, p.waitResp(t, part.SequenceNumber))
	}

	m.waitFor(t, 3*time.Second, "four complete messages", func() bool { return len(m.messages) == 4 })
	m.mu.Lock()
	if m.submits != 8 {
		t.Errorf("server counted %d submit_sm, want 1+1+3+3", m.submits)
	}
	m.mu.Unlock()
	checks := []struct {
		text  string
		dc    uint8
		dst   string
		parts int
		via   string
		ids   []string
	}{
		{gsmText, pdu.CodingDefault, "15550002", 1, "", []string{gsmID}},
		{ucsText, pdu.CodingUCS2, "15550003", 1, "", []string{ucsID}},
		{long, pdu.CodingDefault, "15550004", 3, "udh8", longIDs},
		{longUCS, pdu.CodingUCS2, "15550005", 3, "udh8", longUCSIDs},
	}
	for _, c := range checks {
		got, ok := m.messageByText(c.text)
		if !ok {
			t.Errorf("server did not receive %q; it has %+v", c.text, m.Messages())
			continue
		}
		if got.DataCoding != c.dc || got.Dest != c.dst || got.Source != "15550001" || got.Parts != c.parts || got.Via != c.via || fmt.Sprint(got.IDs) != fmt.Sprint(c.ids) || got.SystemID != testSystemID {
			t.Errorf("server recorded %+v, want dc %d dst %s parts %d via %q ids %v", got, c.dc, c.dst, c.parts, c.via, c.ids)
		}
	}

	// The SMPP times gosmpp passed through, read by our pdu package.
	timed, _ := m.messageByText(ucsText)
	vt, err := pdu.ParseTime(timed.Validity)
	if per, ok := vt.Period(); err != nil || !ok || per != (pdu.RelativePeriod{Days: 2}) {
		t.Errorf("validity_period %q: %+v %v", timed.Validity, per, err)
	}
	st, err := pdu.ParseTime(timed.Schedule)
	abs, ok := st.Absolute()
	if want := time.Date(2030, 1, 2, 0, 4, 5, 600e6, time.UTC); err != nil || !ok || !abs.Equal(want) {
		t.Errorf("schedule_delivery_time %q: %v %v, want %v (+03:00 in quarter hours)", timed.Schedule, abs, err, want)
	}

	// The receipt for the registered GSM message comes back on this TRX session.
	d := p.waitDeliver(t, "receipt for "+gsmID, isReceipt)
	checkGosmppReceipt(t, d, gsmID, "15550001", "15550002", first20(gsmText))
	if n := len(p.delivered()); n != 1 {
		t.Errorf("gosmpp received %d deliver_sm, want only the one receipt", n)
	}
	m.waitFor(t, time.Second, "receipt acknowledged", func() bool {
		return len(m.deliveries) == 1 && m.deliveries[0].Err == nil && m.deliveries[0].Mode == pdu.BindTransceiver
	})

	// MO on the transceiver.
	mo := &pdu.DeliverSM{SourceAddrTON: 1, SourceAddrNPI: 1, SourceAddr: "15559999", DestAddrTON: 1, DestAddrNPI: 1, DestinationAddr: "15550001",
		DataCoding: pdu.CodingUCS2, ShortMessage: ucs2Encode("Ответ 👍")}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.sendMO(ctx, testSystemID, mo); err != nil {
		t.Fatalf("MO deliver_sm: %v", err)
	}
	md := p.waitDeliver(t, "MO", func(d *gpdu.DeliverSM) bool { return !isReceipt(d) })
	if txt := gosmppText(t, md); txt != "Ответ 👍" || md.SourceAddr.Address() != "15559999" || md.DestAddr.Address() != "15550001" {
		t.Errorf("gosmpp got MO %q %s→%s", txt, md.SourceAddr.Address(), md.DestAddr.Address())
	}
	p.noErrors(t)
}

func TestGosmppTXAndRX(t *testing.T) {
	m := startSMSC(t, smscOptions{})
	tx, err := dialGosmpp(t, m.Addr, gTX, testPassword, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Submit before any receiver is bound: the receipt waits for the RX bind.
	text := "receipt to the receiver"
	sm := newGosmppSubmit(t, "447700900001", "447700900002", text, data.GSM7BIT, true)
	tx.submit(t, sm)
	id := tx.waitResp(t, sm.SequenceNumber)

	rx, err := dialGosmpp(t, m.Addr, gRX, testPassword, 0)
	if err != nil {
		t.Fatal(err)
	}
	d := rx.waitDeliver(t, "receipt on RX", isReceipt)
	checkGosmppReceipt(t, d, id, "447700900001", "447700900002", first20(text))

	// A second registered message, with the receiver already bound.
	sm2 := newGosmppSubmit(t, "447700900001", "447700900003", "second", data.GSM7BIT, true)
	tx.submit(t, sm2)
	id2 := tx.waitResp(t, sm2.SequenceNumber)
	d2 := rx.waitDeliver(t, "second receipt on RX", func(d *gpdu.DeliverSM) bool {
		f := d.OptionalParameters[gpdu.TagReceiptedMessageID]
		return isReceipt(d) && f.String() == id2
	})
	checkGosmppReceipt(t, d2, id2, "447700900001", "447700900003", "second")

	// MO, a short GSM one and a concatenated one (two parts, 8-bit UDH) that
	// gosmpp must put together with its own UDH reader.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	moText := "MO to gosmpp: 100% ok?"
	if err := m.sendMO(ctx, testSystemID, &pdu.DeliverSM{SourceAddr: "447700900009", DestinationAddr: "447700900001", ShortMessage: mustGSM(moText)}); err != nil {
		t.Fatalf("MO: %v", err)
	}
	longMO := strings.Repeat("abcdefghij", 25) // 250 characters → 2 parts
	segs, err := coding.Split(longMO, coding.GSM7{}, coding.ConcatUDH8, 0x42)
	if err != nil || len(segs) != 2 {
		t.Fatalf("coding.Split: %d segments, %v", len(segs), err)
	}
	for _, seg := range segs {
		d := &pdu.DeliverSM{SourceAddr: "447700900009", DestinationAddr: "447700900001"}
		seg.ApplyDeliver(d)
		if err := m.sendMO(ctx, testSystemID, d); err != nil {
			t.Fatalf("MO part %d: %v", seg.Seq, err)
		}
	}
	rx.waitFor(t, 5*time.Second, "2 receipts and 3 MO deliver_sm on RX", func() bool { return len(rx.delivers) == 5 })
	var short string
	concat := map[byte]string{}
	for _, d := range rx.delivered() {
		if isReceipt(d) {
			continue
		}
		total, seq, ref, found := d.Message.UDH().GetConcatInfo()
		if !found {
			short = gosmppText(t, d)
			continue
		}
		if ref != 0x42 || total != 2 {
			t.Errorf("gosmpp read concat info ref %#x total %d", ref, total)
		}
		concat[seq] = gosmppText(t, d)
	}
	if short != moText {
		t.Errorf("gosmpp MO text %q, want %q", short, moText)
	}
	if got := concat[1] + concat[2]; got != longMO {
		t.Errorf("gosmpp reassembled %q, want %q", got, longMO)
	}
	if n := len(tx.delivered()); n != 0 {
		t.Errorf("the transmitter received %d deliver_sm", n)
	}
	for _, dv := range m.Deliveries() {
		if dv.Err != nil || dv.Mode != pdu.BindReceiver {
			t.Errorf("delivery %+v", dv)
		}
	}
	tx.noErrors(t)
	rx.noErrors(t)
}

func TestGosmppEnquireLink(t *testing.T) {
	// gosmpp sends enquire_link every 300ms; our server sends its own after
	// 100ms of silence, which gosmpp must answer.
	m := startSMSC(t, smscOptions{EnquireLinkInterval: 100 * time.Millisecond})
	p, err := dialGosmpp(t, m.Addr, gTRX, testPassword, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	m.waitFor(t, 5*time.Second, "3 enquire_link from gosmpp and 3 answers from it", func() bool {
		return m.enquireIn[testSystemID] >= 3 && m.enquireRespIn >= 3
	})
	p.waitFor(t, 2*time.Second, "3 enquire_link_resp at gosmpp", func() bool { return p.enquireResps >= 3 })
	m.mu.Lock()
	if m.enquireOut < m.enquireIn[testSystemID] {
		t.Errorf("server answered %d of %d enquire_link", m.enquireOut, m.enquireIn[testSystemID])
	}
	m.mu.Unlock()
	ss := m.Srv.Sessions()
	if len(ss) != 1 || ss[0].State() != smpp.StateBoundTRX || ss[0].Stats().Timeouts != 0 {
		t.Fatalf("session state after keepalives: %v", ss)
	}
	p.noErrors(t)
}

func TestGosmppServerUnbind(t *testing.T) {
	// Our server ends the session with unbind (Shutdown); gosmpp answers
	// unbind_resp and reports UnbindClosing.
	m := startSMSC(t, smscOptions{})
	p, err := dialGosmpp(t, m.Addr, gRX, testPassword, 0)
	if err != nil {
		t.Fatal(err)
	}
	m.waitFor(t, 2*time.Second, "bound session", func() bool { return len(m.Srv.Sessions()) == 1 })
	s := m.Srv.Sessions()[0]
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Unbind(ctx); err != nil {
		t.Fatalf("server Unbind: %v", err)
	}
	if !errors.Is(s.Err(), smpp.ErrUnbound) || s.State() != smpp.StateClosed {
		t.Errorf("after Unbind: state %v err %v", s.State(), s.Err())
	}
	// Unbind returned nil, so gosmpp's unbind_resp arrived in time. gosmpp
	// then closes; it reports UnbindClosing, or InvalidStreaming when its
	// reader sees our close (after unbind_resp, session.md §5) before its
	// own close goroutine runs (a race inside gosmpp v0.3.1).
	p.waitFor(t, 3*time.Second, "gosmpp closed after unbind", func() bool {
		for _, st := range p.closed {
			if st == gosmpp.UnbindClosing || st == gosmpp.InvalidStreaming {
				return true
			}
		}
		return false
	})
	if st := s.Stats(); st.Timeouts != 0 {
		t.Errorf("unbind_resp did not arrive in time: %+v", st)
	}
}

func TestGosmppBurst(t *testing.T) {
	// 300 submit_sm written back to back, without waiting for responses
	// (gosmpp has no window by default): every one is answered, with its own
	// sequence number, and every accepted one has its own message id.
	//
	// With the default InboundWindow (64) our server answers the requests
	// beyond the window ESME_RTHROTTLED at once (config.go), and since its
	// read loop outruns the handler goroutines, a burst like this one sees
	// many of them even with an instant handler; with a window as large as
	// the burst none is throttled.
	for _, tc := range []struct {
		name     string
		window   int
		throttle bool
	}{{"default window", 0, true}, {"window 300", 300, false}} {
		t.Run(tc.name, func(t *testing.T) {
			m := startSMSC(t, smscOptions{InboundWindow: tc.window})
			p, err := dialGosmpp(t, m.Addr, gTX, testPassword, 0)
			if err != nil {
				t.Fatal(err)
			}
			const n = 300
			seqs := make([]int32, n)
			for i := range n {
				sm := newGosmppSubmit(t, "15550001", "15550002", fmt.Sprintf("burst %03d", i), data.GSM7BIT, false)
				seqs[i] = sm.SequenceNumber
				p.submit(t, sm)
			}
			p.waitFor(t, 10*time.Second, fmt.Sprintf("%d submit_sm_resp", n), func() bool { return len(p.resps) == n })
			ids := make(map[string]int)
			var throttled int
			p.mu.Lock()
			for i, seq := range seqs {
				r := p.resps[seq]
				switch {
				case r == nil:
					t.Errorf("no response to seq %d", seq)
				case r.CommandStatus == data.ESME_ROK:
					if j, dup := ids[r.MessageID]; dup {
						t.Errorf("message id %s given twice (%d and %d)", r.MessageID, j, i)
					}
					ids[r.MessageID] = i
				case r.CommandStatus == data.ESME_RTHROTTLED && tc.throttle:
					throttled++
				default:
					t.Errorf("seq %d: status %v", seq, r.CommandStatus)
				}
			}
			p.mu.Unlock()
			msgs := m.Messages()
			if len(msgs) != len(ids) || len(ids)+throttled != n || len(ids) == 0 {
				t.Fatalf("server recorded %d messages; gosmpp got %d ids and %d throttled", len(msgs), len(ids), throttled)
			}
			for _, msg := range msgs {
				i, ok := ids[msg.IDs[0]]
				if !ok || msg.Text != fmt.Sprintf("burst %03d", i) {
					t.Errorf("server message %+v does not match gosmpp's response for %d", msg, i)
				}
			}
			var st smpp.SessionStats
			for _, s := range m.Srv.Sessions() {
				st = s.Stats()
			}
			if st.Throttled != uint64(throttled) {
				t.Errorf("server counted %d throttled, gosmpp got %d", st.Throttled, throttled)
			}
			t.Logf("%d accepted, %d throttled", len(ids), throttled)
			p.noErrors(t)
		})
	}
}

func TestGosmppShutdown(t *testing.T) {
	// Server.Shutdown unbinds every session; gosmpp answers on TX, RX and TRX.
	m := startSMSC(t, smscOptions{})
	var peers []*gosmppPeer
	for _, mode := range []gosmppMode{gTX, gRX, gTRX} {
		p, err := dialGosmpp(t, m.Addr, mode, testPassword, 0)
		if err != nil {
			t.Fatal(err)
		}
		peers = append(peers, p)
	}
	m.waitFor(t, 2*time.Second, "3 bound sessions", func() bool { return len(m.Srv.Sessions()) == 3 })
	sessions := m.Srv.Sessions()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := m.Srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Shutdown took %v: some unbind_resp did not come", d)
	}
	for _, s := range sessions {
		if !errors.Is(s.Err(), smpp.ErrUnbound) || s.Stats().Timeouts != 0 {
			t.Errorf("session %v closed with %v, stats %+v", s.Mode(), s.Err(), s.Stats())
		}
	}
	for i, p := range peers {
		p.waitFor(t, 3*time.Second, "gosmpp closed", func() bool { return len(p.closed) > 0 })
		t.Logf("gosmpp %v closed with %v", gosmppMode(i), p.closed)
	}
}

// first20 is the part of a text that an Appendix B receipt quotes.
func first20(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20])
	}
	return s
}

func TestGosmppReceiptTextCharacters(t *testing.T) {
	// Regression test: dlr.Receipt.DeliverSM used to put the receipt text's
	// UTF-8 octets under data_coding 0, which gosmpp decodes as GSM 03.38
	// ('@' became '¡', and any non-ASCII character made the whole receipt
	// undecodable). Fixed by f7d73a4 (receipt text as GSM 03.38).
	m := startSMSC(t, smscOptions{})
	p, err := dialGosmpp(t, m.Addr, gTRX, testPassword, 0)
	if err != nil {
		t.Fatal(err)
	}
	// ASCII characters that GSM 03.38 places elsewhere.
	text := "a@b$c_d GSM text"
	sm := newGosmppSubmit(t, "15550001", "15550002", text, data.GSM7BIT, true)
	p.submit(t, sm)
	id := p.waitResp(t, sm.SequenceNumber)
	d := p.waitDeliver(t, "receipt", isReceipt)
	checkGosmppReceipt(t, d, id, "15550001", "15550002", first20(text))

	// A UCS2 message: its receipt must at least be readable, with the right id.
	sm2 := newGosmppSubmit(t, "15550001", "15550003", "Привет 👋", data.UCS2, true)
	p.submit(t, sm2)
	id2 := p.waitResp(t, sm2.SequenceNumber)
	d2 := p.waitDeliver(t, "receipt of the UCS2 message", func(d *gpdu.DeliverSM) bool {
		f := d.OptionalParameters[gpdu.TagReceiptedMessageID]
		return isReceipt(d) && f.String() == id2
	})
	r, err := parseReceipt(gosmppText(t, d2))
	if err != nil || r.ID != id2 {
		t.Errorf("receipt of a UCS2 message: %+v %v", r, err)
	}
}

func TestGosmppTRXTwoWayLoad(t *testing.T) {
	// 200 registered submits pipelined on one transceiver: while gosmpp keeps
	// writing submit_sm, our server writes 200 submit_sm_resp and 200
	// receipts (deliver_sm, through its outbound window of 10) on the same
	// connection, and gosmpp answers each. Every receipt must match an id.
	m := startSMSC(t, smscOptions{InboundWindow: 256})
	p, err := dialGosmpp(t, m.Addr, gTRX, testPassword, 0)
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	seqs := make([]int32, n)
	for i := range n {
		sm := newGosmppSubmit(t, "15550001", "15550002", fmt.Sprintf("load %03d", i), data.GSM7BIT, true)
		seqs[i] = sm.SequenceNumber
		p.submit(t, sm)
	}
	p.waitFor(t, 15*time.Second, "all responses and receipts", func() bool { return len(p.resps) == n && len(p.delivers) == n })
	want := map[string]string{}
	p.mu.Lock()
	for i, seq := range seqs {
		r := p.resps[seq]
		if r.CommandStatus != data.ESME_ROK {
			t.Errorf("submit %d: %v", i, r.CommandStatus)
		}
		want[r.MessageID] = fmt.Sprintf("load %03d", i)
	}
	delivers := append([]*gpdu.DeliverSM(nil), p.delivers...)
	p.mu.Unlock()
	for _, d := range delivers {
		r, err := parseReceipt(gosmppText(t, d))
		if err != nil {
			t.Fatal(err)
		}
		text, ok := want[r.ID]
		if !ok || r.Text != text {
			t.Errorf("receipt %+v matches no submit (want text %q)", r, text)
		}
		delete(want, r.ID)
	}
	if len(want) != 0 {
		t.Errorf("%d submits got no receipt", len(want))
	}
	for _, dv := range m.Deliveries() {
		if dv.Err != nil {
			t.Errorf("receipt %s: %v", dv.MessageID, dv.Err)
		}
	}
	s := m.Srv.Sessions()[0].Stats()
	if s.Timeouts != 0 || s.Throttled != 0 || s.Errors != 0 {
		t.Errorf("server session stats %+v", s)
	}
	p.noErrors(t)
}
