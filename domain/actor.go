package domain

import "time"

// Role is what an account may do. The values are stable strings stored in
// event metadata.
type Role string

// The roles of the four-level social-work system (DOMAIN.md §1).
const (
	RoleSocialWorker  Role = "social_worker"
	RoleSupervisor    Role = "supervisor"
	RoleCountyManager Role = "county_manager"
	RoleBureauOfficer Role = "bureau_officer"
	RoleEvaluator     Role = "evaluator"
	RoleAuditor       Role = "auditor"
	RoleAgencyWorker  Role = "agency_worker"
	RoleAdmin         Role = "admin"
	// RoleSystem acts for the service itself (demo seeding, migrations);
	// no account can hold it.
	RoleSystem Role = "system"
	// RoleNone is the role of someone not signed in: a login attempt is
	// recorded as the account it names, with none of that account's
	// rights. No account can hold it.
	RoleNone Role = "none"
)

// Roles lists every role a person can hold, in a stable order.
func Roles() []Role {
	return []Role{RoleSocialWorker, RoleSupervisor, RoleCountyManager, RoleBureauOfficer,
		RoleEvaluator, RoleAuditor, RoleAgencyWorker, RoleAdmin}
}

// ParseRole returns the role named s, or a KindInvalid error.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles() {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Invalid("account.role.known", "role",
		"role must be one of social_worker, supervisor, county_manager, bureau_officer, evaluator, auditor, agency_worker, admin")
}

// Actor is the authenticated principal issuing a command: an account ID,
// its role and the org unit (a node of the hierarchy) it belongs to.
type Actor struct {
	ID      string `json:"id"`
	Role    Role   `json:"role"`
	OrgUnit string `json:"org_unit"`
}

// Cmd carries what every command needs besides its own fields: who acts and
// what time it is. Commands never read a clock.
type Cmd struct {
	Actor Actor
	Now   time.Time
}
