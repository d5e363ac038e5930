package station

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Who may issue which command. The domain checks the role; whether the
// actor's org unit covers this station is the service layer's scope check
// (org.Tree). RoleSystem (demo seeding, migrations) may do everything.
func rolesFor(command string) []domain.Role {
	switch command {
	case cmdRegister, cmdSetPilot, cmdRecordSite:
		return []domain.Role{domain.RoleAdmin, domain.RoleCountyManager, domain.RoleSystem}
	case cmdRecordFunctions, cmdRegisterRule, cmdAssignStaff, cmdStaffLeft:
		return []domain.Role{domain.RoleAdmin, domain.RoleCountyManager, domain.RoleSupervisor, domain.RoleSystem}
	case cmdRegisterVolunteer, cmdLogHours, cmdFormTeam, cmdHoldActivity:
		return []domain.Role{domain.RoleAdmin, domain.RoleCountyManager, domain.RoleSupervisor,
			domain.RoleSocialWorker, domain.RoleSystem}
	}
	return nil
}

// Command names, the middle part of rule names.
const (
	cmdRegister          = "register"
	cmdSetPilot          = "set_pilot"
	cmdRecordSite        = "record_site"
	cmdRecordFunctions   = "record_functions"
	cmdAssignStaff       = "assign_staff"
	cmdStaffLeft         = "staff_left"
	cmdRegisterRule      = "register_rule"
	cmdRegisterVolunteer = "register_volunteer"
	cmdLogHours          = "log_hours"
	cmdFormTeam          = "form_team"
	cmdHoldActivity      = "hold_activity"
)

func rule(command, name string) string { return "station." + command + "." + name }

// allowed returns station.<command>.role_allowed (Forbidden) when the
// actor's role may not issue command.
func allowed(cmd domain.Cmd, command string) *domain.Error {
	if slices.Contains(rolesFor(command), cmd.Actor.Role) {
		return nil
	}
	return domain.Forbidden(rule(command, "role_allowed"), "",
		"role "+string(cmd.Actor.Role)+" may not "+strings.ReplaceAll(command, "_", " ")+" at a station")
}

// begin runs the checks every command on an existing station shares: the
// role, then the station's existence (station.<command>.requires_registered,
// Conflict).
func (s *State) begin(cmd domain.Cmd, command string) error {
	if err := allowed(cmd, command); err != nil {
		return err
	}
	if !s.Exists {
		return domain.Conflict(rule(command, "requires_registered"), "", "the station is not registered")
	}
	return nil
}

// checkDate returns station.<command>.date_valid unless d is given, not
// before the station's registration and not after today (a fact cannot be
// effective in the future).
func (s *State) checkDate(cmd domain.Cmd, command, field string, d value.Date) *domain.Error {
	r := rule(command, "date_valid")
	switch {
	case d.IsZero():
		return domain.Invalid(r, field, "a date is required")
	case d.After(value.DateOf(cmd.Now)):
		return domain.Invalid(r, field, "the date "+d.String()+" is in the future")
	case s.Exists && d.Before(s.RegisteredOn):
		return domain.Invalid(r, field, "the date "+d.String()+" is before the station was registered on "+s.RegisteredOn.String())
	}
	return nil
}

// text trims raw and returns Invalid(rule) when it is blank or longer than
// max runes.
func text(r, field, raw string, max int) (string, *domain.Error) {
	t := strings.TrimSpace(raw)
	switch {
	case t == "":
		return "", domain.Invalid(r, field, "required")
	case utf8.RuneCountInString(t) > max:
		return "", domain.Invalid(r, field, "too long")
	}
	return t, nil
}

func idRequired(r, field string, id uuid.UUID) *domain.Error {
	if id == uuid.Nil {
		return domain.Invalid(r, field, "an id is required")
	}
	return nil
}

func optID(id *uuid.UUID) *uuid.UUID {
	if id == nil || *id == uuid.Nil {
		return nil
	}
	c := *id
	return &c
}
