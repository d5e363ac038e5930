package audittrail_test

import (
	"context"
	"path/filepath"
	"testing"

	"casework/projections"
	"casework/projections/audittrail"
	"casework/projections/projtest"
	"casework/projections/viewq"
)

func TestList_CountsUpToTheLimit_AndSaysWhenMoreMatch(t *testing.T) {
	dir := t.TempDir()
	store := projtest.OpenStore(t, dir)
	w := projtest.Generate(t, store, projtest.Options{Cases: 20})
	r := projtest.Start(t, projtest.OpenViews(t, filepath.Join(dir, "views.db")), store,
		[]projections.Def{audittrail.Def()}, projections.Options{})
	projtest.WaitHead(t, r, store, audittrail.Name)
	tables, err := r.Tables(audittrail.Name)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := r.DB().Read()
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
