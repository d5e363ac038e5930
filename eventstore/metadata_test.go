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
