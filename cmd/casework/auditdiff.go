package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
)

// generic turns a value into its JSON tree (maps, slices, strings,
// float64s, bools, nil), the form diffJSON compares.
func generic(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(raw, &out)
	return out, err
}

// compact renders JSON on one line, unescaped.
func compact(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if raw, ok := v.(json.RawMessage); ok {
		var x any
		if json.Unmarshal(raw, &x) == nil {
			v = x
		}
	}
	if err := enc.Encode(v); err != nil {
		return "?"
	}
	return string(bytes.TrimRight(buf.Bytes(), "\n"))
}

// diffJSON lists how JSON tree b differs from a, one line per leaf or
// subtree, in document order: "+ path: value" added, "- path: value"
// removed, "~ path: old → new" changed. Objects are compared member by
// member and arrays element by element.
func diffJSON(path string, a, b any) []string {
	switch x := a.(type) {
	case map[string]any:
		if y, ok := b.(map[string]any); ok {
			keys := make([]string, 0, len(x)+len(y))
			for k := range x {
				keys = append(keys, k)
			}
			for k := range y {
				if _, dup := x[k]; !dup {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			var out []string
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				av, inA := x[k]
				bv, inB := y[k]
				switch {
				case !inA:
					out = append(out, "+ "+p+": "+compact(bv))
				case !inB:
					out = append(out, "- "+p+": "+compact(av))
				default:
					out = append(out, diffJSON(p, av, bv)...)
				}
			}
			return out
		}
	case []any:
		if y, ok := b.([]any); ok {
			var out []string
			for i := 0; i < len(x) || i < len(y); i++ {
				p := path + "[" + strconv.Itoa(i) + "]"
				switch {
				case i >= len(x):
					out = append(out, "+ "+p+": "+compact(y[i]))
				case i >= len(y):
					out = append(out, "- "+p+": "+compact(x[i]))
				default:
					out = append(out, diffJSON(p, x[i], y[i])...)
				}
			}
			return out
		}
	}
	if reflect.DeepEqual(a, b) {
		return nil
	}
	if path == "" {
		path = "."
	}
	return []string{"~ " + path + ": " + compact(a) + " → " + compact(b)}
}
