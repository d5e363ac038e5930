package service

import (
	"github.com/google/uuid"
	"time"

	"casework/domain"
	"casework/domain/org"
)

// Principal is the authenticated caller. Role and OrgUnit are read from the
// account's current state on every request, so that a role change or a
// disabled account takes effect at once.
type Principal struct {
	AccountID   uuid.UUID
	Username    string
	DisplayName string
	Role        domain.Role
	OrgUnit     uuid.UUID
	// ExpiresAt is when the credentials the principal signed in with
	// expire (zero: they do not); a long-lived response such as a live
	// feed ends then.
	ExpiresAt time.Time
}

// Actor is the principal as the domain sees it.
func (p Principal) Actor() domain.Actor {
	return domain.Actor{ID: p.AccountID.String(), Role: p.Role, OrgUnit: p.OrgUnit.String()}
}

// System is the principal of the service itself (demo seeding).
var System = Principal{AccountID: uuid.MustParse("00000000-0000-7000-8000-000000000001"), Username: "system", Role: domain.RoleSystem}

// scopeRoot is the node whose subtree the principal may see: its own org
// unit for a hierarchy node (city, county, station, room), and the
// hierarchy node it is attached to for an external unit (a bureau under a
// county sees that county).
func scopeRoot(t *org.Tree, p Principal) uuid.UUID {
	u, ok := t.Unit(p.OrgUnit)
	if !ok {
		return uuid.Nil
	}
	if u.Kind.External() {
		return u.ParentID
	}
	return u.ID
}

// scopeUnits lists the units of the principal's subtree in tree order
// (parents before children); the system principal's are every tree's.
func scopeUnits(t *org.Tree, p Principal) []org.Unit {
	var units []org.Unit
	if p.Role == domain.RoleSystem {
		for _, r := range t.Roots() {
			units = append(units, t.Subtree(r.ID)...)
		}
	} else if root := scopeRoot(t, p); root != uuid.Nil {
		units = t.Subtree(root)
	}
	return units
}

// inScope reports whether unit lies in the principal's subtree. The system
// principal sees everything.
func (s *Service) inScope(p Principal, unit string) bool {
	if p.Role == domain.RoleSystem {
		return true
	}
	id, err := uuid.Parse(unit)
	if err != nil {
		return false
	}
	return inScopeOf(s.dir.Tree(), p, id)
}

// inScopeOf reports whether unit id lies in p's subtree of t (the system
// principal's being everything). Units t does not hold lie in no subtree.
func inScopeOf(t *org.Tree, p Principal, id uuid.UUID) bool {
	if p.Role == domain.RoleSystem {
		return true
	}
	root := scopeRoot(t, p)
	return root != uuid.Nil && t.Contains(root, id)
}

// can reports whether role is among roles.
func can(p Principal, roles ...domain.Role) bool {
	if p.Role == domain.RoleSystem {
		return true
	}
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

// Who may read what. A role that may not read a kind of record gets 404 for
// every record of that kind, never 403: it must not learn what exists.
var (
	caseReaders = []domain.Role{domain.RoleSocialWorker, domain.RoleSupervisor, domain.RoleCountyManager, domain.RoleAuditor}
	caseWriters = []domain.Role{domain.RoleSocialWorker, domain.RoleSupervisor}
)
