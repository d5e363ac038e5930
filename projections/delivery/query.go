package delivery

import (
	"context"
	"database/sql"

	"casework/domain/value"
	"casework/projections"
	"casework/projections/viewq"
)

// Filter selects facts: of the stations in Scope, that happened From..To
// (inclusive; zero ends are open), recorded on or before AsOf (zero: any).
type Filter struct {
	Scope    viewq.Scope
	From, To value.Date
	AsOf     value.Date
}

// Total is the sum of one metric and key at one station.
type Total struct {
	StationID  string
	Metric     string
	Key        string
	N          int
	Minutes    int
	Attendance int
}

// Totals sums the facts f selects by station, metric and key.
// Errors: database errors.
func Totals(ctx context.Context, db *sql.DB, t projections.Tables, f Filter) ([]Total, error) {
	var w viewq.Where
	c, args := f.Scope.Clause("station_id")
	w.Add(c, args...)
	if !f.From.IsZero() {
		w.Add("day >= ?", f.From.String())
	}
	if !f.To.IsZero() {
		w.Add("day <= ?", f.To.String())
	}
	if !f.AsOf.IsZero() {
		w.Add("recorded_day <= ?", f.AsOf.String())
	}
	rows, err := db.QueryContext(ctx, `SELECT station_id, metric, key, sum(n), sum(minutes), sum(attendance) FROM `+
		t.Name("facts")+w.SQL()+` GROUP BY station_id, metric, key`, w.Args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Total
	for rows.Next() {
		var x Total
		if err := rows.Scan(&x.StationID, &x.Metric, &x.Key, &x.N, &x.Minutes, &x.Attendance); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
