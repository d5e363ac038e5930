package referral

import (
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// State is a referral folded from its events. The zero State is a referral
// that does not exist yet.
type State struct {
	ID      uuid.UUID
	Exists  bool
	Version uint64 // number of events applied

	Status Status
	// HeldFrom is the state a referral on hold returns to when resumed;
	// empty unless Status is StatusOnHold.
	HeldFrom Status

	CaseID        uuid.UUID
	Client        Client
	From          From
	To            To
	ServiceDomain domain.ServiceDomain
	Needs         string
	Priority      Priority
	Consent       Consent
	DueDate       value.Date

	// Reason is the reason given with the latest transition that had one.
	Reason string
	// Outcome is the outcome note recorded on completion or failure.
	Outcome string

	RequestedAt time.Time
	// ChangedAt is when the latest event happened; ClosedAt when a final
	// state was reached (zero while open).
	ChangedAt time.Time
	ClosedAt  time.Time
}

// Apply folds one event into the state. It never fails; payloads of other
// aggregates are ignored (but counted in Version, which tracks the stream).
func (s *State) Apply(e domain.Event) {
	s.Version++
	reason := ""
	switch p := e.Payload.(type) {
	case Requested:
		*s = State{
			ID: p.ReferralID, Exists: true, Version: s.Version, Status: StatusRequested,
			CaseID: p.CaseID, Client: p.Client, From: p.From, To: p.To,
			ServiceDomain: p.ServiceDomain, Needs: p.Needs, Priority: p.Priority,
			Consent: p.Consent, DueDate: p.DueDate, RequestedAt: e.OccurredAt,
		}
	case Accepted:
		s.Status, reason = StatusAccepted, p.Reason
	case Rejected:
		s.Status, reason = StatusRejected, p.Reason
	case Started:
		s.Status, reason = StatusInProgress, p.Reason
	case OnHold:
		s.Status, s.HeldFrom, reason = StatusOnHold, p.HeldFrom, p.Reason
	case Resumed:
		s.Status, s.HeldFrom, reason = p.ResumedTo, "", p.Reason
	case Completed:
		s.Status, s.Outcome, reason = StatusCompleted, p.Outcome, p.Reason
	case Failed:
		s.Status, s.Outcome, reason = StatusFailed, p.Outcome, p.Reason
	case Cancelled:
		s.Status, s.HeldFrom, reason = StatusCancelled, "", p.Reason
	default:
		return
	}
	if reason != "" {
		s.Reason = reason
	}
	s.ChangedAt = e.OccurredAt
	if s.Status.Final() {
		s.ClosedAt = e.OccurredAt
	}
}
