package org_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/org"
	"casework/domain/value"
)

var (
	cityID    = uuid.MustParse("0195f3a0-0000-7000-8000-000000000001")
	countyID  = uuid.MustParse("0195f3a0-0000-7000-8000-000000000002")
	stationID = uuid.MustParse("0195f3a0-0000-7000-8000-000000000003")
	unitID    = uuid.MustParse("0195f3a0-0000-7000-8000-0000000000aa")
)

const (
	goodCredit     = "52511502MJQ123456U" // civil affairs, check digit valid
	badCheckCredit = "52511502MJQ123456A" // civil affairs, check digit wrong
	companyCredit  = "91511500MA62ABCDEN" // market registry: an enterprise
)

func TestRegister_Accepted(t *testing.T) {
	tests := []struct {
		name string
		in   org.RegisterInput
		want org.OrgUnitRegistered
	}{
		{
			name: "city at the root",
			in:   org.RegisterInput{Kind: org.KindCity, Name: " 宜宾市 ", Division: "511500"},
			want: org.OrgUnitRegistered{ID: unitID, Kind: org.KindCity, Name: "宜宾市", Division: ptr(value.MustParseDivisionCode("511500"))},
		},
		{
			name: "municipality as a city",
			in:   org.RegisterInput{Kind: org.KindCity, Name: "重庆市", Division: "500000"},
			want: org.OrgUnitRegistered{ID: unitID, Kind: org.KindCity, Name: "重庆市", Division: ptr(value.MustParseDivisionCode("500000"))},
		},
		{
			name: "county under its city",
			in: org.RegisterInput{Kind: org.KindCounty, Name: "江安县", ParentID: cityID, Division: "511523",
				ParentKind: org.KindCity, ParentDivision: value.MustParseDivisionCode("511500")},
			want: org.OrgUnitRegistered{ID: unitID, Kind: org.KindCounty, Name: "江安县", ParentID: &cityID, Division: ptr(value.MustParseDivisionCode("511523"))},
		},
		{
			name: "station under county",
			in:   org.RegisterInput{Kind: org.KindStation, Name: "江安镇社会工作服务站", ParentID: countyID, ParentKind: org.KindCounty},
			want: org.OrgUnitRegistered{ID: unitID, Kind: org.KindStation, Name: "江安镇社会工作服务站", ParentID: &countyID},
		},
		{
			name: "room under station",
			in:   org.RegisterInput{Kind: org.KindRoom, Name: "桂花社区社会工作室", ParentID: stationID, ParentKind: org.KindStation},
			want: org.OrgUnitRegistered{ID: unitID, Kind: org.KindRoom, Name: "桂花社区社会工作室", ParentID: &stationID},
		},
		{
			name: "bureau under city",
			in:   org.RegisterInput{Kind: org.KindBureau, Name: "宜宾市民政局", ParentID: cityID, ParentKind: org.KindCity},
			want: org.OrgUnitRegistered{ID: unitID, Kind: org.KindBureau, Name: "宜宾市民政局", ParentID: &cityID},
		},
		{
			name: "contractor with a valid credit code",
			in: org.RegisterInput{Kind: org.KindContractor, Name: "江安县邻里亲社会工作服务中心", ParentID: countyID,
				ParentKind: org.KindCounty, CreditCode: goodCredit},
			want: org.OrgUnitRegistered{ID: unitID, Kind: org.KindContractor, Name: "江安县邻里亲社会工作服务中心",
				ParentID: &countyID, CreditCode: ptr(value.MustParseCreditCode(goodCredit))},
		},
		{
			name: "contractor with a check-digit mismatch is flagged, not refused",
			in: org.RegisterInput{Kind: org.KindContractor, Name: "老社工机构", ParentID: countyID,
				ParentKind: org.KindCounty, CreditCode: badCheckCredit},
			want: org.OrgUnitRegistered{ID: unitID, Kind: org.KindContractor, Name: "老社工机构",
				ParentID: &countyID, CreditCode: ptr(value.MustParseCreditCode(badCheckCredit)), CreditCodeCheckDigitMismatch: true},
		},
		{
			name: "agency (an enterprise foundation) may carry any credit code",
			in: org.RegisterInput{Kind: org.KindAgency, Name: "爱心企业", ParentID: countyID,
				ParentKind: org.KindCounty, CreditCode: companyCredit},
			want: org.OrgUnitRegistered{ID: unitID, Kind: org.KindAgency, Name: "爱心企业",
				ParentID: &countyID, CreditCode: ptr(value.MustParseCreditCode(companyCredit))},
		},
		{
			name: "evaluator under city",
			in:   org.RegisterInput{Kind: org.KindEvaluator, Name: "第三方评估中心", ParentID: cityID, ParentKind: org.KindCity},
			want: org.OrgUnitRegistered{ID: unitID, Kind: org.KindEvaluator, Name: "第三方评估中心", ParentID: &cityID},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, role := range []domain.Role{domain.RoleAdmin, domain.RoleSystem} {
				ps, err := org.Register(cmdAs(role), unitID, tt.in)
				if err != nil {
					t.Fatalf("%s: %v", role, err)
				}
				if diff := cmp.Diff([]domain.Payload{tt.want}, ps, exported); diff != "" {
					t.Fatalf("events (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestRegister_Refused(t *testing.T) {
	station := org.RegisterInput{Kind: org.KindStation, Name: "站", ParentID: countyID, ParentKind: org.KindCounty}
	with := func(f func(*org.RegisterInput)) org.RegisterInput {
		in := station
		f(&in)
		return in
	}
	tests := []struct {
		name  string
		cmd   domain.Cmd
		id    uuid.UUID
		in    org.RegisterInput
		rule  string
		kind  domain.Kind
		field string
	}{
		{"social worker", cmdAs(domain.RoleSocialWorker), unitID, station, "org.register.admin_only", domain.KindForbidden, ""},
		{"county manager", cmdAs(domain.RoleCountyManager), unitID, station, "org.register.admin_only", domain.KindForbidden, ""},
		{"nil id", admin, uuid.Nil, station, "org.register.id_required", domain.KindInvalid, "id"},
		{"unknown kind", admin, unitID, with(func(in *org.RegisterInput) { in.Kind = "province" }), "org.register.kind_known", domain.KindInvalid, "kind"},
		{"blank name", admin, unitID, with(func(in *org.RegisterInput) { in.Name = "  " }), "org.register.name_valid", domain.KindInvalid, "name"},
		{"long name", admin, unitID, with(func(in *org.RegisterInput) { in.Name = string(make([]rune, 101)) }), "org.register.name_valid", domain.KindInvalid, "name"},
		{"station under city", admin, unitID, with(func(in *org.RegisterInput) { in.ParentKind = org.KindCity }), "org.register.parent_kind_allowed", domain.KindInvalid, "parent_id"},
		{"station without parent", admin, unitID, with(func(in *org.RegisterInput) { in.ParentID = uuid.Nil }), "org.register.parent_kind_allowed", domain.KindInvalid, "parent_id"},
		{"station as its own parent", admin, unitID, with(func(in *org.RegisterInput) { in.ParentID = unitID }), "org.register.parent_kind_allowed", domain.KindInvalid, "parent_id"},
		{"city with a parent", admin, unitID, org.RegisterInput{Kind: org.KindCity, Name: "市", Division: "511500", ParentID: countyID, ParentKind: org.KindCounty}, "org.register.parent_kind_allowed", domain.KindInvalid, "parent_id"},
		{"room under county", admin, unitID, org.RegisterInput{Kind: org.KindRoom, Name: "室", ParentID: countyID, ParentKind: org.KindCounty}, "org.register.parent_kind_allowed", domain.KindInvalid, "parent_id"},
		{"agency under station", admin, unitID, org.RegisterInput{Kind: org.KindAgency, Name: "慈善会", ParentID: stationID, ParentKind: org.KindStation}, "org.register.parent_kind_allowed", domain.KindInvalid, "parent_id"},
		{"bureau under bureau", admin, unitID, org.RegisterInput{Kind: org.KindBureau, Name: "局", ParentID: countyID, ParentKind: org.KindBureau}, "org.register.parent_kind_allowed", domain.KindInvalid, "parent_id"},
		{"closed parent", admin, unitID, with(func(in *org.RegisterInput) { in.ParentClosed = true }), "org.register.parent_open", domain.KindConflict, "parent_id"},
		{"county without code", admin, unitID, org.RegisterInput{Kind: org.KindCounty, Name: "县", ParentID: cityID, ParentKind: org.KindCity}, "org.register.division_valid", domain.KindInvalid, "division_code"},
		{"county with malformed code", admin, unitID, org.RegisterInput{Kind: org.KindCounty, Name: "县", ParentID: cityID, ParentKind: org.KindCity, Division: "51152"}, "org.register.division_valid", domain.KindInvalid, "division_code"},
		{"county with a city code", admin, unitID, org.RegisterInput{Kind: org.KindCounty, Name: "县", ParentID: cityID, ParentKind: org.KindCity, Division: "511500"}, "org.register.division_valid", domain.KindInvalid, "division_code"},
		{"city with a province code", admin, unitID, org.RegisterInput{Kind: org.KindCity, Name: "市", Division: "510000"}, "org.register.division_valid", domain.KindInvalid, "division_code"},
		{"station with a code", admin, unitID, with(func(in *org.RegisterInput) { in.Division = "511523" }), "org.register.division_valid", domain.KindInvalid, "division_code"},
		{"county outside its city", admin, unitID, org.RegisterInput{Kind: org.KindCounty, Name: "县", ParentID: cityID, ParentKind: org.KindCity, Division: "510104", ParentDivision: value.MustParseDivisionCode("511500")}, "org.register.division_within_parent", domain.KindInvalid, "division_code"},
		{"contractor without credit code", admin, unitID, org.RegisterInput{Kind: org.KindContractor, Name: "机构", ParentID: countyID, ParentKind: org.KindCounty}, "org.register.credit_code_valid", domain.KindInvalid, "credit_code"},
		{"contractor with malformed code", admin, unitID, org.RegisterInput{Kind: org.KindContractor, Name: "机构", ParentID: countyID, ParentKind: org.KindCounty, CreditCode: "52511502MJQ12345"}, "org.register.credit_code_valid", domain.KindInvalid, "credit_code"},
		{"station with credit code", admin, unitID, with(func(in *org.RegisterInput) { in.CreditCode = goodCredit }), "org.register.credit_code_valid", domain.KindInvalid, "credit_code"},
		{"contractor that is an enterprise", admin, unitID, org.RegisterInput{Kind: org.KindContractor, Name: "公司", ParentID: countyID, ParentKind: org.KindCounty, CreditCode: companyCredit}, "org.register.contractor_social_organisation", domain.KindInvalid, "credit_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := org.Register(tt.cmd, tt.id, tt.in)
			if ps != nil {
				t.Fatalf("refused command returned events %v", ps)
			}
			wantRule(t, err, tt.rule, tt.kind)
			for _, e := range domain.RuleErrors(err) {
				if e.Rule == tt.rule && e.Field != tt.field {
					t.Fatalf("field = %q, want %q", e.Field, tt.field)
				}
			}
		})
	}
}

func TestRegister_SeveralViolationsReportedTogether(t *testing.T) {
	_, err := org.Register(admin, uuid.Nil, org.RegisterInput{Kind: org.KindCounty, ParentKind: org.KindStation, ParentID: stationID})
	got := map[string]bool{}
	for _, e := range domain.RuleErrors(err) {
		got[e.Rule] = true
	}
	for _, r := range []string{"org.register.id_required", "org.register.name_valid", "org.register.parent_kind_allowed", "org.register.division_valid"} {
		if !got[r] {
			t.Errorf("missing %s in %v", r, err)
		}
	}
}

func TestRename_AcceptedAndRefused(t *testing.T) {
	open := func() *org.State {
		return mustRegister(t, unitID, org.RegisterInput{Kind: org.KindStation, Name: "江安镇社工站", ParentID: countyID, ParentKind: org.KindCounty})
	}
	s := open()
	ps, err := s.Rename(admin, org.RenameInput{Name: "江安镇邻里亲社会工作服务站"})
	if err != nil {
		t.Fatal(err)
	}
	fold(t, s, ps...)
	if s.Name != "江安镇邻里亲社会工作服务站" || s.Version != 2 {
		t.Fatalf("state after rename: %+v", s)
	}

	closed := open()
	ps, _ = closed.Close(admin, org.CloseInput{Reason: "撤并"})
	fold(t, closed, ps...)

	tests := []struct {
		name string
		s    *org.State
		cmd  domain.Cmd
		in   org.RenameInput
		rule string
		kind domain.Kind
	}{
		{"supervisor", open(), cmdAs(domain.RoleSupervisor), org.RenameInput{Name: "新名"}, "org.rename.admin_only", domain.KindForbidden},
		{"unregistered", &org.State{}, admin, org.RenameInput{Name: "新名"}, "org.rename.requires_registered", domain.KindConflict},
		{"closed", closed, admin, org.RenameInput{Name: "新名"}, "org.rename.unit_open", domain.KindConflict},
		{"blank", open(), admin, org.RenameInput{Name: " "}, "org.rename.name_valid", domain.KindInvalid},
		{"same name", open(), admin, org.RenameInput{Name: "江安镇社工站"}, "org.rename.name_changed", domain.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := *tt.s
			ps, err := tt.s.Rename(tt.cmd, tt.in)
			if ps != nil {
				t.Fatal("refused rename returned events")
			}
			wantRule(t, err, tt.rule, tt.kind)
			if diff := cmp.Diff(before, *tt.s, exported); diff != "" {
				t.Fatalf("state changed:\n%s", diff)
			}
		})
	}
}

func TestClose_AcceptedAndRefused(t *testing.T) {
	open := func() *org.State {
		return mustRegister(t, unitID, org.RegisterInput{Kind: org.KindRoom, Name: "桂花社区社会工作室", ParentID: stationID, ParentKind: org.KindStation})
	}
	s := open()
	ps, err := s.Close(admin, org.CloseInput{Reason: " 社区合并 "})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]domain.Payload{org.OrgUnitClosed{Reason: "社区合并"}}, ps, exported); diff != "" {
		t.Fatal(diff)
	}
	fold(t, s, ps...)
	if !s.Closed || s.CloseReason != "社区合并" {
		t.Fatalf("state: %+v", s)
	}
	tests := []struct {
		name string
		s    *org.State
		cmd  domain.Cmd
		in   org.CloseInput
		rule string
		kind domain.Kind
	}{
		{"auditor", open(), cmdAs(domain.RoleAuditor), org.CloseInput{Reason: "x"}, "org.close.admin_only", domain.KindForbidden},
		{"unregistered", &org.State{}, admin, org.CloseInput{Reason: "x"}, "org.close.requires_registered", domain.KindConflict},
		{"twice", s, admin, org.CloseInput{Reason: "x"}, "org.close.unit_open", domain.KindConflict},
		{"no reason", open(), admin, org.CloseInput{Reason: " "}, "org.close.reason_required", domain.KindInvalid},
		{"open children", open(), admin, org.CloseInput{Reason: "x", OpenChildren: 2}, "org.close.no_open_children", domain.KindConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := *tt.s
			ps, err := tt.s.Close(tt.cmd, tt.in)
			if ps != nil {
				t.Fatal("refused close returned events")
			}
			wantRule(t, err, tt.rule, tt.kind)
			if diff := cmp.Diff(before, *tt.s, exported); diff != "" {
				t.Fatalf("state changed:\n%s", diff)
			}
		})
	}
}

func TestState_UnitReflectsRegistration(t *testing.T) {
	s := mustRegister(t, unitID, org.RegisterInput{Kind: org.KindStation, Name: "站", ParentID: countyID, ParentKind: org.KindCounty})
	want := org.Unit{ID: unitID, Kind: org.KindStation, Name: "站", ParentID: countyID}
	if diff := cmp.Diff(want, s.Unit(), exported); diff != "" {
		t.Fatal(diff)
	}
}

func TestKinds_ParentTableCoversEveryKind(t *testing.T) {
	for _, k := range org.Kinds() {
		if !k.Valid() {
			t.Errorf("%s not valid", k)
		}
		if (len(org.AllowedParents(k)) == 0) != (k == org.KindCity) {
			t.Errorf("%s: only a city is a root", k)
		}
		if k.External() != (k == org.KindBureau || k == org.KindContractor || k == org.KindEvaluator || k == org.KindAgency) {
			t.Errorf("%s: External wrong", k)
		}
	}
}

func ptr[T any](v T) *T { return &v }
