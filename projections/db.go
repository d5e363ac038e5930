package projections

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// DB is the read-model database: one writer connection (the runner's) and a
// pool of query-only connections for the views.
type DB struct {
	path string
	w    *sql.DB
	r    *sql.DB
	ck   *sql.DB
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// dsn is the connection string of the read-model file. synchronous=NORMAL
// suffices: a lost last transaction loses rows and checkpoint together, and
// the runner reads those events again.
func dsn(path string, c conn) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "cache_size(-65536)")
	q.Add("_pragma", "mmap_size(1073741824)")
	q.Add("_pragma", "temp_store(MEMORY)")
	switch c {
	case connRead:
		q.Add("_pragma", "query_only(1)")
	case connWrite:
		q.Set("_txlock", "immediate")
		// Index builds at a swap sort with a helper thread. The
		// checkpointer copies the WAL into the file beside the writer;
		// the writer checkpoints itself only when the WAL reaches 256 MB.
		q.Add("_pragma", "threads(2)")
		q.Add("_pragma", "wal_autocheckpoint(65536)")
	}
	return "file:" + path + "?" + q.Encode()
}

// conn is what a connection of the read-model database is for.
type conn int

const (
	connRead conn = iota
	connWrite
	connCheckpoint
)

// checkpointEvery is how often the checkpointer copies the WAL into the
// database file.
const checkpointEvery = 200 * time.Millisecond

// checkpoint copies committed WAL frames into the database file every
// checkpointEvery, on its own connection, without waiting for readers or
// the writer (a passive checkpoint): the writer's commits neither copy
// pages nor wait for the file's fsync, which a checkpoint ends with.
// A failed attempt is tried again at the next tick; the writer's own
// checkpoint at 256 MB of WAL is the backstop.
func (d *DB) checkpoint() {
	defer close(d.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-t.C:
		}
		var busy, frames, copied int
		_ = d.ck.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied)
	}
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
	w, err := sql.Open("sqlite", dsn(path, connWrite))
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
	r, err := sql.Open("sqlite", dsn(path, connRead))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open views %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	ck, err := sql.Open("sqlite", dsn(path, connCheckpoint))
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("open views %s: %w", path, err)
	}
	ck.SetMaxOpenConns(1)
	d := &DB{path: path, w: w, r: r, ck: ck, stop: make(chan struct{}), done: make(chan struct{})}
	go d.checkpoint()
	return d, nil
}

// Read returns the query-only pool the views read from.
func (d *DB) Read() *sql.DB { return d.r }

// Path is the file the database was opened on.
func (d *DB) Path() string { return d.path }

// Close stops the checkpointer and closes the pools; the writer's is
// closed last, and checkpoints what is left.
func (d *DB) Close() error {
	d.once.Do(func() { close(d.stop) })
	<-d.done
	d.ck.Close()
	rerr := d.r.Close()
	if err := d.w.Close(); err != nil {
		return err
	}
	return rerr
}
