package projections_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
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
	"casework/projections/audittrail"
	"casework/projections/caseload"
	"casework/projections/projtest"
	"casework/projections/viewq"
)

// benchCases sizes the default benchmark log: about 13 events per case
// plus the stations' and the contract's (12 000 cases ≈ 155 400 events).
const benchCases = 12_000

// benchEventsEnv asks for a log of about that many events instead
// (CASEWORK_BENCH_EVENTS=1000000); benchLogEnv names a directory that
// keeps the generated log between runs (it is reused when it holds one
// of the same size).
const (
	benchEventsEnv = "CASEWORK_BENCH_EVENTS"
	benchLogEnv    = "CASEWORK_BENCH_LOG"
)

var benchLog struct {
	once sync.Once
	dir  string
	temp bool
	err  error
}

// benchSize returns the number of cases to generate.
func benchSize() (int, error) {
	v := os.Getenv(benchEventsEnv)
	if v == "" {
		return benchCases, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1000 {
		return 0, fmt.Errorf("%s=%q: want a number of events ≥ 1000", benchEventsEnv, v)
	}
	return int(int64(n) * benchCases / 155_359), nil
}

// benchStore returns a store holding the benchmark log, generated once
// per process (or reused from CASEWORK_BENCH_LOG).
func benchStore(b *testing.B) *sqlite.Store {
	benchLog.once.Do(func() {
		cases, err := benchSize()
		if err != nil {
			benchLog.err = err
			return
		}
		if d := os.Getenv(benchLogEnv); d != "" {
			benchLog.dir = filepath.Join(d, fmt.Sprintf("cases-%d", cases))
		} else {
			benchLog.dir, benchLog.err = osMkdirTemp()
			benchLog.temp = true
			if benchLog.err != nil {
				return
			}
		}
		done := filepath.Join(benchLog.dir, "complete")
		if _, err := os.Stat(done); err == nil {
			return
		}
		if err := os.RemoveAll(benchLog.dir); err != nil {
			benchLog.err = err
			return
		}
		if err := os.MkdirAll(benchLog.dir, 0o755); err != nil {
			benchLog.err = err
			return
		}
		st, err := sqlite.Open(context.Background(), filepath.Join(benchLog.dir, "events.db"), sqlite.Options{Verify: sqlite.VerifyNone})
		if err != nil {
			benchLog.err = err
			return
		}
		defer st.Close()
		t0 := time.Now()
		w, err := projtest.New(st, projtest.Options{Counties: 4, StationsPerCounty: 10, Cases: cases}).Run(context.Background())
		if err != nil {
			benchLog.err = err
			return
		}
		b.Logf("generated %d events (%d cases) in %s", w.Events, cases, time.Since(t0).Round(time.Second))
		benchLog.err = os.WriteFile(done, nil, 0o644)
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
// log twice: with ReadAll alone (as eventstore/sqlite's BenchmarkReadAll)
// and with ReadAll stripping and decoding every payload as the runner
// does. rebuild_events/s ÷ readall_events/s is the ratio to report.
// peak-heap-MB samples the heap during the rebuild.
func BenchmarkRebuild(b *testing.B) {
	store := benchStore(b)
	ctx := context.Background()
	head, _ := store.Head(ctx)
	reg := catalog.Registry()
	var scan, decoded, rebuild time.Duration
	var peak atomic.Uint64
	for i := range b.N {
		t0 := time.Now()
		n := 0
		for _, err := range store.ReadAll(ctx, 0, eventstore.Filter{}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		scan += time.Since(t0)
		if uint64(n) != head {
			b.Fatalf("scanned %d of %d", n, head)
		}

		t0 = time.Now()
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
		}
		decoded += time.Since(t0)

		// Beside a kept log, the read models are kept too (for a look at
		// their queries); else they go with the run.
		path := filepath.Join(b.TempDir(), fmt.Sprintf("views%d.db", i))
		if !benchLog.temp {
			path = filepath.Join(benchLog.dir, "views.db")
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
					b.Fatal(err)
				}
			}
		}
		db, err := projections.OpenDB(ctx, path)
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
	b.ReportMetric(float64(head)*float64(b.N)/decoded.Seconds(), "decoded_events/s")
	b.ReportMetric(float64(head)*float64(b.N)/rebuild.Seconds(), "rebuild_events/s")
	b.ReportMetric(scan.Seconds()/rebuild.Seconds(), "ratio_to_readall")
	b.ReportMetric(decoded.Seconds()/rebuild.Seconds(), "ratio_to_decoded")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
}

// viewQueries measures the p99 of the caseload queries a station and a
// county run, and of the audit trail's first page for a county's auditor:
// all its events, one actor's, one stream's, one type's.
func viewQueries(b *testing.B, r *projections.Runner) {
	ctx := context.Background()
	t, _ := r.Tables(caseload.Name)
	at, _ := r.Tables(audittrail.Name)
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
	var last string
	if err := db.QueryRow(`SELECT max(opened_on) FROM ` + t.Name("cases")).Scan(&last); err != nil {
		b.Fatal(err)
	}
	asOf := value.MustParseDate(last)
	var streams, actors []string
	for _, q := range []struct {
		sql string
		out *[]string
	}{{`SELECT s.name FROM ` + at.Name("events") + ` e JOIN ` + at.Name("streams") + ` s ON s.id = e.stream
		WHERE e.revision = 0 ORDER BY e.position LIMIT 100`, &streams},
		{`SELECT name FROM ` + at.Name("names") + ` WHERE id IN (SELECT DISTINCT actor FROM ` + at.Name("events") + `) LIMIT 100`, &actors}} {
		rows, err := db.Query(q.sql)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			*q.out = append(*q.out, s)
		}
		rows.Close()
	}
	var lat, alat []time.Duration
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

		f := audittrail.Filter{Scope: viewq.Scope{Units: stations[:10]}}
		switch i % 4 {
		case 1:
			f.Actor = actors[i%len(actors)]
		case 2:
			f.Stream = streams[i%len(streams)]
		case 3:
			f.Type = []string{"CaseOpened", "CaseReopened", "ServiceDelivered", "ApprovalGranted"}[i/4%4]
		}
		t0 = time.Now()
		if _, _, _, err := audittrail.List(ctx, db, at, f); err != nil {
			b.Fatal(err)
		}
		alat = append(alat, time.Since(t0))
	}
	b.ReportMetric(p99(lat), "view-p99-ms")
	b.ReportMetric(p99(alat), "audit-p99-ms")
}

func p99(lat []time.Duration) float64 {
	slices.Sort(lat)
	return float64(lat[len(lat)*99/100].Microseconds()) / 1000
}
