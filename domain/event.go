package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"time"
)

// Payload is the body of a domain event. EventType returns the event's
// stable stored name (for example "CaseOpened"); it is a constant per type
// and never derived from the Go type's name.
type Payload interface {
	EventType() string
}

// Event is a payload with the envelope facts an aggregate may need when it
// folds: its 0-based revision in the stream, who recorded it and when.
// Aggregates' Apply methods take an Event and cannot fail.
type Event struct {
	Revision   uint64
	Actor      Actor
	OccurredAt time.Time
	RecordedAt time.Time
	Payload    Payload
}

// Upcaster rewrites the JSON of an event stored under schema version From
// into the JSON of version From+1.
type Upcaster struct {
	From int
	Up   func(old json.RawMessage) (json.RawMessage, error)
}

// EventDef is one row of the event table: stable name, current schema
// version, payload Go type, and upcasters from older versions.
type EventDef struct {
	Name      string
	Schema    int
	Type      reflect.Type
	Upcasters map[int]Upcaster
	// Sensitive lists the JSON paths of the payload's sensitive personal
	// fields (DOMAIN.md §8), found from `sensitive:"..."` struct tags.
	Sensitive []string
	// mirror reproduces the payload's JSON round trip (nil: decode).
	mirror mirror
}

// Registry maps stable event names to payload types and schema versions.
// It is built explicitly by RegisterEvents functions; there is no global
// instance. A Registry is safe for concurrent reads once built.
type Registry struct {
	byName map[string]*EventDef
	byType map[reflect.Type]*EventDef
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byName: map[string]*EventDef{}, byType: map[reflect.Type]*EventDef{}}
}

// Register adds payload type P under its stable name P.EventType() at
// schema version schema (1 for a type that never changed), with upcasters
// for each older version. It panics on a duplicate name or type, or on a
// missing upcaster: those are programming errors found at start-up.
func Register[P Payload](r *Registry, schema int, ups ...Upcaster) {
	var zero P
	t := reflect.TypeOf(zero)
	name := zero.EventType()
	if name == "" {
		panic(fmt.Sprintf("domain: %v has an empty event type", t))
	}
	if _, dup := r.byName[name]; dup {
		panic("domain: event type registered twice: " + name)
	}
	if _, dup := r.byType[t]; dup {
		panic(fmt.Sprintf("domain: payload type registered twice: %v", t))
	}
	if schema < 1 {
		panic("domain: schema version must be >= 1 for " + name)
	}
	d := &EventDef{Name: name, Schema: schema, Type: t, Upcasters: map[int]Upcaster{}}
	for _, u := range ups {
		d.Upcasters[u.From] = u
	}
	for v := 1; v < schema; v++ {
		if _, ok := d.Upcasters[v]; !ok {
			panic(fmt.Sprintf("domain: %s schema %d has no upcaster to %d", name, v, v+1))
		}
	}
	d.Sensitive = SensitivePaths(t)
	d.mirror = mirrorOf(t, map[reflect.Type]bool{})
	r.byName[name] = d
	r.byType[t] = d
}

// Def returns the definition of the named event type.
func (r *Registry) Def(name string) (*EventDef, bool) {
	d, ok := r.byName[name]
	return d, ok
}

// Names returns every registered event name, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.byName))
	for n := range r.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Encode returns the stable name, current schema version and JSON of p.
// It fails if p's type is not registered.
func (r *Registry) Encode(p Payload) (name string, schema int, data []byte, err error) {
	d, ok := r.byType[reflect.TypeOf(p)]
	if !ok {
		return "", 0, nil, fmt.Errorf("encode event: payload type %T is not registered", p)
	}
	data, err = json.Marshal(p)
	if err != nil {
		return "", 0, nil, fmt.Errorf("encode %s: %w", d.Name, err)
	}
	return d.Name, d.Schema, data, nil
}

// Decode turns stored JSON of event name at schema version schema into the
// current payload type, upcasting older versions step by step. Unknown
// fields are refused so that a schema drift is loud, not silent.
func (r *Registry) Decode(name string, schema int, data []byte) (Payload, error) {
	d, ok := r.byName[name]
	if !ok {
		return nil, fmt.Errorf("decode event: unknown event type %q", name)
	}
	if schema < 1 || schema > d.Schema {
		return nil, fmt.Errorf("decode %s: schema %d not supported (current %d)", name, schema, d.Schema)
	}
	raw := json.RawMessage(data)
	for v := schema; v < d.Schema; v++ {
		var err error
		raw, err = d.Upcasters[v].Up(raw)
		if err != nil {
			return nil, fmt.Errorf("decode %s: upcast schema %d: %w", name, v, err)
		}
	}
	ptr := reflect.New(d.Type)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ptr.Interface()); err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return ptr.Elem().Interface().(Payload), nil
}
