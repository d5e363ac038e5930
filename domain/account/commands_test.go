package account_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/account"
)

func TestCreate_Rules(t *testing.T) {
	tests := []struct {
		name string
		cmd  domain.Cmd
		id   uuid.UUID
		edit func(*account.CreateInput)
		rule string
		kind domain.Kind
	}{
		{name: "admin creates a worker", cmd: admin(), id: accountID, edit: func(*account.CreateInput) {}},
		{name: "chinese display name and dotted username accepted", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) {
				in.Username = "zhang_san-02.jy"
				in.DisplayName = "张三（驻站社工）"
			}},
		{name: "admin creates an admin", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.Role = domain.RoleAdmin }},
		{name: "supervisor refused", cmd: as(domain.RoleSupervisor, "s1"), id: accountID,
			edit: func(*account.CreateInput) {}, rule: "account.create.admin_only", kind: domain.KindForbidden},
		{name: "nil id refused", cmd: admin(), id: uuid.Nil,
			edit: func(*account.CreateInput) {}, rule: "account.create.id_required", kind: domain.KindInvalid},
		{name: "uppercase username refused", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.Username = "LiXiaohong" }, rule: "account.create.username_format", kind: domain.KindInvalid},
		{name: "two-letter username refused", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.Username = "li" }, rule: "account.create.username_format", kind: domain.KindInvalid},
		{name: "65-character username refused", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.Username = strings.Repeat("a", 65) }, rule: "account.create.username_format", kind: domain.KindInvalid},
		{name: "chinese username refused", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.Username = "李晓红" }, rule: "account.create.username_format", kind: domain.KindInvalid},
		{name: "username with space refused", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.Username = "li xh" }, rule: "account.create.username_format", kind: domain.KindInvalid},
		{name: "blank display name refused", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.DisplayName = "  " }, rule: "account.create.display_name_required", kind: domain.KindInvalid},
		{name: "65-character display name refused", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.DisplayName = strings.Repeat("红", 65) }, rule: "account.create.display_name_too_long", kind: domain.KindInvalid},
		{name: "system role refused", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.Role = domain.RoleSystem }, rule: "account.role.known", kind: domain.KindInvalid},
		{name: "unknown role refused", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.Role = "mayor" }, rule: "account.role.known", kind: domain.KindInvalid},
		{name: "missing org unit refused", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.OrgUnit = "" }, rule: "account.create.org_unit_required", kind: domain.KindInvalid},
		{name: "plaintext password refused", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.PasswordHash = "correct horse battery staple" }, rule: "account.password_hash.format", kind: domain.KindInvalid},
		{name: "empty password hash refused", cmd: admin(), id: accountID,
			edit: func(in *account.CreateInput) { in.PasswordHash = "" }, rule: "account.password_hash.format", kind: domain.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := createInput()
			tt.edit(&in)
			ps, err := account.Create(tt.cmd, tt.id, in)
			check(t, ps, err, tt.rule, tt.kind, account.TypeCreated)
		})
	}
}

func TestCreate_SeveralViolations_AllReported(t *testing.T) {
	_, err := account.Create(admin(), uuid.Nil, account.CreateInput{Username: "X", Role: "mayor"})
	got := map[string]string{}
	for _, e := range domain.RuleErrors(err) {
		got[e.Rule] = e.Field
	}
	want := map[string]string{
		"account.create.id_required":           "id",
		"account.create.username_format":       "username",
		"account.create.display_name_required": "display_name",
		"account.role.known":                   "role",
		"account.create.org_unit_required":     "org_unit",
		"account.password_hash.format":         "password_hash",
	}
	for r, f := range want {
		if got[r] != f {
			t.Errorf("rule %s: field %q, want %q (all: %v)", r, got[r], f, got)
		}
	}
}

func TestCreate_FoldsIntoState(t *testing.T) {
	s := created(t)
	if !s.Exists || s.ID != accountID || s.Username != "li.xiaohong" || s.Role != domain.RoleSocialWorker ||
		s.OrgUnit != "station-xinhua" || s.PasswordHash != goodHash || s.CreatedBy != adminID.String() ||
		!s.CreatedAt.Equal(now) || !s.CanLogIn() || s.Version != 1 {
		t.Fatalf("state = %+v", s)
	}
}

func TestChangeRole_Rules(t *testing.T) {
	tests := []struct {
		name  string
		state func(testing.TB) *account.State
		cmd   domain.Cmd
		in    account.ChangeRoleInput
		rule  string
		kind  domain.Kind
	}{
		{name: "promote to supervisor", state: created, cmd: admin(),
			in: account.ChangeRoleInput{Role: domain.RoleSupervisor, Reason: "任命为站长"}},
		{name: "move to another station only", state: created, cmd: admin(),
			in: account.ChangeRoleInput{OrgUnit: "station-dongcheng", Reason: "调岗"}},
		{name: "admin moves own org unit", state: createdAdmin, cmd: admin(),
			in: account.ChangeRoleInput{OrgUnit: "city-jieyang", Reason: "调至市级"}},
		{name: "supervisor refused", state: created, cmd: as(domain.RoleSupervisor, "s1"),
			in: account.ChangeRoleInput{Role: domain.RoleSupervisor, Reason: "x"}, rule: "account.change_role.admin_only", kind: domain.KindForbidden},
		{name: "unknown account refused", state: func(testing.TB) *account.State { return &account.State{} }, cmd: admin(),
			in: account.ChangeRoleInput{Role: domain.RoleSupervisor, Reason: "x"}, rule: "account.update.unknown_account", kind: domain.KindConflict},
		{name: "disabled account refused", state: disabled, cmd: admin(),
			in: account.ChangeRoleInput{Role: domain.RoleSupervisor, Reason: "x"}, rule: "account.change_role.account_disabled", kind: domain.KindConflict},
		{name: "system role refused", state: created, cmd: admin(),
			in: account.ChangeRoleInput{Role: domain.RoleSystem, Reason: "x"}, rule: "account.role.known", kind: domain.KindInvalid},
		{name: "same role and unit refused", state: created, cmd: admin(),
			in: account.ChangeRoleInput{Role: domain.RoleSocialWorker, OrgUnit: "station-xinhua", Reason: "x"}, rule: "account.change_role.no_change", kind: domain.KindInvalid},
		{name: "empty change refused", state: created, cmd: admin(),
			in: account.ChangeRoleInput{Reason: "x"}, rule: "account.change_role.no_change", kind: domain.KindInvalid},
		{name: "missing reason refused", state: created, cmd: admin(),
			in: account.ChangeRoleInput{Role: domain.RoleSupervisor}, rule: "account.change_role.reason_required", kind: domain.KindInvalid},
		{name: "admin demoting itself refused", state: createdAdmin, cmd: admin(),
			in: account.ChangeRoleInput{Role: domain.RoleAuditor, Reason: "x"}, rule: "account.change_role.self_demotion", kind: domain.KindConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.state(t)
			before := clone(s)
			ps, err := s.ChangeRole(tt.cmd, tt.in)
			check(t, ps, err, tt.rule, tt.kind, account.TypeRoleChanged)
			unchanged(t, before, s)
		})
	}
}

func TestChangeRole_KeepsUnchangedHalf(t *testing.T) {
	s := created(t)
	ps, err := s.ChangeRole(admin(), account.ChangeRoleInput{OrgUnit: "station-dongcheng", Reason: "调岗"})
	if err != nil {
		t.Fatal(err)
	}
	got := ps[0].(account.RoleChanged)
	want := account.RoleChanged{AccountID: accountID, Role: domain.RoleSocialWorker, OrgUnit: "station-dongcheng",
		PreviousRole: domain.RoleSocialWorker, PreviousOrgUnit: "station-xinhua", Reason: "调岗"}
	if got != want {
		t.Fatalf("event = %+v, want %+v", got, want)
	}
	fold(t, s, admin(), ps)
	if s.Role != domain.RoleSocialWorker || s.OrgUnit != "station-dongcheng" {
		t.Fatalf("state = %+v", s)
	}
}

func disabled(tb testing.TB) *account.State {
	tb.Helper()
	s := created(tb)
	ps, err := s.Disable(admin(), account.ReasonInput{Reason: "离职"})
	if err != nil {
		tb.Fatal(err)
	}
	fold(tb, s, admin(), ps)
	return s
}

func TestDisableEnable_Rules(t *testing.T) {
	none := func(testing.TB) *account.State { return &account.State{} }
	tests := []struct {
		name   string
		state  func(testing.TB) *account.State
		cmd    domain.Cmd
		enable bool
		reason string
		rule   string
		kind   domain.Kind
	}{
		{name: "admin disables a worker", state: created, cmd: admin(), reason: "离职"},
		{name: "admin enables a disabled worker", state: disabled, cmd: admin(), enable: true},
		{name: "worker cannot disable", state: created, cmd: as(domain.RoleSocialWorker, accountID.String()), reason: "x",
			rule: "account.disable.admin_only", kind: domain.KindForbidden},
		{name: "supervisor cannot enable", state: disabled, cmd: as(domain.RoleSupervisor, "s1"), enable: true,
			rule: "account.enable.admin_only", kind: domain.KindForbidden},
		{name: "disable unknown account refused", state: none, cmd: admin(), reason: "x",
			rule: "account.update.unknown_account", kind: domain.KindConflict},
		{name: "enable unknown account refused", state: none, cmd: admin(), enable: true,
			rule: "account.update.unknown_account", kind: domain.KindConflict},
		{name: "disable twice refused", state: disabled, cmd: admin(), reason: "x",
			rule: "account.disable.already_disabled", kind: domain.KindConflict},
		{name: "admin disabling itself refused", state: createdAdmin, cmd: admin(), reason: "x",
			rule: "account.disable.not_self", kind: domain.KindConflict},
		{name: "disable without reason refused", state: created, cmd: admin(), reason: " ",
			rule: "account.disable.reason_required", kind: domain.KindInvalid},
		{name: "enable an enabled account refused", state: created, cmd: admin(), enable: true,
			rule: "account.enable.not_disabled", kind: domain.KindConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.state(t)
			before := clone(s)
			var ps []domain.Payload
			var err error
			want := account.TypeDisabled
			if tt.enable {
				want = account.TypeEnabled
				ps, err = s.Enable(tt.cmd, account.ReasonInput{Reason: tt.reason})
			} else {
				ps, err = s.Disable(tt.cmd, account.ReasonInput{Reason: tt.reason})
			}
			check(t, ps, err, tt.rule, tt.kind, want)
			unchanged(t, before, s)
			if err == nil {
				fold(t, s, tt.cmd, ps)
				if s.CanLogIn() != tt.enable {
					t.Fatalf("CanLogIn = %v after %s", s.CanLogIn(), want)
				}
			}
		})
	}
}

func TestChangePassword_Rules(t *testing.T) {
	self := as(domain.RoleSocialWorker, accountID.String())
	tests := []struct {
		name      string
		state     func(testing.TB) *account.State
		cmd       domain.Cmd
		hash      string
		rule      string
		kind      domain.Kind
		wantReset bool
	}{
		{name: "holder changes own password", state: created, cmd: self, hash: goodHash + "x"},
		{name: "admin resets a password", state: created, cmd: admin(), hash: goodHash, wantReset: true},
		{name: "admin resets a disabled account", state: disabled, cmd: admin(), hash: goodHash, wantReset: true},
		{name: "disabled holder refused", state: disabled, cmd: self, hash: goodHash,
			rule: "account.change_password.self_or_admin", kind: domain.KindForbidden},
		{name: "another worker refused", state: created, cmd: as(domain.RoleSupervisor, "someone-else"), hash: goodHash,
			rule: "account.change_password.self_or_admin", kind: domain.KindForbidden},
		{name: "unknown account refused", state: func(testing.TB) *account.State { return &account.State{} }, cmd: admin(), hash: goodHash,
			rule: "account.update.unknown_account", kind: domain.KindConflict},
		{name: "plaintext refused", state: created, cmd: self, hash: "123456",
			rule: "account.password_hash.format", kind: domain.KindInvalid},
		{name: "hash with whitespace refused", state: created, cmd: self, hash: "$2a$10$abc def ghijklmnopqrstu",
			rule: "account.password_hash.format", kind: domain.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.state(t)
			before := clone(s)
			ps, err := s.ChangePassword(tt.cmd, account.PasswordInput{PasswordHash: tt.hash})
			check(t, ps, err, tt.rule, tt.kind, account.TypePasswordChanged)
			unchanged(t, before, s)
			if err == nil {
				if got := ps[0].(account.PasswordChanged); got.Reset != tt.wantReset || got.PasswordHash != tt.hash {
					t.Fatalf("event = %+v", got)
				}
			}
		})
	}
}
