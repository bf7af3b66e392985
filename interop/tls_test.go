package interop

// SMPP over TLS with the outside peers: a throw-away self-signed
// certificate for 127.0.0.1 is made per test.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/linxGnu/gosmpp/data"
	gpdu "github.com/linxGnu/gosmpp/pdu"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

// testCert is a self-signed certificate for 127.0.0.1 and localhost, with
// its PEM files written to a temporary directory.
type testCert struct {
	Cert              tls.Certificate
	Pool              *x509.CertPool
	CertFile, KeyFile string
}

func newTestCert(t testing.TB) *testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "smpp interop test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c := &testCert{CertFile: filepath.Join(dir, "cert.pem"), KeyFile: filepath.Join(dir, "key.pem")}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	if err := os.WriteFile(c.CertFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.KeyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if c.Cert, err = tls.X509KeyPair(certPEM, keyPEM); err != nil {
		t.Fatal(err)
	}
	c.Pool = x509.NewCertPool()
	c.Pool.AppendCertsFromPEM(certPEM)
	return c
}

func TestGosmppOverTLS(t *testing.T) {
	cert := newTestCert(t)
	m := startSMSC(t, smscOptions{TLS: &tls.Config{Certificates: []tls.Certificate{cert.Cert}}})
	// A plain-TCP client cannot bind to the TLS port.
	if _, err := dialGosmpp(t, m.Addr, gTRX, testPassword, 0); err == nil {
		t.Fatal("gosmpp bound without TLS to a TLS server")
	}
	p, err := dialGosmppWith(t, func(addr string) (net.Conn, error) {
		return tls.Dial("tcp", addr, &tls.Config{RootCAs: cert.Pool, ServerName: "127.0.0.1"})
	}, m.Addr, gTRX, testPassword)
	if err != nil {
		t.Fatalf("gosmpp over TLS: %v", err)
	}
	text := "over TLS: Привет"
	sm := newGosmppSubmit(t, "15550001", "15550002", text, data.UCS2, true)
	p.submit(t, sm)
	id := p.waitResp(t, sm.SequenceNumber)
	d := p.waitDeliver(t, "receipt over TLS", isReceipt)
	if f := d.OptionalParameters[gpdu.TagReceiptedMessageID]; f.String() != id {
		t.Errorf("receipt over TLS for %q, want %q", f.String(), id)
	}
	got, ok := m.messageByText(text)
	if !ok || got.IDs[0] != id || got.DataCoding != pdu.CodingUCS2 {
		t.Errorf("server recorded %+v (found %v)", got, ok)
	}
	p.close(t)
	p.noErrors(t)
}

func TestOurClientOverTLSWithNodeServer(t *testing.T) {
	cert := newTestCert(t)
	ns := startNodeServer(t, "TLS_CERT="+cert.CertFile, "TLS_KEY="+cert.KeyFile)
	e := &esme{ch: make(chan struct{}, 1)}
	d := &smpp.Dialer{
		SystemID: testSystemID, Password: testPassword, Mode: pdu.BindTransceiver,
		TLSConfig: &tls.Config{RootCAs: cert.Pool},
		Handler: smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			if dsm, ok := r.PDU.(*pdu.DeliverSM); ok {
				e.mu.Lock()
				e.got = append(e.got, dsm)
				e.mu.Unlock()
				select {
				case e.ch <- struct{}{}:
				default:
				}
			}
			return nil, nil
		}),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := d.Dial(ctx, ns.Addr) // verifies node-smpp's certificate for 127.0.0.1
	if err != nil {
		t.Fatalf("our client over TLS: %v", err)
	}
	defer s.Close()
	e.s = s
	id := submitTo(t, s, gsmSubmit("46700000051", "46700000052", "over TLS", pdu.RegReceiptFinal))
	r := e.waitDeliver(t, "receipt over TLS", (*pdu.DeliverSM).IsReceipt)
	checkReceipt(t, r, id, "46700000051", "46700000052", "over TLS")
	ns.waitEvent(t, "message", func(ev map[string]any) bool { return ev["text"] == "over TLS" })
	if err := s.EnquireLink(ctx); err != nil {
		t.Errorf("EnquireLink over TLS: %v", err)
	}
	if err := s.Unbind(ctx); err != nil {
		t.Errorf("Unbind over TLS: %v", err)
	}

	// A certificate we do not trust is refused.
	d2 := *d
	d2.TLSConfig = &tls.Config{}
	if _, err := d2.Dial(ctx, ns.Addr); err == nil {
		t.Error("our client accepted an untrusted certificate")
	}
}
