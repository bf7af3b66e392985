package smpp_test

// ServeMux, middleware, per-session values, and the SessionConfig knobs
// that change what goes on the wire.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
)

func TestServeMux(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		mux := smpp.NewServeMux()
		mux.HandleFunc(pdu.CmdSubmitSM, func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			return &pdu.SubmitSMResp{MessageID: "via-mux"}, nil
		})
		mux.Handle(pdu.CmdQuerySM, smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			return &pdu.QuerySMResp{MessageID: r.PDU.(*pdu.QuerySM).MessageID, MessageState: pdu.StateDelivered, FinalDate: "250101000000000+"}, nil
		}))
		withFallback := smpp.NewServeMux()
		withFallback.Fallback = smpptest.SMSCHandler()
		binder := smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
			if b.SystemID == "fallback" {
				return withFallback, nil
			}
			return mux, nil
		})
		e := newEnv(t, m, binder, nil)
		ctx := testCtx(t)
		s := e.mustDial(e.dialer("esme", pdu.BindTransmitter))
		if r, err := s.Submit(ctx, submit("x")); err != nil || r.MessageID != "via-mux" {
			t.Errorf("submit: %+v %v", r, err)
		}
		if q, err := s.Query(ctx, &pdu.QuerySM{MessageID: "7"}); err != nil || q.MessageID != "7" || q.MessageState != pdu.StateDelivered {
			t.Errorf("query: %+v %v", q, err)
		}
		if _, err := s.Data(ctx, &pdu.DataSM{DestinationAddr: "1"}); !isStatus(err, pdu.StatusInvCmdID) {
			t.Errorf("unregistered data_sm: %v, want ESME_RINVCMDID", err)
		}
		f := e.mustDial(e.dialer("fallback", pdu.BindTransmitter))
		if r, err := f.Data(ctx, &pdu.DataSM{DestinationAddr: "1"}); err != nil || r.MessageID != "1" {
			t.Errorf("data_sm through Fallback: %+v %v", r, err)
		}
	})
}

func TestChainOrder(t *testing.T) {
	var trace []string
	mw := func(name string) smpp.Middleware {
		return func(next smpp.Handler) smpp.Handler {
			return smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
				trace = append(trace, name+">")
				resp, err := next.ServeSMPP(ctx, r)
				trace = append(trace, "<"+name)
				return resp, err
			})
		}
	}
	h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		trace = append(trace, "handler")
		return nil, pdu.StatusMsgQFull
	})
	_, err := smpp.Chain(h, mw("a"), mw("b")).ServeSMPP(context.Background(), &smpp.Request{PDU: submit("x")})
	if got := strings.Join(trace, " "); got != "a> b> handler <b <a" || !isStatus(err, pdu.StatusMsgQFull) {
		t.Errorf("Chain ran %q and returned %v", got, err)
	}
	trace = nil
	smpp.Chain(h).ServeSMPP(context.Background(), &smpp.Request{})
	if len(trace) != 1 {
		t.Errorf("Chain without middleware ran %v", trace)
	}
}

func TestSessionValuesAndAddresses(t *testing.T) {
	type accountKey struct{}
	run(t, func(t *testing.T, m mode) {
		bound := make(chan *smpp.Session, 1)
		binder := smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
			s.SetValue(accountKey{}, "acct-"+b.SystemID)
			bound <- s
			return smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
				acct, _ := r.Session.Value(accountKey{}).(string)
				return &pdu.SubmitSMResp{MessageID: acct}, nil
			}), nil
		})
		e := newEnv(t, m, binder, nil)
		s := e.mustDial(e.dialer("esme01", pdu.BindTransmitter))
		srvS := recv(t, bound, "server session")
		if r, err := s.Submit(testCtx(t), submit("x")); err != nil || r.MessageID != "acct-esme01" {
			t.Errorf("submit: %+v %v", r, err)
		}
		if srvS.Value("missing") != nil {
			t.Error("Value of an unset key is not nil")
		}
		if m != modePipe {
			if s.LocalAddr().String() != srvS.RemoteAddr().String() || s.RemoteAddr().String() != srvS.LocalAddr().String() {
				t.Errorf("addresses: ESME %v→%v, SMSC %v→%v", s.LocalAddr(), s.RemoteAddr(), srvS.LocalAddr(), srvS.RemoteAddr())
			}
			if s.RemoteAddr().String() != e.ts.Addr {
				t.Errorf("ESME RemoteAddr %v, want %v", s.RemoteAddr(), e.ts.Addr)
			}
		}
		if srvS.Context().Err() != nil {
			t.Error("session context done while bound")
		}
		s.Close()
		recv(t, e.closed.errs, "server session close")
		if srvS.Context().Err() == nil {
			t.Error("session context not cancelled after close")
		}
	})
}

func TestErrorResponseBody(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			return &pdu.SubmitSMResp{MessageID: "never sent"}, pdu.StatusMsgQFull
		})
		for _, body := range []bool{false, true} {
			e := newEnv(t, m, smpptest.AcceptAll(h), func(srv *smpp.Server) { srv.ErrorRespBody = body })
			want := uint32(pdu.HeaderLen) // v5.0 §3.2.1.3: no body on error
			if body {
				want++ // a lone NUL message_id, for peers that need one
			}
			err := (&smpptest.Script{Steps: []smpptest.Step{
				smpptest.Send(1, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "esme"}),
				expectResp(pdu.CmdBindTransmitterResp, pdu.StatusOK, 1),
				smpptest.Send(2, submit("x")),
				smpptest.StepFunc(func(p *smpptest.Peer) error {
					h, resp, err := p.ReadPDU()
					if err != nil {
						return err
					}
					if h.ID != pdu.CmdSubmitSMResp || h.Status != pdu.StatusMsgQFull || h.Length != want {
						return fmt.Errorf("got %v %s length %d, want submit_sm_resp ESME_RMSGQFUL length %d", h.ID, h.Status.String(), h.Length, want)
					}
					if r := resp.(*pdu.SubmitSMResp); r.MessageID != "" {
						return fmt.Errorf("error response carries message_id %q", r.MessageID)
					}
					return nil
				}),
			}}).Run(e.peer())
			if err != nil {
				t.Errorf("ErrorRespBody=%v: %v", body, err)
			}
		}
	})
}

func TestLenientAndMaxPDULen(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		got := make(chan string, 1)
		h := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			got <- r.PDU.(*pdu.SubmitSM).SourceAddr
			return nil, nil
		})
		e := newEnv(t, m, smpptest.AcceptAll(h), func(srv *smpp.Server) {
			srv.Lenient = true
			srv.MaxPDULen = 256
		})
		long := strings.Repeat("4", 30)
		err := (&smpptest.Script{Steps: []smpptest.Step{
			smpptest.Send(1, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "esme"}),
			expectResp(pdu.CmdBindTransmitterResp, pdu.StatusOK, 1),
			// Lenient: an over-long source_addr is accepted.
			smpptest.SendRaw(rawFrame(pdu.CmdSubmitSM, 2, rawSubmitBody(long, "1"))),
			expectResp(pdu.CmdSubmitSMResp, pdu.StatusOK, 2),
			// MaxPDULen: a 316-octet frame is refused and the stream dropped.
			smpptest.SendRaw(rawFrame(pdu.CmdSubmitSM, 3, make([]byte, 300))),
			smpptest.ExpectStatus(pdu.CmdGenericNACK, pdu.StatusInvCmdLen),
			smpptest.ExpectClosed(),
		}}).Run(e.peer())
		if err != nil {
			t.Fatal(err)
		}
		if src := recv(t, got, "handler"); src != long {
			t.Errorf("handler got source_addr %q", src)
		}
	})
}

func TestServerWithoutBinderRefusesBinds(t *testing.T) {
	srv := &smpp.Server{}
	defer srv.Close()
	_, err := smpptest.Pipe(srv, &smpp.Dialer{SystemID: "esme", Mode: pdu.BindTransmitter})
	if !isStatus(err, pdu.StatusBindFail) {
		t.Fatalf("bind to a server without Binder: %v, want ESME_RBINDFAIL", err)
	}
}

func TestBroadcast(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, m, nil, nil)
		s := e.mustDial(e.dialer("cbe", pdu.BindTransmitter))
		b := &pdu.BroadcastSM{MessageID: "", DataCoding: pdu.CodingDefault}
		b.TLVs.Set(pdu.TagBroadcastAreaIdentifier, []byte("\x00Area51"))
		b.TLVs.Set(pdu.TagBroadcastContentType, []byte{1, 0, 0x33})
		b.TLVs.SetUint16(pdu.TagBroadcastRepNum, 3)
		b.TLVs.Set(pdu.TagBroadcastFrequencyInterval, []byte{pdu.BroadcastUnitMinutes, 0, 5})
		b.TLVs.Set(pdu.TagMessagePayload, []byte("storm warning"))
		r, err := s.Broadcast(testCtx(t), b)
		if err != nil || r.MessageID != "1" {
			t.Fatalf("broadcast: %+v %v", r, err)
		}
	})
}

func TestRetryClassification(t *testing.T) {
	for _, c := range []struct {
		err             error
		safe, temporary bool
	}{
		{pdu.StatusThrottled, true, true},
		{pdu.StatusMsgQFull, true, true},
		{pdu.StatusInvDstAddr, false, false},
		{fmt.Errorf("submit: %w", pdu.StatusThrottled), true, true},
		{smpp.ErrResponseTimeout, false, true},
		{smpp.ErrPeerUnresponsive, false, true},
		{context.DeadlineExceeded, false, true},
		{errors.New("other"), false, false},
	} {
		if got := smpp.SafeToRetry(c.err); got != c.safe {
			t.Errorf("SafeToRetry(%v) = %v, want %v", c.err, got, c.safe)
		}
		if got := smpp.Temporary(c.err); got != c.temporary {
			t.Errorf("Temporary(%v) = %v, want %v", c.err, got, c.temporary)
		}
	}
	var be error = &smpp.BindError{Status: pdu.StatusInvPassword}
	if be.Error() != "smpp: bind refused: ESME_RINVPASWD" || !isStatus(be, pdu.StatusInvPassword) {
		t.Errorf("BindError %q", be)
	}
}
