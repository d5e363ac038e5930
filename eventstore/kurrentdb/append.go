package kurrentdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"casework/eventstore"
)

func newEventID() (uuid.UUID, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.Nil, fmt.Errorf("event id: %w", err)
	}
	return id, nil
}

// Append writes events to the end of stream atomically if the stream's
// state matches expected, chaining their hashes to the stream's last one.
//
// Re-appending events that are the stream's last events, same IDs in the
// same order and the same content, writes nothing and returns the original
// result whatever expected says.
//
// Errors: ErrInvalidInput (an *eventstore.InputError, nothing sent);
// ErrWrongExpectedRevision (an *eventstore.WrongExpectedRevisionError with
// the revision found; also when an Any or StreamExists append loses
// Options.AppendAttempts races in a row); ErrDuplicateEventID (an
// *eventstore.DuplicateEventIDError) for an ID among the stream's last
// Options.TailWindow events with other content or at another place;
// ErrTampered when the stream's tail does not decode; ErrClosed;
// ErrUnavailable when the cluster stays unavailable over all attempts;
// ctx's error. An error after the request reached the
// server (a lost acknowledgement) leaves the append possibly done: retry it
// with the same event IDs.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (_ eventstore.AppendResult, err error) {
	defer wrap(&err, "append %s", stream)
	if err := s.enter(); err != nil {
		return eventstore.AppendResult{}, err
	}
	defer s.leave()
	if err := eventstore.ValidateAppend(stream, expected, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	// A retry compares against what the caller passed: a zero OccurredAt
	// was filled in by the first attempt.
	filled := withOccurredAt(events, time.Now().UTC())

	var actual int64 = -1
	for attempt := range s.opts.AppendAttempts {
		if attempt > 0 {
			if err := backoff(ctx, attempt); err != nil {
				return eventstore.AppendResult{}, err
			}
		}
		tail, err := s.readTail(ctx, stream, max(s.opts.TailWindow, len(events)))
		if errors.Is(err, ErrUnavailable) && attempt+1 < s.opts.AppendAttempts {
			continue
		}
		if err != nil {
			return eventstore.AppendResult{}, err
		}
		if res, done, err := matchTail(stream, tail, events); done || err != nil {
			return res, err
		}
		var prev []byte
		actual = -1
		if len(tail) > 0 {
			last := &tail[len(tail)-1]
			actual, prev = int64(last.Revision), last.Hash
		}
		if !expected.Matches(actual) {
			return eventstore.AppendResult{}, &eventstore.WrongExpectedRevisionError{Stream: stream, Expected: expected, Actual: actual}
		}
		p, err := prepare(s.hash, stream, actual, prev, filled)
		if err != nil {
			return eventstore.AppendResult{}, err
		}
		var exp esdb.ExpectedRevision = esdb.NoStream{}
		if actual >= 0 {
			exp = esdb.Revision(uint64(actual))
		}
		wr, err := s.client.AppendToStream(ctx, stream, esdb.AppendToStreamOptions{ExpectedRevision: exp}, p.events...)
		if err = ctxError(ctx, err); err != nil {
			if errors.Is(err, eventstore.ErrWrongExpectedRevision) {
				// The stream moved since the tail was read: read it again,
				// which also finds a concurrent identical retry.
				if rev, ok := currentRevision(err); ok {
					actual = rev
				}
				continue
			}
			if errors.Is(err, ErrUnavailable) && attempt+1 < s.opts.AppendAttempts {
				// Not the leader, or a node restarting: the client moves to
				// the leader. Whether or not this attempt was written, the
				// next round's tail read finds out, so retrying is safe.
				continue
			}
			return eventstore.AppendResult{}, err
		}
		res, ok, err := s.readBack(ctx, stream, uint64(actual+1), p)
		if err != nil {
			return eventstore.AppendResult{}, err
		}
		if ok {
			return res, nil
		}
		// The server acknowledged without writing our bytes at those
		// revisions: KurrentDB took it for an idempotent repeat of events
		// with the same IDs written meanwhile. The next round's tail read
		// tells a true retry from a duplicate ID.
		s.log.Debug("kurrentdb: append acknowledged without our events at the expected revisions",
			"stream", stream, "next_expected", wr.NextExpectedVersion)
	}
	return eventstore.AppendResult{}, &eventstore.WrongExpectedRevisionError{Stream: stream, Expected: expected, Actual: actual}
}

// withOccurredAt returns events with a zero OccurredAt set to now, copying
// the slice only when one needs it.
func withOccurredAt(events []eventstore.EventData, now time.Time) []eventstore.EventData {
	copied := false
	for i := range events {
		if events[i].Metadata.OccurredAt.IsZero() {
			if !copied {
				events = slices.Clone(events)
				copied = true
			}
			events[i].Metadata.OccurredAt = now
		}
	}
	return events
}

// backoff waits a little before another round of a contended append.
func backoff(ctx context.Context, attempt int) error {
	d := time.Duration(1<<min(attempt, 6)) * time.Millisecond
	d += rand.N(d)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// readTail returns the last n events of stream in revision order, nil for
// a stream without events.
func (s *Store) readTail(ctx context.Context, stream string, n int) ([]eventstore.RecordedEvent, error) {
	rs, err := s.client.ReadStream(ctx, stream, esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}, RequiresLeader: true}, uint64(n))
	if err != nil {
		return nil, ctxError(ctx, err)
	}
	defer rs.Close()
	var tail []eventstore.RecordedEvent
	for {
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err = ctxError(ctx, err); err != nil {
			if errors.Is(err, eventstore.ErrStreamNotFound) {
				return nil, nil
			}
			return nil, fmt.Errorf("read tail: %w", err)
		}
		rec, err := decode(ev.Event)
		if err != nil {
			return nil, err
		}
		tail = append(tail, rec)
	}
	slices.Reverse(tail)
	return tail, nil
}

// readBack reads the events just appended from revision first and checks
// that they are the ones sent, hash for hash, returning their revisions and
// positions. ok is false when other events, or the same IDs with other
// content, hold those revisions.
func (s *Store) readBack(ctx context.Context, stream string, first uint64, p prepared) (eventstore.AppendResult, bool, error) {
	rs, err := s.client.ReadStream(ctx, stream, esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(first), RequiresLeader: true}, uint64(len(p.events)))
	if err != nil {
		return eventstore.AppendResult{}, false, ctxError(ctx, err)
	}
	defer rs.Close()
	var res eventstore.AppendResult
	mixed := false
	i := 0
	for ; ; i++ {
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err = ctxError(ctx, err); err != nil {
			return res, false, fmt.Errorf("read back: %w", err)
		}
		if i >= len(p.events) {
			break
		}
		rec, err := decode(ev.Event)
		if err != nil {
			return res, false, err
		}
		if rec.ID != p.events[i].EventID || !bytes.Equal(rec.Hash, p.hashes[i]) {
			return res, false, nil
		}
		if i == 0 {
			res.FirstRevision, res.FirstPosition = rec.Revision, rec.Position
			res.RecordedAt = rec.RecordedAt
		} else if !rec.RecordedAt.Equal(res.RecordedAt) {
			// No single time for the whole append: say none.
			mixed = true
		}
		res.LastRevision, res.LastPosition = rec.Revision, rec.Position
	}
	if mixed {
		res.RecordedAt = time.Time{}
	}
	return res, i == len(p.events), nil
}
