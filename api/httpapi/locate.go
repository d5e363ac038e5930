package httpapi

import (
	"encoding"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"casework/domain"
)

// encoding/json does not say which field a value type (a date, an ID
// number) refused, so the problem would name none. locateField finds it:
// it walks the body beside the target's Go type and re-decodes each string
// whose field is a text-unmarshalling type; the first that fails the same
// rule is the field.
func locateField(body []byte, target any, rule string) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	textType := reflect.TypeFor[encoding.TextUnmarshaler]()
	var walk func(v any, t reflect.Type, path string) (string, bool)
	walk = func(v any, t reflect.Type, path string) (string, bool) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if s, ok := v.(string); ok && reflect.PointerTo(t).Implements(textType) {
			ptr := reflect.New(t).Interface().(encoding.TextUnmarshaler)
			if err := ptr.UnmarshalText([]byte(s)); err != nil {
				for _, re := range domain.RuleErrors(err) {
					if re.Rule == rule {
						return path, true
					}
				}
			}
			return "", false
		}
		switch x := v.(type) {
		case map[string]any:
			if t.Kind() != reflect.Struct {
				return "", false
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				ft, ok := jsonField(t, k)
				if !ok {
					continue
				}
				p := k
				if path != "" {
					p = path + "." + k
				}
				if f, ok := walk(x[k], ft, p); ok {
					return f, true
				}
			}
		case []any:
			if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
				return "", false
			}
			for i, e := range x {
				if f, ok := walk(e, t.Elem(), path+"["+strconv.Itoa(i)+"]"); ok {
					return f, true
				}
			}
		}
		return "", false
	}
	f, _ := walk(v, reflect.TypeOf(target), "")
	return f
}

// jsonField returns the type of t's field (embedded fields included) that
// JSON key name decodes into.
func jsonField(t reflect.Type, name string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && tag == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if x, ok := jsonField(ft, name); ok {
					return x, true
				}
			}
			continue
		}
		if !f.IsExported() || tag == "-" {
			continue
		}
		if tag == name || (tag == "" && strings.EqualFold(f.Name, name)) {
			return f.Type, true
		}
	}
	return nil, false
}
