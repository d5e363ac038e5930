package contract_test

import (
	"errors"
	"flag"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/contract"
	"casework/domain/value"
)

const (
	bureauUnit     = "bureau-jiangan"
	stationA       = "station-dajing"
	stationB       = "station-tiebian"
	contractorUnit = "org-anxin"
	otherOrgUnit   = "org-other"
	evaluatorUnit  = "eval-yibin"
	creditCode     = "52511523MJ5727133K" // check character valid, civil affairs
)

var (
	now        = time.Date(2027, 6, 1, 9, 30, 0, 0, value.Shanghai)
	contractID = uuid.MustParse("0195a0c4-7d2e-7b4e-9c1a-3f5e2d1c0b9b")
	d          = value.MustParseDate
)

func as(role domain.Role, unit string) domain.Cmd {
	return domain.Cmd{Actor: domain.Actor{ID: string(role) + "@" + unit, Role: role, OrgUnit: unit}, Now: now}
}

func bureau() domain.Cmd    { return as(domain.RoleBureauOfficer, bureauUnit) }
func worker() domain.Cmd    { return as(domain.RoleSocialWorker, stationA) }
func evaluator() domain.Cmd { return as(domain.RoleEvaluator, evaluatorUnit) }

func openInput() contract.OpenInput {
	return contract.OpenInput{BureauUnit: bureauUnit, Title: "江安县乡镇(街道)社会工作服务站项目",
		Stations: []string{stationA, stationB}, Method: contract.MethodOpenTender,
		BudgetCeiling: value.Yuan(600_000), OpenedOn: d("2023-11-01")}
}

func awardInput() contract.AwardInput {
	return contract.AwardInput{ContractorUnit: contractorUnit, ContractorName: "江安县安心社会工作服务中心",
		CreditCode: creditCode, AwardedOn: d("2023-12-10"), Amount: value.Yuan(540_000)}
}

// signInput is the agreement of cycle year n: calendar year 2023+n.
func signInput(n int) contract.SignInput {
	return contract.SignInput{
		CycleYear: n,
		Parties: contract.Parties{
			Bureau:     contract.Party{Unit: bureauUnit, Name: "江安县民政局"},
			Township:   contract.Party{Unit: "township-dajing", Name: "江安县大井镇人民政府"},
			Contractor: contract.Party{Unit: contractorUnit, Name: "江安县安心社会工作服务中心"},
		},
		PeriodStart:      value.NewDate(2023+n, time.January, 1),
		ServiceContent:   "社会救助、养老服务、儿童关爱保护、社区治理服务",
		Targets:          contract.Targets{Cases: 40, Services: 600, GroupSessions: 12, CommunityActivities: 8, ServiceHours: 3000},
		Staffing:         []contract.StationStaffing{{Station: stationA, ResidentWorkers: 2}, {Station: stationB, ResidentWorkers: 3}},
		Budget:           value.Yuan(180_000),
		EvaluationClause: "年底由第三方机构开展绩效评估，合格续签",
		BreachLiability:  "严禁服务转包；未按协议配备驻站社工的，按日扣减服务费",
		SignedOn:         value.NewDate(2023+n-1, time.December, 20),
	}
}

func passingEval() contract.EvaluateInput {
	return contract.EvaluateInput{Scores: contract.Scores{ResidentSatisfaction: 90, Professional: 80, Government: 85},
		Weights: contract.Scores{ResidentSatisfaction: 40, Professional: 30, Government: 30}, Summary: "服务成效明显"}
}

func failingEval() contract.EvaluateInput {
	in := passingEval()
	in.Scores = contract.Scores{ResidentSatisfaction: 50, Professional: 55, Government: 60}
	return in
}

// fold applies payloads to s as events recorded by cmd, in order.
func fold(tb testing.TB, s *contract.State, cmd domain.Cmd, ps []domain.Payload) {
	tb.Helper()
	for _, p := range ps {
		s.Apply(domain.Event{Revision: s.Version, Actor: cmd.Actor, OccurredAt: cmd.Now, RecordedAt: cmd.Now, Payload: p})
	}
}

// must folds the result of an accepted command.
func must(tb testing.TB, s *contract.State, cmd domain.Cmd, ps []domain.Payload, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("unexpected refusal: %v", err)
	}
	fold(tb, s, cmd, ps)
}

// Fixtures for each phase, built through the commands.
func opened(tb testing.TB) *contract.State {
	tb.Helper()
	s := &contract.State{}
	ps, err := contract.Open(bureau(), contractID, openInput())
	must(tb, s, bureau(), ps, err)
	return s
}

func awarded(tb testing.TB) *contract.State {
	tb.Helper()
	s := opened(tb)
	ps, err := s.Award(bureau(), awardInput())
	must(tb, s, bureau(), ps, err)
	return s
}

// signed returns a contract whose years 1..n are signed, 1..n-1 evaluated
// as pass and renewed.
func signed(tb testing.TB, n int) *contract.State {
	tb.Helper()
	s := awarded(tb)
	for y := 1; y <= n; y++ {
		if y > 1 {
			evalAndRenew(tb, s)
		}
		ps, err := s.Sign(bureau(), signInput(y))
		must(tb, s, bureau(), ps, err)
	}
	return s
}

func evalAndRenew(tb testing.TB, s *contract.State) {
	tb.Helper()
	ps, err := s.Evaluate(evaluator(), passingEval())
	must(tb, s, evaluator(), ps, err)
	ps, err = s.Renew(bureau(), contract.DecisionInput{})
	must(tb, s, bureau(), ps, err)
}

func evaluated(tb testing.TB, n int, pass bool) *contract.State {
	tb.Helper()
	s := signed(tb, n)
	in := passingEval()
	if !pass {
		in = failingEval()
	}
	ps, err := s.Evaluate(evaluator(), in)
	must(tb, s, evaluator(), ps, err)
	return s
}

func renewed(tb testing.TB) *contract.State {
	tb.Helper()
	s := signed(tb, 1)
	evalAndRenew(tb, s)
	return s
}

func ended(tb testing.TB) *contract.State {
	tb.Helper()
	s := evaluated(tb, 1, false)
	ps, err := s.NotRenew(bureau(), contract.DecisionInput{DecidedOn: d("2025-01-10")})
	must(tb, s, bureau(), ps, err)
	return s
}

func terminated(tb testing.TB) *contract.State {
	tb.Helper()
	s := signed(tb, 1)
	ps, err := s.Terminate(bureau(), contract.TerminateInput{Reason: "擅自将服务转包", TerminatedOn: d("2024-06-20")})
	must(tb, s, bureau(), ps, err)
	return s
}

// budgeted is signed(1) with lines OPS (earmarked operating costs, 30,000
// yuan per station per year, seed 000) and SA (social-assistance funds).
func budgeted(tb testing.TB) *contract.State {
	tb.Helper()
	s := signed(tb, 1)
	ps, err := s.Budget(bureau(), contract.BudgetInput{Lines: []contract.BudgetLine{
		{Code: "OPS", Purpose: "社工站工作经费", Amount: value.Yuan(60_000), Earmarked: true},
		{Code: "SA", Purpose: "社会救助服务", Amount: value.Yuan(50_000), Earmarked: true, SocialAssistance: true},
	}, PrevSocialAssistanceSpend: value.Yuan(2_000_000)})
	must(tb, s, bureau(), ps, err)
	return s
}

// seenRules collects every rule name a test saw a command return; TestMain
// checks it against Rules() after a full run.
var seenRules = map[string]bool{}

// check asserts a command result: with rule empty, no error and one event
// of wantType; otherwise no events and rule among the errors, of kind kind.
func check(tb testing.TB, ps []domain.Payload, err error, rule string, kind domain.Kind, wantType string) {
	tb.Helper()
	for _, re := range domain.RuleErrors(err) {
		seenRules[re.Rule] = true
	}
	if rule == "" {
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		if len(ps) != 1 || ps[0].EventType() != wantType {
			tb.Fatalf("events = %#v, want one %s", ps, wantType)
		}
		return
	}
	if ps != nil {
		tb.Fatalf("refused command returned events %#v", ps)
	}
	var re *domain.Error
	if !errors.As(err, &re) {
		tb.Fatalf("err = %v, want rule %s", err, rule)
	}
	var names []string
	for _, e := range domain.RuleErrors(err) {
		names = append(names, e.Rule)
		if e.Rule == rule && e.Kind != kind {
			tb.Fatalf("rule %s has kind %v, want %v", rule, e.Kind, kind)
		}
	}
	if !slices.Contains(names, rule) {
		tb.Fatalf("rules = %v, want %s (%v)", names, rule, err)
	}
}

// TestMain checks, after a full run, that every rule a command returned is
// listed in Rules() and every listed rule was returned by some test.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && !testing.Short() && !filtered() {
		listed := map[string]bool{}
		for _, r := range contract.Rules() {
			listed[r.Name] = true
		}
		for name := range seenRules {
			if !listed[name] {
				println("rule returned by a command but missing from Rules():", name)
				code = 1
			}
		}
		for name := range listed {
			if !seenRules[name] {
				println("rule listed in Rules() but no test saw a command return it:", name)
				code = 1
			}
		}
	}
	os.Exit(code)
}

// filtered reports whether -run or -skip narrowed the run, so that not
// every rule could have been seen.
func filtered() bool {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return true
		}
	}
	return false
}

// mod returns v changed by f, for table inputs that differ in one field.
func mod[T any](v T, f func(*T)) T {
	f(&v)
	return v
}

func deepEqual(a, b contract.State) bool { return reflect.DeepEqual(a, b) }
