package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"casework/eventstore"
	"casework/eventstore/pii"
)

// Envelope is what every event shown to a caller carries besides its
// payload: what it is, where it stands in its stream and the log, who
// recorded it and when, and what it belongs to.
type Envelope struct {
	ID            uuid.UUID `json:"id"`
	Type          string    `json:"type"`
	Revision      uint64    `json:"revision"`
	Position      uint64    `json:"position"`
	RecordedAt    time.Time `json:"recorded_at"`
	OccurredAt    time.Time `json:"occurred_at"`
	Actor         string    `json:"actor"`
	Role          string    `json:"role"`
	OrgUnit       string    `json:"org_unit"`
	CorrelationID string    `json:"correlation_id,omitempty"`
	CausationID   string    `json:"causation_id,omitempty"`
}

// envelopeOf returns ev's envelope.
func envelopeOf(ev *eventstore.RecordedEvent) Envelope {
	m := ev.Metadata
	return Envelope{ID: ev.ID, Type: ev.Type, Revision: ev.Revision, Position: ev.Position, RecordedAt: ev.RecordedAt,
		OccurredAt: m.OccurredAt, Actor: m.Actor, Role: m.Role, OrgUnit: m.OrgUnit, CorrelationID: m.CorrelationID,
		CausationID: m.CausationID}
}

// HistoryEntry is one event of a stream as the history and audit views
// show it: the envelope and the payload at its current schema.
type HistoryEntry struct {
	Envelope
	Reason string          `json:"reason,omitempty"`
	Schema int             `json:"schema"`
	Data   json.RawMessage `json:"data"`
	Hash   string          `json:"hash"`
	// Protection says what became of the event's sensitive fields; absent
	// for an event type without any.
	Protection *Protection `json:"protection,omitempty"`
}

// Page selects a slice of a stream's history: From is the first revision,
// Limit the most events (default 100, at most 1000).
type Page struct {
	From  uint64
	Limit int
}

// HistoryPage is a page of history with the revision to ask for next
// (nil at the end).
type HistoryPage struct {
	Events []HistoryEntry `json:"events"`
	Next   *uint64        `json:"next,omitempty"`
}

// history returns a page of stream's events as p may see them: sensitive
// fields shown (and the read logged, once per subject and page), redacted
// or erased, as for views.
func (s *Service) history(ctx context.Context, p Principal, stream string, pg Page) (HistoryPage, error) {
	if pg.Limit <= 0 {
		pg.Limit = 100
	}
	if pg.Limit > 1000 {
		pg.Limit = 1000
	}
	evs, err := s.store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{From: pg.From, Limit: pg.Limit + 1})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return HistoryPage{}, ErrNotFound
	}
	if err != nil {
		return HistoryPage{}, fmt.Errorf("history %s: %w", stream, err)
	}
	out := HistoryPage{Events: make([]HistoryEntry, 0, len(evs))}
	if len(evs) > pg.Limit {
		next := evs[pg.Limit].Revision
		out.Next = &next
		evs = evs[:pg.Limit]
	}
	shown := map[uuid.UUID][]string{}
	var subjects []uuid.UUID
	for i := range evs {
		e, err := s.entry(ctx, p, &evs[i])
		if err != nil {
			return HistoryPage{}, err
		}
		if e.Protection != nil && e.Protection.State == ProtectionShown {
			sub := pii.SubjectOf(&evs[i].Metadata)
			if _, ok := shown[sub]; !ok {
				subjects = append(subjects, sub)
			}
			for _, f := range e.Protection.Fields {
				if !slices.Contains(shown[sub], f) {
					shown[sub] = append(shown[sub], f)
				}
			}
		}
		out.Events = append(out.Events, e)
	}
	for _, sub := range subjects {
		if err := s.recordRead(ctx, p, sub, stream, shown[sub]); err != nil {
			return HistoryPage{}, err
		}
	}
	return out, nil
}

// entry renders a recorded event for p, upcasting old schemas so that
// readers see one shape per event type. The caller logs shown fields.
func (s *Service) entry(ctx context.Context, p Principal, ev *eventstore.RecordedEvent) (HistoryEntry, error) {
	data := ev.Data
	schema := ev.Metadata.Schema
	def, ok := s.reg.Def(ev.Type)
	old := ok && schema >= 1 && schema < def.Schema
	var prot *Protection
	if paths := s.sealer.Sensitive(ev.Type); len(paths) > 0 {
		mode := pii.Redacted
		if mayReadSensitive(p) {
			mode = pii.Display
		}
		o, err := s.sealer.Open(ctx, ev, mode)
		if err != nil {
			return HistoryEntry{}, err
		}
		data = o.Data
		prot = &Protection{State: ProtectionNone, Fields: o.Fields}
		switch {
		case len(o.Fields) == 0:
		case o.Erased:
			prot.State = ProtectionErased
		case mode == pii.Redacted:
			prot.State = ProtectionRedacted
		default:
			prot.State = ProtectionShown
		}
		if old && (prot.State == ProtectionErased || prot.State == ProtectionRedacted) {
			// Markers do not decode into typed fields: an old schema is
			// upcast without the values.
			if data, err = pii.Strip(ev.Data, paths); err != nil {
				return HistoryEntry{}, err
			}
		}
	}
	if old {
		p, err := s.reg.Decode(ev.Type, schema, data)
		if err != nil {
			return HistoryEntry{}, err
		}
		if data, err = json.Marshal(p); err != nil {
			return HistoryEntry{}, err
		}
		schema = def.Schema
	}
	return HistoryEntry{Envelope: envelopeOf(ev), Reason: ev.Metadata.Reason, Schema: schema, Data: data,
		Hash: fmt.Sprintf("%x", ev.Hash), Protection: prot}, nil
}

// At selects a past state: the state after revision Revision, or as
// recorded up to AsOf. The zero At is the current state.
type At struct {
	Revision *uint64
	AsOf     *time.Time
}

// IsNow reports whether at asks for the current state.
func (at At) IsNow() bool { return at.Revision == nil && at.AsOf == nil }

// foldAt folds a fresh state of stream up to at. version is the number of
// events folded; 0 means nothing existed then.
func foldAt[S any, PS interface {
	*S
	Applier
}](ctx context.Context, s *Service, stream string, at At) (PS, uint64, error) {
	st := PS(new(S))
	var version uint64
	for {
		evs, err := s.store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{From: version, Limit: 512})
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return st, 0, nil
		}
		if err != nil {
			return nil, 0, fmt.Errorf("load %s: %w", stream, err)
		}
		for i := range evs {
			ev := &evs[i]
			if at.Revision != nil && ev.Revision > *at.Revision {
				return st, version, nil
			}
			if at.AsOf != nil && ev.RecordedAt.After(*at.AsOf) {
				return st, version, nil
			}
			de, err := s.foldEvent(ctx, ev)
			if err != nil {
				return nil, 0, err
			}
			st.Apply(de)
			version = ev.Revision + 1
		}
		if len(evs) < 512 {
			return st, version, nil
		}
	}
}
