package kurrentdb_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"casework/eventstore"
	"casework/eventstore/kurrentdb"
	"casework/eventstore/storetest"
)

// serverURL returns the server of the conformance run, or skips.
func serverURL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("CASEWORK_KURRENTDB_URL")
	if url == "" {
		tb.Skip("CASEWORK_KURRENTDB_URL is not set: start the cluster with docker compose up -d and set it to esdb://localhost:2113?tls=false to run the KurrentDB conformance suite")
	}
	return url
}

func mustOpen(tb testing.TB, url string) *kurrentdb.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := kurrentdb.Open(ctx, kurrentdb.Options{URL: url})
	if err != nil {
		tb.Fatalf("open %s: %v", url, err)
	}
	return s
}

func TestConformance(t *testing.T) {
	url := serverURL(t)
	storetest.Run(t, storetest.Harness{
		New: func(tb testing.TB) eventstore.Store { return mustOpen(tb, url) },
		Reopen: func(tb testing.TB, s eventstore.Store) eventstore.Store {
			if err := s.Close(); err != nil {
				tb.Fatalf("close: %v", err)
			}
			return mustOpen(tb, url)
		},
		Features: storetest.Features{
			// Commit positions grow by the size of each record.
			ContiguousPositions: false,
			// KurrentDB keeps no index by event ID: a duplicate ID in
			// another stream is not detected (see the package doc).
			CrossStreamDuplicates: false,
			// KurrentDB events are immutable: no stored byte of an
			// existing revision can be flipped behind the store's back.
			// TestVerify_ForgedEvent_NamesRevision covers tampering with
			// the only means there is, a forged event appended with the
			// raw client.
			Tamper: nil,
		},
	})
}

// TestVerify_ForgedEvent_NamesRevision appends, with the raw client, an
// event whose metadata carries a wrong chain hash, as someone bypassing the
// store would: Verify must name its revision.
func TestVerify_ForgedEvent_NamesRevision(t *testing.T) {
	url := serverURL(t)
	s := mustOpen(t, url)
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	stream := eventstore.StreamName("case", uuid.Must(uuid.NewV7()))
	ev := func() eventstore.EventData {
		return eventstore.EventData{
			ID: uuid.Must(uuid.NewV7()), Type: "CaseNoteAdded", Data: json.RawMessage(`{"note":"入户走访"}`),
			Metadata: eventstore.Metadata{Actor: "sw-1", Role: "social_worker", OrgUnit: "station-1", Schema: 1},
		}
	}
	if _, err := s.Append(ctx, stream, eventstore.NoStream, ev(), ev()); err != nil {
		t.Fatalf("append: %v", err)
	}
	if err := s.Verify(ctx, stream); err != nil {
		t.Fatalf("verify before forging: %v", err)
	}

	cfg, err := esdb.ParseConnectionString(url)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := esdb.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	forged := ev()
	meta, _ := json.Marshal(map[string]any{"actor": "sw-1", "role": "social_worker", "org_unit": "station-1", "schema": 1,
		"occurred_at": time.Now().UTC(), "hash": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"})
	if _, err := raw.AppendToStream(ctx, stream, esdb.AppendToStreamOptions{ExpectedRevision: esdb.Revision(1)},
		esdb.EventData{EventID: forged.ID, EventType: forged.Type, ContentType: esdb.ContentTypeJson, Data: forged.Data, Metadata: meta}); err != nil {
		t.Fatalf("forge: %v", err)
	}

	err = s.Verify(ctx, stream)
	var te *eventstore.TamperError
	if !errors.As(err, &te) || te.Stream != stream || te.Revision != 2 {
		t.Fatalf("Verify after forging = %v, want a TamperError naming %s revision 2", err, stream)
	}
}
