// Package viewq holds what the views' queries share: scope as a set of
// org units, paging and whitelisted sorting.
package viewq

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Scope is the set of org units whose rows a caller may see. All (the
// system) sees every row; otherwise Units lists the unit ids (an empty
// list sees nothing).
type Scope struct {
	All   bool
	Units []string
}

// Clause returns an SQL condition restricting column to the scope, and its
// argument (the ids as a JSON array, read with json_each).
func (s Scope) Clause(column string) (string, []any) {
	if s.All {
		return "1", nil
	}
	b, _ := json.Marshal(s.Units)
	if s.Units == nil {
		b = []byte("[]")
	}
	return column + " IN (SELECT value FROM json_each(?))", []any{string(b)}
}

// Has reports whether unit is in scope.
func (s Scope) Has(unit string) bool {
	if s.All {
		return true
	}
	for _, u := range s.Units {
		if u == unit {
			return true
		}
	}
	return false
}

// Page is a window over a sorted result.
type Page struct {
	Limit  int
	Offset int
}

// MaxLimit bounds a page.
const MaxLimit = 1000

// Clause returns "LIMIT ? OFFSET ?" and its arguments; Limit ≤ 0 means 100.
func (p Page) Clause() (string, []any) {
	l := p.Limit
	if l <= 0 {
		l = 100
	}
	l = min(l, MaxLimit)
	return " LIMIT ? OFFSET ?", []any{l, max(p.Offset, 0)}
}

// SortError names a sort key that is not allowed.
type SortError struct {
	Key     string
	Allowed []string
}

func (e *SortError) Error() string {
	return fmt.Sprintf("cannot sort by %q (allowed: %s)", e.Key, strings.Join(e.Allowed, ", "))
}

// OrderBy turns "key1,-key2" into an ORDER BY clause over the columns that
// allowed maps keys to ("-" sorts descending), then tie, which must make
// the order total. An empty sort uses def.
// Errors: *SortError for a key not in allowed.
func OrderBy(sort string, allowed map[string]string, def, tie string) (string, error) {
	if sort == "" {
		sort = def
	}
	var parts []string
	for _, k := range strings.Split(sort, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		dir := " ASC"
		if strings.HasPrefix(k, "-") {
			k, dir = k[1:], " DESC"
		}
		col, ok := allowed[k]
		if !ok {
			keys := make([]string, 0, len(allowed))
			for a := range allowed {
				keys = append(keys, a)
			}
			return "", &SortError{Key: k, Allowed: keys}
		}
		parts = append(parts, col+dir)
	}
	parts = append(parts, tie)
	return " ORDER BY " + strings.Join(parts, ", "), nil
}

// Where joins conditions with AND ("1" when there is none).
type Where struct {
	conds []string
	Args  []any
}

// Add appends a condition and its arguments.
func (w *Where) Add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.Args = append(w.Args, args...)
}

// SQL returns " WHERE …".
func (w *Where) SQL() string {
	if len(w.conds) == 0 {
		return " WHERE 1"
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
