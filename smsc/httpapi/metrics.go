package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the API's own instruments plus a collector that reads the
// SMSC's counters at scrape time (Stats, Sessions, WebhookStats, QueueDepth,
// and PDUCounts when the backend has it).
type metrics struct {
	handler     http.Handler
	httpReqs    *prometheus.CounterVec
	httpDur     *prometheus.HistogramVec
	submitDur   prometheus.Histogram
	submitParts *prometheus.CounterVec
	authFail    *prometheus.CounterVec
}

func newMetrics(a *api, reg *prometheus.Registry) *metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m := &metrics{
		httpReqs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "smsc_http_requests_total", Help: "HTTP API requests by route and status code.",
		}, []string{"route", "code"}),
		httpDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "smsc_http_request_duration_seconds", Help: "HTTP API request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		submitDur: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "smsc_http_submit_duration_seconds", Help: "Latency of HTTP submissions, from the request to the stored message ids (submit to response).",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 2},
		}),
		submitParts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "smsc_http_submitted_parts_total", Help: "Message parts submitted over HTTP, by result.",
		}, []string{"result"}),
		authFail: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "smsc_http_auth_failures_total", Help: "Failed HTTP authentications by scheme.",
		}, []string{"scheme"}),
	}
	for _, c := range []prometheus.Collector{m.httpReqs, m.httpDur, m.submitDur, m.submitParts, m.authFail, &collector{a: a}} {
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				a.log.Error("httpapi: cannot register metrics", "err", err)
			}
		}
	}
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	return m
}

func (m *metrics) request(route string, code int, d time.Duration) {
	m.httpReqs.WithLabelValues(route, strconv.Itoa(code)).Inc()
	m.httpDur.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) submitted(d time.Duration, parts int, err error) {
	m.submitDur.Observe(d.Seconds())
	if parts > 0 {
		m.submitParts.WithLabelValues("accepted").Add(float64(parts))
	}
	if err != nil {
		m.submitParts.WithLabelValues("refused").Inc()
	}
}

func (m *metrics) authFailure(scheme string) { m.authFail.WithLabelValues(scheme).Inc() }

func (a *api) metricsHandler(w http.ResponseWriter, r *http.Request, _ principal) {
	a.m.handler.ServeHTTP(w, r)
}

var (
	descBinds       = prometheus.NewDesc("smsc_binds_total", "Successful SMPP binds on this node.", nil, nil)
	descFailedBinds = prometheus.NewDesc("smsc_bind_failures_total", "Refused SMPP binds on this node.", nil, nil)
	descSubmitted   = prometheus.NewDesc("smsc_messages_submitted_total", "Messages accepted (stored) on this node, SMPP and HTTP.", nil, nil)
	descDelivered   = prometheus.NewDesc("smsc_messages_delivered_total", "Messages delivered (to an ESME, a webhook or the simulated network) by this node.", nil, nil)
	descReceipts    = prometheus.NewDesc("smsc_receipts_delivered_total", "Delivery receipts delivered by this node.", nil, nil)
	descRetries     = prometheus.NewDesc("smsc_delivery_retries_total", "Delivery attempts that failed temporarily and were rescheduled.", nil, nil)
	descExpired     = prometheus.NewDesc("smsc_messages_expired_total", "Messages that expired undelivered.", nil, nil)
	descSessions    = prometheus.NewDesc("smsc_sessions", "Bound SMPP sessions on this node by bind mode.", []string{"mode"}, nil)
	descSessionPDUs = prometheus.NewDesc("smsc_session_pdus", "PDUs sent and received by the SMPP sessions bound now (resets as sessions close).", []string{"direction"}, nil)
	descQueue       = prometheus.NewDesc("smsc_queue_depth", "Messages waiting for delivery per target (account or network).", []string{"target"}, nil)
	descWHAttempts  = prometheus.NewDesc("smsc_webhook_attempts_total", "Webhook POST attempts by this node.", nil, nil)
	descWHDelivered = prometheus.NewDesc("smsc_webhook_delivered_total", "Webhook POSTs acknowledged with a 2xx.", nil, nil)
	descWHFailures  = prometheus.NewDesc("smsc_webhook_failures_total", "Webhook POSTs that failed (non-2xx, timeout, connection error) and will be retried.", nil, nil)
	descPDUs        = prometheus.NewDesc("smsc_pdus_total", "SMPP PDUs by direction, command and status.", []string{"direction", "command", "status"}, nil)
	descSMPPSubmit  = prometheus.NewDesc("smsc_smpp_submit_seconds", "Time from reading an SMPP submit (submit_sm, data_sm, submit_multi) to its answer being decided (stored or refused).", nil, nil)
	descScrapeErr   = prometheus.NewDesc("smsc_scrape_errors", "Errors reading SMSC state during this scrape (e.g. queue depths when the store is unreachable).", nil, nil)
)

// collector reads the SMSC at scrape time.
type collector struct{ a *api }

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descBinds, descFailedBinds, descSubmitted, descDelivered, descReceipts, descRetries,
		descExpired, descSessions, descSessionPDUs, descQueue, descWHAttempts, descWHDelivered, descWHFailures, descPDUs, descSMPPSubmit, descScrapeErr} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	b := c.a.b
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	s := b.Stats()
	counter(descBinds, s.Binds)
	counter(descFailedBinds, s.FailedBinds)
	counter(descSubmitted, s.Submitted)
	counter(descDelivered, s.Delivered)
	counter(descReceipts, s.Receipts)
	counter(descRetries, s.Retries)
	counter(descExpired, s.Expired)
	modes := map[string]float64{"tx": 0, "rx": 0, "trx": 0}
	var sent, recv uint64
	for _, x := range b.Sessions() {
		modes[x.Mode]++
		sent += x.Stats.Sent
		recv += x.Stats.Received
	}
	for m, n := range modes {
		gauge(descSessions, n, m)
	}
	gauge(descSessionPDUs, float64(sent), "out")
	gauge(descSessionPDUs, float64(recv), "in")
	ws := b.WebhookStats()
	counter(descWHAttempts, ws.Attempts)
	counter(descWHDelivered, ws.Delivered)
	counter(descWHFailures, ws.Failures)
	if pc, ok := b.(PDUCounter); ok {
		pc.PDUCounts(func(direction, command, status string, n uint64) {
			counter(descPDUs, n, direction, command, status)
		})
	}
	if sl, ok := b.(SubmitLatency); ok {
		n, sum, buckets := sl.SubmitLatency()
		ch <- prometheus.MustNewConstHistogram(descSMPPSubmit, n, sum, buckets)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	errs := 0
	for _, t := range c.a.queueTargets() {
		n, err := b.QueueDepth(ctx, t)
		if err != nil {
			errs++
			continue
		}
		gauge(descQueue, float64(n), t)
	}
	gauge(descScrapeErr, float64(errs))
}
