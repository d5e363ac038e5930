// Package station is a township social-work station (社工站) and its
// "five haves" (有场地、有人员、有功能、有制度、有活动, seed 000): site,
// staff roster, service functions, registered rules, volunteers and
// activities as events on one stream per station, and their compliance
// computed as a pure function of the folded state (Compliance).
package station

import (
	"slices"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Category is the stream category of stations; the stream id is the
// station's org unit id.
const Category = "station"

// State is one station folded from its stream. Histories are kept in event
// order with their effective dates, so that compliance can be judged as of
// any date.
type State struct {
	// Version is the number of events applied.
	Version  uint64
	Exists   bool
	ID       uuid.UUID
	Name     string
	Township string
	// Pilot is the latest pilot status; RegisteredPilot the status at
	// registration and PilotChanges the history since.
	Pilot           bool
	RegisteredPilot bool
	PilotChanges    []PilotStatusChanged
	RegisteredOn    value.Date

	Sites      []SiteRecorded
	Functions  []StationFunctionsRecorded
	Staff      []StaffMember
	Rules      []StationRuleRegistered
	Volunteers []Volunteer
	Teams      []VolunteerTeamFormed
	Activities []ActivityHeld
}

// StaffMember is one person's tenure at the station.
type StaffMember struct {
	StaffAssigned
	// LeftOn is the first day no longer in post; zero while in post.
	LeftOn      value.Date
	LeaveReason string
}

// InPost reports whether the member is in post on day d.
func (m StaffMember) InPost(d value.Date) bool {
	return !d.Before(m.StartDate) && (m.LeftOn.IsZero() || d.Before(m.LeftOn))
}

// Volunteer is one volunteer on the roster with the time they served.
type Volunteer struct {
	VolunteerRegistered
	MinutesLogged int
}

// Apply folds one event into the state. It never fails; unknown payloads
// only advance the version.
func (s *State) Apply(e domain.Event) {
	s.Version++
	switch p := e.Payload.(type) {
	case StationRegistered:
		s.Exists = true
		s.ID = p.StationID
		s.Name = p.Name
		s.Township = p.Township
		s.Pilot = p.Pilot
		s.RegisteredPilot = p.Pilot
		s.RegisteredOn = p.RegisteredOn
	case PilotStatusChanged:
		s.Pilot = p.Pilot
		s.PilotChanges = append(s.PilotChanges, p)
	case SiteRecorded:
		s.Sites = append(s.Sites, p)
	case StationFunctionsRecorded:
		p.Domains = slices.Clone(p.Domains)
		s.Functions = append(s.Functions, p)
	case StaffAssigned:
		if p.AccountID != nil {
			id := *p.AccountID
			p.AccountID = &id
		}
		s.Staff = append(s.Staff, StaffMember{StaffAssigned: p})
	case StaffLeft:
		if i := s.staffIndex(p.StaffID); i >= 0 {
			s.Staff[i].LeftOn = p.Date
			s.Staff[i].LeaveReason = p.Reason
		}
	case StationRuleRegistered:
		s.Rules = append(s.Rules, p)
	case VolunteerRegistered:
		p.Skills = slices.Clone(p.Skills)
		s.Volunteers = append(s.Volunteers, Volunteer{VolunteerRegistered: p})
	case VolunteerHoursLogged:
		if i := s.volunteerIndex(p.VolunteerID); i >= 0 {
			s.Volunteers[i].MinutesLogged += p.Minutes
		}
	case VolunteerTeamFormed:
		p.Members = slices.Clone(p.Members)
		s.Teams = append(s.Teams, p)
	case ActivityHeld:
		p.Volunteers = slices.Clone(p.Volunteers)
		if p.ContractID != nil {
			id := *p.ContractID
			p.ContractID = &id
		}
		if p.ProjectID != nil {
			id := *p.ProjectID
			p.ProjectID = &id
		}
		s.Activities = append(s.Activities, p)
	}
}

func (s *State) staffIndex(id uuid.UUID) int {
	return slices.IndexFunc(s.Staff, func(m StaffMember) bool { return m.StaffID == id })
}

func (s *State) volunteerIndex(id uuid.UUID) int {
	return slices.IndexFunc(s.Volunteers, func(v Volunteer) bool { return v.VolunteerID == id })
}

// PilotOn reports whether the station was a pilot station on day d.
func (s *State) PilotOn(d value.Date) bool {
	// The change in force is the one with the latest date on or before d,
	// the later event winning a tie.
	pilot := s.RegisteredPilot
	var best value.Date
	for _, c := range s.PilotChanges {
		if !c.EffectiveOn.After(d) && !c.EffectiveOn.Before(best) {
			pilot, best = c.Pilot, c.EffectiveOn
		}
	}
	return pilot
}

// Member returns the staff member id, and whether they were ever assigned.
func (s *State) Member(id uuid.UUID) (StaffMember, bool) {
	if i := s.staffIndex(id); i >= 0 {
		return s.Staff[i], true
	}
	return StaffMember{}, false
}

// Volunteer returns volunteer id, and whether they are registered.
func (s *State) Volunteer(id uuid.UUID) (Volunteer, bool) {
	if i := s.volunteerIndex(id); i >= 0 {
		return s.Volunteers[i], true
	}
	return Volunteer{}, false
}

// InPost returns the staff in post on day d, in assignment order.
func (s *State) InPost(d value.Date) []StaffMember {
	var out []StaffMember
	for _, m := range s.Staff {
		if m.InPost(d) {
			out = append(out, m)
		}
	}
	return out
}
