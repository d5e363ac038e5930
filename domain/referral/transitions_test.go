package referral_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"casework/domain"
	"casework/domain/referral"
)

// TestTable_IsTheSpecifiedStateMachine pins Table to DOMAIN.md §4 written
// out by hand, so that a change to the table is a deliberate change here.
func TestTable_IsTheSpecifiedStateMachine(t *testing.T) {
	want := []referral.Edge{
		{From: "requested", Action: "accept", To: "accepted"},
		{From: "requested", Action: "reject", To: "rejected"},
		{From: "requested", Action: "cancel", To: "cancelled"},
		{From: "accepted", Action: "start", To: "in_progress"},
		{From: "accepted", Action: "hold", To: "on_hold"},
		{From: "accepted", Action: "cancel", To: "cancelled"},
		{From: "in_progress", Action: "complete", To: "completed"},
		{From: "in_progress", Action: "fail", To: "failed"},
		{From: "in_progress", Action: "hold", To: "on_hold"},
		{From: "in_progress", Action: "cancel", To: "cancelled"},
		{From: "on_hold", Action: "resume", To: referral.ReturnToHeldFrom},
		{From: "on_hold", Action: "cancel", To: "cancelled"},
	}
	if got := referral.Table(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Table() =\n%v\nwant\n%v", got, want)
	}
	for _, s := range []referral.Status{"rejected", "completed", "failed", "cancelled"} {
		if !s.Final() {
			t.Errorf("%s is not final", s)
		}
	}
}

// start is one state a referral can be in, with the path that reaches it.
type start struct {
	name string
	path []referral.Action
}

func starts() []start {
	A := referral.ActionAccept
	return []start{
		{"requested", nil},
		{"accepted", []referral.Action{A}},
		{"rejected", []referral.Action{referral.ActionReject}},
		{"in_progress", []referral.Action{A, referral.ActionStart}},
		{"on_hold(from accepted)", []referral.Action{A, referral.ActionHold}},
		{"on_hold(from in_progress)", []referral.Action{A, referral.ActionStart, referral.ActionHold}},
		{"completed", []referral.Action{A, referral.ActionStart, referral.ActionComplete}},
		{"failed", []referral.Action{A, referral.ActionStart, referral.ActionFail}},
		{"cancelled(from requested)", []referral.Action{referral.ActionCancel}},
		{"cancelled(from on_hold)", []referral.Action{A, referral.ActionHold, referral.ActionCancel}},
	}
}

// sideRule is the rule each action returns to an actor of the wrong side.
var sideRule = map[referral.Action]string{
	referral.ActionAccept:   "referral.accept.receiving_side_only",
	referral.ActionReject:   "referral.reject.receiving_side_only",
	referral.ActionStart:    "referral.start.receiving_side_only",
	referral.ActionHold:     "referral.hold.receiving_side_only",
	referral.ActionResume:   "referral.resume.receiving_side_only",
	referral.ActionComplete: "referral.complete.receiving_side_only",
	referral.ActionFail:     "referral.fail.receiving_side_only",
	referral.ActionCancel:   "referral.cancel.referring_side_only",
}

// TestTransition_EveryStateActionAndSide_Exhaustive tries every action in
// every state with an actor of each side and asserts the exact resulting
// state (from Table) or the exact rule.
func TestTransition_EveryStateActionAndSide_Exhaustive(t *testing.T) {
	type side struct {
		name      string
		actors    []domain.Actor
		receiving bool
		referring bool
	}
	sides := []side{
		{"receiving agency worker", []domain.Actor{receiver}, true, false},
		{"receiving to-person", []domain.Actor{toPerson}, true, false},
		{"referring social worker", []domain.Actor{worker}, false, true},
		{"referring supervisor", []domain.Actor{supervisor}, false, true},
		{"unrelated", unrelated, false, false},
	}
	allowed := 0
	for _, st := range starts() {
		for _, a := range referral.Actions() {
			for _, sd := range sides {
				for _, actor := range sd.actors {
					name := fmt.Sprintf("%s/%s/%s/%s", st.name, a, sd.name, actor.ID)
					t.Run(name, func(t *testing.T) {
						s := reach(t, st.path...)
						before := *s
						outcome := ""
						if a == referral.ActionComplete || a == referral.ActionFail {
							outcome = "服务结果说明"
						}
						ps, err := s.Transition(cmdBy(actor), a, "情况说明", outcome)
						unchanged(t, before, s)

						rightSide := sd.receiving && a.Side() == referral.SideReceiving ||
							sd.referring && a.Side() == referral.SideReferring
						if !rightSide {
							wantRule(t, ps, err, sideRule[a], domain.KindForbidden)
							return
						}
						to, ok := referral.Next(before.Status, before.HeldFrom, a)
						if !ok {
							wantRule(t, ps, err, "referral.transition.not_allowed", domain.KindConflict)
							msg := domain.RuleErrors(err)[0].Message
							if !strings.Contains(msg, string(before.Status)) || !strings.Contains(msg, string(a)) {
								t.Fatalf("message %q does not name state %s and action %s", msg, before.Status, a)
							}
							return
						}
						if err != nil {
							t.Fatalf("allowed transition refused: %v", err)
						}
						fold(t, s, cmdBy(actor), ps)
						if s.Status != to {
							t.Fatalf("status = %s, want %s", s.Status, to)
						}
						allowed++
					})
				}
			}
		}
	}
	// 12 edges from 10 start states (on_hold and cancelled counted twice):
	// requested 3, accepted 3, in_progress 4, on_hold 2+2 = 14 allowed
	// (state, action) pairs, each taken by 2 actors of the right side.
	if allowed != 14*2 {
		t.Fatalf("%d transitions allowed, want %d", allowed, 14*2)
	}
}

func TestTransition_ResumeReturnsToHeldFrom(t *testing.T) {
	for _, from := range []referral.Status{referral.StatusAccepted, referral.StatusInProgress} {
		t.Run(string(from), func(t *testing.T) {
			path := []referral.Action{referral.ActionAccept}
			if from == referral.StatusInProgress {
				path = append(path, referral.ActionStart)
			}
			s := reach(t, append(path, referral.ActionHold)...)
			if s.Status != referral.StatusOnHold || s.HeldFrom != from {
				t.Fatalf("held: status %s, held from %s", s.Status, s.HeldFrom)
			}
			ps, err := s.Transition(cmdBy(receiver), referral.ActionResume, "", "")
			wantEvent(t, ps, err, referral.TypeResumed)
			if got := ps[0].(referral.Resumed).ResumedTo; got != from {
				t.Fatalf("resumed to %s, want %s", got, from)
			}
			fold(t, s, cmdBy(receiver), ps)
			if s.Status != from || s.HeldFrom != "" {
				t.Fatalf("after resume: status %s, held from %q", s.Status, s.HeldFrom)
			}
		})
	}
}

func TestTransition_ReasonAndOutcomeRules(t *testing.T) {
	tests := []struct {
		name    string
		path    []referral.Action
		actor   domain.Actor
		action  referral.Action
		reason  string
		outcome string
		rule    string
		want    string
	}{
		{name: "reject with reason", actor: receiver, action: "reject", reason: "不属于本会救助范围", want: referral.TypeRejected},
		{name: "reject without reason", actor: receiver, action: "reject", reason: " ", rule: "referral.reject.reason_required"},
		{name: "cancel with reason", actor: worker, action: "cancel", reason: "案主已获其他救助", want: referral.TypeCancelled},
		{name: "cancel without reason", actor: worker, action: "cancel", rule: "referral.cancel.reason_required"},
		{name: "hold with reason", path: []referral.Action{"accept"}, actor: receiver, action: "hold", reason: "等待案主补交材料", want: referral.TypeOnHold},
		{name: "hold without reason", path: []referral.Action{"accept"}, actor: receiver, action: "hold", rule: "referral.hold.reason_required"},
		{name: "fail with reason", path: []referral.Action{"accept", "start"}, actor: receiver, action: "fail", reason: "案主搬离本市，无法联系", want: referral.TypeFailed},
		{name: "fail with reason and outcome", path: []referral.Action{"accept", "start"}, actor: receiver, action: "fail",
			reason: "资金用尽", outcome: "已建议转介至红十字会", want: referral.TypeFailed},
		{name: "fail without reason", path: []referral.Action{"accept", "start"}, actor: receiver, action: "fail", outcome: "x", rule: "referral.fail.reason_required"},
		{name: "accept without reason", actor: receiver, action: "accept", want: referral.TypeAccepted},
		{name: "start without reason", path: []referral.Action{"accept"}, actor: receiver, action: "start", want: referral.TypeStarted},
		{name: "complete with outcome", path: []referral.Action{"accept", "start"}, actor: receiver, action: "complete",
			outcome: "已发放慈善医疗救助金 8000 元", want: referral.TypeCompleted},
		{name: "complete without outcome", path: []referral.Action{"accept", "start"}, actor: receiver, action: "complete",
			reason: "办结", rule: "referral.complete.outcome_required"},
		{name: "outcome on accept refused", actor: receiver, action: "accept", outcome: "x", rule: "referral.transition.outcome_not_applicable"},
		{name: "outcome on cancel refused", actor: worker, action: "cancel", reason: "r", outcome: "x", rule: "referral.transition.outcome_not_applicable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := reach(t, tt.path...)
			before := *s
			ps, err := s.Do(cmdBy(tt.actor), referral.TransitionInput{Action: tt.action, Reason: tt.reason, Outcome: tt.outcome})
			unchanged(t, before, s)
			if tt.rule != "" {
				wantRule(t, ps, err, tt.rule, domain.KindInvalid)
				return
			}
			wantEvent(t, ps, err, tt.want)
			fold(t, s, cmdBy(tt.actor), ps)
			if tt.reason != "" && s.Reason != tt.reason {
				t.Fatalf("reason %q not kept: %q", tt.reason, s.Reason)
			}
			if tt.outcome != "" && s.Outcome != tt.outcome {
				t.Fatalf("outcome %q not kept: %q", tt.outcome, s.Outcome)
			}
		})
	}
}

func TestTransition_UnknownActionOrReferral_Refused(t *testing.T) {
	s := requested(t)
	ps, err := s.Transition(cmdBy(receiver), "approve", "", "")
	wantRule(t, ps, err, "referral.transition.action_known", domain.KindInvalid)
	if f := domain.RuleErrors(err)[0].Field; f != "action" {
		t.Fatalf("field = %q", f)
	}
	var none referral.State
	for _, a := range referral.Actions() {
		ps, err := none.Transition(cmdBy(receiver), a, "r", "")
		wantRule(t, ps, err, "referral.transition.unknown_referral", domain.KindConflict)
	}
}

func TestTransition_ForbiddenBeforeState_Documented(t *testing.T) {
	// An unrelated actor learns nothing about the state: a completed
	// referral still answers with the side rule, not not_allowed.
	s := reach(t, referral.ActionAccept, referral.ActionStart, referral.ActionComplete)
	ps, err := s.Transition(cmdBy(unrelated[0]), referral.ActionAccept, "", "")
	wantRule(t, ps, err, "referral.accept.receiving_side_only", domain.KindForbidden)
}

func TestTransition_FinalStatesRecordClosedAt(t *testing.T) {
	s := reach(t, referral.ActionCancel)
	if s.ClosedAt.IsZero() || s.Status != referral.StatusCancelled || s.Reason != "按流程办理" {
		t.Fatalf("state = %+v", s)
	}
	open := reach(t, referral.ActionAccept)
	if !open.ClosedAt.IsZero() {
		t.Fatal("an open referral has a ClosedAt")
	}
}
