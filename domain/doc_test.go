package domain_test

import (
	"errors"
	"testing"

	"casework/domain"
)

func TestViolations_ErrorsAsFindsFirst(t *testing.T) {
	var v domain.Violations
	v.Add(nil)
	if v.Err() != nil {
		t.Fatal("empty violations must be a nil error")
	}
	v.Add(domain.Invalid("a.rule", "x", "bad x"))
	v.Add(domain.Conflict("b.rule", "", "bad state"))
	err := v.Err()
	var re *domain.Error
	if !errors.As(err, &re) || re.Rule != "a.rule" {
		t.Fatalf("errors.As found %v", re)
	}
	if got := domain.RuleErrors(err); len(got) != 2 || got[1].Rule != "b.rule" {
		t.Fatalf("RuleErrors = %v", got)
	}
	if !domain.IsKind(err, domain.KindConflict) || domain.IsKind(err, domain.KindForbidden) {
		t.Fatal("IsKind wrong")
	}
}
