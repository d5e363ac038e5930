package projections

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// DB is the read-model database: one writer connection (the runner's) and a
// pool of query-only connections for the views.
type DB struct {
	path string
	w    *sql.DB
	r    *sql.DB
}

// dsn is the connection string of the read-model file. synchronous=NORMAL
// suffices: a lost last transaction loses rows and checkpoint together, and
// the runner reads those events again.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "cache_size(-65536)")
	q.Add("_pragma", "mmap_size(1073741824)")
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
		// Index builds at a swap sort with a helper thread; the WAL is
		// checkpointed every 32 MB rather than 4, so that pages written
		// by many batches reach the file fewer times.
		q.Add("_pragma", "threads(2)")
		q.Add("_pragma", "wal_autocheckpoint(8192)")
	}
	return "file:" + path + "?" + q.Encode()
}

const stateSchema = `CREATE TABLE IF NOT EXISTS projection_state (
	name            TEXT    NOT NULL,
	gen             INTEGER NOT NULL,
	version         INTEGER NOT NULL,
	position        INTEGER NOT NULL DEFAULT 0,
	active          INTEGER NOT NULL DEFAULT 0,
	failed_position INTEGER,
	failed_error    TEXT,
	updated_at      INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (name, gen)
)`

// OpenDB opens or creates the read-model database at path.
// Errors: I/O errors, or a file that is not SQLite.
func OpenDB(ctx context.Context, path string) (*DB, error) {
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open views %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if _, err := w.ExecContext(ctx, stateSchema); err != nil {
		w.Close()
		return nil, fmt.Errorf("open views %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open views %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	return &DB{path: path, w: w, r: r}, nil
}

// Read returns the query-only pool the views read from.
func (d *DB) Read() *sql.DB { return d.r }

// Path is the file the database was opened on.
func (d *DB) Path() string { return d.path }

// Close closes both pools.
func (d *DB) Close() error {
	rerr := d.r.Close()
	if err := d.w.Close(); err != nil {
		return err
	}
	return rerr
}
