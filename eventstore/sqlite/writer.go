package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/google/uuid"

	"casework/eventstore"
)

type appendReq struct {
	ctx      context.Context
	stream   string
	expected eventstore.ExpectedRevision
	events   []eventstore.EventData
	meta     [][]byte // metadata JSON, encoded by the caller's goroutine
	// occurredSet tells which events came with their own occurred_at; the
	// others got the time of the call, which a retry cannot repeat.
	occurredSet []bool
	// at is when Append was called (monotonic), to tell how long its
	// appender took to come back after its previous answer.
	at   time.Time
	done chan appendRes
}

type appendRes struct {
	res eventstore.AppendResult
	err error
}

// streamHead is the last revision (-1: no stream) and hash of a stream.
type streamHead struct {
	rev  int64
	hash []byte
}

// writer owns the write connection. Only its goroutine touches it.
type writer struct {
	s        *Store
	conn     *sql.Conn
	max      int
	cacheMax int
	heads    map[string]streamHead
	// batch overlays heads written in the open transaction.
	batch map[string]streamHead
	pos   uint64 // last position assigned (committed or in the open tx)
	// dataVersion is SQLite's data_version of the write connection as of
	// its last transaction: it changes when another process commits.
	dataVersion int64
	peak        float64 // appends in recent commits, the largest decaying
	// answered holds the streams of appends answered within the last
	// w.within(), and when; an append on one of them is most likely its
	// appender coming back (see linger).
	answered map[string]time.Time
	back     float64 // share of answered appenders that came back within w.within(), averaged
	ret      float64 // how long those took to come back, in nanoseconds, averaged
	took     float64 // how long a commit takes, in nanoseconds, averaged

	insert, headQ, byID, byRange *sql.Stmt
}

func newWriter(ctx context.Context, s *Store, conn *sql.Conn, opts Options) (*writer, error) {
	w := &writer{s: s, conn: conn, max: opts.MaxBatch, cacheMax: opts.HeadCache,
		heads: map[string]streamHead{}, batch: map[string]streamHead{}, pos: s.head.Load(),
		answered: map[string]time.Time{}}
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = conn.PrepareContext(ctx, q)
		return st
	}
	w.insert = prep(`INSERT INTO events (position, id, stream, revision, type, data, metadata, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	w.headQ = prep(`SELECT revision, hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1`)
	w.byID = prep(`SELECT stream, revision, position FROM events WHERE id = ?`)
	w.byRange = prep(`SELECT id, type, data, metadata, position, recorded_at FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
	if err == nil {
		err = conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&w.dataVersion)
	}
	if err != nil {
		return nil, fmt.Errorf("prepare writer: %w", err)
	}
	return w, nil
}

// closeStatements finalizes the writer's statements before its connection
// closes.
func (w *writer) closeStatements() {
	for _, st := range []*sql.Stmt{w.insert, w.headQ, w.byID, w.byRange} {
		st.Close()
	}
}

// Append implements eventstore.Store.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if s.closed.Load() {
		return eventstore.AppendResult{}, fmt.Errorf("append %s: %w", stream, eventstore.ErrClosed)
	}
	if err := eventstore.ValidateAppend(stream, expected, events); err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("append %s: %w", stream, err)
	}
	r := &appendReq{ctx: ctx, stream: stream, expected: expected, done: make(chan appendRes, 1),
		events: make([]eventstore.EventData, len(events)), meta: make([][]byte, len(events)),
		occurredSet: make([]bool, len(events)), at: time.Now()}
	now := r.at.UTC()
	for i, e := range events {
		r.occurredSet[i] = !e.Metadata.OccurredAt.IsZero()
		if !r.occurredSet[i] {
			e.Metadata.OccurredAt = now
		}
		e.Metadata.OccurredAt = e.Metadata.OccurredAt.UTC()
		m, err := eventstore.EncodeMetadata(&e.Metadata)
		if err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("append %s: encode metadata: %w", stream, err)
		}
		r.events[i], r.meta[i] = e, m
	}
	s.pending.Add(1)
	defer s.pending.Add(-1)
	select {
	case s.reqs <- r:
	case <-s.quit:
		return eventstore.AppendResult{}, fmt.Errorf("append %s: %w", stream, eventstore.ErrClosed)
	case <-ctx.Done():
		return eventstore.AppendResult{}, fmt.Errorf("append %s: %w", stream, ctx.Err())
	}
	// Once queued, the append is committed or refused by the writer even if
	// ctx ends meanwhile, so the caller learns the outcome unless the store
	// closes underneath.
	select {
	case res := <-r.done:
		return res.res, res.err
	case <-s.wdone:
		select {
		case res := <-r.done:
			return res.res, res.err
		default:
			return eventstore.AppendResult{}, fmt.Errorf("append %s: %w", stream, eventstore.ErrClosed)
		}
	}
}

func (w *writer) run() {
	defer close(w.s.wdone)
	defer w.conn.Close()
	defer w.closeStatements()
	batch := make([]*appendReq, 0, w.max)
	for {
		select {
		case r := <-w.s.reqs:
			batch = w.take(batch[:0], r)
		case <-w.s.quit:
			// Finish what was queued before Close.
			for {
				select {
				case r := <-w.s.reqs:
					w.commit([]*appendReq{r})
				default:
					return
				}
			}
		}
		batch = w.fill(batch)
		// Appenders answered by the last commit may still be on their way
		// back with their next append; a few yields let them join this
		// commit rather than wait a whole fsync for the next one.
		for range 3 {
			if int(w.s.pending.Load()) <= len(batch) || len(batch) >= w.max {
				break
			}
			runtime.Gosched()
			batch = w.fill(batch)
		}
		batch = w.linger(batch)
		// peak follows the largest recent commit, decaying slowly, so that
		// a commit waits for as many appenders as were recently active.
		w.peak = max(w.peak-w.peak/32, float64(len(batch)))
		w.commit(batch)
		clear(batch)
		// The appenders just answered are runnable on this P; let them
		// queue their next appends so that the next commit carries them
		// instead of a lone early one.
		runtime.Gosched()
	}
}

// lingerFor bounds how long a commit waits for company, unless the
// appenders it waits for have been coming back (then returnWithin).
const lingerFor = 200 * time.Microsecond

// returnWithin is how soon after its answer an append on the same stream
// counts at least as its appender coming back; see within.
const returnWithin = 2 * time.Millisecond

// within is how soon after its answer an append on the same stream counts
// as its appender coming back, and so bounds waiting for one: a few
// commits' time, and at least returnWithin.
func (w *writer) within() time.Duration {
	return max(returnWithin, 4*time.Duration(w.took))
}

// linger waits, briefly, for a batch to grow when commits are likely to
// get company: under concurrent load the appenders answered by the last
// commit come back soon, and one fsync for all of them beats one for a few
// and another for the rest. It waits for as many appends as recent
// commits carried (the peak); and when the appenders answered recently
// have mostly been coming back (as clients of a server do, after their
// answer went through the server and back), also for those not back yet,
// as long as they have been taking. Without that, appenders slower to come
// back than a commit settle into groups that take turns, each commit
// carrying a part of them. A lone appender (recent batches of one, or the
// one answered already back) never waits.
func (w *writer) linger(batch []*appendReq) []*appendReq {
	target, wait := int(w.peak), lingerFor
	if w.back >= 0.75 && len(w.answered) > 0 {
		target = max(target, len(batch)+len(w.answered))
		wait = min(max(2*time.Duration(w.ret), lingerFor), w.within())
	}
	target = min(target, w.max)
	if target <= 1 || len(batch) >= target {
		return batch
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for len(batch) < target {
		select {
		case r := <-w.s.reqs:
			batch = w.take(batch, r)
			if w.back >= 0.75 {
				target = min(max(target, len(batch)+len(w.answered)), w.max)
			}
		case <-t.C:
			return batch
		case <-w.s.quit:
			return batch
		}
	}
	return batch
}

// fill adds queued appends to batch without waiting.
func (w *writer) fill(batch []*appendReq) []*appendReq {
	for len(batch) < w.max {
		select {
		case r := <-w.s.reqs:
			batch = w.take(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// take adds r to batch, noting whether r's appender is one answered
// recently coming back, and how long it took.
func (w *writer) take(batch []*appendReq, r *appendReq) []*appendReq {
	if t, ok := w.answered[r.stream]; ok {
		delete(w.answered, r.stream)
		if d := r.at.Sub(t); d >= 0 && d <= w.within() {
			w.back += (1 - w.back) / 16
			w.ret += (float64(d) - w.ret) / 16
		} else {
			w.back -= w.back / 16
		}
	}
	return append(batch, r)
}

// answer notes the streams of the batch just answered, forgetting those
// answered longer than w.within() ago (appenders that did not come back),
// and how long the commit took since began.
func (w *writer) answer(batch []*appendReq, began time.Time) {
	now := time.Now()
	w.took += (float64(now.Sub(began)) - w.took) / 16
	within := w.within()
	for k, t := range w.answered {
		if now.Sub(t) > within {
			delete(w.answered, k)
			w.back -= w.back / 16
		}
	}
	if len(w.answered) > 4*w.max {
		clear(w.answered)
	}
	for _, r := range batch {
		w.answered[r.stream] = now
	}
}

// commit writes the batch in one transaction and answers every request.
func (w *writer) commit(batch []*appendReq) {
	ctx := context.Background()
	began := time.Now()
	results := make([]appendRes, len(batch))
	fail := func(err error) {
		for i, r := range batch {
			r.done <- appendRes{err: fmt.Errorf("append %s: %w", r.stream, err)}
			results[i] = appendRes{}
		}
		clear(w.batch)
		w.pos = w.s.head.Load()
	}
	if _, err := w.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		fail(err)
		return
	}
	if err := w.syncExternal(ctx); err != nil {
		_, _ = w.conn.ExecContext(ctx, "ROLLBACK")
		fail(err)
		return
	}
	now := time.Now().UTC().UnixNano()
	wrote := false
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = appendRes{err: fmt.Errorf("append %s: %w", r.stream, err)}
			continue
		}
		res, fatal := w.one(ctx, r, now)
		if fatal != nil {
			_, _ = w.conn.ExecContext(ctx, "ROLLBACK")
			fail(fatal)
			return
		}
		results[i] = res
		if res.err == nil {
			wrote = true
		}
	}
	w.s.commitSeq.Add(1) // odd until the head is published
	defer w.s.commitSeq.Add(1)
	if _, err := w.conn.ExecContext(ctx, "COMMIT"); err != nil {
		_, _ = w.conn.ExecContext(ctx, "ROLLBACK")
		fail(err)
		return
	}
	if len(w.heads)+len(w.batch) > w.cacheMax {
		// Forget about half of the cached heads; Go's map order is random.
		n := len(w.heads) / 2
		for k := range w.heads {
			if n == 0 {
				break
			}
			delete(w.heads, k)
			n--
		}
	}
	for k, v := range w.batch {
		w.heads[k] = v
	}
	clear(w.batch)
	w.s.stats.commits.Add(1)
	w.s.catMu.Lock()
	for i, r := range results {
		if r.err == nil {
			c := eventstore.Category(batch[i].stream)
			w.s.cats[c] = max(w.s.cats[c], r.res.LastPosition)
			for _, e := range batch[i].events {
				w.s.types[e.Type] = max(w.s.types[e.Type], r.res.LastPosition)
			}
		}
	}
	w.s.catMu.Unlock()
	for _, r := range results {
		if r.err == nil {
			w.s.stats.appends.Add(1)
			w.s.stats.events.Add(r.res.LastRevision - r.res.FirstRevision + 1)
		}
	}
	if wrote {
		w.s.raiseHead(w.pos)
		w.s.wake()
	}
	w.answer(batch, began)
	for i, r := range batch {
		r.done <- results[i]
	}
}

// syncExternal runs inside the write transaction: when another process
// (the command line beside a running server) committed since this
// writer's last transaction, the cached heads and the last position are
// stale, so it drops the former and reloads the latter.
func (w *writer) syncExternal(ctx context.Context) error {
	var v int64
	if err := w.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return err
	}
	if v == w.dataVersion {
		return nil
	}
	w.dataVersion = v
	clear(w.heads)
	var head sql.NullInt64
	if err := w.conn.QueryRowContext(ctx, "SELECT max(position) FROM events").Scan(&head); err != nil {
		return err
	}
	w.pos = uint64(head.Int64)
	w.s.external(w.pos)
	return nil
}

// one processes one append inside the open transaction. A refused append
// (conflict, duplicate) is reported in the result; fatal is an error that
// dooms the whole transaction (I/O).
func (w *writer) one(ctx context.Context, r *appendReq, now int64) (res appendRes, fatal error) {
	head, err := w.head(ctx, r.stream)
	if err != nil {
		return appendRes{}, err
	}
	if !r.expected.Matches(head.rev) {
		orig, ok, err := w.retryOf(ctx, r)
		if err != nil {
			return appendRes{}, err
		}
		if ok {
			return orig, nil
		}
		return appendRes{err: &eventstore.WrongExpectedRevisionError{Stream: r.stream, Expected: r.expected, Actual: head.rev}}, nil
	}
	multi := len(r.events) > 1
	if multi {
		if _, err := w.conn.ExecContext(ctx, "SAVEPOINT a"); err != nil {
			return appendRes{}, err
		}
	}
	rev, prev, pos := head.rev, head.hash, w.pos
	out := eventstore.AppendResult{FirstRevision: uint64(rev + 1), FirstPosition: pos + 1}
	for i := range r.events {
		e := &r.events[i]
		rev++
		pos++
		h := w.s.hash.NextHash(prev, r.stream, uint64(rev), e.ID, e.Type, e.Data, &e.Metadata)
		_, err := w.insert.ExecContext(ctx, int64(pos), e.ID[:], r.stream, rev, e.Type, []byte(e.Data), r.meta[i], now, h)
		if err != nil {
			if multi {
				if _, rerr := w.conn.ExecContext(ctx, "ROLLBACK TO a"); rerr != nil {
					return appendRes{}, rerr
				}
				if _, rerr := w.conn.ExecContext(ctx, "RELEASE a"); rerr != nil {
					return appendRes{}, rerr
				}
			}
			if !isUniqueViolation(err) {
				return appendRes{}, err
			}
			orig, ok, err := w.retryOf(ctx, r)
			if err != nil {
				return appendRes{}, err
			}
			if ok {
				return orig, nil
			}
			// retryOf reports a duplicate elsewhere as an error result; a
			// unique violation it cannot explain is a conflict on revision
			// that the head cache missed.
			return appendRes{err: &eventstore.DuplicateEventIDError{ID: e.ID.String(), Stream: r.stream, Reason: "already stored"}}, nil
		}
		prev = h
	}
	if multi {
		if _, err := w.conn.ExecContext(ctx, "RELEASE a"); err != nil {
			return appendRes{}, err
		}
	}
	w.pos = pos
	w.batch[r.stream] = streamHead{rev: rev, hash: prev}
	out.LastRevision, out.LastPosition = uint64(rev), pos
	out.RecordedAt = time.Unix(0, now).UTC()
	return appendRes{res: out}, nil
}

func (w *writer) head(ctx context.Context, stream string) (streamHead, error) {
	if h, ok := w.batch[stream]; ok {
		return h, nil
	}
	if h, ok := w.heads[stream]; ok {
		return h, nil
	}
	var h streamHead
	err := w.headQ.QueryRowContext(ctx, stream).Scan(&h.rev, &h.hash)
	if errors.Is(err, sql.ErrNoRows) {
		return streamHead{rev: -1}, nil
	}
	if err != nil {
		return streamHead{}, fmt.Errorf("read head of %s: %w", stream, err)
	}
	w.heads[stream] = h
	return h, nil
}

// retryOf decides whether r re-sends events already stored. ok is true with
// the original result when every event of r is stored, in order, at
// consecutive revisions of the same stream with the same content. When some
// ID is stored but r is not such a retry, the result carries a
// DuplicateEventIDError. ok is false with a zero result when no ID of r is
// stored.
func (w *writer) retryOf(ctx context.Context, r *appendReq) (res appendRes, ok bool, err error) {
	var stream string
	var rev int64
	var pos uint64
	err = w.byID.QueryRowContext(ctx, r.events[0].ID[:]).Scan(&stream, &rev, &pos)
	if errors.Is(err, sql.ErrNoRows) {
		for _, e := range r.events[1:] {
			var s string
			var rv int64
			var p uint64
			err := w.byID.QueryRowContext(ctx, e.ID[:]).Scan(&s, &rv, &p)
			if err == nil {
				return dup(r, e.ID, "already stored at "+s+" revision "+fmt.Sprint(rv)), true, nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return appendRes{}, false, err
			}
		}
		return appendRes{}, false, nil
	}
	if err != nil {
		return appendRes{}, false, err
	}
	if stream != r.stream {
		return dup(r, r.events[0].ID, "already stored in stream "+stream), true, nil
	}
	rows, err := w.byRange.QueryContext(ctx, r.stream, rev, len(r.events))
	if err != nil {
		return appendRes{}, false, err
	}
	defer rows.Close()
	out := eventstore.AppendResult{FirstRevision: uint64(rev), FirstPosition: pos}
	i := 0
	for rows.Next() {
		var id, data, meta []byte
		var typ string
		var p uint64
		var rec int64
		if err := rows.Scan(&id, &typ, &data, &meta, &p, &rec); err != nil {
			return appendRes{}, false, err
		}
		if i == 0 {
			out.RecordedAt = time.Unix(0, rec).UTC()
		}
		e := &r.events[i]
		if !bytes.Equal(id, e.ID[:]) {
			return dup(r, e.ID, "the events are not stored in this order"), true, nil
		}
		if typ != e.Type || !bytes.Equal(data, e.Data) || !sameMetadata(meta, &e.Metadata, r.occurredSet[i]) {
			return dup(r, e.ID, "stored with other content"), true, nil
		}
		out.LastRevision, out.LastPosition = uint64(rev)+uint64(i), p
		i++
	}
	if err := rows.Err(); err != nil {
		return appendRes{}, false, err
	}
	if i != len(r.events) {
		return dup(r, r.events[i].ID, "the events are not stored in this order"), true, nil
	}
	return appendRes{res: out}, true, nil
}

func dup(r *appendReq, id uuid.UUID, reason string) appendRes {
	return appendRes{err: &eventstore.DuplicateEventIDError{ID: id.String(), Stream: r.stream, Reason: reason}}
}

// sameMetadata compares stored metadata with a retry's. occurred_at is
// compared only when the retry set it: one left zero was given the time of
// its own call, which differs between the original and the retry.
func sameMetadata(stored []byte, m *eventstore.Metadata, occurredSet bool) bool {
	s, err := eventstore.DecodeMetadata(stored)
	if err != nil {
		return false
	}
	if s.Actor != m.Actor || s.Role != m.Role || s.OrgUnit != m.OrgUnit || s.CorrelationID != m.CorrelationID ||
		s.CausationID != m.CausationID || s.Reason != m.Reason || s.Schema != m.Schema || len(s.Extra) != len(m.Extra) {
		return false
	}
	if occurredSet && !s.OccurredAt.Equal(m.OccurredAt) {
		return false
	}
	for k, v := range s.Extra {
		if mv, ok := m.Extra[k]; !ok || mv != v {
			return false
		}
	}
	return true
}

func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
