package storetest

import (
	"errors"
	"testing"

	"casework/eventstore"
)

func testIdempotent(t *testing.T, h Harness) {
	s := open(t, h)
	stream := Stream("case")
	in := events(t, 2, "E")
	orig := mustAppend(t, s, stream, eventstore.NoStream, in...)
	if got := mustRead(t, s, stream)[0].RecordedAt; !orig.RecordedAt.IsZero() && !got.Equal(orig.RecordedAt) {
		t.Fatalf("append said recorded at %v, read %v", orig.RecordedAt, got)
	}
	h0 := head(t, s)
	for _, exp := range []eventstore.ExpectedRevision{eventstore.NoStream, eventstore.Any, eventstore.StreamExists, eventstore.Exact(0), eventstore.Exact(9)} {
		res, err := s.Append(ctxT(t), stream, exp, in...)
		if err != nil || res != orig {
			t.Fatalf("retry with %s: %+v, %v; want %+v", exp, res, err, orig)
		}
	}
	if head(t, s) != h0 || len(mustRead(t, s, stream)) != 2 {
		t.Fatal("a retry wrote")
	}
	// Still a retry after the stream moved on.
	mustAppend(t, s, stream, eventstore.Exact(1), Event(t, "Later"))
	if res, err := s.Append(ctxT(t), stream, eventstore.NoStream, in...); err != nil || res != orig {
		t.Fatalf("retry after more events: %+v, %v", res, err)
	}
	h1 := head(t, s)
	refused := map[string]func() error{
		"other content": func() error {
			e := in[0]
			e.Data = []byte(`{"changed":true}`)
			_, err := s.Append(ctxT(t), stream, eventstore.Any, e)
			return err
		},
		"other order": func() error {
			_, err := s.Append(ctxT(t), stream, eventstore.Any, in[1], in[0])
			return err
		},
		"mixed with a new event": func() error {
			_, err := s.Append(ctxT(t), stream, eventstore.Any, Event(t, "New"), in[0])
			return err
		},
	}
	if h.Features.CrossStreamDuplicates {
		refused["other stream"] = func() error {
			_, err := s.Append(ctxT(t), Stream("case"), eventstore.Any, in[0])
			return err
		}
	}
	for name, f := range refused {
		if err := f(); !errors.Is(err, eventstore.ErrDuplicateEventID) {
			t.Errorf("%s: err = %v, want ErrDuplicateEventID", name, err)
		}
	}
	if head(t, s) != h1 {
		t.Fatal("a refused duplicate wrote")
	}
}

func testIdempotentReopen(t *testing.T, h Harness) {
	if h.Reopen == nil {
		t.Skip("the harness cannot reopen a store")
	}
	s := h.New(t)
	stream := Stream("case")
	in := events(t, 3, "E")
	orig := mustAppend(t, s, stream, eventstore.NoStream, in...)
	s = h.Reopen(t, s)
	defer s.Close()
	h0 := head(t, s)
	res, err := s.Append(ctxT(t), stream, eventstore.NoStream, in...)
	if err != nil || res != orig {
		t.Fatalf("retry after reopen: %+v, %v; want %+v", res, err, orig)
	}
	if head(t, s) != h0 {
		t.Fatal("a retry after reopen wrote")
	}
	// The reopened store continues the stream and its chain.
	mustAppend(t, s, stream, eventstore.Exact(2), Event(t, "After"))
	if err := s.Verify(ctxT(t), stream); err != nil {
		t.Fatalf("verify after reopen: %v", err)
	}
}
