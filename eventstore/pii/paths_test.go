package pii

import (
	"encoding/json"
	"reflect"
	"testing"
)

const doc = `{"case_id":"c1","client":{"name":"王芳","gender":"female","contact":{"phone":"13800000000"}},` +
	`"members":[{"name":"李四","relation":"spouse","income":[{"amount":120000}]},{"minor_name":"李小","relation":"child","income":null}],` +
	`"notes":{"a":"x","b":"y"},"count":3}`

var docPaths = []string{"client.name", "client.contact.phone", "client.resident_id", "members[].name",
	"members[].minor_name", "members[].income", "notes{}"}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return m
}

func TestStrip_RemovesOnlyThePaths(t *testing.T) {
	out, err := Strip([]byte(doc), docPaths)
	if err != nil {
		t.Fatal(err)
	}
	want := decode(t, []byte(`{"case_id":"c1","client":{"gender":"female","contact":{}},`+
		`"members":[{"relation":"spouse"},{"relation":"child","income":null}],"notes":{"a":null,"b":null},"count":3}`))
	if got := decode(t, out); !reflect.DeepEqual(got, want) {
		t.Fatalf("Strip:\n got %v\nwant %v", got, want)
	}
}

func TestRedactAndErase_MarkEveryPresentValue(t *testing.T) {
	for marker, fn := range map[string]func([]byte, []string) ([]byte, error){RedactedMarker: Redact, ErasedMarker: Erase} {
		out, err := fn([]byte(doc), docPaths)
		if err != nil {
			t.Fatal(err)
		}
		got := decode(t, out)
		c := got["client"].(map[string]any)
		if c["name"] != marker || c["contact"].(map[string]any)["phone"] != marker || c["gender"] != "female" {
			t.Errorf("%s: client = %v", marker, c)
		}
		m := got["members"].([]any)
		if m[0].(map[string]any)["income"] != marker || m[1].(map[string]any)["minor_name"] != marker {
			t.Errorf("%s: members = %v", marker, m)
		}
		if m[1].(map[string]any)["income"] != nil {
			t.Errorf("%s: a null stays null, got %v", marker, m[1])
		}
		if got["notes"].(map[string]any)["b"] != marker || got["count"] != 3.0 {
			t.Errorf("%s: %v", marker, got)
		}
	}
}

func TestPresent_ListsPathsWithValues(t *testing.T) {
	got, err := Present([]byte(doc), docPaths)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"client.name": true, "client.contact.phone": true, "members[].name": true,
		"members[].minor_name": true, "members[].income": true, "notes{}": true}
	if len(got) != len(want) {
		t.Fatalf("Present = %v", got)
	}
	for _, p := range got {
		if !want[p] {
			t.Errorf("unexpected path %q", p)
		}
	}
}

func TestRewrite_NoPathsOrNoValues_ReturnsInputUnchanged(t *testing.T) {
	in := []byte(`{"b":1,  "a":2}`)
	for _, paths := range [][]string{nil, {"client.name"}} {
		out, err := Strip(in, paths)
		if err != nil || string(out) != string(in) {
			t.Errorf("Strip(%v) = %s, %v; want the input bytes", paths, out, err)
		}
	}
}

func TestRewrite_MalformedJSONOnAPath_IsAnError(t *testing.T) {
	if _, err := Strip([]byte(`{"client":{"name":`), docPaths); err == nil {
		t.Fatal("want an error for truncated JSON")
	}
}

// A member name written with escapes is the same member: a sensitive value
// under it is found, and a malformed escape is an error, not a miss.
func TestRewrite_EscapedMemberNames(t *testing.T) {
	in := []byte(`{"cl\u0069ent":{"n\u0061me":"王芳","gender":"female"},"notes":{"\u0061":"x"},"m\u0065mbers":[{"name":"李四"}]}`)
	out, err := Redact(in, docPaths)
	if err != nil {
		t.Fatal(err)
	}
	got := decode(t, out)
	if c := got["client"].(map[string]any); c["name"] != RedactedMarker || c["gender"] != "female" {
		t.Errorf("client = %v", c)
	}
	if n := got["notes"].(map[string]any); n["a"] != RedactedMarker {
		t.Errorf("notes = %v", n)
	}
	if m := got["members"].([]any); m[0].(map[string]any)["name"] != RedactedMarker {
		t.Errorf("members = %v", m)
	}
	paths, err := Present(in, docPaths)
	if err != nil || len(paths) != 3 {
		t.Errorf("Present = %v, %v; want client.name, members[].name and notes{}", paths, err)
	}
	if _, err := Strip([]byte(`{"cl\qient":{"name":"王芳"}}`), docPaths); err == nil {
		t.Error("want an error for a malformed escape in a member name")
	}
}
