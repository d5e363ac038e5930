package audittrail

import (
	"context"
	"database/sql"

	"casework/projections"
	"casework/projections/viewq"
)

// legacyVersion is the last version whose event table held names as text.
// After an upgrade its tables serve until version 3 has been rebuilt and
// swapped in, so List still reads them.
const legacyVersion = 2

var legacySorts = map[string]string{"position": "position", "recorded_at": "recorded_at", "occurred_at": "occurred_at", "type": "type", "actor": "actor"}

// listLegacy is List over the tables of version 2.
func listLegacy(ctx context.Context, db *sql.DB, t projections.Tables, f Filter) (page []Entry, total int, capped bool, err error) {
	order, err := viewq.OrderBy(f.Sort, legacySorts, "-position", "position")
	if err != nil {
		return nil, 0, false, err
	}
	var w viewq.Where
	c, args := f.Scope.Clause("owner_unit")
	w.Add(c, args...)
	for col, v := range map[string]string{"actor": f.Actor, "stream": f.Stream, "type": f.Type, "owner_unit": f.OrgUnit} {
		if v != "" {
			w.Add(col+" = ?", v)
		}
	}
	f.recorded(&w)
	tbl := t.Name("events")
	lim, largs := f.Page.Clause()
	return read(ctx, db, tbl, w, `SELECT position, stream, revision, type, actor, role, org_unit, owner_unit, recorded_at,
		occurred_at, reason, correlation_id, summary FROM `+tbl+w.SQL()+order+lim, append(w.Args, largs...))
}
