package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"casework/eventstore"
)

// 32 goroutines race for every revision of one stream with Exact: exactly
// one wins each revision, the others get ErrWrongExpectedRevision, and the
// stream ends with no gap.
func testConcurrentOneStream(t *testing.T, h Harness) {
	s := open(t, h)
	const goroutines, revisions = 32, 12
	stream := Stream("case")
	winners := make([][]int, revisions)
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*revisions)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range revisions {
				exp := eventstore.NoStream
				if r > 0 {
					exp = eventstore.Exact(uint64(r - 1))
				}
				res, err := s.Append(ctxT(t), stream, exp, Event(t, "ServiceDelivered"))
				switch {
				case err == nil:
					if res.LastRevision != uint64(r) {
						errs <- errors.New("winner got the wrong revision")
					}
					mu.Lock()
					winners[r] = append(winners[r], g)
					mu.Unlock()
				case errors.Is(err, eventstore.ErrWrongExpectedRevision):
				default:
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for r, w := range winners {
		if len(w) != 1 {
			t.Errorf("revision %d has %d winners", r, len(w))
		}
	}
	evs := mustRead(t, s, stream)
	if len(evs) != revisions {
		t.Fatalf("stream has %d events, want %d", len(evs), revisions)
	}
	for i, ev := range evs {
		if ev.Revision != uint64(i) {
			t.Fatalf("event %d has revision %d", i, ev.Revision)
		}
	}
	if err := s.Verify(ctxT(t), stream); err != nil {
		t.Fatalf("verify: %v", err)
	}
}

// 32 goroutines append to their own streams: all succeed, positions are
// strictly increasing (contiguous where the backend says so) and every
// event is readable.
func testConcurrentManyStreams(t *testing.T, h Harness) {
	s := open(t, h)
	const goroutines, each = 32, 8
	cat := freshCategory()
	start := head(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	ids := make([][]string, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := Stream(cat)
			for i := range each {
				e := Event(t, "ServiceDelivered")
				exp := eventstore.NoStream
				if i > 0 {
					exp = eventstore.Exact(uint64(i - 1))
				}
				if _, err := s.Append(ctxT(t), stream, exp, e); err != nil {
					errs <- err
					return
				}
				ids[g] = append(ids[g], e.ID.String())
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	all := readAllOf(t, s, start, cat)
	if len(all) != goroutines*each {
		t.Fatalf("read %d events, want %d", len(all), goroutines*each)
	}
	seen := map[string]bool{}
	for i, ev := range all {
		if i > 0 && ev.Position <= all[i-1].Position {
			t.Fatalf("position %d after %d", ev.Position, all[i-1].Position)
		}
		if h.Features.ContiguousPositions && i > 0 && ev.Position != all[i-1].Position+1 {
			t.Fatalf("gap between positions %d and %d", all[i-1].Position, ev.Position)
		}
		seen[ev.ID.String()] = true
	}
	for _, g := range ids {
		for _, id := range g {
			if !seen[id] {
				t.Fatalf("acknowledged event %s not in the log", id)
			}
		}
	}
}

// A stream read while its first event is being appended is either not
// found or read with its events: never found and empty, whichever way it
// is read from its start or its end.
func testReadWhileCreated(t *testing.T, h Harness) {
	s := open(t, h)
	const streams, readers = 200, 4
	cat := freshCategory()
	names := make([]string, streams)
	for i := range names {
		names[i] = Stream(cat)
	}
	var next atomic.Int64 // the stream being created
	done := make(chan struct{})
	errs := make(chan error, readers)
	var wg sync.WaitGroup
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			opts := eventstore.ReadStreamOptions{Limit: 1}
			if r%2 == 0 {
				opts.Direction, opts.From = eventstore.Backward, eventstore.End
			}
			for {
				select {
				case <-done:
					return
				default:
				}
				i := next.Load()
				if i >= streams {
					return
				}
				evs, err := s.ReadStream(ctxT(t), names[i], opts)
				if err == nil && len(evs) == 0 {
					errs <- fmt.Errorf("read %s (%+v): no error and no event", names[i], opts)
					return
				}
				if err != nil && !errors.Is(err, eventstore.ErrStreamNotFound) {
					errs <- err
					return
				}
			}
		}()
	}
	for i, name := range names {
		mustAppend(t, s, name, eventstore.NoStream, Event(t, "ServiceDelivered"))
		next.Store(int64(i + 1))
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
