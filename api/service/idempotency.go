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

// Idempotency records live in the log itself, one stream per (account,
// key), so that they survive restarts and hold across nodes sharing a
// store. A request first claims the key (an append with NoStream, which
// only one request can win), runs, and then records its result. The
// command's events carry the key's stream in their metadata, so that a
// claim left behind by a crash can be completed from the log.
const (
	idemCategory  = "idempotency"
	typeClaimed   = "IdempotencyKeyClaimed"
	typeCompleted = "IdempotencyKeyCompleted"
	// staleClaim is how long a claim without a result blocks retries.
	staleClaim = 30 * time.Second
)

var idemNamespace = uuid.MustParse("6f1c7a52-3d0e-4b8a-9c2e-7b1d5e0f4a31")

type idemClaim struct {
	RequestHash string `json:"request_hash"`
	Target      string `json:"target"`
}

type idemDone struct {
	Result Result `json:"result"`
}

func idempotencyStream(p Principal, key string) string {
	return eventstore.StreamName(idemCategory, uuid.NewSHA1(idemNamespace, []byte(p.AccountID.String()+"\x00"+key)))
}

// MaxIdempotencyKey bounds the length of an Idempotency-Key.
const MaxIdempotencyKey = 200

// idempotent runs run(target) at most once for p's key in opts. Without a
// key it just runs. target is the aggregate the command writes; for a
// create it is a new id, replaced by the claimed one when an earlier
// attempt claimed the key and crashed.
func (s *Service) idempotent(ctx context.Context, p Principal, opts Options, category string, target uuid.UUID, run func(target uuid.UUID) (Result, error)) (Result, error) {
	if opts.IdempotencyKey == "" {
		return run(target)
	}
	if len(opts.IdempotencyKey) > MaxIdempotencyKey {
		return Result{}, &FieldError{Field: "Idempotency-Key", Rule: "idempotency_key.length", Message: "the key is longer than 200 characters"}
	}
	stream := idempotencyStream(p, opts.IdempotencyKey)
	claim := idemClaim{RequestHash: opts.RequestHash, Target: eventstore.StreamName(category, target)}
	data, _ := json.Marshal(claim)
	md := eventstore.Metadata{Actor: p.AccountID.String(), Role: string(p.Role), OrgUnit: p.OrgUnit.String(),
		CorrelationID: opts.CorrelationID, Schema: 1}
	_, err := s.store.Append(ctx, stream, eventstore.NoStream, eventstore.EventData{ID: newEventID(), Type: typeClaimed, Data: data, Metadata: md})
	if errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		return s.replay(ctx, p, opts, stream, run)
	}
	if err != nil {
		return Result{}, fmt.Errorf("claim idempotency key: %w", err)
	}
	res, err := run(target)
	if err != nil {
		// A refused command appended nothing: release the key by recording
		// no result, so that a corrected retry with the same key is judged
		// again. (Its events would carry the key, and there are none.)
		s.complete(ctx, p, stream, 0, nil)
		return Result{}, err
	}
	s.complete(ctx, p, stream, 0, &res)
	return res, nil
}

// answered returns the stored result of an earlier request under p's key
// in opts, when that request completed with one. Commands that check the
// world before they run (a unit in scope, an enabled worker) ask first,
// so that a retry is answered as the first request was rather than judged
// on what changed since. ok is false without a key, and for a key not
// used yet, in progress, or whose first request was refused (the command
// then runs, and idempotent judges the key). A different request under
// the same key is ErrIdempotencyMismatch.
func (s *Service) answered(ctx context.Context, p Principal, opts Options) (res Result, ok bool, err error) {
	if opts.IdempotencyKey == "" {
		return Result{}, false, nil
	}
	k, err := s.readKey(ctx, idempotencyStream(p, opts.IdempotencyKey), opts)
	if errors.Is(err, eventstore.ErrStreamNotFound) || err == nil && k.stored == nil {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, err
	}
	return *k.stored, true, nil
}

// keyState is what the log holds for an idempotency key: the claim, the
// key's last event, and the result it recorded, if the last event
// completed the key with one (marked Replayed).
type keyState struct {
	claim  idemClaim
	last   eventstore.RecordedEvent
	stored *Result
}

// readKey reads the key's stream. A key claimed for another request is
// ErrIdempotencyMismatch; an unused one, ErrStreamNotFound.
func (s *Service) readKey(ctx context.Context, stream string, opts Options) (keyState, error) {
	evs, err := s.store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{})
	if err != nil {
		return keyState{}, fmt.Errorf("read idempotency key: %w", err)
	}
	k := keyState{last: evs[len(evs)-1]}
	if err := json.Unmarshal(evs[0].Data, &k.claim); err != nil {
		return keyState{}, fmt.Errorf("read idempotency key: %w", err)
	}
	if k.claim.RequestHash != opts.RequestHash {
		return keyState{}, ErrIdempotencyMismatch
	}
	if k.last.Type == typeCompleted {
		var done struct {
			Result *Result `json:"result"`
		}
		if err := json.Unmarshal(k.last.Data, &done); err != nil {
			return keyState{}, fmt.Errorf("read idempotency key: %w", err)
		}
		if k.stored = done.Result; k.stored != nil {
			k.stored.Replayed = true
		}
	}
	return k, nil
}

// complete records res (nil: the command was refused) after revision rev.
func (s *Service) complete(ctx context.Context, p Principal, stream string, rev uint64, res *Result) {
	var data []byte
	if res != nil {
		data, _ = json.Marshal(idemDone{Result: *res})
	} else {
		data = []byte(`{"result":null}`)
	}
	md := eventstore.Metadata{Actor: p.AccountID.String(), Role: string(p.Role), OrgUnit: p.OrgUnit.String(), Schema: 1}
	if _, err := s.store.Append(context.WithoutCancel(ctx), stream, eventstore.Exact(rev), eventstore.EventData{ID: newEventID(), Type: typeCompleted, Data: data, Metadata: md}); err != nil {
		s.log.Warn("record idempotency result", "stream", stream, "err", err)
	}
}

// replay answers a request whose key was claimed before.
func (s *Service) replay(ctx context.Context, p Principal, opts Options, stream string, run func(uuid.UUID) (Result, error)) (Result, error) {
	k, err := s.readKey(ctx, stream, opts)
	if err != nil {
		return Result{}, err
	}
	claim, last := k.claim, k.last
	if k.stored != nil {
		return *k.stored, nil
	}
	if last.Type == typeCompleted {
		// The first attempt was refused and wrote nothing: judge again.
		return s.rerun(ctx, p, stream, last.Revision, claim, run)
	}
	if time.Since(last.RecordedAt) < staleClaim {
		return Result{}, ErrInProgress
	}
	// A claim without a result: the first attempt crashed. If its events
	// are in the log, answer them; otherwise run again.
	if res, ok, err := s.findByKey(ctx, stream, claim.Target); err != nil {
		return Result{}, err
	} else if ok {
		s.complete(ctx, p, stream, last.Revision, &res)
		res.Replayed = true
		return res, nil
	}
	return s.rerun(ctx, p, stream, last.Revision, claim, run)
}

// rerun takes the key over (an append at the exact revision, which only
// one retry can win) and runs the command on the claimed target.
func (s *Service) rerun(ctx context.Context, p Principal, stream string, rev uint64, claim idemClaim, run func(uuid.UUID) (Result, error)) (Result, error) {
	data, _ := json.Marshal(claim)
	md := eventstore.Metadata{Actor: p.AccountID.String(), Role: string(p.Role), OrgUnit: p.OrgUnit.String(), Schema: 1}
	_, err := s.store.Append(ctx, stream, eventstore.Exact(rev), eventstore.EventData{ID: newEventID(), Type: typeClaimed, Data: data, Metadata: md})
	if errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		return Result{}, ErrInProgress
	}
	if err != nil {
		return Result{}, fmt.Errorf("claim idempotency key: %w", err)
	}
	_, id, err := eventstore.ParseStreamName(claim.Target)
	if err != nil {
		return Result{}, err
	}
	res, err := run(id)
	if err != nil {
		s.complete(ctx, p, stream, rev+1, nil)
		return Result{}, err
	}
	s.complete(ctx, p, stream, rev+1, &res)
	return res, nil
}

// findByKey looks in the target stream's tail for events appended under
// the key's stream.
func (s *Service) findByKey(ctx context.Context, key, target string) (Result, bool, error) {
	evs, err := s.store.ReadStream(ctx, target, eventstore.ReadStreamOptions{Direction: eventstore.Backward, From: eventstore.End, Limit: 64})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, err
	}
	var res Result
	found := false
	for _, ev := range evs {
		if ev.Metadata.Extra["idempotency"] != key {
			if found {
				break
			}
			continue
		}
		if !found {
			_, id, _ := eventstore.ParseStreamName(target)
			res = Result{ID: id, Stream: target, Revision: ev.Revision, Position: ev.Position}
			found = true
		}
		res.Events++
	}
	return res, found, nil
}
