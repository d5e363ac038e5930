package service

import (
	"errors"
	"fmt"
)

// Errors of the application layer. The HTTP layer maps each to a status in
// one place; domain rule errors (*domain.Error) and store input errors
// (*eventstore.InputError) pass through unchanged.
var (
	// ErrUnauthenticated: no valid credentials (401).
	ErrUnauthenticated = errors.New("authentication required")
	// ErrLocked: too many failed logins; try again later (429).
	ErrLocked = errors.New("account temporarily locked")
	// ErrNotFound: no such object, or the caller may not know it exists (404).
	ErrNotFound = errors.New("not found")
	// ErrForbidden: the object is in scope but the caller's role may not do this (403).
	ErrForbidden = errors.New("forbidden")
	// ErrPreconditionFailed: If-Match named another revision (412); see *PreconditionError.
	ErrPreconditionFailed = errors.New("precondition failed")
	// ErrIdempotencyMismatch: an Idempotency-Key reused with another request (422).
	ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request")
	// ErrInProgress: the same Idempotency-Key is being processed right now (409).
	ErrInProgress = errors.New("a request with this idempotency key is in progress")
	// ErrConcurrency: the stream kept changing under the command; retries exhausted (409).
	ErrConcurrency = errors.New("the record changed concurrently; retry")
	// ErrUnavailable: a dependency is not ready (503).
	ErrUnavailable = errors.New("service unavailable")
)

// PreconditionError carries the current revision after an If-Match
// mismatch, so that the client can re-read and retry.
type PreconditionError struct {
	Current uint64
	Exists  bool
}

func (e *PreconditionError) Error() string {
	if !e.Exists {
		return "precondition failed: the record does not exist"
	}
	return fmt.Sprintf("precondition failed: current revision is %d", e.Current)
}

// Is makes errors.Is(err, ErrPreconditionFailed) hold.
func (e *PreconditionError) Is(target error) bool { return target == ErrPreconditionFailed }

// FieldError is malformed input found before the domain sees it (a bad
// UUID in a path, an unknown query parameter value). Rule names the rule.
type FieldError struct {
	Field, Rule, Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message + " (" + e.Rule + ")" }

// NotFoundError is ErrNotFound naming the input that referred to nothing
// the caller may see.
type NotFoundError struct {
	Field, Message string
}

func (e *NotFoundError) Error() string { return e.Field + ": " + e.Message }

// Is makes errors.Is(err, ErrNotFound) hold.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }
