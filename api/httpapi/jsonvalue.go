package httpapi

import (
	"encoding/json"
	"unicode/utf8"
)

// maxFastDepth bounds the nesting parseValue takes on; deeper bodies go to
// encoding/json, which has its own bound and words the error.
const maxFastDepth = 64

// parseValue decodes body as a json.Decoder with UseNumber decodes one JSON
// value into an any (objects as map[string]any, arrays as []any, empty ones
// non-nil, numbers as json.Number, last duplicate key wins), for bodies
// that hold one value and nothing but JSON whitespace after it. ok is false
// for anything else, and for what it leaves to encoding/json: invalid JSON,
// invalid UTF-8 in a string (encoding/json replaces it), an escaped
// surrogate, nesting past maxFastDepth. Request bodies are small and
// plain; reading them without the decoder's scanner and reflection costs a
// fraction of its time and allocations.
//
// unique is false when an object repeats a key: the map keeps the last,
// where decoding into a struct decodes each (see bindValue).
func parseValue(body []byte) (v any, unique, ok bool) {
	p := valueParser{b: body}
	p.space()
	v, ok = p.value()
	if !ok {
		return nil, false, false
	}
	p.space()
	return v, !p.dups, p.i == len(p.b)
}

type valueParser struct {
	b     []byte
	i     int
	depth int
	dups  bool // an object repeated a key
}

func (p *valueParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *valueParser) value() (any, bool) {
	if p.i >= len(p.b) {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, ok := p.str()
		return s, ok
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, false
}

func (p *valueParser) literal(word string) bool {
	if len(p.b)-p.i < len(word) || string(p.b[p.i:p.i+len(word)]) != word {
		return false
	}
	p.i += len(word)
	return true
}

func (p *valueParser) object() (any, bool) {
	m := make(map[string]any)
	for more, ok := p.open('}'); more || !ok; more, ok = p.next('}') {
		if !ok || p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, false
		}
		k, ok := p.str()
		if !ok {
			return nil, false
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.space()
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		if _, seen := m[k]; seen {
			p.dups = true
		}
		m[k] = v
	}
	return m, true
}

func (p *valueParser) array() (any, bool) {
	a := make([]any, 0)
	for more, ok := p.open(']'); more || !ok; more, ok = p.next(']') {
		if !ok {
			return nil, false
		}
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		a = append(a, v)
	}
	return a, true
}

// open steps over the opening bracket at p.i of an object or array that
// closing ends, and over closing too when it is empty: more reports
// whether a member follows.
func (p *valueParser) open(closing byte) (more, ok bool) {
	if p.depth++; p.depth > maxFastDepth {
		return false, false
	}
	p.i++
	p.space()
	if p.i < len(p.b) && p.b[p.i] == closing {
		p.i++
		p.depth--
		return false, true
	}
	return true, true
}

// next steps over what follows a member: a comma (more members) or
// closing (the end).
func (p *valueParser) next(closing byte) (more, ok bool) {
	p.space()
	if p.i >= len(p.b) {
		return false, false
	}
	switch p.b[p.i] {
	case ',':
		p.i++
		p.space()
		return true, true
	case closing:
		p.i++
		p.depth--
		return false, true
	}
	return false, false
}

// str reads a string at p.i (its opening quote).
func (p *valueParser) str() (string, bool) {
	p.i++ // "
	start := p.i
	ascii := true
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '"':
			raw := p.b[start:p.i]
			p.i++
			if !ascii && !utf8.Valid(raw) {
				return "", false
			}
			return string(raw), true
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		p.i++
	}
	return "", false
}

// escaped finishes a string that started at start and has an escape at
// p.i.
func (p *valueParser) escaped(start int) (string, bool) {
	out := make([]byte, p.i-start, p.i-start+16)
	copy(out, p.b[start:p.i])
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(out) {
				return "", false
			}
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.b) {
			return "", false
		}
		p.i += 2
		switch e := p.b[p.i-1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok || r >= 0xD800 && r < 0xE000 {
				return "", false
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
	}
	return "", false
}

func (p *valueParser) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.i += 4
	return r, true
}

// number reads a number as JSON's grammar has it, keeping its text.
func (p *valueParser) number() (any, bool) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case p.digits() == 0:
		return nil, false
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			return nil, false
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return nil, false
		}
	}
	return json.Number(p.b[start:p.i]), true
}

func (p *valueParser) digits() int {
	n := 0
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}
