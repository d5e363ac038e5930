// Package feedtest writes small, realistic logs for the tests and
// benchmarks of the live publications: an org tree of two counties with
// stations and agencies, and referrals that carry a client's name and
// phone, written straight to a store.
package feedtest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/domain/org"
	"casework/domain/referral"
	"casework/eventstore"
)

// The client every referral of a Log carries: tests assert that neither
// value leaves through a publication.
const (
	ClientName  = "陈桂芳"
	ClientPhone = "13800138000"
)

// Log appends to a store. Units names the org units it registered: city,
// countyA, countyB, stationA1, stationA2 (in countyA), stationB1 (in
// countyB), agencyA (under countyA), agencyB (under countyB).
type Log struct {
	Store eventstore.Store
	Units map[string]uuid.UUID
}

// New registers the org tree in store and returns the log.
func New(tb testing.TB, store eventstore.Store) *Log {
	tb.Helper()
	l := &Log{Store: store, Units: map[string]uuid.UUID{}}
	for _, u := range []struct {
		name   string
		kind   org.Kind
		parent string
		div    string
	}{
		{"city", org.KindCity, "", "330100"}, {"countyA", org.KindCounty, "city", "330102"},
		{"countyB", org.KindCounty, "city", "330105"}, {"stationA1", org.KindStation, "countyA", ""},
		{"stationA2", org.KindStation, "countyA", ""}, {"stationB1", org.KindStation, "countyB", ""},
		{"agencyA", org.KindAgency, "countyA", ""}, {"agencyB", org.KindAgency, "countyB", ""},
	} {
		id := newID()
		body := map[string]any{"id": id, "kind": u.kind, "name": u.name}
		if u.parent != "" {
			body["parent_id"] = l.Units[u.parent]
		}
		if u.div != "" {
			body["division_code"] = u.div
		}
		l.Units[u.name] = id
		l.append(tb, eventstore.StreamName(org.Category, id), eventstore.NoStream, event(tb, org.EventOrgUnitRegistered, body))
	}
	return l
}

// Referral appends a ReferralRequested from station to agency (names of
// Units) and returns the referral's id.
func (l *Log) Referral(tb testing.TB, station, agency string) uuid.UUID {
	tb.Helper()
	id, _ := l.ReferralAt(tb, station, agency)
	return id
}

// ReferralAt is Referral that also returns the event's global position,
// known when the append is acknowledged.
func (l *Log) ReferralAt(tb testing.TB, station, agency string) (uuid.UUID, uint64) {
	tb.Helper()
	id := newID()
	res := l.append(tb, eventstore.StreamName(referral.Category, id), eventstore.NoStream, l.requested(tb, id, station, agency))
	return id, res.LastPosition
}

// Bulk appends about n events quickly: referrals from station to agency,
// each requested then accepted perStream-1 times, one append per
// referral (perStream at most eventstore.MaxEventsPerAppend).
func (l *Log) Bulk(tb testing.TB, n, perStream int, station, agency string) {
	tb.Helper()
	for written := 0; written < n; written += perStream {
		id := newID()
		evs := []eventstore.EventData{l.requested(tb, id, station, agency)}
		for len(evs) < perStream {
			evs = append(evs, event(tb, referral.TypeAccepted, map[string]any{"referral_id": id, "reason": "已安排专人对接"}))
		}
		l.append(tb, eventstore.StreamName(referral.Category, id), eventstore.NoStream, evs...)
	}
}

// Referrals appends n referrals from station to agency, each requested
// and then accepted (2n events), in appends of up to 500 events.
func (l *Log) Referrals(tb testing.TB, n int, station, agency string) []uuid.UUID {
	tb.Helper()
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = newID()
		s := eventstore.StreamName(referral.Category, ids[i])
		l.append(tb, s, eventstore.NoStream, l.requested(tb, ids[i], station, agency),
			event(tb, referral.TypeAccepted, map[string]any{"referral_id": ids[i], "reason": "已安排专人对接"}))
	}
	return ids
}

// Accept appends a ReferralAccepted to referral id.
func (l *Log) Accept(tb testing.TB, id uuid.UUID) {
	tb.Helper()
	l.append(tb, eventstore.StreamName(referral.Category, id), eventstore.Any,
		event(tb, referral.TypeAccepted, map[string]any{"referral_id": id, "reason": "已安排专人对接"}))
}

func (l *Log) requested(tb testing.TB, id uuid.UUID, station, agency string) eventstore.EventData {
	tb.Helper()
	return event(tb, referral.TypeRequested, map[string]any{
		"referral_id": id, "case_id": newID(),
		"client":         map[string]any{"id": "client-" + id.String()[:8], "name": ClientName, "birth_year": 1958, "phone": ClientPhone},
		"from":           map[string]any{"worker_id": newID(), "station_id": l.Units[station]},
		"to":             map[string]any{"agency_id": l.Units[agency]},
		"service_domain": "social_assistance", "needs": "申请慈善医疗救助", "priority": "urgent",
		"consent":  map[string]any{"given": true, "given_by": ClientName, "given_at": "2026-03-02T08:30:00+08:00"},
		"due_date": "2026-03-16",
	})
}

func (l *Log) append(tb testing.TB, stream string, exp eventstore.ExpectedRevision, evs ...eventstore.EventData) eventstore.AppendResult {
	tb.Helper()
	res, err := l.Store.Append(context.Background(), stream, exp, evs...)
	if err != nil {
		tb.Fatalf("append %s: %v", stream, err)
	}
	return res
}

func event(tb testing.TB, typ string, body any) eventstore.EventData {
	tb.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		tb.Fatal(err)
	}
	return eventstore.EventData{ID: newID(), Type: typ, Data: data, Metadata: eventstore.Metadata{
		Actor: "feedtest", Role: "system", OrgUnit: "feedtest", Schema: 1, OccurredAt: time.Now()}}
}

func newID() uuid.UUID {
	id, err := uuid.NewV7()
	if err != nil {
		panic(fmt.Sprintf("uuid: %v", err))
	}
	return id
}
