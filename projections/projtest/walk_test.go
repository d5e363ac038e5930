package projtest_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/referral"
	"casework/eventstore"
	"casework/projections/projtest"
)

// The walk is only worth its randomness if the domain accepts its steps:
// a command it gets wrong is refused and appends nothing, silently. Sixty
// walked cases reach every case and referral event type.
func TestWalk_ReachesEveryCaseAndReferralEvent(t *testing.T) {
	store := projtest.OpenStore(t, t.TempDir())
	w := projtest.Generate(t, store, projtest.Options{Cases: 60, Choices: rand.NewPCG(3, 4)})
	seen := map[string]int{}
	for ev, err := range store.ReadAll(context.Background(), 0, eventstore.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		seen[ev.Type]++
	}
	reg := domain.NewRegistry()
	casefile.RegisterEvents(reg)
	referral.RegisterEvents(reg)
	for _, name := range reg.Names() {
		if seen[name] == 0 {
			t.Errorf("no %s in the walked history: %v", name, seen)
		}
	}
	if seen[casefile.EventCaseOpened] != len(w.Cases) {
		t.Errorf("%d cases opened, want %d", seen[casefile.EventCaseOpened], len(w.Cases))
	}
}
