package station

import (
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Stable event type names of the station stream.
const (
	EventStationRegistered        = "StationRegistered"
	EventPilotStatusChanged       = "PilotStatusChanged"
	EventSiteRecorded             = "SiteRecorded"
	EventStationFunctionsRecorded = "StationFunctionsRecorded"
	EventStaffAssigned            = "StaffAssigned"
	EventStaffLeft                = "StaffLeft"
	EventStationRuleRegistered    = "StationRuleRegistered"
	EventVolunteerRegistered      = "VolunteerRegistered"
	EventVolunteerHoursLogged     = "VolunteerHoursLogged"
	EventVolunteerTeamFormed      = "VolunteerTeamFormed"
	EventActivityHeld             = "ActivityHeld"
)

// Every payload carries the calendar date from which its fact holds, so
// that compliance can be judged as of any date and "since when" is
// derivable from the stream alone.

// StationRegistered opens a station's stream; StationID equals the org
// unit id of the station (and the stream id).
type StationRegistered struct {
	StationID uuid.UUID `json:"station_id"`
	Name      string    `json:"name"`
	Township  string    `json:"township"`
	// Pilot marks a pilot station (试点), which needs at least three
	// resident social workers (seed 001).
	Pilot        bool       `json:"pilot"`
	RegisteredOn value.Date `json:"registered_on"`
}

// PilotStatusChanged designates the station a pilot station (试点), or ends
// that designation, from EffectiveOn.
type PilotStatusChanged struct {
	Pilot       bool       `json:"pilot"`
	EffectiveOn value.Date `json:"effective_on"`
}

// SiteRecorded records the station's premises as of EffectiveOn,
// replacing any earlier record from that date on.
type SiteRecorded struct {
	EffectiveOn value.Date `json:"effective_on"`
	// ActivityAreaM2 is the activity space in whole square metres.
	ActivityAreaM2  int    `json:"activity_area_m2"`
	CounsellingRoom bool   `json:"counselling_room"` // 个案咨询室
	GroupRoom       bool   `json:"group_room"`       // 小组活动室
	Address         string `json:"address"`          // the station's public address
}

// StationFunctionsRecorded records the service domains the station offers
// from EffectiveOn, replacing the earlier list.
type StationFunctionsRecorded struct {
	EffectiveOn value.Date             `json:"effective_on"`
	Domains     []domain.ServiceDomain `json:"domains"`
}

// StaffPerson holds the personal fields of a staff member.
type StaffPerson struct {
	// Not sensitive: the staff roster is posted at the station; DOMAIN §8 lists client data only.
	Name string `json:"name"`
}

// StaffAssigned puts a person in post at the station from StartDate.
type StaffAssigned struct {
	StaffID uuid.UUID `json:"staff_id"`
	// AccountID links the person's login account, when they have one.
	AccountID        *uuid.UUID  `json:"account_id,omitempty"`
	Person           StaffPerson `json:"person"`
	Role             StaffRole   `json:"role"`
	Employment       Employment  `json:"employment"`
	Education        Education   `json:"education"`
	BirthDate        value.Date  `json:"birth_date"`
	SocialWorkDegree bool        `json:"social_work_degree"`
	Certificate      Certificate `json:"certificate"`
	StartDate        value.Date  `json:"start_date"`
}

// StaffLeft ends a staff member's post; Date is the first day they are no
// longer in post.
type StaffLeft struct {
	StaffID uuid.UUID  `json:"staff_id"`
	Date    value.Date `json:"date"`
	Reason  string     `json:"reason"`
}

// StationRuleRegistered records a rule (制度) the station adopted.
type StationRuleRegistered struct {
	RuleID    uuid.UUID    `json:"rule_id"`
	Name      string       `json:"name"`
	Category  RuleCategory `json:"category"`
	AdoptedOn value.Date   `json:"adopted_on"`
}

// VolunteerPerson holds the personal fields of a volunteer.
type VolunteerPerson struct {
	// Not sensitive: the volunteer roster is posted at the station; DOMAIN §8 lists client data only.
	Name string `json:"name"`
}

// VolunteerRegistered adds a volunteer to the station's roster.
type VolunteerRegistered struct {
	VolunteerID  uuid.UUID       `json:"volunteer_id"`
	Person       VolunteerPerson `json:"person"`
	Skills       []string        `json:"skills,omitempty"`
	RegisteredOn value.Date      `json:"registered_on"`
}

// VolunteerHoursLogged credits a volunteer with service time on a date.
type VolunteerHoursLogged struct {
	VolunteerID uuid.UUID  `json:"volunteer_id"`
	Date        value.Date `json:"date"`
	Minutes     int        `json:"minutes"`
	// ActivityID links the activity served, if any.
	ActivityID *uuid.UUID `json:"activity_id,omitempty"`
}

// VolunteerTeamFormed records the station's volunteer team (志愿者服务团队,
// seed 000 §3(三)).
type VolunteerTeamFormed struct {
	TeamID   uuid.UUID   `json:"team_id"`
	Name     string      `json:"name"`
	FormedOn value.Date  `json:"formed_on"`
	Members  []uuid.UUID `json:"members,omitempty"`
}

// ActivityHeld records a group session, community activity, training or
// other activity. ContractID attributes it to a purchase-of-services
// contract so that it counts toward that contract's targets.
type ActivityHeld struct {
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

// EventType implements domain.Payload.
func (StationRegistered) EventType() string { return EventStationRegistered }

// EventType implements domain.Payload.
func (PilotStatusChanged) EventType() string { return EventPilotStatusChanged }

// EventType implements domain.Payload.
func (SiteRecorded) EventType() string { return EventSiteRecorded }

// EventType implements domain.Payload.
func (StationFunctionsRecorded) EventType() string { return EventStationFunctionsRecorded }

// EventType implements domain.Payload.
func (StaffAssigned) EventType() string { return EventStaffAssigned }

// EventType implements domain.Payload.
func (StaffLeft) EventType() string { return EventStaffLeft }

// EventType implements domain.Payload.
func (StationRuleRegistered) EventType() string { return EventStationRuleRegistered }

// EventType implements domain.Payload.
func (VolunteerRegistered) EventType() string { return EventVolunteerRegistered }

// EventType implements domain.Payload.
func (VolunteerHoursLogged) EventType() string { return EventVolunteerHoursLogged }

// EventType implements domain.Payload.
func (VolunteerTeamFormed) EventType() string { return EventVolunteerTeamFormed }

// EventType implements domain.Payload.
func (ActivityHeld) EventType() string { return EventActivityHeld }

// RegisterEvents adds every payload type of the station stream to r.
func RegisterEvents(r *domain.Registry) {
	domain.Register[StationRegistered](r, 1)
	domain.Register[PilotStatusChanged](r, 1)
	domain.Register[SiteRecorded](r, 1)
	domain.Register[StationFunctionsRecorded](r, 1)
	domain.Register[StaffAssigned](r, 1)
	domain.Register[StaffLeft](r, 1)
	domain.Register[StationRuleRegistered](r, 1)
	domain.Register[VolunteerRegistered](r, 1)
	domain.Register[VolunteerHoursLogged](r, 1)
	domain.Register[VolunteerTeamFormed](r, 1)
	domain.Register[ActivityHeld](r, 1)
}
