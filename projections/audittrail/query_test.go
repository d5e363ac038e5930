package audittrail_test

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"casework/domain/catalog"
	"casework/eventstore"
	"casework/eventstore/sqlite"

	"casework/projections"
	"casework/projections/audittrail"
	"casework/projections/projtest"
	"casework/projections/viewq"
)

// startTrail generates a log of n cases and runs the audit trail over it
// until it has caught up.
func startTrail(t *testing.T, n int) (*sqlite.Store, projtest.World, *sql.DB, projections.Tables) {
	t.Helper()
	dir := t.TempDir()
	store := projtest.OpenStore(t, dir)
	w := projtest.Generate(t, store, projtest.Options{Cases: n})
	r := projtest.Start(t, projtest.OpenViews(t, filepath.Join(dir, "views.db")), store,
		[]projections.Def{audittrail.Def()}, projections.Options{})
	projtest.WaitHead(t, r, store, audittrail.Name)
	tables, err := r.Tables(audittrail.Name)
	if err != nil {
		t.Fatal(err)
	}
	return store, w, r.DB().Read(), tables
}

func TestList_CountsUpToTheLimit_AndSaysWhenMoreMatch(t *testing.T) {
	store, w, db, tables := startTrail(t, 20)
	ctx := context.Background()
	head, _ := store.Head(ctx)
	list := func(f audittrail.Filter) (int, bool, int) {
		t.Helper()
		page, total, capped, err := audittrail.List(ctx, db, tables, f)
		if err != nil {
			t.Fatal(err)
		}
		return total, capped, len(page)
	}
	all := audittrail.Filter{Scope: viewq.Scope{All: true}, Page: viewq.Page{Limit: 10}}
	if total, capped, n := list(all); total != int(head) || capped || n != 10 {
		t.Fatalf("every event: total %d capped %v, %d on the page; want %d, false, 10", total, capped, n, head)
	}

	restore := audittrail.SetCountLimit(100)
	defer restore()
	if total, capped, n := list(all); total != 100 || !capped || n != 10 {
		t.Errorf("past the limit: total %d capped %v, %d on the page; want 100, true, 10", total, capped, n)
	}
	// The last page past the limit still reads.
	last := all
	last.Page.Offset = int(head) - 3
	if _, _, n := list(last); n != 3 {
		t.Errorf("offset %d: %d on the page, want 3", last.Page.Offset, n)
	}
	one := all
	one.Stream = "case-" + w.Cases[0].String()
	if total, capped, _ := list(one); total == 0 || total > 100 || capped {
		t.Errorf("one case's events: total %d capped %v, want its exact count", total, capped)
	}
	exact := audittrail.SetCountLimit(int(head))
	defer exact()
	if total, capped, _ := list(all); total != int(head) || capped {
		t.Errorf("exactly at the limit: total %d capped %v, want %d, false", total, capped, head)
	}
}

// TestList_SelectsAndSortsAsTheLogSays reads the whole trail, checks it
// against the log event by event, then checks every filter and sort of
// List against the same selection made here from that trail.
func TestList_SelectsAndSortsAsTheLogSays(t *testing.T) {
	store, w, db, tables := startTrail(t, 12)
	ctx := context.Background()
	list := func(f audittrail.Filter) []audittrail.Entry {
		t.Helper()
		var out []audittrail.Entry
		for f.Page = (viewq.Page{Limit: 97}); ; f.Page.Offset += f.Page.Limit {
			page, _, _, err := audittrail.List(ctx, db, tables, f)
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			out = append(out, page...)
			if len(page) < f.Page.Limit {
				return out
			}
		}
	}

	all := list(audittrail.Filter{Scope: viewq.Scope{All: true}, Sort: "position"})
	owners := map[string]string{}
	i := 0
	for ev, err := range store.ReadAll(ctx, 0, eventstore.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(all) {
			t.Fatalf("the trail has %d events, the log more", len(all))
		}
		e, m := all[i], ev.Metadata
		if e.Position != ev.Position || e.Stream != ev.Stream || e.Revision != ev.Revision || e.Type != ev.Type ||
			e.Actor != m.Actor || e.Role != m.Role || e.OrgUnit != m.OrgUnit || e.Reason != m.Reason ||
			e.CorrelationID != m.CorrelationID || !e.RecordedAt.Equal(ev.RecordedAt) || !e.OccurredAt.Equal(m.OccurredAt) {
			t.Fatalf("entry %d is %+v, the log's event %+v", i, e, ev)
		}
		if o, ok := owners[e.Stream]; ok && o != e.OwnerUnit {
			t.Fatalf("%s is owned by %s at position %d, by %s before", e.Stream, e.OwnerUnit, e.Position, o)
		}
		owners[e.Stream] = e.OwnerUnit
		i++
	}
	if i != len(all) {
		t.Fatalf("the trail has %d events, the log %d", len(all), i)
	}

	station := w.Stations[0][0].String()
	mid := all[len(all)/2].RecordedAt
	filters := []struct {
		f    audittrail.Filter
		keep func(audittrail.Entry) bool
	}{
		{audittrail.Filter{Scope: viewq.Scope{Units: []string{station}}}, func(e audittrail.Entry) bool { return e.OwnerUnit == station }},
		{audittrail.Filter{Scope: viewq.Scope{Units: []string{"no-such-unit"}}}, func(audittrail.Entry) bool { return false }},
		{audittrail.Filter{Scope: viewq.Scope{}}, func(audittrail.Entry) bool { return false }},
		{audittrail.Filter{Scope: viewq.Scope{All: true}, Actor: all[len(all)-1].Actor}, func(e audittrail.Entry) bool { return e.Actor == all[len(all)-1].Actor }},
		{audittrail.Filter{Scope: viewq.Scope{All: true}, Actor: "nobody"}, func(audittrail.Entry) bool { return false }},
		{audittrail.Filter{Scope: viewq.Scope{All: true}, Type: "ServiceDelivered"}, func(e audittrail.Entry) bool { return e.Type == "ServiceDelivered" }},
		{audittrail.Filter{Scope: viewq.Scope{All: true}, Stream: "case-" + w.Cases[3].String()}, func(e audittrail.Entry) bool { return e.Stream == "case-"+w.Cases[3].String() }},
		{audittrail.Filter{Scope: viewq.Scope{All: true}, Stream: "case-unknown"}, func(audittrail.Entry) bool { return false }},
		{audittrail.Filter{Scope: viewq.Scope{All: true}, OrgUnit: station}, func(e audittrail.Entry) bool { return e.OwnerUnit == station }},
		{audittrail.Filter{Scope: viewq.Scope{Units: []string{station, w.Stations[0][1].String()}}, Type: "CaseOpened", From: mid},
			func(e audittrail.Entry) bool {
				return (e.OwnerUnit == station || e.OwnerUnit == w.Stations[0][1].String()) && e.Type == "CaseOpened" && !e.RecordedAt.Before(mid)
			}},
		{audittrail.Filter{Scope: viewq.Scope{All: true}, To: mid}, func(e audittrail.Entry) bool { return e.RecordedAt.Before(mid) }},
	}
	keys := map[string]func(a, b audittrail.Entry) int{
		"position":    func(a, b audittrail.Entry) int { return cmp.Compare(a.Position, b.Position) },
		"recorded_at": func(a, b audittrail.Entry) int { return a.RecordedAt.Compare(b.RecordedAt) },
		"occurred_at": func(a, b audittrail.Entry) int { return a.OccurredAt.Compare(b.OccurredAt) },
		"type":        func(a, b audittrail.Entry) int { return strings.Compare(a.Type, b.Type) },
		"actor":       func(a, b audittrail.Entry) int { return strings.Compare(a.Actor, b.Actor) },
	}
	for _, fc := range filters {
		var want []audittrail.Entry
		for _, e := range all {
			if fc.keep(e) {
				want = append(want, e)
			}
		}
		if len(want) == len(all) {
			t.Fatalf("%+v keeps every event: the check would prove nothing", fc.f)
		}
		for key, by := range keys {
			for _, desc := range []bool{false, true} {
				f := fc.f
				f.Sort = key
				if desc {
					f.Sort = "-" + key
				}
				sorted := slices.Clone(want)
				slices.SortStableFunc(sorted, func(a, b audittrail.Entry) int {
					c := by(a, b)
					if desc {
						c = -c
					}
					return cmp.Or(c, cmp.Compare(a.Position, b.Position))
				})
				got := list(f)
				if len(got) != len(sorted) {
					t.Fatalf("%+v: %d entries, want %d", f, len(got), len(sorted))
				}
				for i := range got {
					if got[i].Position != sorted[i].Position {
						t.Fatalf("%+v: entry %d is position %d, want %d", f, i, got[i].Position, sorted[i].Position)
					}
				}
			}
		}
	}
}

// TestList_ReadsVersion2WhileVersion3IsRebuilt sets up the tables version
// 2 left (names as text) as the generation that serves, then opens the
// runner with version 3: until the rebuild swaps version 3 in, List reads
// the old layout, and both give the same trail.
func TestList_ReadsVersion2WhileVersion3IsRebuilt(t *testing.T) {
	store, _, db, tables := startTrail(t, 6)
	ctx := context.Background()
	all, _, _, err := audittrail.List(ctx, db, tables, audittrail.Filter{Scope: viewq.Scope{All: true}, Page: viewq.Page{Limit: viewq.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	head, _ := store.Head(ctx)
	if len(all) != int(head) {
		t.Fatalf("%d entries for %d events", len(all), head)
	}

	path := filepath.Join(t.TempDir(), "views.db")
	views := projtest.OpenViews(t, path)
	old, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	stmts := []string{
		`CREATE TABLE audit_g1_events (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL,
			type TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, org_unit TEXT NOT NULL, owner_unit TEXT NOT NULL,
			recorded_at INTEGER NOT NULL, occurred_at INTEGER NOT NULL, reason TEXT NOT NULL, correlation_id TEXT NOT NULL,
			summary TEXT NOT NULL)`,
		`CREATE TABLE audit_g1_streams (stream TEXT PRIMARY KEY, owner_unit TEXT NOT NULL) WITHOUT ROWID`,
		`INSERT INTO projection_state (name, gen, version, position, active) VALUES ('audit', 1, 2, ` + fmt.Sprint(head) + `, 1)`,
	}
	for _, q := range stmts {
		if _, err := old.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range all {
		if _, err := old.Exec(`INSERT INTO audit_g1_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Position, e.Stream, e.Revision,
			e.Type, e.Actor, e.Role, e.OrgUnit, e.OwnerUnit, e.RecordedAt.UnixNano(), e.OccurredAt.UnixNano(), e.Reason,
			e.CorrelationID, e.Summary); err != nil {
			t.Fatal(err)
		}
	}
	r, err := projections.Open(ctx, views, store, catalog.Registry(), []projections.Def{audittrail.Def()}, projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var opened audittrail.Entry
	for _, e := range all {
		if e.Type == "CaseOpened" {
			opened = e
		}
	}
	check := func(when string, wantVersion int) {
		t.Helper()
		tb, err := r.Tables(audittrail.Name)
		if err != nil {
			t.Fatal(err)
		}
		if tb.Version() != wantVersion {
			t.Fatalf("%s: version %d serves, want %d", when, tb.Version(), wantVersion)
		}
		for _, f := range []audittrail.Filter{
			{Scope: viewq.Scope{All: true}},
			{Scope: viewq.Scope{Units: []string{all[len(all)-1].OwnerUnit}}, Sort: "-type"},
			{Scope: viewq.Scope{All: true}, Actor: all[len(all)-1].Actor, Sort: "actor"},
			{Scope: viewq.Scope{All: true}, Stream: all[len(all)-1].Stream},
			{Scope: viewq.Scope{All: true}, Type: "CaseOpened", OrgUnit: opened.OwnerUnit, To: opened.RecordedAt.Add(time.Nanosecond)},
		} {
			f.Page.Limit = viewq.MaxLimit
			got, _, _, err := audittrail.List(ctx, views.Read(), tb, f)
			if err != nil {
				t.Fatalf("%s: %+v: %v", when, f, err)
			}
			want, _, _, err := audittrail.List(ctx, db, tables, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 || !slices.EqualFunc(got, want, func(a, b audittrail.Entry) bool {
				at, bt := a, b
				at.RecordedAt, at.OccurredAt, bt.RecordedAt, bt.OccurredAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
				return at == bt && a.RecordedAt.Equal(b.RecordedAt) && a.OccurredAt.Equal(b.OccurredAt)
			}) {
				t.Fatalf("%s: %+v: %d entries differ from the %d of version 3", when, f, len(got), len(want))
			}
		}
	}
	check("before the rebuild", 2)
	if err := r.Rebuild(ctx, audittrail.Name); err != nil {
		t.Fatal(err)
	}
	check("after the rebuild", audittrail.Def().Version)
}
