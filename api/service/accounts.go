package service

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/account"
)

// AccountView is an account as admins see it (never its password hash).
type AccountView struct {
	ID          uuid.UUID   `json:"id"`
	Username    string      `json:"username"`
	DisplayName string      `json:"display_name"`
	Role        domain.Role `json:"role"`
	OrgUnit     string      `json:"org_unit"`
	Disabled    bool        `json:"disabled"`
	CreatedAt   time.Time   `json:"created_at"`
}

// CreateAccountInput is what an admin gives to create an account: the
// password in clear, hashed here with argon2id and never stored.
type CreateAccountInput struct {
	Username    string      `json:"username"`
	DisplayName string      `json:"display_name"`
	Role        domain.Role `json:"role"`
	OrgUnit     string      `json:"org_unit"`
	Password    string      `json:"password"`
}

// keyed replaces the request hash with an HMAC under the signing key. The
// hash is kept in the log with the Idempotency-Key; a plain hash of a body
// that carries a password in clear would let anyone who reads the log try
// passwords offline, bypassing argon2id.
func (s *Service) keyed(opts Options) Options {
	if opts.RequestHash != "" {
		m := hmac.New(sha256.New, s.cfg.SigningKey)
		m.Write([]byte(opts.RequestHash))
		opts.RequestHash = hex.EncodeToString(m.Sum(nil))
	}
	return opts
}

func checkPassword(field, pw string) error {
	if len([]rune(pw)) < MinPasswordLength {
		return domain.Invalid("account.password.min_length", field, "a password needs at least 10 characters")
	}
	if len(pw) > 256 {
		return domain.Invalid("account.password.max_length", field, "a password has at most 256 bytes")
	}
	return nil
}

// CreateAccount creates an account with a unique username in the admin's
// scope. The account's ID is derived from its username
// (account.IDForUsername) and AccountCreated is appended expecting no
// stream, so that the store decides between nodes creating the same
// username at once: one wins, the others get the conflict. Errors:
// ErrForbidden for non-admins; a Conflict (account.create.username_unique)
// for a taken username; NotFoundError for an org unit out of scope; rule
// errors of account.Create.
func (s *Service) CreateAccount(ctx context.Context, p Principal, opts Options, in CreateAccountInput) (Result, error) {
	if !can(p, domain.RoleAdmin) {
		return Result{}, ErrForbidden
	}
	opts = s.keyed(opts)
	if res, ok, err := s.answered(ctx, p, opts); ok || err != nil {
		return res, err
	}
	if err := checkPassword("password", in.Password); err != nil {
		return Result{}, err
	}
	unit, err := s.checkUnit(p, in.OrgUnit, "org_unit")
	if err != nil {
		return Result{}, err
	}
	in.OrgUnit = unit.String()
	id := account.IDForUsername(in.Username)
	return s.idempotent(ctx, p, opts, account.Category, id, func(uuid.UUID) (Result, error) {
		// The directory knows every account created before IDs were
		// derived from usernames, and answers early for the others.
		if _, taken := s.dir.AccountByUsername(in.Username); taken {
			return Result{}, usernameTaken()
		}
		hash, err := HashPassword(in.Password)
		if err != nil {
			return Result{}, err
		}
		res, err := s.repos.accounts.execute(ctx, p, opts, command[account.State, *account.State]{
			id: id, create: true,
			authorize: func(*account.State, bool) error { return nil },
			decide: func(_ *account.State, c domain.Cmd) ([]domain.Payload, error) {
				return account.Create(c, id, account.CreateInput{Username: in.Username, DisplayName: in.DisplayName,
					Role: in.Role, OrgUnit: in.OrgUnit, PasswordHash: hash})
			},
		})
		var re *domain.Error
		if errors.As(err, &re) && re.Rule == account.Category+".create.exists" {
			// The username's stream exists: the store refused a second
			// creation of it, on this node or another.
			return Result{}, usernameTaken()
		}
		if err == nil {
			err = s.dir.WaitFor(ctx, res.Position)
		}
		return res, err
	})
}

func usernameTaken() error {
	return domain.Conflict("account.create.username_unique", "username", "the username is taken")
}

func (s *Service) accountCommand(ctx context.Context, p Principal, opts Options, id uuid.UUID, self bool, decide func(*account.State, domain.Cmd) ([]domain.Payload, error)) (Result, error) {
	if !self && !can(p, domain.RoleAdmin) {
		return Result{}, ErrForbidden
	}
	res, err := s.idempotent(ctx, p, opts, account.Category, id, func(id uuid.UUID) (Result, error) {
		return s.repos.accounts.execute(ctx, p, opts, command[account.State, *account.State]{
			id: id,
			authorize: func(st *account.State, exists bool) error {
				if !exists || (!(self && st.ID == p.AccountID) && !s.inScope(p, st.OrgUnit)) {
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

// ChangeAccountRole changes an account's role and/or org unit.
func (s *Service) ChangeAccountRole(ctx context.Context, p Principal, opts Options, id uuid.UUID, in account.ChangeRoleInput) (Result, error) {
	if res, ok, err := s.answered(ctx, p, opts); ok || err != nil {
		return res, err
	}
	if in.OrgUnit != "" {
		unit, err := s.checkUnit(p, in.OrgUnit, "org_unit")
		if err != nil {
			return Result{}, err
		}
		in.OrgUnit = unit.String()
	}
	return s.accountCommand(ctx, p, opts, id, false, func(st *account.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.ChangeRole(c, in)
	})
}

// DisableAccount stops an account from logging in; its tokens stop working
// at once.
func (s *Service) DisableAccount(ctx context.Context, p Principal, opts Options, id uuid.UUID, in account.ReasonInput) (Result, error) {
	return s.accountCommand(ctx, p, opts, id, false, func(st *account.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Disable(c, in)
	})
}

// EnableAccount lets a disabled account log in again.
func (s *Service) EnableAccount(ctx context.Context, p Principal, opts Options, id uuid.UUID, in account.ReasonInput) (Result, error) {
	return s.accountCommand(ctx, p, opts, id, false, func(st *account.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Enable(c, in)
	})
}

// SetPasswordInput carries a new password in clear; it is hashed here.
type SetPasswordInput struct {
	Password string `json:"password"`
}

// SetPassword changes the caller's own password, or resets another's (admin).
func (s *Service) SetPassword(ctx context.Context, p Principal, opts Options, id uuid.UUID, in SetPasswordInput) (Result, error) {
	opts = s.keyed(opts)
	if err := checkPassword("password", in.Password); err != nil {
		return Result{}, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return Result{}, err
	}
	return s.accountCommand(ctx, p, opts, id, id == p.AccountID, func(st *account.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.ChangePassword(c, account.PasswordInput{PasswordHash: hash})
	})
}

// Accounts lists the accounts in an admin's scope, by username.
func (s *Service) Accounts(ctx context.Context, p Principal) ([]AccountView, error) {
	if !can(p, domain.RoleAdmin) {
		return nil, ErrForbidden
	}
	var out []AccountView
	for _, a := range s.dir.Accounts() {
		if !s.inScope(p, a.OrgUnit) {
			continue
		}
		out = append(out, AccountView{ID: a.ID, Username: a.Username, DisplayName: a.DisplayName, Role: a.Role,
			OrgUnit: a.OrgUnit, Disabled: a.Disabled, CreatedAt: a.CreatedAt})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	return out, nil
}

// checkMember requires account to be the id of an enabled account of role
// whose org unit is unit, and returns that id, for the command to record
// in the canonical form. An account that is not a UUID is a *FieldError
// (account.format); any other account, or a unit that is not a UUID, a
// *NotFoundError saying none. Both name field.
func (s *Service) checkMember(field, account string, role domain.Role, unit, none string) (uuid.UUID, error) {
	id, err := uuid.Parse(strings.TrimSpace(account))
	if err != nil {
		return uuid.Nil, &FieldError{Field: field, Rule: "account.format", Message: "must be the UUID of an account"}
	}
	a, ok := s.dir.Account(id)
	want, werr := uuid.Parse(unit)
	got, gerr := uuid.Parse(a.OrgUnit)
	if !ok || a.Disabled || a.Role != role || werr != nil || gerr != nil || got != want {
		return uuid.Nil, &NotFoundError{Field: field, Message: none}
	}
	return id, nil
}
