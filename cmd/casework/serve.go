package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"text/tabwriter"
	"time"

	"casework/api/httpapi"
	"casework/api/service"
	"casework/api/views"
	"casework/cmd/casework/internal/demo"
	"casework/domain/casefile"
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
	m := newMetrics()
	dd, err := openDataDir(ctx, cfg, log, m)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := dd.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close data directory: %w", cerr)
		}
		log.Info("store closed")
	}()
	store := dd.Store
	keyFile := cfg.SigningKeyFile
	if keyFile == "" {
		keyFile = filepath.Join(cfg.Data, "signing.key")
	}
	key, err := loadSigningKey(keyFile)
	if err != nil {
		return err
	}

	stds := func() []casefile.MinimumLivingStandard { return standards }
	if cfg.Demo {
		res, err := demo.Seed(ctx, store, demo.Options{Standards: stds, Logger: log, Keys: dd.Keys})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if res.Seeded {
			log.Info("demo data seeded", "events", res.Events, "cases", res.Cases, "took", res.Took.Round(time.Millisecond))
		} else {
			log.Info("demo data already present; nothing seeded")
		}
	}

	svc, err := service.New(store, service.Config{SigningKey: key, TokenTTL: cfg.TokenTTL, Logger: log, Metrics: m, Standards: stds, Keys: dd.Keys})
	if err != nil {
		return err
	}
	defer func() {
		svc.Close()
		log.Info("service closed")
	}()
	pctx, stopProjections := context.WithCancel(context.WithoutCancel(ctx))
	run, vdb, waitProjections, err := startProjections(pctx, cfg, store, log, m)
	if err != nil {
		stopProjections()
		return err
	}
	defer func() {
		stopProjections()
		waitProjections()
		vdb.Close()
		log.Info("projections stopped")
	}()
	pub, err := startLive(cfg, store, svc.Registry(), log, m)
	if err != nil {
		return err
	}
	defer pub.stop()
	ready := func() error { return errors.Join(svc.Ready(), run.Ready()) }
	api, err := httpapi.New(svc, httpapi.Config{Logger: log, Observe: m.Observe, Ready: ready, Metrics: m.Handler(),
		Views: views.New(svc, run)})
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
	log.Info("listening", "addr", ln.Addr().String(), "store", cfg.Store, "data", cfg.Data, "crypto_suite", dd.Suite.Name, "demo", cfg.Demo)
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
