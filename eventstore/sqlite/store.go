// Package sqlite is the embedded default event store: one SQLite file in
// WAL mode with synchronous=FULL, so that an acknowledged append survives
// power loss.
//
// One writer goroutine owns the write connection and commits whatever
// appends are queued as one transaction (group commit); each append is
// still checked on its own, so a conflict in one never fails its
// batch-mates. Stream heads (last revision and hash) are cached in the
// writer, so the expected-revision check costs no query. Readers use a
// separate pool of query-only connections. Positions are contiguous.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"casework/eventstore"
)

// Verification done by Open.
const (
	// VerifyFull recomputes every chain of the file before serving.
	VerifyFull = "full"
	// VerifyNone skips verification on open (use `casework audit verify`).
	VerifyNone = "none"
)

// Options configure a Store. The zero value is usable.
type Options struct {
	// Hash is the chain hash of a newly created file (default SHA-256).
	// An existing file keeps the hash it was created with, which must be
	// SHA-256 or one of KnownHashes.
	Hash        eventstore.ChainHash
	KnownHashes []eventstore.ChainHash
	// Verify is VerifyFull (default) or VerifyNone.
	Verify string
	// ReadConns bounds the read pool (default 4).
	ReadConns int
	// MaxBatch bounds the appends committed in one transaction (default 256).
	MaxBatch int
	// HeadCache bounds the streams whose head the writer keeps in memory
	// (default 100 000).
	HeadCache int
	Logger    *slog.Logger
}

// Store is the SQLite event store. Create it with Open.
type Store struct {
	path   string
	hash   eventstore.ChainHash
	log    *slog.Logger
	wdb    *sql.DB
	rdb    *sql.DB
	rq     readQueries
	reqs   chan *appendReq
	quit   chan struct{}
	wdone  chan struct{}
	closed atomic.Bool
	once   sync.Once
	// head is the position of the last committed event.
	head   atomic.Uint64
	notify atomic.Pointer[chan struct{}]
	// watchDone closes when the watcher of other processes' commits ends.
	watchDone chan struct{}
	w         *writer
	stats     struct{ commits, appends, events atomic.Uint64 }
	// pending counts the appends between validation and their answer.
	pending atomic.Int64
	// commitSeq is odd while the writer's COMMIT runs and its head is not
	// yet published, so that the watcher does not take this process's own
	// commits for another's.
	commitSeq atomic.Uint64
	// cats and types hold the last position of each stream category and
	// event type written since Open (openHead), so that a subscriber to a
	// few categories or types skips the read when a commit touched none of
	// them.
	catMu    sync.RWMutex
	cats     map[string]uint64
	types    map[string]uint64
	openHead uint64
	// queries holds the page statements of filtered reads.
	qmu     sync.Mutex
	queries map[string]*sql.Stmt
}

// Stats counts the writer's work since Open.
type Stats struct {
	// Commits is the number of transactions committed; Appends and Events
	// what they carried. Appends/Commits is the mean group-commit size.
	Commits, Appends, Events uint64
}

// Stats returns the writer's counters.
func (s *Store) Stats() Stats {
	return Stats{Commits: s.stats.commits.Load(), Appends: s.stats.appends.Load(), Events: s.stats.events.Load()}
}

// DSN returns the connection string used for path: WAL, synchronous=FULL,
// a busy timeout and immediate transactions.
func DSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(ON)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens or creates the event store file at path, migrates it, and,
// unless opts.Verify is VerifyNone, verifies every chain.
//
// Errors: ErrNewerSchema for a file written by a newer casework; an error
// matching eventstore.ErrTampered (a *TamperError with the first bad stream,
// revision and position) when verification fails; I/O errors.
func Open(ctx context.Context, path string, opts Options) (_ *Store, err error) {
	if opts.Hash.Name == "" {
		opts.Hash = eventstore.SHA256
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = 4
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	if opts.HeadCache <= 0 {
		opts.HeadCache = 100_000
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Verify == "" {
		opts.Verify = VerifyFull
	}
	if opts.Verify != VerifyFull && opts.Verify != VerifyNone {
		return nil, fmt.Errorf("open %s: verify must be %q or %q", path, VerifyFull, VerifyNone)
	}
	wdb, err := sql.Open("sqlite", DSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	wdb.SetConnMaxIdleTime(0)
	defer func() {
		if err != nil {
			wdb.Close()
		}
	}()
	conn, err := wdb.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			conn.Close()
		}
	}()
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if mode != "wal" {
		return nil, fmt.Errorf("open %s: journal mode is %q, want wal", path, mode)
	}
	hashName, err := migrate(ctx, conn, opts.Hash.Name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	h, ok := eventstore.LookupHash(hashName, append(opts.KnownHashes, opts.Hash)...)
	if !ok {
		return nil, fmt.Errorf("open %s: the file's chain hash %q is not available in this build", path, hashName)
	}
	rdb, err := sql.Open("sqlite", DSN(path, true))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	rdb.SetMaxOpenConns(opts.ReadConns + 1) // one is the watcher's
	rdb.SetMaxIdleConns(opts.ReadConns + 1)
	defer func() {
		if err != nil {
			rdb.Close()
		}
	}()
	s := &Store{
		path: path, hash: h, log: opts.Logger, wdb: wdb, rdb: rdb,
		reqs:  make(chan *appendReq, opts.MaxBatch*4),
		quit:  make(chan struct{}),
		wdone: make(chan struct{}),
	}
	ch := make(chan struct{})
	s.notify.Store(&ch)
	if err := s.rq.prepare(ctx, rdb); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var head sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT max(position) FROM events").Scan(&head); err != nil {
		return nil, fmt.Errorf("open %s: read head: %w", path, err)
	}
	s.head.Store(uint64(head.Int64))
	s.openHead = uint64(head.Int64)
	s.cats = map[string]uint64{}
	s.types = map[string]uint64{}
	if opts.Verify == VerifyFull {
		if err := s.VerifyAll(ctx); err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
	}
	w, err := newWriter(ctx, s, conn, opts)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	wconn, err := rdb.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.w = w
	go w.run()
	s.watchDone = make(chan struct{})
	go s.watch(wconn)
	return s, nil
}

// Path returns the file the store was opened on.
func (s *Store) Path() string { return s.path }

// HashAlgorithm names the chain hash recorded in the file.
func (s *Store) HashAlgorithm() string { return s.hash.Name }

// Head returns the position of the last committed event, 0 when empty.
// Another process's commits count from when this store notices them: at
// its next append, or within externalPoll.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	if s.closed.Load() {
		return 0, fmt.Errorf("head: %w", eventstore.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return s.head.Load(), nil
}

// Close waits for queued appends to commit, ends subscriptions and closes
// the file. Later calls return nil.
func (s *Store) Close() error {
	var err error
	s.once.Do(func() {
		s.closed.Store(true)
		close(s.quit)
		<-s.wdone
		<-s.watchDone
		s.rq.close()
		s.qmu.Lock()
		for _, st := range s.queries {
			st.Close()
		}
		s.qmu.Unlock()
		err = errors.Join(s.rdb.Close(), s.wdb.Close())
	})
	return err
}

// untouched reports whether no event that filter could match (none of
// its categories, or none of its types) was committed after position
// after (and up to the head), as far as the writer has recorded since
// Open.
func (s *Store) untouched(filter eventstore.Filter, after uint64) bool {
	if len(filter.Categories) == 0 && len(filter.Types) == 0 {
		return false
	}
	s.catMu.RLock()
	defer s.catMu.RUnlock()
	if after < s.openHead {
		return false
	}
	none := func(last map[string]uint64, names []string) bool {
		if len(names) == 0 {
			return false
		}
		for _, n := range names {
			if last[n] > after {
				return false
			}
		}
		return true
	}
	return none(s.cats, filter.Categories) || none(s.types, filter.Types)
}

// external records that another process committed up to position head:
// subscribers can no longer trust the per-category skip, and they are
// woken to read what was written.
func (s *Store) external(head uint64) {
	s.catMu.Lock()
	s.openHead = math.MaxUint64
	s.catMu.Unlock()
	if s.raiseHead(head) {
		s.wake()
	}
}

// raiseHead moves the committed head up to head, never down, and reports
// whether it moved.
func (s *Store) raiseHead(head uint64) bool {
	for {
		cur := s.head.Load()
		if head <= cur {
			return false
		}
		if s.head.CompareAndSwap(cur, head) {
			return true
		}
	}
}

// watch notices commits of other processes (polling SQLite's data_version
// on its own connection) so that subscribers see them without waiting for
// a local append.
func (s *Store) watch(conn *sql.Conn) {
	defer close(s.watchDone)
	defer conn.Close()
	ctx := context.Background()
	var last int64
	_ = conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&last)
	t := time.NewTicker(externalPoll)
	defer t.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-t.C:
		}
		// data_version also moves for this process's writer: a change is
		// another process's only if the log goes past the published head
		// while no local commit overlapped the look. Another process's
		// rows below a local commit are the writer's to notice
		// (syncExternal).
		seq := s.commitSeq.Load()
		var v int64
		if err := conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil || v == last {
			continue
		}
		var head sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT max(position) FROM events").Scan(&head); err != nil {
			continue
		}
		if seq%2 == 1 || s.commitSeq.Load() != seq {
			continue // look again at the next tick
		}
		last = v
		if uint64(head.Int64) > s.head.Load() {
			s.external(uint64(head.Int64))
		}
	}
}

// externalPoll is how often a store looks for other processes' commits.
const externalPoll = 250 * time.Millisecond

func (s *Store) wake() {
	ch := make(chan struct{})
	old := s.notify.Swap(&ch)
	close(*old)
}

// translate maps errors of the database layer after Close to ErrClosed.
func (s *Store) translate(op string, err error) error {
	if err == nil {
		return nil
	}
	if s.closed.Load() && !errors.Is(err, eventstore.ErrClosed) {
		return fmt.Errorf("%s: %w", op, eventstore.ErrClosed)
	}
	return fmt.Errorf("%s: %w", op, err)
}

var _ eventstore.Store = (*Store)(nil)
