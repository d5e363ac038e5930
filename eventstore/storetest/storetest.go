// Package storetest is the conformance suite of the eventstore contract.
// Every backend's tests call Run with a Harness; what a weaker backend
// cannot do is declared in Features, never silently skipped.
//
// The suite never assumes an empty log: it notes the head position before
// each test and uses fresh stream names, so that it can run against a
// shared server (KurrentDB) as well as a fresh file (SQLite).
package storetest

import (
	"testing"

	"casework/eventstore"
)

// Features declares what a backend can and cannot do.
type Features struct {
	// ContiguousPositions: positions are 1, 2, 3 … with no gap, so that a
	// subscriber can detect loss by arithmetic alone.
	ContiguousPositions bool
	// CrossStreamDuplicates: the backend detects an event ID that is
	// already stored in another stream and refuses it with
	// ErrDuplicateEventID.
	CrossStreamDuplicates bool
	// Tamper flips one stored byte of the event at stream and revision,
	// behind the store's back. Nil skips the tamper tests (with a message).
	Tamper func(tb testing.TB, s eventstore.Store, stream string, revision uint64)
}

// Harness gives the suite fresh stores.
type Harness struct {
	// New returns a new store; the suite closes it.
	New func(tb testing.TB) eventstore.Store
	// Reopen closes s and opens the same log again, as after a restart.
	// Nil skips the restart tests (with a message).
	Reopen   func(tb testing.TB, s eventstore.Store) eventstore.Store
	Features Features
}

// Run runs the whole suite as subtests of t.
func Run(t *testing.T, h Harness) {
	t.Helper()
	run(t, h)
}
