package feed_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"

	"casework/domain/catalog"
	"casework/eventstore"
	"casework/projections/feed"
)

func recorded(t *testing.T, typ string, schema int, data string) *eventstore.RecordedEvent {
	t.Helper()
	if !json.Valid([]byte(data)) {
		t.Fatalf("invalid JSON: %s", data)
	}
	return &eventstore.RecordedEvent{ID: uuid.New(), Stream: "case-" + uuid.NewString(), Type: typ,
		Data: json.RawMessage(data), Metadata: eventstore.Metadata{Schema: schema}}
}

func golden(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// No payload leaves with a sensitive value: current schemas, an old schema
// upcast on the way, and a member name hidden behind a JSON escape.
func TestPayload_NoSensitiveValue(t *testing.T) {
	reg := catalog.Registry()
	for _, tc := range []struct {
		name, typ string
		schema    int
		data      string
		secrets   []string
		keep      string
	}{
		{"referral", "ReferralRequested", 1, golden(t, "../../domain/referral/testdata/events/ReferralRequested.json"),
			[]string{"陈桂芳", "138 0013 8000", "老伴瘫痪在床"}, `"station_id":"station-xinhua"`},
		{"case v1 upcast", "CaseOpened", 1, golden(t, "../../domain/casefile/testdata/events/CaseOpened.v1.json"),
			[]string{"张秀兰", "510108196505120029", "13800000000", "和美社区", "独居老人"}, `"station_id"`},
		{"escaped member name", "ReferralAccepted", 1, `{"referral_id":"0195a0d1-3c4b-7a2e-8f10-6b7c8d9e0f11","re\u0061son":"家中有精神障碍患者"}`,
			[]string{"精神障碍"}, `"referral_id"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := feed.Payload(reg, recorded(t, tc.typ, tc.schema, tc.data))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.secrets {
				if strings.Contains(string(out), s) {
					t.Errorf("payload carries %q: %s", s, out)
				}
			}
			if !strings.Contains(strings.ReplaceAll(string(out), " ", ""), tc.keep) {
				t.Errorf("payload lost %s: %s", tc.keep, out)
			}
		})
	}
	if _, err := feed.Payload(reg, recorded(t, "NoSuchEvent", 1, `{"name":"x"}`)); err == nil {
		t.Error("an unknown type's payload was passed on")
	}
}

// A payload without any sensitive member is passed on as stored.
func TestPayload_NothingSensitive_Unchanged(t *testing.T) {
	ev := recorded(t, "ReferralAccepted", 1, `{"referral_id":"0195a0d1-3c4b-7a2e-8f10-6b7c8d9e0f11"}`)
	out, err := feed.Payload(catalog.Registry(), ev)
	if err != nil || string(out) != string(ev.Data) {
		t.Fatalf("%s, %v", out, err)
	}
}
