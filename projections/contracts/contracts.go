// Package contracts is the read model of purchase-of-services contracts:
// one row per contract with its bureau, covered stations and phase, and the
// contract folded by the domain (contract.State), from which the view
// derives each cycle year's reports due / submitted / late / missing,
// staffing, funds, evaluation and renewal as of any date with the domain's
// own rules (contract.ReportStatus, StaffingStatus, Funds, NextDeadline).
package contracts

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"casework/domain/contract"
	"casework/eventstore"
	"casework/projections"
)

// Name is the projection's name.
const Name = "contracts"

// Def is the projection's definition.
func Def() projections.Def {
	return projections.Def{Name: Name, Version: 1, New: func(t projections.Tables) projections.Projection { return newProjection(t) }}
}

type projection struct {
	projections.Base
	cache *projections.Cache[string, contract.State]
}

func newProjection(t projections.Tables) *projection {
	p := &projection{cache: projections.NewCache[string, contract.State](10_000)}
	p.T = t
	return p
}

func (p *projection) Schema() []string {
	c := p.T.Name("contracts")
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + c + ` (contract_id TEXT PRIMARY KEY, bureau_unit TEXT NOT NULL, stations TEXT NOT NULL,
			phase TEXT NOT NULL, title TEXT NOT NULL, opened_on TEXT NOT NULL, revision INTEGER NOT NULL, state BLOB NOT NULL)`,
	}
}

func (p *projection) Apply(ev *projections.Event) error {
	if eventstore.Category(ev.Stream) != contract.Category {
		return nil
	}
	de, err := ev.Domain()
	if err != nil {
		return err
	}
	st, err := p.state(ev.Stream)
	if err != nil {
		return err
	}
	st.Apply(de)
	p.cache.Put(ev.Stream, st)
	return nil
}

func (p *projection) state(stream string) (*contract.State, error) {
	if st, ok := p.cache.Get(stream); ok {
		return st, nil
	}
	st := &contract.State{}
	var blob []byte
	err := p.QueryRow(`SELECT state FROM `+p.T.Name("contracts")+` WHERE contract_id = ?`, streamID(stream)).Scan(&blob)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return st, nil
	case err != nil:
		return nil, err
	}
	if err := json.Unmarshal(blob, st); err != nil {
		return nil, fmt.Errorf("stored state of %s: %w", stream, err)
	}
	return st, nil
}

func (p *projection) Flush() error {
	return p.cache.Dirty(func(stream string, st *contract.State) error {
		if !st.Exists {
			return nil
		}
		blob, err := json.Marshal(st)
		if err != nil {
			return err
		}
		stations, _ := json.Marshal(st.Stations)
		return p.Exec(`INSERT OR REPLACE INTO `+p.T.Name("contracts")+` (contract_id, bureau_unit, stations, phase, title, opened_on, revision, state)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, streamID(stream), st.BureauUnit, string(stations), string(st.Phase), st.Title,
			st.OpenedOn.String(), st.Version-1, blob)
	})
}

func (p *projection) Reset() { p.cache.Reset() }

func streamID(stream string) string {
	_, id, _ := strings.Cut(stream, "-")
	return id
}
