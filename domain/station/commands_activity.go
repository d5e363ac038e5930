package station

import (
	"slices"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// HoldActivityInput records an activity the station held.
type HoldActivityInput struct {
	ActivityID      uuid.UUID            `json:"activity_id"`
	Kind            ActivityKind         `json:"kind"`
	Title           string               `json:"title"`
	Date            value.Date           `json:"date"`
	DurationMinutes int                  `json:"duration_minutes"`
	Attendance      int                  `json:"attendance"`
	ContractID      *uuid.UUID           `json:"contract_id,omitempty"`
	ProjectID       *uuid.UUID           `json:"project_id,omitempty"`
	Domain          domain.ServiceDomain `json:"domain"`
	Volunteers      []uuid.UUID          `json:"volunteers,omitempty"`
}

// HoldActivity records a group session (小组), community activity (社区活动),
// training or other activity. Attributed to a contract, it counts toward
// that contract's targets (the application layer checks the contract
// covers this station).
//
// Rules: station.hold_activity.role_allowed (Forbidden);
// station.hold_activity.requires_registered (Conflict);
// station.hold_activity.id_unique, station.hold_activity.kind_known,
// station.hold_activity.title_required, station.hold_activity.date_valid,
// station.hold_activity.duration_range (1 to 1440 minutes),
// station.hold_activity.attendance_positive,
// station.hold_activity.domain_known,
// station.hold_activity.volunteers_registered (Invalid).
func (s *State) HoldActivity(cmd domain.Cmd, in HoldActivityInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdHoldActivity); err != nil {
		return nil, err
	}
	var v domain.Violations
	used := slices.ContainsFunc(s.Activities, func(a ActivityHeld) bool { return a.ActivityID == in.ActivityID })
	v.Add(idUnique(rule(cmdHoldActivity, "id_unique"), "activity_id", in.ActivityID, used))
	if !in.Kind.Valid() {
		v.Add(domain.Invalid(rule(cmdHoldActivity, "kind_known"), "kind",
			"kind must be one of group_session, community_activity, training, other"))
	}
	title, err := text(rule(cmdHoldActivity, "title_required"), "title", in.Title, 200)
	v.Add(err)
	v.Add(s.checkDate(cmd, cmdHoldActivity, "date", in.Date))
	if in.DurationMinutes < 1 || in.DurationMinutes > 24*60 {
		v.Add(domain.Invalid(rule(cmdHoldActivity, "duration_range"), "duration_minutes", "between 1 and 1440 minutes"))
	}
	if in.Attendance < 1 {
		v.Add(domain.Invalid(rule(cmdHoldActivity, "attendance_positive"), "attendance", "at least one participant attended"))
	}
	if !in.Domain.Valid() {
		v.Add(domain.Invalid(rule(cmdHoldActivity, "domain_known"), "domain",
			"domain must be one of the eight service domains"))
	}
	v.Add(s.checkVolunteers(rule(cmdHoldActivity, "volunteers_registered"), "volunteers", in.Volunteers))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{ActivityHeld{
		ActivityID: in.ActivityID, Kind: in.Kind, Title: title, Date: in.Date,
		DurationMinutes: in.DurationMinutes, Attendance: in.Attendance,
		ContractID: optID(in.ContractID), ProjectID: optID(in.ProjectID),
		Domain: in.Domain, Volunteers: slices.Clone(in.Volunteers),
	}}, nil
}
