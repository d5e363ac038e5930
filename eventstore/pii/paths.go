package pii

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"casework/eventstore/jsonscan"
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
	// ends holds, at the root, the member names that end the paths,
	// quoted: "income" for "members[].income" (see MayHold).
	ends [][]byte
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
		last := p[strings.LastIndexByte(p, '.')+1:]
		root.ends = append(root.ends, []byte(`"`+strings.TrimRight(last, "[]{}")+`"`))
	}
	trees.Store(key, root)
	return root
}

// MayHold reports whether data may hold a value at one of paths. It is
// false only when no member name that ends one of paths occurs in data
// (quoted, and data has no escape that could spell one); then Strip,
// Redact and Erase return data unchanged (or their error, for data that is
// not JSON) and Present finds nothing, so a reader can skip parsing data
// that certainly holds none.
func MayHold(data []byte, paths []string) bool {
	if len(paths) == 0 {
		return false
	}
	if bytes.IndexByte(data, '\\') >= 0 {
		return true // an escaped member name ("n\u0061me", "a\/b") would hide from the search
	}
	for _, end := range compile(paths).ends {
		if bytes.Contains(data, end) {
			return true
		}
	}
	return false
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
	sc := scanner{in: raw}
	sc.skipSpace()
	// Room for the copy and for sealed values, which grow by about a third
	// plus a nonce and a tag: one allocation for most documents.
	out := make([]byte, 0, len(raw)+len(raw)/2+64)
	changed, _, err := sc.value(t, path, f, &out)
	if err != nil {
		return nil, false, err
	}
	sc.skipSpace()
	if sc.pos != len(sc.in) {
		return nil, false, fmt.Errorf("pii: %s: trailing data after the document", orRoot(path))
	}
	if !changed {
		return raw, false, nil
	}
	return out, true, nil
}

// scanner walks a JSON document once, copying it to out and handing the
// values on the paths to a visitFunc: no maps, no re-encoding, member
// order kept.
type scanner struct {
	in  []byte
	pos int
}

var errSyntax = errors.New("malformed JSON")

func (sc *scanner) skipSpace() { sc.pos = jsonscan.Space(sc.in, sc.pos) }

// skip moves past one value and returns its bytes.
func (sc *scanner) skip() ([]byte, error) {
	start := sc.pos
	end, ok := jsonscan.Value(sc.in, sc.pos)
	if !ok {
		return nil, errSyntax
	}
	sc.pos = end
	return sc.in[start:end], nil
}

// noPaths is the tree of a member off every path: copied as it is.
var noPaths = &pathTree{}

// value copies the value at sc.pos to out, rewriting what lies on t.
// changed reports whether anything was rewritten (until then out holds a
// plain copy); removed, that the value itself was a leaf whose visitor
// asked for its removal (nothing was written: the caller drops the
// member, or writes null in an array or map).
func (sc *scanner) value(t *pathTree, path string, f visitFunc, out *[]byte) (changed, removed bool, err error) {
	start := sc.pos
	if t.leaf {
		raw, err := sc.skip()
		if err != nil {
			return false, false, fmt.Errorf("pii: %s: %w", orRoot(path), err)
		}
		if isNull(raw) {
			*out = append(*out, raw...)
			return false, false, nil
		}
		nv, err := f(path, raw)
		if err != nil {
			return false, false, err
		}
		*out = append(*out, nv...)
		return true, nv == nil, nil
	}
	if sc.pos >= len(sc.in) {
		return false, false, fmt.Errorf("pii: %s: %w", orRoot(path), errSyntax)
	}
	switch {
	case sc.in[sc.pos] == '{' && (t.fields != nil || t.elements != nil):
		changed, err = sc.object(t, path, f, out, start)
		return changed, false, err
	case sc.in[sc.pos] == '[' && t.elements != nil:
		changed, err = sc.array(t, path, f, out, start)
		return changed, false, err
	}
	raw, err := sc.skip()
	if err != nil {
		return false, false, fmt.Errorf("pii: %s: %w", orRoot(path), err)
	}
	*out = append(*out, raw...)
	return false, false, nil
}

// separator expects a comma before every member or element but the first.
func (sc *scanner) separator(first bool, path string) error {
	if first {
		return nil
	}
	if sc.in[sc.pos] != ',' {
		return fmt.Errorf("pii: %s: %w", orRoot(path), errSyntax)
	}
	sc.pos++
	sc.skipSpace()
	return nil
}

func (sc *scanner) object(t *pathTree, path string, f visitFunc, out *[]byte, start int) (bool, error) {
	mark := len(*out)
	*out = append(*out, '{')
	sc.pos++
	changed, written := false, false
	for first := true; ; first = false {
		sc.skipSpace()
		if sc.pos >= len(sc.in) {
			return false, fmt.Errorf("pii: %s: %w", orRoot(path), errSyntax)
		}
		if sc.in[sc.pos] == '}' {
			sc.pos++
			break
		}
		if err := sc.separator(first, path); err != nil {
			return false, err
		}
		keyRaw, err := sc.skip()
		if err != nil || len(keyRaw) < 2 || keyRaw[0] != '"' {
			return false, fmt.Errorf("pii: %s: %w", orRoot(path), errSyntax)
		}
		// The member's name; a string only for a member on a path.
		name := keyRaw[1 : len(keyRaw)-1]
		if bytes.IndexByte(keyRaw, '\\') >= 0 {
			var key string
			if err := json.Unmarshal(keyRaw, &key); err != nil {
				return false, fmt.Errorf("pii: %s: %w", orRoot(path), err)
			}
			name = []byte(key)
		}
		sc.skipSpace()
		if sc.pos >= len(sc.in) || sc.in[sc.pos] != ':' {
			return false, fmt.Errorf("pii: %s: %w", orRoot(path), errSyntax)
		}
		sc.pos++
		sc.skipSpace()
		child, p := t.fields[string(name)], ""
		switch {
		case t.elements != nil: // a map: every value, under its own key
			child, p = t.elements, path+"{}"
		case child == nil:
			child = noPaths
		case path == "":
			p = string(name)
		default:
			p = path + "." + string(name)
		}
		memberStart := len(*out)
		if written {
			*out = append(*out, ',')
		}
		*out = append(*out, keyRaw...)
		*out = append(*out, ':')
		ch, removed, err := sc.value(child, p, f, out)
		if err != nil {
			return false, err
		}
		changed = changed || ch
		switch {
		case removed && t.elements == nil:
			*out = (*out)[:memberStart]
			continue
		case removed:
			*out = append(*out, "null"...)
		}
		written = true
	}
	*out = append(*out, '}')
	if !changed {
		*out = append((*out)[:mark], sc.in[start:sc.pos]...)
	}
	return changed, nil
}

func (sc *scanner) array(t *pathTree, path string, f visitFunc, out *[]byte, start int) (bool, error) {
	mark := len(*out)
	*out = append(*out, '[')
	sc.pos++
	changed := false
	for first := true; ; first = false {
		sc.skipSpace()
		if sc.pos >= len(sc.in) {
			return false, fmt.Errorf("pii: %s: %w", orRoot(path), errSyntax)
		}
		if sc.in[sc.pos] == ']' {
			sc.pos++
			break
		}
		if err := sc.separator(first, path); err != nil {
			return false, err
		}
		if !first {
			*out = append(*out, ',')
		}
		ch, removed, err := sc.value(t.elements, path+"[]", f, out)
		if err != nil {
			return false, err
		}
		if removed {
			*out = append(*out, "null"...)
		}
		changed = changed || ch
	}
	*out = append(*out, ']')
	if !changed {
		*out = append((*out)[:mark], sc.in[start:sc.pos]...)
	}
	return changed, nil
}

func orRoot(path string) string {
	if path == "" {
		return "document"
	}
	return path
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
