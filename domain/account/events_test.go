package account_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"casework/domain"
	"casework/domain/account"
)

var update = flag.Bool("update", false, "rewrite golden files")

// samples holds one realistic payload per event type.
func samples() []domain.Payload {
	return []domain.Payload{
		account.Created{AccountID: accountID, Username: "li.xiaohong", DisplayName: "李晓红",
			Role: domain.RoleSocialWorker, OrgUnit: "station-xinhua", PasswordHash: goodHash},
		account.RoleChanged{AccountID: accountID, Role: domain.RoleSupervisor, OrgUnit: "station-xinhua",
			PreviousRole: domain.RoleSocialWorker, PreviousOrgUnit: "station-xinhua", Reason: "经镇党委研究，任命为社工站站长"},
		account.Disabled{AccountID: accountID, Reason: "合同期满离职"},
		account.Enabled{AccountID: accountID, Reason: "重新入职"},
		account.PasswordChanged{AccountID: accountID, PasswordHash: goodHash, Reset: true},
	}
}

func registry(tb testing.TB) *domain.Registry {
	tb.Helper()
	r := domain.NewRegistry()
	account.RegisterEvents(r)
	return r
}

func TestEvents_Golden(t *testing.T) {
	r := registry(t)
	for _, p := range samples() {
		t.Run(p.EventType(), func(t *testing.T) {
			name, schema, data, err := r.Encode(p)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := json.Indent(&buf, data, "", "  "); err != nil {
				t.Fatal(err)
			}
			buf.WriteByte('\n')
			path := filepath.Join("testdata", "events", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("%s encoding changed:\n got %s\nwant %s", name, buf.Bytes(), want)
			}
			// The stored file must decode back to the sample.
			back, err := r.Decode(name, schema, want)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, p) {
				t.Fatalf("round trip: got %#v, want %#v", back, p)
			}
		})
	}
}

func TestEvents_EveryTypeRegisteredAndSampled(t *testing.T) {
	r := registry(t)
	want := []string{account.TypeCreated, account.TypeDisabled, account.TypeEnabled,
		account.TypePasswordChanged, account.TypeRoleChanged}
	if got := r.Names(); !reflect.DeepEqual(got, want) {
		t.Fatalf("registered %v, want %v", got, want)
	}
	seen := map[string]bool{}
	for _, p := range samples() {
		seen[p.EventType()] = true
	}
	for _, n := range want {
		if !seen[n] {
			t.Errorf("no golden sample for %s", n)
		}
	}
}
