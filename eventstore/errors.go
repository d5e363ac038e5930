package eventstore

import (
	"errors"
	"fmt"
)

// Sentinel errors of the contract. Backends return errors that match these
// with errors.Is, usually wrapped with the operation and stream.
var (
	ErrWrongExpectedRevision = errors.New("wrong expected revision")
	ErrStreamNotFound        = errors.New("stream not found")
	ErrClosed                = errors.New("event store closed")
	ErrDuplicateEventID      = errors.New("duplicate event id")
	ErrTampered              = errors.New("event chain does not verify")
	ErrInvalidInput          = errors.New("invalid input")
)

// WrongExpectedRevisionError is returned when an append's expected revision
// does not match the stream. Actual is the stream's last revision, -1 when
// the stream has no event.
type WrongExpectedRevisionError struct {
	Stream   string
	Expected ExpectedRevision
	Actual   int64
}

func (e *WrongExpectedRevisionError) Error() string {
	actual := "no stream"
	if e.Actual >= 0 {
		actual = "revision " + itoa(uint64(e.Actual))
	}
	return fmt.Sprintf("append %s: wrong expected revision: expected %s, stream at %s", e.Stream, e.Expected, actual)
}

// Is makes errors.Is(err, ErrWrongExpectedRevision) hold.
func (e *WrongExpectedRevisionError) Is(target error) bool { return target == ErrWrongExpectedRevision }

// ActualRevision returns the stream's last revision, and false when the
// stream has no event.
func (e *WrongExpectedRevisionError) ActualRevision() (uint64, bool) {
	if e.Actual < 0 {
		return 0, false
	}
	return uint64(e.Actual), true
}

// TamperError names the first event whose stored bytes do not hash to the
// stored chain hash, or that breaks the chain's revision sequence.
type TamperError struct {
	Stream   string
	Revision uint64
	Position uint64
	Reason   string
}

func (e *TamperError) Error() string {
	return fmt.Sprintf("verify %s: revision %d (position %d): %s", e.Stream, e.Revision, e.Position, e.Reason)
}

// Is makes errors.Is(err, ErrTampered) hold.
func (e *TamperError) Is(target error) bool { return target == ErrTampered }

// InputError is bad input to an append or read: Field names what is wrong
// ("stream", "events[2].data") and Rule the rule it breaks
// ("event.data.json"). Nothing is written when it is returned.
type InputError struct {
	Field   string
	Rule    string
	Message string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("invalid %s: %s (%s)", e.Field, e.Message, e.Rule)
}

// Is makes errors.Is(err, ErrInvalidInput) hold.
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

// DuplicateEventIDError is returned when an event ID is already stored in
// another stream, at another place of the same stream, or with other
// content.
type DuplicateEventIDError struct {
	ID     string
	Stream string
	Reason string
}

func (e *DuplicateEventIDError) Error() string {
	return fmt.Sprintf("append %s: duplicate event id %s: %s", e.Stream, e.ID, e.Reason)
}

// Is makes errors.Is(err, ErrDuplicateEventID) hold.
func (e *DuplicateEventIDError) Is(target error) bool { return target == ErrDuplicateEventID }
