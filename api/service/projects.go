package service

import (
	"context"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/org"
	"casework/domain/project"
	"casework/domain/value"
	"casework/eventstore"
)

// ProjectView is a community project as the API shows it.
type ProjectView struct {
	ID         uuid.UUID                       `json:"id"`
	Revision   uint64                          `json:"revision"`
	StationID  uuid.UUID                       `json:"station_id"`
	ContractID *uuid.UUID                      `json:"contract_id,omitempty"`
	Title      string                          `json:"title"`
	Domain     domain.ServiceDomain            `json:"domain"`
	ProposedOn value.Date                      `json:"proposed_on"`
	Completed  []project.ProjectStageCompleted `json:"completed_stages"`
	// NextStage is the stage to complete next; empty once feedback is done.
	NextStage project.Stage           `json:"next_stage,omitempty"`
	Funds     []project.ProjectFunded `json:"funds"`
	Funded    value.Fen               `json:"funded"`
	Closed    bool                    `json:"closed"`
	Outcome   project.Outcome         `json:"outcome,omitempty"`
	ClosedOn  value.Date              `json:"closed_on,omitzero"`
}

func newProjectView(st *project.State, version uint64) ProjectView {
	v := ProjectView{ID: st.ID, Revision: version - 1, StationID: st.StationID, Title: st.Title, Domain: st.Domain,
		ProposedOn: st.ProposedOn, Completed: append([]project.ProjectStageCompleted{}, st.Completed...),
		Funds: append([]project.ProjectFunded{}, st.Funds...), Funded: st.Funded, Closed: st.Closed,
		Outcome: st.Outcome, ClosedOn: st.ClosedOn}
	if st.ContractID != uuid.Nil {
		c := st.ContractID
		v.ContractID = &c
	}
	if next, ok := st.NextStage(); ok && !st.Closed {
		v.NextStage = next
	}
	return v
}

// projectAccess hides projects of stations the principal may not read.
func (s *Service) projectAccess(p Principal, st *project.State, exists bool) error {
	if !can(p, stationReaders...) || !exists || !s.inScope(p, st.StationID.String()) {
		return ErrNotFound
	}
	return nil
}

// ProposeProject opens a community project at a station in the
// principal's scope (by default the principal's own station). A contract
// it is attributed to must cover the station.
// Errors: ErrNotFound (a role that may not read stations), NotFoundError
// (station_id, contract_id), FieldError (station_id not a station), rule
// errors of project.Propose.
func (s *Service) ProposeProject(ctx context.Context, p Principal, opts Options, in project.ProposeInput) (Result, error) {
	if !can(p, stationReaders...) {
		return Result{}, ErrNotFound
	}
	if res, ok, err := s.answered(ctx, p, opts); ok || err != nil {
		return res, err
	}
	if in.StationID == uuid.Nil && p.Role != domain.RoleSystem {
		in.StationID = p.OrgUnit
	}
	if _, err := s.checkUnit(p, in.StationID.String(), "station_id", org.KindStation); err != nil {
		return Result{}, err
	}
	if err := s.checkContractCovers(ctx, in.ContractID, in.StationID); err != nil {
		return Result{}, err
	}
	return s.idempotent(ctx, p, opts, project.Category, newEventID(), func(id uuid.UUID) (Result, error) {
		return s.repos.projects.execute(ctx, p, opts, command[project.State, *project.State]{
			id: id, create: true,
			authorize: func(*project.State, bool) error { return nil },
			decide: func(_ *project.State, c domain.Cmd) ([]domain.Payload, error) {
				return project.Propose(c, id, in)
			},
		})
	})
}

func (s *Service) projectCommand(ctx context.Context, p Principal, opts Options, id uuid.UUID, decide func(*project.State, domain.Cmd) ([]domain.Payload, error)) (Result, error) {
	if !can(p, stationReaders...) {
		return Result{}, ErrNotFound
	}
	return s.idempotent(ctx, p, opts, project.Category, id, func(id uuid.UUID) (Result, error) {
		return s.repos.projects.execute(ctx, p, opts, command[project.State, *project.State]{
			id: id,
			authorize: func(st *project.State, exists bool) error {
				return s.projectAccess(p, st, exists)
			},
			decide: decide,
		})
	})
}

// CompleteProjectStage records that the project's next stage is done.
// Errors: ErrNotFound, rule errors of project.State.CompleteStage.
func (s *Service) CompleteProjectStage(ctx context.Context, p Principal, opts Options, id uuid.UUID, in project.CompleteStageInput) (Result, error) {
	return s.projectCommand(ctx, p, opts, id, func(st *project.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.CompleteStage(c, in)
	})
}

// FundProject records funds raised for the project.
// Errors: ErrNotFound, rule errors of project.State.Fund.
func (s *Service) FundProject(ctx context.Context, p Principal, opts Options, id uuid.UUID, in project.FundInput) (Result, error) {
	return s.projectCommand(ctx, p, opts, id, func(st *project.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Fund(c, in)
	})
}

// CloseProject ends the project, completed or abandoned.
// Errors: ErrNotFound, rule errors of project.State.Close.
func (s *Service) CloseProject(ctx context.Context, p Principal, opts Options, id uuid.UUID, in project.CloseInput) (Result, error) {
	return s.projectCommand(ctx, p, opts, id, func(st *project.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Close(c, in)
	})
}

// Project returns the project now or at a past revision or time.
// Errors: ErrNotFound (absent, its station out of scope, or a role that
// may not read stations), NotFoundError (as_of before it existed).
func (s *Service) Project(ctx context.Context, p Principal, id uuid.UUID, at At) (ProjectView, error) {
	if !can(p, stationReaders...) {
		return ProjectView{}, ErrNotFound
	}
	var out ProjectView
	err := s.repos.projects.read(ctx, id, func(st *project.State, version uint64) error {
		if err := s.projectAccess(p, st, version > 0); err != nil {
			return err
		}
		out = newProjectView(st, version)
		return nil
	})
	if err != nil || at.IsNow() {
		return out, err
	}
	// A past state is shown only if the project is in scope now.
	st, version, err := foldAt[project.State](ctx, s, eventstore.StreamName(project.Category, id), at)
	if err != nil {
		return ProjectView{}, err
	}
	if version == 0 {
		return ProjectView{}, &NotFoundError{Field: "as_of", Message: "the project did not exist yet at that point"}
	}
	return newProjectView(st, version), nil
}

// ProjectHistory returns a page of the project's events.
// Errors: as Project.
func (s *Service) ProjectHistory(ctx context.Context, p Principal, id uuid.UUID, pg Page) (HistoryPage, error) {
	if _, err := s.Project(ctx, p, id, At{}); err != nil {
		return HistoryPage{}, err
	}
	return s.history(ctx, p, eventstore.StreamName(project.Category, id), pg)
}

// ETagRevision is the revision the view was folded to, the HTTP ETag.
func (v ProjectView) ETagRevision() uint64 { return v.Revision }
