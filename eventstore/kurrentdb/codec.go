package kurrentdb

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"casework/eventstore"
)

// storedMeta is the user metadata of every event this package writes: the
// contract's metadata plus the chain hash.
type storedMeta struct {
	eventstore.Metadata
	// Hash is the event's chain hash, hex-encoded.
	Hash string `json:"hash"`
	// Chain names the hash function, for a reader without the settings.
	Chain string `json:"chain,omitempty"`
}

// encodeMetadata returns the user metadata stored with an event.
func encodeMetadata(m *eventstore.Metadata, chain string, hash []byte) ([]byte, error) {
	return json.Marshal(storedMeta{Metadata: *m, Hash: hex.EncodeToString(hash), Chain: chain})
}

// errNoHash marks user metadata that does not carry a chain hash.
var errNoHash = errors.New("metadata has no chain hash")

// decodeMetadata is the inverse of encodeMetadata.
func decodeMetadata(b []byte) (eventstore.Metadata, []byte, error) {
	var sm storedMeta
	if err := json.Unmarshal(b, &sm); err != nil {
		return eventstore.Metadata{}, nil, fmt.Errorf("metadata is not casework metadata: %w", err)
	}
	if sm.Hash == "" {
		return eventstore.Metadata{}, nil, errNoHash
	}
	h, err := hex.DecodeString(sm.Hash)
	if err != nil {
		return eventstore.Metadata{}, nil, fmt.Errorf("chain hash is not hex: %w", err)
	}
	return sm.Metadata, h, nil
}

// noPosition is what stream reads of servers before 22.6 report as the
// commit position (ulong.MaxValue in the server).
const noPosition = math.MaxUint64

// position maps a KurrentDB $all position to ours: the commit position.
// Events appended through gRPC are committed prepares whose commit position
// equals their own prepare position, distinct for every event, also within
// one multi-event append; see cursor for the legacy exception.
func position(p esdb.Position) (uint64, error) {
	if p.Commit == noPosition {
		return 0, fmt.Errorf("%w: the server reports no $all position on stream reads (EventStoreDB 22.6 or later is required)", ErrUnsupportedServer)
	}
	return p.Commit, nil
}

// allFrom is where a read or subscription of $all starts to see the events
// after our position after. The server's start is inclusive for reads, so
// callers also skip what is not past after (see cursor).
func allFrom(after uint64) esdb.AllPosition {
	if after == 0 {
		return esdb.Start{}
	}
	return esdb.Position{Commit: after, Prepare: after}
}

// cursor tracks the last $all position handed out, so that a page or a
// resubscription that starts inclusively, or from an earlier point, never
// yields an event twice.
type cursor struct {
	last esdb.Position
}

// newCursor starts after our position after.
func newCursor(after uint64) cursor {
	return cursor{last: esdb.Position{Commit: after, Prepare: after}}
}

// errSharedPosition marks events written in one explicit (legacy TCP)
// transaction: they share a commit position, which our uint64 position
// cannot order.
var errSharedPosition = errors.New("event shares its commit position with the previous event (written in an explicit transaction)")

// admit reports whether an event at p comes after the cursor and, if so,
// moves the cursor to it. An event with the cursor's commit position but a
// later prepare position belongs to an explicit transaction: admit returns
// errSharedPosition for it, as our position would not be strictly
// increasing.
func (c *cursor) admit(p esdb.Position) (bool, error) {
	switch {
	case p.Commit < c.last.Commit:
		return false, nil
	case p.Commit == c.last.Commit:
		if p.Prepare <= c.last.Prepare || c.last.Commit == 0 {
			return false, nil
		}
		return false, errSharedPosition
	}
	c.last = p
	return true, nil
}

// skip moves the cursor past p without yielding (for events that are not
// ours); positions not past the cursor are ignored.
func (c *cursor) skip(p esdb.Position) {
	if p.Commit > c.last.Commit || p.Commit == c.last.Commit && p.Prepare > c.last.Prepare {
		c.last = p
	}
}

// ours reports whether a KurrentDB stream is a casework stream: no system
// stream, no other application's stream, no settings stream.
func ours(stream, typ string) bool {
	if strings.HasPrefix(stream, "$") || strings.HasPrefix(typ, "$") {
		return false
	}
	return eventstore.ValidateStreamName(stream) == nil
}

// decode turns a stored event into ours. A casework event whose metadata
// does not decode is reported as a *eventstore.TamperError: its stored
// bytes are not what an append wrote.
func decode(ev *esdb.RecordedEvent) (eventstore.RecordedEvent, error) {
	pos, err := position(ev.Position)
	if err != nil {
		return eventstore.RecordedEvent{}, err
	}
	rec := eventstore.RecordedEvent{
		ID:         ev.EventID,
		Stream:     ev.StreamID,
		Type:       ev.EventType,
		Revision:   ev.EventNumber,
		Position:   pos,
		RecordedAt: ev.CreatedDate,
		Data:       json.RawMessage(ev.Data),
	}
	m, h, err := decodeMetadata(ev.UserMetadata)
	if err != nil {
		return rec, &eventstore.TamperError{Stream: ev.StreamID, Revision: ev.EventNumber, Position: pos, Reason: err.Error()}
	}
	rec.Metadata, rec.Hash = m, h
	return rec, nil
}

// sameContent reports whether a retried event carries what stored holds. A
// zero OccurredAt in the retry matches any stored one: the store filled it
// in on the first attempt.
func sameContent(stored *eventstore.RecordedEvent, e *eventstore.EventData) bool {
	a, b := &stored.Metadata, &e.Metadata
	if stored.Type != e.Type || !bytes.Equal(stored.Data, e.Data) {
		return false
	}
	if a.Actor != b.Actor || a.Role != b.Role || a.OrgUnit != b.OrgUnit || a.CorrelationID != b.CorrelationID ||
		a.CausationID != b.CausationID || a.Reason != b.Reason || a.Schema != b.Schema {
		return false
	}
	if !b.OccurredAt.IsZero() && !a.OccurredAt.Equal(b.OccurredAt) {
		return false
	}
	return len(a.Extra) == len(b.Extra) && maps.Equal(a.Extra, b.Extra)
}

// matchTail decides whether an append of events repeats one already at the
// end of stream, given the stream's last events in revision order. done
// reports an idempotent retry and res its original result; err is a
// *eventstore.DuplicateEventIDError when an ID is stored with other content
// or at another place of the window.
func matchTail(stream string, tail []eventstore.RecordedEvent, events []eventstore.EventData) (res eventstore.AppendResult, done bool, err error) {
	n := len(events)
	if len(tail) >= n {
		end := tail[len(tail)-n:]
		same := true
		for i := range end {
			if end[i].ID != events[i].ID {
				same = false
				break
			}
		}
		if same {
			for i := range end {
				if !sameContent(&end[i], &events[i]) {
					return res, false, &eventstore.DuplicateEventIDError{ID: events[i].ID.String(), Stream: stream,
						Reason: fmt.Sprintf("revision %d holds this id with other content", end[i].Revision)}
				}
			}
			return eventstore.AppendResult{
				FirstRevision: end[0].Revision, LastRevision: end[n-1].Revision,
				FirstPosition: end[0].Position, LastPosition: end[n-1].Position,
			}, true, nil
		}
	}
	ids := make(map[[16]byte]struct{}, n)
	for i := range events {
		ids[events[i].ID] = struct{}{}
	}
	for i := range tail {
		if _, dup := ids[tail[i].ID]; dup {
			return res, false, &eventstore.DuplicateEventIDError{ID: tail[i].ID.String(), Stream: stream,
				Reason: fmt.Sprintf("already stored at revision %d", tail[i].Revision)}
		}
	}
	return res, false, nil
}

// prepared is an append ready to send: the client's events and the hashes
// they carry.
type prepared struct {
	events []esdb.EventData
	hashes [][]byte
}

// prepare computes the chain of events appended after revision last (-1
// for a new stream) whose hash is prev, and encodes them for the client.
// events must have a non-zero OccurredAt.
func prepare(h eventstore.ChainHash, stream string, last int64, prev []byte, events []eventstore.EventData) (prepared, error) {
	p := prepared{events: make([]esdb.EventData, len(events)), hashes: make([][]byte, len(events))}
	for i := range events {
		e := &events[i]
		rev := uint64(last + 1 + int64(i))
		hash := h.NextHash(prev, stream, rev, e.ID, e.Type, e.Data, &e.Metadata)
		meta, err := encodeMetadata(&e.Metadata, h.Name, hash)
		if err != nil {
			return prepared{}, fmt.Errorf("encode metadata of events[%d]: %w", i, err)
		}
		p.events[i] = esdb.EventData{
			EventID:     e.ID,
			EventType:   e.Type,
			ContentType: esdb.ContentTypeJson,
			Data:        e.Data,
			Metadata:    meta,
		}
		p.hashes[i] = hash
		prev = hash
	}
	return p, nil
}
