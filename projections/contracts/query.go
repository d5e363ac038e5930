package contracts

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"casework/domain/contract"
	"casework/projections"
	"casework/projections/viewq"
)

// Filter selects contracts. A contract is in scope when its bureau or one
// of its stations is in Scope; for an evaluator (StationsOnly) only the
// stations count.
type Filter struct {
	Scope        viewq.Scope
	StationsOnly bool
	ContractID   string
	Phase        string
	Sort         string
	Page         viewq.Page
}

// Contract is one stored contract, folded.
type Contract struct {
	ID       string
	Revision uint64
	State    contract.State
}

var sorts = map[string]string{"opened_on": "opened_on", "title": "title", "phase": "phase"}

// List returns the contracts f selects, one page, and how many there are.
// Errors: *viewq.SortError; database errors.
func List(ctx context.Context, db *sql.DB, t projections.Tables, f Filter) ([]Contract, int, error) {
	order, err := viewq.OrderBy(f.Sort, sorts, "opened_on", "contract_id")
	if err != nil {
		return nil, 0, err
	}
	var w viewq.Where
	if !f.Scope.All {
		sc, sargs := f.Scope.Clause("value")
		cond := `EXISTS (SELECT 1 FROM json_each(stations) WHERE ` + sc + `)`
		args := sargs
		if !f.StationsOnly {
			bc, bargs := f.Scope.Clause("bureau_unit")
			cond = "(" + bc + " OR " + cond + ")"
			args = append(bargs, sargs...)
		}
		w.Add(cond, args...)
	}
	if f.ContractID != "" {
		w.Add("contract_id = ?", f.ContractID)
	}
	if f.Phase != "" {
		w.Add("phase = ?", f.Phase)
	}
	tbl := t.Name("contracts")
	var total int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+tbl+w.SQL(), w.Args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	lim, largs := f.Page.Clause()
	rows, err := db.QueryContext(ctx, `SELECT contract_id, revision, state FROM `+tbl+w.SQL()+order+lim, append(w.Args, largs...)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Contract
	for rows.Next() {
		var c Contract
		var blob []byte
		if err := rows.Scan(&c.ID, &c.Revision, &blob); err != nil {
			return nil, 0, err
		}
		if err := json.Unmarshal(blob, &c.State); err != nil {
			return nil, 0, fmt.Errorf("contract %s: %w", c.ID, err)
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}
