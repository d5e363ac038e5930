package casefile_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"casework/domain/casefile"
	"casework/domain/value"
)

var ruleLiteral = regexp.MustCompile(`"(case\.[a-z_]+\.[a-z_]+)"`)

// literals returns the rule-name literals in the package's files, test
// files or not.
func literals(tb testing.TB, tests bool) map[string]bool {
	tb.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") != tests || (!tests && f == "rules.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, m := range ruleLiteral.FindAllStringSubmatch(string(b), -1) {
			out[m[1]] = true
		}
	}
	return out
}

func ruleSet() map[string]bool {
	out := map[string]bool{}
	for _, r := range casefile.Rules() {
		out[r.Name] = true
	}
	for _, r := range value.Rules() {
		out[r.Name] = true
	}
	return out
}

func TestRules_TableHasNoDuplicatesAndIsDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range casefile.Rules() {
		if seen[r.Name] {
			t.Errorf("rule %s listed twice", r.Name)
		}
		seen[r.Name] = true
		if !strings.HasPrefix(r.Name, "case.") || r.Seed == "" || r.Summary == "" {
			t.Errorf("rule %+v lacks prefix, seed or summary", r)
		}
	}
}

func TestRules_EveryReturnedRuleIsListed(t *testing.T) {
	listed := ruleSet()
	used := literals(t, false)
	for name := range used {
		if !listed[name] {
			t.Errorf("the code returns %s but Rules() does not list it", name)
		}
	}
	for _, r := range casefile.Rules() {
		if !used[r.Name] {
			t.Errorf("Rules() lists %s but no command returns it", r.Name)
		}
	}
}

func TestRules_EveryRuleIsProvenByATest(t *testing.T) {
	tested := literals(t, true)
	for _, r := range casefile.Rules() {
		if !tested[r.Name] {
			t.Errorf("no test names rule %s", r.Name)
		}
	}
	if len(casefile.Rules()) < 70 {
		t.Errorf("only %d rules", len(casefile.Rules()))
	}
}
