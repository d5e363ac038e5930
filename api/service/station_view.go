package service

import (
	"context"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/org"
	"casework/domain/station"
	"casework/domain/value"
	"casework/eventstore"
)

// StationView is a station as the API shows it: its record as of the
// judged day and its five-haves compliance on that day.
type StationView struct {
	ID           uuid.UUID                       `json:"id"`
	Revision     uint64                          `json:"revision"`
	Name         string                          `json:"name"`
	Township     string                          `json:"township"`
	Pilot        bool                            `json:"pilot"`
	RegisteredOn value.Date                      `json:"registered_on"`
	Site         *station.SiteRecorded           `json:"site,omitempty"`
	Functions    []domain.ServiceDomain          `json:"functions"`
	Staff        []StaffView                     `json:"staff"`
	Rules        []station.StationRuleRegistered `json:"rules"`
	Volunteers   []VolunteerView                 `json:"volunteers"`
	Teams        []station.VolunteerTeamFormed   `json:"teams"`
	// ActivitiesHeld counts every activity; RecentActivities are the last
	// few recorded.
	ActivitiesHeld   int                    `json:"activities_held"`
	RecentActivities []station.ActivityHeld `json:"recent_activities"`
	Compliance       ComplianceView         `json:"compliance"`
}

// StaffView is one person's tenure at a station; InPost and Qualified are
// judged on the view's day (Qualified only for resident social workers).
type StaffView struct {
	StaffID          uuid.UUID           `json:"staff_id"`
	AccountID        *uuid.UUID          `json:"account_id,omitempty"`
	Name             string              `json:"name"`
	Role             station.StaffRole   `json:"role"`
	Employment       station.Employment  `json:"employment"`
	Education        station.Education   `json:"education"`
	BirthDate        value.Date          `json:"birth_date"`
	SocialWorkDegree bool                `json:"social_work_degree"`
	Certificate      station.Certificate `json:"certificate"`
	StartDate        value.Date          `json:"start_date"`
	LeftOn           value.Date          `json:"left_on,omitzero"`
	LeaveReason      string              `json:"leave_reason,omitempty"`
	InPost           bool                `json:"in_post"`
	Qualified        *bool               `json:"qualified,omitempty"`
}

// VolunteerView is one volunteer on the roster.
type VolunteerView struct {
	VolunteerID   uuid.UUID  `json:"volunteer_id"`
	Name          string     `json:"name"`
	Skills        []string   `json:"skills,omitempty"`
	RegisteredOn  value.Date `json:"registered_on"`
	MinutesLogged int        `json:"minutes_logged"`
}

// ComplianceView is a station's five-haves report (station.Compliance)
// with the station's name, its revision (absent when the org unit has no
// station record yet) and the failing checks, each naming its rule and
// the day since which it has failed.
type ComplianceView struct {
	station.Report
	Name     string          `json:"name"`
	Revision *uint64         `json:"revision,omitempty"`
	Failing  []station.Check `json:"failing"`
}

// recentActivities is how many of the latest activities a view lists.
const recentActivities = 20

func newComplianceView(st *station.State, id uuid.UUID, name string, version uint64, on value.Date, w station.Window) ComplianceView {
	r := station.Compliance(st, on, w)
	r.StationID = id
	v := ComplianceView{Report: r, Name: name, Failing: r.Failing()}
	if v.Failing == nil {
		v.Failing = []station.Check{}
	}
	if version > 0 {
		rev := version - 1
		v.Revision = &rev
	}
	return v
}

func newStationView(st *station.State, version uint64, on value.Date) StationView {
	v := StationView{
		ID: st.ID, Revision: version - 1, Name: st.Name, Township: st.Township, Pilot: st.PilotOn(on),
		RegisteredOn: st.RegisteredOn, Functions: []domain.ServiceDomain{}, Staff: []StaffView{},
		Rules: append([]station.StationRuleRegistered{}, st.Rules...), Volunteers: []VolunteerView{},
		Teams: append([]station.VolunteerTeamFormed{}, st.Teams...), ActivitiesHeld: len(st.Activities),
		Compliance: newComplianceView(st, st.ID, st.Name, version, on, station.Window{}),
	}
	// The site and functions in force on the day: the latest effective on
	// or before it, the later event winning a tie (as Compliance reads them).
	for i := range st.Sites {
		x := st.Sites[i]
		if !x.EffectiveOn.After(on) && (v.Site == nil || !x.EffectiveOn.Before(v.Site.EffectiveOn)) {
			v.Site = &x
		}
	}
	var fnOn value.Date
	found := false
	for _, f := range st.Functions {
		if !f.EffectiveOn.After(on) && (!found || !f.EffectiveOn.Before(fnOn)) {
			v.Functions, fnOn, found = append([]domain.ServiceDomain{}, f.Domains...), f.EffectiveOn, true
		}
	}
	for _, m := range st.Staff {
		sv := StaffView{StaffID: m.StaffID, AccountID: m.AccountID, Name: m.Person.Name, Role: m.Role,
			Employment: m.Employment, Education: m.Education, BirthDate: m.BirthDate, SocialWorkDegree: m.SocialWorkDegree,
			Certificate: m.Certificate, StartDate: m.StartDate, LeftOn: m.LeftOn, LeaveReason: m.LeaveReason, InPost: m.InPost(on)}
		if m.Role == station.RoleResidentWorker {
			q := station.Qualified(m.Education, m.BirthDate, on)
			sv.Qualified = &q
		}
		v.Staff = append(v.Staff, sv)
	}
	for _, x := range st.Volunteers {
		v.Volunteers = append(v.Volunteers, VolunteerView{VolunteerID: x.VolunteerID, Name: x.Person.Name,
			Skills: x.Skills, RegisteredOn: x.RegisteredOn, MinutesLogged: x.MinutesLogged})
	}
	acts := st.Activities
	if len(acts) > recentActivities {
		acts = acts[len(acts)-recentActivities:]
	}
	v.RecentActivities = append([]station.ActivityHeld{}, acts...)
	return v
}

// Station returns the station's record now, or as recorded at a past
// revision or time, with its compliance judged on the day of ?as_of (or
// today).
// Errors: ErrNotFound (no record, out of scope, or a role that may not
// read stations), NotFoundError (as_of before the record existed).
func (s *Service) Station(ctx context.Context, p Principal, id uuid.UUID, at At) (StationView, error) {
	if err := s.stationAccess(p, id); err != nil {
		return StationView{}, err
	}
	on := value.DateOf(s.now())
	if at.AsOf != nil {
		on = value.DateOf(*at.AsOf)
	}
	var out StationView
	if at.IsNow() {
		err := s.repos.stations.read(ctx, id, func(st *station.State, version uint64) error {
			if version == 0 {
				return ErrNotFound
			}
			out = newStationView(st, version, on)
			return nil
		})
		return out, err
	}
	st, version, err := foldAt[station.State](ctx, s, eventstore.StreamName(station.Category, id), at)
	if err != nil {
		return StationView{}, err
	}
	if version == 0 {
		return StationView{}, &NotFoundError{Field: "as_of", Message: "the station was not registered yet at that point"}
	}
	return newStationView(st, version, on), nil
}

// StationHistory returns a page of the station's events.
// Errors: as Station.
func (s *Service) StationHistory(ctx context.Context, p Principal, id uuid.UUID, pg Page) (HistoryPage, error) {
	if err := s.stationAccess(p, id); err != nil {
		return HistoryPage{}, err
	}
	return s.history(ctx, p, eventstore.StreamName(station.Category, id), pg)
}

// StationCompliance judges the station's five haves on day on, from every
// fact recorded so far (a fact recorded late counts from its effective
// date), over an activity window w. A zero on means today.
// Errors: ErrNotFound (no record, out of scope, or a role that may not
// read stations).
func (s *Service) StationCompliance(ctx context.Context, p Principal, id uuid.UUID, on value.Date, w station.Window) (ComplianceView, error) {
	if err := s.stationAccess(p, id); err != nil {
		return ComplianceView{}, err
	}
	if on.IsZero() {
		on = value.DateOf(s.now())
	}
	var out ComplianceView
	err := s.repos.stations.read(ctx, id, func(st *station.State, version uint64) error {
		if version == 0 {
			return ErrNotFound
		}
		out = newComplianceView(st, id, st.Name, version, on, w)
		return nil
	})
	return out, err
}

// Compliance judges every open station org unit in the principal's scope
// on day on (zero: today), in tree order. A station unit without a station record shows
// as not registered. It folds each station's stream (cached), until a
// projection serves it.
// Errors: ErrNotFound for a role that may not read stations.
func (s *Service) Compliance(ctx context.Context, p Principal, on value.Date, w station.Window) ([]ComplianceView, error) {
	if !can(p, stationReaders...) {
		return nil, ErrNotFound
	}
	if on.IsZero() {
		on = value.DateOf(s.now())
	}
	t := s.dir.Tree()
	units := scopeUnits(t, p)
	out := []ComplianceView{}
	for _, u := range units {
		if u.Kind != org.KindStation || u.Closed {
			continue
		}
		err := s.repos.stations.read(ctx, u.ID, func(st *station.State, version uint64) error {
			name := st.Name
			if version == 0 {
				name = u.Name
			}
			out = append(out, newComplianceView(st, u.ID, name, version, on, w))
			return nil
		})
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ETagRevision is the revision the view was folded to, the HTTP ETag.
func (v StationView) ETagRevision() uint64 { return v.Revision }
