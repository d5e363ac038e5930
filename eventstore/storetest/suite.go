package storetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casework/eventstore"
)

func run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"EnvelopeRoundTrip", testRoundTrip},
		{"ExpectedRevisionMatrix", testExpectedMatrix},
		{"ReadStream", testReadStream},
		{"ReadAll", testReadAll},
		{"ConcurrentAppendsOneStream", testConcurrentOneStream},
		{"ConcurrentAppendsManyStreams", testConcurrentManyStreams},
		{"ReadWhileCreated", testReadWhileCreated},
		{"IdempotentRetry", testIdempotent},
		{"IdempotentRetryAfterReopen", testIdempotentReopen},
		{"SubscribeCatchUpThenLive", testSubscribe},
		{"SubscribeFilter", testSubscribeFilter},
		{"Cancellation", testCancellation},
		{"Closed", testClosed},
		{"ChainVerifies", testChainVerifies},
		{"TamperDetected", testTamper},
		{"BadInput", testBadInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

func open(t *testing.T, h Harness) eventstore.Store {
	t.Helper()
	s := h.New(t)
	t.Cleanup(func() { s.Close() })
	return s
}

func testRoundTrip(t *testing.T, h Harness) {
	s := open(t, h)
	stream := Stream("case")
	in := events(t, 3, "ServiceDelivered")
	in[1].Metadata.Extra = map[string]string{"key_id": "客户-1", "purpose": "个案"}
	in[2].Metadata.Reason = ""
	in[2].Metadata.CausationID = ""
	in[2].Data = json.RawMessage(`{"姓名":"王小明","说明":"低保边缘户，需转介慈善会","金额":123456}`)
	before := time.Now().Add(-2 * time.Second)
	res := mustAppend(t, s, stream, eventstore.NoStream, in...)
	after := time.Now().Add(2 * time.Second)
	if res.FirstRevision != 0 || res.LastRevision != 2 || res.LastPosition <= res.FirstPosition {
		t.Fatalf("result = %+v", res)
	}
	got := mustRead(t, s, stream)
	if len(got) != 3 {
		t.Fatalf("read %d events, want 3", len(got))
	}
	var prevPos uint64
	for i, ev := range got {
		w := in[i]
		if ev.ID != w.ID || ev.Stream != stream || ev.Type != w.Type || ev.Revision != uint64(i) {
			t.Errorf("event %d: id/stream/type/revision = %v %s %s %d", i, ev.ID, ev.Stream, ev.Type, ev.Revision)
		}
		if !bytes.Equal(ev.Data, w.Data) {
			t.Errorf("event %d: data %s, want %s", i, ev.Data, w.Data)
		}
		if diff := cmp.Diff(w.Metadata, ev.Metadata); diff != "" {
			t.Errorf("event %d: metadata (-want +got):\n%s", i, diff)
		}
		if !res.RecordedAt.IsZero() && !res.RecordedAt.Equal(ev.RecordedAt) {
			t.Errorf("event %d: recorded_at %v, the append said %v", i, ev.RecordedAt, res.RecordedAt)
		}
		if ev.RecordedAt.Before(before) || ev.RecordedAt.After(after) {
			t.Errorf("event %d: recorded_at %v not within the append", i, ev.RecordedAt)
		}
		if len(ev.Hash) < 32 {
			t.Errorf("event %d: hash %x too short", i, ev.Hash)
		}
		if i == 0 && ev.Position != res.FirstPosition || i == 2 && ev.Position != res.LastPosition {
			t.Errorf("event %d: position %d, result %+v", i, ev.Position, res)
		}
		if ev.Position <= prevPos {
			t.Errorf("event %d: position %d not after %d", i, ev.Position, prevPos)
		}
		prevPos = ev.Position
	}
	// A zero occurred_at is set by the store to the recording time.
	e := Event(t, "CaseReviewed")
	e.Metadata.OccurredAt = time.Time{}
	mustAppend(t, s, stream, eventstore.Exact(2), e)
	last := mustRead(t, s, stream)[3]
	if last.Metadata.OccurredAt.IsZero() || last.Metadata.OccurredAt.Sub(last.RecordedAt).Abs() > 5*time.Second {
		t.Errorf("zero occurred_at stored as %v (recorded %v)", last.Metadata.OccurredAt, last.RecordedAt)
	}
}

func testExpectedMatrix(t *testing.T, h Harness) {
	s := open(t, h)
	cases := []struct {
		name    string
		present bool
		exp     eventstore.ExpectedRevision
		ok      bool
	}{
		{"absent/any", false, eventstore.Any, true},
		{"absent/no_stream", false, eventstore.NoStream, true},
		{"absent/stream_exists", false, eventstore.StreamExists, false},
		{"absent/exact0", false, eventstore.Exact(0), false},
		{"present/any", true, eventstore.Any, true},
		{"present/no_stream", true, eventstore.NoStream, false},
		{"present/stream_exists", true, eventstore.StreamExists, true},
		{"present/exact_match", true, eventstore.Exact(1), true},
		{"present/exact_behind", true, eventstore.Exact(0), false},
		{"present/exact_ahead", true, eventstore.Exact(5), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stream := Stream("case")
			actual := int64(-1)
			if c.present {
				mustAppend(t, s, stream, eventstore.NoStream, events(t, 2, "E")...)
				actual = 1
			}
			h0 := head(t, s)
			res, err := s.Append(ctxT(t), stream, c.exp, Event(t, "X"))
			if c.ok {
				if err != nil {
					t.Fatalf("append: %v", err)
				}
				if res.LastRevision != uint64(actual+1) {
					t.Fatalf("revision %d, want %d", res.LastRevision, actual+1)
				}
				return
			}
			if !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
				t.Fatalf("err = %v, want ErrWrongExpectedRevision", err)
			}
			var we *eventstore.WrongExpectedRevisionError
			if !errors.As(err, &we) || we.Actual != actual || we.Stream != stream {
				t.Fatalf("err = %#v, want actual %d", we, actual)
			}
			if head(t, s) != h0 {
				t.Fatal("a refused append moved the head")
			}
			if c.present && len(mustRead(t, s, stream)) != 2 {
				t.Fatal("a refused append wrote")
			}
		})
	}
}

func testReadStream(t *testing.T, h Harness) {
	s := open(t, h)
	ctx := ctxT(t)
	_, err := s.ReadStream(ctx, Stream("case"), eventstore.ReadStreamOptions{})
	if !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Fatalf("missing stream: err = %v", err)
	}
	_, err = s.ReadStream(ctx, "no-such-name", eventstore.ReadStreamOptions{})
	if !errors.Is(err, eventstore.ErrInvalidInput) {
		t.Fatalf("bad name: err = %v", err)
	}
	stream := Stream("case")
	mustAppend(t, s, stream, eventstore.NoStream, events(t, 10, "E")...)
	revs := func(evs []eventstore.RecordedEvent) []uint64 {
		out := []uint64{}
		for _, e := range evs {
			out = append(out, e.Revision)
		}
		return out
	}
	for _, c := range []struct {
		name string
		opts eventstore.ReadStreamOptions
		want []uint64
	}{
		{"all", eventstore.ReadStreamOptions{}, []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"from 7", eventstore.ReadStreamOptions{From: 7}, []uint64{7, 8, 9}},
		{"from 2 limit 3", eventstore.ReadStreamOptions{From: 2, Limit: 3}, []uint64{2, 3, 4}},
		{"past the end", eventstore.ReadStreamOptions{From: 10}, []uint64{}},
		{"backward from end limit 2", eventstore.ReadStreamOptions{Direction: eventstore.Backward, From: eventstore.End, Limit: 2}, []uint64{9, 8}},
		{"backward from 3", eventstore.ReadStreamOptions{Direction: eventstore.Backward, From: 3}, []uint64{3, 2, 1, 0}},
	} {
		evs, err := s.ReadStream(ctx, stream, c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if diff := cmp.Diff(c.want, revs(evs)); diff != "" {
			t.Errorf("%s: revisions (-want +got):\n%s", c.name, diff)
		}
	}
}

func testReadAll(t *testing.T, h Harness) {
	s := open(t, h)
	cat := freshCategory()
	start := head(t, s)
	var want []string
	for range 5 {
		in := events(t, 3, "E")
		mustAppend(t, s, Stream(cat), eventstore.NoStream, in...)
		for _, e := range in {
			want = append(want, e.ID.String())
		}
	}
	got := readAllOf(t, s, start, cat)
	var ids []string
	var prev uint64
	for _, ev := range got {
		ids = append(ids, ev.ID.String())
		if ev.Position <= prev {
			t.Fatalf("positions not increasing: %d after %d", ev.Position, prev)
		}
		prev = ev.Position
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Fatalf("read all (-want +got):\n%s", diff)
	}
	if h.Features.ContiguousPositions && got[len(got)-1].Position-got[0].Position != uint64(len(got)-1) {
		t.Fatalf("positions %d..%d for %d events are not contiguous", got[0].Position, got[len(got)-1].Position, len(got))
	}
	// Reading from the middle starts after that position; breaking early stops.
	mid := got[6].Position
	n := 0
	for ev, err := range s.ReadAll(ctxT(t), mid, eventstore.Filter{Categories: []string{cat}}) {
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && ev.ID != got[7].ID {
			t.Fatalf("read after %d started at %v, want %v", mid, ev.ID, got[7].ID)
		}
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Fatalf("read %d events before break", n)
	}
}
