package eventstore

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
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

// EncodeMetadata encodes m exactly as json.Marshal does, byte for byte,
// and fails where it fails. It writes the common case directly (a store
// encodes metadata with every appended event): strings that need no
// escaping and a UTC time within years 0 to 9999; anything else goes to
// encoding/json.
// Errors: encoding/json's (a time outside years 0 to 9999).
func EncodeMetadata(m *Metadata) ([]byte, error) {
	t := m.OccurredAt
	if t.Location() != time.UTC || t.Year() < 0 || t.Year() > 9999 {
		return json.Marshal(m)
	}
	n := 128 + len(m.Actor) + len(m.Role) + len(m.OrgUnit) + len(m.CorrelationID) + len(m.CausationID) + len(m.Reason)
	for k, v := range m.Extra {
		n += 6 + len(k) + len(v)
	}
	b := make([]byte, 0, n)
	ok := true
	str := func(key, v string, omitEmpty bool) {
		if v == "" && omitEmpty {
			return
		}
		b = append(b, key...)
		b = append(b, '"')
		b = append(b, v...)
		b = append(b, '"')
		ok = ok && verbatim(v)
	}
	str(`{"actor":`, m.Actor, false)
	str(`,"role":`, m.Role, false)
	str(`,"org_unit":`, m.OrgUnit, false)
	str(`,"correlation_id":`, m.CorrelationID, true)
	str(`,"causation_id":`, m.CausationID, true)
	str(`,"reason":`, m.Reason, true)
	b = append(b, `,"schema":`...)
	b = strconv.AppendInt(b, int64(m.Schema), 10)
	b = append(b, `,"occurred_at":"`...)
	b = t.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if len(m.Extra) > 0 {
		keys := make([]string, 0, len(m.Extra))
		for k := range m.Extra {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		sep := `,"extra":{`
		for _, k := range keys {
			str(sep+`"`+k+`":`, m.Extra[k], false)
			ok = ok && verbatim(k)
			sep = ","
		}
		b = append(b, '}')
	}
	b = append(b, '}')
	if !ok {
		return json.Marshal(m)
	}
	return b, nil
}

// verbatim reports whether json.Marshal writes s as it is between its
// quotes: valid UTF-8 without control characters, quotes, backslashes,
// the HTML characters <, > and &, or U+2028 and U+2029.
func verbatim(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&':
			return false
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
			return false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return ascii || utf8.ValidString(s)
}
