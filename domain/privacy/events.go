package privacy

import (
	"time"

	"github.com/google/uuid"

	"casework/domain"
)

// Stable stored names of the privacy events. Never rename one: add a new
// schema version with an upcaster instead.
const (
	EventClientForgetRequested = "ClientForgetRequested"
	EventClientForgetRejected  = "ClientForgetRejected"
	EventClientForgotten       = "ClientForgotten"
	EventSensitiveDataRead     = "SensitiveDataRead"
)

// ClientForgetRequested records an admin's request to forget the client.
// The requester is the event's actor.
type ClientForgetRequested struct {
	RequestID   uuid.UUID `json:"request_id"`
	Reason      string    `json:"reason"`
	RequestedAt time.Time `json:"requested_at"`
}

// ClientForgetRejected records that a pending request was refused by
// another admin, or withdrawn by its requester. The decider is the event's
// actor.
type ClientForgetRejected struct {
	RequestID uuid.UUID `json:"request_id"`
	Reason    string    `json:"reason"`
}

// ClientForgotten records that the client is forgotten: the store destroys
// the client's key. RequestID is the approved request, nil when an operator
// forgot the client from the command line (then RequestedBy and ApprovedBy
// are both the operator).
type ClientForgotten struct {
	RequestID   *uuid.UUID `json:"request_id,omitempty"`
	Reason      string     `json:"reason"`
	RequestedBy string     `json:"requested_by"`
	ApprovedBy  string     `json:"approved_by"`
	ForgottenAt time.Time  `json:"forgotten_at"`
}

// SensitiveDataRead records that the event's actor read decrypted sensitive
// fields of the subject (the access stream's uuid) in Stream, for Purpose.
// The time of the read is the event's recording time.
type SensitiveDataRead struct {
	// Stream is the stream whose events were read ("case-<uuid>").
	Stream string `json:"stream"`
	// Fields are the sensitive JSON paths shown ("client.name").
	Fields  []string `json:"fields"`
	Purpose string   `json:"purpose"`
}

// EventType returns EventClientForgetRequested.
func (ClientForgetRequested) EventType() string { return EventClientForgetRequested }

// EventType returns EventClientForgetRejected.
func (ClientForgetRejected) EventType() string { return EventClientForgetRejected }

// EventType returns EventClientForgotten.
func (ClientForgotten) EventType() string { return EventClientForgotten }

// EventType returns EventSensitiveDataRead.
func (SensitiveDataRead) EventType() string { return EventSensitiveDataRead }

// RegisterEvents adds the event types of client streams to r.
func RegisterEvents(r *domain.Registry) {
	domain.Register[ClientForgetRequested](r, 1)
	domain.Register[ClientForgetRejected](r, 1)
	domain.Register[ClientForgotten](r, 1)
}

// RegisterAccessEvents adds the event type of access streams to r.
func RegisterAccessEvents(r *domain.Registry) {
	domain.Register[SensitiveDataRead](r, 1)
}
