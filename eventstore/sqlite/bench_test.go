package sqlite_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/eventstore"
	"casework/eventstore/sqlite"
	"casework/eventstore/storetest"
)

// benchPool is a set of realistic payloads (300–600 B of data, ~200 B of
// metadata), made before timing starts; each appended event gets a new ID.
type benchPool struct {
	evs  []eventstore.EventData
	meta [][]byte
}

func newBenchPool(b *testing.B) *benchPool {
	p := &benchPool{}
	for range 64 {
		e := storetest.Event(b, "ServiceDelivered")
		m, _ := json.Marshal(e.Metadata)
		p.evs = append(p.evs, e)
		p.meta = append(p.meta, m)
	}
	return p
}

func (p *benchPool) event(i int) eventstore.EventData {
	e := p.evs[i%len(p.evs)]
	e.ID = uuid.Must(uuid.NewV7())
	return e
}

func reportRate(b *testing.B, events int, d time.Duration) {
	b.ReportMetric(float64(events)/d.Seconds(), "events/s")
}

func p99(lat []time.Duration) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	return lat[(len(lat)*99)/100]
}

// BenchmarkAppend: one event per append, W concurrent appenders on
// distinct streams with Exact expected revisions.
func BenchmarkAppend(b *testing.B) {
	for _, writers := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s := MustOpen(b)
			defer s.Close()
			pool := newBenchPool(b)
			b.ResetTimer()
			elapsed, lats := storetest.AppendConcurrently(b, s, writers, pool.event)
			b.StopTimer()
			reportRate(b, b.N, elapsed)
			b.ReportMetric(float64(p99(lats).Microseconds())/1000, "p99-ms")
			st := s.Stats()
			b.ReportMetric(float64(st.Appends)/float64(max(st.Commits, 1)), "appends/commit")
		})
	}
}

// BenchmarkRawInsert is the baseline: plain INSERTs of the same rows into
// the same schema with the same pragmas, from one goroutine, 1 or 16 per
// transaction. Rows go round robin to 16 streams, the layout of
// BenchmarkAppend/writers=16, because where rows land in the stream index
// decides how many pages a commit writes; streams=1 shows the friendlier
// layout of a single stream for reference.
func BenchmarkRawInsert(b *testing.B) {
	for _, c := range []struct {
		name         string
		per, streams int
	}{{"tx=1", 1, 16}, {"batch=16", 16, 16}, {"batch=16,streams=1", 16, 1}} {
		b.Run(c.name, func(b *testing.B) {
			raw := newRawInserter(b, c.per, c.streams)
			b.ResetTimer()
			elapsed := raw.run(b, b.N)
			b.StopTimer()
			reportRate(b, b.N, elapsed)
		})
	}
}

// BenchmarkAppendVsRaw measures BenchmarkAppend against its baseline
// BenchmarkRawInsert in turns of the same number of events, so that both
// see the same machine, and reports their ratio: measured seconds apart,
// a lone appender's ratio moves with the fsync latency of the moment.
func BenchmarkAppendVsRaw(b *testing.B) {
	for _, c := range []struct {
		name               string
		writers, per, turn int
	}{{"writers=1", 1, 1, 500}, {"writers=16", 16, 16, 2000}} {
		b.Run(c.name, func(b *testing.B) {
			s := MustOpen(b)
			defer s.Close()
			pool := newBenchPool(b)
			app := storetest.NewAppenders(s, c.writers)
			raw := newRawInserter(b, c.per, 16)
			var appendTime, rawTime time.Duration
			b.ResetTimer()
			for done := 0; done < b.N; done += c.turn {
				n := min(c.turn, b.N-done)
				t, _ := app.Run(b, n, pool.event)
				appendTime += t
				rawTime += raw.run(b, n)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/appendTime.Seconds(), "append-events/s")
			b.ReportMetric(float64(b.N)/rawTime.Seconds(), "raw-events/s")
			b.ReportMetric(rawTime.Seconds()/appendTime.Seconds(), "ratio")
		})
	}
}

// rawInserter is BenchmarkRawInsert's writer, kept between turns: plain
// INSERTs of the benchmark's rows, per to a transaction, round robin to
// its streams.
type rawInserter struct {
	db      *sql.DB
	stmt    *sql.Stmt
	pool    *benchPool
	hash    []byte
	streams []string
	per     int
	next    int // the index of the next row, over all runs
}

// rawDB creates a store's file at path, with its schema and pragmas, and
// opens it as a plain database on one connection.
func rawDB(b *testing.B, path string) *sql.DB {
	b.Helper()
	mustOpenAt(b, path).Close()
	db, err := sql.Open("sqlite", sqlite.DSN(path, false))
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return db
}

func newRawInserter(b *testing.B, per, streams int) *rawInserter {
	b.Helper()
	db := rawDB(b, filepath.Join(b.TempDir(), "events.db"))
	b.Cleanup(func() { db.Close() })
	r := &rawInserter{db: db, pool: newBenchPool(b), hash: make([]byte, 32), per: per}
	var err error
	rand.Read(r.hash)
	r.stmt, err = db.Prepare(`INSERT INTO events (id, stream, revision, type, data, metadata, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.stmt.Close() })
	for range streams {
		r.streams = append(r.streams, eventstore.StreamName("case", uuid.Must(uuid.NewV7())))
	}
	return r
}

// run inserts n rows and returns the time it took.
func (r *rawInserter) run(b *testing.B, n int) time.Duration {
	start := time.Now()
	for end := r.next + n; r.next < end; {
		tx, err := r.db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		st := tx.Stmt(r.stmt)
		for j := 0; j < r.per && r.next < end; j, r.next = j+1, r.next+1 {
			i := r.next
			e := r.pool.event(i)
			if _, err := st.Exec(e.ID[:], r.streams[i%len(r.streams)], i/len(r.streams), e.Type, []byte(e.Data), r.pool.meta[i%len(r.pool.meta)], time.Now().UnixNano(), r.hash); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// buildStore writes n events in 10-event streams, with valid chains, in
// large transactions, and returns the store and its stream names.
func buildStore(b *testing.B, n int) (*sqlite.Store, []string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "events.db")
	db := rawDB(b, path)
	pool := newBenchPool(b)
	var streams []string
	tx, _ := db.Begin()
	stmt, err := tx.Prepare(`INSERT INTO events (position, id, stream, revision, type, data, metadata, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UnixNano()
	var prev []byte
	var stream string
	for i := range n {
		rev := i % 10
		if rev == 0 {
			stream = eventstore.StreamName("case", uuid.Must(uuid.NewV7()))
			streams = append(streams, stream)
			prev = nil
		}
		e := pool.event(i)
		h := eventstore.SHA256.NextHash(prev, stream, uint64(rev), e.ID, e.Type, e.Data, &e.Metadata)
		if _, err := stmt.Exec(i+1, e.ID[:], stream, rev, e.Type, []byte(e.Data), pool.meta[i%len(pool.meta)], now, h); err != nil {
			b.Fatal(err)
		}
		prev = h
		if (i+1)%50_000 == 0 {
			stmt.Close()
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			tx, _ = db.Begin()
			stmt, _ = tx.Prepare(`INSERT INTO events (position, id, stream, revision, type, data, metadata, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		}
	}
	stmt.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	db.Close()
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Verify: sqlite.VerifyNone})
	if err != nil {
		b.Fatal(err)
	}
	return s, streams
}

// BenchmarkReadStream reads a random 10-event stream from stores of 10k
// and 1M events; compare the two for the effect of size.
func BenchmarkReadStream(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			s, streams := buildStore(b, n)
			defer s.Close()
			ctx := context.Background()
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				stream := streams[mrand.IntN(len(streams))]
				t0 := time.Now()
				evs, err := s.ReadStream(ctx, stream, eventstore.ReadStreamOptions{})
				lat = append(lat, time.Since(t0))
				if err != nil || len(evs) != 10 {
					b.Fatalf("read %s: %d events, %v", stream, len(evs), err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(p99(lat).Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkReadAll scans and decodes the whole log of a 200k-event store.
func BenchmarkReadAll(b *testing.B) {
	s, _ := buildStore(b, 200_000)
	defer s.Close()
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	read := 0
	for read < b.N {
		for _, err := range s.ReadAll(ctx, 0, eventstore.Filter{}) {
			if err != nil {
				b.Fatal(err)
			}
			read++
			if read == b.N {
				break
			}
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	reportRate(b, b.N, elapsed)
}
