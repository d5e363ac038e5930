package audittrail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"casework/domain/catalog"
	"casework/eventstore"
	"casework/eventstore/pii"
	"casework/projections/audittrail"
	"casework/projections/projtest"
)

// summaryByMap is the reading Summary promises, spelled out with
// encoding/json: every payload reads the same through both.
func summaryByMap(typ string, data []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return typ
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(typ)
	sep := ": "
	for _, k := range keys {
		v := bytes.TrimSpace(m[k])
		if len(v) == 0 || v[0] == '{' || v[0] == '[' || string(v) == "null" || string(v) == `""` {
			continue
		}
		var s any
		if json.Unmarshal(v, &s) != nil {
			continue
		}
		fmt.Fprintf(&b, "%s%s=%v", sep, k, s)
		sep = ", "
		if b.Len() > 240 {
			break
		}
	}
	out := b.String()
	if len(out) > 240 {
		out = strings.ToValidUTF8(out[:240], "") + "…"
	}
	return out
}

func TestSummary_ReadsAsEncodingJSON(t *testing.T) {
	long := strings.Repeat("长", 100)
	docs := []string{
		`{}`, ` { } `, `null`, `[]`, `"x"`, `12`, ``, `{`, `{"a":1,}`,
		`{"b":"x","a":1,"c":true,"d":false,"e":null,"f":"","g":{"x":1},"h":[1,2]}`,
		`{"n":1000000,"m":0.1,"o":1e21,"p":-0,"q":123456789,"r":1.5e-7,"s":12345678901234567890}`,
		`{"esc":"a\"b\\c\u00e9\n","k\u00e9y":"v","bad":"\ud800"}`,
		`{"a":1,"a":null}`, `{"a":null,"a":2}`, `{"a":"x","a":"y"}`,
		`{"big":1e400,"x":"y"}`,
		`{"long":"` + long + `","more":"x"}`,
		`{"a":"` + strings.Repeat("x", 230) + `","b":"yyyyyyyyyyyy","c":"z"}`,
		"{\"raw\":\"\xff\xfe\"}",
		` {"sp" : "a" , "t" : 2 } `,
		`{"n":+1}`, `{"n":01}`, `{"n":1.}`, `{"n":.5}`, `{"n":1e}`,
	}
	for _, d := range docs {
		if got, want := audittrail.Summary("T", []byte(d)), summaryByMap("T", []byte(d)); got != want {
			t.Errorf("Summary(%q) = %q, want %q", d, got, want)
		}
	}
}

func TestSummary_GeneratedEvents_ReadAsEncodingJSON(t *testing.T) {
	store := projtest.OpenStore(t, t.TempDir())
	projtest.Generate(t, store, projtest.Options{Cases: 60})
	reg := catalog.Registry()
	n := 0
	for ev, err := range store.ReadAll(context.Background(), 0, eventstore.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		def, _ := reg.Def(ev.Type)
		data, err := pii.Strip(ev.Data, def.Sensitive)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := audittrail.Summary(ev.Type, data), summaryByMap(ev.Type, data); got != want {
			t.Errorf("%s %s: Summary = %q, want %q", ev.Stream, ev.Type, got, want)
		}
		n++
	}
	if n < 500 {
		t.Fatalf("only %d events generated", n)
	}
}
