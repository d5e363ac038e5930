// Package projections runs casework's read models: projections that fold
// the global event log into tables of a read-model database (views.db),
// apart from the event store, deletable and rebuildable.
//
// One reader feeds every projection from the log (catch-up, then live) and
// commits a batch of events per transaction; within it, each projection
// writes its rows and its checkpoint under its own savepoint, so that after
// a crash the effect of every event is exactly once, and a projection that
// fails on an event is rolled back alone, stops there and reports the
// position and the error (Runner.Ready, Runner.Status) instead of skipping
// it. Positions need only increase (KurrentDB's are not contiguous).
//
// A projection's tables carry a generation ("caseload_g2_cases"). A new
// version, or a rebuild, builds a new generation from position 0 in the
// background (shadow tables) while the active one keeps serving; when the
// shadow has caught up with the live reader, the two are swapped in one
// transaction and the old tables dropped.
//
// Readers of the views never see sensitive values: events are decoded only
// after pii.Strip has removed the sensitive paths of their type.
package projections
