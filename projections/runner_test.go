package projections_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"casework/domain/catalog"
	"casework/projections"
	"casework/projections/all"
	"casework/projections/caseload"
	"casework/projections/projtest"
)

// counter counts events per type; failOn makes it fail on a type.
type counter struct {
	projections.Base
	failOn string
	counts map[string]int
}

func counterDef(version int, failOn string) projections.Def {
	return projections.Def{Name: "counter", Version: version, New: func(t projections.Tables) projections.Projection {
		c := &counter{failOn: failOn, counts: map[string]int{}}
		c.T = t
		return c
	}}
}

func (c *counter) Schema() []string {
	return []string{`CREATE TABLE IF NOT EXISTS ` + c.T.Name("counts") + ` (type TEXT PRIMARY KEY, n INTEGER NOT NULL)`}
}

func (c *counter) Apply(ev *projections.Event) error {
	if ev.Type == c.failOn {
		return fmt.Errorf("cannot count %s", ev.Type)
	}
	c.counts[ev.Type]++
	return nil
}

func (c *counter) Flush() error {
	for t, n := range c.counts {
		if err := c.Exec(`INSERT INTO `+c.T.Name("counts")+` (type, n) VALUES (?, ?) ON CONFLICT (type) DO UPDATE SET n = n + excluded.n`, t, n); err != nil {
			return err
		}
	}
	clear(c.counts)
	return nil
}

func (c *counter) Reset() { clear(c.counts) }

func total(tb testing.TB, r *projections.Runner) int {
	tb.Helper()
	t, err := r.Tables("counter")
	if err != nil {
		tb.Fatal(err)
	}
	var n sql.NullInt64
	if err := r.DB().Read().QueryRow(`SELECT sum(n) FROM ` + t.Name("counts")).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return int(n.Int64)
}

func TestRunner_LiveAfterCatchUp_EqualsRebuild(t *testing.T) {
	dir := t.TempDir()
	store := projtest.OpenStore(t, dir)
	projtest.Generate(t, store, projtest.Options{Cases: 30, Seed: 1})
	defs := append(all.Defs(), counterDef(1, ""))
	names := append(all.Names(), "counter")
	r := projtest.Start(t, projtest.OpenViews(t, filepath.Join(dir, "views.db")), store, defs, projections.Options{MaxBatch: 64})
	projtest.WaitHead(t, r, store, names...)
	// More history while the runner is live.
	projtest.Generate(t, store, projtest.Options{Cases: 20, Seed: 2, Counties: 1, StationsPerCounty: 1})
	projtest.WaitHead(t, r, store, names...)
	head, _ := store.Head(context.Background())
	if got := total(t, r); got != int(head) {
		t.Fatalf("counted %d events, the log holds %d", got, head)
	}

	fresh := projtest.Start(t, projtest.OpenViews(t, filepath.Join(dir, "fresh.db")), store, defs, projections.Options{MaxBatch: 4096})
	projtest.WaitHead(t, fresh, store, names...)
	for _, n := range names {
		if a, b := projtest.Dump(t, r, n), projtest.Dump(t, fresh, n); a != b {
			t.Errorf("%s: incremental and rebuilt read models differ:\n%s\n---\n%s", n, a, b)
		}
	}
	if d := projtest.Dump(t, r, "caseload"); !strings.Contains(d, "in_service") {
		t.Errorf("no case in service:\n%s", d)
	}
}

func TestRunner_FailingEvent_StopsAndReportsWithoutSkipping(t *testing.T) {
	dir := t.TempDir()
	store := projtest.OpenStore(t, dir)
	projtest.Generate(t, store, projtest.Options{Cases: 10})
	db := projtest.OpenViews(t, filepath.Join(dir, "views.db"))
	defs := []projections.Def{caseload.Def(), counterDef(1, "ReferralRequested")}
	run := projtest.Start(t, db, store, defs, projections.Options{MaxBatch: 16})
	projtest.WaitHead(t, run, store, "caseload")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	head, _ := store.Head(ctx)
	err := run.WaitFor(ctx, "counter", head)
	var fe *projections.FailedError
	if !errors.As(err, &fe) || fe.Type != "ReferralRequested" || fe.Position == 0 {
		t.Fatalf("WaitFor = %v, want the failure at a ReferralRequested", err)
	}
	if err := run.Ready(); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("position %d", fe.Position)) {
		t.Errorf("Ready() = %v, want it to name position %d", err, fe.Position)
	}
	pos, _ := run.Position("counter")
	if pos >= fe.Position {
		t.Errorf("checkpoint %d passed the failing event at %d", pos, fe.Position)
	}
	if got := total(t, run); got != int(pos) {
		t.Errorf("counted %d events, checkpoint says %d", got, pos)
	}
	// The other projection went on.
	if p, _ := run.Position("caseload"); p != head {
		t.Errorf("caseload at %d, head %d", p, head)
	}
}

func TestReadModels_HoldNoSensitiveValue(t *testing.T) {
	dir := t.TempDir()
	store := projtest.OpenStore(t, dir)
	projtest.Generate(t, store, projtest.Options{Cases: 20})
	if found := projtest.FileHolds(t, filepath.Join(dir, "events.db"), projtest.Secrets); len(found) == 0 {
		t.Fatal("the event store holds none of the secrets: the test proves nothing")
	}
	path := filepath.Join(dir, "views.db")
	db := projtest.OpenViews(t, path)
	r := projtest.Start(t, db, store, all.Defs(), projections.Options{})
	projtest.WaitHead(t, r, store, all.Names()...)
	if found := projtest.FileHolds(t, path, projtest.Secrets); len(found) > 0 {
		t.Errorf("views.db holds sensitive values %q", found)
	}
	// Not even the keys of income figures: they exist only sealed.
	if found := projtest.FileHolds(t, path, []string{`"monthly_income"`, `"per_capita_monthly_income"`, `"income"`}); len(found) > 0 {
		t.Errorf("views.db holds income fields %q", found)
	}
}

func TestRunner_VersionBump_RebuildsInShadowThenSwaps(t *testing.T) {
	dir := t.TempDir()
	store := projtest.OpenStore(t, dir)
	projtest.Generate(t, store, projtest.Options{Cases: 20})
	path := filepath.Join(dir, "views.db")
	db := projtest.OpenViews(t, path)
	r1, err := projections.Open(context.Background(), db, store, catalog.Registry(), []projections.Def{counterDef(1, "")}, projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r1.Run(ctx) }()
	projtest.WaitHead(t, r1, store, "counter")
	cancel()
	<-done
	old, _ := r1.Tables("counter")
	oldTotal := total(t, r1)

	// Version 2: the old generation serves while the new one builds.
	var served []string
	var r2 *projections.Runner
	opts := projections.Options{MaxBatch: 32, Progress: func(name string, pos uint64, n int) {
		tb, _ := r2.Tables(name)
		served = append(served, tb.Prefix())
	}}
	r2, err = projections.Open(context.Background(), db, store, catalog.Registry(), []projections.Def{counterDef(2, "")}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if st := r2.Status(); len(st) != 2 || !st[1].Building || st[0].Version != 1 {
		t.Fatalf("status before run = %+v, want version 1 serving and version 2 building", st)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	go func() { _ = r2.Run(ctx2) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		tb, _ := r2.Tables("counter")
		if tb.Prefix() != old.Prefix() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the shadow generation was never swapped in")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(served) == 0 || served[0] != old.Prefix() {
		t.Errorf("during the build the views read %v, want the old generation %s", served, old.Prefix())
	}
	projtest.WaitHead(t, r2, store, "counter")
	if got := total(t, r2); got != oldTotal {
		t.Errorf("rebuilt total %d, old %d", got, oldTotal)
	}
	if d := projtest.DumpPrefix(t, db.Read(), old.Prefix()); d != "" {
		t.Errorf("old tables left behind:\n%s", d)
	}
	if st := r2.Status(); len(st) != 1 || st[0].Version != 2 || !st[0].Active {
		t.Errorf("status after swap = %+v", st)
	}
}

func TestRunner_RebuildWhileLive_EqualsIncremental(t *testing.T) {
	dir := t.TempDir()
	store := projtest.OpenStore(t, dir)
	projtest.Generate(t, store, projtest.Options{Cases: 40, Seed: 1})
	defs, names := all.Defs(), all.Names()
	// Small caches and batches: the shadow builds drop and write states
	// all along, and hold others across many batches.
	projections.SetCacheCap(8)
	t.Cleanup(func() { projections.SetCacheCap(0) })
	r := projtest.Start(t, projtest.OpenViews(t, filepath.Join(dir, "views.db")), store, defs, projections.Options{MaxBatch: 64, BuildBatch: 100})
	projtest.WaitHead(t, r, store, names...)
	before, _ := r.Tables("caseload")

	// The shadow build holds its folded states back until the swap, while
	// more history arrives and the live reader goes on.
	more := make(chan struct{})
	go func() {
		defer close(more)
		projtest.Generate(t, store, projtest.Options{Cases: 20, Seed: 2, Counties: 1, StationsPerCounty: 1})
	}()
	if err := r.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-more
	projtest.WaitHead(t, r, store, names...)
	if after, _ := r.Tables("caseload"); after.Prefix() == before.Prefix() {
		t.Fatalf("caseload still served from %s", before.Prefix())
	}

	fresh := projtest.Start(t, projtest.OpenViews(t, filepath.Join(dir, "fresh.db")), store, defs, projections.Options{MaxBatch: 50})
	projtest.WaitHead(t, fresh, store, names...)
	same := func(what string) {
		t.Helper()
		for _, n := range names {
			if a, b := projtest.Dump(t, r, n), projtest.Dump(t, fresh, n); a != b {
				t.Errorf("%s: %s: rebuilt and incremental read models differ:\n%s\n---\n%s", what, n, a, b)
			}
		}
	}
	same("rebuilt while history arrived")
	// Nothing arrives after this one: the swap alone writes what was held.
	if err := r.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	same("rebuilt on a quiet log")
}

func TestRebuild_OneProjectionFails_BuildStops_OthersStartOverCorrectly(t *testing.T) {
	dir := t.TempDir()
	store := projtest.OpenStore(t, dir)
	projtest.Generate(t, store, projtest.Options{Cases: 40, Seed: 3})
	projections.SetCacheCap(8)
	t.Cleanup(func() { projections.SetCacheCap(0) })
	defs := append(all.Defs(), counterDef(1, "ReferralRequested"))
	ctx := context.Background()
	db := projtest.OpenViews(t, filepath.Join(dir, "views.db"))
	r, err := projections.Open(ctx, db, store, catalog.Registry(), defs, projections.Options{MaxBatch: 16, BuildBatch: 50})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Rebuild(ctx)
	var fe *projections.FailedError
	if !errors.As(err, &fe) || fe.Name != "counter" || fe.Type != "ReferralRequested" {
		t.Fatalf("Rebuild = %v, want the counter's failure at a ReferralRequested", err)
	}
	// The failure is recorded and reported; the others' batch was rolled
	// back with it, and what they held back in memory is gone: their
	// builds start over.
	var failedAt sql.NullInt64
	if err := db.Read().QueryRow(`SELECT max(failed_position) FROM projection_state WHERE name = 'counter'`).Scan(&failedAt); err != nil ||
		uint64(failedAt.Int64) != fe.Position {
		t.Fatalf("recorded failure at %v (%v), want %d", failedAt, err, fe.Position)
	}
	if err := r.Rebuild(ctx, all.Names()...); err != nil {
		t.Fatal(err)
	}
	projections.SetCacheCap(0)
	fresh := projtest.Start(t, projtest.OpenViews(t, filepath.Join(dir, "fresh.db")), store, all.Defs(), projections.Options{})
	projtest.WaitHead(t, fresh, store, all.Names()...)
	for _, n := range all.Names() {
		if a, b := projtest.Dump(t, r, n), projtest.Dump(t, fresh, n); a != b {
			t.Errorf("%s: rebuilt after a failed build and built afresh differ:\n%s\n---\n%s", n, a, b)
		}
	}
}
