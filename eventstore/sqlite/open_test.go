package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"casework/eventstore"
	"casework/eventstore/sqlite"
	"casework/eventstore/storetest"
)

// A file whose stored bytes were altered is refused on open, naming the
// first bad stream, revision and position.
func TestOpen_TamperedFile_Refused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s := mustOpenAt(t, path)
	stream := storetest.Stream("case")
	if _, err := s.Append(context.Background(), stream, eventstore.NoStream, storetest.Event(t, "A"), storetest.Event(t, "B")); err != nil {
		t.Fatal(err)
	}
	tamper(t, s, stream, 1)
	s.Close()
	_, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	var te *eventstore.TamperError
	if !errors.As(err, &te) || te.Stream != stream || te.Revision != 1 || te.Position != 2 {
		t.Fatalf("open of a tampered file: %v", err)
	}
	// An operator may still open it without verification, to investigate.
	s2, err := sqlite.Open(context.Background(), path, sqlite.Options{Verify: sqlite.VerifyNone})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.Verify(context.Background(), stream); !errors.As(err, &te) {
		t.Fatalf("verify: %v", err)
	}
}

// A file written by a newer schema is refused with a clear error, and left
// as it was.
func TestOpen_NewerSchema_Refused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	mustOpenAt(t, path).Close()
	db, err := sql.Open("sqlite", sqlite.DSN(path, false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = sqlite.Open(context.Background(), path, sqlite.Options{})
	if !errors.Is(err, sqlite.ErrNewerSchema) {
		t.Fatalf("open: %v", err)
	}
	db, _ = sql.Open("sqlite", sqlite.DSN(path, true))
	defer db.Close()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != 99 {
		t.Fatalf("user_version %d, %v", v, err)
	}
}

// Close releases every file it opened: no descriptor on the store's files
// stays open in the process, and the last connection's checkpoint removes
// the WAL, so that a closed store is one self-contained file.
func TestClose_ReleasesEveryFile_AndMergesTheWAL(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("needs /proc/self/fd to list open files")
	}
	dir := t.TempDir()
	open := func() (names []string) {
		fds, _ := os.ReadDir("/proc/self/fd")
		for _, f := range fds {
			if l, err := os.Readlink("/proc/self/fd/" + f.Name()); err == nil && filepath.Dir(l) == dir {
				names = append(names, filepath.Base(l))
			}
		}
		return names
	}
	s := mustOpenAt(t, filepath.Join(dir, "events.db"))
	stream := storetest.Stream("case")
	if _, err := s.Append(context.Background(), stream, eventstore.NoStream, storetest.Event(t, "A")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadStream(context.Background(), stream, eventstore.ReadStreamOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(open()) == 0 {
		t.Fatal("an open store holds no file: the check sees nothing")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if names := open(); len(names) > 0 {
		t.Fatalf("after Close the process still holds %v", names)
	}
	if _, err := os.Stat(filepath.Join(dir, "events.db-wal")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("after Close the WAL is still there: %v", err)
	}
}
