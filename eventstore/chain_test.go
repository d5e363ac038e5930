package eventstore_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/eventstore"
)

var update = flag.Bool("update", false, "rewrite golden files")

func goldenEvent() (string, uuid.UUID, eventstore.Metadata, []byte) {
	id := uuid.MustParse("0190a7c2-5e4b-7c3d-8a1b-2c3d4e5f6a7b")
	m := eventstore.Metadata{
		Actor: "account-7", Role: "social_worker", OrgUnit: "station-临江镇",
		CorrelationID: "req-1", CausationID: "cmd-1", Reason: "入户走访补录",
		Schema: 2, OccurredAt: time.Date(2026, 3, 30, 9, 15, 0, 123456789, time.UTC),
		Extra: map[string]string{"b": "2", "a": "1"},
	}
	return "case-0190a7c2-5e4b-7c3d-8a1b-2c3d4e5f6a7b", id, m, []byte(`{"client":"张三","minutes":45}`)
}

// The canonical encoding and the chain hash never change once shipped: this
// test pins both.
func TestCanonical_Golden(t *testing.T) {
	stream, id, m, data := goldenEvent()
	got := hex.EncodeToString(eventstore.Canonical(stream, 3, id, "ServiceDelivered", data, &m)) + "\n" +
		hex.EncodeToString(eventstore.SHA256.NextHash(nil, stream, 0, id, "ServiceDelivered", data, &m)) + "\n"
	const path = "testdata/canonical_v1.golden"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("canonical encoding changed:\n got %s\nwant %s", got, want)
	}
}

func TestCanonical_EveryFieldChangesTheHash(t *testing.T) {
	stream, id, m, data := goldenEvent()
	base := hex.EncodeToString(eventstore.SHA256.NextHash(nil, stream, 1, id, "T", data, &m))
	mutations := map[string]func(s *string, r *uint64, i *uuid.UUID, typ *string, d *[]byte, m *eventstore.Metadata){
		"stream":   func(s *string, _ *uint64, _ *uuid.UUID, _ *string, _ *[]byte, _ *eventstore.Metadata) { *s += "0" },
		"revision": func(_ *string, r *uint64, _ *uuid.UUID, _ *string, _ *[]byte, _ *eventstore.Metadata) { *r = 2 },
		"id":       func(_ *string, _ *uint64, i *uuid.UUID, _ *string, _ *[]byte, _ *eventstore.Metadata) { i[15] ^= 1 },
		"type":     func(_ *string, _ *uint64, _ *uuid.UUID, t *string, _ *[]byte, _ *eventstore.Metadata) { *t = "U" },
		"data": func(_ *string, _ *uint64, _ *uuid.UUID, _ *string, d *[]byte, _ *eventstore.Metadata) {
			*d = []byte(`{"client":"张四","minutes":45}`)
		},
		"actor": func(_ *string, _ *uint64, _ *uuid.UUID, _ *string, _ *[]byte, m *eventstore.Metadata) { m.Actor = "x" },
		"role":  func(_ *string, _ *uint64, _ *uuid.UUID, _ *string, _ *[]byte, m *eventstore.Metadata) { m.Role = "x" },
		"org_unit": func(_ *string, _ *uint64, _ *uuid.UUID, _ *string, _ *[]byte, m *eventstore.Metadata) {
			m.OrgUnit = "x"
		},
		"correlation": func(_ *string, _ *uint64, _ *uuid.UUID, _ *string, _ *[]byte, m *eventstore.Metadata) {
			m.CorrelationID = "x"
		},
		"causation": func(_ *string, _ *uint64, _ *uuid.UUID, _ *string, _ *[]byte, m *eventstore.Metadata) {
			m.CausationID = "x"
		},
		"reason": func(_ *string, _ *uint64, _ *uuid.UUID, _ *string, _ *[]byte, m *eventstore.Metadata) { m.Reason = "x" },
		"schema": func(_ *string, _ *uint64, _ *uuid.UUID, _ *string, _ *[]byte, m *eventstore.Metadata) { m.Schema = 3 },
		"occurred_at": func(_ *string, _ *uint64, _ *uuid.UUID, _ *string, _ *[]byte, m *eventstore.Metadata) {
			m.OccurredAt = m.OccurredAt.Add(1)
		},
		"extra": func(_ *string, _ *uint64, _ *uuid.UUID, _ *string, _ *[]byte, m *eventstore.Metadata) {
			m.Extra = map[string]string{"a": "1", "b": "3"}
		},
		// A field boundary moved: "ab"+"c" must not hash like "a"+"bc".
		"boundary": func(_ *string, _ *uint64, _ *uuid.UUID, _ *string, _ *[]byte, m *eventstore.Metadata) {
			m.Actor, m.Role = m.Actor+"s", m.Role[1:]
		},
	}
	for name, mut := range mutations {
		s, r, i, typ, d := stream, uint64(1), id, "T", append([]byte(nil), data...)
		mm := m
		mm.Extra = map[string]string{"a": "1", "b": "2"}
		mut(&s, &r, &i, &typ, &d, &mm)
		if hex.EncodeToString(eventstore.SHA256.NextHash(nil, s, r, i, typ, d, &mm)) == base {
			t.Errorf("changing %s did not change the hash", name)
		}
	}
}

func TestValidateStreamName(t *testing.T) {
	good := "case-" + uuid.Must(uuid.NewV7()).String()
	if err := eventstore.ValidateStreamName(good); err != nil {
		t.Fatalf("%s: %v", good, err)
	}
	for _, bad := range []string{"", "case", "-" + uuid.Nil.String(), "Case-" + uuid.Nil.String(),
		"case-" + uuid.Nil.String() + "x", "case-" + "0190A7C2-5E4B-7C3D-8A1B-2C3D4E5F6A7B", "case-0190a7c2-5e4b-7c3d-8a1b-2c3d4e5f6a7B",
		"case-0190a7c25e4b7c3d8a1b2c3d4e5f6a7b", "case-{0190a7c2-5e4b-7c3d-8a1b-2c3d4e5f6a7b}", "case-urn:uuid:0190a7c2-5e4b-7c3d-8a1b-2c3d4e5f6a7b",
		"1case-" + uuid.Nil.String(),
		"案件-" + uuid.Nil.String(), "case_with_a_very_long_category_name_x-" + uuid.Nil.String()} {
		err := eventstore.ValidateStreamName(bad)
		var ie *eventstore.InputError
		if !errors.As(err, &ie) || ie.Field != "stream" || !errors.Is(err, eventstore.ErrInvalidInput) {
			t.Errorf("%q: got %v, want an InputError on stream", bad, err)
		}
	}
}

func TestExpectedRevision_Matches(t *testing.T) {
	cases := []struct {
		e      eventstore.ExpectedRevision
		actual int64
		want   bool
	}{
		{eventstore.Any, -1, true}, {eventstore.Any, 4, true},
		{eventstore.NoStream, -1, true}, {eventstore.NoStream, 0, false},
		{eventstore.StreamExists, -1, false}, {eventstore.StreamExists, 0, true},
		{eventstore.Exact(0), -1, false}, {eventstore.Exact(0), 0, true}, {eventstore.Exact(3), 4, false},
	}
	for _, c := range cases {
		if got := c.e.Matches(c.actual); got != c.want {
			t.Errorf("%s.Matches(%d) = %v", c.e, c.actual, got)
		}
	}
}

// NextHash is H(prev ‖ Canonical(...)) on every call, also when it reuses
// the buffer a larger event left behind.
func TestNextHash_IsTheHashOfPrevAndCanonical(t *testing.T) {
	stream, id, m, data := goldenEvent()
	prev := sha256.Sum256([]byte("prev"))
	for i, d := range [][]byte{bytes.Repeat(data, 40), data, []byte(`{}`), data} {
		h := sha256.New()
		h.Write(prev[:])
		h.Write(eventstore.Canonical(stream, uint64(i), id, "ServiceDelivered", d, &m))
		if got := eventstore.SHA256.NextHash(prev[:], stream, uint64(i), id, "ServiceDelivered", d, &m); !bytes.Equal(got, h.Sum(nil)) {
			t.Fatalf("event %d: NextHash %x, want %x", i, got, h.Sum(nil))
		}
	}
}
