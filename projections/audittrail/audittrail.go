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
	return projections.Def{Name: Name, Version: 3, New: func(t projections.Tables) projections.Projection { return newProjection(t) },
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

// streamRef is a stream's number and the number of the unit owning it.
type streamRef struct{ id, owner int64 }

// maxNames bounds the numbers of names kept in memory (see
// projections.CacheBound); past it they are forgotten and read again as
// needed, except those not written to the names table yet, which stay.
const maxNames = 50_000

// The event table stores numbers for its short repeated strings (stream,
// type, actor, role, org units), given in the order they first appear:
// its rows and indexes are a fraction of the size, and building the
// indexes at a rebuild's swap sorts integers instead of strings.
type projection struct {
	projections.Base
	streams    *projections.Cache[string, streamRef]
	names      map[string]int64
	nameBound  int // maxNames, or less in tests
	newStreams []streamRow
	newNames   []nameRow
	// The next numbers to give; 0 until read from the tables.
	nextStream, nextName int64
	rows                 *projections.Rows
}

type streamRow struct {
	name string
	streamRef
}

type nameRow struct {
	id   int64
	name string
}

func newProjection(t projections.Tables) *projection {
	p := &projection{streams: projections.NewCache[string, streamRef](50_000), names: map[string]int64{},
		nameBound: projections.CacheBound(maxNames)}
	p.T = t
	// Many rows to a statement: an event's row costs a fraction of a
	// statement of its own.
	p.rows = p.NewRows(`INSERT INTO `+t.Name("events")+` (position, stream, revision, type, actor, role, org_unit, owner,
		recorded_at, occurred_at, reason, correlation_id, summary) VALUES`, 13, "", 64)
	return p
}

func (p *projection) Schema() []string {
	e := p.T.Name("events")
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + p.T.Name("names") + ` (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)`,
		`CREATE TABLE IF NOT EXISTS ` + p.T.Name("streams") + ` (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
			owner INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS ` + e + ` (position INTEGER PRIMARY KEY, stream INTEGER NOT NULL,
			revision INTEGER NOT NULL, type INTEGER NOT NULL, actor INTEGER NOT NULL, role INTEGER NOT NULL,
			org_unit INTEGER NOT NULL, owner INTEGER NOT NULL, recorded_at INTEGER NOT NULL, occurred_at INTEGER NOT NULL,
			reason TEXT NOT NULL, correlation_id TEXT NOT NULL, summary TEXT NOT NULL)`,
		// Each index ends with the rowid, the position: an owner's, an
		// actor's, a type's or a stream's events are counted and paged in
		// position order within the auditor's units from the index alone.
		`CREATE INDEX IF NOT EXISTS ` + e + `_owner ON ` + e + ` (owner)`,
		`CREATE INDEX IF NOT EXISTS ` + e + `_actor ON ` + e + ` (actor, owner)`,
		`CREATE INDEX IF NOT EXISTS ` + e + `_type ON ` + e + ` (type, owner)`,
		`CREATE INDEX IF NOT EXISTS ` + e + `_stream ON ` + e + ` (stream)`,
	}
}

func (p *projection) Apply(ev *projections.Event) error {
	d, ok := ev.Prepared(Name)
	if !ok {
		d = prepare(ev)
	}
	s, err := p.stream(ev, d.(derived))
	if err != nil {
		return err
	}
	m := ev.Metadata
	var ids [4]int64
	for i, n := range [...]string{ev.Type, m.Actor, m.Role, m.OrgUnit} {
		if ids[i], err = p.name(n); err != nil {
			return err
		}
	}
	return p.rows.Add(ev, ev.Position, s.id, ev.Revision, ids[0], ids[1], ids[2], ids[3], s.owner,
		ev.RecordedAt.UnixNano(), m.OccurredAt.UnixNano(), m.Reason, m.CorrelationID, d.(derived).summary)
}

// stream finds a stream's number and its owner's, numbering a stream the
// first time it appears and taking its owner from its first event.
func (p *projection) stream(ev *projections.Event, d derived) (streamRef, error) {
	if s, ok := p.streams.Get(ev.Stream); ok {
		return *s, nil
	}
	var s streamRef
	err := sql.ErrNoRows
	// A stream's first event has no row stored yet: no need to look.
	if ev.Revision > 0 {
		err = p.QueryRow(`SELECT id, owner FROM `+p.T.Name("streams")+` WHERE name = ?`, ev.Stream).Scan(&s.id, &s.owner)
	}
	switch {
	case err == nil:
	case errors.Is(err, sql.ErrNoRows):
		owner := d.owner
		if ev.Revision > 0 {
			owner = ownerOf(ev)
		}
		if s.owner, err = p.name(owner); err != nil {
			return s, err
		}
		if s.id, err = p.next(&p.nextStream, "streams"); err != nil {
			return s, err
		}
		p.newStreams = append(p.newStreams, streamRow{ev.Stream, s})
	default:
		return s, err
	}
	p.streams.Put(ev.Stream, &s)
	return s, nil
}

// name returns the number of a name, numbering it the first time it
// appears.
func (p *projection) name(n string) (int64, error) {
	if id, ok := p.names[n]; ok {
		return id, nil
	}
	var id int64
	err := p.QueryRow(`SELECT id FROM `+p.T.Name("names")+` WHERE name = ?`, n).Scan(&id)
	switch {
	case err == nil:
	case errors.Is(err, sql.ErrNoRows):
		if id, err = p.next(&p.nextName, "names"); err != nil {
			return 0, err
		}
		p.newNames = append(p.newNames, nameRow{id, n})
	default:
		return 0, err
	}
	if len(p.names) >= p.nameBound {
		clear(p.names)
		for _, r := range p.newNames { // not in the table yet
			p.names[r.name] = r.id
		}
	}
	p.names[n] = id
	return id, nil
}

// next gives the next number of table, reading where its numbers stand
// the first time.
func (p *projection) next(counter *int64, table string) (int64, error) {
	if *counter == 0 {
		if err := p.QueryRow(`SELECT coalesce(max(id), 0) + 1 FROM ` + p.T.Name(table)).Scan(counter); err != nil {
			return 0, err
		}
	}
	*counter++
	return *counter - 1, nil
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
	for _, n := range p.newNames {
		if err := p.Exec(`INSERT INTO `+p.T.Name("names")+` (id, name) VALUES (?, ?)`, n.id, n.name); err != nil {
			return err
		}
	}
	p.newNames = p.newNames[:0]
	for _, s := range p.newStreams {
		if err := p.Exec(`INSERT INTO `+p.T.Name("streams")+` (id, name, owner) VALUES (?, ?, ?)`, s.streamRef.id, s.name, s.owner); err != nil {
			return err
		}
	}
	p.newStreams = p.newStreams[:0]
	return p.streams.Dirty(func(string, *streamRef) error { return nil })
}

// Reset forgets the numbers given in the batch rolled back, and where the
// numbering stood.
func (p *projection) Reset() {
	p.rows.Reset()
	p.streams.Reset()
	clear(p.names)
	p.newNames, p.newStreams = p.newNames[:0], p.newStreams[:0]
	p.nextName, p.nextStream = 0, 0
}
