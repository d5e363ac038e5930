package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/privacy"
	"casework/domain/value"
	"casework/eventstore"
	"casework/eventstore/pii"
)

// indexResidentID is the kind of the key store's lookup entries for
// resident ID numbers.
const indexResidentID = "resident_id"

// ClientView is what an admin sees of a client: never the client's
// personal data, only whether and when the client was forgotten and the
// pending request to forget them.
type ClientView struct {
	ID          uuid.UUID        `json:"id"`
	Revision    *uint64          `json:"revision,omitempty"`
	Forgotten   bool             `json:"forgotten"`
	ForgottenAt time.Time        `json:"forgotten_at,omitzero"`
	Reason      string           `json:"reason,omitempty"`
	Pending     *ForgetRequestVw `json:"pending_request,omitempty"`
	Cases       int              `json:"cases"`
}

// ForgetRequestVw is a pending request to forget a client.
type ForgetRequestVw struct {
	ID          uuid.UUID `json:"id"`
	RequestedBy string    `json:"requested_by"`
	Reason      string    `json:"reason"`
	RequestedAt time.Time `json:"requested_at"`
}

// ETagRevision is the client stream's revision (0 when it has no events).
func (v ClientView) ETagRevision() uint64 {
	if v.Revision == nil {
		return 0
	}
	return *v.Revision
}

// ClientMatch is a client found by resident ID number, with the cases of
// that client the caller may read.
type ClientMatch struct {
	ClientID uuid.UUID   `json:"client_id"`
	Cases    []uuid.UUID `json:"cases"`
}

// clientIndex maps each client to its cases, folded from CaseOpened
// events; it holds no personal data.
type clientIndex struct {
	mu    sync.RWMutex
	cases map[uuid.UUID][]caseRef
}

type caseRef struct {
	id      uuid.UUID
	station string
}

func (ix *clientIndex) add(client uuid.UUID, ref caseRef) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.cases == nil {
		ix.cases = map[uuid.UUID][]caseRef{}
	}
	if !slices.Contains(ix.cases[client], ref) {
		ix.cases[client] = append(ix.cases[client], ref)
	}
}

func (ix *clientIndex) of(client uuid.UUID) []caseRef {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return slices.Clone(ix.cases[client])
}

// watchClients follows the log for what the node must learn from other
// nodes and processes: a client forgotten elsewhere (the command line, or
// another node) has its key destroyed here too, if it still exists, and
// its decrypted states dropped; and the cases of each client for lookup.
// It runs until ctx ends, resuming after errors.
func (s *Service) watchForgotten(ctx context.Context) {
	var after uint64
	filter := eventstore.Filter{Categories: []string{privacy.Category, casefile.Category},
		Types: []string{privacy.EventClientForgotten, casefile.EventCaseOpened}}
	for ctx.Err() == nil {
		for ev, err := range s.store.SubscribeAll(ctx, after, filter) {
			if err != nil {
				if ctx.Err() == nil {
					s.log.Error("client watcher", "err", err)
					select {
					case <-time.After(time.Second):
					case <-ctx.Done():
					}
				}
				break
			}
			after = ev.Position
			switch ev.Type {
			case casefile.EventCaseOpened:
				de, err := decodeEvent(s.reg, &ev, stripped(s.sealer, &ev))
				if err != nil {
					s.log.Error("client watcher", "stream", ev.Stream, "err", err)
					continue
				}
				o := de.Payload.(casefile.CaseOpened)
				s.clients.add(o.ClientID, caseRef{id: o.CaseID, station: o.StationID})
			case privacy.EventClientForgotten:
				_, subject, err := eventstore.ParseStreamName(ev.Stream)
				if err != nil {
					continue
				}
				if err := s.destroyKey(ctx, subject, ev.RecordedAt); err != nil && ctx.Err() == nil {
					s.log.Error("client watcher: destroy key", "client", subject, "err", err)
				}
			}
		}
	}
}

// stripped returns ev's payload without its sensitive fields.
func stripped(sl *pii.Sealer, ev *eventstore.RecordedEvent) []byte {
	b, err := pii.Strip(ev.Data, sl.Sensitive(ev.Type))
	if err != nil {
		return ev.Data
	}
	return b
}

// destroyKey forgets subject's key (a no-op when already done) and drops
// every decrypted state this node holds.
func (s *Service) destroyKey(ctx context.Context, subject uuid.UUID, at time.Time) error {
	if _, err := s.keys.Forget(ctx, subject, at); err != nil {
		return err
	}
	s.sealer.Evict(subject)
	s.repos.cases.clear()
	s.repos.referrals.clear()
	return nil
}

// FindClients finds the clients recorded with a resident ID number, by its
// keyed hash (the number itself is stored nowhere in plain), with their
// cases in the caller's scope: intake uses it to avoid a second client
// record for one person. Errors: ErrNotFound for roles that may not open
// cases; *FieldError for a malformed number.
func (s *Service) FindClients(ctx context.Context, p Principal, residentID string) ([]ClientMatch, error) {
	if !can(p, caseWriters...) {
		return nil, ErrNotFound
	}
	id, err := value.ParseResidentID(residentID)
	if err != nil {
		return nil, &FieldError{Field: "resident_id", Rule: "value.resident_id", Message: "must be a valid 18-character resident ID number"}
	}
	subjects, err := s.keys.Lookup(ctx, indexResidentID, id.String())
	if err != nil {
		return nil, err
	}
	out := []ClientMatch{}
	for _, sub := range subjects {
		m := ClientMatch{ClientID: sub, Cases: []uuid.UUID{}}
		for _, c := range s.clients.of(sub) {
			if s.inScope(p, c.station) {
				m.Cases = append(m.Cases, c.id)
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// clientFor returns the client ID intake should use for a resident ID
// number: the known client's, or uuid.Nil for a new one.
func (s *Service) clientFor(ctx context.Context, residentID string) (uuid.UUID, error) {
	id, err := value.ParseResidentID(residentID)
	if err != nil {
		return uuid.Nil, nil // the domain reports the rule
	}
	subjects, err := s.keys.Lookup(ctx, indexResidentID, id.String())
	if err != nil || len(subjects) == 0 {
		return uuid.Nil, err
	}
	return subjects[0], nil
}

// Client returns a client's forget status. Admin only (others: ErrNotFound).
// Errors: ErrNotFound when no such client exists.
func (s *Service) Client(ctx context.Context, p Principal, id uuid.UUID) (ClientView, error) {
	if !can(p, domain.RoleAdmin) {
		return ClientView{}, ErrNotFound
	}
	if err := s.clientExists(ctx, id); err != nil {
		return ClientView{}, err
	}
	v := ClientView{ID: id, Cases: len(s.clients.of(id))}
	err := s.repos.clients.read(ctx, id, func(st *privacy.State, version uint64) error {
		if version > 0 {
			r := version - 1
			v.Revision = &r
		}
		v.Forgotten, v.ForgottenAt, v.Reason = st.Forgotten, st.ForgottenAt, st.Reason
		if st.Pending != nil {
			v.Pending = &ForgetRequestVw{ID: st.Pending.ID, RequestedBy: st.Pending.RequestedBy, Reason: st.Pending.Reason,
				RequestedAt: st.Pending.RequestedAt}
		}
		return nil
	})
	if err != nil {
		return ClientView{}, err
	}
	if !v.Forgotten {
		if at, ok, err := s.keys.Forgotten(ctx, id); err == nil && ok {
			v.Forgotten, v.ForgottenAt = true, at
		}
	}
	return v, nil
}

// clientExists is nil for a client with a key or a forgotten one.
func (s *Service) clientExists(ctx context.Context, id uuid.UUID) error {
	_, err := s.keys.DataKey(ctx, id, false)
	switch {
	case err == nil, errors.Is(err, pii.ErrForgotten):
		return nil
	case errors.Is(err, pii.ErrNoKey):
		return ErrNotFound
	}
	return err
}

// clientCommand runs a privacy decision on a client's stream, which need
// not exist yet. When the decision forgets the client, the key is
// destroyed before the event is appended: a crash in between leaves the
// client forgotten, and the retried approval records it.
func (s *Service) clientCommand(ctx context.Context, p Principal, opts Options, id uuid.UUID,
	decide func(*privacy.State, domain.Cmd) ([]domain.Payload, error)) (Result, error) {
	if !can(p, domain.RoleAdmin) {
		return Result{}, ErrNotFound
	}
	if err := s.clientExists(ctx, id); err != nil {
		return Result{}, err
	}
	return s.idempotent(ctx, p, opts, privacy.Category, id, func(id uuid.UUID) (Result, error) {
		return s.repos.clients.execute(ctx, p, opts, command[privacy.State, *privacy.State]{
			id: id, either: true,
			authorize: func(*privacy.State, bool) error { return nil },
			decide: func(st *privacy.State, cmd domain.Cmd) ([]domain.Payload, error) {
				out, err := decide(st, cmd)
				if err != nil {
					return nil, err
				}
				for _, pl := range out {
					if f, ok := pl.(privacy.ClientForgotten); ok {
						if err := s.destroyKey(ctx, id, f.ForgottenAt); err != nil {
							return nil, fmt.Errorf("forget client %s: %w", id, err)
						}
					}
				}
				return out, nil
			},
		})
	})
}

// RequestForget asks, as an admin, to forget a client (PIPL Art. 47);
// another admin must approve. A client already forgotten is a no-op
// (Result.Events is 0). Errors: ErrNotFound (no such client), the rules of
// privacy.RequestForget.
func (s *Service) RequestForget(ctx context.Context, p Principal, opts Options, id uuid.UUID, in privacy.RequestInput) (Result, error) {
	if in.RequestID == uuid.Nil {
		in.RequestID = newEventID()
	}
	return s.clientCommand(ctx, p, opts, id, func(st *privacy.State, c domain.Cmd) ([]domain.Payload, error) {
		return privacy.RequestForget(st, c, in)
	})
}

// ApproveForget approves a pending request as a second admin: the
// client's key is destroyed and ClientForgotten appended. Errors: as
// RequestForget, and privacy.forget.second_person for the requester.
func (s *Service) ApproveForget(ctx context.Context, p Principal, opts Options, id uuid.UUID, in privacy.ApproveInput) (Result, error) {
	return s.clientCommand(ctx, p, opts, id, func(st *privacy.State, c domain.Cmd) ([]domain.Payload, error) {
		return privacy.ApproveForget(st, c, in)
	})
}

// RejectForget refuses (or, by the requester, withdraws) a pending request.
func (s *Service) RejectForget(ctx context.Context, p Principal, opts Options, id uuid.UUID, in privacy.RejectInput) (Result, error) {
	return s.clientCommand(ctx, p, opts, id, func(st *privacy.State, c domain.Cmd) ([]domain.Payload, error) {
		return privacy.RejectForget(st, c, in)
	})
}

// ForgetNow forgets a client at once, for an operator at the machine
// (the system principal). A client already forgotten is a no-op
// (Result.Events is 0). Errors: ErrNotFound (no such client), the rules
// of privacy.ForgetNow.
func (s *Service) ForgetNow(ctx context.Context, p Principal, id uuid.UUID, reason string) (Result, error) {
	return s.clientCommand(ctx, p, Options{Reason: reason}, id, func(st *privacy.State, c domain.Cmd) ([]domain.Payload, error) {
		return privacy.ForgetNow(st, c, privacy.ForgetNowInput{Reason: reason})
	})
}

// AccessQuery selects access-log records: of one client, one reader, a
// time range; After is the position to continue from.
type AccessQuery struct {
	Client   uuid.UUID
	Actor    string
	From, To time.Time
	After    uint64
	Limit    int
}

// AccessRecord is one read of decrypted sensitive fields.
type AccessRecord struct {
	Position uint64    `json:"position"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Role     string    `json:"role"`
	OrgUnit  string    `json:"org_unit"`
	Client   uuid.UUID `json:"client_id"`
	Stream   string    `json:"stream"`
	Fields   []string  `json:"fields"`
	Purpose  string    `json:"purpose"`
}

// AccessPage is a page of the access log; Next is the After of the next
// page (absent at the end).
type AccessPage struct {
	Records []AccessRecord `json:"records"`
	Next    *uint64        `json:"next,omitempty"`
}

// AccessLog returns the reads of decrypted sensitive fields made by
// readers in the auditor's scope, oldest first. Errors: ErrNotFound for
// roles other than auditor.
func (s *Service) AccessLog(ctx context.Context, p Principal, q AccessQuery) (AccessPage, error) {
	if !can(p, domain.RoleAuditor) {
		return AccessPage{}, ErrNotFound
	}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	out := AccessPage{Records: []AccessRecord{}}
	head, err := s.store.Head(ctx)
	if err != nil {
		return out, err
	}
	for ev, err := range s.store.ReadAll(ctx, q.After, eventstore.Filter{Categories: []string{privacy.AccessCategory}}) {
		if err != nil {
			return AccessPage{}, err
		}
		if ev.Position > head {
			break
		}
		_, client, err := eventstore.ParseStreamName(ev.Stream)
		if err != nil || (q.Client != uuid.Nil && client != q.Client) || (q.Actor != "" && ev.Metadata.Actor != q.Actor) ||
			(!q.From.IsZero() && ev.RecordedAt.Before(q.From)) || (!q.To.IsZero() && !ev.RecordedAt.Before(q.To)) ||
			!s.inScope(p, ev.Metadata.OrgUnit) {
			continue
		}
		if len(out.Records) == q.Limit {
			next := out.Records[len(out.Records)-1].Position
			out.Next = &next
			break
		}
		de, err := toDomain(s.reg, &ev)
		if err != nil {
			return AccessPage{}, err
		}
		r := de.Payload.(privacy.SensitiveDataRead)
		out.Records = append(out.Records, AccessRecord{Position: ev.Position, At: ev.RecordedAt, Actor: ev.Metadata.Actor,
			Role: ev.Metadata.Role, OrgUnit: ev.Metadata.OrgUnit, Client: client, Stream: r.Stream, Fields: r.Fields, Purpose: r.Purpose})
	}
	return out, nil
}
