package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/eventstore"
	"casework/eventstore/pii"
)

// Options are the request facts a command carries besides its input.
type Options struct {
	// IfMatch, when set, is the revision the caller last saw (the ETag):
	// the command fails with a *PreconditionError if the stream moved on.
	IfMatch *uint64
	// IdempotencyKey and RequestHash make a retried request append
	// nothing and answer the original result (see idempotency.go).
	IdempotencyKey string
	RequestHash    string
	CorrelationID  string
	CausationID    string
	// Reason is the free-text why of the step, kept in event metadata.
	Reason string
	// OccurredAt is when the step happened in the field; zero means now.
	OccurredAt time.Time
}

// Result is what a command answers: the aggregate, its new revision (the
// ETag) and the global position of its last event (for read-your-writes).
type Result struct {
	ID       uuid.UUID `json:"id"`
	Stream   string    `json:"stream"`
	Revision uint64    `json:"revision"`
	Position uint64    `json:"position"`
	Events   int       `json:"events"`
	// Replayed is true when the result is the stored answer to an earlier
	// request with the same Idempotency-Key.
	Replayed bool `json:"-"`
}

const maxRetries = 5

// repo loads aggregates of one category, keeping folded states in memory
// so that a command reads only the events it has not folded yet.
type repo[S any, PS interface {
	*S
	Applier
}] struct {
	svc      *Service
	category string
	mu       sync.Mutex
	entries  map[string]*entry[S]
	max      int
}

type entry[S any] struct {
	mu      sync.Mutex
	state   S
	version uint64 // events folded: the next revision
	// loaded is false until the entry was read from the store, and again
	// when a write could not be folded in place.
	loaded bool
	// subject is the key subject of the stream's sealed fields, as its
	// events' metadata record it (uuid.Nil until one is seen).
	subject uuid.UUID
}

func newRepo[S any, PS interface {
	*S
	Applier
}](svc *Service, category string, max int) *repo[S, PS] {
	return &repo[S, PS]{svc: svc, category: category, entries: map[string]*entry[S]{}, max: max}
}

func (r *repo[S, PS]) entry(stream string) *entry[S] {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.entries[stream]
	if e == nil {
		if len(r.entries) >= r.max {
			// Forget about a quarter; an evicted entry still in use by a
			// command stays valid for it, the store arbitrates.
			n := r.max / 4
			for k := range r.entries {
				if n == 0 {
					break
				}
				delete(r.entries, k)
				n--
			}
		}
		e = &entry[S]{}
		r.entries[stream] = e
	}
	return e
}

// clear drops every folded state, so that the next use reads the stream
// anew (after a client's key was destroyed, no decrypted state remains).
func (r *repo[S, PS]) clear() {
	r.mu.Lock()
	r.entries = map[string]*entry[S]{}
	r.mu.Unlock()
}

// refresh folds the events appended since e was last brought up to date.
// The caller holds e.mu.
func (r *repo[S, PS]) refresh(ctx context.Context, stream string, e *entry[S]) error {
	for {
		evs, err := r.svc.store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{From: e.version, Limit: 512})
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			if e.version > 0 {
				return fmt.Errorf("load %s: stream vanished at revision %d", stream, e.version)
			}
			e.loaded = true
			return nil
		}
		if err != nil {
			return fmt.Errorf("load %s: %w", stream, err)
		}
		for i := range evs {
			de, err := r.svc.foldEvent(ctx, &evs[i])
			if err != nil {
				return fmt.Errorf("load %s: %w", stream, err)
			}
			if sub := pii.SubjectOf(&evs[i].Metadata); sub != uuid.Nil {
				e.subject = sub
			}
			PS(&e.state).Apply(de)
			e.version = evs[i].Revision + 1
		}
		if len(evs) < 512 {
			e.loaded = true
			return nil
		}
	}
}

// read folds the stream and calls view with the state while holding the
// entry, so that view may render it safely. version is the number of
// events folded (0: the stream does not exist).
func (r *repo[S, PS]) read(ctx context.Context, id uuid.UUID, view func(s PS, version uint64) error) error {
	_, err := r.readSubject(ctx, id, view)
	return err
}

// readSubject is read that also returns the stream's key subject.
func (r *repo[S, PS]) readSubject(ctx context.Context, id uuid.UUID, view func(s PS, version uint64) error) (uuid.UUID, error) {
	stream := eventstore.StreamName(r.category, id)
	e := r.entry(stream)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := r.refresh(ctx, stream, e); err != nil {
		return uuid.Nil, err
	}
	return e.subject, view(PS(&e.state), e.version)
}

// command is one decision on an aggregate: authorize on the folded state
// (return ErrNotFound to hide it), then decide the new events.
type command[S any, PS interface {
	*S
	Applier
}] struct {
	id        uuid.UUID
	create    bool // the stream must not exist yet
	either    bool // the stream may or may not exist
	authorize func(s PS, exists bool) error
	decide    func(s PS, cmd domain.Cmd) ([]domain.Payload, error)
	// subject names the key subject of the new events' sensitive fields
	// (the client); nil means the subject the stream's events recorded.
	subject func(s PS, payloads []domain.Payload) uuid.UUID
}

// execute runs the command path: load (fold), authorize, check If-Match,
// decide, append with the expected revision; on a conflict without
// If-Match it reloads and decides again, a bounded number of times.
//
// It decides optimistically on the folded state kept in memory, without
// reading the stream first: the append's expected revision catches a
// write by another node, and any refusal (not found, out of scope,
// If-Match, a broken rule) is confirmed on freshly read state before it is
// returned, so a stale cache never refuses what the log allows.
func (r *repo[S, PS]) execute(ctx context.Context, p Principal, opts Options, c command[S, PS]) (Result, error) {
	stream := eventstore.StreamName(r.category, c.id)
	e := r.entry(stream)
	e.mu.Lock()
	defer e.mu.Unlock()
	refreshed := false
	refresh := func() error {
		refreshed = true
		return r.refresh(ctx, stream, e)
	}
	if !e.loaded {
		if err := refresh(); err != nil {
			return Result{}, err
		}
	}
	// refuse returns err once the state it was judged on is fresh.
	refuse := func(err error) (bool, error) {
		if refreshed {
			return false, err
		}
		if rerr := refresh(); rerr != nil {
			return false, rerr
		}
		return true, nil
	}
	actor := p.Actor()
	for attempt := 0; ; attempt++ {
		exists := e.version > 0
		state := PS(&e.state)
		var err error
		switch {
		case c.either:
			err = c.authorize(state, exists)
		case c.create && exists:
			err = domain.Conflict(r.category+".create.exists", "id", "a record with this id already exists")
		case !c.create && !exists:
			err = ErrNotFound
		default:
			err = c.authorize(state, exists)
			if err == nil && opts.IfMatch != nil && (!exists || *opts.IfMatch != e.version-1) {
				err = &PreconditionError{Current: e.version - 1, Exists: exists}
			}
		}
		if err != nil {
			if again, err := refuse(err); !again {
				return Result{}, err
			}
			continue
		}
		now := r.svc.now()
		payloads, err := c.decide(state, domain.Cmd{Actor: actor, Now: now})
		if err != nil {
			if again, err := refuse(err); !again {
				return Result{}, err
			}
			continue
		}
		if len(payloads) == 0 {
			return Result{ID: c.id, Stream: stream, Revision: e.version - 1}, nil
		}
		evs, plain, err := r.svc.encode(p, actor, opts, now, payloads)
		if err != nil {
			return Result{}, err
		}
		subject := e.subject
		if c.subject != nil {
			subject = c.subject(state, payloads)
		}
		if err := r.svc.seal(ctx, subject, evs); err != nil {
			return Result{}, err
		}
		expected := eventstore.NoStream
		if exists {
			expected = eventstore.Exact(e.version - 1)
		}
		start := time.Now()
		res, err := r.svc.store.Append(ctx, stream, expected, evs...)
		r.svc.metrics.appendDone(time.Since(start), err)
		var wrong *eventstore.WrongExpectedRevisionError
		if errors.As(err, &wrong) {
			if err := refresh(); err != nil {
				return Result{}, err
			}
			if opts.IfMatch != nil {
				cur, ok := wrong.ActualRevision()
				return Result{}, &PreconditionError{Current: cur, Exists: ok}
			}
			if attempt < maxRetries {
				r.svc.metrics.retried()
				continue
			}
			return Result{}, ErrConcurrency
		}
		if err != nil {
			return Result{}, fmt.Errorf("append %s: %w", stream, err)
		}
		r.fold(e, actor, evs, payloads, plain, res)
		if subject != uuid.Nil {
			e.subject = subject
		}
		return Result{ID: c.id, Stream: stream, Revision: res.LastRevision, Position: res.LastPosition, Events: len(evs)}, nil
	}
}

// fold applies what an append wrote to the cached state, exactly as a read
// of the stream would (the payloads as decoding their JSON before sealing
// gives them, the store's recording time), so that the next command needs
// no read. When the store gave no single recording time, the entry is read
// anew next time instead.
func (r *repo[S, PS]) fold(e *entry[S], actor domain.Actor, evs []eventstore.EventData, payloads []domain.Payload, plain [][]byte, res eventstore.AppendResult) {
	if res.RecordedAt.IsZero() || res.FirstRevision != e.version {
		e.loaded = false
		return
	}
	for i := range evs {
		pl, ok := r.svc.reg.Stored(payloads[i])
		if !ok {
			var err error
			if pl, err = r.svc.reg.Decode(evs[i].Type, evs[i].Metadata.Schema, plain[i]); err != nil {
				e.loaded = false
				return
			}
		}
		PS(&e.state).Apply(domain.Event{Revision: res.FirstRevision + uint64(i), Actor: actor,
			OccurredAt: evs[i].Metadata.OccurredAt, RecordedAt: res.RecordedAt, Payload: pl})
		e.version = res.FirstRevision + uint64(i) + 1
	}
}

// encode turns payloads into events with the metadata of p, whose Actor()
// is actor. plain keeps each event's JSON, which sealing replaces in the
// events.
func (s *Service) encode(p Principal, actor domain.Actor, opts Options, now time.Time, payloads []domain.Payload) (_ []eventstore.EventData, plain [][]byte, _ error) {
	occurred := opts.OccurredAt
	if occurred.IsZero() {
		occurred = now
	}
	var idem string
	if opts.IdempotencyKey != "" {
		idem = idempotencyStream(p, opts.IdempotencyKey)
	}
	out := make([]eventstore.EventData, len(payloads))
	plain = make([][]byte, len(payloads))
	for i, pl := range payloads {
		name, schema, data, err := s.reg.Encode(pl)
		if err != nil {
			return nil, nil, err
		}
		plain[i] = data
		md := eventstore.Metadata{
			Actor: actor.ID, Role: string(actor.Role), OrgUnit: actor.OrgUnit,
			CorrelationID: opts.CorrelationID, CausationID: opts.CausationID, Reason: opts.Reason,
			Schema: schema, OccurredAt: occurred.UTC(),
		}
		if idem != "" {
			md.Extra = map[string]string{"idempotency": idem}
		}
		out[i] = eventstore.EventData{ID: newEventID(), Type: name, Data: data, Metadata: md}
	}
	return out, plain, nil
}
