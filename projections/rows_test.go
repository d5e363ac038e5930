package projections_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"casework/eventstore"
	"casework/projections"
	"casework/projections/projtest"
)

// logger writes a row per event, many to a statement; its table refuses
// one event type.
type logger struct {
	projections.Base
	rows *projections.Rows
}

func loggerDef() projections.Def {
	return projections.Def{Name: "logger", Version: 1, New: func(t projections.Tables) projections.Projection {
		l := &logger{}
		l.T = t
		l.rows = l.NewRows(`INSERT INTO `+t.Name("events")+` (position, type) VALUES`, 2, "", 8)
		return l
	}}
}

func (l *logger) Schema() []string {
	return []string{`CREATE TABLE IF NOT EXISTS ` + l.T.Name("events") + ` (position INTEGER PRIMARY KEY,
		type TEXT NOT NULL CHECK (type <> 'ReferralRequested'))`}
}

func (l *logger) Apply(ev *projections.Event) error { return l.rows.Add(ev, ev.Position, ev.Type) }
func (l *logger) Flush() error                      { return l.rows.Flush() }
func (l *logger) Reset()                            { l.rows.Reset() }

func TestRows_FailingRow_StopsAtItsEvent(t *testing.T) {
	dir := t.TempDir()
	store := projtest.OpenStore(t, dir)
	projtest.Generate(t, store, projtest.Options{Cases: 10})
	var first uint64
	for ev, err := range store.ReadAll(context.Background(), 0, eventstore.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Type == "ReferralRequested" {
			first = ev.Position
			break
		}
	}
	if first == 0 {
		t.Fatal("no ReferralRequested generated")
	}
	run := projtest.Start(t, projtest.OpenViews(t, filepath.Join(dir, "views.db")), store, []projections.Def{loggerDef()},
		projections.Options{MaxBatch: 100})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	head, _ := store.Head(ctx)
	err := run.WaitFor(ctx, "logger", head)
	var fe *projections.FailedError
	if !errors.As(err, &fe) || fe.Position != first || fe.Type != "ReferralRequested" {
		t.Fatalf("WaitFor = %v, want the failure at ReferralRequested %d", err, first)
	}
	tb, _ := run.Tables("logger")
	var n, last uint64
	if err := run.DB().Read().QueryRow(`SELECT count(*), coalesce(max(position), 0) FROM `+tb.Name("events")).Scan(&n, &last); err != nil {
		t.Fatal(err)
	}
	pos, _ := run.Position("logger")
	if n != pos || last != pos || pos >= first {
		t.Errorf("%d rows up to %d, checkpoint %d, failing event %d", n, last, pos, first)
	}
}
