package projections_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"casework/domain/catalog"
	"casework/domain/value"
	"casework/eventstore"
	"casework/eventstore/pii"
	"casework/eventstore/sqlite"
	"casework/projections"
	"casework/projections/all"
	"casework/projections/caseload"
	"casework/projections/projtest"
	"casework/projections/viewq"
)

// benchCases sizes the benchmark log: about 15 events per case plus the
// stations' and the contract's (12 000 cases ≈ 200 000 events).
const benchCases = 12_000

var benchLog struct {
	once sync.Once
	dir  string
	err  error
}

// benchStore returns a store holding the benchmark log, generated once
// per process.
func benchStore(b *testing.B) *sqlite.Store {
	benchLog.once.Do(func() {
		benchLog.dir, benchLog.err = osMkdirTemp()
		if benchLog.err != nil {
			return
		}
		st, err := sqlite.Open(context.Background(), filepath.Join(benchLog.dir, "events.db"), sqlite.Options{Verify: sqlite.VerifyNone})
		if err != nil {
			benchLog.err = err
			return
		}
		defer st.Close()
		_, benchLog.err = projtest.New(st, projtest.Options{Counties: 4, StationsPerCounty: 10, Cases: benchCases}).Run(context.Background())
	})
	if benchLog.err != nil {
		b.Fatal(benchLog.err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(benchLog.dir, "events.db"), sqlite.Options{Verify: sqlite.VerifyNone})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkRebuild rebuilds every projection from the whole log, as
// `casework projections rebuild` does, and in the same run scans the same
// log with ReadAll, stripping and decoding every payload (the baseline):
// rebuild_events/s ÷ readall_events/s is the ratio to report. peak-heap-MB
// samples the heap during the rebuild.
func BenchmarkRebuild(b *testing.B) {
	store := benchStore(b)
	ctx := context.Background()
	head, _ := store.Head(ctx)
	reg := catalog.Registry()
	var scan, rebuild time.Duration
	var peak atomic.Uint64
	for i := range b.N {
		t0 := time.Now()
		n := 0
		for ev, err := range store.ReadAll(ctx, 0, eventstore.Filter{}) {
			if err != nil {
				b.Fatal(err)
			}
			def, _ := reg.Def(ev.Type)
			data, err := pii.Strip(ev.Data, def.Sensitive)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := reg.Decode(ev.Type, max(ev.Metadata.Schema, 1), data); err != nil {
				b.Fatal(err)
			}
			n++
		}
		scan += time.Since(t0)
		if uint64(n) != head {
			b.Fatalf("scanned %d of %d", n, head)
		}

		db, err := projections.OpenDB(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("views%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ms runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}()
		t1 := time.Now()
		r, err := projections.Open(ctx, db, store, reg, all.Defs(), projections.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Rebuild(ctx); err != nil {
			b.Fatal(err)
		}
		rebuild += time.Since(t1)
		close(stop)
		wg.Wait()
		if i == b.N-1 {
			viewQueries(b, r)
		}
		db.Close()
	}
	b.ReportMetric(float64(head), "events")
	b.ReportMetric(float64(head)*float64(b.N)/scan.Seconds(), "readall_events/s")
	b.ReportMetric(float64(head)*float64(b.N)/rebuild.Seconds(), "rebuild_events/s")
	b.ReportMetric(scan.Seconds()/rebuild.Seconds(), "ratio_to_readall")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
}

// viewQueries measures the p99 of the caseload queries a station and a
// county run, on the rebuilt read models.
func viewQueries(b *testing.B, r *projections.Runner) {
	ctx := context.Background()
	t, _ := r.Tables(caseload.Name)
	db := r.DB().Read()
	var stations []string
	rows, err := db.Query(`SELECT DISTINCT station_id FROM ` + t.Name("cases"))
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		stations = append(stations, s)
	}
	rows.Close()
	asOf := value.MustParseDate("2026-01-01")
	var lat []time.Duration
	for i := range 300 {
		scope := viewq.Scope{Units: stations[i%len(stations) : i%len(stations)+1]}
		if i%3 == 0 {
			scope = viewq.Scope{Units: stations[:10]} // a county
		}
		t0 := time.Now()
		if _, _, err := caseload.Cases(ctx, db, t, caseload.CaseFilter{Scope: scope, Overdue: "any", AsOf: asOf, Sort: "-next_review"}); err != nil {
			b.Fatal(err)
		}
		if _, err := caseload.Counts(ctx, db, t, caseload.CaseFilter{Scope: scope, AsOf: asOf}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "view-p99-ms")
}
