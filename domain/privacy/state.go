package privacy

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"casework/domain"
)

// Request is a pending request to forget the client.
type Request struct {
	ID uuid.UUID
	// RequestedBy is the requesting admin's account ID.
	RequestedBy string
	Reason      string
	RequestedAt time.Time
}

// State is a client stream folded from its events. The zero value is a
// client nobody asked to forget.
type State struct {
	// Version is the number of events applied.
	Version uint64
	// Pending is the request awaiting a second admin, nil when none.
	Pending *Request
	// Forgotten is final: once set, no event of the stream clears it.
	Forgotten   bool
	ForgottenAt time.Time
	// Reason is why the client was forgotten.
	Reason string
	// Rejected lists the IDs of rejected or withdrawn requests, oldest
	// first.
	Rejected []uuid.UUID
}

// Apply folds one event into the state. It relies on the envelope's
// Actor.ID for the requester. It never fails; unknown payloads only advance
// the version.
func (s *State) Apply(e domain.Event) {
	s.Version++
	switch p := e.Payload.(type) {
	case ClientForgetRequested:
		// A new value, never an update in place: copies of the state stay
		// independent.
		s.Pending = &Request{ID: p.RequestID, RequestedBy: e.Actor.ID, Reason: p.Reason, RequestedAt: p.RequestedAt}
	case ClientForgetRejected:
		s.Rejected = append(s.Rejected, p.RequestID)
		if s.Pending != nil && s.Pending.ID == p.RequestID {
			s.Pending = nil
		}
	case ClientForgotten:
		s.Pending = nil
		s.Forgotten = true
		s.ForgottenAt = p.ForgottenAt
		s.Reason = p.Reason
	}
}

// wasRejected reports whether id named a request that was rejected.
func (s *State) wasRejected(id uuid.UUID) bool { return slices.Contains(s.Rejected, id) }
