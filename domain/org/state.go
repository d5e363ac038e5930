package org

import (
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// State is one org unit folded from its stream.
type State struct {
	// Version is the number of events applied.
	Version    uint64
	Exists     bool
	ID         uuid.UUID
	Kind       Kind
	Name       string
	ParentID   uuid.UUID // uuid.Nil for a root
	Division   value.DivisionCode
	CreditCode value.CreditCode
	// CreditCodeWarning is set when the credit code fails its check digit.
	CreditCodeWarning bool
	Closed            bool
	CloseReason       string
}

// Apply folds one event into the state. It never fails; unknown payloads
// only advance the version.
func (s *State) Apply(e domain.Event) {
	s.Version++
	switch p := e.Payload.(type) {
	case OrgUnitRegistered:
		s.Exists = true
		s.ID = p.ID
		s.Kind = p.Kind
		s.Name = p.Name
		if p.ParentID != nil {
			s.ParentID = *p.ParentID
		}
		if p.Division != nil {
			s.Division = *p.Division
		}
		if p.CreditCode != nil {
			s.CreditCode = *p.CreditCode
		}
		s.CreditCodeWarning = p.CreditCodeCheckDigitMismatch
	case OrgUnitRenamed:
		s.Name = p.Name
	case OrgUnitClosed:
		s.Closed = true
		s.CloseReason = p.Reason
	}
}

// Unit returns the unit as a node for Tree.
func (s *State) Unit() Unit {
	return Unit{ID: s.ID, Kind: s.Kind, Name: s.Name, ParentID: s.ParentID, Closed: s.Closed}
}
