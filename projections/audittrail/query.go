package audittrail

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"casework/projections"
	"casework/projections/viewq"
)

// Filter selects events of streams owned in Scope; the other fields narrow
// when set. From and To bound the recording time (To exclusive).
type Filter struct {
	Scope   viewq.Scope
	Actor   string
	Stream  string
	Type    string
	OrgUnit string // the owning unit
	From    time.Time
	To      time.Time
	Sort    string
	Page    viewq.Page
}

// Entry is one event of the trail.
type Entry struct {
	Position      uint64    `json:"position"`
	Stream        string    `json:"stream"`
	Revision      uint64    `json:"revision"`
	Type          string    `json:"type"`
	Actor         string    `json:"actor"`
	Role          string    `json:"role"`
	OrgUnit       string    `json:"org_unit"`
	OwnerUnit     string    `json:"owner_unit"`
	RecordedAt    time.Time `json:"recorded_at"`
	OccurredAt    time.Time `json:"occurred_at"`
	Reason        string    `json:"reason,omitempty"`
	CorrelationID string    `json:"correlation_id,omitempty"`
	Summary       string    `json:"summary"`
}

// sorts maps the sort keys to columns of the event table; names are
// sorted as text, not by their numbers.
func sorts(t projections.Tables) map[string]string {
	return map[string]string{"position": "position", "recorded_at": "recorded_at", "occurred_at": "occurred_at",
		"type": nameOf(t, "type"), "actor": nameOf(t, "actor")}
}

// nameOf is the name a numbered column of the event table stands for.
func nameOf(t projections.Tables, col string) string {
	return "(SELECT name FROM " + t.Name("names") + " WHERE id = " + col + ")"
}

// CountLimit bounds how many matching events List counts: a county's
// trail holds hundreds of thousands, and counting them all would cost more
// than the page.
const CountLimit = 10_000

var countLimit = CountLimit

// List returns the entries f selects, one page, and how many there are, up
// to CountLimit; capped reports that more match.
// Errors: *viewq.SortError; database errors.
func List(ctx context.Context, db *sql.DB, t projections.Tables, f Filter) (page []Entry, total int, capped bool, err error) {
	if v := t.Version(); v != 0 && v <= legacyVersion {
		return listLegacy(ctx, db, t, f)
	}
	order, err := viewq.OrderBy(f.Sort, sorts(t), "-position", "position")
	if err != nil {
		return nil, 0, false, err
	}
	names := t.Name("names")
	var w viewq.Where
	if !f.Scope.All {
		c, args := f.Scope.Clause("name")
		w.Add("owner IN (SELECT id FROM "+names+" WHERE "+c+")", args...)
	}
	// A name never seen matches nothing: its number is NULL.
	for col, v := range map[string]string{"actor": f.Actor, "type": f.Type, "owner": f.OrgUnit} {
		if v != "" {
			w.Add(col+" = (SELECT id FROM "+names+" WHERE name = ?)", v)
		}
	}
	if f.Stream != "" {
		w.Add("stream = (SELECT id FROM "+t.Name("streams")+" WHERE name = ?)", f.Stream)
	}
	f.recorded(&w)
	// The page is chosen first; only its rows have their names looked up.
	tbl := t.Name("events")
	lim, largs := f.Page.Clause()
	return read(ctx, db, tbl, w, `SELECT position, (SELECT name FROM `+t.Name("streams")+` WHERE id = stream), revision,
		`+nameOf(t, "type")+`, `+nameOf(t, "actor")+`, `+nameOf(t, "role")+`, `+nameOf(t, "org_unit")+`, `+nameOf(t, "owner")+`,
		recorded_at, occurred_at, reason, correlation_id, summary
		FROM (SELECT * FROM `+tbl+w.SQL()+order+lim+`)`+order, append(w.Args, largs...))
}

// recorded adds f's bounds on the recording time to w.
func (f Filter) recorded(w *viewq.Where) {
	if !f.From.IsZero() {
		w.Add("recorded_at >= ?", f.From.UnixNano())
	}
	if !f.To.IsZero() {
		w.Add("recorded_at < ?", f.To.UnixNano())
	}
}

// read counts the events of tbl that w selects, up to countLimit, and
// reads a page with query, whose columns are Entry's in order.
func read(ctx context.Context, db *sql.DB, tbl string, w viewq.Where, query string, args []any) (page []Entry, total int, capped bool, err error) {
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+tbl+w.SQL()+` LIMIT ?)`,
		append(slices.Clip(w.Args), countLimit+1)...).Scan(&total); err != nil {
		return nil, 0, false, err
	}
	if total > countLimit {
		total, capped = countLimit, true
	}
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, false, err
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		var rec, occ int64
		if err := rows.Scan(&e.Position, &e.Stream, &e.Revision, &e.Type, &e.Actor, &e.Role, &e.OrgUnit, &e.OwnerUnit, &rec, &occ,
			&e.Reason, &e.CorrelationID, &e.Summary); err != nil {
			return nil, 0, false, err
		}
		e.RecordedAt, e.OccurredAt = time.Unix(0, rec).UTC(), time.Unix(0, occ).UTC()
		out = append(out, e)
	}
	return out, total, capped, rows.Err()
}
