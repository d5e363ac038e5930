package value_test

import (
	"testing"

	"casework/domain/value"
)

func TestRules_NoDuplicatesAndComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range value.Rules() {
		if seen[r.Name] {
			t.Errorf("duplicate rule %s", r.Name)
		}
		if r.Seed == "" || r.Summary == "" {
			t.Errorf("rule %s lacks seed or summary", r.Name)
		}
		seen[r.Name] = true
	}
	// Every rule the parsers return, as exercised by the table tests.
	for _, name := range []string{
		"value.resident_id.length", "value.resident_id.legacy_15_digit", "value.resident_id.charset",
		"value.resident_id.birth_date", "value.resident_id.check_digit",
		"value.credit_code.length", "value.credit_code.charset", "value.credit_code.division",
		"value.division_code.format", "value.division_code.province",
		"value.fen.format", "value.date.format",
	} {
		if !seen[name] {
			t.Errorf("rule %s returned by a parser is missing from Rules()", name)
		}
	}
	if len(seen) != 12 {
		t.Errorf("Rules() has %d rules, the parsers return 12", len(seen))
	}
}
