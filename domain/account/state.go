package account

import (
	"time"

	"github.com/google/uuid"

	"casework/domain"
)

// State is an account folded from its events. The zero State is an account
// that does not exist yet.
type State struct {
	ID      uuid.UUID
	Exists  bool
	Version uint64 // number of events applied

	Username     string
	DisplayName  string
	Role         domain.Role
	OrgUnit      string
	PasswordHash string

	Disabled       bool
	DisabledReason string

	CreatedAt         time.Time
	CreatedBy         string
	PasswordChangedAt time.Time
}

// Apply folds one event into the state. It never fails; payloads of other
// aggregates are ignored (but still counted in Version, which tracks the
// stream's length).
func (s *State) Apply(e domain.Event) {
	s.Version++
	switch p := e.Payload.(type) {
	case Created:
		s.ID = p.AccountID
		s.Exists = true
		s.Username = p.Username
		s.DisplayName = p.DisplayName
		s.Role = p.Role
		s.OrgUnit = p.OrgUnit
		s.PasswordHash = p.PasswordHash
		s.CreatedAt = e.OccurredAt
		s.CreatedBy = e.Actor.ID
		s.PasswordChangedAt = e.OccurredAt
	case RoleChanged:
		s.Role = p.Role
		s.OrgUnit = p.OrgUnit
	case Disabled:
		s.Disabled = true
		s.DisabledReason = p.Reason
	case Enabled:
		s.Disabled = false
		s.DisabledReason = ""
	case PasswordChanged:
		s.PasswordHash = p.PasswordHash
		s.PasswordChangedAt = e.OccurredAt
	}
}

// CanLogIn reports whether the account exists and is not disabled.
func (s *State) CanLogIn() bool { return s.Exists && !s.Disabled }
