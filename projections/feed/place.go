// Package feed holds what the live publications of the log (NATS and the
// SSE feed) share: where a stream belongs in the org tree, learned from
// the stream's first event, and the public payload of an event, its data
// without any sensitive personal field.
package feed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/account"
	"casework/domain/casefile"
	"casework/domain/contract"
	"casework/domain/org"
	"casework/domain/project"
	"casework/domain/referral"
	"casework/domain/station"
	"casework/eventstore"
	"casework/eventstore/pii"
)

// Place is where a stream belongs, as its first event says. Streams of
// cases, referrals, stations and projects belong to a station; a referral
// also names the agency it is addressed to; an org unit's stream belongs
// to the unit, an account's to its org unit, a contract's to its bureau.
// A zero field is unknown or does not apply.
type Place struct {
	Station uuid.UUID
	Agency  uuid.UUID
	Unit    uuid.UUID
}

// Anchor is the unit whose county the stream falls under: the station,
// else the unit.
func (p Place) Anchor() uuid.UUID {
	if p.Station != uuid.Nil {
		return p.Station
	}
	return p.Unit
}

// PlaceOf returns the place a stream's first event gives it, or the zero
// Place for an event that opens no placed stream. It strips the event's
// sensitive fields before decoding, so that it never needs them (they may
// be ciphertext). Errors: the payload cannot be decoded.
func PlaceOf(reg *domain.Registry, ev *eventstore.RecordedEvent) (Place, error) {
	p, err := decode(reg, ev)
	if err != nil || p == nil {
		return Place{}, err
	}
	parse := func(s string) uuid.UUID { id, _ := uuid.Parse(s); return id }
	switch p := p.(type) {
	case casefile.CaseOpened:
		return Place{Station: parse(p.StationID)}, nil
	case referral.Requested:
		return Place{Station: parse(p.From.StationID), Agency: parse(p.To.AgencyID)}, nil
	case station.StationRegistered:
		return Place{Station: p.StationID}, nil
	case project.ProjectProposed:
		return Place{Station: p.StationID}, nil
	case contract.ProcurementOpened:
		return Place{Unit: parse(p.BureauUnit)}, nil
	case org.OrgUnitRegistered:
		return Place{Unit: p.ID}, nil
	case account.Created:
		return Place{Unit: parse(p.OrgUnit)}, nil
	}
	return Place{}, nil
}

// opening lists the event types that open a placed stream.
var opening = map[string]bool{
	casefile.EventCaseOpened: true, referral.TypeRequested: true, station.EventStationRegistered: true,
	project.EventProjectProposed: true, contract.EventProcurementOpened: true, org.EventOrgUnitRegistered: true, account.TypeCreated: true,
}

// decode returns the payload of an opening event with its sensitive
// fields removed, or nil for any other event.
func decode(reg *domain.Registry, ev *eventstore.RecordedEvent) (domain.Payload, error) {
	if !opening[ev.Type] {
		return nil, nil
	}
	def, ok := reg.Def(ev.Type)
	if !ok {
		return nil, nil
	}
	data, err := pii.Strip(ev.Data, def.Sensitive)
	if err != nil {
		return nil, fmt.Errorf("place %s: %w", ev.Stream, err)
	}
	p, err := reg.Decode(ev.Type, ev.Metadata.PayloadSchema(), data)
	if err != nil {
		return nil, fmt.Errorf("place %s: %w", ev.Stream, err)
	}
	return p, nil
}

// Placer remembers the place of streams. It learns a place from a
// stream's first event as the log passes (Observe) and otherwise reads
// that event from the store (Lookup). It keeps at most a bounded number
// of places, forgetting arbitrary ones past that (they are read again
// when needed). A first event that cannot be decoded gives the zero Place
// and a warning: a publication goes on without the place rather than
// stop. It is safe for concurrent use.
type Placer struct {
	store eventstore.Store
	reg   *domain.Registry
	max   int
	log   *slog.Logger

	mu     sync.Mutex
	places map[string]Place
}

// NewPlacer returns a placer reading first events from store; max bounds
// the places kept (default 200,000).
func NewPlacer(store eventstore.Store, reg *domain.Registry, max int, log *slog.Logger) *Placer {
	if max <= 0 {
		max = 200_000
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Placer{store: store, reg: reg, max: max, log: log, places: map[string]Place{}}
}

// Observe learns the place of ev's stream when ev is its first event.
func (p *Placer) Observe(ev *eventstore.RecordedEvent) {
	if ev.Revision == 0 {
		p.remember(ev.Stream, p.placeOf(ev))
	}
}

func (p *Placer) placeOf(ev *eventstore.RecordedEvent) Place {
	pl, err := PlaceOf(p.reg, ev)
	if err != nil {
		p.log.Warn("feed: the first event of a stream cannot be decoded; its place is unknown", "stream", ev.Stream, "err", err)
	}
	return pl
}

// Lookup returns the place of ev's stream, reading the stream's first
// event from the store if it is not known. Errors: the store's.
func (p *Placer) Lookup(ctx context.Context, ev *eventstore.RecordedEvent) (Place, error) {
	if ev.Revision == 0 {
		p.Observe(ev)
	}
	p.mu.Lock()
	pl, ok := p.places[ev.Stream]
	p.mu.Unlock()
	if ok {
		return pl, nil
	}
	first, err := p.store.ReadStream(ctx, ev.Stream, eventstore.ReadStreamOptions{Limit: 1})
	if errors.Is(err, eventstore.ErrStreamNotFound) || (err == nil && len(first) == 0) {
		return Place{}, nil
	}
	if err != nil {
		return Place{}, fmt.Errorf("place %s: %w", ev.Stream, err)
	}
	pl = p.placeOf(&first[0])
	p.remember(ev.Stream, pl)
	return pl, nil
}

func (p *Placer) remember(stream string, pl Place) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.places) >= p.max {
		n := len(p.places) / 2
		for k := range p.places {
			if n == 0 {
				break
			}
			delete(p.places, k)
			n--
		}
	}
	p.places[stream] = pl
}
