package referral

import (
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Stable stored names of the referral events. Never rename one: stored
// events refer to them.
const (
	TypeRequested = "ReferralRequested"
	TypeAccepted  = "ReferralAccepted"
	TypeRejected  = "ReferralRejected"
	TypeStarted   = "ReferralStarted"
	TypeOnHold    = "ReferralOnHold"
	TypeResumed   = "ReferralResumed"
	TypeCompleted = "ReferralCompleted"
	TypeFailed    = "ReferralFailed"
	TypeCancelled = "ReferralCancelled"
)

// Client is the minimum the receiving side needs to know about the person
// referred. Name and phone are sensitive personal information.
type Client struct {
	ID        string `json:"id"`
	Name      string `json:"name" sensitive:"name"`
	BirthYear int    `json:"birth_year,omitempty"`
	Phone     string `json:"phone,omitempty" sensitive:"contact"`
}

// From is the referring side: the worker who asked and their station.
type From struct {
	WorkerID  string `json:"worker_id"`
	StationID string `json:"station_id"`
}

// To is the receiving side: an agency (an org unit), and optionally the one
// person there who is to handle it.
type To struct {
	AgencyID string `json:"agency_id"`
	PersonID string `json:"person_id,omitempty"`
}

// Consent is either the client's recorded consent to share their details
// (Given, with who gave it and when) or a supervisor's override with a
// reason (for example a child at risk whose guardian cannot be reached).
type Consent struct {
	Given          bool      `json:"given"`
	GivenBy        string    `json:"given_by,omitempty" sensitive:"name"`
	GivenAt        time.Time `json:"given_at,omitzero"`
	OverriddenBy   string    `json:"overridden_by,omitempty"`
	OverrideReason string    `json:"override_reason,omitempty" sensitive:"narrative"`
}

// Requested opens a referral. It is the first event of every referral
// stream.
type Requested struct {
	ReferralID    uuid.UUID            `json:"referral_id"`
	CaseID        uuid.UUID            `json:"case_id"`
	Client        Client               `json:"client"`
	From          From                 `json:"from"`
	To            To                   `json:"to"`
	ServiceDomain domain.ServiceDomain `json:"service_domain"`
	Needs         string               `json:"needs" sensitive:"narrative"`
	Priority      Priority             `json:"priority"`
	Consent       Consent              `json:"consent"`
	DueDate       value.Date           `json:"due_date"`
}

// EventType returns "ReferralRequested".
func (Requested) EventType() string { return TypeRequested }

// Accepted: the receiving side takes the referral on.
type Accepted struct {
	ReferralID uuid.UUID `json:"referral_id"`
	Reason     string    `json:"reason,omitempty" sensitive:"narrative"`
}

// EventType returns "ReferralAccepted".
func (Accepted) EventType() string { return TypeAccepted }

// Rejected: the receiving side declines the referral, with a reason.
type Rejected struct {
	ReferralID uuid.UUID `json:"referral_id"`
	Reason     string    `json:"reason" sensitive:"narrative"`
}

// EventType returns "ReferralRejected".
func (Rejected) EventType() string { return TypeRejected }

// Started: the receiving side begins to serve the client.
type Started struct {
	ReferralID uuid.UUID `json:"referral_id"`
	Reason     string    `json:"reason,omitempty" sensitive:"narrative"`
}

// EventType returns "ReferralStarted".
func (Started) EventType() string { return TypeStarted }

// OnHold: the receiving side pauses the referral, with a reason. HeldFrom
// is the state it was held from, to which a resume returns.
type OnHold struct {
	ReferralID uuid.UUID `json:"referral_id"`
	HeldFrom   Status    `json:"held_from"`
	Reason     string    `json:"reason" sensitive:"narrative"`
}

// EventType returns "ReferralOnHold".
func (OnHold) EventType() string { return TypeOnHold }

// Resumed: the receiving side takes a held referral up again; ResumedTo is
// the state it returns to (the one it was held from).
type Resumed struct {
	ReferralID uuid.UUID `json:"referral_id"`
	ResumedTo  Status    `json:"resumed_to"`
	Reason     string    `json:"reason,omitempty" sensitive:"narrative"`
}

// EventType returns "ReferralResumed".
func (Resumed) EventType() string { return TypeResumed }

// Completed: the service was delivered; Outcome says what came of it.
type Completed struct {
	ReferralID uuid.UUID `json:"referral_id"`
	Outcome    string    `json:"outcome" sensitive:"narrative"`
	Reason     string    `json:"reason,omitempty" sensitive:"narrative"`
}

// EventType returns "ReferralCompleted".
func (Completed) EventType() string { return TypeCompleted }

// Failed: the receiving side could not deliver the service; Reason says
// why and Outcome optionally what became of the client.
type Failed struct {
	ReferralID uuid.UUID `json:"referral_id"`
	Reason     string    `json:"reason" sensitive:"narrative"`
	Outcome    string    `json:"outcome,omitempty" sensitive:"narrative"`
}

// EventType returns "ReferralFailed".
func (Failed) EventType() string { return TypeFailed }

// Cancelled: the referring side withdraws the referral, with a reason.
// CancelledFrom is the state it was in.
type Cancelled struct {
	ReferralID    uuid.UUID `json:"referral_id"`
	CancelledFrom Status    `json:"cancelled_from"`
	Reason        string    `json:"reason" sensitive:"narrative"`
}

// EventType returns "ReferralCancelled".
func (Cancelled) EventType() string { return TypeCancelled }

// RegisterEvents registers every referral event type, at its current schema
// version, in r. It panics if one is already registered.
func RegisterEvents(r *domain.Registry) {
	domain.Register[Requested](r, 1)
	domain.Register[Accepted](r, 1)
	domain.Register[Rejected](r, 1)
	domain.Register[Started](r, 1)
	domain.Register[OnHold](r, 1)
	domain.Register[Resumed](r, 1)
	domain.Register[Completed](r, 1)
	domain.Register[Failed](r, 1)
	domain.Register[Cancelled](r, 1)
}
