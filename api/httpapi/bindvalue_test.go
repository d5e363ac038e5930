package httpapi

import (
	"bytes"
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"pgregory.net/rapid"

	"casework/api/service"
	"casework/domain/casefile"
	"casework/domain/contract"
	"casework/domain/org"
	"casework/domain/project"
	"casework/domain/referral"
	"casework/domain/value"
)

// bindInputs are the types the API binds request bodies into: every
// command of the service taken on a record by id, and the others by name.
func bindInputs(t *testing.T) []reflect.Type {
	t.Helper()
	out := []reflect.Type{
		reflect.TypeFor[casefile.OpenInput](), reflect.TypeFor[contract.OpenInput](), reflect.TypeFor[org.RegisterInput](),
		reflect.TypeFor[project.ProposeInput](), reflect.TypeFor[referral.TransitionInput](),
		reflect.TypeFor[service.CreateAccountInput](), reflect.TypeFor[service.ReferralRequestInput](),
		reflect.TypeFor[approvalDecision](), reflect.TypeFor[loginRequest](), reflect.TypeFor[lookupRequest](),
		reflect.TypeFor[registerStationRequest](), reflect.TypeFor[staffDepartureRequest](), reflect.TypeFor[kinds](), reflect.TypeFor[refused](),
	}
	svc := reflect.TypeFor[*service.Service]()
	ctx, p, opts, id := reflect.TypeFor[context.Context](), reflect.TypeFor[service.Principal](),
		reflect.TypeFor[service.Options](), reflect.TypeFor[uuid.UUID]()
	commands := 0
	for i := range svc.NumMethod() {
		m := svc.Method(i).Type // with the receiver first
		if m.NumIn() == 6 && m.In(1) == ctx && m.In(2) == p && m.In(3) == opts && m.In(4) == id &&
			m.In(5).Kind() == reflect.Struct && m.NumOut() == 2 && m.Out(0) == reflect.TypeFor[service.Result]() {
			out = append(out, m.In(5))
			commands++
		}
	}
	if commands < 40 {
		t.Fatalf("found %d commands by id; the service has more", commands)
	}
	return out
}

// kinds holds every kind of field bindValue reads.
type kinds struct {
	S        string             `json:"s"`
	Opt      string             `json:"opt,omitempty"`
	Skipped  string             `json:"-"`
	Untagged string             //
	I8       int8               `json:"i8"`
	I        int                `json:"i"`
	U16      uint16             `json:"u16"`
	F32      float32            `json:"f32"`
	F        float64            `json:"f"`
	B        bool               `json:"b"`
	Strs     []string           `json:"strs"`
	Ints     []int              `json:"ints"`
	Ptr      *int               `json:"ptr"`
	PtrS     *kindsInner        `json:"ptr_s"`
	Inner    kindsInner         `json:"inner"`
	Inners   []kindsInner       `json:"inners"`
	Date     value.Date         `json:"date"`
	DatePtr  *value.Date        `json:"date_ptr"`
	Dates    []value.Date       `json:"dates"`
	ID       uuid.UUID          `json:"id"`
	Resident value.ResidentID   `json:"resident"`
	Division value.DivisionCode `json:"division"`
	Next     *kinds             `json:"next"`
	Role     kindsRole          `json:"role"`
	hidden   string
}

// refused holds the kinds of field bindValue leaves to encoding/json.
type refused struct {
	kinds
	Quoted int             `json:"quoted,string"`
	Spaced string          `json:"a b"`
	Time   time.Time       `json:"time"`
	Raw    json.RawMessage `json:"raw"`
	Num    json.Number     `json:"num"`
	Bytes  []byte          `json:"bytes"`
	Map    map[string]int  `json:"map"`
	Any    any             `json:"any"`
	Arr    [2]int          `json:"arr"`
	Embedded
}

type kindsInner struct {
	A string `json:"a"`
	N int    `json:"n"`
}

type Embedded struct {
	Promoted string `json:"promoted"`
}

type kindsRole string

// textSamples are strings drawn for types that read themselves from
// text: most are valid for one of them.
var textSamples = []string{"2026-03-31", "2026-02-30", "330102", "11010519491231002X", "11010519491231002x",
	"52330102MJ8800001X", "0190f1e2-7c3a-7b1d-9c4e-1a2b3c4d5e6f", "2026-03-31T08:00:00+08:00", "", "x"}

// drawJSON draws a JSON value for t, mostly one that decodes into it;
// clean draws one that does.
func drawJSON(rt *rapid.T, t reflect.Type, depth int, clean bool) any {
	rare := func(rt *rapid.T, label string, n int) bool { return !clean && rare(rt, label, n) }
	if rare(rt, "wrong", 25) || depth > 4 && !clean {
		return rapid.SampledFrom([]any{nil, "x", json.Number("1"), json.Number("-1"), json.Number("1.0"),
			json.Number("1e2"), json.Number("300"), json.Number("99999999999999999999"), true, []any{}, map[string]any{}}).Draw(rt, "wrong")
	}
	if t.Kind() == reflect.Pointer {
		return drawJSON(rt, t.Elem(), depth+1, clean)
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) || t == reflect.TypeFor[time.Time]() {
		samples := textSamples
		if clean {
			samples = nil
			for _, sample := range textSamples {
				if u, ok := reflect.New(t).Interface().(encoding.TextUnmarshaler); ok && u.UnmarshalText([]byte(sample)) == nil {
					samples = append(samples, sample)
				}
			}
			if len(samples) == 0 {
				rt.Fatalf("no sample of %v reads", t)
			}
		}
		return rapid.SampledFrom(samples).Draw(rt, "text")
	}
	switch t.Kind() {
	case reflect.String:
		return rapid.StringOf(rapid.RuneFrom([]rune("ab 中文\"\\\n😀"))).Draw(rt, "s")
	case reflect.Bool:
		return rapid.Bool().Draw(rt, "b")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := rapid.Int64Range(-200, 200).Draw(rt, "i")
		if clean && reflect.New(t).Elem().OverflowInt(n) {
			n = 0
		}
		return json.Number(fmt.Sprint(n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n := rapid.Int64Range(-2, 70000).Draw(rt, "u")
		if clean && (n < 0 || reflect.New(t).Elem().OverflowUint(uint64(n))) {
			n = 1
		}
		return json.Number(fmt.Sprint(n))
	case reflect.Float32, reflect.Float64:
		if clean {
			return json.Number(rapid.SampledFrom([]string{"0", "-0.5", "1e3", "1.25", "7"}).Draw(rt, "f"))
		}
		return json.Number(rapid.SampledFrom([]string{"0", "-0.5", "1e3", "3.4e39", "1.25", "7"}).Draw(rt, "f"))
	case reflect.Slice, reflect.Array:
		a := make([]any, rapid.IntRange(0, 3).Draw(rt, "n"))
		for i := range a {
			a[i] = drawJSON(rt, t.Elem(), depth+1, clean)
		}
		return a
	case reflect.Map:
		return map[string]any{"k": drawJSON(rt, t.Elem(), depth+1, clean)}
	case reflect.Interface:
		return rapid.SampledFrom([]any{"x", json.Number("2"), map[string]any{"a": []any{}}}).Draw(rt, "any")
	case reflect.Struct:
		m := map[string]any{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				name = f.Name
			}
			if !rapid.Bool().Draw(rt, "give") || clean && depth > 3 {
				continue
			}
			if f.Anonymous {
				if f.Type.Kind() == reflect.Struct && rare(rt, "promoted", 3) {
					for j := range f.Type.NumField() {
						n, _, _ := strings.Cut(f.Type.Field(j).Tag.Get("json"), ",")
						m[n] = drawJSON(rt, f.Type.Field(j).Type, depth+1, clean)
					}
				}
				continue
			}
			if rare(rt, "case", 10) {
				name = strings.ToUpper(name)
			}
			m[name] = drawJSON(rt, f.Type, depth+1, clean)
		}
		if rare(rt, "unknown", 10) {
			m["unknown"] = "x"
		}
		return m
	}
	return nil
}

// Every input type: what bindValue sets from a body is what encoding/json
// decodes from it, and bindValue sets nothing it then refuses. Bodies are
// drawn from the type, with wrong types, nulls, numbers that do not fit,
// keys in other case, unknown and promoted keys mixed in.
func TestBindValue_AgreesWithEncodingJSON(t *testing.T) {
	for _, typ := range bindInputs(t) {
		t.Run(typ.String(), func(t *testing.T) {
			bound := 0
			rapid.Check(t, func(rt *rapid.T) {
				body, err := json.Marshal(drawJSON(rt, typ, 0, rapid.Bool().Draw(rt, "clean")))
				if err != nil {
					rt.Fatal(err)
				}
				want := reflect.New(typ)
				dec := json.NewDecoder(bytes.NewReader(body))
				dec.DisallowUnknownFields()
				werr := dec.Decode(want.Interface())

				v, unique, ok := parseValue(body)
				if !ok || !unique {
					rt.Fatalf("parseValue does not take %s", body)
				}
				got := reflect.New(typ)
				if !bindValue(got.Interface(), v) {
					if !got.Elem().IsZero() {
						rt.Fatalf("a refused bind changed the input: %+v", got.Elem())
					}
					return
				}
				bound++
				if werr != nil {
					rt.Fatalf("bindValue binds %s, encoding/json refuses it: %v", body, werr)
				}
				if !reflect.DeepEqual(got.Interface(), want.Interface()) {
					rt.Fatalf("%s: bindValue gives %+v, encoding/json %+v", body, got.Elem(), want.Elem())
				}
			})
			if bound == 0 && typ != reflect.TypeFor[refused]() {
				t.Errorf("bindValue bound none of the drawn bodies")
			}
		})
	}
}

func TestBindValue_Table(t *testing.T) {
	one := 1
	d := value.MustParseDate("2026-03-31")
	for body, want := range map[string]*kinds{
		`{}`: {},
		`{"s":"x","opt":"y","i8":-128,"i":7,"u16":65535,"f32":1.5,"f":-2e3,"b":true,"strs":[],"ints":[1,2],"ptr":1,
		  "ptr_s":{"a":"z"},"inner":{"n":3},"inners":[{},{"a":"q"}],"date":"2026-03-31","date_ptr":"2026-03-31",
		  "dates":["2026-03-31"],"role":"admin","Untagged":"u"}`: {S: "x", Opt: "y", I8: -128, I: 7, U16: 65535, F32: 1.5,
			F: -2000, B: true, Strs: []string{}, Ints: []int{1, 2}, Ptr: &one, PtrS: &kindsInner{A: "z"}, Inner: kindsInner{N: 3},
			Inners: []kindsInner{{}, {A: "q"}}, Date: d, DatePtr: &d, Dates: []value.Date{d}, Role: "admin", Untagged: "u"},
		// Refused: encoding/json decides these, or refuses them.
		`{"i8":128}`: nil, `{"u16":-1}`: nil, `{"u16":65536}`: nil, `{"i":1.0}`: nil, `{"i":"1"}`: nil, `{"f32":3.5e39}`: nil, `{"s":null}`: nil,
		`{"S":"x"}`: nil, `{"untagged":"u"}`: nil, `{"date":"2026-02-30"}`: nil, `{"strs":[null]}`: nil, `{"unknown":1}`: nil,
		`[]`: nil, `{"inner":{"a":"x","b":1}}`: nil, `{"s":"x","i":true}`: nil, `{"-":"x"}`: nil, `{"hidden":"x"}`: nil,
	} {
		v, _, ok := parseValue([]byte(body))
		if !ok {
			t.Fatalf("%s: not parsed", body)
		}
		var got kinds
		bound := bindValue(&got, v)
		switch {
		case want == nil && bound:
			t.Errorf("%s: bound as %+v", body, got)
		case got.hidden != "":
			t.Errorf("%s: set an unexported field", body)
		case want == nil && !reflect.ValueOf(got).IsZero():
			t.Errorf("%s: refused, but changed the input to %+v", body, got)
		case want != nil && !bound:
			t.Errorf("%s: refused", body)
		case want != nil && !reflect.DeepEqual(&got, want):
			t.Errorf("%s: bound as %+v, want %+v", body, got, *want)
		}
	}
	// Each field bindValue leaves to encoding/json.
	for _, body := range []string{`{"quoted":"1"}`, `{"a b":"x"}`, `{"time":"2026-03-31T08:00:00Z"}`, `{"raw":1}`,
		`{"num":1}`, `{"bytes":"AA=="}`, `{"map":{}}`, `{"any":1}`, `{"arr":[1,2]}`, `{"promoted":"p"}`, `{"s":"x"}`,
		`{"Embedded":{"promoted":"p"}}`} {
		v, _, _ := parseValue([]byte(body))
		var got refused
		if bindValue(&got, v) {
			t.Errorf("%s: bound as %+v", body, got)
		}
	}
}

// Two fields of one JSON name: encoding/json picks one by its tag, or
// neither; bindValue leaves the name to it. (Types built at run time, so
// that vet does not refuse their tags.)
func TestBindValue_RepeatedName_Refused(t *testing.T) {
	str := reflect.TypeFor[string]()
	typ := reflect.StructOf([]reflect.StructField{
		{Name: "A", Type: str, Tag: `json:"dup"`}, {Name: "B", Type: str, Tag: `json:"dup"`}, {Name: "C", Type: str, Tag: `json:"c"`}})
	v, _, _ := parseValue([]byte(`{"dup":"x"}`))
	if bindValue(reflect.New(typ).Interface(), v) {
		t.Error("bound a repeated name")
	}
	// A field named "-" by the tag "-,", as encoding/json names it.
	dash := reflect.StructOf([]reflect.StructField{{Name: "D", Type: str, Tag: `json:"-,"`}})
	got, want := reflect.New(dash), reflect.New(dash)
	v, _, _ = parseValue([]byte(`{"-":"x"}`))
	if err := json.Unmarshal([]byte(`{"-":"x"}`), want.Interface()); err != nil || !bindValue(got.Interface(), v) ||
		!reflect.DeepEqual(got.Interface(), want.Interface()) {
		t.Errorf("field named -: bound %+v, encoding/json %+v (%v)", got.Elem(), want.Elem(), err)
	}
	v, _, _ = parseValue([]byte(`{"c":"x"}`))
	if !bindValue(reflect.New(typ).Interface(), v) {
		t.Error("refused the other name")
	}
}

// An input that already holds values (as a handler may set defaults) ends
// as encoding/json leaves it: it decodes into a pointee already there.
func TestBindValue_Prefilled_AsEncodingJSON(t *testing.T) {
	for _, body := range []string{`{"ptr_s":{"n":1}}`, `{"inner":{"n":1}}`, `{"strs":["b"]}`, `{"s":"y"}`, `{"inners":[{"n":1}]}`} {
		fill := func() kinds {
			return kinds{S: "x", PtrS: &kindsInner{A: "keep"}, Inner: kindsInner{A: "keep"}, Strs: []string{"a"},
				Inners: []kindsInner{{A: "keep"}}}
		}
		want, got := fill(), fill()
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatal(err)
		}
		v, _, _ := parseValue([]byte(body))
		if bindValue(&got, v) && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: bound as %+v, encoding/json gives %+v", body, got, want)
		}
	}
}

// Embedded fields as encoding/json reads them: an unnamed struct embedding
// a date is a struct, not a date; a tagged embedded struct is a field of
// its tag's name, which here repeats another's, so that neither is read.
func TestBindValue_EmbeddedFields_AsEncodingJSON(t *testing.T) {
	type withUnnamed struct {
		D struct{ value.Date } `json:"d"`
	}
	type Inner struct{ A string }
	type withTagged struct {
		Inner `json:"inner"`
		Other string `json:"other"`
	}
	str := reflect.TypeFor[string]()
	repeated := reflect.StructOf([]reflect.StructField{
		{Name: "Inner", Type: reflect.TypeFor[Inner](), Anonymous: true, Tag: `json:"inner"`},
		{Name: "S", Type: str, Tag: `json:"inner"`}})
	for _, tc := range []struct {
		typ  reflect.Type
		body string
	}{
		{reflect.TypeFor[withUnnamed](), `{"d":"2026-03-31"}`},
		{reflect.TypeFor[withTagged](), `{"inner":{"A":"x"}}`},
		{reflect.TypeFor[withTagged](), `{"other":"x"}`},
		{repeated, `{"inner":"x"}`},
	} {
		want := reflect.New(tc.typ)
		dec := json.NewDecoder(strings.NewReader(tc.body))
		dec.DisallowUnknownFields()
		werr := dec.Decode(want.Interface())
		v, _, _ := parseValue([]byte(tc.body))
		got := reflect.New(tc.typ)
		if bindValue(got.Interface(), v) && (werr != nil || !reflect.DeepEqual(got.Interface(), want.Interface())) {
			t.Errorf("%v %s: bound %+v; encoding/json %+v, %v", tc.typ, tc.body, got.Elem(), want.Elem(), werr)
		}
	}
}

func TestBindValue_Recursive(t *testing.T) {
	v, _, _ := parseValue([]byte(`{"next":{"next":{"s":"deep"}}}`))
	var got kinds
	if !bindValue(&got, v) || got.Next == nil || got.Next.Next == nil || got.Next.Next.S != "deep" {
		t.Fatalf("bound %+v", got)
	}
}

// A body that repeats a key is bound by encoding/json: in a struct it
// decodes each occurrence, where the decoded map kept the last.
func TestBind_RepeatedKey_LeftToEncodingJSON(t *testing.T) {
	_, unique, ok := parseValue([]byte(`{"inner":{"a":"x"},"inner":{"n":1}}`))
	if !ok || unique {
		t.Fatalf("ok %v, unique %v", ok, unique)
	}
}
