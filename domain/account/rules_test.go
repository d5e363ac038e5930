package account_test

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"testing"

	"casework/domain"
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

// seenRules collects every rule name a command returned in the tests.
var seenRules = map[string]bool{}

// record notes the rules err carries and fails tb at once if one of them
// is missing from Rules(): every rule a command returns must be listed.
func record(tb testing.TB, err error) {
	tb.Helper()
	for _, re := range domain.RuleErrors(err) {
		seenRules[re.Rule] = true
		if !listed(re.Rule) {
			tb.Errorf("rule %s returned by a command but missing from Rules()", re.Rule)
		}
	}
}

func listed(name string) bool {
	for _, r := range account.Rules() {
		if r.Name == name {
			return true
		}
	}
	return false
}

// TestMain checks, after a full run of the package's tests, that every rule
// in Rules() was returned by some test, so that no listed rule is untested.
func TestMain(m *testing.M) {
	code := m.Run()
	if f := flag.Lookup("test.run"); code == 0 && !testing.Short() && (f == nil || f.Value.String() == "") {
		var missing []string
		for _, r := range account.Rules() {
			if !seenRules[r.Name] {
				missing = append(missing, r.Name)
			}
		}
		sort.Strings(missing)
		for _, n := range missing {
			fmt.Fprintf(os.Stderr, "rule %s is listed in Rules() but no test saw a command return it\n", n)
			code = 1
		}
	}
	os.Exit(code)
}
