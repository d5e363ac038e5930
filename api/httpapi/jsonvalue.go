package httpapi

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"casework/eventstore/jsonscan"
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

func (p *valueParser) space() { p.i = jsonscan.Space(p.b, p.i) }

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
		end, ok := jsonscan.Number(p.b, p.i)
		n := json.Number(p.b[p.i:end])
		p.i = end
		return n, ok
	}
	end, ok := jsonscan.Literal(p.b, p.i)
	var v any
	switch string(p.b[p.i:end]) {
	case "true":
		v = true
	case "false":
		v = false
	}
	p.i = end
	return v, ok
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

// str reads the string whose opening quote is at p.i.
func (p *valueParser) str() (string, bool) {
	end, escaped, ok := jsonscan.String(p.b, p.i)
	if !ok {
		return "", false
	}
	raw := p.b[p.i+1 : end-1]
	p.i = end
	if escaped {
		return unescape(raw)
	}
	if !utf8.Valid(raw) {
		return "", false
	}
	return string(raw), true
}

// unescape decodes the escapes of raw, a string's bytes between its quotes
// that jsonscan.String took. ok is false for an escaped surrogate or
// invalid UTF-8, which encoding/json replaces.
func unescape(raw []byte) (string, bool) {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch e := raw[i]; e {
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
			r, err := strconv.ParseUint(string(raw[i+1:i+5]), 16, 32)
			if err != nil || r >= 0xD800 && r < 0xE000 {
				return "", false
			}
			out = utf8.AppendRune(out, rune(r))
			i += 4
		default: // '"', '\\', '/'
			out = append(out, e)
		}
	}
	if !utf8.Valid(out) {
		return "", false
	}
	return string(out), true
}
