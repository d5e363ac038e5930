package org

import (
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Stable event type names of the org stream. Never derived from Go type
// names; never change one once stored.
const (
	EventOrgUnitRegistered = "OrgUnitRegistered"
	EventOrgUnitRenamed    = "OrgUnitRenamed"
	EventOrgUnitClosed     = "OrgUnitClosed"
)

// OrgUnitRegistered opens an org unit's stream.
type OrgUnitRegistered struct {
	ID       uuid.UUID  `json:"id"`
	Kind     Kind       `json:"kind"`
	Name     string     `json:"name"`
	ParentID *uuid.UUID `json:"parent_id,omitempty"`
	// Division is the GB/T 2260 code of a city or county.
	Division *value.DivisionCode `json:"division_code,omitempty"`
	// CreditCode is the unified social credit code of an organisation
	// (required for a contractor).
	CreditCode *value.CreditCode `json:"credit_code,omitempty"`
	// CreditCodeCheckDigitMismatch records that the credit code fails the
	// GB 32100 check digit: early codes exist that do, so it is a warning
	// kept for a person to verify, not a refusal.
	CreditCodeCheckDigitMismatch bool `json:"credit_code_check_digit_mismatch,omitempty"`
}

// OrgUnitRenamed changes a unit's display name.
type OrgUnitRenamed struct {
	Name string `json:"name"`
}

// OrgUnitClosed retires a unit; it stays in the tree for history.
type OrgUnitClosed struct {
	Reason string `json:"reason"`
}

// EventType implements domain.Payload.
func (OrgUnitRegistered) EventType() string { return EventOrgUnitRegistered }

// EventType implements domain.Payload.
func (OrgUnitRenamed) EventType() string { return EventOrgUnitRenamed }

// EventType implements domain.Payload.
func (OrgUnitClosed) EventType() string { return EventOrgUnitClosed }

// RegisterEvents adds every payload type of the org stream to r at its
// current schema version.
func RegisterEvents(r *domain.Registry) {
	domain.Register[OrgUnitRegistered](r, 1)
	domain.Register[OrgUnitRenamed](r, 1)
	domain.Register[OrgUnitClosed](r, 1)
}
