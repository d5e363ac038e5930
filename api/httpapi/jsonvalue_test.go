package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"pgregory.net/rapid"
)

// agrees checks parseValue against encoding/json on body: when it takes the
// body, encoding/json must decode the same value from it, with nothing
// after it.
func agrees(t interface {
	Helper()
	Fatalf(string, ...any)
}, body []byte) (ok bool) {
	t.Helper()
	got, unique, ok := parseValue(body)
	want, err := decodeJSON(body, true)
	if !ok {
		return false
	}
	if err != nil {
		t.Fatalf("parseValue took %q, encoding/json refuses it: %v", body, err)
	}
	if unique == repeatsKey(body) {
		t.Fatalf("parseValue(%q): unique = %v", body, unique)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parseValue(%q) = %#v, encoding/json gives %#v", body, got, want)
	}
	return true
}

// repeatsKey reports whether an object in the JSON text body repeats a
// key, reading it with encoding/json's tokenizer.
func repeatsKey(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	var stack []map[string]bool // keys of each open object; nil for arrays
	expectKey := func() bool { return len(stack) > 0 && stack[len(stack)-1] != nil }
	key := true // the next string in an object is a key
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{':
				stack = append(stack, map[string]bool{})
				key = true
				continue
			case '[':
				stack = append(stack, nil)
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		case string:
			if expectKey() && key {
				if stack[len(stack)-1][tok] {
					return true
				}
				stack[len(stack)-1][tok] = true
				key = false
				continue
			}
		}
		// A value ends; in an object the next string is a key.
		key = true
	}
}

func TestParseValue_AgreesWithEncodingJSON(t *testing.T) {
	taken := []string{
		`{}`, `[]`, ` {"a":1} `, "\t\r\n[1,2,3]\n", `"x"`, `""`, `0`, `-0`, `-0.5e+10`, `1E-2`, `123456789012345678901234567890`,
		`true`, `false`, `null`, `{"a":{"b":[{"c":null}]}}`, `{"a":1,"a":2}`, `{"a":{"b":1,"b":2},"c":[{"d":1},{"d":1,"d":1}]}`, `{"a":[],"b":{}}`,
		`{"notes":"入户走访，了解老人近况。","duration_minutes":30,"workers":["王丽娟"]}`,
		`"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u4e2d\uFFFF\u0000"`, `{"k\u00e9y":"v"}`, `"\u0041BC"`,
		`[1 , 2 ,"x" ]`, `{ "a" : true }`, "\"\x7f\"",
	}
	for _, b := range taken {
		if !agrees(t, []byte(b)) {
			t.Errorf("parseValue does not take %q", b)
		}
	}
	// Left to encoding/json: errors, and what it reads its own way.
	left := []string{
		``, ` `, `{`, `}`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `01`, `1.`, `.5`, `-`, `1e`, `+1`, `tru`, `nul`,
		`"abc`, "\"a\nb\"", `"\x"`, `"\u12"`, `"\ud83d\ude00"`, `"\udc00"`, "\"\xff\"", "\"a\\n\xc3\"",
		`{} {}`, `1 2`, `{}x`, "\ufeff{}", `NaN`, `[` + strings.Repeat(`[`, maxFastDepth) + strings.Repeat(`]`, maxFastDepth+1),
	}
	for _, b := range left {
		if agrees(t, []byte(b)) {
			t.Errorf("parseValue takes %q", b)
		}
	}
	// The deepest nesting it takes.
	deep := strings.Repeat(`[`, maxFastDepth) + strings.Repeat(`]`, maxFastDepth)
	if !agrees(t, []byte(deep)) {
		t.Errorf("parseValue does not take %d nested arrays", maxFastDepth)
	}
}

// jsonText draws a JSON value and writes it with random whitespace and
// random escapes; plain says whether parseValue must take it (no escaped
// surrogate, no deeper nesting than it reads).
func jsonText(t *rapid.T, depth int) (text string, plain bool) {
	ws := func() string {
		return rapid.SampledFrom([]string{"", "", " ", "\n", "\t ", "\r\n  "}).Draw(t, "ws")
	}
	str := func() (string, bool) {
		s := rapid.StringOf(rapid.OneOf(
			rapid.RuneFrom([]rune(`ab"\/é中😀`)), rapid.RuneFrom(nil, unicode.Cc), rapid.Rune())).Draw(t, "s")
		var b strings.Builder
		plain := true
		b.WriteByte('"')
		for _, r := range s {
			switch {
			case r == '"' || r == '\\':
				b.WriteString(`\` + string(r))
			case r < 0x20 || rapid.Bool().Draw(t, "escape"):
				switch {
				case r == '\n' && rapid.Bool().Draw(t, "short"):
					b.WriteString(`\n`)
				case r == '/' && rapid.Bool().Draw(t, "short"):
					b.WriteString(`\/`)
				case r > 0xFFFF:
					hi, lo := utf16Pair(r)
					fmt.Fprintf(&b, `\u%04x\u%04X`, hi, lo)
					plain = false
				default:
					fmt.Fprintf(&b, `\u%04x`, r)
				}
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('"')
		return b.String(), plain
	}
	kind := rapid.IntRange(0, 6).Draw(t, "kind")
	if depth > 3 && kind >= 5 {
		kind = 0
	}
	switch kind {
	case 0:
		return str()
	case 1:
		return rapid.SampledFrom([]string{"0", "-0", "7", "-12", "3.25", "1e9", "-2.5E-3", "12345678901234567890", "0.0"}).Draw(t, "num"), true
	case 2:
		return rapid.SampledFrom([]string{"true", "false", "null"}).Draw(t, "lit"), true
	case 3, 4:
		n := rapid.IntRange(0, 4).Draw(t, "n")
		parts := make([]string, n)
		plain := true
		for i := range parts {
			k, kp := str()
			v, vp := jsonText(t, depth+1)
			parts[i] = ws() + k + ws() + ":" + ws() + v + ws()
			plain = plain && kp && vp
		}
		return "{" + strings.Join(parts, ",") + ws() + "}", plain
	default:
		n := rapid.IntRange(0, 4).Draw(t, "n")
		parts := make([]string, n)
		plain := true
		for i := range parts {
			v, vp := jsonText(t, depth+1)
			parts[i] = ws() + v + ws()
			plain = plain && vp
		}
		return "[" + strings.Join(parts, ",") + ws() + "]", plain
	}
}

func utf16Pair(r rune) (hi, lo rune) {
	r -= 0x10000
	return 0xD800 + r>>10, 0xDC00 + r&0x3FF
}

// Every value encoding/json reads, written any way JSON allows, is read the
// same by parseValue, which takes all but escaped surrogates.
func TestParseValue_RandomValues_AgreeWithEncodingJSON(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		text, plain := jsonText(t, 0)
		body := []byte(" " + text + "\n")
		if _, err := decodeJSON(body, true); err != nil {
			t.Fatalf("the generator wrote invalid JSON %q: %v", body, err)
		}
		if ok := agrees(t, body); plain && !ok {
			t.Fatalf("parseValue does not take %q", body)
		}
		// A cut body is never taken unless encoding/json reads it too.
		if cut := rapid.IntRange(0, len(body)).Draw(t, "cut"); utf8.Valid(body[:cut]) {
			agrees(t, body[:cut])
		}
	})
}

func FuzzParseValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,"x",true,null,{}]}`, `"\u00e9\n"`, `-0.5e3`, `[[]]`, "\"\xff\"", `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		agrees(t, body)
	})
}
