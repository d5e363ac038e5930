package eventstore

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"casework/eventstore/jsonscan"
)

// Limits on appended events.
const (
	// MaxEventSize bounds an event's data plus metadata, in bytes.
	MaxEventSize = 1 << 20
	// MaxEventsPerAppend bounds one append.
	MaxEventsPerAppend = 1000
	maxCategoryLen     = 32
	maxTypeLen         = 128
)

// StreamName returns the name of the stream of category with id,
// "<category>-<uuid>".
func StreamName(category string, id uuid.UUID) string {
	return category + "-" + id.String()
}

// Category returns the part of a stream name before its first '-'.
func Category(stream string) string {
	c, _, _ := strings.Cut(stream, "-")
	return c
}

// ParseStreamName splits a stream name into its category and id.
// Errors: an *InputError (ErrInvalidInput) with rule "stream.format".
func ParseStreamName(stream string) (category string, id uuid.UUID, err error) {
	if err := ValidateStreamName(stream); err != nil {
		return "", uuid.Nil, err
	}
	c, rest, _ := strings.Cut(stream, "-")
	return c, uuid.MustParse(rest), nil
}

// ValidateStreamName checks that stream is "<category>-<uuid>": a category
// of 1–32 lowercase ASCII letters, digits or '_' starting with a letter,
// and a canonical lowercase UUID.
func ValidateStreamName(stream string) error {
	bad := func(msg string) error {
		return &InputError{Field: "stream", Rule: "stream.format", Message: msg}
	}
	if stream == "" {
		return bad("stream name is empty")
	}
	c, rest, ok := strings.Cut(stream, "-")
	if !ok {
		return bad(`stream name must be "<category>-<uuid>"`)
	}
	if c == "" || len(c) > maxCategoryLen {
		return bad("category must have 1 to 32 characters")
	}
	for i := 0; i < len(c); i++ {
		ch := c[i]
		switch {
		case ch >= 'a' && ch <= 'z':
		case i > 0 && (ch >= '0' && ch <= '9' || ch == '_'):
		default:
			return bad("category must be lowercase letters, digits or '_', starting with a letter")
		}
	}
	// 36 characters that parse are the dashed form; canonical, it has no
	// upper-case digits.
	if _, err := uuid.Parse(rest); err != nil || len(rest) != 36 || strings.ContainsAny(rest, "ABCDEF") {
		return bad("id after the category must be a canonical lowercase UUID")
	}
	return nil
}

// ValidateAppend checks an append's input: the stream name, at least one
// and at most MaxEventsPerAppend events, each with a UUID v7 unique within
// the append, a type, JSON data, valid UTF-8 everywhere, an occurred_at in
// a sane range and a size within MaxEventSize. It returns the first
// *InputError found.
func ValidateAppend(stream string, expected ExpectedRevision, events []EventData) error {
	if err := ValidateStreamName(stream); err != nil {
		return err
	}
	if expected < StreamExists {
		return &InputError{Field: "expected_revision", Rule: "expected_revision.valid", Message: "expected revision is not Any, NoStream, StreamExists or Exact(n)"}
	}
	if len(events) == 0 {
		return &InputError{Field: "events", Rule: "events.not_empty", Message: "an append needs at least one event"}
	}
	if len(events) > MaxEventsPerAppend {
		return &InputError{Field: "events", Rule: "events.max_count", Message: fmt.Sprintf("an append takes at most %d events", MaxEventsPerAppend)}
	}
	seen := make(map[uuid.UUID]struct{}, len(events))
	for i := range events {
		if err := validateEvent(i, &events[i]); err != nil {
			return err
		}
		if _, dup := seen[events[i].ID]; dup {
			return &InputError{Field: fmt.Sprintf("events[%d].id", i), Rule: "event.id.unique_in_append", Message: "the same event id appears twice in one append"}
		}
		seen[events[i].ID] = struct{}{}
	}
	return nil
}

var (
	minOccurred = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxOccurred = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

func validateEvent(i int, e *EventData) error {
	f := func(name string) string { return fmt.Sprintf("events[%d].%s", i, name) }
	if e.ID == uuid.Nil {
		return &InputError{Field: f("id"), Rule: "event.id.required", Message: "event id is required"}
	}
	if e.ID.Version() != 7 {
		return &InputError{Field: f("id"), Rule: "event.id.uuid_v7", Message: "event id must be a UUID version 7"}
	}
	if e.Type == "" {
		return &InputError{Field: f("type"), Rule: "event.type.required", Message: "event type is required"}
	}
	if len(e.Type) > maxTypeLen || !utf8.ValidString(e.Type) || strings.ContainsAny(e.Type, " \t\r\n") {
		return &InputError{Field: f("type"), Rule: "event.type.format", Message: "event type must be at most 128 bytes of UTF-8 without white space"}
	}
	if len(e.Data) == 0 {
		return &InputError{Field: f("data"), Rule: "event.data.json", Message: "event data is empty; it must be a JSON value"}
	}
	if !utf8.Valid(e.Data) {
		return &InputError{Field: f("data"), Rule: "event.data.utf8", Message: "event data is not valid UTF-8"}
	}
	if !jsonscan.Valid(e.Data) {
		return &InputError{Field: f("data"), Rule: "event.data.json", Message: "event data is not valid JSON"}
	}
	m := &e.Metadata
	for _, field := range [...]struct{ name, v string }{
		{"actor", m.Actor}, {"role", m.Role}, {"org_unit", m.OrgUnit}, {"correlation_id", m.CorrelationID},
		{"causation_id", m.CausationID}, {"reason", m.Reason},
	} {
		if !utf8.ValidString(field.v) {
			return &InputError{Field: f("metadata." + field.name), Rule: "event.metadata.utf8", Message: "metadata is not valid UTF-8"}
		}
	}
	size := len(e.Data) + len(m.Actor) + len(m.Role) + len(m.OrgUnit) + len(m.CorrelationID) + len(m.CausationID) + len(m.Reason)
	for k, v := range m.Extra {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return &InputError{Field: f("metadata.extra"), Rule: "event.metadata.utf8", Message: "metadata is not valid UTF-8"}
		}
		size += len(k) + len(v)
	}
	if size > MaxEventSize {
		return &InputError{Field: f("data"), Rule: "event.size", Message: fmt.Sprintf("event is %d bytes, over the limit of %d", size, MaxEventSize)}
	}
	if !m.OccurredAt.IsZero() && (m.OccurredAt.Before(minOccurred) || !m.OccurredAt.Before(maxOccurred)) {
		return &InputError{Field: f("metadata.occurred_at"), Rule: "event.occurred_at.range", Message: "occurred_at must be between 1900 and 2200"}
	}
	return nil
}
