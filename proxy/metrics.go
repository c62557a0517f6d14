package proxy

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pretense/pretense/audit"
)

// metrics are the proxy's Prometheus collectors, in a registry of their
// own so several servers in one process (tests, replicas) do not collide.
// Labels are routes, outcomes, rule ids and status codes: never a user, a
// header or a value.
type metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	blocks       *prometheus.CounterVec
	mutations    prometheus.Counter
	upstream     *prometheus.CounterVec
	upLatency    *prometheus.HistogramVec
	streamDur    *prometheus.HistogramVec
	auditLatency prometheus.Histogram
	auditErrors  prometheus.Counter
	authFailures *prometheus.CounterVec
	inflight     prometheus.Gauge
	reloads      *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pretense_requests_total", Help: "Requests handled, by route and outcome (forwarded, blocked, failed).",
		}, []string{"route", "outcome"}),
		blocks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pretense_blocks_total", Help: "Blocked requests, by rule id that blocked them.",
		}, []string{"rule"}),
		mutations: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pretense_mutations_total", Help: "Identifiers replaced by synthetics in forwarded requests.",
		}),
		upstream: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pretense_upstream_responses_total", Help: "Upstream responses by route and HTTP status (status \"error\": no response).",
		}, []string{"route", "status"}),
		upLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "pretense_upstream_latency_seconds", Help: "Time from sending a request upstream to its response headers.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 12),
		}, []string{"route"}),
		streamDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "pretense_stream_duration_seconds", Help: "Duration of streamed (SSE) upstream responses, headers to end.",
			Buckets: prometheus.ExponentialBuckets(0.25, 2, 12),
		}, []string{"route"}),
		auditLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "pretense_audit_append_seconds", Help: "Time to append (and sync) one audit entry.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 14),
		}),
		auditErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pretense_audit_append_errors_total", Help: "Audit entries that could not be written.",
		}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pretense_auth_failures_total", Help: "Requests refused for a missing, invalid or revoked credential.",
		}, []string{"reason"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pretense_inflight_requests", Help: "Requests being handled now.",
		}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pretense_config_reloads_total", Help: "Configuration reloads (SIGHUP), by result.",
		}, []string{"result"}),
	}
	m.reg.MustRegister(m.requests, m.blocks, m.mutations, m.upstream, m.upLatency, m.streamDur,
		m.auditLatency, m.auditErrors, m.authFailures, m.inflight, m.reloads,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// meteredSink counts every entry the exchange appends (one per request, at
// its end) and times the append. With no sink configured it only counts.
type meteredSink struct {
	inner audit.Sink
	m     *metrics
	bad   atomic.Bool // the last append failed: /ready says so
}

func (s *meteredSink) Append(e audit.Entry) error {
	route := e.Route
	if route == "" {
		route = "unknown"
	}
	s.m.requests.WithLabelValues(route, e.Outcome).Inc()
	if e.Outcome == audit.OutcomeBlocked {
		for _, r := range e.Rules {
			s.m.blocks.WithLabelValues(r).Inc()
		}
	}
	if e.Outcome == audit.OutcomeForwarded {
		s.m.mutations.Add(float64(e.Mutations))
	}
	if s.inner == nil {
		return nil
	}
	start := time.Now()
	err := s.inner.Append(e)
	s.m.auditLatency.Observe(time.Since(start).Seconds())
	s.bad.Store(err != nil)
	if err != nil {
		s.m.auditErrors.Inc()
	}
	return err
}

// meteredTransport times upstream requests to their headers, counts their
// statuses and, for event streams, how long the stream lasted.
type meteredTransport struct {
	inner http.RoundTripper
	m     *metrics
}

type routeLabelKey struct{}

func (t *meteredTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	route, _ := r.Context().Value(routeLabelKey{}).(string)
	if route == "" {
		route = "unknown"
	}
	start := time.Now()
	resp, err := t.inner.RoundTrip(r)
	if err != nil {
		t.m.upstream.WithLabelValues(route, "error").Inc()
		return nil, err
	}
	t.m.upLatency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	t.m.upstream.WithLabelValues(route, strconv.Itoa(resp.StatusCode)).Inc()
	if strings.HasPrefix(strings.ToLower(resp.Header.Get("Content-Type")), "text/event-stream") {
		resp.Body = &timedBody{ReadCloser: resp.Body, start: time.Now(), obs: t.m.streamDur.WithLabelValues(route)}
	}
	return resp, nil
}

// CloseIdleConnections passes through, so Server.Close still works.
func (t *meteredTransport) CloseIdleConnections() {
	if c, ok := t.inner.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

type timedBody struct {
	io.ReadCloser
	start time.Time
	obs   prometheus.Observer
	done  atomic.Bool
}

func (b *timedBody) Close() error {
	if b.done.CompareAndSwap(false, true) {
		b.obs.Observe(time.Since(b.start).Seconds())
	}
	return b.ReadCloser.Close()
}

// withRouteLabel tags a request's context with its metrics route label,
// which the upstream request inherits.
func withRouteLabel(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), routeLabelKey{}, routeName(r.URL.Path)))
}
