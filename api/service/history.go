package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"casework/eventstore"
)

// HistoryEntry is one event of a stream as the history and audit views
// show it: the envelope and the payload at its current schema.
type HistoryEntry struct {
	ID            uuid.UUID       `json:"id"`
	Type          string          `json:"type"`
	Revision      uint64          `json:"revision"`
	Position      uint64          `json:"position"`
	RecordedAt    time.Time       `json:"recorded_at"`
	OccurredAt    time.Time       `json:"occurred_at"`
	Actor         string          `json:"actor"`
	Role          string          `json:"role"`
	OrgUnit       string          `json:"org_unit"`
	CorrelationID string          `json:"correlation_id,omitempty"`
	CausationID   string          `json:"causation_id,omitempty"`
	Reason        string          `json:"reason,omitempty"`
	Schema        int             `json:"schema"`
	Data          json.RawMessage `json:"data"`
	Hash          string          `json:"hash"`
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

func (s *Service) history(ctx context.Context, stream string, pg Page) (HistoryPage, error) {
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
	for i := range evs {
		e, err := s.entry(&evs[i])
		if err != nil {
			return HistoryPage{}, err
		}
		out.Events = append(out.Events, e)
	}
	return out, nil
}

// entry renders a recorded event, upcasting old schemas so that readers
// see one shape per event type.
func (s *Service) entry(ev *eventstore.RecordedEvent) (HistoryEntry, error) {
	data := ev.Data
	schema := ev.Metadata.Schema
	if def, ok := s.reg.Def(ev.Type); ok && schema < def.Schema && schema >= 1 {
		p, err := s.reg.Decode(ev.Type, schema, ev.Data)
		if err != nil {
			return HistoryEntry{}, err
		}
		if data, err = json.Marshal(p); err != nil {
			return HistoryEntry{}, err
		}
		schema = def.Schema
	}
	m := ev.Metadata
	return HistoryEntry{
		ID: ev.ID, Type: ev.Type, Revision: ev.Revision, Position: ev.Position, RecordedAt: ev.RecordedAt,
		OccurredAt: m.OccurredAt, Actor: m.Actor, Role: m.Role, OrgUnit: m.OrgUnit, CorrelationID: m.CorrelationID,
		CausationID: m.CausationID, Reason: m.Reason, Schema: schema, Data: data, Hash: fmt.Sprintf("%x", ev.Hash),
	}, nil
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
			de, err := toDomain(s.reg, ev)
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
