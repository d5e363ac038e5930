package eventstore

import (
	"context"
	"iter"
)

// Store is an append-only event log. All methods are safe for concurrent
// use. After Close, every method returns an error matching ErrClosed.
type Store interface {
	// Append writes events to the end of stream atomically, all or none,
	// if the stream's state matches expected. It returns the revisions and
	// positions written.
	//
	// Errors: ErrInvalidInput (an *InputError naming the field and rule)
	// for a malformed stream name or event; ErrWrongExpectedRevision (a
	// *WrongExpectedRevisionError carrying the actual revision);
	// ErrDuplicateEventID when an event ID is already stored elsewhere or
	// with other content; ErrClosed; ctx's error.
	//
	// Re-appending events whose IDs are already the events at the end of
	// that stream, same IDs in the same order with the same content, writes
	// nothing and returns the original result, whatever expected says: this
	// makes retries after a lost acknowledgement safe, also across restarts.
	Append(ctx context.Context, stream string, expected ExpectedRevision, events ...EventData) (AppendResult, error)

	// ReadStream returns events of one stream as selected by opts.
	// Errors: ErrStreamNotFound when the stream has no event; ErrInvalidInput
	// for a malformed name; ErrClosed.
	ReadStream(ctx context.Context, stream string, opts ReadStreamOptions) ([]RecordedEvent, error)

	// ReadAll yields the events of the whole log with a position greater
	// than after, in position order, up to the head at the time of reading,
	// reading page by page so that the log is never held in memory. An
	// error is yielded once, as the last element.
	ReadAll(ctx context.Context, after uint64, filter Filter) iter.Seq2[RecordedEvent, error]

	// SubscribeAll yields every event with a position greater than after
	// that passes filter, in position order: first those already stored,
	// then live ones as they are committed, with no gap and no duplicate.
	// It ends by yielding ctx's error when ctx is done, or ErrClosed when
	// the store closes; it also ends quietly when the loop breaks.
	SubscribeAll(ctx context.Context, after uint64, filter Filter) iter.Seq2[RecordedEvent, error]

	// Head returns the position of the last event in the log, 0 when empty.
	Head(ctx context.Context) (uint64, error)

	// Verify recomputes the hash chain of stream from its stored bytes.
	// Errors: a *TamperError (matching ErrTampered) naming the first
	// revision whose bytes do not match; ErrStreamNotFound; ErrClosed.
	Verify(ctx context.Context, stream string) error

	// VerifyAll verifies every stream of the log, returning the first
	// *TamperError found.
	VerifyAll(ctx context.Context) error

	// HashAlgorithm names the chain hash this store was created with.
	HashAlgorithm() string

	// Close waits for appends in flight, ends subscriptions and releases
	// resources. It is safe to call more than once.
	Close() error
}
