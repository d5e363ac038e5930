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
