package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp/syntax"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"pgregory.net/rapid"
)

// bodySchemas returns every request body schema of the document by
// operation and media type.
func bodySchemas(t *testing.T) map[string]*openapi3.Schema {
	t.Helper()
	sp, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*openapi3.Schema{}
	for path, item := range sp.doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for mt, content := range op.RequestBody.Value.Content {
				if content.Schema != nil {
					out[method+" "+path+" "+mt] = content.Schema.Value
				}
			}
		}
	}
	return out
}

// kinAccepts is the check schemaCheck stands in for.
func kinAccepts(s *openapi3.Schema, v any) error {
	return s.VisitJSON(v, openapi3.VisitAsRequest(), openapi3.MultiErrors())
}

// Over every request body schema of the document: what the compiled check
// accepts, kin-openapi accepts. Bodies are drawn from the schema, mostly
// valid, with wrong types, nulls, missing and unknown properties, values
// out of range and numbers written as 1.0 mixed in.
func TestSchemaCheck_AcceptsOnlyWhatKinOpenAPIAccepts(t *testing.T) {
	schemas := bodySchemas(t)
	names := make([]string, 0, len(schemas))
	for n := range schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	compiled := 0
	for _, name := range names {
		s := schemas[name]
		c := compileSchema(s, 0)
		if c == nil {
			continue
		}
		compiled++
		t.Run(name, func(t *testing.T) {
			accepted := 0
			rapid.Check(t, func(rt *rapid.T) {
				v := drawValue(rt, s, 0, rapid.Bool().Draw(rt, "clean"))
				if !c.accepts(v) {
					return
				}
				accepted++
				if err := kinAccepts(s, v); err != nil {
					b, _ := json.Marshal(v)
					rt.Fatalf("the compiled check accepts %s, kin-openapi refuses it: %v", b, err)
				}
			})
			if accepted == 0 {
				t.Errorf("the compiled check accepted none of the drawn bodies")
			}
		})
	}
	// The document's command bodies mostly keep to what compiles; the one
	// every service recording sends must.
	if compiled < len(schemas)/2 {
		t.Errorf("only %d of %d body schemas compile", compiled, len(schemas))
	}
	if compileSchema(schemas["POST /api/v1/cases/{id}/services application/json"], 0) == nil {
		t.Error("the service recording's body schema does not compile")
	}
}

// What compileSchema refuses, kin-openapi is left to check.
func TestCompileSchema_RefusesKeywordsItDoesNotRead(t *testing.T) {
	str := openapi3.NewStringSchema()
	for name, s := range map[string]*openapi3.Schema{
		"oneOf":                 {OneOf: openapi3.SchemaRefs{{Value: str}}},
		"nullable":              openapi3.NewStringSchema().WithNullable(),
		"readOnly":              {Type: &openapi3.Types{"string"}, ReadOnly: true},
		"multipleOf":            {Type: &openapi3.Types{"integer"}, MultipleOf: openapi3.Ptr(float64(2))},
		"integer format":        openapi3.NewInt32Schema(),
		"two types":             {Type: &openapi3.Types{"string", "integer"}},
		"uniqueItems":           openapi3.NewArraySchema().WithUniqueItems(true),
		"pattern on int":        {Type: &openapi3.Types{"integer"}, Pattern: "^1$"},
		"required on a string":  {Type: &openapi3.Types{"string"}, Required: []string{"a"}},
		"items on an object":    {Type: &openapi3.Types{"object"}, MaxItems: openapi3.Ptr(uint64(1))},
		"minimum on a string":   {Type: &openapi3.Types{"string"}, Min: openapi3.Ptr(float64(1))},
		"length without a type": {MaxLength: openapi3.Ptr(uint64(1))},
		"props schema":          openapi3.NewObjectSchema().WithAdditionalProperties(str),
		"minProperties":         {Type: &openapi3.Types{"object"}, MinProps: 1},
		"exclusive":             {Type: &openapi3.Types{"number"}, Min: openapi3.Ptr(float64(0)), ExclusiveMin: openapi3.ExclusiveBound{Bool: openapi3.Ptr(true)}},
		"enum numbers":          {Type: &openapi3.Types{"integer"}, Enum: []any{1.0, 2.0}},
		"unicode escape":        {Type: &openapi3.Types{"string"}, Pattern: `^\u4e00$`},
		"nested":                openapi3.NewObjectSchema().WithProperty("a", openapi3.NewStringSchema().WithNullable()),
	} {
		if compileSchema(s, 0) != nil {
			t.Errorf("%s: compiles", name)
		}
	}
}

func TestSchemaCheck_Table(t *testing.T) {
	date := &openapi3.Schema{Type: &openapi3.Types{"string"}, Pattern: `^\d{4}-\d{2}-\d{2}$`}
	s := openapi3.NewObjectSchema().WithProperty("n", openapi3.NewIntegerSchema().WithMin(1).WithMax(10)).
		WithProperty("d", date).WithProperty("t", openapi3.NewStringSchema().WithMaxLength(3)).
		WithProperty("at", openapi3.NewDateTimeSchema()).WithProperty("any", &openapi3.Schema{}).
		WithProperty("e", &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{"a", "b"}}).
		WithProperty("l", openapi3.NewArraySchema().WithItems(openapi3.NewBoolSchema()).WithMaxItems(2))
	s.Required = []string{"n"}
	s.AdditionalProperties = openapi3.AdditionalProperties{Has: openapi3.Ptr(false)}
	c := compileSchema(s, 0)
	if c == nil {
		t.Fatal("does not compile")
	}
	for body, want := range map[string]bool{
		`{"n":1}`: true, `{"n":10,"d":"2026-01-02","t":"中文字","e":"b","l":[true,false],"at":"2026-01-02T03:04:05Z"}`: true,
		`{}`: false, `{"n":0}`: false, `{"n":11}`: false, `{"n":1.0}`: false, `{"n":5.5}`: false, `{"n":-0}`: false, `{"n":"1"}`: false, `{"n":null}`: false,
		`{"n":1,"x":1}`: false, `{"n":1,"d":"2026-1-2"}`: false, `{"n":1,"t":"四个字符"}`: false, `{"n":1,"e":"c"}`: false,
		`{"n":1,"l":[true,true,true]}`: false, `{"n":1,"l":[1]}`: false, `{"n":1,"l":[null]}`: false, `[]`: false,
		`{"n":1,"at":"2026-01-02"}`: false, `{"n":1,"any":null}`: false, `{"n":1,"any":[null]}`: true,
	} {
		v, err := decodeJSON([]byte(body), true)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.accepts(v); got != want {
			t.Errorf("%s: accepts = %v, want %v", body, got, want)
		}
		if want {
			if err := kinAccepts(s, v); err != nil {
				t.Errorf("%s: kin-openapi refuses it: %v", body, err)
			}
		}
	}
}

// rare draws true about once in n: rapid draws the ends of a range more
// often than the middle, so the middle value stands for the rare case.
func rare(t *rapid.T, label string, n int) bool {
	return rapid.IntRange(0, n-1).Draw(t, label) == n/2
}

// A string format is checked by the validator registered when a body is
// checked, as kin-openapi looks it up, not when the schema compiled.
func TestSchemaCheck_FormatRegisteredLater_Checked(t *testing.T) {
	const name = "casework-test-format"
	s := &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: name}
	c := compileSchema(s, 0)
	if c == nil || !c.accepts("x") {
		t.Fatal("an unregistered format is not passed")
	}
	openapi3.DefineStringFormatValidator(name, openapi3.NewCallbackValidator(func(string) error { return errors.New("never") }))
	t.Cleanup(func() { delete(openapi3.SchemaStringFormats, name) })
	if c.accepts("x") || kinAccepts(s, "x") == nil {
		t.Fatal("a format registered after compiling is not checked")
	}
}

// drawValue draws a value for s: mostly one that passes it, sometimes one
// that breaks a rule; clean draws one that passes it as far as it can.
func drawValue(t *rapid.T, s *openapi3.Schema, depth int, clean bool) any {
	rare := func(t *rapid.T, label string, n int) bool { return !clean && rare(t, label, n) }
	if rare(t, "break", 30) {
		return rapid.SampledFrom([]any{nil, "x", json.Number("1"), json.Number("1.0"), true, []any{}, map[string]any{}}).Draw(t, "wrong")
	}
	typ := ""
	if s.Type != nil && len(*s.Type) > 0 {
		typ = (*s.Type)[0]
	}
	switch typ {
	case openapi3.TypeObject:
		m := map[string]any{}
		names := make([]string, 0, len(s.Properties))
		for n := range s.Properties {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			required := false
			for _, r := range s.Required {
				required = required || r == n
			}
			if (required && !rare(t, "drop", 20)) || (!required && rapid.Bool().Draw(t, "give")) {
				if depth < 6 {
					m[n] = drawValue(t, s.Properties[n].Value, depth+1, clean)
				}
			}
		}
		if rare(t, "extra", 20) {
			m["unknown_"+rapid.StringMatching(`[a-z]{1,4}`).Draw(t, "k")] = "v"
		}
		return m
	case openapi3.TypeArray:
		lo, hi := int(s.MinItems), int(s.MinItems)+3
		if s.MaxItems != nil {
			hi = int(*s.MaxItems) + 1
		}
		if !clean {
			lo, hi = max(lo-1, 0), hi+1
		}
		n := rapid.IntRange(lo, hi-1).Draw(t, "items")
		a := make([]any, n)
		for i := range a {
			if s.Items != nil && depth < 6 {
				a[i] = drawValue(t, s.Items.Value, depth+1, clean)
			} else {
				a[i] = "item"
			}
		}
		return a
	case openapi3.TypeString:
		switch {
		case len(s.Enum) > 0 && !rare(t, "enum", 10):
			return rapid.SampledFrom(s.Enum).Draw(t, "e")
		case s.Pattern != "" && !rare(t, "match", 10):
			return drawMatching(t, s.Pattern)
		case s.Format == "date-time" && !rare(t, "fmt", 10):
			return rapid.SampledFrom([]string{"2026-03-31T00:00:00Z", "2026-03-31T08:00:00+08:00", "2026-03-31T08:00:00.123Z"}).Draw(t, "dt")
		case s.Format == "uuid" && !rare(t, "fmt", 10):
			return rapid.SampledFrom([]string{"0190f1e2-7c3a-7b1d-9c4e-1a2b3c4d5e6f", "0190F1E2-7C3A-7B1D-9C4E-1A2B3C4D5E6F"}).Draw(t, "id")
		}
		hi := int(s.MinLength) + 8
		if s.MaxLength != nil {
			hi = int(*s.MaxLength) + 1
			if hi > 64 {
				hi = rapid.SampledFrom([]int{int(*s.MaxLength), int(*s.MaxLength) + 1, 12}).Draw(t, "len")
			}
		}
		lo := int(s.MinLength)
		if clean {
			hi = min(hi, lo+8)
			if s.MaxLength != nil {
				hi = min(hi, int(*s.MaxLength))
			}
		} else {
			lo = max(lo-1, 0)
		}
		return rapid.StringOfN(rapid.RuneFrom([]rune("aZ9 -中文字😀\u00e9")), lo, hi, -1).Draw(t, "s")
	case openapi3.TypeInteger, openapi3.TypeNumber:
		lo, hi := -5.0, 1000.0
		if s.Min != nil {
			lo = *s.Min - 1
		}
		if s.Max != nil {
			hi = *s.Max + 1
		}
		if hi-lo > 1e6 {
			hi = lo + 1e6
		}
		n := rapid.Int64Range(int64(lo), int64(hi)).Draw(t, "n")
		form := rapid.IntRange(0, 9).Draw(t, "form")
		if clean {
			form, n = 9, min(max(n, int64(lo+1)), int64(hi-1))
		}
		switch {
		case form == 0:
			return json.Number(fmt.Sprintf("%d.0", n))
		case form == 1:
			return json.Number(fmt.Sprintf("%de0", n))
		case form == 2:
			return json.Number(fmt.Sprintf("%d.25", n))
		}
		return json.Number(fmt.Sprint(n))
	case openapi3.TypeBoolean:
		return rapid.Bool().Draw(t, "b")
	}
	return rapid.SampledFrom([]any{"x", json.Number("2"), true, map[string]any{"a": "b"}}).Draw(t, "any")
}

// drawMatching draws a string that the regular expression pattern
// matches (for the syntax our patterns use: literals, classes,
// repetition, anchors).
func drawMatching(t *rapid.T, pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		t.Fatalf("pattern %q: %v", pattern, err)
	}
	var b strings.Builder
	var gen func(re *syntax.Regexp)
	gen = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpLiteral:
			b.WriteString(string(re.Rune))
		case syntax.OpCharClass:
			i := rapid.IntRange(0, len(re.Rune)/2-1).Draw(t, "range")
			lo, hi := re.Rune[2*i], re.Rune[2*i+1]
			if hi-lo > 1000 {
				hi = lo + 1000
			}
			b.WriteRune(rapid.Int32Range(lo, hi).Draw(t, "r"))
		case syntax.OpConcat:
			for _, s := range re.Sub {
				gen(s)
			}
		case syntax.OpCapture:
			gen(re.Sub[0])
		case syntax.OpAlternate:
			gen(re.Sub[rapid.IntRange(0, len(re.Sub)-1).Draw(t, "alt")])
		case syntax.OpRepeat, syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
			lo, hi := re.Min, re.Max
			switch re.Op {
			case syntax.OpStar:
				lo, hi = 0, 3
			case syntax.OpPlus:
				lo, hi = 1, 3
			case syntax.OpQuest:
				lo, hi = 0, 1
			}
			if hi < 0 {
				hi = lo + 3
			}
			for range rapid.IntRange(lo, hi).Draw(t, "times") {
				gen(re.Sub[0])
			}
		case syntax.OpBeginText, syntax.OpEndText, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpEmptyMatch:
		default:
			t.Fatalf("pattern %q: drawMatching does not draw %v", pattern, re.Op)
		}
	}
	gen(re)
	return b.String()
}
