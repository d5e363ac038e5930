// Package audittrail is the read model of every event as an auditor reads
// it: who (actor, role, org unit), when (recorded and occurred), what
// (type, stream, revision and a readable summary of the payload's
// non-sensitive fields), why (reason) and the correlation id; each stream
// is owned by the org unit it belongs to (a case's station, a contract's
// bureau, a unit itself), which scopes who may read it.
package audittrail

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"casework/domain/contract"
	"casework/domain/org"
	"casework/domain/station"
	"casework/eventstore"
	"casework/projections"
)

// Name is the projection's name.
const Name = "audit"

// Def is the projection's definition.
func Def() projections.Def {
	return projections.Def{Name: Name, Version: 2, New: func(t projections.Tables) projections.Projection { return newProjection(t) },
		Prepare: func(ev *projections.Event) any { return prepare(ev) }}
}

// derived is what an event's row needs from the event alone.
type derived struct {
	summary string
	owner   string // from a stream's first event only
}

func prepare(ev *projections.Event) derived {
	d := derived{summary: Summary(ev.Type, ev.Data)}
	if ev.Revision == 0 {
		d.owner = ownerOf(ev)
	}
	return d
}

type projection struct {
	projections.Base
	owners *projections.Cache[string, string]
	fresh  map[string]string
	rows   *projections.Rows
}

func newProjection(t projections.Tables) *projection {
	p := &projection{owners: projections.NewCache[string, string](50_000), fresh: map[string]string{}}
	p.T = t
	// Many rows to a statement: an event's row costs a fraction of a
	// statement of its own.
	p.rows = p.NewRows(`INSERT INTO `+t.Name("events")+` (position, stream, revision, type, actor, role, org_unit, owner_unit,
		recorded_at, occurred_at, reason, correlation_id, summary) VALUES`, 13, "", 64)
	return p
}

func (p *projection) Schema() []string {
	e, s := p.T.Name("events"), p.T.Name("streams")
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + e + ` (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL,
			type TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, org_unit TEXT NOT NULL, owner_unit TEXT NOT NULL,
			recorded_at INTEGER NOT NULL, occurred_at INTEGER NOT NULL, reason TEXT NOT NULL, correlation_id TEXT NOT NULL,
			summary TEXT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS ` + e + `_owner ON ` + e + ` (owner_unit, position)`,
		// An actor's or a type's events are counted and paged within the
		// auditor's units from the index alone.
		`CREATE INDEX IF NOT EXISTS ` + e + `_actor ON ` + e + ` (actor, owner_unit, position)`,
		`CREATE INDEX IF NOT EXISTS ` + e + `_type ON ` + e + ` (type, owner_unit, position)`,
		`CREATE INDEX IF NOT EXISTS ` + e + `_stream ON ` + e + ` (stream, position)`,
		`CREATE TABLE IF NOT EXISTS ` + s + ` (stream TEXT PRIMARY KEY, owner_unit TEXT NOT NULL) WITHOUT ROWID`,
	}
}

func (p *projection) Apply(ev *projections.Event) error {
	d, ok := ev.Prepared(Name)
	if !ok {
		d = prepare(ev)
	}
	owner, err := p.owner(ev, d.(derived))
	if err != nil {
		return err
	}
	m := ev.Metadata
	return p.rows.Add(ev, ev.Position, ev.Stream, ev.Revision, ev.Type, m.Actor, m.Role, m.OrgUnit, owner,
		ev.RecordedAt.UnixNano(), m.OccurredAt.UnixNano(), m.Reason, m.CorrelationID, d.(derived).summary)
}

// owner finds the org unit a stream belongs to, from its first event.
func (p *projection) owner(ev *projections.Event, d derived) (string, error) {
	if o, ok := p.owners.Get(ev.Stream); ok {
		return *o, nil
	}
	var o string
	err := sql.ErrNoRows
	// A stream's first event has no owner stored yet: no need to look.
	if ev.Revision > 0 {
		err = p.QueryRow(`SELECT owner_unit FROM `+p.T.Name("streams")+` WHERE stream = ?`, ev.Stream).Scan(&o)
	}
	switch {
	case err == nil:
	case errors.Is(err, sql.ErrNoRows):
		o = d.owner
		if ev.Revision > 0 {
			o = ownerOf(ev)
		}
		p.fresh[ev.Stream] = o
	default:
		return "", err
	}
	p.owners.Put(ev.Stream, &o)
	return o, nil
}

// ownerOf reads the owning unit from a stream's first event: the stream's
// own id for stations and org units, else the payload's station or bureau,
// else the actor's org unit.
func ownerOf(ev *projections.Event) string {
	_, id, _ := strings.Cut(ev.Stream, "-")
	switch eventstore.Category(ev.Stream) {
	case station.Category, org.Category:
		return id
	case contract.Category:
		var c struct {
			BureauUnit string `json:"bureau_unit"`
		}
		if json.Unmarshal(ev.Data, &c) == nil && c.BureauUnit != "" {
			return c.BureauUnit
		}
	}
	var f struct {
		StationID string `json:"station_id"`
		OrgUnit   string `json:"org_unit"`
		From      struct {
			StationID string `json:"station_id"`
		} `json:"from"`
	}
	if json.Unmarshal(ev.Data, &f) == nil {
		for _, u := range []string{f.StationID, f.From.StationID, f.OrgUnit} {
			if u != "" {
				return u
			}
		}
	}
	return ev.Metadata.OrgUnit
}

func (p *projection) Flush() error {
	if err := p.rows.Flush(); err != nil {
		return err
	}
	for s, o := range p.fresh {
		if err := p.Exec(`INSERT OR REPLACE INTO `+p.T.Name("streams")+` (stream, owner_unit) VALUES (?, ?)`, s, o); err != nil {
			return err
		}
	}
	clear(p.fresh)
	return p.owners.Dirty(func(string, *string) error { return nil })
}

func (p *projection) Reset() {
	p.rows.Reset()
	clear(p.fresh)
	p.owners.Reset()
}
