package service

import (
	"context"

	"github.com/google/uuid"

	"casework/domain"
)

// OrgUnit returns one unit of the principal's scope (the unit an external
// principal belongs to included). Every role may read its own tree.
// Errors: ErrNotFound (unknown or out of scope).
func (s *Service) OrgUnit(ctx context.Context, p Principal, id uuid.UUID) (OrgUnitView, error) {
	u, ok := s.dir.Unit(id)
	if !ok || (!s.inScope(p, id.String()) && id != p.OrgUnit) {
		return OrgUnitView{}, ErrNotFound
	}
	v := OrgUnitView{ID: u.ID, Kind: u.Kind, Name: u.Name, Closed: u.Closed, Division: u.Division.String(), CreditCode: u.CreditCode.String()}
	if u.ParentID != uuid.Nil {
		pid := u.ParentID.String()
		v.ParentID = &pid
	}
	return v, nil
}

// Account returns one account (never its password hash): the caller's own,
// or any in an admin's scope.
// Errors: ErrForbidden (another's account, not an admin), ErrNotFound
// (unknown or out of scope).
func (s *Service) Account(ctx context.Context, p Principal, id uuid.UUID) (AccountView, error) {
	if id != p.AccountID && !can(p, domain.RoleAdmin) {
		return AccountView{}, ErrForbidden
	}
	a, ok := s.dir.Account(id)
	if !ok || (id != p.AccountID && !s.inScope(p, a.OrgUnit)) {
		return AccountView{}, ErrNotFound
	}
	return AccountView{ID: a.ID, Username: a.Username, DisplayName: a.DisplayName, Role: a.Role,
		OrgUnit: a.OrgUnit, Disabled: a.Disabled, CreatedAt: a.CreatedAt}, nil
}
