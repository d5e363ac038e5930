package kurrentdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"casework/eventstore"
)

// ReadStream returns events of one stream as opts selects, in the
// direction asked.
//
// Errors: ErrInvalidInput for a malformed name; ErrStreamNotFound when the
// stream has no event (or was deleted); ErrTampered (an
// *eventstore.TamperError) for an event whose metadata does not decode;
// ErrClosed; ErrUnavailable; ctx's error.
func (s *Store) ReadStream(ctx context.Context, stream string, opts eventstore.ReadStreamOptions) (_ []eventstore.RecordedEvent, err error) {
	defer wrap(&err, "read %s", stream)
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave()
	if err := eventstore.ValidateStreamName(stream); err != nil {
		return nil, err
	}
	ro := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(opts.From), RequiresLeader: true}
	if opts.Direction == eventstore.Backward {
		ro.Direction = esdb.Backwards
		if opts.From == eventstore.End {
			ro.From = esdb.End{}
		}
	}
	count := uint64(math.MaxInt64)
	if opts.Limit > 0 {
		count = uint64(opts.Limit)
	}
	var out []eventstore.RecordedEvent
	err = s.readStream(ctx, stream, ro, count, func(ev eventstore.RecordedEvent) error {
		out = append(out, ev)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		// The stream exists (else the server says so) but holds nothing in
		// the range asked, or all its events were deleted.
		out = []eventstore.RecordedEvent{}
	}
	return out, nil
}

// readStream calls fn for each event the read yields, in order. A read
// that fails as unavailable before delivering anything is tried again a
// few times: after a not-leader answer the client reconnects to the leader.
func (s *Store) readStream(ctx context.Context, stream string, ro esdb.ReadStreamOptions, count uint64, fn func(eventstore.RecordedEvent) error) error {
	for attempt := 0; ; attempt++ {
		delivered := false
		err := s.readStreamOnce(ctx, stream, ro, count, func(ev eventstore.RecordedEvent) error {
			delivered = true
			return fn(ev)
		})
		if delivered || attempt >= 3 || !errors.Is(err, ErrUnavailable) {
			return err
		}
		if err := backoff(ctx, attempt+4); err != nil {
			return err
		}
	}
}

func (s *Store) readStreamOnce(ctx context.Context, stream string, ro esdb.ReadStreamOptions, count uint64, fn func(eventstore.RecordedEvent) error) error {
	rs, err := s.client.ReadStream(ctx, stream, ro, count)
	if err != nil {
		return ctxError(ctx, err)
	}
	defer rs.Close()
	for {
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return ctxError(ctx, err)
		}
		rec, err := decode(ev.Event)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// readAllPage reads up to n events of $all in direction dir from from:
// forward from a record includes it, backward from a record starts before
// it. A page that fails as unavailable is read again a few times.
func (s *Store) readAllPage(ctx context.Context, dir esdb.Direction, from esdb.AllPosition, n int) ([]*esdb.RecordedEvent, error) {
	for attempt := 0; ; attempt++ {
		page, err := s.readAllPageOnce(ctx, dir, from, n)
		if attempt >= 3 || !errors.Is(err, ErrUnavailable) {
			return page, err
		}
		if err := backoff(ctx, attempt+4); err != nil {
			return nil, err
		}
	}
}

func (s *Store) readAllPageOnce(ctx context.Context, dir esdb.Direction, from esdb.AllPosition, n int) ([]*esdb.RecordedEvent, error) {
	rs, err := s.client.ReadAll(ctx, esdb.ReadAllOptions{Direction: dir, From: from, RequiresLeader: true}, uint64(n))
	if err != nil {
		return nil, ctxError(ctx, err)
	}
	defer rs.Close()
	page := make([]*esdb.RecordedEvent, 0, n)
	for {
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return page, nil
		}
		if err != nil {
			return nil, ctxError(ctx, err)
		}
		page = append(page, ev.Event)
	}
}

// ReadAll yields the events of casework streams with a position greater
// than after that pass filter, in position order, up to the last event of
// the log when iteration starts, Options.PageSize events per request.
// System events and other streams are skipped. An error (ErrClosed, ctx's
// error, ErrUnavailable, ErrTampered for an event that does not decode) is
// yielded once, as the last element; Close ends an iteration with
// ErrClosed.
func (s *Store) ReadAll(ctx context.Context, after uint64, filter eventstore.Filter) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		if err := s.enter(); err != nil {
			yield(eventstore.RecordedEvent{}, fmt.Errorf("kurrentdb: read all: %w", err))
			return
		}
		defer s.leave()
		ictx, cancel := s.iterContext(ctx)
		defer cancel()
		err := s.readAll(ictx, after, func(ev *esdb.RecordedEvent) (bool, error) {
			if !filter.Match(ev.StreamID, ev.EventType) {
				return true, nil
			}
			rec, err := decode(ev)
			if err != nil {
				return false, err
			}
			return yield(rec, nil), nil
		})
		if err != nil {
			if s.isClosing() && ctx.Err() == nil {
				err = fmt.Errorf("%w: %v", eventstore.ErrClosed, err)
			}
			wrap(&err, "read all")
			yield(eventstore.RecordedEvent{}, err)
		}
	}
}

// readAll calls fn, in position order, for each event of a casework stream
// after our position after, up to the head when it starts; fn returns
// false to stop.
func (s *Store) readAll(ctx context.Context, after uint64, fn func(*esdb.RecordedEvent) (bool, error)) error {
	// The head bounds the read: what is appended while it runs is left to
	// subscriptions.
	last, err := s.readAllPage(ctx, esdb.Backwards, esdb.End{}, 1)
	if err != nil || len(last) == 0 {
		return err
	}
	head := last[0].Position
	cur := newCursor(after)
	from := allFrom(after)
	for {
		page, err := s.readAllPage(ctx, esdb.Forwards, from, s.opts.PageSize)
		if err != nil {
			return err
		}
		for _, ev := range page {
			if ev.Position.Commit > head.Commit {
				return nil
			}
			if !ours(ev.StreamID, ev.EventType) {
				cur.skip(ev.Position)
				continue
			}
			fresh, err := cur.admit(ev.Position)
			if err != nil {
				return fmt.Errorf("%s revision %d: %w", ev.StreamID, ev.EventNumber, err)
			}
			if !fresh {
				continue
			}
			if more, err := fn(ev); err != nil || !more {
				return err
			}
		}
		if len(page) < s.opts.PageSize {
			return nil
		}
		from = cur.last
	}
}

// Head returns the position of the last event of a casework stream, 0 when
// there is none. Errors: ErrClosed; ErrUnavailable; ctx's error.
func (s *Store) Head(ctx context.Context) (_ uint64, err error) {
	defer wrap(&err, "head")
	if err := s.enter(); err != nil {
		return 0, err
	}
	defer s.leave()
	// Read $all backwards, skipping system records written after ours. A
	// backward read from a record's position starts before that record;
	// seen guards against a server that starts at it.
	var (
		from esdb.AllPosition = esdb.End{}
		last esdb.Position
		seen bool
	)
	for {
		page, err := s.readAllPage(ctx, esdb.Backwards, from, s.opts.PageSize)
		if err != nil {
			return 0, err
		}
		for _, ev := range page {
			p := ev.Position
			if seen && (p.Commit > last.Commit || p.Commit == last.Commit && p.Prepare >= last.Prepare) {
				continue
			}
			if ours(ev.StreamID, ev.EventType) {
				return position(p)
			}
			last, seen, from = p, true, p
		}
		if len(page) < s.opts.PageSize {
			return 0, nil
		}
	}
}

// Verify recomputes the hash chain of stream from its stored bytes.
//
// Errors: a *eventstore.TamperError (ErrTampered) naming the first revision
// whose bytes do not match, or that is missing; ErrInvalidInput;
// ErrStreamNotFound; ErrClosed; ErrUnavailable; ctx's error.
func (s *Store) Verify(ctx context.Context, stream string) (err error) {
	defer wrap(&err, "verify %s", stream)
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	if err := eventstore.ValidateStreamName(stream); err != nil {
		return err
	}
	return s.verify(ctx, stream)
}

func (s *Store) verify(ctx context.Context, stream string) error {
	v := eventstore.ChainVerifier{Hash: s.hash, Stream: stream}
	next := uint64(0)
	for {
		n := 0
		err := s.readStream(ctx, stream, esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(next), RequiresLeader: true}, uint64(s.opts.PageSize),
			func(ev eventstore.RecordedEvent) error {
				n++
				next = ev.Revision + 1
				return v.Check(&ev)
			})
		if err != nil {
			return err
		}
		if n < s.opts.PageSize {
			return nil
		}
	}
}

// VerifyAll verifies every casework stream of the log and returns the
// first *eventstore.TamperError found. It walks $all and verifies each
// stream when it meets the stream's first event, so memory stays constant
// whatever the number of streams; a stream whose first event was removed
// (truncated or scavenged) is not reached this way.
// Errors: as Verify; ErrClosed when the store closes meanwhile.
func (s *Store) VerifyAll(ctx context.Context) (err error) {
	defer wrap(&err, "verify all")
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	ictx, cancel := s.iterContext(ctx)
	defer cancel()
	err = s.readAll(ictx, 0, func(ev *esdb.RecordedEvent) (bool, error) {
		if ev.EventNumber != 0 {
			return true, nil
		}
		return true, s.verify(ictx, ev.StreamID)
	})
	if err != nil && s.isClosing() && ctx.Err() == nil {
		err = fmt.Errorf("%w: %v", eventstore.ErrClosed, err)
	}
	return err
}
