// Package compliance is the read model of stations' five haves: one row
// per station with the station folded by the domain (station.State), from
// which the view judges compliance as of any date with the domain's own
// rules (station.Compliance): each have met or not, the failing rule,
// since when.
package compliance

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"casework/domain/station"
	"casework/eventstore"
	"casework/projections"
	"casework/projections/viewq"
)

// Name is the projection's name.
const Name = "compliance"

// Def is the projection's definition.
func Def() projections.Def {
	return projections.Def{Name: Name, Version: 1, New: func(t projections.Tables) projections.Projection { return newProjection(t) }}
}

type projection struct {
	projections.Base
	cache *projections.Cache[string, station.State]
}

func newProjection(t projections.Tables) *projection {
	p := &projection{cache: projections.NewCache[string, station.State](5_000)}
	p.T = t
	return p
}

func (p *projection) Schema() []string {
	return []string{`CREATE TABLE IF NOT EXISTS ` + p.T.Name("stations") + ` (station_id TEXT PRIMARY KEY, name TEXT NOT NULL,
		revision INTEGER NOT NULL, state BLOB NOT NULL)`}
}

func (p *projection) Apply(ev *projections.Event) error {
	if eventstore.Category(ev.Stream) != station.Category {
		return nil
	}
	de, err := ev.Domain()
	if err != nil {
		return err
	}
	st, ok := p.cache.Get(ev.Stream)
	if !ok {
		st = &station.State{}
		var blob []byte
		err := p.QueryRow(`SELECT state FROM `+p.T.Name("stations")+` WHERE station_id = ?`, streamID(ev.Stream)).Scan(&blob)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			if err := json.Unmarshal(blob, st); err != nil {
				return fmt.Errorf("stored state of %s: %w", ev.Stream, err)
			}
		}
	}
	st.Apply(de)
	p.cache.Put(ev.Stream, st)
	return nil
}

func (p *projection) Flush() error {
	return p.cache.Dirty(func(stream string, st *station.State) error {
		blob, err := json.Marshal(st)
		if err != nil {
			return err
		}
		return p.Exec(`INSERT OR REPLACE INTO `+p.T.Name("stations")+` (station_id, name, revision, state) VALUES (?, ?, ?, ?)`,
			streamID(stream), st.Name, st.Version-1, blob)
	})
}

func (p *projection) Reset() { p.cache.Reset() }

func streamID(stream string) string {
	_, id, _ := strings.Cut(stream, "-")
	return id
}

// Station is one stored station, folded.
type Station struct {
	ID       string
	Revision uint64
	State    station.State
}

// Stations returns the stored stations in scope, by id.
// Errors: database errors.
func Stations(ctx context.Context, db *sql.DB, t projections.Tables, scope viewq.Scope) (map[string]Station, error) {
	c, args := scope.Clause("station_id")
	rows, err := db.QueryContext(ctx, `SELECT station_id, revision, state FROM `+t.Name("stations")+` WHERE `+c, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Station{}
	for rows.Next() {
		var s Station
		var blob []byte
		if err := rows.Scan(&s.ID, &s.Revision, &blob); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(blob, &s.State); err != nil {
			return nil, fmt.Errorf("station %s: %w", s.ID, err)
		}
		out[s.ID] = s
	}
	return out, rows.Err()
}
