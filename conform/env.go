package conform

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// env is what an SMSC check works with: the target and helpers to open
// connections and bind on them.
type env struct {
	t *Target
}

// dial opens a raw connection playing the ESME: it answers the SMSC's
// enquire_link, acknowledges deliver_sm / data_sm (queued on dlv for the
// receipt checks) and ignores alert_notification; everything else is left
// for the check.
func (e *env) dial(ctx context.Context) (*wire, error) {
	dial := e.t.Dial
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	c, err := dial(ctx, "tcp", e.t.Addr)
	if err != nil {
		return nil, err
	}
	if e.t.TLSConfig != nil {
		cfg := e.t.TLSConfig.Clone()
		if cfg.ServerName == "" && !cfg.InsecureSkipVerify {
			cfg.ServerName, _, _ = net.SplitHostPort(e.t.Addr)
		}
		tc := tls.Client(c, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, fmt.Errorf("TLS handshake: %w", err)
		}
		c = tc
	}
	dlv := newQueue()
	w := newWire(c, func(w *wire, f frame) bool {
		switch f.h.ID {
		case pdu.CmdEnquireLink:
			w.sendSeq(f.h.Seq, pdu.StatusOK, &pdu.EnquireLinkResp{})
			return true
		case pdu.CmdDeliverSM:
			w.sendSeq(f.h.Seq, pdu.StatusOK, &pdu.DeliverSMResp{})
			if f.p != nil {
				dlv.push(f)
			}
			return true
		case pdu.CmdDataSM:
			w.sendSeq(f.h.Seq, pdu.StatusOK, &pdu.DataSMResp{})
			if f.p != nil {
				dlv.push(f)
			}
			return true
		case pdu.CmdAlertNotification:
			return true
		}
		return false
	})
	w.dlv = dlv
	return w, nil
}

// bindPDU is a v3.4 bind with the target's credentials.
func (e *env) bindPDU(mode pdu.BindMode) *pdu.Bind {
	return &pdu.Bind{Mode: mode, SystemID: e.t.SystemID, Password: e.t.Password,
		SystemType: e.t.SystemType, InterfaceVersion: pdu.V34}
}

// bound opens a connection and binds it in mode. On failure it returns a
// failed result naming what went wrong, with sent as its Sent.
func (e *env) bound(ctx context.Context, mode pdu.BindMode, sent string) (*wire, *Result) {
	w, err := e.dial(ctx)
	if err != nil {
		r := fail(sent, "cannot connect: "+err.Error(), "a bound "+mode.String()+" session to run the check on")
		return nil, &r
	}
	_, f, err := w.call(ctx, e.bindPDU(mode))
	if err == nil && f.h.ID == mode.CommandID().Response() && f.h.Status == pdu.StatusOK {
		w.bound.Store(true)
		return w, nil
	}
	w.Close()
	got := ""
	if err != nil {
		got = describeErr(err, e.t.Timeout)
	} else {
		got = describe(f)
	}
	r := fail(sent, "cannot bind "+mode.String()+": "+got, "a bound "+mode.String()+" session to run the check on")
	return nil, &r
}

// release ends a check's connection: a bound session is unbound politely
// (briefly), then the connection is closed.
func (e *env) release(w *wire) {
	if w.bound.Load() && !w.closed() {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		if seq, err := w.send(&pdu.Unbind{}); err == nil {
			w.await(ctx, seq)
		}
		cancel()
	}
	w.Close()
}

// address returns s with the TON/NPI a number or a name gets
// (encoding.md §6): digits are international/ISDN, anything else
// alphanumeric.
func address(s string) pdu.Address {
	s = strings.TrimPrefix(s, "+")
	if s == "" {
		return pdu.Address{}
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return pdu.Address{TON: pdu.TONAlphanumeric, NPI: pdu.NPIUnknown, Addr: s}
		}
	}
	return pdu.Address{TON: pdu.TONInternational, NPI: pdu.NPIISDN, Addr: s}
}

func (e *env) from() pdu.Address { return address(e.t.From) }
func (e *env) to() pdu.Address   { return address(e.t.To) }

// submit is a valid submit_sm from From to To with text (GSM 7-bit
// unpacked, data_coding 0).
func (e *env) submit(text string) *pdu.SubmitSM {
	p := &pdu.SubmitSM{ShortMessage: []byte(text)}
	p.SetSource(e.from())
	p.SetDest(e.to())
	return p
}

// token is a short random hex string for names that must not exist.
func token() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
