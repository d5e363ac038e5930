package account_test

import (
	"flag"
	"testing"

	"casework/domain/account"
)

func TestRules_NoDuplicatesAndComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range account.Rules() {
		if seen[r.Name] {
			t.Errorf("duplicate rule %s", r.Name)
		}
		seen[r.Name] = true
		if r.Seed == "" || r.Summary == "" {
			t.Errorf("rule %s lacks a seed or summary", r.Name)
		}
	}
}

// TestRules_ReturnedRulesAreListed runs after the command tests (files run
// in name order, tests in source order) and checks both directions: every
// rule a command returned is listed, and every listed rule was seen.
func TestRules_ReturnedRulesAreListed(t *testing.T) {
	listed := map[string]bool{}
	for _, r := range account.Rules() {
		listed[r.Name] = true
	}
	if len(seenRules) == 0 {
		t.Skip("run with the command tests to collect returned rules")
	}
	for name := range seenRules {
		if !listed[name] {
			t.Errorf("rule %s returned by a command but missing from Rules()", name)
		}
	}
	// The reverse direction needs every command test to have run.
	if f := flag.Lookup("test.run"); testing.Short() || f != nil && f.Value.String() != "" {
		return
	}
	for name := range listed {
		if !seenRules[name] {
			t.Errorf("rule %s listed but no test saw a command return it", name)
		}
	}
}
