package service

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/contract"
	"casework/domain/project"
	"casework/domain/station"
)

// stationReaders may read stations and their projects. Agency workers see
// only the referrals addressed to them. Who may record which station fact
// is the domain's rule (station.<command>.role_allowed, 403).
var stationReaders = []domain.Role{domain.RoleSocialWorker, domain.RoleSupervisor, domain.RoleCountyManager,
	domain.RoleBureauOfficer, domain.RoleEvaluator, domain.RoleAuditor, domain.RoleAdmin}

// stationAccess hides a station the principal may not read. A station's
// stream id is its org unit's id, so scope is known before loading.
func (s *Service) stationAccess(p Principal, id uuid.UUID) error {
	if !can(p, stationReaders...) || !s.inScope(p, id.String()) {
		return ErrNotFound
	}
	return nil
}

// RegisterStation opens the station record of org unit id, which must be a
// station in the principal's scope. The unit's kind is filled from the
// directory (a unit of another kind breaks
// station.register.org_unit_is_station); an empty name defaults to the
// unit's name.
// Errors: ErrNotFound (a role that may not read stations), NotFoundError
// (station_id unknown or out of scope), a Conflict (station.create.exists)
// when the record exists, rule errors of station.Register.
func (s *Service) RegisterStation(ctx context.Context, p Principal, opts Options, id uuid.UUID, in station.RegisterInput) (Result, error) {
	if !can(p, stationReaders...) {
		return Result{}, ErrNotFound
	}
	if res, ok, err := s.answered(ctx, p, opts); ok || err != nil {
		return res, err
	}
	if _, err := s.checkUnit(p, id.String(), "station_id"); err != nil {
		return Result{}, err
	}
	u, _ := s.dir.Unit(id)
	in.UnitKind = u.Kind
	if strings.TrimSpace(in.Name) == "" {
		in.Name = u.Name
	}
	return s.idempotent(ctx, p, opts, station.Category, id, func(id uuid.UUID) (Result, error) {
		return s.repos.stations.execute(ctx, p, opts, command[station.State, *station.State]{
			id: id, create: true,
			authorize: func(*station.State, bool) error { return nil },
			decide: func(_ *station.State, c domain.Cmd) ([]domain.Payload, error) {
				return station.Register(c, id, in)
			},
		})
	})
}

// stationCommand runs decide on a registered station in the principal's
// scope; the domain checks the role.
func (s *Service) stationCommand(ctx context.Context, p Principal, opts Options, id uuid.UUID, decide func(*station.State, domain.Cmd) ([]domain.Payload, error)) (Result, error) {
	if err := s.stationAccess(p, id); err != nil {
		return Result{}, err
	}
	return s.idempotent(ctx, p, opts, station.Category, id, func(id uuid.UUID) (Result, error) {
		return s.repos.stations.execute(ctx, p, opts, command[station.State, *station.State]{
			id: id,
			authorize: func(_ *station.State, exists bool) error {
				if !exists || !s.inScope(p, id.String()) {
					return ErrNotFound
				}
				return nil
			},
			decide: decide,
		})
	})
}

// SetStationPilot designates the station a pilot station from a date, or
// ends the designation. Errors: ErrNotFound, rule errors of
// station.State.SetPilot.
func (s *Service) SetStationPilot(ctx context.Context, p Principal, opts Options, id uuid.UUID, in station.SetPilotInput) (Result, error) {
	return s.stationCommand(ctx, p, opts, id, func(st *station.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.SetPilot(c, in)
	})
}

// RecordStationSite records the station's premises from a date.
// Errors: ErrNotFound, rule errors of station.State.RecordSite.
func (s *Service) RecordStationSite(ctx context.Context, p Principal, opts Options, id uuid.UUID, in station.RecordSiteInput) (Result, error) {
	return s.stationCommand(ctx, p, opts, id, func(st *station.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.RecordSite(c, in)
	})
}

// RecordStationFunctions records the service domains the station offers.
// Errors: ErrNotFound, rule errors of station.State.RecordFunctions.
func (s *Service) RecordStationFunctions(ctx context.Context, p Principal, opts Options, id uuid.UUID, in station.RecordFunctionsInput) (Result, error) {
	return s.stationCommand(ctx, p, opts, id, func(st *station.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.RecordFunctions(c, in)
	})
}

// AssignStationStaff puts a person in post. A linked account must exist
// and be in the principal's scope.
// Errors: ErrNotFound, NotFoundError (account_id), rule errors of
// station.State.AssignStaff.
func (s *Service) AssignStationStaff(ctx context.Context, p Principal, opts Options, id uuid.UUID, in station.AssignStaffInput) (Result, error) {
	if in.AccountID != nil && *in.AccountID != uuid.Nil {
		if a, ok := s.dir.Account(*in.AccountID); !ok || !s.inScope(p, a.OrgUnit) {
			return Result{}, &NotFoundError{Field: "account_id", Message: "no such account in your scope"}
		}
	}
	return s.stationCommand(ctx, p, opts, id, func(st *station.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.AssignStaff(c, in)
	})
}

// RecordStaffLeft ends a staff member's post.
// Errors: ErrNotFound, rule errors of station.State.StaffLeft.
func (s *Service) RecordStaffLeft(ctx context.Context, p Principal, opts Options, id uuid.UUID, in station.StaffLeftInput) (Result, error) {
	return s.stationCommand(ctx, p, opts, id, func(st *station.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.StaffLeft(c, in)
	})
}

// RegisterStationRule records a rule (制度) the station adopted.
// Errors: ErrNotFound, rule errors of station.State.RegisterRule.
func (s *Service) RegisterStationRule(ctx context.Context, p Principal, opts Options, id uuid.UUID, in station.RegisterRuleInput) (Result, error) {
	return s.stationCommand(ctx, p, opts, id, func(st *station.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.RegisterRule(c, in)
	})
}

// RegisterVolunteer adds a volunteer to the station's roster.
// Errors: ErrNotFound, rule errors of station.State.RegisterVolunteer.
func (s *Service) RegisterVolunteer(ctx context.Context, p Principal, opts Options, id uuid.UUID, in station.RegisterVolunteerInput) (Result, error) {
	return s.stationCommand(ctx, p, opts, id, func(st *station.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.RegisterVolunteer(c, in)
	})
}

// LogVolunteerHours credits a volunteer with service time.
// Errors: ErrNotFound, rule errors of station.State.LogHours.
func (s *Service) LogVolunteerHours(ctx context.Context, p Principal, opts Options, id uuid.UUID, in station.LogHoursInput) (Result, error) {
	return s.stationCommand(ctx, p, opts, id, func(st *station.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.LogHours(c, in)
	})
}

// FormVolunteerTeam records the station's volunteer team.
// Errors: ErrNotFound, rule errors of station.State.FormTeam.
func (s *Service) FormVolunteerTeam(ctx context.Context, p Principal, opts Options, id uuid.UUID, in station.FormTeamInput) (Result, error) {
	return s.stationCommand(ctx, p, opts, id, func(st *station.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.FormTeam(c, in)
	})
}

// RecordActivity records a group session, community activity, training or
// other activity. A contract it is attributed to must cover the station,
// and a project must be one of the station's.
// Errors: ErrNotFound, NotFoundError (contract_id, project_id), rule
// errors of station.State.HoldActivity.
func (s *Service) RecordActivity(ctx context.Context, p Principal, opts Options, id uuid.UUID, in station.HoldActivityInput) (Result, error) {
	if err := s.stationAccess(p, id); err != nil {
		return Result{}, err
	}
	if err := s.checkContractCovers(ctx, in.ContractID, id); err != nil {
		return Result{}, err
	}
	if in.ProjectID != nil && *in.ProjectID != uuid.Nil {
		err := s.repos.projects.read(ctx, *in.ProjectID, func(st *project.State, v uint64) error {
			if v == 0 || st.StationID != id {
				return &NotFoundError{Field: "project_id", Message: "no such project at this station"}
			}
			return nil
		})
		if err != nil {
			return Result{}, err
		}
	}
	return s.stationCommand(ctx, p, opts, id, func(st *station.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.HoldActivity(c, in)
	})
}

// checkContractCovers requires contract id, when given, to exist and to
// cover stationID. A contract that does not is reported as not found, so
// that nothing is learnt about other stations' contracts.
func (s *Service) checkContractCovers(ctx context.Context, id *uuid.UUID, stationID uuid.UUID) error {
	if id == nil || *id == uuid.Nil {
		return nil
	}
	return s.repos.contracts.read(ctx, *id, func(st *contract.State, v uint64) error {
		if v == 0 || !slices.Contains(st.Stations, stationID.String()) {
			return &NotFoundError{Field: "contract_id", Message: "no contract covering this station"}
		}
		return nil
	})
}
