package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/dlr"
	"github.com/smppstack/smpp/pdu"
)

func wantStatus(t *testing.T, what string, err error, want pdu.Status) {
	t.Helper()
	var st pdu.Status
	if !errors.As(err, &st) || st != want {
		t.Errorf("%s: %v, want %s", what, err, want)
	}
}

func submitOne(t *testing.T, s *smpp.Session, reg pdu.RegisteredDelivery) string {
	t.Helper()
	resp, err := s.Submit(t.Context(), &pdu.SubmitSM{SourceAddr: "111", DestinationAddr: "222", RegisteredDelivery: reg, ShortMessage: []byte("hello")})
	if err != nil {
		t.Fatal(err)
	}
	return resp.MessageID
}

// TestServeOperations covers the answers of every request an ESME may send.
func TestServeOperations(t *testing.T) {
	addr := startServe(t, "--remember", "8")
	s := dialTest(t, addr, "ops", pdu.BindTransmitter, nil)
	ctx := t.Context()

	id1 := submitOne(t, s, 0)
	id2 := submitOne(t, s, 0)
	if id1 != "1" || id2 != "2" {
		t.Errorf("ids %q %q", id1, id2)
	}
	mr, err := s.SubmitMulti(ctx, &pdu.SubmitMulti{SourceAddr: "1", ShortMessage: []byte("x"), DestAddresses: []pdu.DestAddress{
		{DestFlag: pdu.DestFlagSME, DestAddrTON: 1, DestAddrNPI: 1, DestinationAddr: "4917"},
		{DestFlag: pdu.DestFlagDL, DLName: "friends"},
	}})
	// serve has no distribution lists: the list is reported unsuccessful.
	if err != nil || mr.MessageID != "3" || len(mr.UnsuccessSMEs) != 1 ||
		mr.UnsuccessSMEs[0].DestinationAddr != "friends" || mr.UnsuccessSMEs[0].ErrorStatusCode != pdu.StatusInvDLName {
		t.Errorf("submit_multi: %+v %v", mr, err)
	}
	dr, err := s.Data(ctx, &pdu.DataSM{SourceAddr: "1", DestinationAddr: "2"})
	if err != nil || dr.MessageID != "4" {
		t.Errorf("data_sm: %+v %v", dr, err)
	}
	_, err = s.Submit(ctx, &pdu.SubmitSM{SourceAddr: "1"})
	wantStatus(t, "submit_sm without destination", err, pdu.StatusInvDstAddr)
	_, err = s.Submit(ctx, &pdu.SubmitSM{SourceAddr: "1", SourceAddrTON: 7, DestinationAddr: "2"})
	wantStatus(t, "source TON 7", err, pdu.StatusInvSrcTON)

	// query_sm: delivered at once (no --delivery-delay), with a final date.
	q, err := s.Query(ctx, &pdu.QuerySM{MessageID: id1})
	if err != nil || q.MessageID != id1 || q.MessageState != pdu.StateDelivered || len(q.FinalDate) != 16 {
		t.Errorf("query_sm: %+v %v", q, err)
	}
	_, err = s.Query(ctx, &pdu.QuerySM{MessageID: "999999"})
	wantStatus(t, "query_sm of an id never issued", err, pdu.StatusInvMsgID)
	_, err = s.Query(ctx, &pdu.QuerySM{MessageID: "nonsense"})
	wantStatus(t, "query_sm of a malformed id", err, pdu.StatusInvMsgID)
	// --remember 8: id 1 is forgotten after 8 more messages.
	for range 8 {
		submitOne(t, s, 0)
	}
	_, err = s.Query(ctx, &pdu.QuerySM{MessageID: id1})
	wantStatus(t, "query_sm of a forgotten id", err, pdu.StatusQueryFail)

	// cancel_sm / replace_sm of a delivered message fail.
	last := submitOne(t, s, 0)
	wantStatus(t, "cancel_sm delivered", s.Cancel(ctx, &pdu.CancelSM{MessageID: last}), pdu.StatusCancelFail)
	wantStatus(t, "replace_sm delivered", s.Replace(ctx, &pdu.ReplaceSM{MessageID: last, ShortMessage: []byte("x")}), pdu.StatusReplaceFail)
	wantStatus(t, "cancel_sm unknown", s.Cancel(ctx, &pdu.CancelSM{MessageID: "123456"}), pdu.StatusCancelFail)
	wantStatus(t, "cancel_sm by address", s.Cancel(ctx, &pdu.CancelSM{SourceAddr: "111", DestinationAddr: "222"}), pdu.StatusCancelFail)

	// Broadcast family.
	_, err = s.Broadcast(ctx, &pdu.BroadcastSM{SourceAddr: "1"})
	wantStatus(t, "broadcast_sm without its TLVs", err, pdu.StatusMissingTLV)
	b := &pdu.BroadcastSM{SourceAddr: "1"}
	b.TLVs.Set(pdu.TagBroadcastAreaIdentifier, []byte{0, 'x'})
	b.TLVs.Set(pdu.TagBroadcastContentType, []byte{0, 0, 0})
	b.TLVs.SetUint16(pdu.TagBroadcastRepNum, 1)
	b.TLVs.Set(pdu.TagBroadcastFrequencyInterval, []byte{8, 0, 1})
	b.TLVs.Set(pdu.TagMessagePayload, []byte("alert"))
	br, err := s.Broadcast(ctx, b)
	if err != nil || br.MessageID == "" {
		t.Fatalf("broadcast_sm: %+v %v", br, err)
	}
	r, err := s.Send(ctx, &pdu.QueryBroadcastSM{MessageID: br.MessageID, SourceAddr: "1"})
	qb, _ := r.(*pdu.QueryBroadcastSMResp)
	if err != nil || qb == nil {
		t.Fatalf("query_broadcast_sm: %v", err)
	}
	if st, ok := qb.TLVs.Uint8(pdu.TagMessageState); !ok || pdu.MessageState(st) != pdu.StateDelivered ||
		!qb.TLVs.Has(pdu.TagBroadcastAreaIdentifier) || !qb.TLVs.Has(pdu.TagBroadcastAreaSuccess) {
		t.Errorf("query_broadcast_sm_resp: %+v", qb)
	}
	_, err = s.Send(ctx, &pdu.QueryBroadcastSM{MessageID: "777777"})
	wantStatus(t, "query_broadcast_sm unknown", err, pdu.StatusBcastQueryFail)
	_, err = s.Send(ctx, &pdu.CancelBroadcastSM{MessageID: br.MessageID})
	wantStatus(t, "cancel_broadcast_sm delivered", err, pdu.StatusBcastCancelFail)
	if err := s.EnquireLink(ctx); err != nil {
		t.Errorf("enquire_link: %v", err)
	}
}

// TestServeDeliveryDelay: a message is ENROUTE (cancellable, replaceable)
// for --delivery-delay, then DELIVERED.
func TestServeDeliveryDelay(t *testing.T) {
	addr := startServe(t, "--delivery-delay", "300ms")
	s := dialTest(t, addr, "delay", pdu.BindTransmitter, nil)
	ctx := t.Context()
	a, b := submitOne(t, s, 0), submitOne(t, s, 0)
	q, err := s.Query(ctx, &pdu.QuerySM{MessageID: a})
	if err != nil || q.MessageState != pdu.StateEnroute || q.FinalDate != "" {
		t.Errorf("query_sm ENROUTE: %+v %v", q, err)
	}
	if err := s.Replace(ctx, &pdu.ReplaceSM{MessageID: a, ShortMessage: []byte("new")}); err != nil {
		t.Errorf("replace_sm ENROUTE: %v", err)
	}
	if err := s.Cancel(ctx, &pdu.CancelSM{MessageID: a}); err != nil {
		t.Errorf("cancel_sm ENROUTE: %v", err)
	}
	wantStatus(t, "second cancel_sm", s.Cancel(ctx, &pdu.CancelSM{MessageID: a}), pdu.StatusCancelFail)
	wantStatus(t, "replace_sm DELETED", s.Replace(ctx, &pdu.ReplaceSM{MessageID: a}), pdu.StatusReplaceFail)
	q, err = s.Query(ctx, &pdu.QuerySM{MessageID: a})
	if err != nil || q.MessageState != pdu.StateDeleted || q.FinalDate == "" {
		t.Errorf("query_sm DELETED: %+v %v", q, err)
	}
	time.Sleep(350 * time.Millisecond)
	q, err = s.Query(ctx, &pdu.QuerySM{MessageID: b})
	if err != nil || q.MessageState != pdu.StateDelivered {
		t.Errorf("query_sm after the delay: %+v %v", q, err)
	}
	wantStatus(t, "cancel_sm after the delay", s.Cancel(ctx, &pdu.CancelSM{MessageID: b}), pdu.StatusCancelFail)
}

// receiptSink is a Handler that collects receipts.
type receiptSink chan dlr.Receipt

func (rs receiptSink) ServeSMPP(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
	if p, ok := r.PDU.(*pdu.DeliverSM); ok {
		if rc, ok := dlr.FromDeliverSM(p); ok {
			rs <- rc
		}
	}
	return nil, nil
}

func (rs receiptSink) next(t *testing.T) dlr.Receipt {
	t.Helper()
	select {
	case rc := <-rs:
		return rc
	case <-time.After(5 * time.Second):
		t.Fatal("no receipt")
	}
	return dlr.Receipt{}
}

func (rs receiptSink) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case rc := <-rs:
		t.Errorf("unexpected receipt %+v", rc)
	case <-time.After(d):
	}
}

// TestServeReceiptRouting: receipts go to the submitting transceiver, else
// to a receiver of the same system_id, never to another system_id.
func TestServeReceiptRouting(t *testing.T) {
	addr := startServe(t, "--dlr", "--delivery-delay", "50ms")
	own, other, trxSink := make(receiptSink, 16), make(receiptSink, 16), make(receiptSink, 16)
	dialTest(t, addr, "alice", pdu.BindReceiver, own)
	dialTest(t, addr, "bob", pdu.BindReceiver, other)
	tx := dialTest(t, addr, "alice", pdu.BindTransmitter, nil)
	trx := dialTest(t, addr, "carol", pdu.BindTransceiver, trxSink)

	id := submitOne(t, tx, pdu.RegReceiptFinal)
	rc := own.next(t)
	if rc.ID != id || rc.MessageState() != pdu.StateDelivered || rc.FromTLV&dlr.FieldID == 0 || rc.FromTLV&dlr.FieldState == 0 || rc.Text != "hello" {
		t.Errorf("receipt %+v", rc)
	}
	id = submitOne(t, trx, pdu.RegReceiptFinal)
	if rc := trxSink.next(t); rc.ID != id {
		t.Errorf("trx receipt %+v, want id %s", rc, id)
	}
	// Failure-only receipts: none for a delivered message, one for a
	// cancelled message.
	submitOne(t, tx, pdu.RegReceiptFailure)
	own.none(t, 150*time.Millisecond)
	id = submitOne(t, tx, pdu.RegReceiptFailure)
	if err := tx.Cancel(t.Context(), &pdu.CancelSM{MessageID: id}); err != nil {
		t.Fatal(err)
	}
	if rc := own.next(t); rc.ID != id || rc.MessageState() != pdu.StateDeleted {
		t.Errorf("cancelled: %+v", rc)
	}
	// Intermediate notification then final receipt.
	// (The ESME serves deliver_sm concurrently, so the sink may see them in
	// either order.)
	id = submitOne(t, tx, pdu.RegReceiptFinal|pdu.RegIntermediate)
	var inter, final int
	for range 2 {
		rc := own.next(t)
		switch {
		case rc.ID == id && rc.Intermediate && rc.MessageState() == pdu.StateEnroute:
			inter++
		case rc.ID == id && !rc.Intermediate && rc.MessageState() == pdu.StateDelivered:
			final++
		default:
			t.Errorf("intermediate/final: %+v", rc)
		}
	}
	if inter != 1 || final != 1 {
		t.Errorf("%d intermediate and %d final receipts", inter, final)
	}
	other.none(t, 100*time.Millisecond)
}

// TestServeV33Receipt: a v3.3 receiver gets receipts without TLVs.
func TestServeV33Receipt(t *testing.T) {
	addr := startServe(t, "--dlr")
	sink := make(receiptSink, 4)
	d := &smpp.Dialer{SystemID: "old", Mode: pdu.BindTransceiver, InterfaceVersion: pdu.V33, Handler: sink}
	s, err := d.Dial(t.Context(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer closeSession(s, time.Second)
	id := submitOne(t, s, pdu.RegReceiptFinal)
	rc := sink.next(t)
	if rc.ID != id || rc.FromTLV != 0 || rc.MessageState() != pdu.StateDelivered {
		t.Errorf("v3.3 receipt: %+v", rc)
	}
}

// TestServeTLS serves TLS and checks --tls, --tls-insecure and a failed
// verification.
func TestServeTLS(t *testing.T) {
	cert, key := selfSigned(t)
	addr := startServe(t, "--tls-cert", cert, "--tls-key", key, "--dlr")
	r := runCmd(t, "send", "--addr", addr, "--tls", "--tls-insecure", "--to", "1", "--text", "over TLS", "--dlr", "--timeout", "5s")
	if r.code != 0 || len(lines(r.stdout)) != 2 {
		t.Fatalf("send over TLS: %+v", r)
	}
	r = runCmd(t, "send", "--addr", addr, "--tls", "--to", "1", "--text", "x")
	wantOneLineError(t, r, 1, `^smpp send: TLS handshake with `+addr+` failed: .*certificate`)
	r = runCmd(t, "serve", "--tls-cert", cert)
	wantOneLineError(t, r, 2, `^smpp serve: --tls-cert and --tls-key go together`)
	r = runCmd(t, "serve", "--addr", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", cert)
	wantOneLineError(t, r, 1, `^smpp serve: cannot load TLS certificate`)
}

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "smpp test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}), 0o600)
	return certFile, keyFile
}

// TestServeConcurrentIDs: ids stay unique under concurrent submission from
// several sessions.
func TestServeConcurrentIDs(t *testing.T) {
	addr := startServe(t)
	const conns, per = 4, 200
	ids := make(chan string, conns*per)
	errc := make(chan error, conns)
	for range conns {
		s := dialTest(t, addr, "many", pdu.BindTransmitter, nil)
		go func() {
			done := make(chan *smpp.Call, per)
			req := &pdu.SubmitSM{SourceAddr: "1", DestinationAddr: "2", ShortMessage: []byte("x")}
			for range per {
				s.Go(context.Background(), req, done)
			}
			for range per {
				c := <-done
				if c.Err != nil {
					errc <- c.Err
					return
				}
				ids <- c.Resp.(*pdu.SubmitSMResp).MessageID
			}
			errc <- nil
		}()
	}
	for range conns {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("duplicate id %s", id)
		}
		seen[id] = true
		if n, err := strconv.Atoi(id); err != nil || n < 1 || n > conns*per {
			t.Errorf("id %q", id)
		}
	}
}

// TestReceiptText: the receipt's text field is the first 20 characters of
// the message, decoded from a prefix of its user data without cutting a
// GSM escape or a UTF-16 surrogate pair.
func TestReceiptText(t *testing.T) {
	gsm := func(s string) []byte { b, _ := coding.GSM7{}.Encode(s); return b }
	ucs := func(s string) []byte { b, _ := coding.UCS2{}.Encode(s); return b }
	for _, tc := range []struct {
		esm  pdu.ESMClass
		dc   pdu.DataCoding
		ud   []byte
		want string
	}{
		{0, 0, gsm("short"), "short"},
		{0, 0, gsm(strings.Repeat("€", 100)), strings.Repeat("€", 20)},
		{0, 0, gsm(strings.Repeat("a", 41) + strings.Repeat("€", 50)), strings.Repeat("a", 20)},
		{0, pdu.CodingUCS2, ucs(strings.Repeat("😀", 60)), strings.Repeat("😀", 20)},
		{0, pdu.CodingUCS2, ucs("x" + strings.Repeat("😀", 60)), "x" + strings.Repeat("😀", 19)},
		{pdu.ESMUDHI, 0, append([]byte{5, 0, 3, 1, 2, 1}, gsm(strings.Repeat("b", 153))...), strings.Repeat("b", 20)},
		{0, pdu.CodingBinary, []byte{1, 2, 3}, ""},
		{pdu.ESMUDHI, 0, []byte{9, 0}, ""}, // malformed UDH
	} {
		if got := receiptText(tc.esm, tc.dc, tc.ud, nil); got != tc.want {
			t.Errorf("receiptText(%x) = %q, want %q", tc.ud, got, tc.want)
		}
	}
}
