package station

import (
	"slices"
	"strings"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// RegisterVolunteerInput adds a volunteer to the roster.
type RegisterVolunteerInput struct {
	VolunteerID  uuid.UUID  `json:"volunteer_id"`
	Name         string     `json:"name"`
	Skills       []string   `json:"skills,omitempty"`
	RegisteredOn value.Date `json:"registered_on"`
}

// RegisterVolunteer adds a volunteer.
//
// Rules: station.register_volunteer.role_allowed (Forbidden);
// station.register_volunteer.requires_registered (Conflict);
// station.register_volunteer.id_unique,
// station.register_volunteer.name_required,
// station.register_volunteer.date_valid (Invalid).
func (s *State) RegisterVolunteer(cmd domain.Cmd, in RegisterVolunteerInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdRegisterVolunteer); err != nil {
		return nil, err
	}
	var v domain.Violations
	_, used := s.Volunteer(in.VolunteerID)
	v.Add(idUnique(rule(cmdRegisterVolunteer, "id_unique"), "volunteer_id", in.VolunteerID, used))
	name, err := text(rule(cmdRegisterVolunteer, "name_required"), "name", in.Name, 50)
	v.Add(err)
	v.Add(s.checkDate(cmd, cmdRegisterVolunteer, "registered_on", in.RegisteredOn))
	if err := v.Err(); err != nil {
		return nil, err
	}
	var skills []string
	for _, sk := range in.Skills {
		if sk = strings.TrimSpace(sk); sk != "" && !slices.Contains(skills, sk) {
			skills = append(skills, sk)
		}
	}
	return []domain.Payload{VolunteerRegistered{
		VolunteerID: in.VolunteerID, Person: VolunteerPerson{Name: name}, Skills: skills, RegisteredOn: in.RegisteredOn,
	}}, nil
}

// LogHoursInput credits a volunteer with service time.
type LogHoursInput struct {
	VolunteerID uuid.UUID  `json:"volunteer_id"`
	Date        value.Date `json:"date"`
	Minutes     int        `json:"minutes"`
	ActivityID  *uuid.UUID `json:"activity_id,omitempty"`
}

// LogHours records a volunteer's service time on a day.
//
// Rules: station.log_hours.role_allowed (Forbidden);
// station.log_hours.requires_registered and
// station.log_hours.volunteer_registered (Conflict: the volunteer is on the
// roster); station.log_hours.date_valid (also not before the volunteer
// registered), station.log_hours.minutes_range (1 to 1440),
// station.log_hours.activity_known (a linked activity is recorded here)
// (Invalid).
func (s *State) LogHours(cmd domain.Cmd, in LogHoursInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdLogHours); err != nil {
		return nil, err
	}
	vol, ok := s.Volunteer(in.VolunteerID)
	if !ok {
		return nil, domain.Conflict(rule(cmdLogHours, "volunteer_registered"), "volunteer_id",
			"the volunteer is not registered at this station")
	}
	var v domain.Violations
	dateErr := s.checkDate(cmd, cmdLogHours, "date", in.Date)
	if dateErr == nil && in.Date.Before(vol.RegisteredOn) {
		dateErr = domain.Invalid(rule(cmdLogHours, "date_valid"), "date",
			"the volunteer registered only on "+vol.RegisteredOn.String())
	}
	v.Add(dateErr)
	if in.Minutes < 1 || in.Minutes > 24*60 {
		v.Add(domain.Invalid(rule(cmdLogHours, "minutes_range"), "minutes", "between 1 and 1440 minutes a day"))
	}
	act := optID(in.ActivityID)
	if act != nil && !slices.ContainsFunc(s.Activities, func(a ActivityHeld) bool { return a.ActivityID == *act }) {
		v.Add(domain.Invalid(rule(cmdLogHours, "activity_known"), "activity_id", "no such activity at this station"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{VolunteerHoursLogged{VolunteerID: in.VolunteerID, Date: in.Date, Minutes: in.Minutes, ActivityID: act}}, nil
}

// FormTeamInput records the station's volunteer team.
type FormTeamInput struct {
	TeamID   uuid.UUID   `json:"team_id"`
	Name     string      `json:"name"`
	FormedOn value.Date  `json:"formed_on"`
	Members  []uuid.UUID `json:"members,omitempty"`
}

// FormTeam records a volunteer team (seed 000 §3(三): "配套组建志愿者服务团队").
//
// Rules: station.form_team.role_allowed (Forbidden);
// station.form_team.requires_registered (Conflict);
// station.form_team.id_unique, station.form_team.name_required,
// station.form_team.date_valid, station.form_team.members_registered
// (every member a registered volunteer, none twice) (Invalid).
func (s *State) FormTeam(cmd domain.Cmd, in FormTeamInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdFormTeam); err != nil {
		return nil, err
	}
	var v domain.Violations
	used := slices.ContainsFunc(s.Teams, func(t VolunteerTeamFormed) bool { return t.TeamID == in.TeamID })
	v.Add(idUnique(rule(cmdFormTeam, "id_unique"), "team_id", in.TeamID, used))
	name, err := text(rule(cmdFormTeam, "name_required"), "name", in.Name, 100)
	v.Add(err)
	v.Add(s.checkDate(cmd, cmdFormTeam, "formed_on", in.FormedOn))
	v.Add(s.checkVolunteers(rule(cmdFormTeam, "members_registered"), "members", in.Members))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{VolunteerTeamFormed{TeamID: in.TeamID, Name: name, FormedOn: in.FormedOn, Members: slices.Clone(in.Members)}}, nil
}

func (s *State) checkVolunteers(r, field string, ids []uuid.UUID) *domain.Error {
	for i, id := range ids {
		if _, ok := s.Volunteer(id); !ok {
			return domain.Invalid(r, field, "volunteer "+id.String()+" is not registered at this station")
		}
		if slices.Contains(ids[:i], id) {
			return domain.Invalid(r, field, "volunteer "+id.String()+" listed twice")
		}
	}
	return nil
}
