package eventstore

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Metadata travels with every event (DOMAIN.md §6). The actor, role and org
// unit come from the authenticated principal; OccurredAt is when the step
// happened in the field and may precede the recording by days. A zero
// OccurredAt is set to the recording time by the store.
type Metadata struct {
	Actor         string            `json:"actor"`
	Role          string            `json:"role"`
	OrgUnit       string            `json:"org_unit"`
	CorrelationID string            `json:"correlation_id,omitempty"`
	CausationID   string            `json:"causation_id,omitempty"`
	Reason        string            `json:"reason,omitempty"`
	Schema        int               `json:"schema"`
	OccurredAt    time.Time         `json:"occurred_at"`
	Extra         map[string]string `json:"extra,omitempty"`
}

// PayloadSchema is the schema version of the event's payload: Schema, or 1
// for events recorded before metadata carried it (Schema 0).
func (m *Metadata) PayloadSchema() int {
	if m.Schema == 0 {
		return 1
	}
	return m.Schema
}

// EventData is what a caller appends. ID must be a UUID v7 chosen by the
// caller: it is the idempotency key of the event.
type EventData struct {
	ID       uuid.UUID
	Type     string
	Data     json.RawMessage
	Metadata Metadata
}

// RecordedEvent is an event as stored: the appended data plus the stream,
// its 0-based revision in the stream, its position in the global order,
// the server's recording time and the chain hash.
type RecordedEvent struct {
	ID         uuid.UUID
	Stream     string
	Type       string
	Revision   uint64
	Position   uint64
	RecordedAt time.Time
	Data       json.RawMessage
	Metadata   Metadata
	// Hash is H(prev ‖ canonical bytes), see Canonical.
	Hash []byte
}

// ExpectedRevision states what the caller believes about a stream before an
// append: Any, NoStream, StreamExists, or Exact(n) for a stream whose last
// event has revision n.
type ExpectedRevision int64

const (
	// Any skips the concurrency check.
	Any ExpectedRevision = -1
	// NoStream requires that the stream has no event yet.
	NoStream ExpectedRevision = -2
	// StreamExists requires that the stream has at least one event.
	StreamExists ExpectedRevision = -3
)

// Exact requires that the stream's last revision is n.
func Exact(n uint64) ExpectedRevision { return ExpectedRevision(n) }

// IsExact reports whether e is Exact(n), and n.
func (e ExpectedRevision) IsExact() (uint64, bool) {
	if e >= 0 {
		return uint64(e), true
	}
	return 0, false
}

// Matches reports whether a stream whose last revision is actual (-1 for a
// stream without events) satisfies e.
func (e ExpectedRevision) Matches(actual int64) bool {
	switch e {
	case Any:
		return true
	case NoStream:
		return actual < 0
	case StreamExists:
		return actual >= 0
	}
	return e >= 0 && int64(e) == actual
}

func (e ExpectedRevision) String() string {
	switch e {
	case Any:
		return "any"
	case NoStream:
		return "no stream"
	case StreamExists:
		return "stream exists"
	}
	if e < 0 {
		return "invalid"
	}
	return "revision " + itoa(uint64(e))
}

func itoa(n uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// AppendResult tells where an append landed: the revisions and global
// positions of the first and last events written (or, for an idempotent
// retry, written originally).
type AppendResult struct {
	FirstRevision uint64
	LastRevision  uint64
	FirstPosition uint64
	LastPosition  uint64
	// RecordedAt is the recording time every event of the append carries,
	// so that a caller can fold what it appended without reading it back.
	// It is zero when the backend cannot tell one time for all of them.
	RecordedAt time.Time
}

// Direction orders a stream read.
type Direction int

const (
	Forward Direction = iota
	Backward
)

// End, as ReadStreamOptions.From with Backward, starts at the last event.
const End = ^uint64(0)

// ReadStreamOptions selects a slice of one stream. Forward reads revisions
// From, From+1, …; Backward reads From, From-1, … (From = End for the last).
// Limit 0 means no limit.
type ReadStreamOptions struct {
	Direction Direction
	From      uint64
	Limit     int
}

// Filter narrows a subscription or a read of the global log to streams of
// the given categories and events of the given types; an empty list does
// not narrow.
type Filter struct {
	Categories []string
	Types      []string
}

// Match reports whether ev passes the filter.
func (f Filter) Match(stream, typ string) bool {
	if len(f.Categories) > 0 && !contains(f.Categories, Category(stream)) {
		return false
	}
	if len(f.Types) > 0 && !contains(f.Types, typ) {
		return false
	}
	return true
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
