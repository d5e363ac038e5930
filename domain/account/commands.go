package account

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"casework/domain"
)

// CreateInput is the content of a new account. PasswordHash is computed by
// the caller; see checkPasswordHash for the form it must have.
type CreateInput struct {
	Username     string      `json:"username"`
	DisplayName  string      `json:"display_name"`
	Role         domain.Role `json:"role"`
	OrgUnit      string      `json:"org_unit"`
	PasswordHash string      `json:"password_hash"`
}

// Create returns the AccountCreated event of a new account with the given
// id. Only an admin may create accounts.
//
// Rule errors: account.create.admin_only (Forbidden);
// account.create.id_required, account.create.username_format,
// account.create.display_name_required, account.create.display_name_too_long,
// account.role.known, account.create.org_unit_required,
// account.password_hash.format (Invalid, collected together).
//
// Username uniqueness is not checked here: it comes from the stream. The
// caller passes id = IDForUsername(in.Username) and appends expecting no
// stream, so that the store refuses a second account with the username.
func Create(cmd domain.Cmd, id uuid.UUID, in CreateInput) ([]domain.Payload, error) {
	if err := adminOnly(cmd, "account.create.admin_only", "create"); err != nil {
		return nil, err
	}
	var v domain.Violations
	if id == uuid.Nil {
		v.Add(domain.Invalid("account.create.id_required", "id", "an account needs an ID"))
	}
	v.Add(checkUsername(in.Username))
	v.Add(checkDisplayName(in.DisplayName))
	if _, err := domain.ParseRole(string(in.Role)); err != nil {
		v.Add(roleError(err))
	}
	if strings.TrimSpace(in.OrgUnit) == "" {
		v.Add(domain.Invalid("account.create.org_unit_required", "org_unit",
			"an account belongs to an org unit (a node of the hierarchy)"))
	}
	v.Add(checkPasswordHash(in.PasswordHash, "password_hash"))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{Created{
		AccountID:    id,
		Username:     in.Username,
		DisplayName:  strings.TrimSpace(in.DisplayName),
		Role:         in.Role,
		OrgUnit:      strings.TrimSpace(in.OrgUnit),
		PasswordHash: in.PasswordHash,
	}}, nil
}

// ChangeRoleInput changes the role, the org unit, or both. An empty Role or
// OrgUnit keeps the current value. Reason is required.
type ChangeRoleInput struct {
	Role    domain.Role `json:"role,omitempty"`
	OrgUnit string      `json:"org_unit,omitempty"`
	Reason  string      `json:"reason"`
}

// ChangeRole returns the AccountRoleChanged event. Only an admin may change
// an account; an admin may not take the admin role from itself; a disabled
// account must be enabled first, so that re-arming an account with new
// rights is never hidden inside a role change.
//
// Rule errors: account.change_role.admin_only (Forbidden);
// account.update.unknown_account, account.change_role.account_disabled,
// account.change_role.self_demotion (Conflict); account.role.known,
// account.change_role.no_change, account.change_role.reason_required
// (Invalid).
func (s *State) ChangeRole(cmd domain.Cmd, in ChangeRoleInput) ([]domain.Payload, error) {
	if err := adminOnly(cmd, "account.change_role.admin_only", "change the role of"); err != nil {
		return nil, err
	}
	if err := s.mustExist(); err != nil {
		return nil, err
	}
	if s.Disabled {
		return nil, domain.Conflict("account.change_role.account_disabled", "",
			"a disabled account keeps its role and org unit; enable it first")
	}
	role, unit := s.Role, s.OrgUnit
	var v domain.Violations
	if in.Role != "" {
		if _, err := domain.ParseRole(string(in.Role)); err != nil {
			v.Add(roleError(err))
		} else {
			role = in.Role
		}
	}
	if u := strings.TrimSpace(in.OrgUnit); u != "" {
		unit = u
	}
	if len(v) == 0 && role == s.Role && unit == s.OrgUnit {
		v.Add(domain.Invalid("account.change_role.no_change", "role",
			"the new role and org unit are those the account already has"))
	}
	if strings.TrimSpace(in.Reason) == "" {
		v.Add(domain.Invalid("account.change_role.reason_required", "reason",
			"say why the role or org unit changes"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if cmd.Actor.ID == s.ID.String() && s.Role == domain.RoleAdmin && role != domain.RoleAdmin {
		return nil, domain.Conflict("account.change_role.self_demotion", "role",
			"an admin cannot take the admin role from its own account; another admin must")
	}
	return []domain.Payload{RoleChanged{
		AccountID:       s.ID,
		Role:            role,
		OrgUnit:         unit,
		PreviousRole:    s.Role,
		PreviousOrgUnit: s.OrgUnit,
		Reason:          strings.TrimSpace(in.Reason),
	}}, nil
}

// ReasonInput carries the reason of a disable or enable.
type ReasonInput struct {
	Reason string `json:"reason"`
}

// Disable returns the AccountDisabled event. Only an admin may disable an
// account, never its own (so that the last admin cannot lock everyone out
// by mistake).
//
// Rule errors: account.disable.admin_only (Forbidden);
// account.update.unknown_account, account.disable.already_disabled,
// account.disable.not_self (Conflict); account.disable.reason_required
// (Invalid).
func (s *State) Disable(cmd domain.Cmd, in ReasonInput) ([]domain.Payload, error) {
	if err := adminOnly(cmd, "account.disable.admin_only", "disable"); err != nil {
		return nil, err
	}
	if err := s.mustExist(); err != nil {
		return nil, err
	}
	if s.Disabled {
		return nil, domain.Conflict("account.disable.already_disabled", "", "the account is already disabled")
	}
	if cmd.Actor.ID == s.ID.String() {
		return nil, domain.Conflict("account.disable.not_self", "",
			"an admin cannot disable its own account; another admin must")
	}
	if strings.TrimSpace(in.Reason) == "" {
		return nil, domain.Invalid("account.disable.reason_required", "reason", "say why the account is disabled")
	}
	return []domain.Payload{Disabled{AccountID: s.ID, Reason: strings.TrimSpace(in.Reason)}}, nil
}

// Enable returns the AccountEnabled event of a disabled account. Only an
// admin may enable an account; the reason is optional.
//
// Rule errors: account.enable.admin_only (Forbidden);
// account.update.unknown_account, account.enable.not_disabled (Conflict).
func (s *State) Enable(cmd domain.Cmd, in ReasonInput) ([]domain.Payload, error) {
	if err := adminOnly(cmd, "account.enable.admin_only", "enable"); err != nil {
		return nil, err
	}
	if err := s.mustExist(); err != nil {
		return nil, err
	}
	if !s.Disabled {
		return nil, domain.Conflict("account.enable.not_disabled", "", "the account is not disabled")
	}
	return []domain.Payload{Enabled{AccountID: s.ID, Reason: strings.TrimSpace(in.Reason)}}, nil
}

// PasswordInput carries a new password hash computed by the caller.
type PasswordInput struct {
	PasswordHash string `json:"password_hash"`
}

// ChangePassword returns the AccountPasswordChanged event. The account
// holder may change its own password while enabled; an admin may reset
// anyone's, also while the account is disabled (so it can be enabled with
// a fresh password).
//
// Rule errors: account.change_password.self_or_admin (Forbidden);
// account.update.unknown_account (Conflict); account.password_hash.format
// (Invalid).
func (s *State) ChangePassword(cmd domain.Cmd, in PasswordInput) ([]domain.Payload, error) {
	if err := s.mustExist(); err != nil {
		return nil, err
	}
	self := cmd.Actor.ID == s.ID.String() && !s.Disabled
	if !self && cmd.Actor.Role != domain.RoleAdmin {
		return nil, domain.Forbidden("account.change_password.self_or_admin", "",
			"only the account holder or an admin may change a password")
	}
	if err := checkPasswordHash(in.PasswordHash, "password_hash"); err != nil {
		return nil, err
	}
	return []domain.Payload{PasswordChanged{AccountID: s.ID, PasswordHash: in.PasswordHash, Reset: !self}}, nil
}

// adminOnly lets an admin, or the service itself (RoleSystem, creating the
// first admin), manage accounts.
func adminOnly(cmd domain.Cmd, rule, verb string) error {
	if cmd.Actor.Role != domain.RoleAdmin && cmd.Actor.Role != domain.RoleSystem {
		return domain.Forbidden(rule, "", "only an admin may "+verb+" accounts")
	}
	return nil
}

func (s *State) mustExist() error {
	if !s.Exists {
		return domain.Conflict("account.update.unknown_account", "", "the account does not exist")
	}
	return nil
}

func roleError(err error) *domain.Error {
	if re, ok := err.(*domain.Error); ok {
		return re.At("role")
	}
	return domain.Invalid("account.role.known", "role", err.Error())
}

// checkUsername enforces 3–64 characters of lowercase ASCII letters,
// digits, '.', '-' and '_': usernames are typed at a login prompt and end up
// in logs and URLs, where anything else causes look-alike confusion.
func checkUsername(u string) *domain.Error {
	bad := len(u) < 3 || len(u) > 64
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			bad = true
		}
	}
	if bad {
		return domain.Invalid("account.create.username_format", "username",
			"a username is 3 to 64 characters: lowercase letters a-z, digits, '.', '-' or '_'")
	}
	return nil
}

const maxDisplayName = 64 // characters, not bytes: Chinese names are 3 bytes a character

func checkDisplayName(n string) *domain.Error {
	n = strings.TrimSpace(n)
	if n == "" {
		return domain.Invalid("account.create.display_name_required", "display_name", "a display name is required")
	}
	if utf8.RuneCountInString(n) > maxDisplayName || strings.IndexFunc(n, unicode.IsControl) >= 0 {
		return domain.Invalid("account.create.display_name_too_long", "display_name",
			"a display name is at most 64 characters without control characters")
	}
	return nil
}

// checkPasswordHash accepts a hash in the PHC / modular crypt form
// ("$argon2id$...", "$2a$...", "$pbkdf2-sha256$..."): it starts with '$',
// is 20 to 512 bytes long and has no whitespace. The domain cannot verify a
// hash, but this shape stops a plaintext password passed by mistake from
// landing in the permanent log.
func checkPasswordHash(h, field string) *domain.Error {
	if len(h) < 20 || len(h) > 512 || h[0] != '$' || strings.IndexFunc(h, unicode.IsSpace) >= 0 {
		return domain.Invalid("account.password_hash.format", field,
			"a password hash in PHC form ($id$...), 20 to 512 characters without spaces, is required; never a plaintext password")
	}
	return nil
}
