package smsc

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

// pduKey labels a PDU counter.
type pduKey struct {
	out    bool
	cmd    pdu.CommandID
	status pdu.Status
}

// pduCounters counts PDUs in and out by command and status (for
// /metrics), fed by the SMPP sessions' trace hooks.
type pduCounters struct{ m sync.Map } // pduKey → *atomic.Uint64

func (c *pduCounters) add(out bool, h pdu.Header) {
	k := pduKey{out, h.ID, h.Status}
	v, ok := c.m.Load(k)
	if !ok {
		v, _ = c.m.LoadOrStore(k, new(atomic.Uint64))
	}
	v.(*atomic.Uint64).Add(1)
}

func (s *Server) trace() *smpp.Trace {
	return &smpp.Trace{
		PDUReceived: func(_ *smpp.Session, h pdu.Header, _ pdu.PDU) { s.pdus.add(false, h) },
		PDUSent:     func(_ *smpp.Session, h pdu.Header, _ pdu.PDU) { s.pdus.add(true, h) },
	}
}

// PDUCounts reports this node's SMPP PDUs by direction ("in", "out"),
// command name and status name.
func (s *Server) PDUCounts(fn func(direction, command, status string, n uint64)) {
	s.pdus.m.Range(func(k, v any) bool {
		key := k.(pduKey)
		dir := "in"
		if key.out {
			dir = "out"
		}
		fn(dir, key.cmd.String(), key.status.String(), v.(*atomic.Uint64).Load())
		return true
	})
}

// latencyBuckets are the upper bounds (seconds) of the submit latency
// histogram.
var latencyBuckets = [...]float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5}

// histogram is a fixed-bucket latency histogram with lock-free updates.
type histogram struct {
	counts [len(latencyBuckets) + 1]atomic.Uint64
	sumNS  atomic.Uint64
}

func (h *histogram) observe(d time.Duration) {
	sec := d.Seconds()
	i := 0
	for i < len(latencyBuckets) && sec > latencyBuckets[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sumNS.Add(uint64(max(d, 0)))
}

// SubmitLatency reports the histogram of the time from reading a submit
// request (submit_sm, data_sm, submit_multi) to having it stored: the count,
// the sum in seconds and the cumulative count per upper bound (seconds).
func (s *Server) SubmitLatency() (count uint64, sum float64, buckets map[float64]uint64) {
	buckets = make(map[float64]uint64, len(latencyBuckets))
	var cum uint64
	for i, ub := range latencyBuckets {
		cum += s.submitLat.counts[i].Load()
		buckets[ub] = cum
	}
	cum += s.submitLat.counts[len(latencyBuckets)].Load()
	buckets[math.Inf(1)] = cum
	return cum, float64(s.submitLat.sumNS.Load()) / 1e9, buckets
}
