// Package kurrentdb is the scale-out backend of the event store: an
// eventstore.Store over a KurrentDB (formerly EventStoreDB) cluster, reached
// through github.com/EventStore/EventStore-Client-Go/v4/esdb.
//
// That client is archived upstream; its successor is
// github.com/kurrent-io/KurrentDB-Client-Go. Every use of the client stays
// inside this package, and every client error is translated here into the
// sentinels of package eventstore, so that swapping the client changes
// nothing outside this directory.
//
// # Mapping
//
// A casework stream is a KurrentDB stream of the same name; an event keeps
// its ID, type and JSON data. The user metadata of each KurrentDB event is
// a JSON object holding the eventstore.Metadata fields plus "hash", the
// hex-encoded chain hash, and "chain", the name of the hash function.
// RecordedAt is the server's created time.
//
// Positions are KurrentDB commit positions: strictly increasing, not
// contiguous (storetest Features.ContiguousPositions is false). Appends go
// through gRPC, where every event of a multi-event append is its own
// committed prepare record whose commit position is its own log position,
// so no two of our events share a position. Only events written in an
// explicit transaction of the legacy TCP protocol share a commit position;
// reads and subscriptions refuse such events in casework streams with an
// error rather than merge or drop them. Stream reads carry $all positions
// from EventStoreDB 22.6 on; Open refuses an older server.
//
// # Chain hash and concurrency
//
// An append must know the stream's last hash: it reads the stream's tail,
// computes the hashes and appends with the exact revision it read. When the
// stream moved in between, an append with Any or StreamExists repeats the
// read-compute-append a bounded number of times; Exact and NoStream report
// ErrWrongExpectedRevision with the revision found. After a successful
// append the events are read back, which yields each event's position and
// catches the server's own idempotent acceptance of a write whose event IDs
// it already holds (KurrentDB compares IDs, not content).
//
// # Idempotency and its limits
//
// Events whose IDs are the last events of the stream, same IDs in the same
// order and the same content, are not written again and the original
// result is returned. The check looks at the stream's last TailWindow
// events (default 64), or the number appended if larger: an ID stored
// further back in the same stream, or in another stream, is not detected
// (storetest Features.CrossStreamDuplicates is false). KurrentDB keeps no
// index by event ID; a global check would cost a scan of the log.
//
// # Settings
//
// The chain hash a store was created with is recorded once, with NoStream,
// in the stream "casework.settings" (not a valid casework stream name, so
// never served by reads) and checked on every Open.
//
// Every request requires the leader, so that a read follows the appends
// acknowledged before it; after a not-leader answer the client reconnects
// to the leader and the call is tried again.
//
// Reads, subscriptions and Verify see only casework streams
// ("<category>-<uuid>"); system events and other streams sharing the
// server are skipped.
package kurrentdb
