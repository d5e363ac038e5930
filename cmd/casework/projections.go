package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"casework/domain/catalog"
	"casework/eventstore"
	"casework/projections"
	"casework/projections/all"
)

// viewsPath is the read-model database of a data directory.
func viewsPath(cfg Config) string { return filepath.Join(cfg.Data, "views.db") }

// startProjections opens views.db and runs every projection over store
// until ctx ends; wait blocks until the runner has stopped.
func startProjections(ctx context.Context, cfg Config, store eventstore.Store, log *slog.Logger, m *metrics) (run *projections.Runner, db *projections.DB, wait func(), err error) {
	db, err = projections.OpenDB(ctx, viewsPath(cfg))
	if err != nil {
		return nil, nil, nil, err
	}
	run, err = projections.Open(ctx, db, store, catalog.Registry(), all.Defs(), projections.Options{
		Logger: log.With("component", "projections"), Metrics: m.projectionBatch})
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	m.watchProjections(run)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := run.Run(ctx); err != nil {
			log.Error("projections stopped", "err", err)
		}
	}()
	return run, db, func() { <-done }, nil
}

// newProjectionsCmd is `casework projections status|rebuild`: they open the
// data directory directly (stop the node before a rebuild).
func newProjectionsCmd(getenv func(string) (string, bool)) *cobra.Command {
	cfg := defaultConfig()
	envErr := cfg.fromEnv(getenv)
	cmd := &cobra.Command{Use: "projections", Short: "Inspect and rebuild the read models (views.db in the data directory)"}
	cmd.PersistentFlags().StringVar(&cfg.Data, "data", cfg.Data, "data directory (CASEWORK_DATA)")
	cmd.PersistentFlags().StringVar(&cfg.Store, "store", cfg.Store, "event store: sqlite or kurrentdb (CASEWORK_STORE)")
	cmd.PersistentFlags().StringVar(&cfg.KurrentDBURL, "kurrentdb-url", cfg.KurrentDBURL, "KurrentDB connection string (CASEWORK_KURRENTDB_URL)")
	open := func(ctx context.Context) (eventstore.Store, *projections.DB, error) {
		if envErr != nil {
			return nil, nil, envErr
		}
		if err := cfg.validate(); err != nil {
			return nil, nil, err
		}
		store, err := openExistingStore(ctx, cfg)
		if err != nil {
			return nil, nil, err
		}
		db, err := projections.OpenDB(ctx, viewsPath(cfg))
		if err != nil {
			store.Close()
			return nil, nil, err
		}
		return store, db, nil
	}
	// openHead opens the store and the views, and reads the log's head.
	openHead := func(ctx context.Context) (eventstore.Store, *projections.DB, uint64, func(), error) {
		store, db, err := open(ctx)
		if err != nil {
			return nil, nil, 0, nil, err
		}
		closeAll := func() { db.Close(); store.Close() }
		head, err := store.Head(ctx)
		if err != nil {
			closeAll()
			return nil, nil, 0, nil, err
		}
		return store, db, head, closeAll, nil
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Show each projection's version, position, lag behind the log and failure",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			ctx, stdout := c.Context(), c.OutOrStdout()
			store, db, head, closeAll, err := openHead(ctx)
			if err != nil {
				return err
			}
			defer closeAll()
			run, err := projections.Open(ctx, db, store, catalog.Registry(), all.Defs(), projections.Options{})
			if err != nil {
				return err
			}
			return printStatus(stdout, run.Status(), head)
		},
	}
	rebuild := &cobra.Command{
		Use:   "rebuild [name...]",
		Short: "Rebuild projections (all when none is named) from the log into new tables, swapped in when caught up",
		RunE: func(c *cobra.Command, names []string) error {
			ctx, stdout := c.Context(), c.OutOrStdout()
			store, db, head, closeAll, err := openHead(ctx)
			if err != nil {
				return err
			}
			defer closeAll()
			bar := newProgress(stdout, head)
			run, err := projections.Open(ctx, db, store, catalog.Registry(), all.Defs(), projections.Options{Progress: bar.update})
			if err != nil {
				return err
			}
			if len(names) == 0 {
				names = all.Names()
			}
			// One reader feeds every named projection.
			bar.start(strings.Join(names, ","))
			if err := run.Rebuild(ctx, names...); err != nil {
				fmt.Fprintln(stdout)
				if errors.Is(err, projections.ErrUnknown) {
					return fmt.Errorf("%w (known: %v)", err, all.Names())
				}
				return err
			}
			bar.done()
			return printStatus(stdout, run.Status(), head)
		},
	}
	cmd.AddCommand(status, rebuild)
	return cmd
}

func printStatus(w io.Writer, st []projections.Status, head uint64) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "projection\tversion\tgeneration\tstate\tposition\tlag\tfailure\n")
	for _, s := range st {
		state := "serving"
		if s.Building {
			state = "building"
		}
		fail := ""
		if s.Failure != nil {
			fail = fmt.Sprintf("stopped at %d (%s %s): %s", s.Failure.Position, s.Failure.Stream, s.Failure.Type, s.Failure.Err)
		}
		lag := uint64(0)
		if head > s.Position {
			lag = head - s.Position
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%d\t%s\n", s.Name, s.Version, s.Gen, state, s.Position, lag, fail)
	}
	fmt.Fprintf(tw, "log head\t\t\t\t%d\t\t\n", head)
	return tw.Flush()
}

// progress draws one line per projection: a bar, events/s and the ETA.
type progress struct {
	w     io.Writer
	head  uint64
	name  string
	begin time.Time
	last  time.Time
	pos   uint64
}

func newProgress(w io.Writer, head uint64) *progress { return &progress{w: w, head: head} }

func (p *progress) start(name string) {
	p.name, p.begin, p.last, p.pos = name, time.Now(), time.Time{}, 0
}

func (p *progress) update(_ string, pos uint64, events int) {
	now := time.Now()
	if pos == p.pos || (now.Sub(p.last) < 200*time.Millisecond && pos < p.head) {
		return
	}
	p.last, p.pos = now, pos
	el := now.Sub(p.begin).Seconds()
	rate := float64(events) / max(el, 1e-3)
	frac := 1.0
	if p.head > 0 {
		frac = min(float64(pos)/float64(p.head), 1)
	}
	eta := time.Duration(0)
	if rate > 0 && pos < p.head {
		eta = time.Duration(float64(p.head-pos) / rate * float64(time.Second)).Round(time.Second)
	}
	const width = 30
	n := int(frac * width)
	bar := ""
	for i := range width {
		if i < n {
			bar += "#"
		} else {
			bar += "."
		}
	}
	fmt.Fprintf(p.w, "\r%s [%s] %3.0f%% %d/%d  %.0f events/s  ETA %s   ", p.name, bar, frac*100, pos, p.head, rate, eta)
}

func (p *progress) done() {
	fmt.Fprintf(p.w, "\r%s done in %s%60s\n", p.name, time.Since(p.begin).Round(time.Millisecond), "")
}
