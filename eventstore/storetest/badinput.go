package storetest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"casework/eventstore"
)

func testBadInput(t *testing.T, h Harness) {
	s := open(t, h)
	stream := Stream("case")
	mustAppend(t, s, stream, eventstore.NoStream, Event(t, "E"))
	h0 := head(t, s)
	with := func(f func(e *eventstore.EventData)) []eventstore.EventData {
		e := Event(t, "E")
		f(&e)
		return []eventstore.EventData{e}
	}
	dupID := Event(t, "E")
	cases := []struct {
		name, stream, field string
		evs                 []eventstore.EventData
	}{
		{"empty stream name", "", "stream", with(func(*eventstore.EventData) {})},
		{"malformed stream name", "case-123", "stream", with(func(*eventstore.EventData) {})},
		{"upper-case category", "Case-" + uuid.NewString(), "stream", with(func(*eventstore.EventData) {})},
		{"zero events", stream, "events", nil},
		{"empty type", stream, "events[0].type", with(func(e *eventstore.EventData) { e.Type = "" })},
		{"nil id", stream, "events[0].id", with(func(e *eventstore.EventData) { e.ID = uuid.Nil })},
		{"uuid v4 id", stream, "events[0].id", with(func(e *eventstore.EventData) { e.ID = uuid.New() })},
		{"data not JSON", stream, "events[0].data", with(func(e *eventstore.EventData) { e.Data = json.RawMessage(`{"a":`) })},
		{"empty data", stream, "events[0].data", with(func(e *eventstore.EventData) { e.Data = nil })},
		{"data invalid UTF-8", stream, "events[0].data", with(func(e *eventstore.EventData) { e.Data = json.RawMessage("{\"a\":\"\xff\xfe\"}") })},
		{"metadata invalid UTF-8", stream, "events[0].metadata.reason", with(func(e *eventstore.EventData) { e.Metadata.Reason = "\xc3\x28" })},
		{"event over 1 MiB", stream, "events[0].data", with(func(e *eventstore.EventData) {
			e.Data = json.RawMessage(`"` + strings.Repeat("x", eventstore.MaxEventSize) + `"`)
		})},
		{"same id twice", stream, "events[1].id", []eventstore.EventData{dupID, dupID}},
		{"second event bad", stream, "events[1].data", append(with(func(*eventstore.EventData) {}), with(func(e *eventstore.EventData) { e.Data = json.RawMessage(`nope`) })...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Append(ctxT(t), c.stream, eventstore.Any, c.evs...)
			var ie *eventstore.InputError
			if !errors.Is(err, eventstore.ErrInvalidInput) || !errors.As(err, &ie) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			if ie.Field != c.field || ie.Rule == "" {
				t.Fatalf("field %q rule %q, want field %q", ie.Field, ie.Rule, c.field)
			}
			if head(t, s) != h0 {
				t.Fatal("bad input moved the head")
			}
		})
	}
	if n := len(mustRead(t, s, stream)); n != 1 {
		t.Fatalf("stream has %d events after bad input, want 1", n)
	}
}
