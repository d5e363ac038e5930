// Package eventstore is the contract of casework's event log: an append-only
// store of streams with a global order, optimistic concurrency, durable
// idempotency, catch-up subscriptions and a per-stream hash chain that makes
// any alteration of stored bytes detectable.
//
// Backends live in sub-packages (sqlite, kurrentdb) and are held to the same
// behaviour by the conformance suite in storetest. Errors are part of the
// contract: callers test them with errors.Is against the sentinels below;
// backends translate their clients' errors at the edge.
package eventstore
