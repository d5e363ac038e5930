package service

import (
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/org"
)

// Views the read models serve (package api/views), for ViewAccess.
const (
	ViewCases     = "cases"
	ViewReferrals = "referrals"
	ViewContracts = "contracts"
	ViewStations  = "stations"
	ViewAudit     = "audit"
	ViewRollups   = "rollups"
)

// rollupReaders may read quarterly roll-ups: counts, no case content.
var rollupReaders = []domain.Role{domain.RoleSocialWorker, domain.RoleSupervisor, domain.RoleCountyManager,
	domain.RoleBureauOfficer, domain.RoleAuditor}

// ViewAccess reports whether p's role may read a view at all, by the same
// rules as the records behind it: cases for case readers, referrals also
// for agency workers (those addressed to their agency), contracts for
// contract readers, stations for station readers, the audit trail for
// auditors only, roll-ups for the hierarchy's roles.
func (s *Service) ViewAccess(p Principal, view string) bool {
	switch view {
	case ViewCases:
		return can(p, caseReaders...)
	case ViewReferrals:
		return can(p, caseReaders...) || p.Role == domain.RoleAgencyWorker
	case ViewContracts:
		return can(p, contractReaders...)
	case ViewStations:
		return can(p, stationReaders...)
	case ViewAudit:
		return can(p, domain.RoleAuditor)
	case ViewRollups:
		return can(p, rollupReaders...)
	}
	return false
}

// ViewScope returns the org tree and the root of p's scope: all is true
// for the system principal, root is uuid.Nil when p sees nothing.
func (s *Service) ViewScope(p Principal) (t *org.Tree, root uuid.UUID, all bool) {
	t = s.dir.Tree()
	if p.Role == domain.RoleSystem {
		return t, uuid.Nil, true
	}
	return t, scopeRoot(t, p), false
}
