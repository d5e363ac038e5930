package audittrail

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"casework/eventstore/jsonscan"
)

// Summary is a one-line reading of an event: its type and the top-level
// scalar fields of its (already stripped) payload, in name order, cut at
// 240 bytes. Strings are shown unquoted, numbers as Go prints a float64,
// booleans as true or false; null, empty strings, objects and arrays are
// left out. A payload that is not a JSON object reads as its type alone.
func Summary(typ string, data []byte) string {
	var buf [32]member
	ms, ok := topScalars(data, buf[:0])
	if !ok {
		return typ
	}
	slices.SortStableFunc(ms, func(a, b member) int { return strings.Compare(a.key, b.key) })
	b := make([]byte, 0, 256)
	b = append(b, typ...)
	sep := ": "
	for i, m := range ms {
		// A repeated member counts once, with its last value.
		if i+1 < len(ms) && ms[i+1].key == m.key {
			continue
		}
		if m.raw == nil {
			continue
		}
		mark := len(b)
		b = append(b, sep...)
		b = append(b, m.key...)
		b = append(b, '=')
		var ok bool
		if b, ok = appendScalar(b, m.raw); !ok {
			b = b[:mark]
			continue
		}
		sep = ", "
		if len(b) > 240 {
			break
		}
	}
	if len(b) > 240 {
		return strings.ToValidUTF8(string(b[:240]), "") + "…"
	}
	return string(b)
}

// member is a top-level member of a payload: its key and, for a scalar
// shown in a summary, its JSON (nil for a member left out).
type member struct {
	key string
	raw []byte
}

// topScalars lists the members of the JSON object data. ok is false when
// data is not an object or is malformed.
func topScalars(data []byte, ms []member) (_ []member, ok bool) {
	sc := summaryScanner{in: data}
	sc.space()
	if !sc.byte('{') {
		return nil, false
	}
	sc.space()
	if sc.byte('}') {
		return ms, sc.end()
	}
	for {
		sc.space()
		k, ok := sc.str()
		if !ok {
			return nil, false
		}
		key, ok := unquote(k)
		if !ok {
			return nil, false
		}
		sc.space()
		if !sc.byte(':') {
			return nil, false
		}
		sc.space()
		v, ok := sc.value()
		if !ok {
			return nil, false
		}
		var raw []byte
		switch {
		case v[0] == '{' || v[0] == '[' || string(v) == "null" || string(v) == `""`:
		default:
			raw = v
		}
		ms = append(ms, member{key: key, raw: raw})
		sc.space()
		if sc.byte('}') {
			return ms, sc.end()
		}
		if !sc.byte(',') {
			return nil, false
		}
	}
}

// appendScalar appends the reading of a JSON string, number or boolean.
func appendScalar(b, raw []byte) ([]byte, bool) {
	switch raw[0] {
	case '"':
		s, ok := unquote(raw)
		return append(b, s...), ok
	case 't', 'f':
		switch string(raw) {
		case "true", "false":
			return append(b, raw...), true
		}
		return b, false
	}
	// The scanner's raw values hold no white space: Valid holds raw to
	// JSON's number grammar, stricter than ParseFloat's ("Inf", "0x1p3").
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || !json.Valid(raw) {
		return b, false
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64), true
}

// unquote decodes a JSON string token as encoding/json does.
func unquote(tok []byte) (string, bool) {
	inner := tok[1 : len(tok)-1]
	plain := utf8.Valid(inner)
	for _, c := range inner {
		if c == '\\' || c < 0x20 {
			plain = false
			break
		}
	}
	if plain {
		return string(inner), true
	}
	var s string
	if json.Unmarshal(tok, &s) != nil {
		return "", false
	}
	return s, true
}

// summaryScanner walks the top level of a JSON object; nested values are
// skipped whole (jsonscan).
type summaryScanner struct {
	in  []byte
	pos int
}

func (sc *summaryScanner) space() { sc.pos = jsonscan.Space(sc.in, sc.pos) }

func (sc *summaryScanner) byte(c byte) bool {
	if sc.pos < len(sc.in) && sc.in[sc.pos] == c {
		sc.pos++
		return true
	}
	return false
}

func (sc *summaryScanner) end() bool {
	sc.space()
	return sc.pos == len(sc.in)
}

// str moves past a string token and returns it, quotes included.
func (sc *summaryScanner) str() ([]byte, bool) {
	if sc.pos >= len(sc.in) || sc.in[sc.pos] != '"' {
		return nil, false
	}
	return sc.value()
}

// value moves past one value and returns its bytes.
func (sc *summaryScanner) value() ([]byte, bool) {
	start := sc.pos
	end, ok := jsonscan.Value(sc.in, sc.pos)
	if !ok {
		return nil, false
	}
	sc.pos = end
	return sc.in[start:end], true
}
