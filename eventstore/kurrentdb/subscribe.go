package kurrentdb

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"regexp"
	"strings"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"casework/eventstore"
)

// maxResubscribes bounds the reconnections of a subscription in a row that
// deliver nothing; a leader election normally needs one or two.
const maxResubscribes = 5

// SubscribeAll yields every event of a casework stream with a position
// greater than after that passes filter, in position order: first those
// stored, then live ones, through one catch-up subscription to $all. The
// server filters by stream prefix (categories) or by event type when it
// can; the rest is filtered here. When the cluster drops the subscription
// (leader change, node restart) it resubscribes from the last position
// yielded, a few times in a row at most, so nothing is lost or repeated.
//
// It ends by yielding ctx's error when ctx is done, eventstore.ErrClosed
// when the store closes, or the error that ended it (ErrUnavailable after
// the resubscriptions, ErrTampered for an event that does not decode); it
// ends quietly when the loop breaks.
func (s *Store) SubscribeAll(ctx context.Context, after uint64, filter eventstore.Filter) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		if err := s.enter(); err != nil {
			yield(eventstore.RecordedEvent{}, fmt.Errorf("kurrentdb: subscribe: %w", err))
			return
		}
		defer s.leave()
		ictx, cancel := s.iterContext(ctx)
		defer cancel()
		err := s.subscribe(ictx, after, filter, yield)
		if err == nil {
			return
		}
		switch {
		case ctx.Err() != nil:
			if !errors.Is(err, ctx.Err()) {
				err = fmt.Errorf("%w: %v", ctx.Err(), err)
			}
		case s.isClosing():
			err = fmt.Errorf("%w: %v", eventstore.ErrClosed, err)
		}
		wrap(&err, "subscribe")
		yield(eventstore.RecordedEvent{}, err)
	}
}

// subscribe runs the subscription until yield returns false (nil) or it
// ends with an error.
func (s *Store) subscribe(ctx context.Context, after uint64, filter eventstore.Filter, yield func(eventstore.RecordedEvent, error) bool) error {
	cur := newCursor(after)
	failures := 0
	for {
		from := esdb.AllPosition(esdb.Start{})
		if cur.last.Commit > 0 {
			from = cur.last
		}
		sub, err := s.client.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{From: from, Filter: serverFilter(filter), RequiresLeader: true})
		if err == nil {
			var stop bool
			stop, err = s.deliver(sub, &cur, filter, yield, &failures)
			sub.Close()
			if stop {
				return nil
			}
		}
		err = ctxError(ctx, err)
		if !errors.Is(err, ErrUnavailable) || failures >= maxResubscribes {
			return err
		}
		failures++
		s.log.Debug("kurrentdb: resubscribing to $all", "after", cur.last.Commit, "cause", err)
		t := time.NewTimer(time.Duration(failures*failures) * 100 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// deliver yields the events of one subscription until it drops (the
// error) or yield returns false (stop). Each event delivered resets
// failures.
func (s *Store) deliver(sub *esdb.Subscription, cur *cursor, filter eventstore.Filter, yield func(eventstore.RecordedEvent, error) bool, failures *int) (stop bool, err error) {
	for {
		m := sub.Recv()
		switch {
		case m.SubscriptionDropped != nil:
			err := m.SubscriptionDropped.Error
			if err == nil {
				err = errors.New("subscription dropped")
			}
			return false, err
		case m.EventAppeared == nil:
			continue // checkpoint, caught up, fell behind
		}
		ev := m.EventAppeared.Event
		if ev == nil || !ours(ev.StreamID, ev.EventType) {
			if ev != nil {
				cur.skip(ev.Position)
			}
			continue
		}
		fresh, err := cur.admit(ev.Position)
		if err != nil {
			return false, fmt.Errorf("%s revision %d: %w", ev.StreamID, ev.EventNumber, err)
		}
		if !fresh || !filter.Match(ev.StreamID, ev.EventType) {
			continue
		}
		rec, err := decode(ev)
		if err != nil {
			return false, err
		}
		*failures = 0
		if !yield(rec, nil) {
			return true, nil
		}
	}
}

// serverFilter narrows a subscription on the server: by stream prefix for
// categories, else by event type, else to non-system events. The client
// still applies the whole filter, since a prefix "case-" also admits
// streams that are not casework streams and only one kind of server filter
// applies at a time.
func serverFilter(f eventstore.Filter) *esdb.SubscriptionFilter {
	if len(f.Categories) > 0 {
		p := make([]string, len(f.Categories))
		for i, c := range f.Categories {
			p[i] = c + "-"
		}
		return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: p}
	}
	if len(f.Types) > 0 {
		q := make([]string, len(f.Types))
		for i, t := range f.Types {
			q[i] = regexp.QuoteMeta(t)
		}
		return &esdb.SubscriptionFilter{Type: esdb.EventFilterType, Regex: "^(?:" + strings.Join(q, "|") + ")$"}
	}
	return esdb.ExcludeSystemEventsFilter()
}
