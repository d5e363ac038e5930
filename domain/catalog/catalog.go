// Package catalog is the one table of casework's aggregates: for each, its
// stream category, the events it registers and the rules it enforces. The
// event store, projections and RULES.md all read the event types from here,
// so that a type registered nowhere, or twice, is found at start-up and in
// tests rather than in production.
//
// Every function builds its answer afresh; there is no package state.
package catalog

import (
	"casework/domain"
	"casework/domain/account"
	"casework/domain/casefile"
	"casework/domain/contract"
	"casework/domain/org"
	"casework/domain/privacy"
	"casework/domain/project"
	"casework/domain/referral"
	"casework/domain/station"
	"casework/domain/value"
)

// Aggregate is one row of the catalog.
type Aggregate struct {
	// Package is the Go package that holds the aggregate ("casefile").
	Package string
	// Category is the stream category: streams are "<category>-<id>".
	Category string
	// RegisterEvents adds the aggregate's event types to a registry.
	RegisterEvents func(*domain.Registry)
	// Rules lists the rules the aggregate's commands can return.
	Rules func() []domain.RuleInfo
}

// Aggregates lists every aggregate in a fixed order: the org tree and
// accounts (with the accounts' failed logins, a category of the account
// package) first, then stations, cases, referrals, projects and contracts,
// then the clients' privacy streams (requests to forget a client, and the
// log of reads of a client's sensitive data), two categories of one
// package.
func Aggregates() []Aggregate {
	return []Aggregate{
		{Package: "org", Category: org.Category, RegisterEvents: org.RegisterEvents, Rules: org.Rules},
		{Package: "account", Category: account.Category, RegisterEvents: account.RegisterEvents, Rules: account.Rules},
		{Package: "account", Category: account.LoginCategory, RegisterEvents: account.RegisterLoginEvents, Rules: account.LoginRules},
		{Package: "station", Category: station.Category, RegisterEvents: station.RegisterEvents, Rules: station.Rules},
		{Package: "casefile", Category: casefile.Category, RegisterEvents: casefile.RegisterEvents, Rules: casefile.Rules},
		{Package: "referral", Category: referral.Category, RegisterEvents: referral.RegisterEvents, Rules: referral.Rules},
		{Package: "project", Category: project.Category, RegisterEvents: project.RegisterEvents, Rules: project.Rules},
		{Package: "contract", Category: contract.Category, RegisterEvents: contract.RegisterEvents, Rules: contract.Rules},
		{Package: "privacy", Category: privacy.Category, RegisterEvents: privacy.RegisterEvents, Rules: privacy.ForgetRules},
		{Package: "privacy", Category: privacy.AccessCategory, RegisterEvents: privacy.RegisterAccessEvents, Rules: privacy.AccessRules},
	}
}

// Registry returns a new registry holding every event type of every
// aggregate. It panics, as domain.Register does, if two aggregates
// register the same event name or payload type: that is a programming
// error the catalog's tests catch.
func Registry() *domain.Registry {
	r := domain.NewRegistry()
	for _, a := range Aggregates() {
		a.RegisterEvents(r)
	}
	return r
}

// Rules returns every rule of the domain: the value types' rules first,
// then each aggregate's in the order of Aggregates.
func Rules() []domain.RuleInfo {
	out := value.Rules()
	for _, a := range Aggregates() {
		out = append(out, a.Rules()...)
	}
	return out
}

// Categories returns the stream categories of the aggregates, in the order
// of Aggregates.
func Categories() []string {
	aggs := Aggregates()
	out := make([]string, len(aggs))
	for i, a := range aggs {
		out[i] = a.Category
	}
	return out
}
