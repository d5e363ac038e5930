package service

import (
	"fmt"

	"github.com/google/uuid"

	"casework/domain"
	"casework/eventstore"
)

// Applier is an aggregate state: it folds domain events and cannot fail.
type Applier interface {
	Apply(domain.Event)
}

// toDomain decodes a recorded event into the domain envelope aggregates
// fold: payload at the current schema, revision, actor and times.
// Events with sealed fields go through Service.foldEvent instead.
func toDomain(reg *domain.Registry, ev *eventstore.RecordedEvent) (domain.Event, error) {
	return decodeEvent(reg, ev, ev.Data)
}

// decodeEvent is toDomain with the payload's JSON given apart (opened).
func decodeEvent(reg *domain.Registry, ev *eventstore.RecordedEvent, data []byte) (domain.Event, error) {
	p, err := reg.Decode(ev.Type, ev.Metadata.PayloadSchema(), data)
	if err != nil {
		return domain.Event{}, fmt.Errorf("%s revision %d: %w", ev.Stream, ev.Revision, err)
	}
	return domain.Event{
		Revision:   ev.Revision,
		Actor:      domain.Actor{ID: ev.Metadata.Actor, Role: domain.Role(ev.Metadata.Role), OrgUnit: ev.Metadata.OrgUnit},
		OccurredAt: ev.Metadata.OccurredAt,
		RecordedAt: ev.RecordedAt,
		Payload:    p,
	}, nil
}

// newEventID returns a fresh UUID v7.
func newEventID() uuid.UUID {
	id, err := uuid.NewV7()
	if err != nil {
		// Only fails if the system's randomness fails.
		panic(fmt.Sprintf("uuid: %v", err))
	}
	return id
}
