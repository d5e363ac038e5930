package station_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/org"
	"casework/domain/station"
	"casework/domain/value"
)

func TestRegister_Accepted(t *testing.T) {
	ps, err := station.Register(cmdAs(domain.RoleCountyManager), stationID, station.RegisterInput{
		Name: " 夕佳山镇社会工作服务站 ", Township: "夕佳山镇", Pilot: true, RegisteredOn: d("2026-03-02"), UnitKind: org.KindStation,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Payload{station.StationRegistered{StationID: stationID, Name: "夕佳山镇社会工作服务站", Township: "夕佳山镇", Pilot: true, RegisteredOn: d("2026-03-02")}}
	if diff := cmp.Diff(want, ps, exported); diff != "" {
		t.Fatal(diff)
	}
}

func TestRegister_Refused(t *testing.T) {
	good := station.RegisterInput{Name: "站", Township: "镇", RegisteredOn: d("2024-01-15"), UnitKind: org.KindStation}
	with := func(f func(*station.RegisterInput)) station.RegisterInput { in := good; f(&in); return in }
	tests := []struct {
		name string
		cmd  domain.Cmd
		id   uuid.UUID
		in   station.RegisterInput
		rule string
		kind domain.Kind
	}{
		{"social worker", cmdAs(domain.RoleSocialWorker), stationID, good, "station.register.role_allowed", domain.KindForbidden},
		{"nil id", admin, uuid.Nil, good, "station.register.id_required", domain.KindInvalid},
		{"no name", admin, stationID, with(func(in *station.RegisterInput) { in.Name = "" }), "station.register.name_required", domain.KindInvalid},
		{"no township", admin, stationID, with(func(in *station.RegisterInput) { in.Township = " " }), "station.register.township_required", domain.KindInvalid},
		{"future date", admin, stationID, with(func(in *station.RegisterInput) { in.RegisteredOn = d("2026-03-03") }), "station.register.date_valid", domain.KindInvalid},
		{"no date", admin, stationID, with(func(in *station.RegisterInput) { in.RegisteredOn = value.Date{} }), "station.register.date_valid", domain.KindInvalid},
		{"room unit", admin, stationID, with(func(in *station.RegisterInput) { in.UnitKind = org.KindRoom }), "station.register.org_unit_is_station", domain.KindInvalid},
		{"unit kind not filled", admin, stationID, with(func(in *station.RegisterInput) { in.UnitKind = "" }), "station.register.org_unit_is_station", domain.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := station.Register(tt.cmd, tt.id, tt.in)
			if ps != nil {
				t.Fatal("refused command returned events")
			}
			wantRule(t, err, tt.rule, tt.kind)
		})
	}
}

func TestCommands_Accepted(t *testing.T) {
	s := compliant(t)
	sw := cmdAs(domain.RoleSocialWorker)
	contract := nid(900)
	tests := []struct {
		name string
		run  func() ([]domain.Payload, error)
		want domain.Payload
	}{
		{"pilot", func() ([]domain.Payload, error) {
			return s.SetPilot(cmdAs(domain.RoleCountyManager), station.SetPilotInput{Pilot: true, EffectiveOn: d("2026-03-02")})
		}, station.PilotStatusChanged{Pilot: true, EffectiveOn: d("2026-03-02")}},
		{"site", func() ([]domain.Payload, error) {
			return s.RecordSite(cmdAs(domain.RoleCountyManager), station.RecordSiteInput{EffectiveOn: d("2026-03-02"), ActivityAreaM2: 35, Address: " 新址 "})
		}, station.SiteRecorded{EffectiveOn: d("2026-03-02"), ActivityAreaM2: 35, Address: "新址"}},
		{"functions", func() ([]domain.Payload, error) {
			return s.RecordFunctions(cmdAs(domain.RoleSupervisor), station.RecordFunctionsInput{EffectiveOn: d("2025-01-01"), Domains: []domain.ServiceDomain{domain.ChildWelfare}})
		}, station.StationFunctionsRecorded{EffectiveOn: d("2025-01-01"), Domains: []domain.ServiceDomain{domain.ChildWelfare}}},
		{"staff with account", func() ([]domain.Payload, error) {
			in := worker(50, "2025-05-01")
			acc := nid(700)
			in.AccountID = &acc
			return s.AssignStaff(cmdAs(domain.RoleSupervisor), in)
		}, station.StaffAssigned{StaffID: nid(50), AccountID: ptr(nid(700)), Person: station.StaffPerson{Name: "王芳"}, Role: station.RoleResidentWorker,
			Employment: station.FullTime, Education: station.EduBachelor, BirthDate: d("1995-06-01"), SocialWorkDegree: true,
			Certificate: station.CertAssistant, StartDate: d("2025-05-01")}},
		{"staff left", func() ([]domain.Payload, error) {
			return s.StaffLeft(admin, station.StaffLeftInput{StaffID: nid(3), Date: d("2026-03-01"), Reason: "考取研究生"})
		}, station.StaffLeft{StaffID: nid(3), Date: d("2026-03-01"), Reason: "考取研究生"}},
		{"rule", func() ([]domain.Payload, error) {
			return s.RegisterRule(admin, station.RegisterRuleInput{RuleID: nid(60), Name: "卫生管理制度", Category: station.RuleHygiene, AdoptedOn: d("2025-01-01")})
		}, station.StationRuleRegistered{RuleID: nid(60), Name: "卫生管理制度", Category: station.RuleHygiene, AdoptedOn: d("2025-01-01")}},
		{"volunteer", func() ([]domain.Payload, error) {
			return s.RegisterVolunteer(sw, station.RegisterVolunteerInput{VolunteerID: nid(61), Name: "钱多多", Skills: []string{"理发", " 理发 ", "", "陪伴"}, RegisteredOn: d("2025-01-01")})
		}, station.VolunteerRegistered{VolunteerID: nid(61), Person: station.VolunteerPerson{Name: "钱多多"}, Skills: []string{"理发", "陪伴"}, RegisteredOn: d("2025-01-01")}},
		{"hours", func() ([]domain.Payload, error) {
			return s.LogHours(sw, station.LogHoursInput{VolunteerID: nid(10), Date: d("2026-02-20"), Minutes: 150, ActivityID: ptr(nid(40))})
		}, station.VolunteerHoursLogged{VolunteerID: nid(10), Date: d("2026-02-20"), Minutes: 150, ActivityID: ptr(nid(40))}},
		{"team", func() ([]domain.Payload, error) {
			return s.FormTeam(sw, station.FormTeamInput{TeamID: nid(62), Name: "青年志愿队", FormedOn: d("2025-01-01")})
		}, station.VolunteerTeamFormed{TeamID: nid(62), Name: "青年志愿队", FormedOn: d("2025-01-01")}},
		{"activity for a contract", func() ([]domain.Payload, error) {
			in := activity(63, "2026-03-02")
			in.ContractID = &contract
			in.ProjectID = ptr(uuid.Nil) // a nil id means none
			in.Volunteers = []uuid.UUID{nid(10)}
			return s.HoldActivity(sw, in)
		}, station.ActivityHeld{ActivityID: nid(63), Kind: station.ActivityGroupSession, Title: "留守老人益智小组", Date: d("2026-03-02"),
			DurationMinutes: 90, Attendance: 12, ContractID: &contract, Domain: domain.ElderlyCare, Volunteers: []uuid.UUID{nid(10)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := tt.run()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]domain.Payload{tt.want}, ps, exported); diff != "" {
				t.Fatalf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestState_FoldsRosterAndHours(t *testing.T) {
	s := compliant(t)
	must(t, s)(s.LogHours(admin, station.LogHoursInput{VolunteerID: nid(10), Date: d("2026-02-20"), Minutes: 90}))
	must(t, s)(s.LogHours(admin, station.LogHoursInput{VolunteerID: nid(10), Date: d("2026-02-21"), Minutes: 30}))
	if v, _ := s.Volunteer(nid(10)); v.MinutesLogged != 120 {
		t.Fatalf("minutes = %d", v.MinutesLogged)
	}
	must(t, s)(s.StaffLeft(admin, station.StaffLeftInput{StaffID: nid(2), Date: d("2026-01-01"), Reason: "辞职"}))
	if m, _ := s.Member(nid(2)); m.LeftOn != d("2026-01-01") || m.LeaveReason != "辞职" {
		t.Fatalf("member = %+v", m)
	}
	if got := len(s.InPost(d("2025-12-31"))); got != 3 {
		t.Fatalf("in post the day before leaving: %d", got)
	}
	if got := len(s.InPost(d("2026-01-01"))); got != 2 {
		t.Fatalf("in post on the leaving day: %d", got)
	}
}

// TestCommands_Refused proves each input and state rule of the station
// commands, and that a refused command leaves the state untouched.
func TestCommands_Refused(t *testing.T) {
	sw := cmdAs(domain.RoleSocialWorker)
	evaluator := cmdAs(domain.RoleEvaluator)
	site := station.RecordSiteInput{EffectiveOn: d("2025-01-01"), ActivityAreaM2: 50, Address: "地址"}
	fn := station.RecordFunctionsInput{EffectiveOn: d("2025-01-01"), Domains: []domain.ServiceDomain{domain.SocialAffairs}}
	rl := station.RegisterRuleInput{RuleID: nid(70), Name: "安全管理制度", Category: station.RuleSafety, AdoptedOn: d("2025-01-01")}
	vol := station.RegisterVolunteerInput{VolunteerID: nid(71), Name: "孙", RegisteredOn: d("2025-01-01")}
	hrs := station.LogHoursInput{VolunteerID: nid(10), Date: d("2025-01-01"), Minutes: 60}
	team := station.FormTeamInput{TeamID: nid(72), Name: "队", FormedOn: d("2025-01-01")}
	left := station.StaffLeftInput{StaffID: nid(2), Date: d("2025-01-01"), Reason: "辞职"}

	type call func(s *station.State) ([]domain.Payload, error)
	siteWith := func(c domain.Cmd, f func(*station.RecordSiteInput)) call {
		return func(s *station.State) ([]domain.Payload, error) { in := site; f(&in); return s.RecordSite(c, in) }
	}
	fnWith := func(c domain.Cmd, f func(*station.RecordFunctionsInput)) call {
		return func(s *station.State) ([]domain.Payload, error) { in := fn; f(&in); return s.RecordFunctions(c, in) }
	}
	staffWith := func(c domain.Cmd, f func(*station.AssignStaffInput)) call {
		return func(s *station.State) ([]domain.Payload, error) {
			in := worker(80, "2025-01-01")
			f(&in)
			return s.AssignStaff(c, in)
		}
	}
	leftWith := func(c domain.Cmd, f func(*station.StaffLeftInput)) call {
		return func(s *station.State) ([]domain.Payload, error) { in := left; f(&in); return s.StaffLeft(c, in) }
	}
	ruleWith := func(c domain.Cmd, f func(*station.RegisterRuleInput)) call {
		return func(s *station.State) ([]domain.Payload, error) { in := rl; f(&in); return s.RegisterRule(c, in) }
	}
	volWith := func(c domain.Cmd, f func(*station.RegisterVolunteerInput)) call {
		return func(s *station.State) ([]domain.Payload, error) { in := vol; f(&in); return s.RegisterVolunteer(c, in) }
	}
	hrsWith := func(c domain.Cmd, f func(*station.LogHoursInput)) call {
		return func(s *station.State) ([]domain.Payload, error) { in := hrs; f(&in); return s.LogHours(c, in) }
	}
	teamWith := func(c domain.Cmd, f func(*station.FormTeamInput)) call {
		return func(s *station.State) ([]domain.Payload, error) { in := team; f(&in); return s.FormTeam(c, in) }
	}
	actWith := func(c domain.Cmd, f func(*station.HoldActivityInput)) call {
		return func(s *station.State) ([]domain.Payload, error) {
			in := activity(73, "2025-01-01")
			f(&in)
			return s.HoldActivity(c, in)
		}
	}
	same := func(*station.RecordSiteInput) {}
	pilotWith := func(c domain.Cmd, pilot bool, on string) call {
		return func(s *station.State) ([]domain.Payload, error) {
			return s.SetPilot(c, station.SetPilotInput{Pilot: pilot, EffectiveOn: d(on)})
		}
	}
	tests := []struct {
		name  string
		empty bool // run on an unregistered station
		run   call
		rule  string
		kind  domain.Kind
	}{
		{"pilot by supervisor", false, pilotWith(cmdAs(domain.RoleSupervisor), true, "2025-01-01"), "station.set_pilot.role_allowed", domain.KindForbidden},
		{"pilot unregistered", true, pilotWith(admin, true, "2025-01-01"), "station.set_pilot.requires_registered", domain.KindConflict},
		{"pilot unchanged", false, pilotWith(admin, false, "2025-01-01"), "station.set_pilot.status_changed", domain.KindInvalid},
		{"pilot in the future", false, pilotWith(admin, true, "2026-03-03"), "station.set_pilot.date_valid", domain.KindInvalid},

		{"site by social worker", false, siteWith(sw, same), "station.record_site.role_allowed", domain.KindForbidden},
		{"site unregistered", true, siteWith(admin, same), "station.record_site.requires_registered", domain.KindConflict},
		{"site before registration", false, siteWith(admin, func(in *station.RecordSiteInput) { in.EffectiveOn = d("2024-01-14") }), "station.record_site.date_valid", domain.KindInvalid},
		{"site in the future", false, siteWith(admin, func(in *station.RecordSiteInput) { in.EffectiveOn = d("2026-03-03") }), "station.record_site.date_valid", domain.KindInvalid},
		{"site without date", false, siteWith(admin, func(in *station.RecordSiteInput) { in.EffectiveOn = value.Date{} }), "station.record_site.date_valid", domain.KindInvalid},
		{"site negative area", false, siteWith(admin, func(in *station.RecordSiteInput) { in.ActivityAreaM2 = -1 }), "station.record_site.area_range", domain.KindInvalid},
		{"site no address", false, siteWith(admin, func(in *station.RecordSiteInput) { in.Address = "" }), "station.record_site.address_required", domain.KindInvalid},

		{"functions by evaluator", false, fnWith(evaluator, func(*station.RecordFunctionsInput) {}), "station.record_functions.role_allowed", domain.KindForbidden},
		{"functions unregistered", true, fnWith(admin, func(*station.RecordFunctionsInput) {}), "station.record_functions.requires_registered", domain.KindConflict},
		{"functions future", false, fnWith(admin, func(in *station.RecordFunctionsInput) { in.EffectiveOn = d("2027-01-01") }), "station.record_functions.date_valid", domain.KindInvalid},
		{"functions empty", false, fnWith(admin, func(in *station.RecordFunctionsInput) { in.Domains = nil }), "station.record_functions.domains_required", domain.KindInvalid},
		{"functions unknown", false, fnWith(admin, func(in *station.RecordFunctionsInput) { in.Domains = []domain.ServiceDomain{"sports"} }), "station.record_functions.domains_known", domain.KindInvalid},
		{"functions repeated", false, fnWith(admin, func(in *station.RecordFunctionsInput) {
			in.Domains = []domain.ServiceDomain{domain.ElderlyCare, domain.ElderlyCare}
		}), "station.record_functions.domains_known", domain.KindInvalid},

		{"staff by social worker", false, staffWith(sw, func(*station.AssignStaffInput) {}), "station.assign_staff.role_allowed", domain.KindForbidden},
		{"staff unregistered", true, staffWith(admin, func(*station.AssignStaffInput) {}), "station.assign_staff.requires_registered", domain.KindConflict},
		{"staff id reused", false, staffWith(admin, func(in *station.AssignStaffInput) { in.StaffID = nid(2) }), "station.assign_staff.id_unique", domain.KindInvalid},
		{"staff nil id", false, staffWith(admin, func(in *station.AssignStaffInput) { in.StaffID = uuid.Nil }), "station.assign_staff.id_unique", domain.KindInvalid},
		{"staff no name", false, staffWith(admin, func(in *station.AssignStaffInput) { in.Name = " " }), "station.assign_staff.name_required", domain.KindInvalid},
		{"staff role", false, staffWith(admin, func(in *station.AssignStaffInput) { in.Role = "director" }), "station.assign_staff.staff_role_known", domain.KindInvalid},
		{"staff employment", false, staffWith(admin, func(in *station.AssignStaffInput) { in.Employment = "" }), "station.assign_staff.employment_known", domain.KindInvalid},
		{"staff education", false, staffWith(admin, func(in *station.AssignStaffInput) { in.Education = "phd" }), "station.assign_staff.education_known", domain.KindInvalid},
		{"staff certificate", false, staffWith(admin, func(in *station.AssignStaffInput) { in.Certificate = "" }), "station.assign_staff.certificate_known", domain.KindInvalid},
		{"staff no birth date", false, staffWith(admin, func(in *station.AssignStaffInput) { in.BirthDate = value.Date{} }), "station.assign_staff.birth_date_valid", domain.KindInvalid},
		{"staff aged 15", false, staffWith(admin, func(in *station.AssignStaffInput) { in.BirthDate = d("2009-01-02") }), "station.assign_staff.birth_date_valid", domain.KindInvalid},
		{"staff start before station", false, staffWith(admin, func(in *station.AssignStaffInput) { in.StartDate = d("2023-12-31") }), "station.assign_staff.date_valid", domain.KindInvalid},

		{"left by social worker", false, leftWith(sw, func(*station.StaffLeftInput) {}), "station.staff_left.role_allowed", domain.KindForbidden},
		{"left unregistered", true, leftWith(admin, func(*station.StaffLeftInput) {}), "station.staff_left.requires_registered", domain.KindConflict},
		{"left unknown staff", false, leftWith(admin, func(in *station.StaffLeftInput) { in.StaffID = nid(99) }), "station.staff_left.in_post", domain.KindConflict},
		{"left future", false, leftWith(admin, func(in *station.StaffLeftInput) { in.Date = d("2026-04-01") }), "station.staff_left.date_valid", domain.KindInvalid},
		{"left on start day", false, leftWith(admin, func(in *station.StaffLeftInput) { in.Date = d("2024-01-20") }), "station.staff_left.after_start", domain.KindInvalid},
		{"left no reason", false, leftWith(admin, func(in *station.StaffLeftInput) { in.Reason = "" }), "station.staff_left.reason_required", domain.KindInvalid},

		{"rule by agency worker", false, ruleWith(cmdAs(domain.RoleAgencyWorker), func(*station.RegisterRuleInput) {}), "station.register_rule.role_allowed", domain.KindForbidden},
		{"rule unregistered", true, ruleWith(admin, func(*station.RegisterRuleInput) {}), "station.register_rule.requires_registered", domain.KindConflict},
		{"rule id reused", false, ruleWith(admin, func(in *station.RegisterRuleInput) { in.RuleID = nid(30) }), "station.register_rule.id_unique", domain.KindInvalid},
		{"rule no name", false, ruleWith(admin, func(in *station.RegisterRuleInput) { in.Name = "" }), "station.register_rule.name_required", domain.KindInvalid},
		{"rule category", false, ruleWith(admin, func(in *station.RegisterRuleInput) { in.Category = "misc" }), "station.register_rule.category_known", domain.KindInvalid},
		{"rule date", false, ruleWith(admin, func(in *station.RegisterRuleInput) { in.AdoptedOn = d("2026-03-03") }), "station.register_rule.date_valid", domain.KindInvalid},

		{"volunteer by auditor", false, volWith(cmdAs(domain.RoleAuditor), func(*station.RegisterVolunteerInput) {}), "station.register_volunteer.role_allowed", domain.KindForbidden},
		{"volunteer unregistered", true, volWith(admin, func(*station.RegisterVolunteerInput) {}), "station.register_volunteer.requires_registered", domain.KindConflict},
		{"volunteer id reused", false, volWith(admin, func(in *station.RegisterVolunteerInput) { in.VolunteerID = nid(10) }), "station.register_volunteer.id_unique", domain.KindInvalid},
		{"volunteer no name", false, volWith(admin, func(in *station.RegisterVolunteerInput) { in.Name = "" }), "station.register_volunteer.name_required", domain.KindInvalid},
		{"volunteer date", false, volWith(admin, func(in *station.RegisterVolunteerInput) { in.RegisteredOn = d("2020-01-01") }), "station.register_volunteer.date_valid", domain.KindInvalid},

		{"hours by bureau", false, hrsWith(cmdAs(domain.RoleBureauOfficer), func(*station.LogHoursInput) {}), "station.log_hours.role_allowed", domain.KindForbidden},
		{"hours unregistered", true, hrsWith(admin, func(*station.LogHoursInput) {}), "station.log_hours.requires_registered", domain.KindConflict},
		{"hours unknown volunteer", false, hrsWith(admin, func(in *station.LogHoursInput) { in.VolunteerID = nid(98) }), "station.log_hours.volunteer_registered", domain.KindConflict},
		{"hours before volunteer joined", false, hrsWith(admin, func(in *station.LogHoursInput) { in.Date = d("2024-01-31") }), "station.log_hours.date_valid", domain.KindInvalid},
		{"hours zero", false, hrsWith(admin, func(in *station.LogHoursInput) { in.Minutes = 0 }), "station.log_hours.minutes_range", domain.KindInvalid},
		{"hours over a day", false, hrsWith(admin, func(in *station.LogHoursInput) { in.Minutes = 1441 }), "station.log_hours.minutes_range", domain.KindInvalid},
		{"hours unknown activity", false, hrsWith(admin, func(in *station.LogHoursInput) { in.ActivityID = ptr(nid(97)) }), "station.log_hours.activity_known", domain.KindInvalid},

		{"team by evaluator", false, teamWith(evaluator, func(*station.FormTeamInput) {}), "station.form_team.role_allowed", domain.KindForbidden},
		{"team unregistered", true, teamWith(admin, func(*station.FormTeamInput) {}), "station.form_team.requires_registered", domain.KindConflict},
		{"team id reused", false, teamWith(admin, func(in *station.FormTeamInput) { in.TeamID = nid(20) }), "station.form_team.id_unique", domain.KindInvalid},
		{"team no name", false, teamWith(admin, func(in *station.FormTeamInput) { in.Name = "" }), "station.form_team.name_required", domain.KindInvalid},
		{"team date", false, teamWith(admin, func(in *station.FormTeamInput) { in.FormedOn = d("2024-01-01") }), "station.form_team.date_valid", domain.KindInvalid},
		{"team unknown member", false, teamWith(admin, func(in *station.FormTeamInput) { in.Members = []uuid.UUID{nid(96)} }), "station.form_team.members_registered", domain.KindInvalid},
		{"team member twice", false, teamWith(admin, func(in *station.FormTeamInput) { in.Members = []uuid.UUID{nid(10), nid(10)} }), "station.form_team.members_registered", domain.KindInvalid},

		{"activity by auditor", false, actWith(cmdAs(domain.RoleAuditor), func(*station.HoldActivityInput) {}), "station.hold_activity.role_allowed", domain.KindForbidden},
		{"activity unregistered", true, actWith(sw, func(*station.HoldActivityInput) {}), "station.hold_activity.requires_registered", domain.KindConflict},
		{"activity id reused", false, actWith(sw, func(in *station.HoldActivityInput) { in.ActivityID = nid(40) }), "station.hold_activity.id_unique", domain.KindInvalid},
		{"activity kind", false, actWith(sw, func(in *station.HoldActivityInput) { in.Kind = "party" }), "station.hold_activity.kind_known", domain.KindInvalid},
		{"activity title", false, actWith(sw, func(in *station.HoldActivityInput) { in.Title = "" }), "station.hold_activity.title_required", domain.KindInvalid},
		{"activity date", false, actWith(sw, func(in *station.HoldActivityInput) { in.Date = d("2026-03-03") }), "station.hold_activity.date_valid", domain.KindInvalid},
		{"activity duration", false, actWith(sw, func(in *station.HoldActivityInput) { in.DurationMinutes = 0 }), "station.hold_activity.duration_range", domain.KindInvalid},
		{"activity attendance", false, actWith(sw, func(in *station.HoldActivityInput) { in.Attendance = 0 }), "station.hold_activity.attendance_positive", domain.KindInvalid},
		{"activity domain", false, actWith(sw, func(in *station.HoldActivityInput) { in.Domain = "" }), "station.hold_activity.domain_known", domain.KindInvalid},
		{"activity volunteer", false, actWith(sw, func(in *station.HoldActivityInput) { in.Volunteers = []uuid.UUID{nid(95)} }), "station.hold_activity.volunteers_registered", domain.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &station.State{}
			if !tt.empty {
				s = compliant(t)
			}
			before := stateCopy(t, s)
			ps, err := tt.run(s)
			if ps != nil {
				t.Fatalf("refused command returned events %v", ps)
			}
			wantRule(t, err, tt.rule, tt.kind)
			if diff := cmp.Diff(before, s, exported); diff != "" {
				t.Fatalf("refused command changed the state:\n%s", diff)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestSetPilot_BackdatedBeforeLastChange_Refused(t *testing.T) {
	s := compliant(t)
	must(t, s)(s.SetPilot(admin, station.SetPilotInput{Pilot: true, EffectiveOn: d("2025-06-01")}))
	before := stateCopy(t, s)
	ps, err := s.SetPilot(admin, station.SetPilotInput{Pilot: false, EffectiveOn: d("2025-05-31")})
	if ps != nil {
		t.Fatal("refused command returned events")
	}
	wantRule(t, err, "station.set_pilot.date_valid", domain.KindInvalid)
	if diff := cmp.Diff(before, s, exported); diff != "" {
		t.Fatal(diff)
	}
	if _, err := s.SetPilot(admin, station.SetPilotInput{Pilot: false, EffectiveOn: d("2025-06-01")}); err != nil {
		t.Fatalf("same day as the last change: %v", err)
	}
}
