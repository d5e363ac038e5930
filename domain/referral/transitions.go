package referral

import (
	"fmt"
	"strings"

	"casework/domain"
)

// Action is what a transition does to a referral. The values are the
// stable strings of the transitions API (POST /referrals/{id}/transitions).
type Action string

// The eight actions on an existing referral.
const (
	ActionAccept   Action = "accept"
	ActionReject   Action = "reject"
	ActionStart    Action = "start"
	ActionHold     Action = "hold"
	ActionResume   Action = "resume"
	ActionComplete Action = "complete"
	ActionFail     Action = "fail"
	ActionCancel   Action = "cancel"
)

// Actions lists the eight actions in a stable order.
func Actions() []Action {
	return []Action{ActionAccept, ActionReject, ActionStart, ActionHold,
		ActionResume, ActionComplete, ActionFail, ActionCancel}
}

// Side is which party of a referral may take an action.
type Side int

// The two parties of a referral.
const (
	// SideReceiving: an agency worker of the to-agency, or the to-person.
	SideReceiving Side = iota + 1
	// SideReferring: a social worker or supervisor of the from-station.
	SideReferring
)

// Side returns the party allowed to take a: the referring side cancels,
// the receiving side does everything else.
func (a Action) Side() Side {
	if a == ActionCancel {
		return SideReferring
	}
	return SideReceiving
}

// Known reports whether a is one of the eight actions.
func (a Action) Known() bool {
	for _, k := range Actions() {
		if a == k {
			return true
		}
	}
	return false
}

// ReasonRequired reports whether a must come with a reason (DOMAIN.md §4:
// rejected, cancelled, on_hold and failed).
func (a Action) ReasonRequired() bool {
	switch a {
	case ActionReject, ActionCancel, ActionHold, ActionFail:
		return true
	}
	return false
}

// ReturnToHeldFrom is the To of the resume edge: the referral returns to
// the state it was held from (State.HeldFrom).
const ReturnToHeldFrom Status = "(held_from)"

// Edge is one allowed transition: From --Action--> To.
type Edge struct {
	From   Status
	Action Action
	To     Status
}

// Table returns the referral's state machine: every allowed (state,
// action) pair and the resulting state. Any pair not listed is refused with
// referral.transition.not_allowed. The commands and the tests both read
// this table; it is returned fresh so that no caller can alter it.
func Table() []Edge {
	return []Edge{
		{StatusRequested, ActionAccept, StatusAccepted},
		{StatusRequested, ActionReject, StatusRejected},
		{StatusRequested, ActionCancel, StatusCancelled},

		{StatusAccepted, ActionStart, StatusInProgress},
		{StatusAccepted, ActionHold, StatusOnHold},
		{StatusAccepted, ActionCancel, StatusCancelled},

		{StatusInProgress, ActionComplete, StatusCompleted},
		{StatusInProgress, ActionFail, StatusFailed},
		{StatusInProgress, ActionHold, StatusOnHold},
		{StatusInProgress, ActionCancel, StatusCancelled},

		{StatusOnHold, ActionResume, ReturnToHeldFrom},
		{StatusOnHold, ActionCancel, StatusCancelled},
	}
}

// Next returns the state that action a leads to from state from, with
// heldFrom the state a held referral was held from, and whether the table
// allows it at all.
func Next(from, heldFrom Status, a Action) (Status, bool) {
	for _, e := range Table() {
		if e.From == from && e.Action == a {
			if e.To == ReturnToHeldFrom {
				return heldFrom, heldFrom != ""
			}
			return e.To, true
		}
	}
	return "", false
}

// TransitionInput is the body of POST /referrals/{id}/transitions.
type TransitionInput struct {
	Action  Action `json:"action"`
	Reason  string `json:"reason,omitempty"`
	Outcome string `json:"outcome,omitempty"`
}

// Do is Transition with its arguments in one struct.
func (s *State) Do(cmd domain.Cmd, in TransitionInput) ([]domain.Payload, error) {
	return s.Transition(cmd, in.Action, in.Reason, in.Outcome)
}

// Transition takes action on the referral and returns the one event it
// produces. reason is required for reject, cancel, hold and fail and is
// recorded as an optional note otherwise; outcome is required for complete,
// optional for fail and refused for any other action.
//
// Checks run in this order, and the first failing one is returned:
//   - referral.transition.action_known (Invalid, field "action"): not one
//     of the eight actions;
//   - referral.transition.unknown_referral (Conflict): no such referral;
//   - referral.<action>.receiving_side_only, or
//     referral.cancel.referring_side_only for cancel (Forbidden): the actor
//     is not the side allowed to take the action, whatever the state;
//   - referral.transition.not_allowed (Conflict): Table has no edge from
//     the current state for the action; the message names both;
//   - referral.<action>.reason_required, referral.complete.outcome_required,
//     referral.transition.outcome_not_applicable (Invalid).
func (s *State) Transition(cmd domain.Cmd, action Action, reason string, outcome string) ([]domain.Payload, error) {
	if !action.Known() {
		return nil, domain.Invalid("referral.transition.action_known", "action",
			fmt.Sprintf("action %q is not one of accept, reject, start, hold, resume, complete, fail, cancel", action))
	}
	if !s.Exists {
		return nil, domain.Conflict("referral.transition.unknown_referral", "", "the referral does not exist")
	}
	if err := s.checkSide(cmd.Actor, action); err != nil {
		return nil, err
	}
	to, ok := Next(s.Status, s.HeldFrom, action)
	if !ok {
		return nil, domain.Conflict("referral.transition.not_allowed", "action",
			fmt.Sprintf("a referral that is %s cannot %s", s.Status, action))
	}
	reason, outcome = strings.TrimSpace(reason), strings.TrimSpace(outcome)
	var v domain.Violations
	if action.ReasonRequired() && reason == "" {
		v.Add(domain.Invalid("referral."+string(action)+".reason_required", "reason",
			fmt.Sprintf("a reason is required to %s a referral", action)))
	}
	switch {
	case action == ActionComplete && outcome == "":
		v.Add(domain.Invalid("referral.complete.outcome_required", "outcome",
			"completing a referral records its outcome"))
	case action != ActionComplete && action != ActionFail && outcome != "":
		v.Add(domain.Invalid("referral.transition.outcome_not_applicable", "outcome",
			"an outcome is recorded only when a referral completes or fails"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	id := s.ID
	var p domain.Payload
	switch action {
	case ActionAccept:
		p = Accepted{ReferralID: id, Reason: reason}
	case ActionReject:
		p = Rejected{ReferralID: id, Reason: reason}
	case ActionStart:
		p = Started{ReferralID: id, Reason: reason}
	case ActionHold:
		p = OnHold{ReferralID: id, HeldFrom: s.Status, Reason: reason}
	case ActionResume:
		p = Resumed{ReferralID: id, ResumedTo: to, Reason: reason}
	case ActionComplete:
		p = Completed{ReferralID: id, Outcome: outcome, Reason: reason}
	case ActionFail:
		p = Failed{ReferralID: id, Reason: reason, Outcome: outcome}
	case ActionCancel:
		p = Cancelled{ReferralID: id, CancelledFrom: s.Status, Reason: reason}
	}
	return []domain.Payload{p}, nil
}

func (s *State) checkSide(a domain.Actor, action Action) error {
	if action.Side() == SideReferring {
		if !s.referring(a) {
			return domain.Forbidden("referral."+string(action)+".referring_side_only", "",
				"only a social worker or supervisor of the referring station may "+string(action)+" this referral")
		}
		return nil
	}
	if !s.receiving(a) {
		return domain.Forbidden("referral."+string(action)+".receiving_side_only", "",
			"only the receiving agency may "+string(action)+" this referral")
	}
	return nil
}
