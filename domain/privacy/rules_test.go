package privacy_test

import (
	"slices"
	"testing"

	"casework/domain"
	"casework/domain/privacy"
)

func TestRules_UniqueDocumentedAndProven(t *testing.T) { rules.CheckTable(t) }

func TestRules_SplitByCategory(t *testing.T) {
	all := privacy.Rules()
	if got := append(privacy.ForgetRules(), privacy.AccessRules()...); !slices.Equal(got, all) {
		t.Fatalf("Rules() is not ForgetRules() then AccessRules()")
	}
	for _, r := range all {
		if r.Seed != "DOMAIN §8" && r.Seed != "PIPL Art. 47" {
			t.Errorf("rule %s has seed %q", r.Name, r.Seed)
		}
	}
	names := func(rs []domain.RuleInfo) (out []string) {
		for _, r := range rs {
			out = append(out, r.Name)
		}
		return out
	}
	for _, n := range names(privacy.AccessRules()) {
		if !slices.Contains([]string{"privacy.read.stream_required", "privacy.read.fields_required", "privacy.read.role_without_purpose"}, n) {
			t.Errorf("access rule %s", n)
		}
	}
}
