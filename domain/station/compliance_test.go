package station_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"casework/domain"
	"casework/domain/station"
)

// check returns the named check of a report, failing when absent.
func check(tb failer, r station.Report, rule string) station.Check {
	tb.Helper()
	for _, h := range r.Haves {
		for _, c := range h.Checks {
			if c.Rule == rule {
				return c
			}
		}
	}
	tb.Fatalf("report has no check %s", rule)
	return station.Check{}
}

func have(tb failer, r station.Report, h station.Have) station.HaveResult {
	tb.Helper()
	for _, x := range r.Haves {
		if x.Have == h {
			return x
		}
	}
	tb.Fatalf("report has no have %s", h)
	return station.HaveResult{}
}

// wantCheck asserts the outcome and start of a check's run.
func wantCheck(tb failer, r station.Report, rule string, met bool, since string) {
	tb.Helper()
	c := check(tb, r, rule)
	if c.Met != met || c.Since != d(since) {
		tb.Fatalf("%s as of %s: met=%v since %s (%s); want met=%v since %s", rule, r.AsOf, c.Met, c.Since, c.Detail, met, since)
	}
}

func TestCompliance_CompliantStation_AllFiveMet(t *testing.T) {
	s := compliant(t)
	r := station.Compliance(s, d("2026-03-02"), station.Window{})
	if !r.Met || r.Since != d("2026-02-20") || r.WindowDays != 90 || !r.Registered {
		t.Fatalf("report: met=%v since=%s window=%d", r.Met, r.Since, r.WindowDays)
	}
	wantCheck(t, r, "station.compliance.site_area_min_40", true, "2024-01-15")
	wantCheck(t, r, "station.compliance.station_head_assigned", true, "2024-01-15")
	wantCheck(t, r, "station.compliance.resident_workers_min", true, "2024-02-01")
	wantCheck(t, r, "station.compliance.resident_workers_qualified", true, "2024-01-15")
	wantCheck(t, r, "station.compliance.volunteer_team_formed", true, "2024-02-10")
	wantCheck(t, r, "station.compliance.functions_recorded", true, "2024-01-15")
	wantCheck(t, r, "station.compliance.rules_registered", true, "2024-02-04")
	wantCheck(t, r, "station.compliance.activity_in_period", true, "2026-02-20")
	got := map[station.Have]string{}
	for _, h := range r.Haves {
		if !h.Met {
			t.Errorf("%s not met", h.Have)
		}
		got[h.Have] = h.Since.String()
	}
	want := map[station.Have]string{"site": "2024-01-15", "staff": "2024-02-10", "function": "2024-01-15", "rules": "2024-02-04", "activities": "2026-02-20"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatal(diff)
	}
	if len(r.Failing()) != 0 {
		t.Fatalf("failing: %v", r.Failing())
	}
}

func TestCompliance_BareStation_EveryRuleFailsSinceRegistration(t *testing.T) {
	s := registered(t, false)
	r := station.Compliance(s, d("2026-03-02"), station.Window{Days: 90})
	var rules []string
	for _, c := range r.Failing() {
		rules = append(rules, c.Rule)
		if c.Since != d("2024-01-15") {
			t.Errorf("%s failing since %s, want the registration day", c.Rule, c.Since)
		}
	}
	want := []string{
		"station.compliance.site_area_min_40",
		"station.compliance.station_head_assigned",
		"station.compliance.resident_workers_min",
		// Vacuously met: nobody is in post to be unqualified.
		"station.compliance.volunteer_team_formed",
		"station.compliance.functions_recorded",
		"station.compliance.rules_registered",
		"station.compliance.activity_in_period",
	}
	if diff := cmp.Diff(want, rules); diff != "" {
		t.Fatal(diff)
	}
	if c := check(t, r, "station.compliance.rules_registered"); c.Detail != "no rule registered for: service_process, reception, safety, archive" {
		t.Errorf("detail: %s", c.Detail)
	}
	if r.Met || r.Since != d("2024-01-15") {
		t.Fatalf("overall met=%v since=%s", r.Met, r.Since)
	}
}

func TestCompliance_SiteBelow40_FailsFromItsDate(t *testing.T) {
	s := compliant(t)
	must(t, s)(s.RecordSite(admin, station.RecordSiteInput{EffectiveOn: d("2025-07-01"), ActivityAreaM2: 35, Address: "临时场地"}))
	r := station.Compliance(s, d("2026-03-02"), station.Window{})
	wantCheck(t, r, "station.compliance.site_area_min_40", false, "2025-07-01")
	if c := check(t, r, "station.compliance.site_area_min_40"); c.Detail != "activity area 35 m² (at least 40 m²)" {
		t.Errorf("detail: %s", c.Detail)
	}
	// The day before the smaller site took effect the station complied.
	wantCheck(t, station.Compliance(s, d("2025-06-30"), station.Window{}), "station.compliance.site_area_min_40", true, "2024-01-15")

	// Exactly 40 m² is enough.
	must(t, s)(s.RecordSite(admin, station.RecordSiteInput{EffectiveOn: d("2026-01-10"), ActivityAreaM2: 40, Address: "新址"}))
	wantCheck(t, station.Compliance(s, d("2026-03-02"), station.Window{}), "station.compliance.site_area_min_40", true, "2026-01-10")
}

func TestCompliance_FactRecordedLate_CountsFromItsEffectiveDate(t *testing.T) {
	s := compliant(t)
	must(t, s)(s.RecordSite(admin, station.RecordSiteInput{EffectiveOn: d("2025-01-01"), ActivityAreaM2: 35, Address: "小场地"}))
	// Recorded afterwards, but effective earlier: it does not replace the later record.
	must(t, s)(s.RecordSite(admin, station.RecordSiteInput{EffectiveOn: d("2024-06-01"), ActivityAreaM2: 50, Address: "旧址"}))
	wantCheck(t, station.Compliance(s, d("2026-03-02"), station.Window{}), "station.compliance.site_area_min_40", false, "2025-01-01")
	wantCheck(t, station.Compliance(s, d("2024-12-31"), station.Window{}), "station.compliance.site_area_min_40", true, "2024-01-15")
}

func TestCompliance_PilotNeedsThreeResidentWorkers(t *testing.T) {
	s := compliant(t)
	must(t, s)(s.SetPilot(admin, station.SetPilotInput{Pilot: true, EffectiveOn: d("2025-01-01")}))
	r := station.Compliance(s, d("2026-03-02"), station.Window{})
	wantCheck(t, r, "station.compliance.resident_workers_min", false, "2025-01-01")
	// Before the designation two were enough.
	wantCheck(t, station.Compliance(s, d("2024-12-31"), station.Window{}), "station.compliance.resident_workers_min", true, "2024-02-01")
	if c := check(t, r, "station.compliance.resident_workers_min"); c.Detail != "2 full-time resident social worker(s) in post (at least 3)" {
		t.Errorf("detail: %s", c.Detail)
	}
	must(t, s)(s.AssignStaff(admin, worker(4, "2025-05-01")))
	wantCheck(t, station.Compliance(s, d("2026-03-02"), station.Window{}), "station.compliance.resident_workers_min", true, "2025-05-01")
}

func TestCompliance_PilotFromRegistration_FailsWithTwoWorkers(t *testing.T) {
	s := registered(t, true)
	must(t, s)(s.AssignStaff(admin, worker(2, "2024-02-01")))
	must(t, s)(s.AssignStaff(admin, worker(3, "2024-02-01")))
	wantCheck(t, station.Compliance(s, d("2026-03-02"), station.Window{}), "station.compliance.resident_workers_min", false, "2024-01-15")
	// The designation ends: two suffice from that day.
	must(t, s)(s.SetPilot(admin, station.SetPilotInput{Pilot: false, EffectiveOn: d("2025-07-01")}))
	wantCheck(t, station.Compliance(s, d("2026-03-02"), station.Window{}), "station.compliance.resident_workers_min", true, "2025-07-01")
	if s.Pilot || !s.PilotOn(d("2025-06-30")) || s.PilotOn(d("2025-07-01")) {
		t.Fatalf("pilot history wrong: %+v", s.PilotChanges)
	}
}

func TestCompliance_PartTimeWorkerDoesNotCount(t *testing.T) {
	s := compliant(t)
	must(t, s)(s.StaffLeft(admin, station.StaffLeftInput{StaffID: nid(2), Date: d("2025-09-01"), Reason: "调离"}))
	pt := worker(5, "2025-10-01")
	pt.Employment = station.PartTime
	must(t, s)(s.AssignStaff(admin, pt))
	r := station.Compliance(s, d("2026-03-02"), station.Window{})
	wantCheck(t, r, "station.compliance.resident_workers_min", false, "2025-09-01")
	// The day before leaving, two were in post.
	wantCheck(t, station.Compliance(s, d("2025-08-31"), station.Window{}), "station.compliance.resident_workers_min", true, "2024-02-01")
}

func TestCompliance_StationHeadMissing_Fails(t *testing.T) {
	s := compliant(t)
	must(t, s)(s.StaffLeft(admin, station.StaffLeftInput{StaffID: nid(1), Date: d("2025-01-01"), Reason: "换届"}))
	wantCheck(t, station.Compliance(s, d("2026-03-02"), station.Window{}), "station.compliance.station_head_assigned", false, "2025-01-01")
}

// TestCompliance_HaveSince_SpansRulesFailingInTurn: the station head left
// on 2025-01-01 and was replaced on 2025-06-01, the very day a resident
// worker left. Each check's run starts 2025-06-01, but 有人员 has been
// failing since 2025-01-01.
func TestCompliance_HaveSince_SpansRulesFailingInTurn(t *testing.T) {
	s := compliant(t)
	must(t, s)(s.StaffLeft(admin, station.StaffLeftInput{StaffID: nid(1), Date: d("2025-01-01"), Reason: "换届"}))
	head := worker(6, "2025-06-01")
	head.Role = station.RoleStationHead
	must(t, s)(s.AssignStaff(admin, head))
	must(t, s)(s.StaffLeft(admin, station.StaffLeftInput{StaffID: nid(3), Date: d("2025-06-01"), Reason: "辞职"}))
	r := station.Compliance(s, d("2026-03-02"), station.Window{})
	wantCheck(t, r, "station.compliance.station_head_assigned", true, "2025-06-01")
	wantCheck(t, r, "station.compliance.resident_workers_min", false, "2025-06-01")
	if h := have(t, r, station.HaveStaff); h.Met || h.Since != d("2025-01-01") {
		t.Fatalf("staff: met=%v since %s, want failing since 2025-01-01", h.Met, h.Since)
	}
}

func TestCompliance_QualificationJudgedAtTheDate(t *testing.T) {
	s := compliant(t)
	older := worker(7, "2024-06-01")
	older.Education = station.EduCollegeDiploma
	older.BirthDate = d("1985-03-02") // 41 on 2026-03-02
	must(t, s)(s.AssignStaff(admin, older))
	wantCheck(t, station.Compliance(s, d("2026-03-01"), station.Window{}), "station.compliance.resident_workers_qualified", true, "2024-01-15")
	r := station.Compliance(s, d("2026-03-02"), station.Window{})
	wantCheck(t, r, "station.compliance.resident_workers_qualified", false, "2026-03-02")
	if c := check(t, r, "station.compliance.resident_workers_qualified"); c.Detail != "1 resident social worker(s) not qualified: "+nid(7).String()+" (college_diploma, aged 41)" {
		t.Errorf("detail: %s", c.Detail)
	}
	// Unqualified from the start: failing since the start date.
	young := worker(8, "2025-02-01")
	young.Education = station.EduBelowCollege
	must(t, s)(s.AssignStaff(admin, young))
	wantCheck(t, station.Compliance(s, d("2026-03-02"), station.Window{}), "station.compliance.resident_workers_qualified", false, "2025-02-01")
}

func TestQualified_BoundaryDays(t *testing.T) {
	tests := []struct {
		name  string
		edu   station.Education
		birth string
		on    string
		want  bool
	}{
		{"diploma aged 40 on the eve of 41st birthday", station.EduCollegeDiploma, "1985-03-02", "2026-03-01", true},
		{"diploma on 41st birthday", station.EduCollegeDiploma, "1985-03-02", "2026-03-02", false},
		{"diploma aged 40 on 40th birthday", station.EduCollegeDiploma, "1986-03-02", "2026-03-02", true},
		{"bachelor aged 41", station.EduBachelor, "1985-03-02", "2026-03-02", true},
		{"bachelor aged 42 on the eve of 43rd birthday", station.EduBachelor, "1983-03-02", "2026-03-01", true},
		{"bachelor on 43rd birthday", station.EduBachelor, "1983-03-02", "2026-03-02", false},
		{"master counts as bachelor", station.EduMasterOrAbove, "1983-03-02", "2026-03-01", true},
		{"below college never", station.EduBelowCollege, "2000-01-01", "2026-01-01", false},
		{"unknown education never", station.Education("phd"), "2000-01-01", "2026-01-01", false},
		{"diploma born 29 Feb, common year, 28 Feb still 40", station.EduCollegeDiploma, "1984-02-29", "2025-02-28", true},
		{"diploma born 29 Feb turns 41 on 1 Mar", station.EduCollegeDiploma, "1984-02-29", "2025-03-01", false},
		{"bachelor born 29 Feb, 43rd birthday in a common year", station.EduBachelor, "1984-02-29", "2027-02-28", true},
		{"bachelor born 29 Feb turns 43 on 1 Mar", station.EduBachelor, "1984-02-29", "2027-03-01", false},
		{"diploma born 28 Feb, 41st birthday in a leap year", station.EduCollegeDiploma, "1987-02-28", "2028-02-27", true},
		{"diploma born 28 Feb on 41st birthday in a leap year", station.EduCollegeDiploma, "1987-02-28", "2028-02-28", false},
		{"diploma born 31 Dec across the year end", station.EduCollegeDiploma, "1985-12-31", "2026-12-30", true},
		{"diploma born 31 Dec on 41st birthday", station.EduCollegeDiploma, "1985-12-31", "2026-12-31", false},
	}
	for _, tt := range tests {
		if got := station.Qualified(tt.edu, d(tt.birth), d(tt.on)); got != tt.want {
			t.Errorf("%s: Qualified = %v, want %v (age %d)", tt.name, got, tt.want, station.AgeOn(d(tt.birth), d(tt.on)))
		}
	}
}

func TestAgeOn_FullYears(t *testing.T) {
	tests := []struct {
		birth, on string
		want      int
	}{
		{"1984-02-29", "2028-02-29", 44},
		{"1984-02-29", "2028-02-28", 43},
		{"1984-02-29", "2027-03-01", 43},
		{"2000-01-01", "1999-12-31", -1},
		{"2000-06-15", "2000-06-15", 0},
	}
	for _, tt := range tests {
		if got := station.AgeOn(d(tt.birth), d(tt.on)); got != tt.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", tt.birth, tt.on, got, tt.want)
		}
	}
	if got := station.QualifiedUntil(station.EduBelowCollege, d("1990-01-01")); !got.IsZero() {
		t.Errorf("QualifiedUntil(below college) = %s", got)
	}
	if got := station.QualifiedUntil(station.EduCollegeDiploma, d("1984-02-29")); got != d("2025-03-01") {
		t.Errorf("QualifiedUntil = %s", got)
	}
}

func TestCompliance_ActivityWindowBoundary(t *testing.T) {
	s := compliant(t) // one activity on 2026-02-20
	// 89 days later it still counts; on the 90th day it has dropped out.
	wantCheck(t, station.Compliance(s, d("2026-05-20"), station.Window{}), "station.compliance.activity_in_period", true, "2026-02-20")
	r := station.Compliance(s, d("2026-05-21"), station.Window{})
	wantCheck(t, r, "station.compliance.activity_in_period", false, "2026-05-21")
	if c := check(t, r, "station.compliance.activity_in_period"); c.Detail != "last activity on 2026-02-20 (within 90 days required)" {
		t.Errorf("detail: %s", c.Detail)
	}
	// A 30-day window.
	wantCheck(t, station.Compliance(s, d("2026-03-21"), station.Window{Days: 30}), "station.compliance.activity_in_period", true, "2026-02-20")
	wantCheck(t, station.Compliance(s, d("2026-03-22"), station.Window{Days: 30}), "station.compliance.activity_in_period", false, "2026-03-22")
	// Before the activity the station never had one: failing since registration.
	wantCheck(t, station.Compliance(s, d("2026-02-19"), station.Window{}), "station.compliance.activity_in_period", false, "2024-01-15")
}

func TestCompliance_ActivitiesBridgeGaps(t *testing.T) {
	s := compliant(t)
	must(t, s)(s.HoldActivity(admin, activity(41, "2025-12-01")))
	must(t, s)(s.HoldActivity(admin, activity(42, "2025-09-10"))) // recorded out of order
	// 2025-09-10 → 2025-12-01 is 82 days, 2025-12-01 → 2026-02-20 is 81: no gap.
	wantCheck(t, station.Compliance(s, d("2026-03-02"), station.Window{}), "station.compliance.activity_in_period", true, "2025-09-10")
	// With a 60-day window the last gap opened on 2026-01-30.
	wantCheck(t, station.Compliance(s, d("2026-02-19"), station.Window{Days: 60}), "station.compliance.activity_in_period", false, "2026-01-30")
}

func TestCompliance_RulesNeedEveryRequiredCategory(t *testing.T) {
	s := registered(t, false)
	for i, c := range []station.RuleCategory{station.RuleServiceProcess, station.RuleReception, station.RuleSafety, station.RuleHygiene} {
		must(t, s)(s.RegisterRule(admin, station.RegisterRuleInput{RuleID: nid(100 + i), Name: "制度", Category: c, AdoptedOn: d("2024-05-01")}))
	}
	r := station.Compliance(s, d("2026-03-02"), station.Window{})
	wantCheck(t, r, "station.compliance.rules_registered", false, "2024-01-15")
	if c := check(t, r, "station.compliance.rules_registered"); c.Detail != "no rule registered for: archive" {
		t.Errorf("detail: %s", c.Detail)
	}
	must(t, s)(s.RegisterRule(admin, station.RegisterRuleInput{RuleID: nid(110), Name: "档案管理制度", Category: station.RuleArchive, AdoptedOn: d("2025-11-11")}))
	wantCheck(t, station.Compliance(s, d("2026-03-02"), station.Window{}), "station.compliance.rules_registered", true, "2025-11-11")
}

func TestCompliance_FunctionsAndTeamFromTheirDates(t *testing.T) {
	s := registered(t, false)
	must(t, s)(s.RegisterVolunteer(admin, station.RegisterVolunteerInput{VolunteerID: nid(10), Name: "赵", RegisteredOn: d("2025-01-01")}))
	must(t, s)(s.FormTeam(admin, station.FormTeamInput{TeamID: nid(20), Name: "队", FormedOn: d("2025-03-03")}))
	must(t, s)(s.RecordFunctions(admin, station.RecordFunctionsInput{EffectiveOn: d("2024-07-01"), Domains: []domain.ServiceDomain{domain.ChildWelfare}}))
	r := station.Compliance(s, d("2026-03-02"), station.Window{})
	wantCheck(t, r, "station.compliance.volunteer_team_formed", true, "2025-03-03")
	wantCheck(t, r, "station.compliance.functions_recorded", true, "2024-07-01")
	wantCheck(t, station.Compliance(s, d("2025-03-02"), station.Window{}), "station.compliance.volunteer_team_formed", false, "2024-01-15")
}

func TestCompliance_BeforeRegistration_NothingMet(t *testing.T) {
	for name, s := range map[string]*station.State{"unregistered": {}, "registered later": compliant(t)} {
		r := station.Compliance(s, d("2024-01-14"), station.Window{})
		if r.Registered || r.Met || len(r.Failing()) != 8 {
			t.Fatalf("%s: %+v", name, r)
		}
		for _, c := range r.Failing() {
			if !c.Since.IsZero() {
				t.Fatalf("%s: %s has a since date", name, c.Rule)
			}
		}
	}
	if got := len(station.Haves()); got != 5 {
		t.Fatalf("%d haves", got)
	}
}
