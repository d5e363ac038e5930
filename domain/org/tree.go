package org

import (
	"fmt"
	"sort"

	"github.com/google/uuid"
)

// Unit is one node of the org tree as Tree sees it.
type Unit struct {
	ID       uuid.UUID
	Kind     Kind
	Name     string
	ParentID uuid.UUID // uuid.Nil at a root
	Closed   bool
}

// Tree is an immutable, I/O-free view of the org hierarchy, built from a
// list of units (typically each unit's State.Unit()). The service layer
// uses it for hierarchical access scope and roll-ups. A unit whose parent
// is not in the list is treated as a root, so a partial list (one city)
// still forms a valid tree. A Tree is safe for concurrent use.
type Tree struct {
	byID     map[uuid.UUID]Unit
	children map[uuid.UUID][]uuid.UUID
	roots    []uuid.UUID
}

// NewTree builds the tree of units. It fails on a nil or duplicate id and
// on a cycle in the parent links, which can only come from corrupt data.
func NewTree(units []Unit) (*Tree, error) {
	t := &Tree{byID: make(map[uuid.UUID]Unit, len(units)), children: map[uuid.UUID][]uuid.UUID{}}
	for _, u := range units {
		if u.ID == uuid.Nil {
			return nil, fmt.Errorf("org tree: unit %q has a nil id", u.Name)
		}
		if _, dup := t.byID[u.ID]; dup {
			return nil, fmt.Errorf("org tree: unit %s listed twice", u.ID)
		}
		t.byID[u.ID] = u
	}
	for _, u := range units {
		if _, ok := t.byID[u.ParentID]; ok && u.ParentID != uuid.Nil {
			t.children[u.ParentID] = append(t.children[u.ParentID], u.ID)
		} else {
			t.roots = append(t.roots, u.ID)
		}
	}
	for p := range t.children {
		t.sortIDs(t.children[p])
	}
	t.sortIDs(t.roots)
	// Every unit must be reachable from a root; a unit that is not lies on
	// (or under) a cycle of parent links.
	seen := make(map[uuid.UUID]bool, len(units))
	var stack []uuid.UUID
	stack = append(stack, t.roots...)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		seen[id] = true
		stack = append(stack, t.children[id]...)
	}
	if len(seen) != len(t.byID) {
		for _, u := range units {
			if !seen[u.ID] {
				return nil, fmt.Errorf("org tree: unit %s is on a cycle of parent links", u.ID)
			}
		}
	}
	return t, nil
}

// sortIDs orders siblings by name, then id, so that listings are stable.
func (t *Tree) sortIDs(ids []uuid.UUID) {
	sort.Slice(ids, func(i, j int) bool {
		a, b := t.byID[ids[i]], t.byID[ids[j]]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID.String() < b.ID.String()
	})
}

// Len returns the number of units in the tree.
func (t *Tree) Len() int { return len(t.byID) }

// Unit returns the unit id, and whether it is in the tree.
func (t *Tree) Unit(id uuid.UUID) (Unit, bool) {
	u, ok := t.byID[id]
	return u, ok
}

// Roots returns the units without a parent in the tree, sorted by name.
func (t *Tree) Roots() []Unit { return t.units(t.roots) }

// Children returns the units directly under id, sorted by name; nil for a
// leaf or an unknown id.
func (t *Tree) Children(id uuid.UUID) []Unit { return t.units(t.children[id]) }

func (t *Tree) units(ids []uuid.UUID) []Unit {
	if len(ids) == 0 {
		return nil
	}
	out := make([]Unit, len(ids))
	for i, id := range ids {
		out[i] = t.byID[id]
	}
	return out
}

// Parent returns the parent of id, and false for a root or an unknown id.
func (t *Tree) Parent(id uuid.UUID) (Unit, bool) {
	u, ok := t.byID[id]
	if !ok {
		return Unit{}, false
	}
	p, ok := t.byID[u.ParentID]
	return p, ok && u.ParentID != uuid.Nil
}

// Ancestors returns the units above id, nearest first (parent, then its
// parent, up to the root). It excludes id itself and is nil for a root or
// an unknown id.
func (t *Tree) Ancestors(id uuid.UUID) []Unit {
	var out []Unit
	for p, ok := t.Parent(id); ok; p, ok = t.Parent(p.ID) {
		out = append(out, p)
	}
	return out
}

// Contains reports whether id lies in the subtree rooted at ancestorID,
// inclusive: Contains(x, x) is true for every x in the tree. Unknown ids
// are contained in nothing.
func (t *Tree) Contains(ancestorID, id uuid.UUID) bool {
	if _, ok := t.byID[ancestorID]; !ok {
		return false
	}
	if _, ok := t.byID[id]; !ok {
		return false
	}
	if ancestorID == id {
		return true
	}
	for p, ok := t.Parent(id); ok; p, ok = t.Parent(p.ID) {
		if p.ID == ancestorID {
			return true
		}
	}
	return false
}

// Subtree returns id and every unit below it, in pre-order (a unit before
// its children, siblings by name). It is nil for an unknown id.
func (t *Tree) Subtree(id uuid.UUID) []Unit {
	u, ok := t.byID[id]
	if !ok {
		return nil
	}
	out := []Unit{u}
	for _, c := range t.children[id] {
		out = append(out, t.Subtree(c)...)
	}
	return out
}

// CountyOf returns the county that id is, or lies under (a station, a
// room, or an external unit registered under a county); false when there is
// none (a city, a unit under a city only, an unknown id).
func (t *Tree) CountyOf(id uuid.UUID) (Unit, bool) { return t.nearest(id, KindCounty) }

// StationOf returns the station that id is, or lies under (a room); false
// when there is none.
func (t *Tree) StationOf(id uuid.UUID) (Unit, bool) { return t.nearest(id, KindStation) }

// CityOf returns the city that id is, or lies under; false when none.
func (t *Tree) CityOf(id uuid.UUID) (Unit, bool) { return t.nearest(id, KindCity) }

func (t *Tree) nearest(id uuid.UUID, k Kind) (Unit, bool) {
	u, ok := t.byID[id]
	for ok {
		if u.Kind == k {
			return u, true
		}
		u, ok = t.Parent(u.ID)
	}
	return Unit{}, false
}
