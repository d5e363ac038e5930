package account_test

import (
	"flag"
	"reflect"
	"slices"
	"testing"
	"time"

	"casework/domain"
	"casework/domain/account"
	"casework/domain/internal/domaintest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// samples holds one realistic payload per event type.
func samples() []domain.Payload {
	return []domain.Payload{
		account.Created{AccountID: accountID, Username: "li.xiaohong", DisplayName: "李晓红",
			Role: domain.RoleSocialWorker, OrgUnit: "station-xinhua", PasswordHash: goodHash},
		account.RoleChanged{AccountID: accountID, Role: domain.RoleSupervisor, OrgUnit: "station-xinhua",
			PreviousRole: domain.RoleSocialWorker, PreviousOrgUnit: "station-xinhua", Reason: "经镇党委研究，任命为社工站站长"},
		account.Disabled{AccountID: accountID, Reason: "合同期满离职"},
		account.Enabled{AccountID: accountID, Reason: "重新入职"},
		account.PasswordChanged{AccountID: accountID, PasswordHash: goodHash, Reset: true},
		account.LoginFailed{AccountID: accountID, Failures: 5, LockedUntil: time.Date(2026, 3, 2, 1, 45, 0, 0, time.UTC)},
		account.LoginFailuresCleared{AccountID: accountID, Failures: 3},
	}
}

func registerAll(r *domain.Registry) {
	account.RegisterEvents(r)
	account.RegisterLoginEvents(r)
}

func registry(tb testing.TB) *domain.Registry {
	tb.Helper()
	r := domain.NewRegistry()
	registerAll(r)
	return r
}

func TestEvents_Golden(t *testing.T) {
	domaintest.Golden(t, registerAll, samples(), *update,
		domaintest.DeepEqual)
}

func TestEvents_TwoCategories(t *testing.T) {
	accounts, logins := domain.NewRegistry(), domain.NewRegistry()
	account.RegisterEvents(accounts)
	account.RegisterLoginEvents(logins)
	if got, want := logins.Names(), []string{account.TypeLoginFailed, account.TypeLoginFailuresCleared}; !reflect.DeepEqual(got, want) {
		t.Errorf("login events %v, want %v", got, want)
	}
	if len(accounts.Names()) != 5 {
		t.Errorf("account events %v", accounts.Names())
	}
	if account.Category != "account" || account.LoginCategory != "login" {
		t.Errorf("categories %q, %q", account.Category, account.LoginCategory)
	}
}

// A failure before the lock carries no locked_until at all, and no login
// event carries anything but the account, a count and a time: never a
// password, never what was typed.
func TestEvents_LoginFailed_OmitsLockBeforeTheFifth(t *testing.T) {
	_, _, data, err := registry(t).Encode(account.LoginFailed{AccountID: accountID, Failures: 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"account_id":"` + accountID.String() + `","failures":2}`; string(data) != want {
		t.Fatalf("got %s\nwant %s", data, want)
	}
}

func TestEvents_EveryTypeRegisteredAndSampled(t *testing.T) {
	r := registry(t)
	want := []string{account.TypeCreated, account.TypeDisabled, account.TypeEnabled,
		account.TypePasswordChanged, account.TypeRoleChanged, account.TypeLoginFailed, account.TypeLoginFailuresCleared}
	slices.Sort(want)
	if got := r.Names(); !reflect.DeepEqual(got, want) {
		t.Fatalf("registered %v, want %v", got, want)
	}
	seen := map[string]bool{}
	for _, p := range samples() {
		seen[p.EventType()] = true
	}
	for _, n := range want {
		if !seen[n] {
			t.Errorf("no golden sample for %s", n)
		}
	}
}
