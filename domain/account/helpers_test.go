package account_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/account"
)

var (
	now       = time.Date(2026, 3, 2, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	accountID = uuid.MustParse("0195a0c4-7d2e-7b4e-9c1a-3f5e2d1c0b9a")
	adminID   = uuid.MustParse("0195a0c4-0000-7000-8000-000000000001")
)

const goodHash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"

func admin() domain.Cmd {
	return domain.Cmd{Actor: domain.Actor{ID: adminID.String(), Role: domain.RoleAdmin, OrgUnit: "county-jiangan"}, Now: now}
}

func as(role domain.Role, id string) domain.Cmd {
	return domain.Cmd{Actor: domain.Actor{ID: id, Role: role, OrgUnit: "station-xinhua"}, Now: now}
}

func createInput() account.CreateInput {
	return account.CreateInput{
		Username:     "li.xiaohong",
		DisplayName:  "李晓红",
		Role:         domain.RoleSocialWorker,
		OrgUnit:      "station-xinhua",
		PasswordHash: goodHash,
	}
}

// fold applies payloads to s as events recorded by cmd, in order.
func fold(tb testing.TB, s *account.State, cmd domain.Cmd, ps []domain.Payload) {
	tb.Helper()
	for _, p := range ps {
		s.Apply(domain.Event{Revision: s.Version, Actor: cmd.Actor, OccurredAt: cmd.Now, RecordedAt: cmd.Now, Payload: p})
	}
}

// created returns the state of a freshly created social-worker account.
func created(tb testing.TB) *account.State {
	tb.Helper()
	ps, err := account.Create(admin(), accountID, createInput())
	if err != nil {
		tb.Fatalf("create: %v", err)
	}
	s := &account.State{}
	fold(tb, s, admin(), ps)
	return s
}

// createdAdmin returns the state of the acting admin's own account.
func createdAdmin(tb testing.TB) *account.State {
	tb.Helper()
	in := createInput()
	in.Username, in.Role = "admin.wang", domain.RoleAdmin
	ps, err := account.Create(admin(), adminID, in)
	if err != nil {
		tb.Fatalf("create admin: %v", err)
	}
	s := &account.State{}
	fold(tb, s, admin(), ps)
	return s
}

// check runs a command result against the expectation: no error and one
// event of wantType when rule is empty, otherwise exactly rule (among the
// returned violations), kind kind, no events.
func check(tb testing.TB, ps []domain.Payload, err error, rule string, kind domain.Kind, wantType string) {
	tb.Helper()
	record(tb, err)
	if rule == "" {
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		if len(ps) != 1 || ps[0].EventType() != wantType {
			tb.Fatalf("events = %#v, want one %s", ps, wantType)
		}
		return
	}
	if ps != nil {
		tb.Fatalf("refused command returned events %#v", ps)
	}
	var re *domain.Error
	if !errors.As(err, &re) {
		tb.Fatalf("err = %v, want rule %s", err, rule)
	}
	var names []string
	for _, e := range domain.RuleErrors(err) {
		names = append(names, e.Rule)
		if e.Rule == rule && e.Kind != kind {
			tb.Fatalf("rule %s has kind %v, want %v", rule, e.Kind, kind)
		}
	}
	if !slices.Contains(names, rule) {
		tb.Fatalf("rules = %v, want %s", names, rule)
	}
}

func clone(s *account.State) account.State { return *s }

func unchanged(tb testing.TB, before account.State, s *account.State) {
	tb.Helper()
	if !reflect.DeepEqual(before, *s) {
		tb.Fatalf("refused command changed the state:\nbefore %+v\nafter  %+v", before, *s)
	}
}
