package projections

import (
	"fmt"
	"sync"

	"casework/domain"
	"casework/eventstore"
	"casework/eventstore/pii"
)

// Event is a recorded event as projections see it: the envelope, with Data
// already stripped of its type's sensitive paths, and the payload decoded
// from it (once, for every projection).
type Event struct {
	eventstore.RecordedEvent
	reg  *domain.Registry
	once sync.Once
	de   domain.Event
	err  error
	prep []prepared
}

type prepared struct {
	name string
	v    any
}

// Prepared returns what projection name's Def.Prepare derived from the
// event, if the runner prepared it.
func (e *Event) Prepared(name string) (any, bool) {
	for _, p := range e.prep {
		if p.name == name {
			return p.v, true
		}
	}
	return nil, false
}

// newEvent strips ev's sensitive values before any projection sees it.
func newEvent(reg *domain.Registry, ev eventstore.RecordedEvent) *Event {
	e := &Event{RecordedEvent: ev, reg: reg}
	def, ok := reg.Def(ev.Type)
	if !ok {
		e.err = fmt.Errorf("%s revision %d: unknown event type %q", ev.Stream, ev.Revision, ev.Type)
		e.Data = nil
		return e
	}
	data, err := pii.Strip(ev.Data, def.Sensitive)
	if err != nil {
		e.err = fmt.Errorf("%s revision %d: strip: %w", ev.Stream, ev.Revision, err)
		data = nil
	}
	e.Data = data
	return e
}

// Domain returns the decoded event with every sensitive field at its zero
// value. Errors: an unknown type, an unsupported schema, or data that does
// not decode; the same error on every call.
func (e *Event) Domain() (domain.Event, error) {
	e.decode()
	return e.de, e.err
}

func (e *Event) decode() {
	e.once.Do(func() {
		if e.err != nil {
			return
		}
		p, err := e.reg.Decode(e.Type, e.Metadata.PayloadSchema(), e.Data)
		if err != nil {
			e.err = fmt.Errorf("%s revision %d: %w", e.Stream, e.Revision, err)
			return
		}
		e.de = domain.Event{
			Revision:   e.Revision,
			Actor:      domain.Actor{ID: e.Metadata.Actor, Role: domain.Role(e.Metadata.Role), OrgUnit: e.Metadata.OrgUnit},
			OccurredAt: e.Metadata.OccurredAt,
			RecordedAt: e.RecordedAt,
			Payload:    p,
		}
	})
}
