// Package views is the application layer of the read models: it checks
// who may read a view, turns the caller's place in the org tree into the
// set of units whose rows they see, waits (bounded) for read-your-writes,
// queries the projections and rolls counts up the hierarchy. It knows
// nothing of HTTP.
package views

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"casework/api/service"
	"casework/domain/org"
	"casework/domain/value"
	"casework/projections"
	"casework/projections/viewq"
)

// MaxWait bounds how long a view waits for its projections to pass a
// min_position.
const MaxWait = 2 * time.Second

// Service serves the views. Create it with New.
type Service struct {
	svc *service.Service
	run *projections.Runner
	now func() time.Time
}

// New returns the views over the projections run feeds, scoped by svc's
// directory.
func New(svc *service.Service, run *projections.Runner) *Service {
	return &Service{svc: svc, run: run, now: svc.Now}
}

// Runner returns the projection runner.
func (v *Service) Runner() *projections.Runner { return v.run }

// Common is what every view query carries.
type Common struct {
	// MinPosition: wait until the view's projections have applied this
	// global position (a command's answer), at most MaxWait.
	MinPosition uint64
	// AsOf is the day rules are judged on (zero: today).
	AsOf value.Date
	Sort string
	Page viewq.Page
}

// Page is one page of a view.
type Page[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
	// TotalCapped reports that more rows match than Total, the most a
	// view counts (the audit trail counts up to audittrail.CountLimit).
	TotalCapped bool   `json:"total_capped,omitempty"`
	Limit       int    `json:"limit"`
	Offset      int    `json:"offset"`
	AsOf        string `json:"as_of,omitempty"`
	// Position is the global position the view reflects (at least).
	Position uint64 `json:"position"`
}

// wait blocks until every named projection has applied minPos, at most
// MaxWait, and returns the lowest position they have applied.
// Errors: service.ErrUnavailable (the HTTP layer's 503 with Retry-After)
// when they have not within MaxWait or one has stopped on an error.
func (v *Service) wait(ctx context.Context, minPos uint64, names ...string) (uint64, error) {
	if minPos > 0 {
		wctx, cancel := context.WithTimeout(ctx, MaxWait)
		defer cancel()
		for _, n := range names {
			if err := v.run.WaitFor(wctx, n, minPos); err != nil {
				if ctx.Err() != nil {
					return 0, ctx.Err()
				}
				var fe *projections.FailedError
				if errors.As(err, &fe) {
					return 0, fmt.Errorf("%w: %v", service.ErrUnavailable, err)
				}
				return 0, fmt.Errorf("%w: the %s view has not reached position %d yet", service.ErrUnavailable, n, minPos)
			}
		}
	}
	var pos uint64
	for i, n := range names {
		p, _ := v.run.Position(n)
		if i == 0 || p < pos {
			pos = p
		}
	}
	return pos, nil
}

func (v *Service) today(d value.Date) value.Date {
	if d.IsZero() {
		return value.DateOf(v.now())
	}
	return d
}

// scope returns the units p sees: every unit of the subtree of its scope
// root (or all for the system), optionally only those of kind.
func (v *Service) scope(p service.Principal, kinds ...org.Kind) (viewq.Scope, *org.Tree) {
	t, root, all := v.svc.ViewScope(p)
	if all {
		return viewq.Scope{All: true}, t
	}
	sc := viewq.Scope{Units: []string{}}
	if root == uuid.Nil {
		return sc, t
	}
	for _, u := range t.Subtree(root) {
		if len(kinds) == 0 || hasKind(kinds, u.Kind) {
			sc.Units = append(sc.Units, u.ID.String())
		}
	}
	return sc, t
}

func hasKind(ks []org.Kind, k org.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// tables returns the serving tables of projection name.
func (v *Service) tables(name string) (projections.Tables, error) {
	return v.run.Tables(name)
}

// sortField turns a sort error into a field error.
func sortField(err error) error {
	var se *viewq.SortError
	if errors.As(err, &se) {
		return &service.FieldError{Field: "sort", Rule: "sort.allowed", Message: se.Error()}
	}
	return err
}

func limitOf(p viewq.Page) int {
	if p.Limit <= 0 {
		return 100
	}
	return min(p.Limit, viewq.MaxLimit)
}

func mustUUID(s string) uuid.UUID {
	id, _ := uuid.Parse(s)
	return id
}

// scopeUnits lists the org units of a scope: the whole forest for All.
func scopeUnits(sc viewq.Scope, tree *org.Tree) []org.Unit {
	var units []org.Unit
	if sc.All {
		for _, r := range tree.Roots() {
			units = append(units, tree.Subtree(r.ID)...)
		}
		return units
	}
	for _, id := range sc.Units {
		if u, ok := tree.Unit(mustUUID(id)); ok {
			units = append(units, u)
		}
	}
	return units
}
