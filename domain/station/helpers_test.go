package station_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/internal/domaintest"
	"casework/domain/org"
	"casework/domain/station"
	"casework/domain/value"
)

var (
	// now is 2026-03-02 17:30 in Shanghai.
	now   = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	admin = domain.Cmd{Actor: domain.Actor{ID: "acc-admin", Role: domain.RoleAdmin}, Now: now}
)

func cmdAs(role domain.Role) domain.Cmd {
	return domain.Cmd{Actor: domain.Actor{ID: "acc-" + string(role), Role: role}, Now: now}
}

// failer is what both *testing.T and *rapid.T offer to helpers.
type failer = domaintest.TB

// fold applies payloads to s as the store would, numbering revisions.
func fold(tb failer, s *station.State, ps ...domain.Payload) {
	tb.Helper()
	for _, p := range ps {
		s.Apply(domain.Event{Revision: s.Version, Payload: p, RecordedAt: now, OccurredAt: now})
	}
}

// rules tracks the package's rules table against what the tests see.
var rules = domaintest.NewRules("station.", station.Rules())

// wantRule asserts err carries rule with kind k, and that every rule in err
// is listed in station.Rules().
func wantRule(tb failer, err error, rule string, k domain.Kind) {
	tb.Helper()
	rules.Want(tb, err, rule, k)
}

func assertKnownRules(tb failer, err error) {
	tb.Helper()
	rules.Known(tb, err)
}

func TestRules_UniqueDocumentedAndProven(t *testing.T) { rules.CheckTable(t) }

// exported lets cmp look into the value types' unexported fields.
var exported = cmp.Exporter(func(reflect.Type) bool { return true })

// must returns a function that fails the test when a command is refused
// and otherwise folds its events into s: must(t, s)(s.Cmd(...)).
func must(tb failer, s *station.State) func([]domain.Payload, error) {
	return func(ps []domain.Payload, err error) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("command refused: %v", err)
		}
		fold(tb, s, ps...)
	}
}

func d(s string) value.Date { return value.MustParseDate(s) }

// nid returns a fixed uuid numbered n, for readable tests.
func nid(n int) uuid.UUID {
	return uuid.MustParse(fmt.Sprintf("0195f3a0-0000-7000-8000-%012d", n))
}

var stationID = uuid.MustParse("0195f3a0-5a7e-7000-8000-00000000c0de")

// registered returns a station registered on 2024-01-15.
func registered(tb failer, pilot bool) *station.State {
	tb.Helper()
	var s station.State
	ps, err := station.Register(admin, stationID, station.RegisterInput{
		Name: "江安镇社会工作服务站", Township: "江安镇", Pilot: pilot, RegisteredOn: d("2024-01-15"), UnitKind: org.KindStation,
	})
	must(tb, &s)(ps, err)
	return &s
}

// worker is a qualified full-time resident social worker input.
func worker(id int, start string) station.AssignStaffInput {
	return station.AssignStaffInput{
		StaffID: nid(id), Name: "王芳", Role: station.RoleResidentWorker, Employment: station.FullTime,
		Education: station.EduBachelor, BirthDate: d("1995-06-01"), SocialWorkDegree: true,
		Certificate: station.CertAssistant, StartDate: d(start),
	}
}

// compliant returns a station registered on 2024-01-15 whose site,
// staff, functions and rules comply from early 2024 (the team is formed on
// 2024-02-10), with its only activity held on 2026-02-20.
func compliant(tb failer) *station.State {
	tb.Helper()
	s := registered(tb, false)
	c := admin
	step := must(tb, s)
	step(s.RecordSite(c, station.RecordSiteInput{EffectiveOn: d("2024-01-15"), ActivityAreaM2: 60, CounsellingRoom: true, GroupRoom: true, Address: "江安县江安镇竹都大道1号"}))
	step(s.RecordFunctions(c, station.RecordFunctionsInput{EffectiveOn: d("2024-01-15"), Domains: []domain.ServiceDomain{domain.SocialAssistance, domain.ElderlyCare}}))
	head := station.AssignStaffInput{StaffID: nid(1), Name: "李明", Role: station.RoleStationHead, Employment: station.PartTime,
		Education: station.EduBachelor, BirthDate: d("1975-05-05"), Certificate: station.CertNone, StartDate: d("2024-01-15")}
	step(s.AssignStaff(c, head))
	step(s.AssignStaff(c, worker(2, "2024-01-20")))
	step(s.AssignStaff(c, worker(3, "2024-02-01")))
	step(s.RegisterVolunteer(c, station.RegisterVolunteerInput{VolunteerID: nid(10), Name: "赵志愿", RegisteredOn: d("2024-02-01")}))
	step(s.FormTeam(c, station.FormTeamInput{TeamID: nid(20), Name: "邻里亲志愿服务队", FormedOn: d("2024-02-10"), Members: []uuid.UUID{nid(10)}}))
	for i, cat := range station.RequiredRuleCategories() {
		step(s.RegisterRule(c, station.RegisterRuleInput{RuleID: nid(30 + i), Name: "制度" + string(cat), Category: cat, AdoptedOn: d("2024-02-0" + fmt.Sprint(i+1))}))
	}
	step(s.RegisterRule(c, station.RegisterRuleInput{RuleID: nid(39), Name: "档案管理制度（修订）", Category: station.RuleArchive, AdoptedOn: d("2024-03-01")}))
	step(s.HoldActivity(c, activity(40, "2026-02-20")))
	return s
}

func activity(id int, date string) station.HoldActivityInput {
	return station.HoldActivityInput{
		ActivityID: nid(id), Kind: station.ActivityGroupSession, Title: "留守老人益智小组", Date: d(date),
		DurationMinutes: 90, Attendance: 12, Domain: domain.ElderlyCare,
	}
}

// stateCopy returns a deep copy of s made by folding again the events that
// built it, so that comparisons cannot share slices.
func stateCopy(tb failer, s *station.State) *station.State {
	tb.Helper()
	c := *s
	c.PilotChanges = slices.Clone(s.PilotChanges)
	c.Sites = slices.Clone(s.Sites)
	c.Functions = slices.Clone(s.Functions)
	c.Staff = slices.Clone(s.Staff)
	c.Rules = slices.Clone(s.Rules)
	c.Volunteers = slices.Clone(s.Volunteers)
	c.Teams = slices.Clone(s.Teams)
	c.Activities = slices.Clone(s.Activities)
	return &c
}
