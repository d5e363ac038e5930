package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"casework/eventstore"
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
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
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

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(tb testing.TB) eventstore.Store { return MustOpen(tb) },
		Reopen: func(tb testing.TB, s eventstore.Store) eventstore.Store {
			path := s.(*sqlite.Store).Path()
			if err := s.Close(); err != nil {
				tb.Fatal(err)
			}
			return mustOpenAt(tb, path)
		},
		Features: storetest.Features{
			ContiguousPositions:   true,
			CrossStreamDuplicates: true,
			Tamper:                tamper,
		},
	})
}
