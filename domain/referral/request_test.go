package referral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/referral"
	"casework/domain/value"
)

func TestRequest_Rules(t *testing.T) {
	tests := []struct {
		name  string
		actor domain.Actor
		id    uuid.UUID
		edit  func(*referral.RequestInput)
		rule  string
		kind  domain.Kind
	}{
		{name: "worker requests with consent", actor: worker, edit: func(*referral.RequestInput) {}},
		{name: "supervisor requests with explicit station", actor: supervisor,
			edit: func(in *referral.RequestInput) { in.FromStationID = station }},
		{name: "supervisor overrides consent", actor: supervisor, edit: func(in *referral.RequestInput) {
			in.Consent = referral.ConsentInput{OverrideReason: "儿童疑似遭受监护侵害，监护人无法联系，须立即转介"}
		}},
		{name: "due today accepted", actor: worker,
			edit: func(in *referral.RequestInput) { in.DueDate = value.DateOf(now) }},
		{name: "routine by default, no phone, no birth year, no person", actor: worker, edit: func(in *referral.RequestInput) {
			in.Priority, in.Client.Phone, in.Client.BirthYear, in.ToPersonID = "", "", 0, ""
		}},
		{name: "agency worker cannot request", actor: receiver, edit: func(*referral.RequestInput) {},
			rule: "referral.request.referring_side_only", kind: domain.KindForbidden},
		{name: "admin cannot request", actor: domain.Actor{ID: "a", Role: domain.RoleAdmin, OrgUnit: station},
			edit: func(*referral.RequestInput) {}, rule: "referral.request.referring_side_only", kind: domain.KindForbidden},
		{name: "worker cannot request for another station", actor: worker,
			edit: func(in *referral.RequestInput) { in.FromStationID = "station-dongcheng" },
			rule: "referral.request.referring_side_only", kind: domain.KindForbidden},
		{name: "worker without org unit refused", actor: domain.Actor{ID: "acct-li", Role: domain.RoleSocialWorker},
			edit: func(*referral.RequestInput) {}, rule: "referral.request.referring_side_only", kind: domain.KindForbidden},
		{name: "worker cannot override consent", actor: worker, edit: func(in *referral.RequestInput) {
			in.Consent = referral.ConsentInput{OverrideReason: "来不及"}
		}, rule: "referral.request.consent_override_supervisor_only", kind: domain.KindForbidden},
		{name: "nil id refused", actor: worker, id: uuid.Nil, edit: func(*referral.RequestInput) {},
			rule: "referral.request.id_required", kind: domain.KindInvalid},
		{name: "missing case refused", actor: worker, edit: func(in *referral.RequestInput) { in.CaseID = uuid.Nil },
			rule: "referral.request.case_required", kind: domain.KindInvalid},
		{name: "missing client id refused", actor: worker, edit: func(in *referral.RequestInput) { in.Client.ID = " " },
			rule: "referral.request.client_id_required", kind: domain.KindInvalid},
		{name: "missing client name refused", actor: worker, edit: func(in *referral.RequestInput) { in.Client.Name = "" },
			rule: "referral.request.client_name_required", kind: domain.KindInvalid},
		{name: "birth year in the future refused", actor: worker, edit: func(in *referral.RequestInput) { in.Client.BirthYear = 2027 },
			rule: "referral.request.client_birth_year_range", kind: domain.KindInvalid},
		{name: "birth year before 1900 refused", actor: worker, edit: func(in *referral.RequestInput) { in.Client.BirthYear = 1899 },
			rule: "referral.request.client_birth_year_range", kind: domain.KindInvalid},
		{name: "phone with letters refused", actor: worker, edit: func(in *referral.RequestInput) { in.Client.Phone = "138-abc" },
			rule: "referral.request.client_phone_format", kind: domain.KindInvalid},
		{name: "phone too short refused", actor: worker, edit: func(in *referral.RequestInput) { in.Client.Phone = "1234" },
			rule: "referral.request.client_phone_format", kind: domain.KindInvalid},
		{name: "missing agency refused", actor: worker, edit: func(in *referral.RequestInput) { in.ToAgencyID = "" },
			rule: "referral.request.to_agency_required", kind: domain.KindInvalid},
		{name: "referral to own station refused", actor: worker, edit: func(in *referral.RequestInput) { in.ToAgencyID = station },
			rule: "referral.request.to_other_unit", kind: domain.KindInvalid},
		{name: "unknown service domain refused", actor: worker, edit: func(in *referral.RequestInput) { in.ServiceDomain = "housing" },
			rule: "referral.request.service_domain_known", kind: domain.KindInvalid},
		{name: "missing needs refused", actor: worker, edit: func(in *referral.RequestInput) { in.Needs = "  " },
			rule: "referral.request.needs_required", kind: domain.KindInvalid},
		{name: "unknown priority refused", actor: worker, edit: func(in *referral.RequestInput) { in.Priority = "emergency" },
			rule: "referral.request.priority_known", kind: domain.KindInvalid},
		{name: "missing due date refused", actor: worker, edit: func(in *referral.RequestInput) { in.DueDate = value.Date{} },
			rule: "referral.request.due_date_required", kind: domain.KindInvalid},
		{name: "due yesterday refused", actor: worker, edit: func(in *referral.RequestInput) { in.DueDate = value.DateOf(now).AddDays(-1) },
			rule: "referral.request.due_date_not_past", kind: domain.KindInvalid},
		{name: "no consent refused", actor: worker, edit: func(in *referral.RequestInput) { in.Consent = referral.ConsentInput{} },
			rule: "referral.request.consent_required", kind: domain.KindInvalid},
		{name: "supervisor without consent or reason refused", actor: supervisor,
			edit: func(in *referral.RequestInput) { in.Consent = referral.ConsentInput{OverrideReason: " "} },
			rule: "referral.request.consent_required", kind: domain.KindInvalid},
		{name: "consent both given and overridden refused", actor: supervisor,
			edit: func(in *referral.RequestInput) { in.Consent.OverrideReason = "以防万一" },
			rule: "referral.request.consent_exclusive", kind: domain.KindInvalid},
		{name: "consent without giver refused", actor: worker, edit: func(in *referral.RequestInput) { in.Consent.GivenBy = "" },
			rule: "referral.request.consent_given_by_required", kind: domain.KindInvalid},
		{name: "consent without time refused", actor: worker, edit: func(in *referral.RequestInput) { in.Consent.GivenAt = time.Time{} },
			rule: "referral.request.consent_given_at_valid", kind: domain.KindInvalid},
		{name: "consent in the future refused", actor: worker, edit: func(in *referral.RequestInput) { in.Consent.GivenAt = now.Add(time.Minute) },
			rule: "referral.request.consent_given_at_valid", kind: domain.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := requestInput()
			tt.edit(&in)
			id := referralID
			if tt.rule == "referral.request.id_required" {
				id = tt.id
			}
			ps, err := referral.Request(cmdBy(tt.actor), id, in)
			if tt.rule == "" {
				wantEvent(t, ps, err, referral.TypeRequested)
				return
			}
			wantRule(t, ps, err, tt.rule, tt.kind)
		})
	}
}

// The due date is judged against the calendar date in China Standard Time:
// at 23:30 UTC on 1 March it is already 2 March in Jieyang.
func TestRequest_DueDateAcrossMidnightUTC_JudgedInShanghai(t *testing.T) {
	in := requestInput()
	in.DueDate = value.MustParseDate("2026-03-01")
	cmd := cmdBy(worker)
	cmd.Now = time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)
	in.Consent.GivenAt = cmd.Now.Add(-time.Hour)
	ps, err := referral.Request(cmd, referralID, in)
	wantRule(t, ps, err, "referral.request.due_date_not_past", domain.KindInvalid)
	cmd.Now = time.Date(2026, 3, 1, 15, 59, 0, 0, time.UTC) // 23:59 CST, still 1 March
	in.Consent.GivenAt = cmd.Now.Add(-time.Hour)
	ps, err = referral.Request(cmd, referralID, in)
	wantEvent(t, ps, err, referral.TypeRequested)
}

func TestRequest_SeveralViolations_AllReported(t *testing.T) {
	_, err := referral.Request(cmdBy(worker), uuid.Nil, referral.RequestInput{})
	got := map[string]string{}
	for _, e := range domain.RuleErrors(err) {
		got[e.Rule] = e.Field
	}
	want := map[string]string{
		"referral.request.id_required":          "id",
		"referral.request.case_required":        "case_id",
		"referral.request.client_id_required":   "client.id",
		"referral.request.client_name_required": "client.name",
		"referral.request.to_agency_required":   "to_agency_id",
		"referral.request.service_domain_known": "service_domain",
		"referral.request.needs_required":       "needs",
		"referral.request.due_date_required":    "due_date",
		"referral.request.consent_required":     "consent.given",
	}
	for r, f := range want {
		if g, ok := got[r]; !ok || g != f {
			t.Errorf("rule %s: field %q, want %q (all: %v)", r, g, f, got)
		}
	}
}

func TestRequest_FoldsIntoState(t *testing.T) {
	s := requested(t)
	want := referral.State{
		ID: referralID, Exists: true, Version: 1, Status: referral.StatusRequested,
		CaseID:        caseID,
		Client:        referral.Client{ID: "client-0042", Name: "陈桂芳", BirthYear: 1958, Phone: "138 0013 8000"},
		From:          referral.From{WorkerID: worker.ID, StationID: station},
		To:            referral.To{AgencyID: agency, PersonID: toPerson.ID},
		ServiceDomain: domain.SocialAssistance,
		Needs:         requestInput().Needs,
		Priority:      referral.PriorityUrgent,
		Consent:       referral.Consent{Given: true, GivenBy: "陈桂芳（本人）", GivenAt: now.Add(-time.Hour)},
		DueDate:       value.MustParseDate("2026-03-16"),
		RequestedAt:   now,
		ChangedAt:     now,
	}
	if *s != want {
		t.Fatalf("state:\n got %+v\nwant %+v", *s, want)
	}
}

func TestRequest_ConsentOverride_RecordsSupervisor(t *testing.T) {
	in := requestInput()
	in.Consent = referral.ConsentInput{OverrideReason: "儿童疑似遭受监护侵害"}
	ps, err := referral.Request(cmdBy(supervisor), referralID, in)
	wantEvent(t, ps, err, referral.TypeRequested)
	got := ps[0].(referral.Requested).Consent
	want := referral.Consent{OverriddenBy: supervisor.ID, OverrideReason: "儿童疑似遭受监护侵害"}
	if got != want {
		t.Fatalf("consent = %+v, want %+v", got, want)
	}
}

func TestState_Overdue(t *testing.T) {
	s := requested(t) // due 2026-03-16
	if s.Overdue(value.MustParseDate("2026-03-16")) {
		t.Fatal("overdue on its due date")
	}
	if !s.Overdue(value.MustParseDate("2026-03-17")) {
		t.Fatal("not overdue the day after its due date")
	}
	done := reach(t, referral.ActionAccept, referral.ActionStart, referral.ActionComplete)
	if done.Overdue(value.MustParseDate("2026-04-01")) {
		t.Fatal("a completed referral is never overdue")
	}
}
