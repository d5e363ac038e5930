package privacy_test

import (
	"flag"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casework/domain"
	"casework/domain/internal/domaintest"
	"casework/domain/privacy"
)

var update = flag.Bool("update", false, "rewrite golden files")

func registerAll(r *domain.Registry) {
	privacy.RegisterEvents(r)
	privacy.RegisterAccessEvents(r)
}

// samples holds one realistic payload per event type.
func samples() []domain.Payload {
	at := time.Date(2026, 2, 27, 1, 15, 0, 0, time.UTC)
	return []domain.Payload{
		privacy.ClientForgetRequested{RequestID: req1, Reason: "服务对象本人书面申请删除其个人信息（个人信息保护法第四十七条）", RequestedAt: at},
		privacy.ClientForgetRejected{RequestID: req1, Reason: "个案仍在服务期内，结案归档后再行处理"},
		privacy.ClientForgotten{RequestID: &req2, Reason: "服务对象本人书面申请删除其个人信息", RequestedBy: "acc-admin-liu",
			ApprovedBy: "acc-admin-chen", ForgottenAt: at.Add(26 * time.Hour)},
		privacy.SensitiveDataRead{Stream: "case-0192f0c4-5b7e-7a31-9c1e-4d2f8a6b3c10",
			Fields: []string{"client.name", "client.resident_id", "client.contact.phone"}, Purpose: privacy.PurposeCasework},
	}
}

func TestEvents_Golden(t *testing.T) {
	domaintest.Golden(t, registerAll, samples(), *update,
		func(want, got domain.Payload) string { return cmp.Diff(want, got) })
}

func TestEvents_ForgottenByOperator_OmitsRequestID(t *testing.T) {
	r := domain.NewRegistry()
	privacy.RegisterEvents(r)
	_, _, data, err := r.Encode(privacy.ClientForgotten{Reason: "x", RequestedBy: "ops", ApprovedBy: "ops", ForgottenAt: now})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"reason":"x","requested_by":"ops","approved_by":"ops","forgotten_at":"2026-03-02T09:30:00Z"}`
	if string(data) != want {
		t.Fatalf("got %s\nwant %s", data, want)
	}
}

func TestEvents_TwoCategories(t *testing.T) {
	client, access := domain.NewRegistry(), domain.NewRegistry()
	privacy.RegisterEvents(client)
	privacy.RegisterAccessEvents(access)
	if got, want := client.Names(), []string{"ClientForgetRejected", "ClientForgetRequested", "ClientForgotten"}; !slices.Equal(got, want) {
		t.Errorf("client events %v, want %v", got, want)
	}
	if got, want := access.Names(), []string{"SensitiveDataRead"}; !slices.Equal(got, want) {
		t.Errorf("access events %v, want %v", got, want)
	}
	if privacy.Category != "client" || privacy.AccessCategory != "access" {
		t.Errorf("categories %q, %q", privacy.Category, privacy.AccessCategory)
	}
}

// The events must stay readable once the client's key is destroyed.
func TestEvents_NoSensitiveFields(t *testing.T) {
	r := domain.NewRegistry()
	registerAll(r)
	for _, name := range r.Names() {
		if def, _ := r.Def(name); len(def.Sensitive) != 0 {
			t.Errorf("%s has sensitive fields %v", name, def.Sensitive)
		}
	}
}
