package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/eventstore"
)

// Event returns an event of type typ with 300–600 bytes of JSON data
// (Chinese text included) and about 200 bytes of metadata, the size of a
// recorded casework step. Benchmarks use it too.
func Event(tb testing.TB, typ string) eventstore.EventData {
	tb.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		tb.Fatal(err)
	}
	notes := strings.Repeat("入户走访，了解老人近况并联系社区医生。", 1+rand.IntN(5))
	data, err := json.Marshal(map[string]any{
		"case_id":  uuid.NewString(),
		"method":   "casework",
		"kind":     "home_visit",
		"date":     "2026-03-30",
		"minutes":  45 + rand.IntN(60),
		"workers":  []string{"0190a7c2-5e4b-7c3d-8a1b-2c3d4e5f6a7b"},
		"notes":    notes,
		"location": "临江镇幸福村",
	})
	if err != nil {
		tb.Fatal(err)
	}
	return eventstore.EventData{
		ID:   id,
		Type: typ,
		Data: data,
		Metadata: eventstore.Metadata{
			Actor:         "0190a7c2-0000-7000-8000-00000000a001",
			Role:          "social_worker",
			OrgUnit:       "0190a7c2-0000-7000-8000-00000000b001",
			CorrelationID: uuid.NewString(),
			CausationID:   uuid.NewString(),
			Reason:        "补录三天前的入户走访",
			Schema:        1,
			OccurredAt:    time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC),
		},
	}
}

// Stream returns a fresh stream name of category cat.
func Stream(cat string) string { return eventstore.StreamName(cat, uuid.Must(uuid.NewV7())) }

// freshCategory returns a category no other test uses, so that a filtered
// read sees only this test's events even on a shared server.
func freshCategory() string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 10)
	for i := range b {
		b[i] = letters[rand.IntN(len(letters))]
	}
	return "t" + string(b)
}

func ctxT(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

func mustAppend(tb testing.TB, s eventstore.Store, stream string, exp eventstore.ExpectedRevision, evs ...eventstore.EventData) eventstore.AppendResult {
	tb.Helper()
	res, err := s.Append(ctxT(tb), stream, exp, evs...)
	if err != nil {
		tb.Fatalf("append %s: %v", stream, err)
	}
	return res
}

func mustRead(tb testing.TB, s eventstore.Store, stream string) []eventstore.RecordedEvent {
	tb.Helper()
	evs, err := s.ReadStream(ctxT(tb), stream, eventstore.ReadStreamOptions{})
	if err != nil {
		tb.Fatalf("read %s: %v", stream, err)
	}
	return evs
}

func head(tb testing.TB, s eventstore.Store) uint64 {
	tb.Helper()
	h, err := s.Head(ctxT(tb))
	if err != nil {
		tb.Fatalf("head: %v", err)
	}
	return h
}

// readAllOf collects the events after position after of the streams of
// category cat.
func readAllOf(tb testing.TB, s eventstore.Store, after uint64, cat string) []eventstore.RecordedEvent {
	tb.Helper()
	var out []eventstore.RecordedEvent
	for ev, err := range s.ReadAll(ctxT(tb), after, eventstore.Filter{Categories: []string{cat}}) {
		if err != nil {
			tb.Fatalf("read all: %v", err)
		}
		out = append(out, ev)
	}
	return out
}

func events(tb testing.TB, n int, typ string) []eventstore.EventData {
	tb.Helper()
	out := make([]eventstore.EventData, n)
	for i := range out {
		out[i] = Event(tb, fmt.Sprintf("%s%d", typ, i%3))
	}
	return out
}
