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
func toDomain(reg *domain.Registry, ev *eventstore.RecordedEvent) (domain.Event, error) {
	schema := ev.Metadata.Schema
	if schema == 0 {
		schema = 1
	}
	p, err := reg.Decode(ev.Type, schema, ev.Data)
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
