package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"casework/api/httpapi"
	"casework/api/service"
	"casework/cmd/casework/internal/demo"
	"casework/domain/casefile"
	"casework/eventstore"
	"casework/eventstore/kurrentdb"
	"casework/eventstore/sqlite"
)

// run serves the API as cfg says until ctx ends, then shuts down in order:
// stop accepting and finish in-flight requests (within ShutdownGrace),
// close the service, then the store. stdout receives the banner (the demo
// accounts); logs go to logw. listening, if not nil, is called with the
// bound address once the listener is open.
func run(ctx context.Context, cfg Config, stdout, logw io.Writer, listening func(net.Addr)) (err error) {
	log := cfg.logger(logw)
	standards, err := loadStandards(cfg.Standards)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	keyFile := cfg.SigningKeyFile
	if keyFile == "" {
		keyFile = filepath.Join(cfg.Data, "signing.key")
	}
	key, err := loadSigningKey(keyFile)
	if err != nil {
		return err
	}

	m := newMetrics()
	store, err := openStore(ctx, cfg, log, m)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := store.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close store: %w", cerr)
		}
		log.Info("store closed")
	}()

	stds := func() []casefile.MinimumLivingStandard { return standards }
	if cfg.Demo {
		res, err := demo.Seed(ctx, store, demo.Options{Standards: stds, Logger: log})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if res.Seeded {
			log.Info("demo data seeded", "events", res.Events, "cases", res.Cases, "took", res.Took.Round(time.Millisecond))
		} else {
			log.Info("demo data already present; nothing seeded")
		}
	}

	svc, err := service.New(store, service.Config{SigningKey: key, TokenTTL: cfg.TokenTTL, Logger: log, Metrics: m, Standards: stds})
	if err != nil {
		return err
	}
	defer func() {
		svc.Close()
		log.Info("service closed")
	}()
	pub, err := startLive(cfg, store, svc.Registry(), log, m)
	if err != nil {
		return err
	}
	defer pub.stop()
	api, err := httpapi.New(svc, httpapi.Config{Logger: log, Observe: m.Observe, Ready: svc.Ready, Metrics: m.Handler()})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	hs.RegisterOnShutdown(svc.CloseFeeds) // SSE streams never go idle
	log.Info("listening", "addr", ln.Addr().String(), "store", cfg.Store, "data", cfg.Data, "demo", cfg.Demo)
	if cfg.Demo {
		printBanner(stdout, ln.Addr())
	}
	go warnDemoData(ctx, svc, cfg.Demo, log)
	if listening != nil {
		listening(ln.Addr())
	}
	if err := httpapi.Serve(ctx, hs, func() error { return hs.Serve(ln) }, cfg.ShutdownGrace); err != nil {
		return err
	}
	log.Info("http server stopped")
	return nil
}

// openStore opens the configured event store.
func openStore(ctx context.Context, cfg Config, log *slog.Logger, m *metrics) (eventstore.Store, error) {
	switch cfg.Store {
	case storeKurrentDB:
		st, err := kurrentdb.Open(ctx, kurrentdb.Options{URL: cfg.KurrentDBURL, Logger: log.With("component", "kurrentdb")})
		if err != nil {
			return nil, err
		}
		return st, nil
	default:
		path := filepath.Join(cfg.Data, "events.db")
		st, err := sqlite.Open(ctx, path, sqlite.Options{Logger: log.With("component", "sqlite")})
		if err != nil {
			return nil, err
		}
		m.watchSQLite(st)
		return st, nil
	}
}

// warnDemoData warns when a node not in demo mode serves a store that
// holds the demo dataset, whose accounts have a published password.
func warnDemoData(ctx context.Context, svc *service.Service, demoMode bool, log *slog.Logger) {
	if demoMode || svc.WaitReady(ctx) != nil {
		return
	}
	if demo.Present(svc.Directory()) {
		log.Warn("this store holds the demo dataset; its accounts have the published password " + demo.Password)
	}
}

// printBanner lists the demo accounts.
func printBanner(w io.Writer, addr net.Addr) {
	fmt.Fprintf(w, "\ncasework demo on http://%s (password for every account: %s)\n\n", displayAddr(addr), demo.Password)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "username\trole\tname\torg unit")
	for _, a := range demo.Accounts() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Username, a.Role, a.DisplayName, a.UnitName)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

func displayAddr(addr net.Addr) string {
	ta, ok := addr.(*net.TCPAddr)
	if !ok || ta.IP.IsUnspecified() {
		if ok {
			return fmt.Sprintf("localhost:%d", ta.Port)
		}
		return addr.String()
	}
	return ta.String()
}
