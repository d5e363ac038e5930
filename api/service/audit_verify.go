package service

import (
	"context"
	"errors"
	"fmt"
	"sort"

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
)

// VerifyReport is the outcome of verifying the hash chains of streams.
type VerifyReport struct {
	// HashAlgorithm names the store's chain hash.
	HashAlgorithm string `json:"hash_algorithm"`
	// OK is true when every stream verified.
	OK bool `json:"ok"`
	// Streams and Events count what was verified.
	Streams int `json:"streams"`
	Events  int `json:"events"`
	// Tampered lists the streams whose chain does not verify, each at its
	// first bad revision, in the order of that event's position in the
	// log: the first is the first alteration a reader of the log meets.
	Tampered []TamperedStream `json:"tampered"`
}

// TamperedStream names the first event of a stream whose stored bytes do
// not match its chain.
type TamperedStream struct {
	Stream   string `json:"stream"`
	Revision uint64 `json:"revision"`
	Position uint64 `json:"position"`
	Reason   string `json:"reason"`
}

// VerifyStreams recomputes the hash chain of every stream in p's scope,
// or of stream alone when it is not empty, for auditors (and the system
// principal, which sees every stream of the log). A stream is in scope
// when p may read its record now: cases, contracts, referrals, stations
// and projects as their state endpoints decide; org units and accounts in
// p's subtree. A tampered stream whose record no longer decodes, so that
// its place cannot be told, is reported to auditors of a root of the org
// tree.
//
// Errors: ErrNotFound (another role); a *NotFoundError naming stream
// when it is malformed, absent or out of scope; the store's read errors.
// Tampering is not an error: it is in the report.
func (s *Service) VerifyStreams(ctx context.Context, p Principal, stream string) (VerifyReport, error) {
	if !can(p, domain.RoleAuditor) {
		return VerifyReport{}, ErrNotFound
	}
	rep := VerifyReport{HashAlgorithm: s.store.HashAlgorithm(), Tampered: []TamperedStream{}}
	if stream != "" {
		notFound := &NotFoundError{Field: "stream", Message: "no such stream in your scope"}
		if eventstore.ValidateStreamName(stream) != nil {
			return VerifyReport{}, notFound
		}
		last, err := s.store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{Direction: eventstore.Backward, From: eventstore.End, Limit: 1})
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return VerifyReport{}, notFound
		}
		if err != nil {
			return VerifyReport{}, fmt.Errorf("verify %s: %w", stream, err)
		}
		ok, err := s.verifyInScope(ctx, p, stream, &rep)
		if err != nil {
			return VerifyReport{}, err
		}
		if !ok {
			return VerifyReport{}, notFound
		}
		rep.Events = int(last[0].Revision) + 1
		rep.OK = len(rep.Tampered) == 0
		return rep, nil
	}
	streams, counts, err := s.listStreams(ctx)
	if err != nil {
		return VerifyReport{}, err
	}
	for _, st := range streams {
		ok, err := s.verifyInScope(ctx, p, st, &rep)
		if err != nil {
			return VerifyReport{}, err
		}
		if ok {
			rep.Events += counts[st]
		}
	}
	sort.SliceStable(rep.Tampered, func(i, j int) bool { return rep.Tampered[i].Position < rep.Tampered[j].Position })
	rep.OK = len(rep.Tampered) == 0
	return rep, nil
}

// listStreams returns every stream of the log in the order of its first
// event, with its number of events.
func (s *Service) listStreams(ctx context.Context) ([]string, map[string]int, error) {
	var order []string
	counts := map[string]int{}
	add := func(stream string) {
		if counts[stream] == 0 {
			order = append(order, stream)
		}
		counts[stream]++
	}
	var after uint64
	for {
		var te *eventstore.TamperError
		var failed error
		for ev, err := range s.store.ReadAll(ctx, after, eventstore.Filter{}) {
			if err != nil {
				failed = err
				break
			}
			add(ev.Stream)
		}
		switch {
		case failed == nil:
			return order, counts, nil
		case errors.As(failed, &te) && te.Position > after:
			// An event the store cannot even read: its stream's Verify
			// reports it; the log goes on after it.
			add(te.Stream)
			after = te.Position
		default:
			return nil, nil, fmt.Errorf("list streams: %w", failed)
		}
	}
}

// verifyInScope verifies stream if it is in p's scope, adding it to rep,
// and reports whether it was.
func (s *Service) verifyInScope(ctx context.Context, p Principal, stream string, rep *VerifyReport) (bool, error) {
	visible, scopeErr := s.streamVisible(ctx, p, stream)
	if scopeErr == nil && !visible {
		return false, nil
	}
	err := s.store.Verify(ctx, stream)
	var te *eventstore.TamperError
	switch {
	case errors.As(err, &te):
		if scopeErr != nil && !s.atRoot(p) {
			return false, nil
		}
		rep.Tampered = append(rep.Tampered, TamperedStream{Stream: te.Stream, Revision: te.Revision, Position: te.Position, Reason: te.Reason})
	case errors.Is(err, eventstore.ErrStreamNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("verify %s: %w", stream, err)
	case scopeErr != nil:
		// An intact chain that does not fold is a defect, not tampering.
		return false, fmt.Errorf("verify %s: %w", stream, scopeErr)
	}
	rep.Streams++
	return true, nil
}

// streamVisible reports whether p may read the record of stream now. An
// error means the record could not be folded to tell.
func (s *Service) streamVisible(ctx context.Context, p Principal, stream string) (bool, error) {
	if p.Role == domain.RoleSystem {
		return true, nil
	}
	category, id, err := eventstore.ParseStreamName(stream)
	if err != nil {
		return false, nil
	}
	switch category {
	case org.Category:
		return s.inScope(p, id.String()), nil
	case account.Category, account.LoginCategory:
		a, ok := s.dir.Account(id)
		return ok && s.inScope(p, a.OrgUnit), nil
	case casefile.Category, contract.Category, referral.Category, station.Category, project.Category:
		_, err = s.openReplay(ctx, p, category, id, At{})
	default:
		// Idempotency records and other bookkeeping are no record anyone reads.
		return false, nil
	}
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// atRoot reports whether p's scope is a whole tree: its scope root has
// no parent.
func (s *Service) atRoot(p Principal) bool {
	t := s.dir.Tree()
	root := scopeRoot(t, p)
	if root == uuid.Nil {
		return false
	}
	_, hasParent := t.Parent(root)
	return !hasParent
}
