package smpptest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
)

// An end-to-end test of an ESME against an in-process SMSC on a loopback
// port.
func ExampleNewServer() {
	srv := smpptest.NewServer(nil) // accepts any bind; answers like an SMSC
	defer srv.Close()

	ctx := context.Background()
	s, err := srv.Dialer("esme", "secret", pdu.BindTransmitter).Dial(ctx, srv.Addr)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := s.Submit(ctx, &pdu.SubmitSM{SourceAddr: "1234", DestinationAddr: "5678", ShortMessage: []byte("hello")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("message_id:", resp.MessageID)
	fmt.Println("unbind:", s.Unbind(ctx))
	// Output:
	// message_id: 1
	// unbind: <nil>
}

// TLS with a certificate generated in memory; the Dialer trusts it.
func ExampleServer_StartTLS() {
	srv := smpptest.NewUnstartedServer(nil)
	srv.StartTLS()
	defer srv.Close()

	ctx := context.Background()
	s, err := srv.Dialer("esme", "secret", pdu.BindTransceiver).Dial(ctx, srv.Addr)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	fmt.Println(s.State(), srv.Certificate().Subject.CommonName)
	// Output: BOUND_TRX 127.0.0.1
}

// A Binder that checks credentials, and a server whose settings are changed
// before it starts.
func ExampleNewUnstartedServer() {
	binder := smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
		if b.Password != "secret" {
			return nil, pdu.StatusInvPassword
		}
		return smpptest.SMSCHandler(), nil
	})
	srv := smpptest.NewUnstartedServer(binder)
	srv.SMPP.SystemID = "MYSMSC"
	srv.Start()
	defer srv.Close()

	ctx := context.Background()
	_, err := srv.Dialer("esme", "wrong", pdu.BindTransmitter).Dial(ctx, srv.Addr)
	fmt.Println(err, errors.Is(err, pdu.StatusInvPassword))

	s, err := srv.Dialer("esme", "secret", pdu.BindTransmitter).Dial(ctx, srv.Addr)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	fmt.Println(s.SystemID())
	// Output:
	// smpp: bind refused: ESME_RINVPASWD true
	// MYSMSC
}

// Pipe needs no port, so it also works inside testing/synctest bubbles.
func ExamplePipe() {
	srv := &smpp.Server{Binder: smpptest.AcceptAll(nil)}
	defer srv.Close()

	d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter}
	s, err := smpptest.Pipe(srv, d)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	resp, err := s.Submit(ctx, &pdu.SubmitSM{DestinationAddr: "5678", ShortMessage: []byte("hi")})
	fmt.Println(resp.MessageID, err)
	fmt.Println(s.Unbind(ctx), s.Err())
	// Output:
	// 1 <nil>
	// <nil> smpp: session unbound
}

// A scripted SMSC that answers the first submit_sm with a generic_nack,
// to test how an ESME copes.
func ExampleScript() {
	esmeEnd, smscEnd := net.Pipe()
	peer := smpptest.NewPeer(smscEnd)
	script := &smpptest.Script{Steps: []smpptest.Step{
		smpptest.AcceptBind("SMSC"),
		smpptest.Expect(pdu.CmdSubmitSM),
		smpptest.Reply(pdu.StatusSysErr, &pdu.GenericNACK{}),
		smpptest.Expect(pdu.CmdUnbind),
		smpptest.Reply(pdu.StatusOK, nil), // unbind_resp
		smpptest.ExpectClosed(),
	}}
	done := make(chan error, 1)
	go func() { done <- script.Run(peer) }()

	ctx := context.Background()
	d := &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter}
	s, err := d.Bind(ctx, esmeEnd)
	if err != nil {
		log.Fatal(err)
	}
	_, err = s.Submit(ctx, &pdu.SubmitSM{DestinationAddr: "5678"})
	var st pdu.Status
	if errors.As(err, &st) {
		fmt.Println("submit:", st.String())
	}
	fmt.Println("unbind:", s.Unbind(ctx))
	fmt.Println("script:", <-done)
	// Output:
	// submit: ESME_RSYSERR
	// unbind: <nil>
	// script: <nil>
}

// Driving a server with a raw peer: a submit_sm before bind is refused.
func ExamplePipeConn() {
	srv := &smpp.Server{Binder: smpptest.AcceptAll(nil)}
	defer srv.Close()

	peer := smpptest.NewPeer(smpptest.PipeConn(srv))
	defer peer.Close()
	peer.WritePDU(1, pdu.StatusOK, &pdu.SubmitSM{DestinationAddr: "5678"})
	h, _, err := peer.ReadPDU()
	fmt.Println(h.ID, h.Status.String(), h.Seq, err)
	// Output: submit_sm_resp ESME_RINVBNDSTS 1 <nil>
}
