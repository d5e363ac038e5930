// Package referral is the referral (转介) aggregate: a request from a
// station to another agency or department to serve a client of a case
// (DOMAIN.md §4). Each referral is its own stream, linked to its case by
// CaseID, so that the receiving agency can work it without owning the case.
//
// Its states follow the HL7 FHIR Task model used for social-care referrals;
// the whole state machine is the single table returned by Table:
//
//	requested   --accept-->   accepted     (receiving side)
//	requested   --reject-->   rejected     (receiving side, reason)
//	accepted    --start-->    in_progress  (receiving side)
//	in_progress --complete--> completed    (receiving side, outcome)
//	in_progress --fail-->     failed       (receiving side, reason)
//	accepted, in_progress --hold--> on_hold (receiving side, reason)
//	on_hold     --resume-->   the state it was held from (receiving side)
//	requested, accepted, in_progress, on_hold --cancel--> cancelled
//	                                       (referring side, reason)
//
// Only work the receiving side has taken on can be held: a request not yet
// accepted is answered by accepting or rejecting it, so that a pending
// referral never disappears from the referring station's view as "on hold".
// A held referral must be resumed before it completes or fails, so that the
// outcome is always recorded from in_progress. rejected, completed, failed
// and cancelled are final.
package referral

import (
	"casework/domain"
	"casework/domain/value"
)

// Category is the stream category of referrals: streams are
// "referral-<uuid>".
const Category = "referral"

// Status is a referral's state.
type Status string

// The referral states (DOMAIN.md §4, FHIR Task status).
const (
	StatusRequested  Status = "requested"
	StatusAccepted   Status = "accepted"
	StatusRejected   Status = "rejected"
	StatusInProgress Status = "in_progress"
	StatusOnHold     Status = "on_hold"
	StatusCompleted  Status = "completed"
	StatusFailed     Status = "failed"
	StatusCancelled  Status = "cancelled"
)

// Statuses lists every state in a stable order.
func Statuses() []Status {
	return []Status{StatusRequested, StatusAccepted, StatusRejected, StatusInProgress,
		StatusOnHold, StatusCompleted, StatusFailed, StatusCancelled}
}

// Final reports whether no action can leave s.
func (s Status) Final() bool {
	switch s {
	case StatusRejected, StatusCompleted, StatusFailed, StatusCancelled:
		return true
	}
	return false
}

// Priority is how soon the receiving side should act.
type Priority string

// The two priorities of a referral.
const (
	PriorityRoutine Priority = "routine"
	PriorityUrgent  Priority = "urgent"
)

// Overdue reports whether the referral has a due date before asOf and is
// not final yet.
func (s *State) Overdue(asOf value.Date) bool {
	return s.Exists && !s.Status.Final() && !s.DueDate.IsZero() && s.DueDate.Before(asOf)
}

// receiving reports whether a is the receiving side of the referral: an
// agency worker of the to-agency, or exactly the to-person account.
func (s *State) receiving(a domain.Actor) bool {
	if s.To.PersonID != "" && a.ID == s.To.PersonID {
		return true
	}
	return a.Role == domain.RoleAgencyWorker && a.OrgUnit != "" && a.OrgUnit == s.To.AgencyID
}

// referring reports whether a is the referring side: a social worker or
// supervisor of the station the referral came from.
func (s *State) referring(a domain.Actor) bool {
	return referringRole(a.Role) && a.OrgUnit != "" && a.OrgUnit == s.From.StationID
}

func referringRole(r domain.Role) bool {
	return r == domain.RoleSocialWorker || r == domain.RoleSupervisor
}
