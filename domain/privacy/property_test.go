package privacy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"pgregory.net/rapid"

	"casework/domain"
	"casework/domain/privacy"
)

// TestForget_RandomCommands_NeverPanicAndForgottenIsFinal drives one client
// stream with random commands by random actors: a refused command changes
// nothing, a pending request always has an id and a requester, a client
// once forgotten stays forgotten and no command emits events for it, and
// folding the log from scratch gives the same state.
func TestForget_RandomCommands_NeverPanicAndForgottenIsFinal(t *testing.T) {
	// Weighted towards what is accepted, so that runs reach approvals,
	// rejections and forgotten clients.
	actors := []domain.Actor{admin, admin2, admin, admin2, operator,
		{ID: "acc-admin-wu", Role: domain.RoleAdmin},
		{ID: "acc-sw", Role: domain.RoleSocialWorker},
		{ID: "acc-sup", Role: domain.RoleSupervisor}}
	ids := []uuid.UUID{uuid.Nil, req1, req2, uuid.MustParse("0195f3a0-0000-7000-8000-00000000c003")}
	reasons := []string{"", " ", "本人申请", "本人申请", "本人申请", string(make([]rune, 501))}
	rapid.Check(t, func(t *rapid.T) {
		var s privacy.State
		var log []domain.Event
		steps := rapid.IntRange(1, 40).Draw(t, "steps")
		for i := 0; i < steps; i++ {
			a := rapid.SampledFrom(actors).Draw(t, "actor")
			cmd := cmdBy(a)
			id := rapid.SampledFrom(ids).Draw(t, "id")
			if s.Pending != nil && rapid.Bool().Draw(t, "pending id") {
				id = s.Pending.ID
			}
			why := rapid.SampledFrom(reasons).Draw(t, "reason")
			before := stateCopy(&s)
			var ps []domain.Payload
			var err error
			switch rapid.IntRange(0, 3).Draw(t, "command") {
			case 0:
				ps, err = privacy.RequestForget(&s, cmd, privacy.RequestInput{RequestID: id, Reason: why})
			case 1:
				ps, err = privacy.ApproveForget(&s, cmd, privacy.ApproveInput{RequestID: id})
			case 2:
				ps, err = privacy.RejectForget(&s, cmd, privacy.RejectInput{RequestID: id, Reason: why})
			case 3:
				ps, err = privacy.ForgetNow(&s, cmd, privacy.ForgetNowInput{Reason: why})
			}
			if err != nil {
				if ps != nil {
					t.Fatalf("refused command returned events: %v", ps)
				}
				rules.Known(t, err)
			}
			if err == nil && len(ps) == 0 && !before.Forgotten {
				t.Fatal("accepted command returned no events for a client not forgotten")
			}
			if err != nil || len(ps) == 0 {
				if diff := cmp.Diff(before, &s); diff != "" {
					t.Fatalf("refused or empty command changed state:\n%s", diff)
				}
				continue
			}
			if before.Forgotten {
				t.Fatalf("a forgotten client got events %v", ps) // and so it stays forgotten: nothing unsets it
			}
			for _, p := range ps {
				if f, ok := p.(privacy.ClientForgotten); ok && f.RequestID != nil && f.RequestedBy == f.ApprovedBy {
					t.Fatalf("one person requested and approved: %+v", f)
				}
				e := domain.Event{Revision: s.Version, Actor: a, OccurredAt: now, RecordedAt: now, Payload: p}
				s.Apply(e)
				log = append(log, e)
			}
			if s.Forgotten && s.ForgottenAt.IsZero() {
				t.Fatal("forgotten without a time")
			}
			if s.Pending != nil && (s.Pending.ID == uuid.Nil || s.Pending.RequestedBy == "" || s.Forgotten) {
				t.Fatalf("pending request %+v (forgotten %v)", s.Pending, s.Forgotten)
			}
		}
		var again privacy.State
		for _, e := range log {
			again.Apply(e)
		}
		if diff := cmp.Diff(&s, &again); diff != "" {
			t.Fatalf("fold from scratch differs:\n%s", diff)
		}
	})
}
