package httpapi

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// bindValue sets *dst, a struct, from value, the body as parseValue decoded
// it, as a json.Decoder with DisallowUnknownFields decodes the body into
// it: the same fields, the same values. It reads what command inputs hold
// (strings, numbers, booleans, slices, pointers and structs of them, and
// types that read themselves from text such as dates) and reports false,
// having changed nothing, for anything else: a key that is not exactly a
// field's JSON name, a null, a number that does not fit, text a type
// refuses, a type that decodes its own JSON. The caller then decodes with
// encoding/json, which also words the error. The body must hold no
// duplicate keys (encoding/json decodes each one; the map keeps the last).
// TestBindValue_AgreesWithEncodingJSON holds it to encoding/json.
func bindValue(dst any, value any) bool {
	p := reflect.ValueOf(dst)
	if p.Kind() != reflect.Pointer || p.IsNil() || p.Elem().Kind() != reflect.Struct {
		return false
	}
	set := setterOf(p.Elem().Type())
	if set == nil {
		return false
	}
	// Bind a copy, so that a refusal half way leaves dst as it was.
	tmp := reflect.New(p.Elem().Type()).Elem()
	tmp.Set(p.Elem())
	if !set(tmp, value) {
		return false
	}
	p.Elem().Set(tmp)
	return true
}

// setter sets dst (addressable) from a decoded JSON value, or reports
// false.
type setter func(dst reflect.Value, v any) bool

var (
	setters         sync.Map // reflect.Type → setter (nil: not read)
	settersMu       sync.Mutex
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonNumber      = reflect.TypeFor[json.Number]()
)

func setterOf(t reflect.Type) setter {
	if s, ok := setters.Load(t); ok {
		return s.(setter)
	}
	settersMu.Lock()
	defer settersMu.Unlock()
	building := map[reflect.Type]*setter{}
	s := buildSetter(t, building)
	// Published once all are built: a recursive type's setter reaches
	// itself through its cell.
	for bt, cell := range building {
		setters.Store(bt, *cell)
	}
	return s
}

func buildSetter(t reflect.Type, building map[reflect.Type]*setter) setter {
	if s, ok := setters.Load(t); ok {
		return s.(setter)
	}
	if cell, ok := building[t]; ok {
		return func(dst reflect.Value, v any) bool { return *cell != nil && (*cell)(dst, v) }
	}
	cell := new(setter)
	building[t] = cell
	*cell = newSetter(t, building)
	return *cell
}

func newSetter(t reflect.Type, building map[reflect.Type]*setter) setter {
	pt := reflect.PointerTo(t)
	if t.Implements(jsonUnmarshaler) || pt.Implements(jsonUnmarshaler) || t == jsonNumber {
		return nil
	}
	if t.Kind() != reflect.Pointer && pt.Implements(textUnmarshaler) {
		if t.Name() == "" {
			// encoding/json reads an unnamed type (a struct embedding a
			// date, say) as what it is, not through the method.
			return nil
		}
		return func(dst reflect.Value, v any) bool {
			s, ok := v.(string)
			return ok && dst.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)) == nil
		}
	}
	switch t.Kind() {
	case reflect.String:
		return func(dst reflect.Value, v any) bool {
			s, ok := v.(string)
			if ok {
				dst.SetString(s)
			}
			return ok
		}
	case reflect.Bool:
		return func(dst reflect.Value, v any) bool {
			b, ok := v.(bool)
			if ok {
				dst.SetBool(b)
			}
			return ok
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return numberSetter(func(dst reflect.Value, n string) bool {
			i, err := strconv.ParseInt(n, 10, 64)
			if err != nil || dst.OverflowInt(i) {
				return false
			}
			dst.SetInt(i)
			return true
		})
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return numberSetter(func(dst reflect.Value, n string) bool {
			u, err := strconv.ParseUint(n, 10, 64)
			if err != nil || dst.OverflowUint(u) {
				return false
			}
			dst.SetUint(u)
			return true
		})
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		return numberSetter(func(dst reflect.Value, n string) bool {
			f, err := strconv.ParseFloat(n, bits)
			if err != nil || dst.OverflowFloat(f) {
				return false
			}
			dst.SetFloat(f)
			return true
		})
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // base64 in encoding/json
		}
		elem := buildSetter(t.Elem(), building)
		if elem == nil {
			return nil
		}
		return func(dst reflect.Value, v any) bool {
			a, ok := v.([]any)
			// encoding/json decodes into the elements already there.
			if !ok || !dst.IsNil() {
				return false
			}
			s := reflect.MakeSlice(t, len(a), len(a))
			for i, item := range a {
				if !elem(s.Index(i), item) {
					return false
				}
			}
			dst.Set(s)
			return true
		}
	case reflect.Pointer:
		elem := buildSetter(t.Elem(), building)
		if elem == nil {
			return nil
		}
		return func(dst reflect.Value, v any) bool {
			// encoding/json decodes into a pointee that is already there.
			if !dst.IsNil() {
				return false
			}
			p := reflect.New(t.Elem())
			if !elem(p.Elem(), v) {
				return false
			}
			dst.Set(p)
			return true
		}
	case reflect.Struct:
		return structSetter(t, building)
	}
	return nil
}

// numberSetter is a setter of a JSON number, read by set as encoding/json
// reads it into dst's kind.
func numberSetter(set func(dst reflect.Value, n string) bool) setter {
	return func(dst reflect.Value, v any) bool {
		n, ok := v.(json.Number)
		return ok && set(dst, string(n))
	}
}

// structSetter binds a JSON object to a struct by the exact JSON names of
// its own fields. Embedded structs' fields are left out: their keys are
// refused, and encoding/json reads them; so is the name of an embedded
// field that encoding/json names.
func structSetter(t reflect.Type, building map[reflect.Type]*setter) setter {
	type field struct {
		index int
		set   setter // nil: refused
	}
	fields := map[string]*field{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		embedded := f.Anonymous && name == "" && indirectKind(f.Type) == reflect.Struct
		if embedded || !f.IsExported() && !f.Anonymous {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if !plainName(name) {
			continue
		}
		if _, dup := fields[name]; dup {
			// encoding/json picks one by its tag, or neither.
			fields[name] = &field{index: i}
			continue
		}
		fd := &field{index: i}
		// An embedded field that encoding/json names (tagged, or not a
		// struct) keeps its name from the others, but is its to read.
		if !f.Anonymous && !hasOption(opts, "string") {
			fd.set = buildSetter(f.Type, building)
		}
		fields[name] = fd
	}
	return func(dst reflect.Value, v any) bool {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for k, item := range m {
			f := fields[k]
			if f == nil || f.set == nil || item == nil || !f.set(dst.Field(f.index), item) {
				return false
			}
		}
		return true
	}
}

func indirectKind(t reflect.Type) reflect.Kind {
	if t.Kind() == reflect.Pointer {
		return t.Elem().Kind()
	}
	return t.Kind()
}

// plainName reports whether a JSON field name is one encoding/json takes
// as it is written: letters, digits, '_' and '-'.
func plainName(s string) bool {
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return s != ""
}

func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}
