package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/eventstore"
	"casework/eventstore/pii"
	"casework/eventstore/sqlite"
	"casework/eventstore/storetest"
)

// MustOpen opens a store in a fresh file under tb's temp dir.
func MustOpen(tb testing.TB) *sqlite.Store {
	tb.Helper()
	return mustOpenAt(tb, filepath.Join(tb.TempDir(), "events.db"))
}

func mustOpenAt(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	return mustOpenWith(tb, path, sqlite.Options{})
}

func mustOpenWith(tb testing.TB, path string, opts sqlite.Options) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), path, opts)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	return s
}

// tamper flips one byte of the stored data of an event through a separate
// connection, as someone with access to the file could.
func tamper(tb testing.TB, s eventstore.Store, stream string, revision uint64) {
	tb.Helper()
	db, err := sql.Open("sqlite", sqlite.DSN(s.(*sqlite.Store).Path(), false))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var data []byte
	if err := db.QueryRow(`SELECT data FROM events WHERE stream = ? AND revision = ?`, stream, revision).Scan(&data); err != nil {
		tb.Fatal(err)
	}
	data[len(data)/2] ^= 0x01
	if _, err := db.Exec(`UPDATE events SET data = ? WHERE stream = ? AND revision = ?`, data, stream, revision); err != nil {
		tb.Fatal(err)
	}
}

// TestConformance runs the suite once per crypto suite's chain hash:
// SHA-256 (intl) and SM3 (gm).
func TestConformance(t *testing.T) {
	for _, suite := range pii.Suites() {
		t.Run(suite.Name, func(t *testing.T) {
			opts := sqlite.Options{Hash: suite.Hash, KnownHashes: []eventstore.ChainHash{pii.SM3}}
			storetest.Run(t, storetest.Harness{
				New: func(tb testing.TB) eventstore.Store {
					s := mustOpenWith(tb, filepath.Join(tb.TempDir(), "events.db"), opts)
					if s.HashAlgorithm() != suite.Hash.Name {
						tb.Fatalf("hash = %s, want %s", s.HashAlgorithm(), suite.Hash.Name)
					}
					return s
				},
				Reopen: func(tb testing.TB, s eventstore.Store) eventstore.Store {
					path := s.(*sqlite.Store).Path()
					if err := s.Close(); err != nil {
						tb.Fatal(err)
					}
					// Reopened knowing both hashes but asking for the default:
					// the file's recorded hash wins.
					return mustOpenWith(tb, path, sqlite.Options{KnownHashes: []eventstore.ChainHash{pii.SM3}})
				},
				Features: storetest.Features{
					ContiguousPositions:   true,
					CrossStreamDuplicates: true,
					Tamper:                tamper,
				},
			})
		})
	}
}

// TestTwoProcesses_AppendsInterleave_NothingLostSubscribersSeeBoth opens
// the same file twice, as a server and the command line beside it would:
// appends from each see the other's (no stale head, no position clash),
// and a subscriber of one sees the other's events without a local append.
func TestTwoProcesses_AppendsInterleave_NothingLostSubscribersSeeBoth(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "events.db")
	a := mustOpenAt(t, path)
	defer a.Close()
	b := mustOpenAt(t, path)
	defer b.Close()

	stream := eventstore.StreamName("case", uuid.New())
	ev := func() eventstore.EventData {
		return eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: "T", Data: []byte(`{}`)}
	}
	if _, err := a.Append(ctx, stream, eventstore.NoStream, ev()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Append(ctx, stream, eventstore.Exact(0), ev()); err != nil {
		t.Fatalf("b appends after a: %v", err)
	}
	// a's cached head says revision 0: it must notice b's write.
	if _, err := a.Append(ctx, stream, eventstore.Exact(0), ev()); !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		t.Fatalf("stale expected revision on a: %v", err)
	}
	res, err := a.Append(ctx, stream, eventstore.Exact(1), ev())
	if err != nil || res.LastPosition != 3 {
		t.Fatalf("a appends at revision 2: %+v %v", res, err)
	}

	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	got := make(chan uint64, 8)
	go func() {
		for e, err := range a.SubscribeAll(sctx, 3, eventstore.Filter{Categories: []string{"client"}}) {
			if err != nil {
				close(got)
				return
			}
			got <- e.Position
		}
	}()
	if _, err := b.Append(ctx, eventstore.StreamName("client", uuid.New()), eventstore.NoStream, ev()); err != nil {
		t.Fatal(err)
	}
	select {
	case pos, ok := <-got:
		if !ok || pos != 4 {
			t.Fatalf("subscriber got %d (%v), want position 4", pos, ok)
		}
	case <-sctx.Done():
		t.Fatal("a's subscriber never saw b's append")
	}
	if err := a.VerifyAll(ctx); err != nil {
		t.Fatal(err)
	}
}
