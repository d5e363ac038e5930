package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/google/uuid"

	"casework/eventstore"
)

const pageSize = 512

type readQueries struct {
	fwd, bwd, exists, all *sql.Stmt
}

const cols = `position, id, stream, revision, type, data, metadata, recorded_at, hash`

func (q *readQueries) prepare(ctx context.Context, db *sql.DB) error {
	var err error
	prep := func(s string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = db.PrepareContext(ctx, s)
		return st
	}
	q.fwd = prep(`SELECT ` + cols + ` FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
	q.bwd = prep(`SELECT ` + cols + ` FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
	q.exists = prep(`SELECT 1 FROM events WHERE stream = ? LIMIT 1`)
	q.all = prep(`SELECT ` + cols + ` FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?`)
	return err
}

func (q *readQueries) close() {
	for _, st := range []*sql.Stmt{q.fwd, q.bwd, q.exists, q.all} {
		if st != nil {
			st.Close()
		}
	}
}

// scanEvent decodes one row. A row whose stored bytes cannot be decoded is
// reported as tampered: the writer never stores such a row.
func scanEvent(rows *sql.Rows, ev *eventstore.RecordedEvent) error {
	_, err := scanEventIf(rows, ev, nil)
	return err
}

// scanEventIf decodes one row if keep (when not nil) accepts its stream
// and type, which are read first, so that rows a filter drops cost no JSON
// decoding.
func scanEventIf(rows *sql.Rows, ev *eventstore.RecordedEvent, keep func(stream, typ string) bool) (bool, error) {
	var id, data, meta []byte
	var rec int64
	if err := rows.Scan(&ev.Position, &id, &ev.Stream, &ev.Revision, &ev.Type, &data, &meta, &rec, &ev.Hash); err != nil {
		return false, err
	}
	if keep != nil && !keep(ev.Stream, ev.Type) {
		return false, nil
	}
	return true, decodeRow(ev, id, data, meta, rec)
}

func decodeRow(ev *eventstore.RecordedEvent, id, data, meta []byte, rec int64) error {
	ev.RecordedAt = time.Unix(0, rec).UTC()
	ev.Data = data
	var err error
	if ev.ID, err = uuid.FromBytes(id); err != nil {
		return &eventstore.TamperError{Stream: ev.Stream, Revision: ev.Revision, Position: ev.Position, Reason: "stored id is unreadable"}
	}
	if ev.Metadata, err = eventstore.DecodeMetadata(meta); err != nil {
		return &eventstore.TamperError{Stream: ev.Stream, Revision: ev.Revision, Position: ev.Position, Reason: "stored metadata is unreadable"}
	}
	return nil
}

// ReadStream implements eventstore.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, opts eventstore.ReadStreamOptions) ([]eventstore.RecordedEvent, error) {
	op := "read " + stream
	if s.closed.Load() {
		return nil, fmt.Errorf("%s: %w", op, eventstore.ErrClosed)
	}
	if err := eventstore.ValidateStreamName(stream); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if opts.Direction != eventstore.Backward && opts.From > 1<<62 {
		return nil, s.notFoundOrEmpty(ctx, op, stream)
	}
	out, err := s.readStream(ctx, op, stream, opts)
	if err != nil || len(out) > 0 {
		return out, err
	}
	// Nothing read: the stream has no event, or the read starts past its
	// end. The check runs on a later snapshot than the read did, so a
	// stream whose first events were committed in between is read again,
	// on a snapshot that has them: it is never found and empty at once.
	if err := s.notFoundOrEmpty(ctx, op, stream); err != nil {
		return nil, err
	}
	return s.readStream(ctx, op, stream, opts)
}

// readStream reads the events of stream that opts selects, in one query.
func (s *Store) readStream(ctx context.Context, op, stream string, opts eventstore.ReadStreamOptions) ([]eventstore.RecordedEvent, error) {
	limit := int64(opts.Limit)
	if limit <= 0 {
		limit = -1
	}
	var rows *sql.Rows
	var err error
	if opts.Direction == eventstore.Backward {
		from := int64(opts.From)
		if opts.From > 1<<62 {
			from = 1 << 62
		}
		rows, err = s.rq.bwd.QueryContext(ctx, stream, from, limit)
	} else {
		rows, err = s.rq.fwd.QueryContext(ctx, stream, int64(opts.From), limit)
	}
	if err != nil {
		return nil, s.translate(op, err)
	}
	defer rows.Close()
	var out []eventstore.RecordedEvent
	for rows.Next() {
		var ev eventstore.RecordedEvent
		if err := scanEvent(rows, &ev); err != nil {
			return nil, s.translate(op, err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, s.translate(op, err)
	}
	return out, nil
}

// notFoundOrEmpty returns ErrStreamNotFound when the stream has no event,
// and nil (an empty read past the end) otherwise.
func (s *Store) notFoundOrEmpty(ctx context.Context, op, stream string) error {
	var one int
	err := s.rq.exists.QueryRowContext(ctx, stream).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, eventstore.ErrStreamNotFound)
	}
	return s.translate(op, err)
}

// ReadAll implements eventstore.Store.
func (s *Store) ReadAll(ctx context.Context, after uint64, filter eventstore.Filter) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		if s.closed.Load() {
			yield(eventstore.RecordedEvent{}, fmt.Errorf("read all: %w", eventstore.ErrClosed))
			return
		}
		upTo := s.head.Load()
		for after < upTo {
			n, last, err := s.page(ctx, after, upTo, filter, yield)
			if err != nil {
				yield(eventstore.RecordedEvent{}, s.translate("read all", err))
				return
			}
			if n < 0 {
				return
			}
			after = last
		}
	}
}

// page yields the events after position after up to upTo that pass filter,
// one page of rows. It returns the number of rows read (-1 when yield asked
// to stop) and the last position read.
func (s *Store) page(ctx context.Context, after, upTo uint64, filter eventstore.Filter, yield func(eventstore.RecordedEvent, error) bool) (int, uint64, error) {
	if s.closed.Load() {
		return 0, after, eventstore.ErrClosed
	}
	st, args, err := s.pageQuery(ctx, filter)
	if err != nil {
		return 0, after, err
	}
	rows, err := st.QueryContext(ctx, append([]any{int64(after), int64(upTo)}, append(args, pageSize)...)...)
	if err != nil {
		return 0, after, err
	}
	// Decode the page before yielding, so that a slow consumer does not
	// hold a read transaction (and the WAL) open. A live subscriber reads
	// a few rows per commit: the slice grows with what is read.
	var evs []eventstore.RecordedEvent
	n := 0
	last := after
	for rows.Next() {
		var ev eventstore.RecordedEvent
		keep, err := scanEventIf(rows, &ev, filter.Match)
		if err != nil {
			rows.Close()
			return 0, after, err
		}
		n++
		last = ev.Position
		if keep {
			evs = append(evs, ev)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, after, err
	}
	if n == 0 {
		// Rows up to upTo are committed; none left means we are done.
		return 0, upTo, nil
	}
	if n < pageSize {
		// A short page read every matching row up to upTo.
		last = upTo
	}
	for i := range evs {
		if !yield(evs[i], nil) {
			return -1, evs[i].Position, nil
		}
	}
	return n, last, nil
}

// pageQuery returns the statement reading a page of the log for filter:
// a filter on categories is pushed into SQL as ranges of stream names
// ("case-" ≤ stream < "case."), and one on types as a list, so that a
// subscriber to a few categories or types does not read every row.
// Statements are prepared once per filter shape.
func (s *Store) pageQuery(ctx context.Context, f eventstore.Filter) (*sql.Stmt, []any, error) {
	if len(f.Categories) == 0 && len(f.Types) == 0 {
		return s.rq.all, nil, nil
	}
	var b strings.Builder
	args := make([]any, 0, 2*len(f.Categories)+len(f.Types))
	b.WriteString(`SELECT ` + cols + ` FROM events WHERE position > ? AND position <= ?`)
	if len(f.Categories) > 0 {
		b.WriteString(` AND (`)
		for i, c := range f.Categories {
			if i > 0 {
				b.WriteString(" OR ")
			}
			b.WriteString("(stream >= ? AND stream < ?)")
			args = append(args, c+"-", c+".")
		}
		b.WriteString(`)`)
	}
	if len(f.Types) > 0 {
		b.WriteString(` AND type IN (`)
		for i, t := range f.Types {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("?")
			args = append(args, t)
		}
		b.WriteString(`)`)
	}
	b.WriteString(` ORDER BY position LIMIT ?`)
	q := b.String()
	s.qmu.Lock()
	defer s.qmu.Unlock()
	if st, ok := s.queries[q]; ok {
		return st, args, nil
	}
	st, err := s.rdb.PrepareContext(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	if s.queries == nil {
		s.queries = map[string]*sql.Stmt{}
	}
	s.queries[q] = st
	return st, args, nil
}

// SubscribeAll implements eventstore.Store: it reads pages up to the
// committed head, then waits for the writer's wake-up after each commit.
func (s *Store) SubscribeAll(ctx context.Context, after uint64, filter eventstore.Filter) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		for {
			// Take the wake-up channel before reading the head, so that a
			// commit between the two wakes us.
			wake := *s.notify.Load()
			if s.closed.Load() {
				yield(eventstore.RecordedEvent{}, fmt.Errorf("subscribe: %w", eventstore.ErrClosed))
				return
			}
			upTo := s.head.Load()
			if s.untouched(filter, after) {
				// upTo was read first, and every commit up to it had
				// recorded its categories and types before publishing
				// its head.
				after = max(after, upTo)
			}
			for after < upTo {
				n, last, err := s.page(ctx, after, upTo, filter, yield)
				if err != nil {
					if ctx.Err() != nil {
						err = ctx.Err()
					}
					yield(eventstore.RecordedEvent{}, s.translate("subscribe", err))
					return
				}
				if n < 0 {
					return
				}
				after = last
			}
			select {
			case <-wake:
			case <-ctx.Done():
				yield(eventstore.RecordedEvent{}, fmt.Errorf("subscribe: %w", ctx.Err()))
				return
			case <-s.quit:
				yield(eventstore.RecordedEvent{}, fmt.Errorf("subscribe: %w", eventstore.ErrClosed))
				return
			}
		}
	}
}

// Verify implements eventstore.Store.
func (s *Store) Verify(ctx context.Context, stream string) error {
	v := eventstore.ChainVerifier{Hash: s.hash, Stream: stream}
	var from uint64
	for {
		evs, err := s.ReadStream(ctx, stream, eventstore.ReadStreamOptions{From: from, Limit: pageSize})
		if err != nil {
			return err
		}
		for i := range evs {
			if err := v.Check(&evs[i]); err != nil {
				return err
			}
		}
		if len(evs) < pageSize {
			return nil
		}
		from = evs[len(evs)-1].Revision + 1
	}
}

// VerifyAll implements eventstore.Store. It reads the log once in position
// order, keeping one chain state per stream.
func (s *Store) VerifyAll(ctx context.Context) error {
	chains := map[string]*eventstore.ChainVerifier{}
	for ev, err := range s.ReadAll(ctx, 0, eventstore.Filter{}) {
		if err != nil {
			var te *eventstore.TamperError
			if errors.As(err, &te) {
				return te
			}
			return fmt.Errorf("verify all: %w", err)
		}
		v := chains[ev.Stream]
		if v == nil {
			v = &eventstore.ChainVerifier{Hash: s.hash, Stream: ev.Stream}
			chains[ev.Stream] = v
		}
		if err := v.Check(&ev); err != nil {
			return err
		}
	}
	return nil
}
