// Package jsonscan finds where JSON values end in an event's data without
// decoding them, for code that reads or rewrites a few members and copies
// the rest byte for byte. It looks only at what finding an end needs
// (quotes, escapes, brackets, delimiters): callers check the values they
// use.
package jsonscan

// Space returns the position of the first byte at or after pos that is
// not JSON white space (len(in) if there is none).
func Space(in []byte, pos int) int {
	for pos < len(in) {
		switch in[pos] {
		case ' ', '\t', '\r', '\n':
			pos++
		default:
			return pos
		}
	}
	return pos
}

// Value returns the end of the value that starts at pos: past a string's
// closing quote (escapes honoured), past the bracket that closes an
// object or array (strings inside skipped), or for a number or literal at
// the next delimiter or the end of in. ok is false when nothing starts at
// pos or the value is not terminated.
func Value(in []byte, pos int) (end int, ok bool) {
	if pos >= len(in) {
		return pos, false
	}
	switch in[pos] {
	case '"':
		return str(in, pos)
	case '{', '[':
		depth := 0
		for pos < len(in) {
			switch in[pos] {
			case '"':
				if pos, ok = str(in, pos); !ok {
					return pos, false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return pos + 1, true
				}
			}
			pos++
		}
		return pos, false
	}
	start := pos
	for pos < len(in) {
		switch in[pos] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return pos, pos > start
		}
		pos++
	}
	return pos, pos > start
}

// str returns the end of the string whose opening quote is at pos.
func str(in []byte, pos int) (int, bool) {
	pos++
	for pos < len(in) {
		switch in[pos] {
		case '\\':
			pos += 2
			continue
		case '"':
			return pos + 1, true
		}
		pos++
	}
	return pos, false
}

// maxDepth is encoding/json's bound on nesting, past which it reports
// invalid JSON.
const maxDepth = 10000

// Valid reports whether in is one JSON value with only white space around
// it: what encoding/json's Valid reports (strings are not checked for
// UTF-8, as there), at a fraction of its cost.
func Valid(in []byte) bool {
	pos, ok := valid(in, Space(in, 0), 0)
	return ok && Space(in, pos) == len(in)
}

func valid(in []byte, pos, depth int) (int, bool) {
	if pos >= len(in) {
		return pos, false
	}
	switch c := in[pos]; {
	case c == '"':
		end, _, ok := String(in, pos)
		return end, ok
	case c == '{' || c == '[':
		if depth++; depth > maxDepth {
			return pos, false
		}
		closing := byte(']')
		if c == '{' {
			closing = '}'
		}
		pos = Space(in, pos+1)
		if pos < len(in) && in[pos] == closing {
			return pos + 1, true
		}
		for {
			var ok bool
			if closing == '}' {
				if pos >= len(in) || in[pos] != '"' {
					return pos, false
				}
				if pos, _, ok = String(in, pos); !ok {
					return pos, false
				}
				if pos = Space(in, pos); pos >= len(in) || in[pos] != ':' {
					return pos, false
				}
				pos = Space(in, pos+1)
			}
			if pos, ok = valid(in, pos, depth); !ok {
				return pos, false
			}
			if pos = Space(in, pos); pos >= len(in) {
				return pos, false
			}
			switch in[pos] {
			case ',':
				pos = Space(in, pos+1)
			case closing:
				return pos + 1, true
			default:
				return pos, false
			}
		}
	case c == '-' || c >= '0' && c <= '9':
		return Number(in, pos)
	}
	return Literal(in, pos)
}

// Literal returns the end of the true, false or null at pos; ok is false
// when none is there.
func Literal(in []byte, pos int) (end int, ok bool) {
	for _, word := range [...]string{"true", "false", "null"} {
		if len(in)-pos >= len(word) && string(in[pos:pos+len(word)]) == word {
			return pos + len(word), true
		}
	}
	return pos, false
}

// String checks the string whose opening quote is at pos as JSON's grammar
// has it (no control characters, only JSON's escapes; bytes are not
// checked for UTF-8) and returns its end, past the closing quote. escaped
// reports whether it holds an escape.
func String(in []byte, pos int) (end int, escaped, ok bool) {
	for pos++; pos < len(in); pos++ {
		switch c := in[pos]; {
		case c == '"':
			return pos + 1, escaped, true
		case c < 0x20:
			return pos, escaped, false
		case c == '\\':
			escaped = true
			if pos+1 >= len(in) {
				return pos, escaped, false
			}
			pos++
			switch in[pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(in)-pos <= 4 {
					return pos, escaped, false
				}
				for _, h := range in[pos+1 : pos+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return pos, escaped, false
					}
				}
				pos += 4
			default:
				return pos, escaped, false
			}
		}
	}
	return pos, escaped, false
}

// Number returns the end of the number at pos as JSON's grammar has it
// (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?); ok is false when none
// is there.
func Number(in []byte, pos int) (end int, ok bool) {
	digits := func() int {
		start := pos
		for pos < len(in) && in[pos] >= '0' && in[pos] <= '9' {
			pos++
		}
		return pos - start
	}
	if pos < len(in) && in[pos] == '-' {
		pos++
	}
	switch {
	case pos < len(in) && in[pos] == '0':
		pos++
	case digits() == 0:
		return pos, false
	}
	if pos < len(in) && in[pos] == '.' {
		pos++
		if digits() == 0 {
			return pos, false
		}
	}
	if pos < len(in) && (in[pos] == 'e' || in[pos] == 'E') {
		pos++
		if pos < len(in) && (in[pos] == '+' || in[pos] == '-') {
			pos++
		}
		if digits() == 0 {
			return pos, false
		}
	}
	return pos, true
}
