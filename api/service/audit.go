package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/contract"
	"casework/domain/project"
	"casework/domain/referral"
	"casework/domain/station"
	"casework/domain/value"
	"casework/eventstore"
	"casework/eventstore/pii"
)

// The auditor's replay: a record's stream step by step, each event with
// the state the record's state endpoint shows after it. The states are
// built with the same folds and view constructors as Case, Contract,
// Referral, Station and Project, so that step r of a replay is what
// GET /api/v1/<records>/{id}?revision=r answers.

// ReplayOptions select the steps of a replay.
type ReplayOptions struct {
	// At ends the replay: after revision At.Revision, or with the last
	// event recorded up to At.AsOf. The zero At replays the whole stream.
	At At
	// From is the first revision to return a step for (earlier events are
	// folded but not shown); Limit bounds the steps returned (default 100,
	// at most 1000).
	From  uint64
	Limit int
	// Redact replays as a reader holding no keys: every event's sensitive
	// fields read as pii.RedactedMarker, and states are folded from
	// payloads with those fields stripped, so that neither holds a
	// sensitive value. The command line and exports replay this way.
	Redact bool
}

// ReplayStep is one event of a replay and the record's state after it.
type ReplayStep struct {
	Event HistoryEntry `json:"event"`
	State any          `json:"state"`
	// payload is the decoded payload the state was folded with.
	payload domain.Payload
}

// Payload returns the decoded payload of the step's event, with its
// sensitive fields at their zero values when the replay was redacted.
func (st ReplayStep) Payload() domain.Payload { return st.payload }

// Replay is a page of a record's replay.
type Replay struct {
	Stream string `json:"stream"`
	// Kind is the stream's category: case, contract, referral, station
	// or project.
	Kind       string     `json:"kind"`
	ToRevision *uint64    `json:"to_revision,omitempty"`
	AsOf       *time.Time `json:"as_of,omitempty"`
	// Steps are in revision order.
	Steps []ReplayStep `json:"steps"`
	// Next is the revision to ask for next with From; absent at the end.
	Next *uint64 `json:"next,omitempty"`
}

// replayFold is a fresh fold of one record and how its state endpoint
// renders it after version events.
type replayFold interface {
	apply(domain.Event)
	view(version uint64) any
}

type fold[S any, PS interface {
	*S
	Applier
}] struct {
	st     PS
	render func(st PS, version uint64) any
}

func newFold[S any, PS interface {
	*S
	Applier
}](render func(PS, uint64) any) replayFold {
	return &fold[S, PS]{st: PS(new(S)), render: render}
}

func (f *fold[S, PS]) apply(e domain.Event)    { f.st.Apply(e) }
func (f *fold[S, PS]) view(version uint64) any { return f.render(f.st, version) }

// openReplay checks, through the record's state endpoint, that p may read
// the record now (a past state is shown only to who may see the record
// now) and returns a fresh fold rendering as that endpoint does: the
// time-dependent parts of contracts and stations judged on the day of
// as_of (else today), a referral with what p may see of it now.
func (s *Service) openReplay(ctx context.Context, p Principal, category string, id uuid.UUID, at At) (replayFold, error) {
	on := value.DateOf(s.now())
	if at.AsOf != nil {
		on = value.DateOf(*at.AsOf)
	}
	switch category {
	case casefile.Category:
		if _, err := s.Case(ctx, p, id, At{}); err != nil {
			return nil, err
		}
		return newFold(func(st *casefile.State, v uint64) any { return newCaseView(st, v-1) }), nil
	case contract.Category:
		if _, err := s.Contract(ctx, p, id, At{}); err != nil {
			return nil, err
		}
		return newFold(func(st *contract.State, v uint64) any { return newContractView(st, v-1, on) }), nil
	case referral.Category:
		now, err := s.Referral(ctx, p, id, At{})
		if err != nil {
			return nil, err
		}
		aud, today := audienceReceiving, value.DateOf(s.now())
		if now.View == ViewFull {
			aud = audienceFull
		}
		return newFold(func(st *referral.State, v uint64) any { return newReferralView(p, st, v-1, aud, today) }), nil
	case station.Category:
		if _, err := s.Station(ctx, p, id, At{}); err != nil {
			return nil, err
		}
		return newFold(func(st *station.State, v uint64) any { return newStationView(st, v, on) }), nil
	case project.Category:
		if _, err := s.Project(ctx, p, id, At{}); err != nil {
			return nil, err
		}
		return newFold(func(st *project.State, v uint64) any { return newProjectView(st, v) }), nil
	}
	return nil, ErrNotFound
}

// ReplayStream replays the stream of a case, contract, referral, station
// or project step by step (see Replay), for auditors (and the system
// principal) who may read the record now.
//
// Errors: ErrNotFound (another role, a malformed stream name, a stream of
// another kind, or a record absent or out of scope); a *FieldError for
// both a revision and as_of, or a limit out of range; a *NotFoundError
// naming as_of when the record did not exist yet at that time.
func (s *Service) ReplayStream(ctx context.Context, p Principal, stream string, o ReplayOptions) (Replay, error) {
	if !can(p, domain.RoleAuditor) {
		return Replay{}, ErrNotFound
	}
	category, id, err := eventstore.ParseStreamName(stream)
	if err != nil {
		return Replay{}, ErrNotFound
	}
	if o.At.Revision != nil && o.At.AsOf != nil {
		return Replay{}, &FieldError{Field: "as_of", Rule: "time_travel.one_of", Message: "give to_revision or as_of, not both"}
	}
	switch {
	case o.Limit == 0:
		o.Limit = 100
	case o.Limit < 0 || o.Limit > 1000:
		return Replay{}, &FieldError{Field: "limit", Rule: "limit.range", Message: "1 to 1000"}
	}
	f, err := s.openReplay(ctx, p, category, id, o.At)
	if err != nil {
		return Replay{}, err
	}
	out := Replay{Stream: stream, Kind: category, ToRevision: o.At.Revision, AsOf: o.At.AsOf, Steps: []ReplayStep{}}
	var version uint64
	var shown []string // sensitive fields shown decrypted: the read is logged
	subject := uuid.Nil
	err = s.scanStream(ctx, stream, func(ev *eventstore.RecordedEvent) (bool, error) {
		if (o.At.Revision != nil && ev.Revision > *o.At.Revision) || (o.At.AsOf != nil && ev.RecordedAt.After(*o.At.AsOf)) {
			return false, nil
		}
		if ev.Revision >= o.From && len(out.Steps) == o.Limit {
			next := ev.Revision
			out.Next = &next
			return false, nil
		}
		de, err := s.replayEvent(ctx, ev, o.Redact)
		if err != nil {
			return false, err
		}
		f.apply(de)
		version = ev.Revision + 1
		if ev.Revision < o.From {
			return true, nil
		}
		e, err := s.entry(ctx, p, ev)
		if err == nil && o.Redact {
			e.Data, err = s.redact(e.Type, e.Data)
			e.Protection = nil
		}
		if err != nil {
			return false, err
		}
		if e.Protection != nil && e.Protection.State == ProtectionShown {
			if sub := pii.SubjectOf(&ev.Metadata); sub != uuid.Nil {
				subject = sub
			}
			for _, fl := range e.Protection.Fields {
				if !slices.Contains(shown, fl) {
					shown = append(shown, fl)
				}
			}
		}
		st, err := s.replayProtect(ctx, f.view(version), o.Redact, pii.SubjectOf(&ev.Metadata))
		if err != nil {
			return false, err
		}
		out.Steps = append(out.Steps, ReplayStep{Event: e, State: st, payload: de.Payload})
		return true, nil
	})
	if err != nil {
		return Replay{}, err
	}
	if version == 0 {
		return Replay{}, &NotFoundError{Field: "as_of", Message: "the record did not exist yet at that point"}
	}
	if len(shown) > 0 {
		if err := s.recordRead(ctx, p, subject, stream, shown); err != nil {
			return Replay{}, err
		}
	}
	return out, nil
}

// replayProtect sets a replayed view's protection as the state endpoints
// do for an auditor: shown (the replay's read is logged once, by
// ReplayStream), redacted when redacting, erased for a forgotten client.
func (s *Service) replayProtect(ctx context.Context, v any, redact bool, subject uuid.UUID) (any, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	pr, err := s.protection(ctx, subject, plain, pathsOf(v), !redact)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case CaseView:
		x.Protection = pr
		return x, nil
	case ReferralView:
		x.Protection = pr
		return x, nil
	}
	return v, nil
}

// scanStream calls f with the events of stream in revision order until f
// returns false or an error. A stream without events calls f never.
func (s *Service) scanStream(ctx context.Context, stream string, f func(*eventstore.RecordedEvent) (bool, error)) error {
	const page = 512
	var from uint64
	for {
		evs, err := s.store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{From: from, Limit: page})
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("replay %s: %w", stream, err)
		}
		for i := range evs {
			more, err := f(&evs[i])
			if err != nil || !more {
				return err
			}
		}
		if len(evs) < page {
			return nil
		}
		from = evs[len(evs)-1].Revision + 1
	}
}

// replayEvent decodes ev for folding: as every fold does, or, when
// redacting, from its payload with the sensitive fields stripped before
// decoding (they may hold ciphertext) and again after upcasting (an old
// schema may keep them elsewhere).
func (s *Service) replayEvent(ctx context.Context, ev *eventstore.RecordedEvent, redact bool) (domain.Event, error) {
	def, ok := s.reg.Def(ev.Type)
	if !redact || !ok || len(def.Sensitive) == 0 {
		return s.foldEvent(ctx, ev)
	}
	data, err := pii.Strip(ev.Data, def.Sensitive)
	if err != nil {
		return domain.Event{}, fmt.Errorf("%s revision %d: %w", ev.Stream, ev.Revision, err)
	}
	stripped := *ev
	stripped.Data = data
	if ev.Metadata.Schema < def.Schema {
		de, err := toDomain(s.reg, &stripped)
		if err != nil {
			return domain.Event{}, err
		}
		if data, err = json.Marshal(de.Payload); err == nil {
			data, err = pii.Strip(data, def.Sensitive)
		}
		if err != nil {
			return domain.Event{}, fmt.Errorf("%s revision %d: %w", ev.Stream, ev.Revision, err)
		}
		stripped.Data, stripped.Metadata.Schema = data, def.Schema
	}
	return toDomain(s.reg, &stripped)
}

// redact replaces the sensitive fields of a payload of type typ, at its
// current schema, with pii.RedactedMarker.
func (s *Service) redact(typ string, data json.RawMessage) (json.RawMessage, error) {
	def, ok := s.reg.Def(typ)
	if !ok || len(def.Sensitive) == 0 {
		return data, nil
	}
	out, err := pii.Redact(data, def.Sensitive)
	if err != nil {
		return nil, fmt.Errorf("redact %s: %w", typ, err)
	}
	return out, nil
}
