package jsonscan_test

import (
	"encoding/json"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"casework/eventstore/jsonscan"
)

func TestValid_AgreesWithEncodingJSON(t *testing.T) {
	for _, in := range []string{
		``, ` `, `{}`, `[]`, ` {"a":[1,-0,0.5,1e3,-2E-3,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9"]} `, `{"a":1,}`, `[1,]`,
		`{"a" 1}`, `{a:1}`, `01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `tru`, `nulll`, `"\x"`, `"\u12"`, `"\u12G4"`,
		"\"a\nb\"", "\"\xff\"", `"abc`, `{} {}`, `1 2`, "\t[\r\n]\n", `[[[]]`, `{"a":{"b":{}}}`, `"\`, `"\u"`,
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000), strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000), strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001),
	} {
		if got, want := jsonscan.Valid([]byte(in)), json.Valid([]byte(in)); got != want {
			t.Errorf("Valid(%.40q) = %v, encoding/json says %v", in, got, want)
		}
	}
}

// Random JSON texts, and the same texts cut or with one byte changed.
func TestValid_RandomTexts_AgreeWithEncodingJSON(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var text func(depth int) string
		text = func(depth int) string {
			switch k := rapid.IntRange(0, 5).Draw(t, "kind"); {
			case k == 0 || depth > 3:
				return rapid.SampledFrom([]string{`"a"`, `"\u00e9\n"`, `0`, `-1.5e3`, `true`, `null`, `""`}).Draw(t, "scalar")
			case k <= 2:
				parts := make([]string, rapid.IntRange(0, 3).Draw(t, "n"))
				for i := range parts {
					parts[i] = text(depth + 1)
				}
				return "[" + strings.Join(parts, rapid.SampledFrom([]string{",", " , "}).Draw(t, "sep")) + "]"
			default:
				parts := make([]string, rapid.IntRange(0, 3).Draw(t, "n"))
				for i := range parts {
					parts[i] = `"k` + string(rune('a'+i)) + `":` + text(depth+1)
				}
				return "{" + strings.Join(parts, ",") + "}"
			}
		}
		in := []byte(text(0))
		if rapid.Bool().Draw(t, "mutate") {
			i := rapid.IntRange(0, len(in)-1).Draw(t, "at")
			in[i] = rapid.SampledFrom([]byte(`"\{}[],:0-.eE+ tfnu`+"\x00\x1f\xff")).Draw(t, "byte")
		}
		if rapid.Bool().Draw(t, "cut") {
			in = in[:rapid.IntRange(0, len(in)).Draw(t, "len")]
		}
		if got, want := jsonscan.Valid(in), json.Valid(in); got != want {
			t.Fatalf("Valid(%q) = %v, encoding/json says %v", in, got, want)
		}
	})
}

func FuzzValid(f *testing.F) {
	for _, s := range []string{`{"a":[1,"x",true,null,{}]}`, `"\u00e9\n"`, `-0.5e3`, `[[]]`, "\"\xff\"", `{"a":}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if got, want := jsonscan.Valid(in), json.Valid(in); got != want {
			t.Fatalf("Valid(%q) = %v, encoding/json says %v", in, got, want)
		}
	})
}
