package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"

	"casework/domain"
	"casework/eventstore"
	"casework/projections/publish"
)

// live is the publication of the log on NATS: the embedded server (unless
// an external one is configured) and the forwarder.
type live struct {
	srv    *publish.Server
	nc     *nats.Conn
	cancel context.CancelFunc
	done   chan error
}

// startLive starts what cfg asks for: nothing with --nats-url none; the
// embedded server (JetStream under <data>/nats) and the forwarder by
// default; the forwarder to an external cluster with --nats-url.
func startLive(cfg Config, store eventstore.Store, reg *domain.Registry, log *slog.Logger, m *metrics) (*live, error) {
	l := &live{}
	if cfg.NATSURL == "none" {
		log.Info("NATS publication off (--nats-url none)")
		return l, nil
	}
	var err error
	if cfg.NATSURL == "" {
		users, err := loadNATSUsers(cfg.NATSUsers)
		if err != nil {
			return nil, err
		}
		listen := cfg.NATSListen
		if listen == "none" {
			listen = ""
		}
		l.srv, err = publish.StartServer(publish.ServerConfig{Listen: listen, StoreDir: filepath.Join(cfg.Data, "nats"),
			Users: users, Logger: log.With("component", "nats")})
		if err != nil {
			return nil, err
		}
		if l.nc, err = l.srv.Connect(); err != nil {
			l.srv.Shutdown()
			return nil, fmt.Errorf("nats: %w", err)
		}
		log.Info("nats listening", "url", l.srv.ClientURL(), "county_users", len(users))
	} else {
		l.nc, err = nats.Connect(cfg.NATSURL, nats.Name("casework-forwarder"), nats.MaxReconnects(-1),
			nats.RetryOnFailedConnect(true), nats.ReconnectWait(time.Second))
		if err != nil {
			return nil, fmt.Errorf("nats %s: %w", cfg.NATSURL, err)
		}
	}
	fw, err := publish.New(store, l.nc, publish.Config{Replicas: cfg.NATSReplicas, Registry: reg,
		Checkpoint: publish.FileCheckpoint(filepath.Join(cfg.Data, "nats-forwarder.checkpoint")),
		Logger:     log.With("component", "forwarder")})
	if err != nil {
		l.stop()
		return nil, err
	}
	m.reg.MustRegister(&forwarderCollector{fw: fw, store: store})
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel, l.done = cancel, make(chan error, 1)
	go func() {
		err := fw.Run(ctx)
		if err != nil {
			log.Error("forwarder stopped", "err", err)
		}
		l.done <- err
	}()
	return l, nil
}

// stop ends the forwarder, then the connection and the server.
func (l *live) stop() {
	if l.cancel != nil {
		l.cancel()
		<-l.done
	}
	if l.nc != nil {
		l.nc.Close()
	}
	if l.srv != nil {
		l.srv.Shutdown()
	}
}

// loadNATSUsers reads the county programs' users: a JSON array of
// {"user", "password" (plain or bcrypt), "county" (org unit id)}.
func loadNATSUsers(path string) ([]publish.CountyUser, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("nats users: %w", err)
	}
	var users []publish.CountyUser
	if err := json.Unmarshal(b, &users); err != nil {
		return nil, fmt.Errorf("nats users %s: %w", path, err)
	}
	if len(users) == 0 {
		return nil, errors.New("nats users " + path + ": no user")
	}
	return users, nil
}

var (
	descFwdAcked       = prometheus.NewDesc("casework_nats_acked_position", "Global position up to which JetStream has acknowledged the log.", nil, nil)
	descFwdLag         = prometheus.NewDesc("casework_nats_lag_events", "Events appended to the log and not yet acknowledged by JetStream (head − acked).", nil, nil)
	descFwdPublished   = prometheus.NewDesc("casework_nats_published_total", "Events acknowledged by JetStream since start.", nil, nil)
	descFwdFailures    = prometheus.NewDesc("casework_nats_forwarder_failures_total", "Forwarder sessions ended by an error and reconciled.", nil, nil)
	descFwdRepublished = prometheus.NewDesc("casework_nats_republished_total", "Events JetStream had lost and the forwarder published again.", nil, nil)
)

// forwarderCollector reads the forwarder's counters and the log's head at
// every scrape.
type forwarderCollector struct {
	fw    *publish.Forwarder
	store eventstore.Store
}

func (c *forwarderCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descFwdAcked, descFwdLag, descFwdPublished, descFwdFailures, descFwdRepublished} {
		ch <- d
	}
}

func (c *forwarderCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.fw.Stats()
	ch <- prometheus.MustNewConstMetric(descFwdAcked, prometheus.GaugeValue, float64(s.Acked))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if head, err := c.store.Head(ctx); err == nil && head >= s.Acked {
		ch <- prometheus.MustNewConstMetric(descFwdLag, prometheus.GaugeValue, float64(head-s.Acked))
	}
	ch <- prometheus.MustNewConstMetric(descFwdPublished, prometheus.CounterValue, float64(s.Published))
	ch <- prometheus.MustNewConstMetric(descFwdFailures, prometheus.CounterValue, float64(s.Failures))
	ch <- prometheus.MustNewConstMetric(descFwdRepublished, prometheus.CounterValue, float64(s.Republished))
}
