package smpptest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestServerAddrAndClose(t *testing.T) {
	srv := smpptest.NewUnstartedServer(nil)
	if !strings.HasPrefix(srv.Addr, "127.0.0.1:") && !strings.HasPrefix(srv.Addr, "[::1]:") {
		t.Fatalf("Addr = %q, want a loopback address", srv.Addr)
	}
	if srv.TLSConfig() != nil || srv.Certificate() != nil {
		t.Fatal("TLS config before StartTLS")
	}
	srv.Start()
	ctx := context.Background()
	s, err := srv.Dialer("a", "b", pdu.BindTransceiver).Dial(ctx, srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(srv.SMPP.Sessions()); got != 1 {
		t.Fatalf("server has %d sessions, want 1", got)
	}
	srv.Close()
	srv.Close() // idempotent
	<-s.Done()
	if s.Err() == nil {
		t.Fatal("session closed without a reason")
	}
	if _, err := net.Dial("tcp", srv.Addr); err == nil {
		t.Fatal("listener still accepting after Close")
	}
}

func TestStartTwicePanics(t *testing.T) {
	srv := smpptest.NewServer(nil)
	defer srv.Close()
	defer func() {
		if recover() == nil {
			t.Fatal("second Start did not panic")
		}
	}()
	srv.Start()
}

func TestServerTLS(t *testing.T) {
	srv := smpptest.NewUnstartedServer(nil)
	srv.SMPP.BindTimeout = time.Second
	srv.StartTLS()
	defer srv.Close()
	cert := srv.Certificate()
	if cert == nil {
		t.Fatal("no certificate after StartTLS")
	}
	if err := cert.VerifyHostname("127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d := srv.Dialer("a", "b", pdu.BindTransmitter)
	if d.TLSConfig == nil {
		t.Fatal("Dialer of a TLS server has no TLSConfig")
	}
	s, err := d.Dial(ctx, srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Submit(ctx, &pdu.SubmitSM{DestinationAddr: "1"}); err != nil {
		t.Fatal(err)
	}
	// A client that does not trust the certificate fails the handshake.
	c, err := tls.Dial("tcp", srv.Addr, &tls.Config{ServerName: "127.0.0.1"})
	if err == nil {
		c.Close()
		t.Fatal("handshake succeeded without trusting the certificate")
	}
	// Plain SMPP against the TLS port does not bind.
	plain := *d
	plain.TLSConfig = nil
	plain.BindTimeout = time.Second
	if s, err := plain.Dial(ctx, srv.Addr); err == nil {
		s.Close()
		t.Fatal("plain bind to a TLS server succeeded")
	}
}

func TestSMSCHandler(t *testing.T) {
	srv := &smpp.Server{Binder: smpptest.AcceptAll(nil)}
	defer srv.Close()
	s, err := smpptest.Pipe(srv, &smpp.Dialer{SystemID: "a", Mode: pdu.BindTransmitter})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	r1, err := s.Submit(ctx, &pdu.SubmitSM{DestinationAddr: "1"})
	if err != nil || r1.MessageID != "1" {
		t.Fatalf("submit: %+v, %v", r1, err)
	}
	r2, err := s.SubmitMulti(ctx, &pdu.SubmitMulti{DestAddresses: []pdu.DestAddress{{DestFlag: pdu.DestFlagSME, DestinationAddr: "2"}}})
	if err != nil || r2.MessageID != "2" {
		t.Fatalf("submit_multi: %+v, %v", r2, err)
	}
	r3, err := s.Data(ctx, &pdu.DataSM{DestinationAddr: "3"})
	if err != nil || r3.MessageID != "3" {
		t.Fatalf("data_sm: %+v, %v", r3, err)
	}
	q, err := s.Query(ctx, &pdu.QuerySM{MessageID: "1"})
	if err != nil || q.MessageID != "1" || q.MessageState != pdu.StateEnroute || q.FinalDate != "" {
		t.Fatalf("query: %+v, %v", q, err)
	}
	if err := s.Replace(ctx, &pdu.ReplaceSM{MessageID: "1", ShortMessage: []byte("x")}); err != nil {
		t.Fatalf("replace: %v", err)
	}
	if err := s.Cancel(ctx, &pdu.CancelSM{MessageID: "1"}); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	q, err = s.Query(ctx, &pdu.QuerySM{MessageID: "1"})
	if err != nil || q.MessageState != pdu.StateDeleted || len(q.FinalDate) != 16 {
		t.Fatalf("query after cancel: %+v, %v", q, err)
	}
	if err := s.Replace(ctx, &pdu.ReplaceSM{MessageID: "1"}); !errors.Is(err, pdu.StatusReplaceFail) {
		t.Fatalf("replace after cancel: %v, want ESME_RREPLACEFAIL", err)
	}
	for _, unknown := range []func() error{
		func() error { _, err := s.Query(ctx, &pdu.QuerySM{MessageID: "99"}); return err },
		func() error { return s.Cancel(ctx, &pdu.CancelSM{MessageID: "99"}) },
		func() error { return s.Replace(ctx, &pdu.ReplaceSM{MessageID: "99"}) },
	} {
		if err := unknown(); !errors.Is(err, pdu.StatusInvMsgID) {
			t.Errorf("unknown id: %v, want ESME_RINVMSGID", err)
		}
	}
	if err := s.Cancel(ctx, &pdu.CancelSM{SourceAddr: "1", DestinationAddr: "2"}); err != nil {
		t.Errorf("cancel by address: %v", err)
	}
}

func TestSMSCHandlerRejectsOthers(t *testing.T) {
	h := smpptest.SMSCHandler()
	_, err := h.ServeSMPP(context.Background(), &smpp.Request{Header: pdu.Header{ID: pdu.CmdDeliverSM}, PDU: &pdu.DeliverSM{}})
	if !errors.Is(err, pdu.StatusInvCmdID) {
		t.Fatalf("deliver_sm to SMSCHandler: %v, want ESME_RINVCMDID", err)
	}
	resp, err := smpptest.AckHandler().ServeSMPP(context.Background(), &smpp.Request{PDU: &pdu.DeliverSM{}})
	if resp != nil || err != nil {
		t.Fatalf("AckHandler = %v, %v; want nil, nil", resp, err)
	}
}

func TestPipeInSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &smpp.Server{Binder: smpptest.AcceptAll(nil)}
		s, err := smpptest.Pipe(srv, &smpp.Dialer{SystemID: "a", Mode: pdu.BindTransmitter})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := s.Submit(context.Background(), &pdu.SubmitSM{DestinationAddr: "1"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Unbind(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("fake clock advanced %v during a pipe exchange", d)
		}
		srv.Close()
	})
}

func TestPeerKeepsPartialFrames(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := net.Pipe()
		defer a.Close()
		peer := smpptest.NewPeer(b)
		peer.Timeout = time.Second
		frame, _ := pdu.Marshal(7, pdu.StatusOK, &pdu.SubmitSM{DestinationAddr: "5678"})
		go a.Write(frame[:10])
		if _, _, err := peer.ReadPDU(); err == nil || smpptest.IsClosed(err) {
			t.Fatalf("ReadPDU of half a frame = %v, want a timeout", err)
		}
		go a.Write(frame[10:])
		h, p, err := peer.ReadPDU()
		if err != nil || h.ID != pdu.CmdSubmitSM || h.Seq != 7 || p.(*pdu.SubmitSM).DestinationAddr != "5678" {
			t.Fatalf("ReadPDU after the rest = %v %v %v", h, p, err)
		}
		a.Close()
		if _, _, err := peer.ReadPDU(); !errors.Is(err, io.EOF) {
			t.Fatalf("ReadPDU after close = %v, want EOF", err)
		}
	})
}

func TestScriptReportsDeviation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := net.Pipe()
		defer a.Close()
		defer b.Close()
		peer := smpptest.NewPeer(b)
		peer.Timeout = time.Second
		go func() {
			w := smpptest.NewPeer(a)
			w.WritePDU(3, pdu.StatusOK, &pdu.EnquireLink{})
		}()
		sc := smpptest.Script{Steps: []smpptest.Step{smpptest.Expect(pdu.CmdSubmitSM)}}
		err := sc.Run(peer)
		if err == nil || !strings.Contains(err.Error(), "step 1 of 1 (expect submit_sm)") || !strings.Contains(err.Error(), "got enquire_link") {
			t.Fatalf("Run = %v", err)
		}
		// Nothing more comes: Expect fails at the peer's timeout.
		start := time.Now()
		err = (&smpptest.Script{Steps: []smpptest.Step{smpptest.Expect(pdu.CmdSubmitSM)}}).Run(peer)
		if err == nil || time.Since(start) != time.Second {
			t.Fatalf("Run = %v after %v, want a timeout after 1s", err, time.Since(start))
		}
		// ExpectClosed on an open connection fails.
		if err := (&smpptest.Script{Steps: []smpptest.Step{smpptest.ExpectClosed()}}).Run(peer); err == nil {
			t.Fatal("ExpectClosed passed on an open connection")
		}
	})
}

func TestReplyWithoutRequest(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	err := (&smpptest.Script{Steps: []smpptest.Step{smpptest.Reply(pdu.StatusOK, nil)}}).Run(smpptest.NewPeer(b))
	if err == nil {
		t.Fatal("Reply with nothing read succeeded")
	}
}

func TestExpectPDUComparesBodies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := net.Pipe()
		defer a.Close()
		defer b.Close()
		peer := smpptest.NewPeer(b)
		w := smpptest.NewPeer(a)
		go func() {
			w.WritePDU(1, pdu.StatusOK, &pdu.SubmitSM{DestinationAddr: "5678"})
			w.WritePDU(2, pdu.StatusOK, &pdu.SubmitSM{DestinationAddr: "0000"})
		}()
		want := &pdu.SubmitSM{DestinationAddr: "5678"}
		sc := smpptest.Script{Steps: []smpptest.Step{smpptest.ExpectPDU(want), smpptest.ExpectPDU(want)}}
		err := sc.Run(peer)
		if err == nil || !strings.Contains(err.Error(), "step 2 of 2") {
			t.Fatalf("Run = %v, want a body mismatch at step 2", err)
		}
	})
}

func TestKeepAliveAnswersOnlyEnquireLink(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := net.Pipe()
		defer a.Close()
		peer := smpptest.NewPeer(b)
		done := make(chan error, 1)
		go func() {
			done <- (&smpptest.Script{Steps: []smpptest.Step{smpptest.KeepAlive(time.Minute), smpptest.ExpectClosed()}}).Run(peer)
		}()
		w := smpptest.NewPeer(a)
		w.WritePDU(1, pdu.StatusOK, &pdu.SubmitSM{})
		w.WritePDU(2, pdu.StatusOK, &pdu.EnquireLink{})
		h, _, err := w.ReadPDU()
		if err != nil || h.ID != pdu.CmdEnquireLinkResp || h.Seq != 2 {
			t.Fatalf("got %v %v, want enquire_link_resp seq 2 (submit_sm ignored)", h, err)
		}
		a.Close()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
