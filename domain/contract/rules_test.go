package contract_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casework/domain/contract"
)

func TestRules_NoDuplicatesAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range contract.Rules() {
		if seen[r.Name] {
			t.Errorf("duplicate rule %s", r.Name)
		}
		seen[r.Name] = true
		if r.Seed == "" || r.Summary == "" {
			t.Errorf("rule %s lacks a seed or summary", r.Name)
		}
		if !strings.HasPrefix(r.Name, "contract.") || strings.ToLower(r.Name) != r.Name || strings.Count(r.Name, ".") != 2 {
			t.Errorf("rule %s is not contract.<command>.<rule>", r.Name)
		}
	}
}

// TestRules_ReturnedRulesAreListed checks every rule the tests so far saw a
// command return against Rules(); TestMain repeats it after the whole run
// and also requires every listed rule to have been seen.
func TestRules_ReturnedRulesAreListed(t *testing.T) {
	listed := map[string]bool{}
	for _, r := range contract.Rules() {
		listed[r.Name] = true
	}
	for name := range seenRules {
		if !listed[name] {
			t.Errorf("rule %s returned by a command but missing from Rules()", name)
		}
	}
}

// TestRules_EachNamedLiterallyInATest keeps RULES.md generation honest: the
// generator finds a rule's proving test by its literal name in _test.go files.
func TestRules_EachNamedLiterallyInATest(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, f := range files {
		if f == "rules_test.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	for _, r := range contract.Rules() {
		if !strings.Contains(all.String(), `"`+r.Name+`"`) {
			t.Errorf("rule %s is not named literally in any test", r.Name)
		}
	}
}
