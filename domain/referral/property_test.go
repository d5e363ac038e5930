package referral_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"casework/domain"
	"casework/domain/referral"
	"casework/domain/value"
)

// TestReferral_RandomCommands_FoldEqualsSteps drives random command
// sequences (valid and invalid requests, any action by any actor with any
// reason) and checks that nothing panics, a refused command returns no
// events and leaves the state alone, an accepted one follows Table, a final
// state never changes, and folding all emitted events from scratch equals
// the state built step by step.
func TestReferral_RandomCommands_FoldEqualsSteps(t *testing.T) {
	// Actors of both sides are drawn more often than unrelated ones so that
	// sequences get far into the state machine.
	actors := append([]domain.Actor{receiver, receiver, receiver, receiver, toPerson, toPerson,
		worker, worker, supervisor}, unrelated...)
	requesters := []domain.Actor{worker, worker, supervisor, supervisor, receiver}
	actions := append(referral.Actions(), "approve", "")
	texts := []string{"", " ", "情况说明", "案主已获其他救助"}
	outcomes := []string{"", "", "", " ", "已发放救助金"}
	var requestedRuns, finalRuns, runs int
	rapid.Check(t, func(t *rapid.T) {
		runs++
		var s referral.State
		var log []domain.Event
		emit := func(cmd domain.Cmd, ps []domain.Payload) {
			for _, p := range ps {
				e := domain.Event{Revision: s.Version, Actor: cmd.Actor, OccurredAt: cmd.Now, RecordedAt: cmd.Now, Payload: p}
				s.Apply(e)
				log = append(log, e)
			}
		}
		clock := now
		steps := rapid.IntRange(1, 40).Draw(t, "steps")
		for i := 0; i < steps; i++ {
			clock = clock.Add(time.Duration(rapid.IntRange(0, 72*60).Draw(t, "minutes")) * time.Minute)
			cmd := domain.Cmd{Actor: rapid.SampledFrom(actors).Draw(t, "actor"), Now: clock}
			before := s
			var ps []domain.Payload
			var err error
			if !s.Exists {
				cmd.Actor = rapid.SampledFrom(requesters).Draw(t, "requester")
				in := requestInput()
				in.Consent.GivenAt = clock.Add(-time.Minute)
				in.DueDate = value.DateOf(clock).AddDays(rapid.IntRange(-2, 30).Draw(t, "due_in"))
				if rapid.IntRange(0, 9).Draw(t, "blank_needs") == 0 {
					in.Needs = ""
				}
				if rapid.IntRange(0, 3).Draw(t, "override") == 0 {
					in.Consent = referral.ConsentInput{OverrideReason: rapid.SampledFrom(texts).Draw(t, "override_reason")}
				}
				ps, err = referral.Request(cmd, referralID, in)
			} else {
				a := rapid.SampledFrom(actions).Draw(t, "action")
				ps, err = s.Transition(cmd, a, rapid.SampledFrom(texts).Draw(t, "reason"),
					rapid.SampledFrom(outcomes).Draw(t, "outcome"))
				if _, ok := referral.Next(before.Status, before.HeldFrom, a); err == nil && !ok {
					t.Fatalf("%s from %s accepted outside the table", a, before.Status)
				}
			}
			if !reflect.DeepEqual(before, s) {
				t.Fatalf("a command mutated the state")
			}
			if err != nil {
				rules.Known(t, err)
				if ps != nil {
					t.Fatalf("refused command returned events: %v", ps)
				}
				continue
			}
			if len(ps) != 1 {
				t.Fatalf("%d events, want 1", len(ps))
			}
			emit(cmd, ps)
			if before.Exists {
				if before.Status.Final() {
					t.Fatalf("final state %s changed to %s", before.Status, s.Status)
				}
				if want, _ := referral.Next(before.Status, before.HeldFrom, actionOf(ps[0])); s.Status != want {
					t.Fatalf("status %s after %s from %s, table says %s", s.Status, ps[0].EventType(), before.Status, want)
				}
			}
			if !slices.Contains(referral.Statuses(), s.Status) {
				t.Fatalf("unknown status %q", s.Status)
			}
			if (s.Status == referral.StatusOnHold) != (s.HeldFrom != "") {
				t.Fatalf("status %s with held-from %q", s.Status, s.HeldFrom)
			}
		}
		if s.Exists {
			requestedRuns++
		}
		if s.Status.Final() {
			finalRuns++
		}
		var fresh referral.State
		for _, e := range log {
			fresh.Apply(e)
		}
		if !reflect.DeepEqual(fresh, s) {
			t.Fatalf("fold from scratch differs:\nfold  %+v\nsteps %+v", fresh, s)
		}
	})
	t.Logf("%d runs: %d requested a referral, %d reached a final state", runs, requestedRuns, finalRuns)
	if requestedRuns*2 < runs || finalRuns*10 < runs {
		t.Fatalf("generator too weak: %d of %d runs requested, %d reached a final state", requestedRuns, runs, finalRuns)
	}
}

// actionOf maps an emitted event back to the action that produced it.
func actionOf(p domain.Payload) referral.Action {
	switch p.(type) {
	case referral.Accepted:
		return referral.ActionAccept
	case referral.Rejected:
		return referral.ActionReject
	case referral.Started:
		return referral.ActionStart
	case referral.OnHold:
		return referral.ActionHold
	case referral.Resumed:
		return referral.ActionResume
	case referral.Completed:
		return referral.ActionComplete
	case referral.Failed:
		return referral.ActionFail
	case referral.Cancelled:
		return referral.ActionCancel
	}
	return ""
}
