package domain

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"unicode/utf8"
)

// A command folds the events it just appended into the state it keeps in
// memory. A later read folds them from their JSON, which is not always the
// value that was encoded: times lose their monotonic reading and may come
// back in another zone, empty slices under omitempty come back nil,
// invalid UTF-8 comes back as U+FFFD, and fields JSON skips come back
// zero. Stored gives the value a read would give, without writing and
// parsing the JSON, so that both folds agree.

// mirror sets dst (settable, zero) to what encoding/json decodes from the
// JSON it encodes of src.
type mirror func(dst, src reflect.Value) error

var (
	jsonMarshaler   = reflect.TypeFor[json.Marshaler]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	zeroer          = reflect.TypeFor[interface{ IsZero() bool }]()
)

// mirrorOf builds t's mirror, or returns nil for a type whose JSON round
// trip it does not know to reproduce exactly (maps, interfaces, floats,
// byte slices, embedded fields, marshalers only on the pointer...): events
// of such a type are folded from their decoded JSON.
func mirrorOf(t reflect.Type, building map[reflect.Type]bool) mirror {
	if building[t] {
		return nil // recursive types are left to the decoder
	}
	building[t] = true
	defer delete(building, t)
	if t.Kind() == reflect.Pointer {
		// Before the methods: a pointer has its element's, but encodes nil
		// as null and decodes into a new element.
		return mirrorPointer(t, building)
	}
	pt := reflect.PointerTo(t)
	switch {
	case t.Implements(jsonMarshaler):
		if !pt.Implements(jsonUnmarshaler) && !pt.Implements(textUnmarshaler) {
			return nil
		}
		return mirrorLeaf
	case t.Implements(textMarshaler):
		if pt.Implements(jsonUnmarshaler) {
			return mirrorLeaf
		}
		if !pt.Implements(textUnmarshaler) {
			return nil
		}
		return mirrorText
	case pt.Implements(jsonMarshaler) || pt.Implements(textMarshaler):
		// Called or not depending on addressability: left to the decoder.
		return nil
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(dst, src reflect.Value) error { dst.Set(src); return nil }
	case reflect.String:
		return mirrorString
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // base64
		}
		elem := mirrorOf(t.Elem(), building)
		if elem == nil {
			return nil
		}
		return func(dst, src reflect.Value) error {
			if src.IsNil() {
				return nil
			}
			s := reflect.MakeSlice(t, src.Len(), src.Len())
			for i := range src.Len() {
				if err := elem(s.Index(i), src.Index(i)); err != nil {
					return err
				}
			}
			dst.Set(s)
			return nil
		}
	case reflect.Struct:
		return mirrorStruct(t, building)
	}
	return nil
}

func mirrorPointer(t reflect.Type, building map[reflect.Type]bool) mirror {
	elem := mirrorOf(t.Elem(), building)
	if elem == nil {
		return nil
	}
	return func(dst, src reflect.Value) error {
		if src.IsNil() {
			return nil
		}
		p := reflect.New(t.Elem())
		if err := elem(p.Elem(), src.Elem()); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	}
}

type mirrorField struct {
	index               int
	omitEmpty, omitZero bool
	m                   mirror
}

func mirrorStruct(t reflect.Type, building map[reflect.Type]bool) mirror {
	var fields []mirrorField
	names := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return nil
		}
		if !f.IsExported() {
			continue // decoded as zero
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		} else if !plainName(name) {
			return nil
		}
		folded := strings.ToLower(name)
		if names[folded] {
			return nil // decoding matches names regardless of case
		}
		names[folded] = true
		mf := mirrorField{index: i}
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "":
			case "omitempty":
				mf.omitEmpty = true
			case "omitzero":
				if !f.Type.Implements(zeroer) && reflect.PointerTo(f.Type).Implements(zeroer) {
					return nil
				}
				mf.omitZero = true
			default:
				return nil
			}
		}
		if mf.m = mirrorOf(f.Type, building); mf.m == nil {
			return nil
		}
		fields = append(fields, mf)
	}
	return func(dst, src reflect.Value) error {
		for _, f := range fields {
			v := src.Field(f.index)
			if f.omitEmpty && emptyValue(v) || f.omitZero && zeroValue(v) {
				continue
			}
			if err := f.m(dst.Field(f.index), v); err != nil {
				return err
			}
		}
		return nil
	}
}

// plainName reports whether a tag's name is one encoding/json takes as it
// is (letters, digits, '_' and '-').
func plainName(s string) bool {
	for _, r := range s {
		if r != '_' && r != '-' && (r < '0' || r > '9') && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// emptyValue is encoding/json's omitempty test for the kinds mirrored.
func emptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String, reflect.Slice:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	case reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// zeroValue is encoding/json's omitzero test.
func zeroValue(v reflect.Value) bool {
	if v.Type().Implements(zeroer) {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return true
		}
		return v.Interface().(interface{ IsZero() bool }).IsZero()
	}
	return v.IsZero()
}

// mirrorString replaces each byte of invalid UTF-8 with U+FFFD, as the
// encoder does.
func mirrorString(dst, src reflect.Value) error {
	dst.SetString(validUTF8(src.String()))
	return nil
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// mirrorText passes a text marshaler's text to its UnmarshalText as the
// JSON string holding it decodes.
func mirrorText(dst, src reflect.Value) error {
	text, err := src.Interface().(encoding.TextMarshaler).MarshalText()
	if err != nil {
		return err
	}
	if !utf8.Valid(text) {
		text = []byte(validUTF8(string(text)))
	}
	return dst.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText(text)
}

// mirrorLeaf round-trips a value with its own marshaling methods through
// encoding/json, which is what happens to it inside the event's JSON.
func mirrorLeaf(dst, src reflect.Value) error {
	b, err := json.Marshal(src.Interface())
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst.Addr().Interface())
}

// Stored returns p as Decode returns it from the JSON Encode writes of p,
// without writing that JSON. ok is false for a type Stored does not
// mirror, or a value whose encoding fails: decode its JSON instead.
func (r *Registry) Stored(p Payload) (_ Payload, ok bool) {
	d, found := r.byType[reflect.TypeOf(p)]
	if !found || d.mirror == nil {
		return nil, false
	}
	out := reflect.New(d.Type).Elem()
	if err := d.mirror(out, reflect.ValueOf(p)); err != nil {
		return nil, false
	}
	return out.Interface().(Payload), true
}

// Mirrored reports whether Stored mirrors the named event type.
func (r *Registry) Mirrored(name string) bool {
	d, ok := r.byName[name]
	return ok && d.mirror != nil
}
