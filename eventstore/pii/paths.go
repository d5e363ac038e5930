package pii

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// Markers shown in place of a sensitive value that a reader may not see
// (RedactedMarker) or that no longer exists because its subject was
// forgotten (ErasedMarker).
const (
	RedactedMarker = "[redacted]"
	ErasedMarker   = "[erased]"
)

var (
	redactedJSON = json.RawMessage(`"` + RedactedMarker + `"`)
	erasedJSON   = json.RawMessage(`"` + ErasedMarker + `"`)
)

// pathTree is a parsed set of JSON paths in the notation of
// domain.SensitivePaths: "client.name", "members[].income", "tags{}".
type pathTree struct {
	leaf     bool
	fields   map[string]*pathTree // object members
	elements *pathTree            // every element of an array or value of an object ("[]", "{}")
}

var trees sync.Map // string (paths joined by \n) → *pathTree

// compile returns the tree of paths, cached by the path list.
func compile(paths []string) *pathTree {
	key := strings.Join(paths, "\n")
	if t, ok := trees.Load(key); ok {
		return t.(*pathTree)
	}
	root := &pathTree{}
	for _, p := range paths {
		n := root
		for _, seg := range strings.Split(p, ".") {
			name := strings.TrimRight(seg, "[]{}")
			suffix := seg[len(name):]
			if n.fields == nil {
				n.fields = map[string]*pathTree{}
			}
			next := n.fields[name]
			if next == nil {
				next = &pathTree{}
				n.fields[name] = next
			}
			n = next
			for i := 0; i+1 < len(suffix); i += 2 {
				if n.elements == nil {
					n.elements = &pathTree{}
				}
				n = n.elements
			}
		}
		n.leaf = true
	}
	trees.Store(key, root)
	return root
}

// visitFunc receives the dotted path of a present sensitive value (array
// indexes as "[]") and its JSON; it returns the replacement, or nil to
// remove the member (array elements are replaced by null instead).
type visitFunc func(path string, raw json.RawMessage) (json.RawMessage, error)

// rewrite applies f to every value of data found at paths and returns the
// rewritten document. Members off the paths keep their bytes; objects on
// a path are re-encoded with their members in sorted order. A document
// with no value on the paths is returned unchanged (same slice).
func rewrite(data []byte, paths []string, f visitFunc) ([]byte, error) {
	if len(paths) == 0 {
		return data, nil
	}
	out, changed, err := rewriteNode(compile(paths), "", data, f)
	if err != nil || !changed {
		return data, err
	}
	return out, nil
}

func rewriteNode(t *pathTree, path string, raw json.RawMessage, f visitFunc) (json.RawMessage, bool, error) {
	if t.leaf {
		if isNull(raw) {
			return raw, false, nil
		}
		out, err := f(path, raw)
		return out, true, err
	}
	switch firstByte(raw) {
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, false, fmt.Errorf("pii: %s: %w", orRoot(path), err)
		}
		changed := false
		for name, v := range obj {
			child, p := t.fields[name], path+"."+name
			if path == "" {
				p = name
			}
			if t.elements != nil { // a map: every value, under its own key
				child, p = t.elements, path+"{}"
			}
			if child == nil {
				continue
			}
			nv, ch, err := rewriteNode(child, p, v, f)
			if err != nil {
				return nil, false, err
			}
			if !ch {
				continue
			}
			changed = true
			switch {
			case nv != nil:
				obj[name] = nv
			case t.elements != nil:
				obj[name] = json.RawMessage("null")
			default:
				delete(obj, name)
			}
		}
		if !changed {
			return raw, false, nil
		}
		out, err := json.Marshal(obj)
		return out, true, err
	case '[':
		if t.elements == nil {
			return raw, false, nil
		}
		var arr []json.RawMessage
		if err := json.Unmarshal(raw, &arr); err != nil {
			return nil, false, fmt.Errorf("pii: %s: %w", orRoot(path), err)
		}
		changed := false
		for i, v := range arr {
			nv, ch, err := rewriteNode(t.elements, path+"[]", v, f)
			if err != nil {
				return nil, false, err
			}
			if ch {
				changed = true
				if nv == nil {
					nv = json.RawMessage("null")
				}
				arr[i] = nv
			}
		}
		if !changed {
			return raw, false, nil
		}
		out, err := json.Marshal(arr)
		return out, true, err
	}
	return raw, false, nil
}

func orRoot(path string) string {
	if path == "" {
		return "document"
	}
	return path
}

func firstByte(raw []byte) byte {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

func isNull(raw []byte) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// Present returns the paths (deduplicated, in the order of paths) at which
// data holds a non-null value.
func Present(data []byte, paths []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	_, err := rewrite(data, paths, func(path string, raw json.RawMessage) (json.RawMessage, error) {
		if !seen[path] {
			seen[path] = true
			out = append(out, path)
		}
		return raw, nil
	})
	return out, err
}

// Strip removes the values at paths from data so that it decodes into
// the payload type with those fields at their zero values. Readers that
// hold no keys (read models, publication) use it on stored events.
// Errors: data is not valid JSON on a path.
func Strip(data []byte, paths []string) ([]byte, error) {
	return rewrite(data, paths, func(string, json.RawMessage) (json.RawMessage, error) { return nil, nil })
}

// Redact replaces the values at paths with RedactedMarker, for showing a
// document to a reader who may not see them.
// Errors: data is not valid JSON on a path.
func Redact(data []byte, paths []string) ([]byte, error) {
	return mark(data, paths, redactedJSON)
}

// Erase replaces the values at paths with ErasedMarker.
// Errors: data is not valid JSON on a path.
func Erase(data []byte, paths []string) ([]byte, error) {
	return mark(data, paths, erasedJSON)
}

func mark(data []byte, paths []string, marker json.RawMessage) ([]byte, error) {
	return rewrite(data, paths, func(string, json.RawMessage) (json.RawMessage, error) { return marker, nil })
}

// EraseAll puts ErasedMarker at every path of data whose enclosing object
// exists, whether or not it holds a value: the fields of a forgotten
// subject were removed when it was folded, and a reader must still see
// that they were erased. It returns the paths marked.
// Errors: data is not a JSON object.
func EraseAll(data []byte, paths []string) ([]byte, []string, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, fmt.Errorf("pii: %w", err)
	}
	var marked []string
	for _, p := range paths {
		if setMarker(doc, strings.Split(p, "."), ErasedMarker) {
			marked = append(marked, p)
		}
	}
	if len(marked) == 0 {
		return data, nil, nil
	}
	out, err := json.Marshal(doc)
	return out, marked, err
}

// setMarker sets marker at path under x, through every element of arrays
// and maps on the way, and reports whether it set any.
func setMarker(x any, path []string, marker string) bool {
	obj, ok := x.(map[string]any)
	if !ok {
		return false
	}
	name := strings.TrimRight(path[0], "[]{}")
	many := len(name) < len(path[0])
	if len(path) == 1 && !many {
		obj[name] = marker
		return true
	}
	child, ok := obj[name]
	if !ok || child == nil {
		return false
	}
	if !many {
		return setMarker(child, path[1:], marker)
	}
	set := false
	each := func(e any, put func(any)) {
		if len(path) == 1 {
			put(marker)
			set = true
		} else if setMarker(e, path[1:], marker) {
			set = true
		}
	}
	switch c := child.(type) {
	case []any:
		for i, e := range c {
			each(e, func(v any) { c[i] = v })
		}
	case map[string]any:
		for k, e := range c {
			each(e, func(v any) { c[k] = v })
		}
	default:
		if len(path) == 1 {
			obj[name] = marker
			return true
		}
	}
	return set
}
