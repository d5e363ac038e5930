package privacy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"casework/domain"
	"casework/domain/privacy"
)

func TestPurposeFor_EachRole(t *testing.T) {
	want := map[domain.Role]string{
		domain.RoleSocialWorker: privacy.PurposeCasework,
		domain.RoleSupervisor:   privacy.PurposeSupervision,
		domain.RoleAuditor:      privacy.PurposeAudit,
		domain.RoleAgencyWorker: privacy.PurposeReferral,
	}
	for _, role := range append(domain.Roles(), domain.RoleSystem, "") {
		got, ok := privacy.PurposeFor(role)
		if w, has := want[role]; got != w || ok != has {
			t.Errorf("PurposeFor(%q) = %q, %v; want %q, %v", role, got, ok, w, has)
		}
	}
}

func TestRecordRead_Accepted(t *testing.T) {
	got, err := privacy.RecordRead(cmdAs(domain.RoleSupervisor), privacy.ReadInput{
		Stream: " case-0192f0c4-5b7e-7a31-9c1e-4d2f8a6b3c10 ",
		Fields: []string{"client.name", " ", "client.resident_id", " client.name "},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := privacy.SensitiveDataRead{Stream: "case-0192f0c4-5b7e-7a31-9c1e-4d2f8a6b3c10",
		Fields: []string{"client.name", "client.resident_id"}, Purpose: privacy.PurposeSupervision}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatal(diff)
	}
	got, err = privacy.RecordRead(cmdAs(domain.RoleAgencyWorker), privacy.ReadInput{Stream: "referral-x", Fields: []string{"client.name"}})
	if err != nil || got.Purpose != privacy.PurposeReferral {
		t.Fatalf("agency worker: %+v, %v", got, err)
	}
}

func TestRecordRead_Refused(t *testing.T) {
	good := privacy.ReadInput{Stream: "case-1", Fields: []string{"client.name"}}
	tests := []struct {
		name string
		cmd  domain.Cmd
		in   privacy.ReadInput
		rule string
		kind domain.Kind
	}{
		{"admin", cmdBy(admin), good, "privacy.read.role_without_purpose", domain.KindForbidden},
		{"county manager", cmdAs(domain.RoleCountyManager), good, "privacy.read.role_without_purpose", domain.KindForbidden},
		{"bureau officer", cmdAs(domain.RoleBureauOfficer), good, "privacy.read.role_without_purpose", domain.KindForbidden},
		{"evaluator", cmdAs(domain.RoleEvaluator), good, "privacy.read.role_without_purpose", domain.KindForbidden},
		{"system", cmdBy(operator), good, "privacy.read.role_without_purpose", domain.KindForbidden},
		{"no stream", cmdAs(domain.RoleSocialWorker), privacy.ReadInput{Stream: " ", Fields: good.Fields}, "privacy.read.stream_required", domain.KindInvalid},
		{"no fields", cmdAs(domain.RoleSocialWorker), privacy.ReadInput{Stream: "case-1"}, "privacy.read.fields_required", domain.KindInvalid},
		{"blank fields", cmdAs(domain.RoleAuditor), privacy.ReadInput{Stream: "case-1", Fields: []string{"", " "}}, "privacy.read.fields_required", domain.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := privacy.RecordRead(tt.cmd, tt.in)
			if !cmp.Equal(got, privacy.SensitiveDataRead{}) {
				t.Fatalf("refused read returned %+v", got)
			}
			wantRule(t, err, tt.rule, tt.kind)
		})
	}
}

func TestRecordRead_Invalid_ReportsEveryField(t *testing.T) {
	_, err := privacy.RecordRead(cmdAs(domain.RoleSocialWorker), privacy.ReadInput{})
	es := domain.RuleErrors(err)
	if len(es) != 2 || es[0].Rule != "privacy.read.stream_required" || es[1].Rule != "privacy.read.fields_required" {
		t.Fatalf("errors = %v", es)
	}
}
