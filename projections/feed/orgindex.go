package feed

import (
	"encoding/json"
	"sync"

	"github.com/google/uuid"

	"casework/domain/org"
	"casework/eventstore"
)

// OrgIndex is the part of the org tree a publication needs: each unit's
// kind and parent, folded from OrgUnitRegistered events. Units never move,
// so the county and station of a unit never change once known. It is safe
// for concurrent use.
type OrgIndex struct {
	mu    sync.RWMutex
	units map[uuid.UUID]orgNode
}

type orgNode struct {
	kind   org.Kind
	parent uuid.UUID
}

// NewOrgIndex returns an empty index.
func NewOrgIndex() *OrgIndex { return &OrgIndex{units: map[uuid.UUID]orgNode{}} }

// Apply folds ev if it registers an org unit; other events are ignored.
// It decodes only the unit's id, kind and parent, none of them sensitive.
func (x *OrgIndex) Apply(ev *eventstore.RecordedEvent) {
	if ev.Type != org.EventOrgUnitRegistered {
		return
	}
	var p struct {
		ID       uuid.UUID  `json:"id"`
		Kind     org.Kind   `json:"kind"`
		ParentID *uuid.UUID `json:"parent_id"`
	}
	if json.Unmarshal(ev.Data, &p) != nil || p.ID == uuid.Nil {
		return
	}
	n := orgNode{kind: p.Kind}
	if p.ParentID != nil {
		n.parent = *p.ParentID
	}
	x.mu.Lock()
	x.units[p.ID] = n
	x.mu.Unlock()
}

// CountyOf returns the county that id is or lies under, and false when
// there is none.
func (x *OrgIndex) CountyOf(id uuid.UUID) (uuid.UUID, bool) { return x.nearest(id, org.KindCounty) }

// StationOf returns the station that id is or lies under (a room), and
// false when there is none.
func (x *OrgIndex) StationOf(id uuid.UUID) (uuid.UUID, bool) { return x.nearest(id, org.KindStation) }

func (x *OrgIndex) nearest(id uuid.UUID, k org.Kind) (uuid.UUID, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for depth := 0; id != uuid.Nil && depth < 32; depth++ {
		n, ok := x.units[id]
		if !ok {
			return uuid.Nil, false
		}
		if n.kind == k {
			return id, true
		}
		id = n.parent
	}
	return uuid.Nil, false
}
