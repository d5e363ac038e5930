package org_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"casework/domain"
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
type failer interface {
	Helper()
	Fatalf(format string, args ...any)
}

// fold applies payloads to s as the store would, numbering revisions.
func fold(tb failer, s *org.State, ps ...domain.Payload) {
	tb.Helper()
	for _, p := range ps {
		s.Apply(domain.Event{Revision: s.Version, Payload: p, RecordedAt: now, OccurredAt: now})
	}
}

// wantRule asserts err carries rule with kind k, and that every rule in err
// is listed in org.Rules().
func wantRule(tb failer, err error, rule string, k domain.Kind) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("want rule %s, got no error", rule)
	}
	assertKnownRules(tb, err)
	for _, e := range domain.RuleErrors(err) {
		if e.Rule == rule {
			if e.Kind != k {
				tb.Fatalf("rule %s has kind %v, want %v", rule, e.Kind, k)
			}
			return
		}
	}
	tb.Fatalf("want rule %s, got %v", rule, err)
}

func assertKnownRules(tb failer, err error) {
	tb.Helper()
	errs := domain.RuleErrors(err)
	if len(errs) == 0 {
		tb.Fatalf("error carries no rule: %v", err)
	}
	for _, e := range errs {
		if !knownRule(e.Rule) {
			tb.Fatalf("rule %q returned but not listed in Rules()", e.Rule)
		}
	}
}

func knownRule(name string) bool {
	for _, r := range org.Rules() {
		if r.Name == name {
			return true
		}
	}
	return false
}

func TestRules_UniqueDocumentedAndProven(t *testing.T) {
	var src strings.Builder
	files, _ := filepath.Glob("*_test.go")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	var names []string
	for _, r := range org.Rules() {
		if slices.Contains(names, r.Name) {
			t.Errorf("rule %s listed twice", r.Name)
		}
		names = append(names, r.Name)
		if r.Seed == "" || r.Summary == "" {
			t.Errorf("rule %s lacks seed or summary", r.Name)
		}
		if !strings.HasPrefix(r.Name, "org.") {
			t.Errorf("rule %s outside the org namespace", r.Name)
		}
		if !strings.Contains(src.String(), `"`+r.Name+`"`) {
			t.Errorf("rule %s is not asserted by any test", r.Name)
		}
	}
}

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
