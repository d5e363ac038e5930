package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"casework/domain"
	"casework/eventstore"
)

// ErrFailed matches the error of a projection stopped by an event it could
// not apply (a *FailedError).
var ErrFailed = errors.New("projection failed")

// ErrUnknown is returned for a projection name no definition has.
var ErrUnknown = errors.New("unknown projection")

// FailedError says where and why a projection stopped.
type FailedError struct {
	Name     string
	Position uint64
	Stream   string
	Type     string
	Err      string
}

func (e *FailedError) Error() string {
	return fmt.Sprintf("projection %s stopped at position %d (%s %s): %s", e.Name, e.Position, e.Stream, e.Type, e.Err)
}

// Is makes errors.Is(err, ErrFailed) hold.
func (e *FailedError) Is(target error) bool { return target == ErrFailed }

// Options configure a Runner. The zero value is usable.
type Options struct {
	// MaxBatch bounds the events committed in one transaction while live
	// (default 2048).
	MaxBatch int
	// BuildBatch bounds them in a shadow build or rebuild, where larger
	// transactions write each page fewer times (default 8192, at least
	// MaxBatch).
	BuildBatch int
	Logger     *slog.Logger
	// Progress, if set, is called after every batch of a shadow build with
	// the projection, its position and the events applied so far.
	Progress func(name string, position uint64, events int)
	// Metrics, if set, receives every committed batch.
	Metrics func(events int, d time.Duration)
	// afterApply is a test hook called after each event applied in a
	// batch, inside the transaction.
	afterApply func(pos uint64)
}

// tracker is one generation of one projection and where it stands.
type tracker struct {
	def     Def
	gen     int
	version int
	t       Tables
	p       Projection // nil for a frozen generation of an old version
	pos     atomic.Uint64
	failure atomic.Pointer[FailedError]
	built   int // events applied during a shadow build
	// shadow is set while the generation is built apart (guarded by
	// Runner.writeMu).
	shadow bool
	// spoiled marks a shadow generation whose projection forgot what it
	// held back (Reset after a failed batch): its build must start over.
	spoiled bool
}

func (t *tracker) failed() *FailedError { return t.failure.Load() }

// Runner feeds the projections from the global log. Create it with Open,
// run it with Run; it is safe for concurrent use.
type Runner struct {
	db    *DB
	store eventstore.Store
	reg   *domain.Registry
	log   *slog.Logger
	opts  Options
	defs  map[string]Def
	preps []Def // those with a Prepare

	mu      sync.RWMutex
	active  map[string]*tracker // the generation that serves, by name
	live    []*tracker          // fed by the main reader
	shadows []*tracker          // being built

	running atomic.Bool
	pause   chan pauseReq
	wake    atomic.Pointer[chan struct{}]
	err     atomic.Pointer[error]
	// writeMu serializes the main reader's and the shadow builds'
	// transactions, so that a handover sees no batch in flight.
	writeMu sync.Mutex
}

type pauseReq struct {
	reply chan struct{}
	done  chan struct{}
}

// Open prepares the projections of defs over db: it creates missing
// tables, resumes each from its checkpoint, and plans a shadow build for
// each projection whose stored version differs from its definition (the
// old generation keeps serving until the new one is swapped in). Shadow
// builds left unfinished by an earlier run start again from 0.
// Errors: database errors; a duplicate definition name.
func Open(ctx context.Context, db *DB, store eventstore.Store, reg *domain.Registry, defs []Def, opts Options) (*Runner, error) {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 2048
	}
	if opts.BuildBatch <= 0 {
		opts.BuildBatch = 8192
	}
	opts.BuildBatch = max(opts.BuildBatch, opts.MaxBatch)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Runner{db: db, store: store, reg: reg, log: opts.Logger, opts: opts, defs: map[string]Def{},
		active: map[string]*tracker{}, pause: make(chan pauseReq)}
	ch := make(chan struct{})
	r.wake.Store(&ch)
	for _, d := range defs {
		if _, dup := r.defs[d.Name]; dup {
			return nil, fmt.Errorf("projections: %s defined twice", d.Name)
		}
		r.defs[d.Name] = d
		if d.Prepare != nil {
			r.preps = append(r.preps, d)
		}
		if err := r.load(ctx, d); err != nil {
			return nil, fmt.Errorf("projection %s: %w", d.Name, err)
		}
	}
	return r, nil
}

type stateRow struct {
	gen, version int
	pos          uint64
	active       bool
}

func (r *Runner) states(ctx context.Context, name string) ([]stateRow, error) {
	rows, err := r.db.w.QueryContext(ctx, `SELECT gen, version, position, active FROM projection_state WHERE name = ? ORDER BY gen`, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []stateRow
	for rows.Next() {
		var s stateRow
		if err := rows.Scan(&s.gen, &s.version, &s.pos, &s.active); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (r *Runner) load(ctx context.Context, d Def) error {
	rows, err := r.states(ctx, d.Name)
	if err != nil {
		return err
	}
	var act *stateRow
	maxGen := 0
	for i := range rows {
		maxGen = max(maxGen, rows[i].gen)
		if rows[i].active {
			act = &rows[i]
			continue
		}
		// An unfinished shadow build: start it again.
		if err := r.dropGen(ctx, d.Name, rows[i].gen); err != nil {
			return err
		}
	}
	switch {
	case act == nil:
		t, err := r.newGen(ctx, d, maxGen+1, true)
		if err != nil {
			return err
		}
		r.active[d.Name] = t
		r.live = append(r.live, t)
	case act.version == d.Version:
		t := r.tracker(d, act.gen, act.version, true)
		t.pos.Store(act.pos)
		if err := r.create(ctx, t); err != nil {
			return err
		}
		r.active[d.Name] = t
		r.live = append(r.live, t)
	default:
		old := r.tracker(d, act.gen, act.version, false)
		old.pos.Store(act.pos)
		r.active[d.Name] = old
		t, err := r.newGen(ctx, d, maxGen+1, false)
		if err != nil {
			return err
		}
		r.shadows = append(r.shadows, t)
		r.log.Info("projection version changed; rebuilding in shadow tables", "projection", d.Name,
			"from_version", act.version, "to_version", d.Version)
	}
	return nil
}

func (r *Runner) tracker(d Def, gen, version int, withCode bool) *tracker {
	t := &tracker{def: d, gen: gen, version: version, t: NewTables(d.Name, gen).WithVersion(version)}
	if withCode {
		t.p = d.New(t.t)
	}
	return t
}

// newGen creates the tables and the state row of a new generation.
func (r *Runner) newGen(ctx context.Context, d Def, gen int, active bool) (*tracker, error) {
	t := r.tracker(d, gen, d.Version, true)
	t.shadow = !active
	// A shadow generation gets its indexes when it is swapped in: a build
	// into bare tables is faster.
	if err := createTables(ctx, r.db.w, t, active); err != nil {
		return nil, err
	}
	_, err := r.db.w.ExecContext(ctx, `INSERT INTO projection_state (name, gen, version, position, active, updated_at) VALUES (?, ?, ?, 0, ?, ?)`,
		d.Name, gen, d.Version, active, time.Now().UnixNano())
	return t, err
}

func (r *Runner) create(ctx context.Context, t *tracker) error {
	return createTables(ctx, r.db.w, t, true)
}

// createTables runs the projection's schema, leaving out its CREATE INDEX
// statements unless indexes,
// through db (the database or a transaction).
func createTables(ctx context.Context, db execer, t *tracker, indexes bool) error {
	for _, q := range t.p.Schema() {
		if isIndex(q) && !indexes {
			continue
		}
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create tables: %w", err)
		}
	}
	return nil
}

func isIndex(stmt string) bool {
	return strings.HasPrefix(strings.ToUpper(strings.TrimSpace(stmt)), "CREATE INDEX")
}

// dropGen drops every table of a generation and its state row.
func (r *Runner) dropGen(ctx context.Context, name string, gen int) error {
	tx, err := r.db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := dropTables(ctx, tx, NewTables(name, gen)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM projection_state WHERE name = ? AND gen = ?`, name, gen); err != nil {
		return err
	}
	return tx.Commit()
}

// restart empties a spoiled shadow generation's tables and sets it back to
// position 0, so that its build starts over.
func (r *Runner) restart(ctx context.Context, t *tracker) error {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	if !t.spoiled {
		return nil
	}
	tx, err := r.db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := dropTables(ctx, tx, t.t); err != nil {
		return err
	}
	if err := createTables(ctx, tx, t, false); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE projection_state SET position = 0, updated_at = ? WHERE name = ? AND gen = ?`,
		time.Now().UnixNano(), t.def.Name, t.gen); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	t.p.Reset()
	t.pos.Store(0)
	t.built, t.spoiled = 0, false
	r.log.Info("shadow build starts over", "projection", t.def.Name, "generation", t.gen)
	return nil
}

func dropTables(ctx context.Context, tx *sql.Tx, t Tables) error {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?`, len(t.Prefix()), t.Prefix())
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	rows.Close()
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, `DROP TABLE "`+n+`"`); err != nil {
			return err
		}
	}
	return nil
}

// Run feeds the live projections and builds the shadow ones until ctx
// ends. It returns nil when ctx ends, or the error that stopped the
// reader (a projection's own failure stops only that projection).
func (r *Runner) Run(ctx context.Context) error {
	r.running.Store(true)
	defer r.running.Store(false)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	r.mu.RLock()
	shadows := append([]*tracker(nil), r.shadows...)
	r.mu.RUnlock()
	if len(shadows) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.build(ctx, shadows, true); err != nil && ctx.Err() == nil {
				r.log.Error("shadow build stopped", "err", err)
			}
		}()
	}
	err := r.runLive(ctx)
	cancel()
	wg.Wait()
	if err != nil && ctx.Err() == nil {
		r.fail(err)
		return err
	}
	return nil
}

func (r *Runner) fail(err error) {
	err = fmt.Errorf("projections: %w", err)
	r.log.Error("projection reader stopped", "err", err)
	r.err.Store(&err)
	r.broadcast()
}

func (r *Runner) broadcast() {
	ch := make(chan struct{})
	close(*r.wake.Swap(&ch))
}

type item struct {
	ev  *Event
	err error
}

// feed reads the log after from (catch-up, then live) in its own
// goroutine, stripping and decoding each event and running preps'
// Prepare on it before handing it over.
func (r *Runner) feed(ctx context.Context, from uint64, size int, preps []Def) <-chan item {
	ch := make(chan item, size)
	go func() {
		defer close(ch)
		for rec, err := range r.store.SubscribeAll(ctx, from, eventstore.Filter{}) {
			it := item{err: err}
			if err == nil {
				it.ev = newEvent(r.reg, rec)
				it.ev.decode()
				for _, d := range preps {
					it.ev.prep = append(it.ev.prep, prepared{d.Name, d.Prepare(it.ev)})
				}
			}
			select {
			case ch <- it:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

// next blocks for one event, then takes whatever more is ready, up to
// size. ok is false when the feed ended; err is the feed's error.
func (r *Runner) next(ctx context.Context, ch <-chan item, size int, pause <-chan pauseReq) (batch []*Event, req *pauseReq, err error) {
	select {
	case <-ctx.Done():
		return nil, nil, nil
	case p := <-pause:
		return nil, &p, nil
	case it, ok := <-ch:
		if !ok {
			return nil, nil, errors.New("the event feed ended")
		}
		if it.err != nil {
			return nil, nil, it.err
		}
		batch = append(batch, it.ev)
	}
	for len(batch) < size {
		select {
		case it, ok := <-ch:
			if !ok {
				return batch, nil, nil
			}
			if it.err != nil {
				return batch, nil, it.err
			}
			batch = append(batch, it.ev)
		default:
			return batch, nil, nil
		}
	}
	return batch, nil, nil
}

func (r *Runner) liveTrackers() []*tracker {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]*tracker(nil), r.live...)
}

func (r *Runner) runLive(ctx context.Context) error {
	// With nothing live yet (every projection is being rebuilt), wait for
	// a shadow to be handed over.
	for len(r.liveTrackers()) == 0 {
		select {
		case <-ctx.Done():
			return nil
		case req := <-r.pause:
			close(req.reply)
			<-req.done
		}
	}
	ts := r.liveTrackers()
	from := ts[0].pos.Load()
	for _, t := range ts[1:] {
		from = min(from, t.pos.Load())
	}
	// Every Prepare: a shadow swapped in later joins this feed.
	ch := r.feed(ctx, from, r.opts.MaxBatch, r.preps)
	for {
		batch, req, err := r.next(ctx, ch, r.opts.MaxBatch, r.pause)
		if ctx.Err() != nil {
			return nil
		}
		if req != nil {
			close(req.reply)
			<-req.done
			continue
		}
		if len(batch) > 0 {
			if cerr := r.commit(ctx, r.liveTrackers(), batch); cerr != nil {
				if ctx.Err() != nil {
					return nil
				}
				return cerr
			}
		}
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		}
	}
}

// commit applies batch to every tracker that has not seen its events, in
// one transaction. Live, each applies under its own savepoint: a tracker
// that fails is rolled back alone and stopped; the others commit. Shadow
// generations only (a build, which stops at any failure) share the
// transaction without savepoints, whose page copies cost a tenth of a
// rebuild: a failure rolls back the whole batch, stops the tracker that
// failed and spoils the others, whose builds start over.
func (r *Runner) commit(ctx context.Context, ts []*tracker, batch []*Event) error {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	start := time.Now()
	shadow := true
	for _, t := range ts {
		shadow = shadow && t.shadow
	}
	tx, err := r.db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	last := batch[len(batch)-1].Position
	type outcome struct {
		t    *tracker
		fail *FailedError
		n    int
	}
	var done []outcome
	spoil := func() {
		for _, o := range done {
			o.t.p.Reset()
			o.t.spoiled = o.t.shadow
		}
	}
	for _, t := range ts {
		if t.failed() != nil || t.pos.Load() >= last {
			continue
		}
		evs := batch
		for len(evs) > 0 && evs[0].Position <= t.pos.Load() {
			evs = evs[1:]
		}
		sp := `"sp_` + t.def.Name + `"`
		if !shadow {
			if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
				return err
			}
		}
		tctx := ctx
		if t.shadow {
			tctx = context.WithValue(ctx, shadowKey{}, true)
		}
		f := r.applyTo(tctx, tx, t, evs, last)
		done = append(done, outcome{t, f, len(evs)})
		if f != nil && shadow {
			if err := tx.Rollback(); err != nil {
				spoil()
				return err
			}
			spoil()
			if err := recordFailure(ctx, r.db.w, t, f); err != nil {
				return err
			}
			t.failure.Store(f)
			r.log.Error("projection stopped", "projection", t.def.Name, "position", f.Position, "err", f.Err)
			return nil
		}
		if f != nil {
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO "+sp); err != nil {
				return err
			}
			if err := recordFailure(ctx, tx, t, f); err != nil {
				return err
			}
		}
		if !shadow {
			if _, err := tx.ExecContext(ctx, "RELEASE "+sp); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		spoil()
		return fmt.Errorf("commit: %w", err)
	}
	for _, o := range done {
		if o.fail != nil {
			o.t.p.Reset()
			o.t.failure.Store(o.fail)
			r.log.Error("projection stopped", "projection", o.t.def.Name, "position", o.fail.Position, "err", o.fail.Err)
			continue
		}
		o.t.pos.Store(last)
		o.t.built += o.n
	}
	if r.opts.Metrics != nil {
		r.opts.Metrics(len(batch), time.Since(start))
	}
	r.broadcast()
	return nil
}

// execer is a database or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// recordFailure stores f, the failure of t, through db (the batch's
// transaction or, after a rollback, the database).
func recordFailure(ctx context.Context, db execer, t *tracker, f *FailedError) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	_, err := db.ExecContext(ctx, `UPDATE projection_state SET failed_position = ?, failed_error = ?, updated_at = ? WHERE name = ? AND gen = ?`,
		f.Position, f.Err, time.Now().UnixNano(), t.def.Name, t.gen)
	return err
}

// applyTo runs one tracker's part of a batch; nil on success.
func (r *Runner) applyTo(ctx context.Context, tx *sql.Tx, t *tracker, evs []*Event, last uint64) *FailedError {
	failAt := func(ev *Event, err error) *FailedError {
		// A row written late belongs to the event that made it.
		var ee *EventError
		if errors.As(err, &ee) && ee.Event != nil {
			ev = ee.Event
		}
		f := &FailedError{Name: t.def.Name, Err: err.Error()}
		if ev != nil {
			f.Position, f.Stream, f.Type = ev.Position, ev.Stream, ev.Type
		} else {
			f.Position = last
		}
		return f
	}
	if err := t.p.Begin(ctx, tx); err != nil {
		return failAt(nil, err)
	}
	for _, ev := range evs {
		if err := t.p.Apply(ev); err != nil {
			return failAt(ev, err)
		}
		if r.opts.afterApply != nil {
			r.opts.afterApply(ev.Position)
		}
	}
	if err := t.p.Flush(); err != nil {
		return failAt(nil, err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE projection_state SET position = ?, failed_position = NULL, failed_error = NULL, updated_at = ? WHERE name = ? AND gen = ?`,
		last, time.Now().UnixNano(), t.def.Name, t.gen)
	if err != nil {
		return failAt(nil, err)
	}
	return nil
}

// WaitFor blocks until projection name has applied every event up to
// position pos, ctx ends, or the projection (or the reader) fails.
// Errors: ErrUnknown; a *FailedError (ErrFailed); the reader's error;
// ctx's error.
func (r *Runner) WaitFor(ctx context.Context, name string, pos uint64) error {
	for {
		wake := *r.wake.Load()
		r.mu.RLock()
		t, ok := r.active[name]
		r.mu.RUnlock()
		if !ok {
			return fmt.Errorf("%w: %s", ErrUnknown, name)
		}
		if t.pos.Load() >= pos {
			return nil
		}
		if f := t.failed(); f != nil {
			return f
		}
		if e := r.err.Load(); e != nil {
			return *e
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Position returns the position the serving generation of name has
// applied, and false for an unknown name.
func (r *Runner) Position(name string) (uint64, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.active[name]
	if !ok {
		return 0, false
	}
	return t.pos.Load(), true
}

// Tables returns the tables of the generation of name that serves.
// Errors: ErrUnknown.
func (r *Runner) Tables(name string) (Tables, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.active[name]
	if !ok {
		return Tables{}, fmt.Errorf("%w: %s", ErrUnknown, name)
	}
	return t.t, nil
}

// DB returns the read-model database.
func (r *Runner) DB() *DB { return r.db }

// Status is where one generation of a projection stands.
type Status struct {
	Name     string       `json:"name"`
	Version  int          `json:"version"`
	Gen      int          `json:"generation"`
	Position uint64       `json:"position"`
	Active   bool         `json:"active"`
	Building bool         `json:"building"`
	Failure  *FailedError `json:"failure,omitempty"`
}

// Status lists every generation the runner knows, by name.
func (r *Runner) Status() []Status {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Status
	add := func(t *tracker, active, building bool) {
		out = append(out, Status{Name: t.def.Name, Version: t.version, Gen: t.gen, Position: t.pos.Load(),
			Active: active, Building: building, Failure: t.failed()})
	}
	for _, t := range r.active {
		add(t, true, false)
	}
	for _, t := range r.shadows {
		add(t, false, true)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Gen < out[j].Gen
	})
	return out
}

// Ready reports nil unless a projection or the reader has stopped on an
// error; the error names each projection, its position and the cause.
func (r *Runner) Ready() error {
	var msgs []string
	if e := r.err.Load(); e != nil {
		msgs = append(msgs, (*e).Error())
	}
	for _, s := range r.Status() {
		if s.Failure != nil {
			msgs = append(msgs, s.Failure.Error())
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "; "))
}
