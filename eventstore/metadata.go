package eventstore

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"casework/eventstore/jsonscan"
)

// DecodeMetadata decodes stored metadata JSON as encoding/json's Unmarshal
// would into a zero Metadata: the same result for the same input, and an
// error for the same inputs. It reads the layout json.Marshal writes
// directly (a store reads metadata with every event, so this is on every
// read path); anything else (escaped or non-UTF-8 strings, keys it does not
// know by their exact name, nulls, other number forms, malformed JSON) goes
// to encoding/json.
// Errors: encoding/json's, for input that is not valid JSON or does not fit
// Metadata.
func DecodeMetadata(b []byte) (Metadata, error) {
	var m Metadata
	if plainMetadata(b, &m) {
		return m, nil
	}
	m = Metadata{}
	err := json.Unmarshal(b, &m)
	return m, err
}

// plainMetadata decodes b into m when b is an object whose keys are
// Metadata's JSON names and whose values are plain strings (no escapes,
// valid UTF-8), a plain integer schema and an extra object of plain
// strings; it reports false, leaving m partly written, for anything else.
func plainMetadata(b []byte, m *Metadata) bool {
	i := jsonscan.Space(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = jsonscan.Space(b, i+1)
	if i < len(b) && b[i] == '}' {
		return jsonscan.Space(b, i+1) == len(b)
	}
	for {
		key, j, ok := plainString(b, i)
		if !ok {
			return false
		}
		if i = jsonscan.Space(b, j); i >= len(b) || b[i] != ':' {
			return false
		}
		i = jsonscan.Space(b, i+1)
		var s []byte
		switch string(key) {
		case "actor", "role", "org_unit", "correlation_id", "causation_id", "reason":
			if s, i, ok = plainString(b, i); !ok {
				return false
			}
			*metadataString(m, string(key)) = string(s)
		case "schema":
			if m.Schema, i, ok = plainInt(b, i); !ok {
				return false
			}
		case "occurred_at":
			start := i
			if _, i, ok = plainString(b, i); !ok || m.OccurredAt.UnmarshalJSON(b[start:i]) != nil {
				return false
			}
		case "extra":
			if i, ok = plainExtra(b, i, m); !ok {
				return false
			}
		default:
			return false
		}
		i = jsonscan.Space(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = jsonscan.Space(b, i+1)
		case '}':
			return jsonscan.Space(b, i+1) == len(b)
		default:
			return false
		}
	}
}

// metadataString returns m's string field of JSON name key.
func metadataString(m *Metadata, key string) *string {
	switch key {
	case "actor":
		return &m.Actor
	case "role":
		return &m.Role
	case "org_unit":
		return &m.OrgUnit
	case "correlation_id":
		return &m.CorrelationID
	case "causation_id":
		return &m.CausationID
	}
	return &m.Reason
}

// plainExtra decodes the object of plain strings at b[i] into m.Extra,
// adding to what an earlier "extra" put there as encoding/json does.
func plainExtra(b []byte, i int, m *Metadata) (int, bool) {
	if i >= len(b) || b[i] != '{' {
		return i, false
	}
	if m.Extra == nil {
		m.Extra = map[string]string{}
	}
	i = jsonscan.Space(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		k, j, ok := plainString(b, i)
		if !ok {
			return i, false
		}
		if i = jsonscan.Space(b, j); i >= len(b) || b[i] != ':' {
			return i, false
		}
		v, j, ok := plainString(b, jsonscan.Space(b, i+1))
		if !ok {
			return i, false
		}
		m.Extra[string(k)] = string(v)
		if i = jsonscan.Space(b, j); i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = jsonscan.Space(b, i+1)
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// plainString returns the content of the string starting at b[i] and the
// position past its closing quote, when it holds no escape, no control
// character and only valid UTF-8 (what encoding/json would take as is).
func plainString(b []byte, i int) (s []byte, end int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	ascii := true
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			s = b[i+1 : j]
			return s, j + 1, ascii || utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, j, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, len(b), false
}

// plainInt returns the integer at b[i] when it is written as JSON writes
// an int (and -0, which decodes to 0 either way): an optional minus and
// digits without a leading zero, short enough not to overflow.
func plainInt(b []byte, i int) (n, end int, ok bool) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	digits := j
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == digits || j-digits > 18 || (b[digits] == '0' && j-digits > 1) {
		return 0, i, false
	}
	n, err := strconv.Atoi(string(b[i:j]))
	return n, j, err == nil
}
