package smsctest_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/smsctest"
)

// A shop's SMS code, tested end to end: it texts a customer (MT) and gets
// the delivery receipt, then the customer answers (MO). In a test, pass the
// test's t to NewServer; an Example has none, so a stand-in is used here.
func Example() {
	t := newExampleT() // in a test: the *testing.T
	defer t.finish()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// An SMSC in the process, with an account that owns the short code 5555.
	srv := smsctest.NewServer(t, smsctest.Account("shop", "secret", "5555"))

	receipts, replies := make(chan string, 1), make(chan string, 1)
	handler := smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
		if rc, ok := r.Receipt(); ok {
			receipts <- rc.MessageState().Stat()
		} else if text, err := r.Text(); err == nil {
			replies <- text
		}
		return nil, nil
	})
	s, err := srv.Dialer("shop", "secret", pdu.BindTransceiver, handler).Dial(ctx, srv.Addr)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	// MT: the simulated network delivers it to the handset and sends a receipt.
	_, err = s.SubmitText(ctx, smpp.TextMessage{
		From:               pdu.Address{Addr: "5555"},
		To:                 pdu.Address{TON: pdu.TONInternational, NPI: pdu.NPIISDN, Addr: "447700900001"},
		Text:               "Your order #1042 has shipped. Reply STOP to opt out.",
		RegisteredDelivery: pdu.RegReceiptFinal,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	inbox, err := srv.WaitPhone(ctx, "447700900001", 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("handset got %q from %s\n", inbox[0].Text, inbox[0].From)
	fmt.Println("receipt:", receive(ctx, receipts))

	// MO: the customer answers the short code.
	if _, err := srv.SendMO(ctx, "447700900001", "5555", "Thanks!"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("shop got %q\n", receive(ctx, replies))

	// Output:
	// handset got "Your order #1042 has shipped. Reply STOP to opt out." from 5555
	// receipt: DELIVRD
	// shop got "Thanks!"
}

func receive(ctx context.Context, ch <-chan string) string {
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return "nothing: " + ctx.Err().Error()
	}
}

// exampleT stands in for the *testing.T that Examples do not get. It
// provides what NewServer uses: Helper, TempDir, Cleanup and Fatalf.
type exampleT struct {
	testing.TB // nil: any other method panics
	cleanups   []func()
	dirs       []string
}

func newExampleT() *exampleT { return &exampleT{} }

func (t *exampleT) Helper() {}

func (t *exampleT) TempDir() string {
	d, err := os.MkdirTemp("", "smsctest-example")
	if err != nil {
		panic(err)
	}
	t.dirs = append(t.dirs, d)
	return d
}

func (t *exampleT) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

func (t *exampleT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// finish runs the cleanups, last registered first, as the testing package
// does, and removes the temporary directories.
func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
	for _, d := range t.dirs {
		os.RemoveAll(d)
	}
}
