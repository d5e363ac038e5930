package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

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
