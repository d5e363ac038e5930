package pii

import (
	"bytes"
	"encoding/json"
	"testing"

	"pgregory.net/rapid"
)

// names are the member names the generated documents use: the ends of
// docPaths, their parents, a prefix and a suffix of one, and others.
var names = []string{"name", "phone", "income", "minor_name", "notes", "client", "contact", "members",
	"resident_id", "nam", "names", "relation", "count", "a"}

func jsonValue(t *rapid.T, depth int) any {
	kinds := 6
	if depth >= 3 {
		kinds = 3
	}
	switch rapid.IntRange(0, kinds-1).Draw(t, "kind") {
	case 0:
		return rapid.SampledFrom([]string{"x", "王芳", "name", `"phone"`, "<b>"}).Draw(t, "string")
	case 1:
		return rapid.IntRange(-5, 5).Draw(t, "number")
	case 2:
		return nil
	case 3, 4:
		m := map[string]any{}
		for range rapid.IntRange(0, 3).Draw(t, "members") {
			m[rapid.SampledFrom(names).Draw(t, "member")] = jsonValue(t, depth+1)
		}
		return m
	default:
		var a []any
		for range rapid.IntRange(0, 3).Draw(t, "elements") {
			a = append(a, jsonValue(t, depth+1))
		}
		return a
	}
}

// Whenever MayHold says data holds nothing at paths, Strip, Redact and
// Erase return data unchanged and Present finds nothing: skipping them is
// safe.
func TestMayHold_False_MeansNothingAtThePaths(t *testing.T) {
	negatives := 0
	rapid.Check(t, func(t *rapid.T) {
		doc := map[string]any{}
		for range rapid.IntRange(0, 4).Draw(t, "top") {
			doc[rapid.SampledFrom(names).Draw(t, "member")] = jsonValue(t, 1)
		}
		data, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		paths := rapid.SliceOfDistinct(rapid.SampledFrom(docPaths), rapid.ID).Draw(t, "paths")
		if MayHold(data, paths) {
			return
		}
		negatives++
		for name, f := range map[string]func([]byte, []string) ([]byte, error){"Strip": Strip, "Redact": Redact, "Erase": Erase} {
			out, err := f(data, paths)
			if err != nil || !bytes.Equal(out, data) {
				t.Fatalf("MayHold is false, but %s(%s, %q) = %s, %v", name, data, paths, out, err)
			}
		}
		if present, err := Present(data, paths); err != nil || len(present) > 0 {
			t.Fatalf("MayHold is false, but Present(%s, %q) = %q, %v", data, paths, present, err)
		}
	})
	if negatives < 10 {
		t.Fatalf("only %d documents held nothing at their paths; the property was hardly tested", negatives)
	}
}

// MayHold is true for data holding a value at one of paths, written plainly
// or with an escaped member name, and false without paths.
func TestMayHold_FindsValues(t *testing.T) {
	for _, tc := range []struct {
		data  string
		paths []string
		want  bool
	}{
		{doc, docPaths, true},
		{`{"client":{"gender":"female"}}`, []string{"client.name"}, false},
		{`{"members":[{"income":[1]}]}`, []string{"members[].income"}, true},
		{`{"notes":{"a":"x"}}`, []string{"notes{}"}, true},
		{`{"client":{"n\u0061me":"王芳"}}`, []string{"client.name"}, true},
		{`{"a\/b":"x"}`, []string{"a/b"}, true},
		{doc, nil, false},
	} {
		if got := MayHold([]byte(tc.data), tc.paths); got != tc.want {
			t.Errorf("MayHold(%s, %q) = %v, want %v", tc.data, tc.paths, got, tc.want)
		}
	}
}
