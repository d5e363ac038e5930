package eventstore_test

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casework/eventstore"
)

// DecodeMetadata must take exactly what encoding/json takes, and give
// exactly what it gives: metadata as json.Marshal writes it, then every
// kind of change a byte at a time can make to it.
func TestDecodeMetadata_AgreesWithEncodingJSON(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 11))
	var valid []string
	for i := range 300 {
		m := eventstore.Metadata{
			Actor: pick(rnd, "u-1", "社工张伟", "", "a\"b", "<x&y>", "tab\there"), Role: pick(rnd, "social_worker", "auditor", ""),
			OrgUnit: pick(rnd, "org-3", "城关镇", ""), CorrelationID: pick(rnd, "", "c-9"), CausationID: pick(rnd, "", "e-1"),
			Reason: pick(rnd, "", "家属要求", "line\nbreak", "\u2028"), Schema: rnd.IntN(4) - 1 + i%2*1000,
			OccurredAt: time.Date(2026, 1+time.Month(rnd.IntN(12)), 1+rnd.IntN(28), rnd.IntN(24), 0, 0, rnd.IntN(3)*500_000_000, pickZone(rnd)),
		}
		if rnd.IntN(3) == 0 {
			m.Extra = map[string]string{"k": pick(rnd, "v", "值", "q\"")}
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		valid = append(valid, string(b))
	}
	valid = append(valid, `{}`, ` { } `, `{"extra":{}}`, `{"extra":{"a":"1"},"extra":{"b":"2"}}`, `{"actor":"x","actor":"y"}`,
		`{"Actor":"x"}`, `{"actor":null}`, `{"schema":-0}`, `{"schema":1e2}`, `{"schema":01}`, `{"schema":1.0}`,
		`{"schema":99999999999999999999}`, `{"schema":"1"}`, `{"occurred_at":"2026-13-01T00:00:00Z"}`,
		`{"occurred_at":"2026-01-01T00:00:00Z"}`, `{"extra":null}`, `{"extra":{"a":1}}`, `{"unknown":[1,{"a":"b"}]}`,
		"{\"actor\":\"\xff\"}", `{"actor":"x"} {}`, `{"actor":"x",}`, `[]`, ``, `null`, `{"actor":"\u00e9"}`)
	alphabet := []byte(`{}[]":,\ -0123456789.eE/nultrfaxz` + "\t\n\x00\xff\xc3\xa9")
	check := func(in string) {
		t.Helper()
		got, gotErr := eventstore.DecodeMetadata([]byte(in))
		var want eventstore.Metadata
		wantErr := json.Unmarshal([]byte(in), &want)
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("%q: error %v, encoding/json's %v", in, gotErr, wantErr)
		}
		// DeepEqual, not cmp.Equal: times must match in location too.
		if wantErr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: decoded differently from encoding/json:\n%s", in, cmp.Diff(want, got))
		}
	}
	for _, in := range valid {
		check(in)
		for range 60 {
			b := []byte(in)
			switch pos := rnd.IntN(len(b) + 1); rnd.IntN(3) {
			case 0: // replace
				if pos < len(b) {
					b[pos] = alphabet[rnd.IntN(len(alphabet))]
				}
			case 1: // insert
				b = append(b[:pos], append([]byte{alphabet[rnd.IntN(len(alphabet))]}, b[pos:]...)...)
			default: // delete
				if pos < len(b) {
					b = append(b[:pos], b[pos+1:]...)
				}
			}
			check(string(b))
		}
	}
}

func pick(rnd *rand.Rand, s ...string) string { return s[rnd.IntN(len(s))] }

func pickZone(rnd *rand.Rand) *time.Location {
	if rnd.IntN(2) == 0 {
		return time.UTC
	}
	return time.FixedZone("CST", 8*3600)
}

// EncodeMetadata must write exactly what json.Marshal writes, and fail
// where it fails: every string that needs escaping, times in other zones
// and out of range, extra maps empty, nil and of several keys.
func TestEncodeMetadata_AgreesWithEncodingJSON(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 5))
	strs := []string{"", "u-1", "社工张伟", "a\"b", `back\slash`, "<x>", "a&b", "tab\there", "nul\x00", "\x7f",
		"line\u2028sep", "para\u2029", "\xe2\x80", "bad\xff", "é", "\U0001F600", "\ufffd", "0190a7c2-0000-7000-8000-00000000a001"}
	zones := []*time.Location{time.UTC, time.FixedZone("UTC", 0), time.FixedZone("CST", 8*3600), time.FixedZone("far", 25*3600), time.Local}
	for i := range 5000 {
		m := eventstore.Metadata{
			Actor: pick(rnd, strs...), Role: pick(rnd, strs...), OrgUnit: pick(rnd, strs...),
			CorrelationID: pick(rnd, strs...), CausationID: pick(rnd, strs...), Reason: pick(rnd, strs...),
			Schema:     []int{0, 1, -1, 7, 1 << 40, -1 << 62}[rnd.IntN(6)],
			OccurredAt: time.Date([]int{2026, 1, 0, -1, 9999, 10000}[rnd.IntN(6)], time.Month(1+rnd.IntN(12)), 1+rnd.IntN(28), rnd.IntN(24), rnd.IntN(60), rnd.IntN(60), []int{0, 1, 500_000_000, 123_456_789}[rnd.IntN(4)], zones[rnd.IntN(len(zones))]),
		}
		if i%7 == 0 {
			m.OccurredAt = time.Time{}
		}
		switch rnd.IntN(4) {
		case 0:
			m.Extra = map[string]string{}
		case 1:
			m.Extra = map[string]string{pick(rnd, strs...): pick(rnd, strs...)}
		case 2:
			m.Extra = map[string]string{}
			for range 1 + rnd.IntN(4) {
				m.Extra[pick(rnd, strs...)] = pick(rnd, strs...)
			}
		}
		got, gotErr := eventstore.EncodeMetadata(&m)
		want, wantErr := json.Marshal(m)
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("%+v: error %v, encoding/json's %v", m, gotErr, wantErr)
		}
		if string(got) != string(want) {
			t.Fatalf("%+v: encoded\n%s\nencoding/json wrote\n%s", m, got, want)
		}
	}
}
