package account

import "casework/domain"

// Rules lists every rule the commands on account streams can return, for
// RULES.md; LoginRules lists those of login streams.
func Rules() []domain.RuleInfo {
	const s = "DOMAIN §1"
	return []domain.RuleInfo{
		rule("account.create.admin_only", s, "Only an admin may create accounts."),
		rule("account.create.id_required", s, "A new account needs a non-nil ID."),
		rule("account.create.username_format", s, "A username is 3–64 lowercase letters, digits, '.', '-' or '_'."),
		rule("account.create.display_name_required", s, "A display name is required."),
		rule("account.create.display_name_too_long", s, "A display name is at most 64 characters without control characters."),
		rule("account.role.known", s, "The role is one of the eight account roles (never system)."),
		rule("account.create.org_unit_required", s, "An account belongs to an org unit."),
		rule("account.password_hash.format", "DOMAIN §8", "Only a password hash in PHC form is stored, never a plaintext password."),
		rule("account.update.unknown_account", s, "Changes apply only to an account that exists."),
		rule("account.change_role.admin_only", s, "Only an admin may change an account's role or org unit."),
		rule("account.change_role.account_disabled", s, "A disabled account's role and org unit change only after it is enabled."),
		rule("account.change_role.no_change", s, "A role change must change the role or the org unit."),
		rule("account.change_role.reason_required", s, "A role change states its reason."),
		rule("account.change_role.self_demotion", s, "An admin cannot take the admin role from its own account."),
		rule("account.disable.admin_only", s, "Only an admin may disable accounts."),
		rule("account.disable.already_disabled", s, "A disabled account cannot be disabled again."),
		rule("account.disable.not_self", s, "An admin cannot disable its own account."),
		rule("account.disable.reason_required", s, "Disabling an account states its reason."),
		rule("account.enable.admin_only", s, "Only an admin may enable accounts."),
		rule("account.enable.not_disabled", s, "Only a disabled account can be enabled."),
		rule("account.change_password.self_or_admin", s, "Only the enabled account holder or an admin may change a password."),
	}
}

// LoginRules lists the rules of recording logins on login streams.
func LoginRules() []domain.RuleInfo {
	const s = "DOMAIN §1"
	return []domain.RuleInfo{
		rule("account.login.own_account", s, "A login attempt is recorded on the login stream of the account it names, as that account."),
		rule("account.login.locked", s, "Five failed logins in a row lock an account for 15 minutes; while locked, no login succeeds and none is recorded."),
	}
}

func rule(name, seed, summary string) domain.RuleInfo {
	return domain.RuleInfo{Name: name, Seed: seed, Summary: summary}
}
