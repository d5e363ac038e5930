package org_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/internal/domaintest"
	"casework/domain/org"
)

var (
	now   = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	admin = domain.Cmd{Actor: domain.Actor{ID: "acc-admin", Role: domain.RoleAdmin}, Now: now}
)

func cmdAs(role domain.Role) domain.Cmd {
	return domain.Cmd{Actor: domain.Actor{ID: "acc-" + string(role), Role: role}, Now: now}
}

// failer is what both *testing.T and *rapid.T offer to helpers.
type failer = domaintest.TB

// fold applies payloads to s as the store would, numbering revisions.
func fold(tb failer, s *org.State, ps ...domain.Payload) {
	tb.Helper()
	for _, p := range ps {
		s.Apply(domain.Event{Revision: s.Version, Payload: p, RecordedAt: now, OccurredAt: now})
	}
}

// rules tracks the package's rules table against what the tests see.
var rules = domaintest.NewRules("org.", org.Rules())

// wantRule asserts err carries rule with kind k, and that every rule in err
// is listed in org.Rules().
func wantRule(tb failer, err error, rule string, k domain.Kind) {
	tb.Helper()
	rules.Want(tb, err, rule, k)
}

func assertKnownRules(tb failer, err error) {
	tb.Helper()
	rules.Known(tb, err)
}

func TestRules_UniqueDocumentedAndProven(t *testing.T) { rules.CheckTable(t) }

func mustRegister(tb testing.TB, id uuid.UUID, in org.RegisterInput) *org.State {
	tb.Helper()
	ps, err := org.Register(admin, id, in)
	if err != nil {
		tb.Fatalf("register: %v", err)
	}
	var s org.State
	fold(tb, &s, ps...)
	return &s
}

// exported lets cmp look into the value types' unexported fields.
var exported = cmp.Exporter(func(reflect.Type) bool { return true })
