package store

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/smppstack/smpp/pdu"
)

// BenchmarkJetStreamAsyncPublish is the raw rate of the embedded file store:
// pipelined asynchronous publishes of 300-octet messages to the message
// stream, waiting for every acknowledgement (the ceiling for smscd).
func BenchmarkJetStreamAsyncPublish(b *testing.B) {
	st := benchStore(b)
	data := make([]byte, 300)
	subj := st.mtSubject("bench", "owner")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := nats.NewMsg(subj)
		m.Data = data
		if _, err := st.js.PublishMsgAsync(m); err != nil {
			b.Fatal(err)
		}
	}
	<-st.js.PublishAsyncComplete()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkEnqueue is smscd's accept path: encode a message record and store
// it (pipelined, as concurrent submit handlers do).
func BenchmarkEnqueue(b *testing.B) {
	st := benchStore(b)
	frame, _ := pdu.Marshal(1, 0, &pdu.SubmitSM{SourceAddr: "MyBank", DestinationAddr: "447700900123", ShortMessage: make([]byte, 160)})
	now := time.Now()
	m := &Message{Owner: "owner", Target: "bench", PDU: frame, Submitted: now, Expires: now.Add(time.Hour)}
	pend := make([]Pending, 0, 4096)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := st.EnqueueAsync(m)
		if err != nil {
			b.Fatal(err)
		}
		if pend = append(pend, p); len(pend) == cap(pend) {
			for _, p := range pend {
				if _, err := p.Wait(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			pend = pend[:0]
		}
	}
	for _, p := range pend {
		p.Wait(context.Background())
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func benchStore(b *testing.B) *Store {
	st, err := Open(context.Background(), Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}
