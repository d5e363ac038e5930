package account_test

import (
	"flag"
	"reflect"
	"testing"

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
	}
}

func registry(tb testing.TB) *domain.Registry {
	tb.Helper()
	r := domain.NewRegistry()
	account.RegisterEvents(r)
	return r
}

func TestEvents_Golden(t *testing.T) {
	domaintest.Golden(t, account.RegisterEvents, samples(), *update,
		domaintest.DeepEqual)
}

func TestEvents_EveryTypeRegisteredAndSampled(t *testing.T) {
	r := registry(t)
	want := []string{account.TypeCreated, account.TypeDisabled, account.TypeEnabled,
		account.TypePasswordChanged, account.TypeRoleChanged}
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
