// Package casefile is the case (个案) aggregate: one stream per case, from
// intake through household economic check, needs assessment, service plan,
// service delivery, follow-ups and reviews, supervisor approvals, closure,
// reopening and archiving (DOMAIN.md §4).
//
// Commands are pure functions of a State, a domain.Cmd and an input: they
// return new event payloads or a *domain.Error naming the broken rule
// (see Rules). State.Apply folds events and never fails.
//
// Who may do what: social workers and supervisors record; only supervisors
// grant or reject approvals and reassign the worker; every other role is
// refused with a Forbidden error.
package casefile

// Category is the stream category of cases; streams are "case-<uuid>".
const Category = "case"
