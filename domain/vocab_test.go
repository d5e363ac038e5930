package domain_test

import (
	"encoding/json"
	"testing"

	"casework/domain"
)

func TestServiceDomains_EightDistinctAndValid(t *testing.T) {
	seen := map[domain.ServiceDomain]bool{}
	for _, d := range domain.ServiceDomains() {
		if seen[d] || !d.Valid() {
			t.Errorf("%q repeated or not valid", d)
		}
		seen[d] = true
	}
	if len(seen) != 8 {
		t.Fatalf("%d service domains, want 8", len(seen))
	}
	for _, d := range []domain.ServiceDomain{"", "housing", "Elderly_care"} {
		if d.Valid() {
			t.Errorf("%q accepted", d)
		}
	}
}

func TestServiceDomain_EncodesAsPlainString(t *testing.T) {
	b, err := json.Marshal(struct {
		D domain.ServiceDomain `json:"d"`
	}{domain.ChildWelfare})
	if err != nil || string(b) != `{"d":"child_welfare"}` {
		t.Fatalf("got %s, %v", b, err)
	}
}
