package feed

import (
	"encoding/json"
	"errors"
	"fmt"

	"casework/domain"
	"casework/eventstore"
	"casework/eventstore/pii"
)

// ErrUnknownType is returned by Payload for an event type the registry
// does not know: its sensitive fields cannot be told, so nothing of its
// data may leave.
var ErrUnknownType = errors.New("feed: unknown event type")

// Payload returns ev's data as a live publication may carry it: at the
// event type's current schema, without any sensitive field (they are
// removed, not masked). An old schema is stripped, upcast through the
// registry and stripped again, so that the registry never sees a
// sensitive value and the result has one shape per type.
// Errors: ErrUnknownType; the data is not valid JSON or cannot be upcast.
func Payload(reg *domain.Registry, ev *eventstore.RecordedEvent) (json.RawMessage, error) {
	def, ok := reg.Def(ev.Type)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownType, ev.Type)
	}
	schema := ev.Metadata.PayloadSchema()
	if schema >= def.Schema && !pii.MayHold(ev.Data, def.Sensitive) {
		return ev.Data, nil
	}
	data, err := pii.Strip(ev.Data, def.Sensitive)
	if err != nil {
		return nil, fmt.Errorf("payload %s revision %d: %w", ev.Stream, ev.Revision, err)
	}
	if schema >= def.Schema {
		return data, nil
	}
	p, err := reg.Decode(ev.Type, schema, data)
	if err != nil {
		return nil, fmt.Errorf("payload %s revision %d: %w", ev.Stream, ev.Revision, err)
	}
	if data, err = json.Marshal(p); err != nil {
		return nil, fmt.Errorf("payload %s revision %d: %w", ev.Stream, ev.Revision, err)
	}
	return pii.Strip(data, def.Sensitive)
}
