package smsc

import (
	"context"
	"encoding/binary"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/store"
)

// BenchmarkEndToEnd is smscd's durable path in one process: account a
// submits (window 512) to an address account b owns; b is bound as receiver
// and acknowledges; receipts are requested and delivered to a. It reports
// the rate and the p50/p99 of submit→deliver (b's deliver_sm, measured from
// a timestamp in the message) and of submit→receipt.
//
//	go test -run '^$' -bench EndToEnd -benchtime 100000x ./smsc
func BenchmarkEndToEnd(b *testing.B) {
	ctx := context.Background()
	cfg := Config{SMPPAddr: "127.0.0.1:0", Window: 512, Accounts: []Account{
		{SystemID: "a", Password: "pa"},
		{SystemID: "b", Password: "pb", Addresses: []string{"4477*"}},
	}}
	srv, err := New(cfg, WithStoreOptions(store.Options{Dir: b.TempDir()}), WithBcryptCost(4))
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer srv.Shutdown(ctx)
	addr := srv.SMPPAddr().String()
	var mu sync.Mutex
	var toDeliver, toReceipt []time.Duration
	var sent sync.Map // message id → submit time
	receipts := make(chan struct{}, b.N)
	a, err := (&smpp.Dialer{SystemID: "a", Password: "pa", SessionConfig: smpp.SessionConfig{Window: 512, InboundWindow: 2048},
		Handler: smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			if rc, ok := r.Receipt(); ok {
				if t, ok := sent.Load(rc.ID); ok {
					mu.Lock()
					toReceipt = append(toReceipt, time.Since(t.(time.Time)))
					mu.Unlock()
				}
				receipts <- struct{}{}
			}
			return nil, nil
		})}).Dial(ctx, addr)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	rx, err := (&smpp.Dialer{SystemID: "b", Password: "pb", Mode: pdu.BindReceiver, SessionConfig: smpp.SessionConfig{InboundWindow: 2048},
		Handler: smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) {
			if d, ok := r.PDU.(*pdu.DeliverSM); ok && len(d.ShortMessage) >= 8 {
				at := time.Unix(0, int64(binary.BigEndian.Uint64(d.ShortMessage)))
				mu.Lock()
				toDeliver = append(toDeliver, time.Since(at))
				mu.Unlock()
			}
			return nil, nil
		})}).Dial(ctx, addr)
	if err != nil {
		b.Fatal(err)
	}
	defer rx.Close()
	done := make(chan *smpp.Call, 1024)
	b.ResetTimer()
	go func() {
		for i := 0; i < b.N; i++ {
			now := time.Now()
			msg := binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano()))
			c := a.Go(ctx, &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700900123", RegisteredDelivery: 1,
				DataCoding: pdu.CodingBinary, ShortMessage: msg}, nil)
			go func(c *smpp.Call, at time.Time) {
				<-c.Done
				if r, ok := c.Resp.(*pdu.SubmitSMResp); ok && c.Err == nil {
					sent.Store(r.MessageID, at)
				}
				done <- c
			}(c, now)
		}
	}()
	for i := 0; i < b.N; i++ {
		if c := <-done; c.Err != nil {
			b.Fatal(c.Err)
		}
	}
	for i := 0; i < b.N; i++ {
		<-receipts
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	pct := func(d []time.Duration, p float64) float64 {
		if len(d) == 0 {
			return 0
		}
		slices.Sort(d)
		return float64(d[int(float64(len(d)-1)*p)].Microseconds()) / 1000
	}
	mu.Lock()
	defer mu.Unlock()
	b.ReportMetric(pct(toDeliver, 0.5), "p50-deliver-ms")
	b.ReportMetric(pct(toDeliver, 0.99), "p99-deliver-ms")
	b.ReportMetric(pct(toReceipt, 0.5), "p50-receipt-ms")
	b.ReportMetric(pct(toReceipt, 0.99), "p99-receipt-ms")
}
