// Package delivery is the read model of what stations delivered, day by
// day: cases opened and closed by service domain, services by method
// (with minutes), referrals by final outcome, activities by kind (with
// minutes and attendance), volunteers registered and volunteer minutes.
// Each fact keeps the day it happened and the day it was recorded, so that
// a count "as of" a date includes only what was known then. Contract
// cycles count targets against it; quarterly roll-ups sum it up the org
// tree.
package delivery

import (
	"database/sql"
	"errors"
	"strings"

	"casework/domain/casefile"
	"casework/domain/referral"
	"casework/domain/station"
	"casework/domain/value"
	"casework/eventstore"
	"casework/projections"
)

// Name is the projection's name.
const Name = "delivery"

// Metrics of the facts table.
const (
	MetricCaseOpened     = "case_opened"     // key: service domain
	MetricCaseClosed     = "case_closed"     // key: service domain
	MetricService        = "service"         // key: method (casework, group, community)
	MetricReferralFinal  = "referral_final"  // key: final status
	MetricActivity       = "activity"        // key: activity kind
	MetricVolunteer      = "volunteer"       // volunteers registered
	MetricVolunteerHours = "volunteer_hours" // minutes logged
)

// Def is the projection's definition.
func Def() projections.Def {
	return projections.Def{Name: Name, Version: 1, New: func(t projections.Tables) projections.Projection { return newProjection(t) }}
}

type fact struct {
	station, day, recorded, metric, key string
}

type amount struct{ n, minutes, attendance int }

type caseInfo struct{ station, domain string }

type projection struct {
	projections.Base
	facts     map[fact]*amount
	cases     *projections.Cache[string, caseInfo]
	newCases  map[string]caseInfo
	referrals *projections.Cache[string, string]
	newRefs   map[string]string
	factRows  *projections.Rows
	caseRows  *projections.Rows
	refRows   *projections.Rows
}

func newProjection(t projections.Tables) *projection {
	p := &projection{facts: map[fact]*amount{}, cases: projections.NewCache[string, caseInfo](50_000),
		newCases: map[string]caseInfo{}, referrals: projections.NewCache[string, string](20_000), newRefs: map[string]string{}}
	p.T = t
	p.factRows = p.NewRows(`INSERT INTO `+t.Name("facts")+` (station_id, day, recorded_day, metric, key, n, minutes, attendance) VALUES`, 8,
		`ON CONFLICT DO UPDATE SET n = n + excluded.n, minutes = minutes + excluded.minutes, attendance = attendance + excluded.attendance`, 64)
	p.caseRows = p.NewRows(`INSERT OR REPLACE INTO `+t.Name("cases")+` (case_id, station_id, domain) VALUES`, 3, "", 64)
	p.refRows = p.NewRows(`INSERT OR REPLACE INTO `+t.Name("referrals")+` (referral_id, station_id) VALUES`, 2, "", 64)
	return p
}

func (p *projection) Schema() []string {
	f := p.T.Name("facts")
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + f + ` (station_id TEXT NOT NULL, day TEXT NOT NULL, recorded_day TEXT NOT NULL,
			metric TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL, minutes INTEGER NOT NULL, attendance INTEGER NOT NULL,
			PRIMARY KEY (station_id, day, recorded_day, metric, key)) WITHOUT ROWID`,
		`CREATE INDEX IF NOT EXISTS ` + f + `_day ON ` + f + ` (day, station_id)`,
		`CREATE TABLE IF NOT EXISTS ` + p.T.Name("cases") + ` (case_id TEXT PRIMARY KEY, station_id TEXT NOT NULL, domain TEXT NOT NULL) WITHOUT ROWID`,
		`CREATE TABLE IF NOT EXISTS ` + p.T.Name("referrals") + ` (referral_id TEXT PRIMARY KEY, station_id TEXT NOT NULL) WITHOUT ROWID`,
	}
}

func (p *projection) add(st string, day value.Date, ev *projections.Event, metric, key string, a amount) {
	f := fact{st, day.String(), value.DateOf(ev.RecordedAt).String(), metric, key}
	x := p.facts[f]
	if x == nil {
		x = &amount{}
		p.facts[f] = x
	}
	x.n += a.n
	x.minutes += a.minutes
	x.attendance += a.attendance
}

func (p *projection) Apply(ev *projections.Event) error {
	cat := eventstore.Category(ev.Stream)
	if cat != casefile.Category && cat != referral.Category && cat != station.Category {
		return nil
	}
	de, err := ev.Domain()
	if err != nil {
		return err
	}
	switch pl := de.Payload.(type) {
	case casefile.CaseOpened:
		ci := caseInfo{pl.StationID, string(pl.Domain)}
		p.cases.Put(ev.Stream, &ci)
		p.newCases[ev.Stream] = ci
		p.add(ci.station, value.DateOf(pl.OpenedAt), ev, MetricCaseOpened, ci.domain, amount{n: 1})
	case casefile.CaseClosed:
		ci, err := p.caseOf(ev.Stream)
		if err != nil || ci == nil {
			return err
		}
		p.add(ci.station, pl.ClosedOn, ev, MetricCaseClosed, ci.domain, amount{n: 1})
	case casefile.ServiceDelivered:
		ci, err := p.caseOf(ev.Stream)
		if err != nil || ci == nil {
			return err
		}
		p.add(ci.station, pl.OccurredOn, ev, MetricService, pl.Method, amount{n: 1, minutes: pl.DurationMinutes})
	case referral.Requested:
		st := pl.From.StationID
		p.referrals.Put(ev.Stream, &st)
		p.newRefs[ev.Stream] = st
	case referral.Rejected, referral.Completed, referral.Failed, referral.Cancelled:
		st, err := p.referralOf(ev.Stream)
		if err != nil || st == "" {
			return err
		}
		status := map[string]referral.Status{referral.TypeRejected: referral.StatusRejected, referral.TypeCompleted: referral.StatusCompleted,
			referral.TypeFailed: referral.StatusFailed, referral.TypeCancelled: referral.StatusCancelled}[ev.Type]
		p.add(st, value.DateOf(ev.Metadata.OccurredAt), ev, MetricReferralFinal, string(status), amount{n: 1})
	case station.ActivityHeld:
		p.add(streamID(ev.Stream), pl.Date, ev, MetricActivity, string(pl.Kind), amount{n: 1, minutes: pl.DurationMinutes, attendance: pl.Attendance})
	case station.VolunteerRegistered:
		p.add(streamID(ev.Stream), pl.RegisteredOn, ev, MetricVolunteer, "", amount{n: 1})
	case station.VolunteerHoursLogged:
		p.add(streamID(ev.Stream), pl.Date, ev, MetricVolunteerHours, "", amount{n: 1, minutes: pl.Minutes})
	}
	return nil
}

func (p *projection) caseOf(stream string) (*caseInfo, error) {
	if ci, ok := p.cases.Get(stream); ok {
		return ci, nil
	}
	var ci caseInfo
	err := p.QueryRow(`SELECT station_id, domain FROM `+p.T.Name("cases")+` WHERE case_id = ?`, stream).Scan(&ci.station, &ci.domain)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.cases.Put(stream, &ci)
	return &ci, nil
}

func (p *projection) referralOf(stream string) (string, error) {
	if st, ok := p.referrals.Get(stream); ok {
		return *st, nil
	}
	var st string
	err := p.QueryRow(`SELECT station_id FROM `+p.T.Name("referrals")+` WHERE referral_id = ?`, stream).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	p.referrals.Put(stream, &st)
	return st, nil
}

func (p *projection) Flush() error {
	for f, a := range p.facts {
		if err := p.factRows.Add(nil, f.station, f.day, f.recorded, f.metric, f.key, a.n, a.minutes, a.attendance); err != nil {
			return err
		}
	}
	clear(p.facts)
	for s, ci := range p.newCases {
		if err := p.caseRows.Add(nil, s, ci.station, ci.domain); err != nil {
			return err
		}
	}
	clear(p.newCases)
	for s, st := range p.newRefs {
		if err := p.refRows.Add(nil, s, st); err != nil {
			return err
		}
	}
	clear(p.newRefs)
	for _, r := range []*projections.Rows{p.factRows, p.caseRows, p.refRows} {
		if err := r.Flush(); err != nil {
			return err
		}
	}
	// The caches hold only what is stored now; nothing is dirty.
	_ = p.cases.Dirty(func(string, *caseInfo) error { return nil })
	return p.referrals.Dirty(func(string, *string) error { return nil })
}

func (p *projection) Reset() {
	clear(p.facts)
	clear(p.newCases)
	clear(p.newRefs)
	p.cases.Reset()
	p.referrals.Reset()
	p.factRows.Reset()
	p.caseRows.Reset()
	p.refRows.Reset()
}

func streamID(stream string) string {
	_, id, _ := strings.Cut(stream, "-")
	return id
}
