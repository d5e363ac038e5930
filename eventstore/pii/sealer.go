package pii

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/google/uuid"

	"casework/domain"
	"casework/eventstore"
)

// MetaSubject is the metadata key (eventstore.Metadata.Extra) naming the
// subject whose key sealed an event's sensitive fields. An event without
// it has no sealed fields.
const MetaSubject = "pii_subject"

// sealedPrefix starts the JSON string that replaces a sealed value:
// "pii1." + base64url(nonce ‖ ciphertext). The AEAD's additional data binds
// it to its subject, event and path, so that it cannot be moved.
const sealedPrefix = "pii1."

// Mode says what Open does with sealed fields.
type Mode int

const (
	// Decrypt returns plaintext; the fields of a forgotten subject are
	// removed (they decode as zero values). For folds and decisions.
	Decrypt Mode = iota
	// Display returns plaintext; the fields of a forgotten subject read
	// ErasedMarker. For a reader allowed to see them.
	Display
	// Redacted replaces the fields with RedactedMarker (ErasedMarker for a
	// forgotten subject) without touching keys. For other readers.
	Redacted
)

// Opened is a payload as Open returns it.
type Opened struct {
	Data []byte
	// Subject is the event's subject (uuid.Nil: no sealed fields).
	Subject uuid.UUID
	// Fields are the sensitive paths that held a value.
	Fields []string
	// Erased is true when the subject was forgotten.
	Erased bool
}

// Sealer seals and opens the sensitive fields of events. It caches data
// keys in memory; Evict drops a forgotten subject's. It is safe for
// concurrent use.
type Sealer struct {
	reg   *domain.Registry
	keys  KeyStore
	suite Suite

	mu    sync.RWMutex
	aeads map[uuid.UUID]cipher.AEAD
	max   int
}

// NewSealer returns a sealer for the event types of reg over keys.
func NewSealer(reg *domain.Registry, keys KeyStore) *Sealer {
	return &Sealer{reg: reg, keys: keys, suite: keys.Suite(), aeads: map[uuid.UUID]cipher.AEAD{}, max: 100_000}
}

// Keys returns the sealer's key store.
func (s *Sealer) Keys() KeyStore { return s.keys }

// Sensitive returns the sensitive paths of event type typ.
func (s *Sealer) Sensitive(typ string) []string {
	if d, ok := s.reg.Def(typ); ok {
		return d.Sensitive
	}
	return nil
}

func (s *Sealer) aead(ctx context.Context, subject uuid.UUID, create bool) (cipher.AEAD, error) {
	s.mu.RLock()
	a := s.aeads[subject]
	s.mu.RUnlock()
	if a != nil {
		return a, nil
	}
	key, err := s.keys.DataKey(ctx, subject, create)
	if err != nil {
		return nil, err
	}
	if a, err = s.suite.AEAD(key); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.aeads) >= s.max {
		for k := range s.aeads { // drop about a quarter
			delete(s.aeads, k)
			if len(s.aeads) < s.max*3/4 {
				break
			}
		}
	}
	s.aeads[subject] = a
	s.mu.Unlock()
	return a, nil
}

// Evict drops subject's cached key, after it was forgotten.
func (s *Sealer) Evict(subject uuid.UUID) {
	s.mu.Lock()
	delete(s.aeads, subject)
	s.mu.Unlock()
}

func additional(subject, event uuid.UUID, path string) []byte {
	ad := make([]byte, 0, 32+len(path))
	ad = append(ad, subject[:]...)
	ad = append(ad, event[:]...)
	return append(ad, path...)
}

// Seal encrypts the sensitive fields of ev.Data under subject's data key
// (created on first use) and records the subject in ev's metadata. An
// event type without sensitive fields, or a payload with none present,
// is left as it is.
// Errors: ErrForgotten when the subject was forgotten (nothing may be
// recorded about it any more); key store errors.
func (s *Sealer) Seal(ctx context.Context, subject uuid.UUID, ev *eventstore.EventData) error {
	paths := s.Sensitive(ev.Type)
	if len(paths) == 0 || subject == uuid.Nil {
		return nil
	}
	var a cipher.AEAD
	out, err := rewrite(ev.Data, paths, func(path string, raw json.RawMessage) (json.RawMessage, error) {
		if a == nil {
			var err error
			if a, err = s.aead(ctx, subject, true); err != nil {
				return nil, err
			}
		}
		buf := make([]byte, a.NonceSize(), a.NonceSize()+len(raw)+a.Overhead())
		if _, err := rand.Read(buf); err != nil {
			return nil, err
		}
		buf = a.Seal(buf, buf, raw, additional(subject, ev.ID, path))
		enc := make([]byte, 0, 2+len(sealedPrefix)+base64.RawURLEncoding.EncodedLen(len(buf)))
		enc = append(enc, '"')
		enc = append(enc, sealedPrefix...)
		enc = base64.RawURLEncoding.AppendEncode(enc, buf)
		return append(enc, '"'), nil
	})
	if err != nil {
		return fmt.Errorf("seal %s: %w", ev.Type, err)
	}
	if a == nil {
		return nil // nothing present to seal
	}
	ev.Data = out
	if ev.Metadata.Extra == nil {
		ev.Metadata.Extra = map[string]string{}
	}
	ev.Metadata.Extra[MetaSubject] = subject.String()
	return nil
}

// SubjectOf returns the subject recorded in an event's metadata
// (uuid.Nil when the event has no sealed fields).
func SubjectOf(m *eventstore.Metadata) uuid.UUID {
	if m == nil || m.Extra == nil {
		return uuid.Nil
	}
	id, err := uuid.Parse(m.Extra[MetaSubject])
	if err != nil {
		return uuid.Nil
	}
	return id
}

// ErrTampered: a sealed field does not authenticate (altered ciphertext,
// or moved from another event or field).
var ErrTampered = errors.New("pii: sealed field does not authenticate")

// Open returns ev's payload JSON for a reader, as mode says. Fields lists
// the sensitive paths holding a value.
// Errors: ErrTampered (wrapped, naming the path) when a sealed field does
// not authenticate; key store errors. A forgotten subject is no error.
func (s *Sealer) Open(ctx context.Context, ev *eventstore.RecordedEvent, mode Mode) (Opened, error) {
	return s.openEvent(ctx, ev, mode, true)
}

func (s *Sealer) openEvent(ctx context.Context, ev *eventstore.RecordedEvent, mode Mode, retry bool) (Opened, error) {
	subject := SubjectOf(&ev.Metadata)
	paths := s.Sensitive(ev.Type)
	res := Opened{Data: ev.Data, Subject: subject}
	if len(paths) == 0 {
		return res, nil
	}
	if subject == uuid.Nil {
		// Recorded without a subject: nothing sealed; the fields are
		// plaintext and shown or redacted like sealed ones.
		fields, err := Present(ev.Data, paths)
		if err != nil {
			return res, err
		}
		res.Fields = fields
		if mode == Redacted && len(fields) > 0 {
			res.Data, err = Redact(ev.Data, paths)
		}
		return res, err
	}
	_, forgotten, err := s.keys.Forgotten(ctx, subject)
	if err != nil {
		return res, err
	}
	res.Erased = forgotten
	var a cipher.AEAD
	seen := map[string]bool{}
	out, err := rewrite(ev.Data, paths, func(path string, raw json.RawMessage) (json.RawMessage, error) {
		if !seen[path] {
			seen[path] = true
			res.Fields = append(res.Fields, path)
		}
		switch {
		case forgotten && mode == Decrypt:
			return nil, nil
		case forgotten:
			return erasedJSON, nil
		case mode == Redacted:
			return redactedJSON, nil
		}
		if a == nil {
			var err error
			if a, err = s.aead(ctx, subject, false); err != nil {
				return nil, err
			}
		}
		return s.open(a, subject, ev.ID, path, raw)
	})
	if errors.Is(err, ErrForgotten) && retry {
		// Forgotten between the check and the key read: read again.
		s.Evict(subject)
		return s.openEvent(ctx, ev, mode, false)
	}
	if err != nil {
		return res, fmt.Errorf("open %s revision %d: %w", ev.Stream, ev.Revision, err)
	}
	res.Data = out
	return res, nil
}

func (s *Sealer) open(a cipher.AEAD, subject, event uuid.UUID, path string, raw json.RawMessage) (json.RawMessage, error) {
	var str string
	if err := json.Unmarshal(raw, &str); err != nil || !strings.HasPrefix(str, sealedPrefix) {
		return nil, fmt.Errorf("%w: %s is not sealed", ErrTampered, path)
	}
	buf, err := base64.RawURLEncoding.DecodeString(str[len(sealedPrefix):])
	if err != nil || len(buf) < a.NonceSize() {
		return nil, fmt.Errorf("%w: %s is malformed", ErrTampered, path)
	}
	plain, err := a.Open(nil, buf[:a.NonceSize()], buf[a.NonceSize():], additional(subject, event, path))
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrTampered, path)
	}
	return plain, nil
}
