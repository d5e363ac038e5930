package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"casework/eventstore"
)

// A subscription started behind the head catches up and goes live while 8
// writers append: every event exactly once, in position order.
func testSubscribe(t *testing.T, h Harness) {
	s := open(t, h)
	cat := freshCategory()
	start := head(t, s)
	const before, writers, each = 40, 8, 30
	for range before / 4 {
		mustAppend(t, s, Stream(cat), eventstore.NoStream, events(t, 4, "E")...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	total := before + writers*each
	got := make(chan []eventstore.RecordedEvent, 1)
	subErr := make(chan error, 1)
	go func() {
		var evs []eventstore.RecordedEvent
		for ev, err := range s.SubscribeAll(ctx, start, eventstore.Filter{Categories: []string{cat}}) {
			if err != nil {
				subErr <- err
				break
			}
			evs = append(evs, ev)
			if len(evs) == total {
				break
			}
		}
		got <- evs
	}()
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := Stream(cat)
			for i := range each {
				exp := eventstore.NoStream
				if i > 0 {
					exp = eventstore.Exact(uint64(i - 1))
				}
				if _, err := s.Append(ctx, stream, exp, Event(t, "Live")); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	var evs []eventstore.RecordedEvent
	select {
	case evs = <-got:
	case <-ctx.Done():
		t.Fatal("subscription did not deliver every event in time")
	}
	select {
	case err := <-subErr:
		t.Fatalf("subscription: %v", err)
	default:
	}
	if len(evs) != total {
		t.Fatalf("got %d events, want %d", len(evs), total)
	}
	seen := map[string]bool{}
	nextRev := map[string]uint64{}
	for i, ev := range evs {
		if seen[ev.ID.String()] {
			t.Fatalf("event %s delivered twice", ev.ID)
		}
		seen[ev.ID.String()] = true
		if i > 0 && ev.Position <= evs[i-1].Position {
			t.Fatalf("position %d after %d", ev.Position, evs[i-1].Position)
		}
		if ev.Revision != nextRev[ev.Stream] {
			t.Fatalf("%s: revision %d, want %d", ev.Stream, ev.Revision, nextRev[ev.Stream])
		}
		nextRev[ev.Stream]++
	}
	want := readAllOf(t, s, start, cat)
	if len(want) != total {
		t.Fatalf("log has %d events, want %d", len(want), total)
	}
	for i := range want {
		if want[i].ID != evs[i].ID {
			t.Fatalf("subscription order differs from the log at %d", i)
		}
	}
}

func testSubscribeFilter(t *testing.T, h Harness) {
	s := open(t, h)
	cat := freshCategory()
	other := freshCategory()
	start := head(t, s)
	stream := Stream(cat)
	mustAppend(t, s, stream, eventstore.NoStream, Event(t, "ReferralAccepted"), Event(t, "ReferralStarted"), Event(t, "ReferralAccepted"))
	mustAppend(t, s, Stream(other), eventstore.NoStream, Event(t, "ReferralAccepted"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var types []string
	for ev, err := range s.SubscribeAll(ctx, start, eventstore.Filter{Categories: []string{cat}, Types: []string{"ReferralAccepted"}}) {
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, fmt.Sprintf("%s/%d", ev.Type, ev.Revision))
		if len(types) == 2 {
			break
		}
	}
	if fmt.Sprint(types) != "[ReferralAccepted/0 ReferralAccepted/2]" {
		t.Fatalf("filtered subscription got %v", types)
	}
}

func testCancellation(t *testing.T, h Harness) {
	s := open(t, h)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		for _, err := range s.SubscribeAll(ctx, head(t, s), eventstore.Filter{Categories: []string{freshCategory()}}) {
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("subscription ended with %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("subscription did not end after cancel")
	}
	stream := Stream("case")
	_, err := s.Append(ctx, stream, eventstore.Any, Event(t, "E"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("append with a cancelled context: %v", err)
	}
	if _, err := s.ReadStream(ctxT(t), stream, eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Fatalf("append with a cancelled context wrote: %v", err)
	}
	for _, err := range s.ReadAll(ctx, 0, eventstore.Filter{}) {
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("read all with a cancelled context: %v", err)
		}
	}
}

func testClosed(t *testing.T, h Harness) {
	s := h.New(t)
	stream := Stream("case")
	mustAppend(t, s, stream, eventstore.NoStream, Event(t, "E"))
	subDone := make(chan error, 1)
	go func() {
		for _, err := range s.SubscribeAll(context.Background(), head(t, s), eventstore.Filter{}) {
			if err != nil {
				subDone <- err
				return
			}
		}
		subDone <- nil
	}()
	time.Sleep(50 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	select {
	case err := <-subDone:
		if !errors.Is(err, eventstore.ErrClosed) {
			t.Fatalf("live subscription ended with %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("live subscription did not end on Close")
	}
	ctx := ctxT(t)
	calls := map[string]error{}
	_, calls["append"] = s.Append(ctx, stream, eventstore.Any, Event(t, "E"))
	_, calls["read stream"] = s.ReadStream(ctx, stream, eventstore.ReadStreamOptions{})
	_, calls["head"] = s.Head(ctx)
	calls["verify"] = s.Verify(ctx, stream)
	calls["verify all"] = s.VerifyAll(ctx)
	for _, err := range s.ReadAll(ctx, 0, eventstore.Filter{}) {
		calls["read all"] = err
		break
	}
	for _, err := range s.SubscribeAll(ctx, 0, eventstore.Filter{}) {
		calls["subscribe"] = err
		break
	}
	for name, err := range calls {
		if !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("%s after close: %v, want ErrClosed", name, err)
		}
	}
}
