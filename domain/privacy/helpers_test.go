package privacy_test

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/internal/domaintest"
	"casework/domain/privacy"
)

var (
	now = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

	admin    = domain.Actor{ID: "acc-admin-liu", Role: domain.RoleAdmin, OrgUnit: "county-510108"}
	admin2   = domain.Actor{ID: "acc-admin-chen", Role: domain.RoleAdmin, OrgUnit: "county-510108"}
	operator = domain.Actor{ID: "ops-zhou", Role: domain.RoleSystem}

	req1 = uuid.MustParse("0195f3a0-0000-7000-8000-00000000c001")
	req2 = uuid.MustParse("0195f3a0-0000-7000-8000-00000000c002")
)

func cmdBy(a domain.Actor) domain.Cmd { return domain.Cmd{Actor: a, Now: now} }

func cmdAs(role domain.Role) domain.Cmd {
	return cmdBy(domain.Actor{ID: "acc-" + string(role), Role: role})
}

// failer is what both *testing.T and *rapid.T offer to helpers.
type failer = domaintest.TB

// fold applies payloads recorded by a to s as the store would.
func fold(s *privacy.State, a domain.Actor, ps ...domain.Payload) {
	for _, p := range ps {
		s.Apply(domain.Event{Revision: s.Version, Actor: a, OccurredAt: now, RecordedAt: now, Payload: p})
	}
}

// must folds the events of a command that must be accepted:
// must(t, s, a)(privacy.Cmd(s, cmdBy(a), ...)).
func must(tb failer, s *privacy.State, a domain.Actor) func([]domain.Payload, error) {
	return func(ps []domain.Payload, err error) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("command refused: %v", err)
		}
		if len(ps) == 0 {
			tb.Fatalf("command accepted without events")
		}
		fold(s, a, ps...)
	}
}

// rules tracks the package's rules table against what the tests see.
var rules = domaintest.NewRules("privacy.", privacy.Rules())

func TestMain(m *testing.M) { os.Exit(rules.Main(m)) }

func wantRule(tb failer, err error, rule string, k domain.Kind) {
	tb.Helper()
	rules.Want(tb, err, rule, k)
}

// stateCopy returns a deep copy of s.
func stateCopy(s *privacy.State) *privacy.State {
	c := *s
	if s.Pending != nil {
		p := *s.Pending
		c.Pending = &p
	}
	c.Rejected = slices.Clone(s.Rejected)
	return &c
}

// requested is a client for whom admin asked, with req1, to be forgotten.
func requested(tb failer) *privacy.State {
	tb.Helper()
	var s privacy.State
	must(tb, &s, admin)(privacy.RequestForget(&s, cmdBy(admin), privacy.RequestInput{RequestID: req1, Reason: "本人书面申请删除个人信息"}))
	return &s
}

// rejected is a client whose request req1 was rejected by admin2.
func rejected(tb failer) *privacy.State {
	tb.Helper()
	s := requested(tb)
	must(tb, s, admin2)(privacy.RejectForget(s, cmdBy(admin2), privacy.RejectInput{RequestID: req1, Reason: "个案仍在服务期内"}))
	return s
}

// forgotten is a client forgotten on req1, approved by admin2.
func forgotten(tb failer) *privacy.State {
	tb.Helper()
	s := requested(tb)
	must(tb, s, admin2)(privacy.ApproveForget(s, cmdBy(admin2), privacy.ApproveInput{RequestID: req1}))
	return s
}

func fresh(failer) *privacy.State { return &privacy.State{} }
