package station_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"pgregory.net/rapid"

	"casework/domain"
	"casework/domain/org"
	"casework/domain/station"
	"casework/domain/value"
)

func drawDate(t *rapid.T, label string) value.Date {
	return rapid.SampledFrom([]value.Date{
		{}, d("2023-12-31"), d("2024-01-15"), d("2024-06-30"), d("2025-02-28"), d("2025-12-31"), d("2026-03-02"), d("2026-03-03"),
	}).Draw(t, label)
}

func drawID(t *rapid.T, label string) uuid.UUID {
	return nid(rapid.IntRange(0, 4).Draw(t, label)) // nid(0) is a non-nil id; uuid.Nil drawn separately
}

func maybeNil(t *rapid.T, id uuid.UUID) uuid.UUID {
	if rapid.IntRange(0, 9).Draw(t, "nil_id") == 0 {
		return uuid.Nil
	}
	return id
}

// TestStation_RandomCommands_NeverPanicAndFoldConsistently drives one
// station's stream with random commands by random actors.
func TestStation_RandomCommands_NeverPanicAndFoldConsistently(t *testing.T) {
	roles := append(domain.Roles(), domain.RoleSystem)
	rapid.Check(t, func(t *rapid.T) {
		var s station.State
		var log []domain.Payload
		steps := rapid.IntRange(1, 30).Draw(t, "steps")
		for i := 0; i < steps; i++ {
			cmd := cmdAs(rapid.SampledFrom(roles).Draw(t, "role"))
			before := stateCopy(t, &s)
			var ps []domain.Payload
			var err error
			switch rapid.IntRange(0, 10).Draw(t, "command") {
			case 10:
				ps, err = s.SetPilot(cmd, station.SetPilotInput{Pilot: rapid.Bool().Draw(t, "pilot"), EffectiveOn: drawDate(t, "date")})
			case 0:
				if s.Exists {
					continue // a stream is created once; the store enforces it
				}
				ps, err = station.Register(cmd, maybeNil(t, stationID), station.RegisterInput{
					Name: rapid.SampledFrom([]string{"", "江安镇社工站"}).Draw(t, "name"), Township: "江安镇",
					Pilot: rapid.Bool().Draw(t, "pilot"), RegisteredOn: drawDate(t, "registered_on"),
					UnitKind: rapid.SampledFrom([]org.Kind{org.KindStation, org.KindStation, org.KindRoom}).Draw(t, "unit_kind"),
				})
			case 1:
				ps, err = s.RecordSite(cmd, station.RecordSiteInput{EffectiveOn: drawDate(t, "date"),
					ActivityAreaM2: rapid.IntRange(-5, 80).Draw(t, "area"), Address: rapid.SampledFrom([]string{"", "地址"}).Draw(t, "addr")})
			case 2:
				ps, err = s.RecordFunctions(cmd, station.RecordFunctionsInput{EffectiveOn: drawDate(t, "date"),
					Domains: rapid.SliceOfN(rapid.SampledFrom(append(domain.ServiceDomains(), "x")), 0, 3).Draw(t, "domains")})
			case 3:
				ps, err = s.AssignStaff(cmd, station.AssignStaffInput{
					StaffID: maybeNil(t, drawID(t, "staff")), Name: rapid.SampledFrom([]string{"", "王芳"}).Draw(t, "name"),
					Role:        rapid.SampledFrom(append(station.StaffRoles(), "x")).Draw(t, "staff_role"),
					Employment:  rapid.SampledFrom([]station.Employment{station.FullTime, station.PartTime, "x"}).Draw(t, "employment"),
					Education:   rapid.SampledFrom(append(station.Educations(), "x")).Draw(t, "education"),
					BirthDate:   rapid.SampledFrom([]value.Date{{}, d("1983-02-28"), d("1984-02-29"), d("2015-01-01")}).Draw(t, "birth"),
					Certificate: rapid.SampledFrom([]station.Certificate{station.CertNone, station.CertSenior, "x"}).Draw(t, "cert"),
					StartDate:   drawDate(t, "start"),
				})
			case 4:
				ps, err = s.StaffLeft(cmd, station.StaffLeftInput{StaffID: drawID(t, "staff"), Date: drawDate(t, "date"),
					Reason: rapid.SampledFrom([]string{"", "辞职"}).Draw(t, "reason")})
			case 5:
				ps, err = s.RegisterRule(cmd, station.RegisterRuleInput{RuleID: maybeNil(t, drawID(t, "rule")),
					Name:     rapid.SampledFrom([]string{"", "制度"}).Draw(t, "name"),
					Category: rapid.SampledFrom(append(station.RuleCategories(), "x")).Draw(t, "category"), AdoptedOn: drawDate(t, "date")})
			case 6:
				ps, err = s.RegisterVolunteer(cmd, station.RegisterVolunteerInput{VolunteerID: maybeNil(t, drawID(t, "vol")),
					Name: rapid.SampledFrom([]string{"", "赵"}).Draw(t, "name"), Skills: []string{"理发"}, RegisteredOn: drawDate(t, "date")})
			case 7:
				var act *uuid.UUID
				if rapid.Bool().Draw(t, "with_activity") {
					a := drawID(t, "activity")
					act = &a
				}
				ps, err = s.LogHours(cmd, station.LogHoursInput{VolunteerID: drawID(t, "vol"), Date: drawDate(t, "date"),
					Minutes: rapid.IntRange(-1, 1500).Draw(t, "minutes"), ActivityID: act})
			case 8:
				ps, err = s.FormTeam(cmd, station.FormTeamInput{TeamID: maybeNil(t, drawID(t, "team")),
					Name: rapid.SampledFrom([]string{"", "队"}).Draw(t, "name"), FormedOn: drawDate(t, "date"),
					Members: rapid.SliceOfN(rapid.Custom(func(t *rapid.T) uuid.UUID { return drawID(t, "member") }), 0, 2).Draw(t, "members")})
			case 9:
				ps, err = s.HoldActivity(cmd, station.HoldActivityInput{ActivityID: maybeNil(t, drawID(t, "activity")),
					Kind:  rapid.SampledFrom(append(station.ActivityKinds(), "x")).Draw(t, "kind"),
					Title: rapid.SampledFrom([]string{"", "小组"}).Draw(t, "title"), Date: drawDate(t, "date"),
					DurationMinutes: rapid.IntRange(0, 200).Draw(t, "duration"), Attendance: rapid.IntRange(0, 30).Draw(t, "attendance"),
					Domain:     rapid.SampledFrom(append(domain.ServiceDomains(), "x")).Draw(t, "domain"),
					Volunteers: rapid.SliceOfN(rapid.Custom(func(t *rapid.T) uuid.UUID { return drawID(t, "volunteer") }), 0, 2).Draw(t, "volunteers")})
			}
			if err != nil {
				if ps != nil {
					t.Fatalf("refused command returned events: %v", ps)
				}
				assertKnownRules(t, err)
				if diff := cmp.Diff(before, &s, exported); diff != "" {
					t.Fatalf("refused command changed state:\n%s", diff)
				}
				continue
			}
			if len(ps) == 0 {
				t.Fatal("accepted command returned no events")
			}
			fold(t, &s, ps...)
			log = append(log, ps...)
			// Compliance never panics on any state reached.
			station.Compliance(&s, drawDate(t, "as_of"), station.Window{Days: rapid.IntRange(-1, 120).Draw(t, "window")})
		}
		var fresh station.State
		fold(t, &fresh, log...)
		if diff := cmp.Diff(&s, &fresh, exported); diff != "" {
			t.Fatalf("fold from scratch differs from step-by-step state:\n%s", diff)
		}
	})
}

// TestCompliance_SinceMatchesDayByDayWalk checks the change-point
// computation of "since when" against walking back day by day, on random
// station histories folded straight from events (dates in 2024, births
// placed so that the age limits fall inside the year).
func TestCompliance_SinceMatchesDayByDayWalk(t *testing.T) {
	reg := d("2024-01-15")
	rapid.Check(t, func(t *rapid.T) {
		day := func(label string) value.Date { return reg.AddDays(rapid.IntRange(-5, 300).Draw(t, label)) }
		s := station.State{}
		fold(t, &s, station.StationRegistered{StationID: stationID, Name: "站", Township: "镇", Pilot: rapid.Bool().Draw(t, "pilot"), RegisteredOn: reg})
		n := rapid.IntRange(0, 25).Draw(t, "events")
		staff := 0
		for i := 0; i < n; i++ {
			var p domain.Payload
			switch rapid.IntRange(0, 7).Draw(t, "kind") {
			case 7:
				p = station.PilotStatusChanged{Pilot: rapid.Bool().Draw(t, "pilot"), EffectiveOn: day("pilot")}
			case 0:
				p = station.SiteRecorded{EffectiveOn: day("site"), ActivityAreaM2: rapid.IntRange(30, 50).Draw(t, "area"), Address: "地址"}
			case 1:
				p = station.StationFunctionsRecorded{EffectiveOn: day("fn"), Domains: []domain.ServiceDomain{domain.ElderlyCare}}
			case 2:
				staff++
				p = station.StaffAssigned{StaffID: nid(staff), Person: station.StaffPerson{Name: "人"},
					Role:       rapid.SampledFrom(station.StaffRoles()).Draw(t, "role"),
					Employment: rapid.SampledFrom([]station.Employment{station.FullTime, station.FullTime, station.PartTime}).Draw(t, "employment"),
					Education:  rapid.SampledFrom(station.Educations()).Draw(t, "education"),
					BirthDate:  reg.AddDays(rapid.IntRange(0, 300).Draw(t, "birth")).AddMonths(-12 * rapid.SampledFrom([]int{30, 41, 43}).Draw(t, "years")),
					StartDate:  day("start"), Certificate: station.CertNone}
			case 3:
				if staff == 0 {
					continue
				}
				p = station.StaffLeft{StaffID: nid(rapid.IntRange(1, staff).Draw(t, "who")), Date: day("left"), Reason: "走"}
			case 4:
				p = station.StationRuleRegistered{RuleID: nid(100 + i), Name: "制度", Category: rapid.SampledFrom(station.RequiredRuleCategories()).Draw(t, "cat"), AdoptedOn: day("rule")}
			case 5:
				p = station.VolunteerTeamFormed{TeamID: nid(200 + i), Name: "队", FormedOn: day("team")}
			case 6:
				p = station.ActivityHeld{ActivityID: nid(300 + i), Kind: station.ActivityOther, Title: "活动", Date: day("activity"), DurationMinutes: 60, Attendance: 5, Domain: domain.ElderlyCare}
			}
			fold(t, &s, p)
		}
		w := station.Window{Days: rapid.IntRange(1, 60).Draw(t, "window")}
		asOf := reg.AddDays(rapid.IntRange(0, 330).Draw(t, "as_of"))
		r := station.Compliance(&s, asOf, w)
		// Brute force: walk back from asOf while the outcome stays the same.
		walk := func(met func(station.Report) bool) (bool, value.Date) {
			now := met(r)
			since := asOf
			for x := asOf.AddDays(-1); !x.Before(reg); x = x.AddDays(-1) {
				if met(station.Compliance(&s, x, w)) != now {
					break
				}
				since = x
			}
			return now, since
		}
		for hi, h := range r.Haves {
			for ci, c := range h.Checks {
				met, since := walk(func(x station.Report) bool { return x.Haves[hi].Checks[ci].Met })
				if met != c.Met || since != c.Since {
					t.Fatalf("%s as of %s: got met=%v since %s, walk says met=%v since %s", c.Rule, asOf, c.Met, c.Since, met, since)
				}
			}
			met, since := walk(func(x station.Report) bool { return x.Haves[hi].Met })
			if met != h.Met || since != h.Since {
				t.Fatalf("have %s as of %s: got met=%v since %s, walk says met=%v since %s", h.Have, asOf, h.Met, h.Since, met, since)
			}
		}
		met, since := walk(func(x station.Report) bool { return x.Met })
		if met != r.Met || since != r.Since {
			t.Fatalf("overall as of %s: got met=%v since %s, walk says met=%v since %s", asOf, r.Met, r.Since, met, since)
		}
	})
}
