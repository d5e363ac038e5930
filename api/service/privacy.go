package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/privacy"
	"casework/eventstore"
	"casework/eventstore/pii"
)

// sensitiveReaders see the decrypted sensitive fields of the records they
// may read; each such read is recorded in the access log first. Agency
// workers only ever reach referrals addressed to their agency. Other
// roles get the fields redacted; admin reads no case content at all.
var sensitiveReaders = []domain.Role{domain.RoleSocialWorker, domain.RoleSupervisor, domain.RoleAuditor, domain.RoleAgencyWorker}

// What a view shows of its sensitive fields (Protection.State).
const (
	// ProtectionShown: the fields are shown, and the read was logged.
	ProtectionShown = "shown"
	// ProtectionRedacted: the caller's role may not see them.
	ProtectionRedacted = "redacted"
	// ProtectionErased: the client was forgotten; the fields are gone.
	ProtectionErased = "erased"
	// ProtectionNone: the record holds no sensitive value.
	ProtectionNone = "none"
)

// Protection tells the reader of a view what became of its sensitive
// fields: Fields are the JSON paths of the view that hold sensitive
// values, shown, redacted (pii.RedactedMarker) or erased (pii.ErasedMarker).
type Protection struct {
	State  string   `json:"state"`
	Fields []string `json:"fields,omitempty"`
}

// ErrClientForgotten refuses a command that would record sensitive data
// about a forgotten client.
var ErrClientForgotten = domain.Conflict("privacy.client.forgotten", "",
	"the client was forgotten; no personal information about them can be recorded any more")

// foldEvent decodes a recorded event for a fold or a decision: sealed
// fields decrypted, those of a forgotten subject at their zero values.
func (s *Service) foldEvent(ctx context.Context, ev *eventstore.RecordedEvent) (domain.Event, error) {
	if pii.SubjectOf(&ev.Metadata) == uuid.Nil {
		return toDomain(s.reg, ev)
	}
	o, err := s.sealer.Open(ctx, ev, pii.Decrypt)
	if err != nil {
		return domain.Event{}, err
	}
	return decodeEvent(s.reg, ev, o.Data)
}

// seal seals the sensitive fields of evs under subject.
// Errors: ErrClientForgotten; key store errors.
func (s *Service) seal(ctx context.Context, subject uuid.UUID, evs []eventstore.EventData) error {
	for i := range evs {
		if err := s.sealer.Seal(ctx, subject, &evs[i]); err != nil {
			if errors.Is(err, pii.ErrForgotten) {
				return ErrClientForgotten
			}
			return err
		}
	}
	return nil
}

// viewPaths caches the sensitive JSON paths of view types.
var viewPaths = map[reflect.Type][]string{}

func pathsOf(v any) []string {
	t := reflect.TypeOf(v)
	if p, ok := viewPaths[t]; ok {
		return p
	}
	return domain.SensitivePaths(t)
}

func init() {
	for _, v := range []any{CaseView{}, ReferralView{}} {
		viewPaths[reflect.TypeOf(v)] = domain.SensitivePaths(reflect.TypeOf(v))
	}
}

// protect decides what p sees of the sensitive values in plain (a view's
// JSON) about subject, recorded in stream: erased if the subject was
// forgotten, redacted unless p's role may see them, else shown, after the
// read was written to the access log.
// Errors: the access log could not be written (the read must fail).
func (s *Service) protect(ctx context.Context, p Principal, subject uuid.UUID, stream string, plain []byte, paths []string) (Protection, error) {
	pr, err := s.protection(ctx, subject, plain, paths, mayReadSensitive(p))
	if err != nil || pr.State != ProtectionShown {
		return pr, err
	}
	if err := s.recordRead(ctx, p, subject, stream, pr.Fields); err != nil {
		return Protection{}, err
	}
	return pr, nil
}

// protection is protect without the access log: what a reader who may
// (show) or may not see the fields gets of plain.
func (s *Service) protection(ctx context.Context, subject uuid.UUID, plain []byte, paths []string, show bool) (Protection, error) {
	if subject != uuid.Nil {
		_, forgotten, err := s.keys.Forgotten(ctx, subject)
		if err != nil {
			return Protection{}, err
		}
		if forgotten {
			// The fold dropped the values: mark every field the view has.
			_, fields, err := pii.EraseAll(plain, paths)
			if err != nil {
				return Protection{}, err
			}
			return Protection{State: ProtectionErased, Fields: fields}, nil
		}
	}
	fields, err := pii.Present(plain, paths)
	switch {
	case err != nil:
		return Protection{}, err
	case len(fields) == 0:
		return Protection{State: ProtectionNone}, nil
	case !show:
		return Protection{State: ProtectionRedacted, Fields: fields}, nil
	}
	return Protection{State: ProtectionShown, Fields: fields}, nil
}

func mayReadSensitive(p Principal) bool {
	return p.Role != domain.RoleSystem && slices.Contains(sensitiveReaders, p.Role)
}

// recordRead appends a SensitiveDataRead to the subject's access stream.
// A subject of uuid.Nil (a record sealed before subjects existed) is
// logged under the stream's own id.
func (s *Service) recordRead(ctx context.Context, p Principal, subject uuid.UUID, stream string, fields []string) error {
	in := privacy.ReadInput{Stream: stream, Fields: fields}
	actor := p.Actor()
	pl, err := privacy.RecordRead(domain.Cmd{Actor: actor, Now: s.now()}, in)
	if err != nil {
		return err
	}
	if subject == uuid.Nil {
		_, id, err := eventstore.ParseStreamName(stream)
		if err != nil {
			return err
		}
		subject = id
	}
	evs, _, err := s.encode(p, actor, Options{}, s.now(), []domain.Payload{pl})
	if err != nil {
		return err
	}
	if _, err := s.store.Append(ctx, eventstore.StreamName(privacy.AccessCategory, subject), eventstore.Any, evs...); err != nil {
		return fmt.Errorf("%w: the access log could not be written: %v", ErrUnavailable, err)
	}
	return nil
}

// masked returns the JSON of a view with its sensitive values replaced as
// pr says.
func masked(plain []byte, pr Protection, paths []string) ([]byte, error) {
	switch pr.State {
	case ProtectionRedacted:
		return pii.Redact(plain, paths)
	case ProtectionErased:
		out, _, err := pii.EraseAll(plain, paths)
		return out, err
	}
	return plain, nil
}

// protectView computes the protection of view v for p and stores it with
// set; v's MarshalJSON then masks what p may not see.
func (s *Service) protectView(ctx context.Context, p Principal, subject uuid.UUID, stream string, v any, set func(Protection)) error {
	plain, err := json.Marshal(v)
	if err != nil {
		return err
	}
	pr, err := s.protect(ctx, p, subject, stream, plain, pathsOf(v))
	if err != nil {
		return err
	}
	set(pr)
	return nil
}
