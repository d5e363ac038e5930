package service

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/org"
)

// OrgUnitView is one node of the org tree.
type OrgUnitView struct {
	ID         uuid.UUID `json:"id"`
	Kind       org.Kind  `json:"kind"`
	Name       string    `json:"name"`
	ParentID   *string   `json:"parent_id"`
	Division   string    `json:"division_code,omitempty"`
	CreditCode string    `json:"credit_code,omitempty"`
	Closed     bool      `json:"closed"`
}

// RegisterOrgUnit registers a unit of the hierarchy or an external unit
// (bureau, contractor, evaluator, agency) under a parent in the admin's
// scope. Only admins (and the service itself) may.
// Errors: ErrForbidden for a role that may not manage the tree;
// NotFoundError for a parent out of scope; rule errors of org.Register.
func (s *Service) RegisterOrgUnit(ctx context.Context, p Principal, opts Options, in org.RegisterInput) (Result, error) {
	if !can(p, domain.RoleAdmin) {
		return Result{}, ErrForbidden
	}
	if in.ParentID != uuid.Nil {
		parent, ok := s.dir.Unit(in.ParentID)
		if !ok || !s.inScope(p, in.ParentID.String()) {
			return Result{}, &NotFoundError{Field: "parent_id", Message: "no such org unit in your scope"}
		}
		in.ParentKind, in.ParentClosed, in.ParentDivision = parent.Kind, parent.Closed, parent.Division
	} else if p.Role != domain.RoleSystem && s.dir.Tree().Len() > 0 {
		// Only the service itself plants a new root once a tree exists.
		return Result{}, &NotFoundError{Field: "parent_id", Message: "a unit needs a parent in your scope"}
	}
	return s.idempotent(ctx, p, opts, org.Category, newEventID(), func(id uuid.UUID) (Result, error) {
		res, err := s.repos.orgs.execute(ctx, p, opts, command[org.State, *org.State]{
			id: id, create: true,
			authorize: func(*org.State, bool) error { return nil },
			decide: func(_ *org.State, c domain.Cmd) ([]domain.Payload, error) {
				return org.Register(c, id, in)
			},
		})
		if err == nil {
			err = s.dir.WaitFor(ctx, res.Position)
		}
		return res, err
	})
}

// orgCommand runs decide on an org unit in the admin's scope, then waits
// until the directory has folded the change.
func (s *Service) orgCommand(ctx context.Context, p Principal, opts Options, id uuid.UUID, decide func(*org.State, domain.Cmd) ([]domain.Payload, error)) (Result, error) {
	if !can(p, domain.RoleAdmin) {
		return Result{}, ErrForbidden
	}
	res, err := s.idempotent(ctx, p, opts, org.Category, id, func(id uuid.UUID) (Result, error) {
		return s.repos.orgs.execute(ctx, p, opts, command[org.State, *org.State]{
			id: id,
			authorize: func(st *org.State, exists bool) error {
				if !exists || !s.inScope(p, st.ID.String()) {
					return ErrNotFound
				}
				return nil
			},
			decide: decide,
		})
	})
	if err == nil {
		err = s.dir.WaitFor(ctx, res.Position)
	}
	return res, err
}

// RenameOrgUnit renames a unit.
func (s *Service) RenameOrgUnit(ctx context.Context, p Principal, opts Options, id uuid.UUID, in org.RenameInput) (Result, error) {
	return s.orgCommand(ctx, p, opts, id, func(st *org.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Rename(c, in)
	})
}

// CloseOrgUnit retires a unit that has no open unit below it.
func (s *Service) CloseOrgUnit(ctx context.Context, p Principal, opts Options, id uuid.UUID, in org.CloseInput) (Result, error) {
	in.OpenChildren = 0
	for _, ch := range s.dir.Tree().Children(id) {
		if !ch.Closed {
			in.OpenChildren++
		}
	}
	return s.orgCommand(ctx, p, opts, id, func(st *org.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Close(c, in)
	})
}

// OrgUnits lists the units in the principal's scope, parents before
// children. Every role may read the tree of its own scope.
func (s *Service) OrgUnits(ctx context.Context, p Principal) ([]OrgUnitView, error) {
	t := s.dir.Tree()
	units := scopeUnits(t, p)
	// An external unit's own node sits beside its scope root.
	if u, ok := t.Unit(p.OrgUnit); ok && u.Kind.External() && p.Role != domain.RoleSystem && u.ParentID != uuid.Nil &&
		!slices.ContainsFunc(units, func(x org.Unit) bool { return x.ID == u.ID }) {
		units = append(units, u)
	}
	out := make([]OrgUnitView, 0, len(units))
	for _, u := range units {
		st, _ := s.dir.Unit(u.ID)
		v := OrgUnitView{ID: u.ID, Kind: u.Kind, Name: u.Name, Closed: u.Closed, Division: st.Division.String(), CreditCode: st.CreditCode.String()}
		if u.ParentID != uuid.Nil {
			pid := u.ParentID.String()
			v.ParentID = &pid
		}
		out = append(out, v)
	}
	return out, nil
}
