// Package domain holds what every aggregate of casework shares: rule errors,
// the acting principal, the event envelope seen by aggregates and the event
// registry. It imports only the standard library and uuid; storage, transport
// and clocks live elsewhere and come in as values.
package domain

import (
	"errors"
	"strings"
)

// Kind classifies a rule error so that outer layers can map it (to an HTTP
// status, an exit code) in one place without knowing the rule.
type Kind int

const (
	// KindInvalid: the command's own content breaks a rule (a missing field,
	// a value out of range). Maps to 422.
	KindInvalid Kind = iota + 1
	// KindConflict: the command is well formed but not allowed in the
	// aggregate's current state (closing without an approved closure,
	// renewing after a failed evaluation). Maps to 409.
	KindConflict
	// KindForbidden: the acting role may not issue this command on this
	// aggregate (only the receiving side accepts a referral). Maps to 403.
	KindForbidden
)

// String names the kind for logs and problem documents.
func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindConflict:
		return "conflict"
	case KindForbidden:
		return "forbidden"
	}
	return "unknown"
}

// Error is a broken business rule. Rule is the rule's stable name
// (for example "case.close.requires_approved_closure"), listed in RULES.md;
// Field is the JSON path of the offending input, empty when the rule is
// about state rather than input.
type Error struct {
	Kind    Kind
	Rule    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Rule)
	if e.Field != "" {
		b.WriteString(" (")
		b.WriteString(e.Field)
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Invalid returns a KindInvalid rule error.
func Invalid(rule, field, msg string) *Error {
	return &Error{Kind: KindInvalid, Rule: rule, Field: field, Message: msg}
}

// Conflict returns a KindConflict rule error.
func Conflict(rule, field, msg string) *Error {
	return &Error{Kind: KindConflict, Rule: rule, Field: field, Message: msg}
}

// Forbidden returns a KindForbidden rule error.
func Forbidden(rule, field, msg string) *Error {
	return &Error{Kind: KindForbidden, Rule: rule, Field: field, Message: msg}
}

// Violations collects several rule errors found in one command, so that a
// caller can report every wrong field at once. errors.As(err, &*Error)
// finds the first one.
type Violations []*Error

// Add appends a violation; a nil e is ignored so that checks can be chained.
func (v *Violations) Add(e *Error) {
	if e != nil {
		*v = append(*v, e)
	}
}

// Err returns nil when there is no violation, and the Violations otherwise.
func (v Violations) Err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

func (v Violations) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap exposes each violation to errors.Is and errors.As.
func (v Violations) Unwrap() []error {
	errs := make([]error, len(v))
	for i, e := range v {
		errs[i] = e
	}
	return errs
}

// RuleErrors flattens err into the rule errors it carries, in order: a
// *Error, Violations, or any wrapping of them. It returns nil when err
// carries no rule error.
func RuleErrors(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if re, ok := e.(*Error); ok {
			out = append(out, re)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// IsKind reports whether err carries a rule error of kind k.
func IsKind(err error, k Kind) bool {
	var re *Error
	if !errors.As(err, &re) {
		return false
	}
	for _, e := range RuleErrors(err) {
		if e.Kind == k {
			return true
		}
	}
	return false
}

// RuleInfo documents one rule for RULES.md: its stable name, the seed
// document(s) it comes from and a one-line summary.
type RuleInfo struct {
	Name    string
	Seed    string
	Summary string
}

// At returns a copy of e whose Field is field, for value parsers that do
// not know where their input came from.
func (e *Error) At(field string) *Error {
	c := *e
	c.Field = field
	return &c
}
