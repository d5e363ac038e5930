package account

import (
	"time"

	"github.com/google/uuid"

	"casework/domain"
)

// LoginCategory is the stream category of accounts' failed logins:
// "login-<uuid>", the uuid being the account's ID. Only an account that
// exists has one, so that a login under an unknown username writes
// nothing.
const LoginCategory = "login"

// The lockout: MaxLoginFailures failed logins in a row lock an account for
// LockoutPeriod. While it is locked nothing is recorded, so that an attacker
// can add at most MaxLoginFailures events to an account's login stream per
// LockoutPeriod.
const (
	MaxLoginFailures = 5
	LockoutPeriod    = 15 * time.Minute
)

// Stable stored names of the login events. Never rename one.
const (
	TypeLoginFailed          = "LoginFailed"
	TypeLoginFailuresCleared = "LoginFailuresCleared"
)

// LoginFailed records a failed login to the account: a wrong password, or
// a login to a disabled account (it does not say which, and never carries
// the password tried). Failures is the count of failures in a row it
// makes, 1 to MaxLoginFailures; the one that reaches MaxLoginFailures
// locks the account until LockedUntil.
type LoginFailed struct {
	AccountID   uuid.UUID `json:"account_id"`
	Failures    int       `json:"failures"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
}

// EventType returns "LoginFailed".
func (LoginFailed) EventType() string { return TypeLoginFailed }

// LoginFailuresCleared records that a successful login cleared Failures
// failed logins in a row. A login that follows no failure records nothing.
type LoginFailuresCleared struct {
	AccountID uuid.UUID `json:"account_id"`
	Failures  int       `json:"failures"`
}

// EventType returns "LoginFailuresCleared".
func (LoginFailuresCleared) EventType() string { return TypeLoginFailuresCleared }

// RegisterLoginEvents registers the event types of login streams in r. It
// panics if one is already registered.
func RegisterLoginEvents(r *domain.Registry) {
	domain.Register[LoginFailed](r, 1)
	domain.Register[LoginFailuresCleared](r, 1)
}

// LoginState is an account's failed logins folded from its login stream.
// Each event carries the whole state after it, so the stream's last event
// alone folds to the state that decides: a reader need not read the rest,
// however long the stream has grown.
type LoginState struct {
	AccountID uuid.UUID
	// Failures counts the failed logins in a row since the last success or
	// lock.
	Failures int
	// LockedUntil is the end of the last lock (zero: never locked, or
	// cleared since).
	LockedUntil time.Time
}

// Apply folds one event into the state. It never fails; payloads of other
// aggregates are ignored.
func (s *LoginState) Apply(e domain.Event) {
	switch p := e.Payload.(type) {
	case LoginFailed:
		s.AccountID = p.AccountID
		s.Failures = p.Failures
		s.LockedUntil = p.LockedUntil
		if !p.LockedUntil.IsZero() {
			// The lock takes the count: after it, counting starts again.
			s.Failures = 0
		}
	case LoginFailuresCleared:
		s.AccountID = p.AccountID
		s.Failures = 0
		s.LockedUntil = time.Time{}
	}
}

// Locked reports whether the account is locked at now.
func (s *LoginState) Locked(now time.Time) bool { return now.Before(s.LockedUntil) }

// RecordFailure returns the LoginFailed event of a failed login to account
// id, attempted at cmd.Now by cmd.Actor, which must be that account (a
// login attempt acts as the account it names). The failure that makes
// MaxLoginFailures in a row locks the account for LockoutPeriod.
//
// Rule errors: account.login.own_account (Forbidden);
// account.login.locked (Conflict: nothing is recorded while locked).
func (s *LoginState) RecordFailure(cmd domain.Cmd, id uuid.UUID) ([]domain.Payload, error) {
	if err := s.check(cmd, id); err != nil {
		return nil, err
	}
	ev := LoginFailed{AccountID: id, Failures: s.Failures + 1}
	if ev.Failures >= MaxLoginFailures {
		ev.LockedUntil = cmd.Now.Add(LockoutPeriod).UTC()
	}
	return []domain.Payload{ev}, nil
}

// RecordSuccess returns what a successful login to account id records: a
// LoginFailuresCleared event when failures preceded it, nothing otherwise
// (so that ordinary logins do not grow the log). cmd.Actor must be the
// account.
//
// Rule errors: account.login.own_account (Forbidden);
// account.login.locked (Conflict: even the right password is refused
// while locked).
func (s *LoginState) RecordSuccess(cmd domain.Cmd, id uuid.UUID) ([]domain.Payload, error) {
	if err := s.check(cmd, id); err != nil {
		return nil, err
	}
	if s.Failures == 0 {
		return nil, nil
	}
	return []domain.Payload{LoginFailuresCleared{AccountID: id, Failures: s.Failures}}, nil
}

func (s *LoginState) check(cmd domain.Cmd, id uuid.UUID) error {
	if id == uuid.Nil || cmd.Actor.ID != id.String() {
		return domain.Forbidden("account.login.own_account", "",
			"a login attempt is recorded as the account it names")
	}
	if s.Locked(cmd.Now) {
		return domain.Conflict("account.login.locked", "",
			"too many failed logins: the account is locked until "+s.LockedUntil.UTC().Format(time.RFC3339))
	}
	return nil
}
