package main

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"casework/eventstore"
	"casework/eventstore/sqlite"
	"casework/projections"
)

// metrics is the node's Prometheus registry: HTTP requests (via
// httpapi.Config.Observe), the application layer's appends, conflicts and
// retries (service.Metrics), and the SQLite writer's counters.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	appends   *prometheus.HistogramVec
	conflicts prometheus.Counter
	retries   prometheus.Counter
	// projection runner
	projEvents prometheus.Counter
	projBatch  prometheus.Histogram
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "casework_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "casework_http_request_duration_seconds", Help: "HTTP request duration by method and route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		appends: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "casework_append_duration_seconds", Help: "Event store append latency of commands, by outcome (ok, conflict, error).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"outcome"}),
		conflicts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "casework_append_conflicts_total", Help: "Appends refused because the stream moved on (wrong expected revision).",
		}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "casework_command_retries_total", Help: "Commands decided again on fresh state after a conflict.",
		}),
	}
	m.projEvents = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "casework_projection_events_total", Help: "Events applied by the projection runner's live and shadow readers.",
	})
	m.projBatch = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "casework_projection_batch_seconds", Help: "Duration of a projection batch transaction.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	})
	m.reg.MustRegister(m.requests, m.duration, m.appends, m.conflicts, m.retries, m.projEvents, m.projBatch,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Observe records one HTTP request (httpapi.Config.Observe).
func (m *metrics) Observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

// AppendDone implements service.Metrics.
func (m *metrics) AppendDone(d time.Duration, err error) {
	outcome := "ok"
	switch {
	case errors.Is(err, eventstore.ErrWrongExpectedRevision):
		outcome = "conflict"
		m.conflicts.Inc()
	case err != nil:
		outcome = "error"
	}
	m.appends.WithLabelValues(outcome).Observe(d.Seconds())
}

// Retried implements service.Metrics.
func (m *metrics) Retried() { m.retries.Inc() }

// Handler serves the registry in the Prometheus text format.
func (m *metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// watchSQLite exports the SQLite store's writer counters.
func (m *metrics) watchSQLite(st *sqlite.Store) {
	m.reg.MustRegister(&sqliteCollector{st: st})
}

var (
	descCommits = prometheus.NewDesc("casework_sqlite_commits_total", "Transactions committed by the SQLite writer (group commits).", nil, nil)
	descAppends = prometheus.NewDesc("casework_sqlite_appends_total", "Appends committed by the SQLite writer.", nil, nil)
	descEvents  = prometheus.NewDesc("casework_sqlite_events_total", "Events committed by the SQLite writer.", nil, nil)
)

// sqliteCollector reads sqlite.Store.Stats at every scrape.
type sqliteCollector struct{ st *sqlite.Store }

func (c *sqliteCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descCommits
	ch <- descAppends
	ch <- descEvents
}

func (c *sqliteCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.st.Stats()
	ch <- prometheus.MustNewConstMetric(descCommits, prometheus.CounterValue, float64(s.Commits))
	ch <- prometheus.MustNewConstMetric(descAppends, prometheus.CounterValue, float64(s.Appends))
	ch <- prometheus.MustNewConstMetric(descEvents, prometheus.CounterValue, float64(s.Events))
}

// projectionBatch records one committed batch of the projection runner.
func (m *metrics) projectionBatch(events int, d time.Duration) {
	m.projEvents.Add(float64(events))
	m.projBatch.Observe(d.Seconds())
}

// watchProjections exports each projection's position and failure.
func (m *metrics) watchProjections(r *projections.Runner) {
	m.reg.MustRegister(&projectionCollector{r: r})
}

var (
	descProjPosition = prometheus.NewDesc("casework_projection_position", "Global position the projection has applied, by projection and state (serving, building).", []string{"projection", "state"}, nil)
	descProjFailed   = prometheus.NewDesc("casework_projection_failed_position", "Position of the event a projection stopped on (0 while it runs).", []string{"projection"}, nil)
)

type projectionCollector struct{ r *projections.Runner }

func (c *projectionCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descProjPosition
	ch <- descProjFailed
}

func (c *projectionCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.r.Status() {
		state := "serving"
		if s.Building {
			state = "building"
		}
		ch <- prometheus.MustNewConstMetric(descProjPosition, prometheus.GaugeValue, float64(s.Position), s.Name, state)
		if !s.Building {
			f := 0.0
			if s.Failure != nil {
				f = float64(s.Failure.Position)
			}
			ch <- prometheus.MustNewConstMetric(descProjFailed, prometheus.GaugeValue, f, s.Name)
		}
	}
}
