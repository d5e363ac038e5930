package account

import (
	"github.com/google/uuid"

	"casework/domain"
)

// Stable stored names of the account events. Never rename one: stored
// events refer to them.
const (
	TypeCreated         = "AccountCreated"
	TypeRoleChanged     = "AccountRoleChanged"
	TypeDisabled        = "AccountDisabled"
	TypeEnabled         = "AccountEnabled"
	TypePasswordChanged = "AccountPasswordChanged"
)

// Created records a new account. PasswordHash is the caller's hash of the
// initial password, never the password itself.
type Created struct {
	AccountID    uuid.UUID   `json:"account_id"`
	Username     string      `json:"username"`
	DisplayName  string      `json:"display_name"`
	Role         domain.Role `json:"role"`
	OrgUnit      string      `json:"org_unit"`
	PasswordHash string      `json:"password_hash"`
}

// EventType returns "AccountCreated".
func (Created) EventType() string { return TypeCreated }

// RoleChanged records a new role and/or org unit. Role and OrgUnit are the
// values after the change (both always set); the previous values are kept
// so that an audit line reads without a replay.
type RoleChanged struct {
	AccountID       uuid.UUID   `json:"account_id"`
	Role            domain.Role `json:"role"`
	OrgUnit         string      `json:"org_unit"`
	PreviousRole    domain.Role `json:"previous_role"`
	PreviousOrgUnit string      `json:"previous_org_unit"`
	Reason          string      `json:"reason"`
}

// EventType returns "AccountRoleChanged".
func (RoleChanged) EventType() string { return TypeRoleChanged }

// Disabled records that the account may no longer log in.
type Disabled struct {
	AccountID uuid.UUID `json:"account_id"`
	Reason    string    `json:"reason"`
}

// EventType returns "AccountDisabled".
func (Disabled) EventType() string { return TypeDisabled }

// Enabled records that a disabled account may log in again.
type Enabled struct {
	AccountID uuid.UUID `json:"account_id"`
	Reason    string    `json:"reason,omitempty"`
}

// EventType returns "AccountEnabled".
func (Enabled) EventType() string { return TypeEnabled }

// PasswordChanged records a new password hash (set by the account holder or
// reset by an admin).
type PasswordChanged struct {
	AccountID    uuid.UUID `json:"account_id"`
	PasswordHash string    `json:"password_hash"`
	// Reset is true when an admin set the password for someone else.
	Reset bool `json:"reset"`
}

// EventType returns "AccountPasswordChanged".
func (PasswordChanged) EventType() string { return TypePasswordChanged }

// RegisterEvents registers every account event type, at its current schema
// version, in r. It panics if one is already registered.
func RegisterEvents(r *domain.Registry) {
	domain.Register[Created](r, 1)
	domain.Register[RoleChanged](r, 1)
	domain.Register[Disabled](r, 1)
	domain.Register[Enabled](r, 1)
	domain.Register[PasswordChanged](r, 1)
}
