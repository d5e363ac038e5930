package casefile_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/value"
)

var (
	caseID = uuid.MustParse("0192f0c4-5b7e-7a31-9c1e-4d2f8a6b3c10")
	// clientID is a client known from an earlier case.
	clientID = uuid.MustParse("0192f0c4-5b7e-7a31-9c1e-4d2f8a6b3c01")
	// now is 10:00 on 10 June 2025 in Beijing.
	now = time.Date(2025, 6, 10, 10, 0, 0, 0, value.Shanghai)

	worker      = domain.Actor{ID: "acc-li", Role: domain.RoleSocialWorker, OrgUnit: "station-hx"}
	worker2     = domain.Actor{ID: "acc-wang", Role: domain.RoleSocialWorker, OrgUnit: "station-hx"}
	supervisor  = domain.Actor{ID: "acc-zhao", Role: domain.RoleSupervisor, OrgUnit: "station-hx"}
	supervisor2 = domain.Actor{ID: "acc-qian", Role: domain.RoleSupervisor, OrgUnit: "station-hx"}
	auditor     = domain.Actor{ID: "acc-sun", Role: domain.RoleAuditor, OrgUnit: "county-510108"}
)

func cmdBy(a domain.Actor) domain.Cmd { return domain.Cmd{Actor: a, Now: now} }

func date(s string) value.Date { return value.MustParseDate(s) }

// county is Chenghua district, Chengdu.
var county = value.MustParseDivisionCode("510108")

func validOpen() casefile.OpenInput {
	return casefile.OpenInput{
		Source: casefile.SourceHelpRequest,
		Client: casefile.ClientInput{Name: "张秀兰", ResidentID: "510108196505120029",
			Phone: "13800000000", Address: "成华区保和街道和美社区3组12号", Circumstances: "独居老人，腿脚不便"},
		Household: casefile.HouseholdInput{County: "510108", Size: 2, Address: "成华区保和街道和美社区3组12号"},
		Domain:    "social_assistance",
	}
}

// history is a case built up by commands, keeping the events so that
// tests can fold them from scratch.
type history struct {
	s      casefile.State
	events []domain.Event
}

// do runs a command that must succeed and applies its events.
func (h *history) do(tb testing.TB, a domain.Actor, f func(cmd domain.Cmd) ([]domain.Payload, error)) {
	tb.Helper()
	ps, err := f(cmdBy(a))
	if err != nil {
		tb.Fatalf("command refused: %v", err)
	}
	h.apply(a, ps)
}

func (h *history) apply(a domain.Actor, ps []domain.Payload) {
	for _, p := range ps {
		e := domain.Event{Revision: h.s.Version, Actor: a, OccurredAt: now, RecordedAt: now, Payload: p}
		h.events = append(h.events, e)
		h.s.Apply(e)
	}
}

func fold(events []domain.Event) casefile.State {
	var s casefile.State
	for _, e := range events {
		s.Apply(e)
	}
	return s
}

func opened(tb testing.TB) *history {
	tb.Helper()
	h := &history{}
	h.do(tb, worker, func(c domain.Cmd) ([]domain.Payload, error) { return casefile.Open(c, caseID, validOpen()) })
	return h
}

func validAssess() casefile.AssessInput {
	return casefile.AssessInput{AssessedOn: date("2025-06-10"), RiskLevel: casefile.RiskMedium,
		Needs:       []casefile.Need{{Area: "daily_care", Description: "需要助餐和上门照护"}, {Area: "economic", Description: "收入低于低保标准"}},
		HealthNotes: "高血压，行动不便"}
}

func validPlan() casefile.PlanInput {
	return casefile.PlanInput{Goals: []string{"链接助餐服务", "申请低保"},
		PlannedServices: []casefile.PlannedService{{Method: "casework", Kind: "resource_linking", Frequency: "每月一次"}},
		StartDate:       date("2025-06-10"), ReviewDate: date("2025-09-10")}
}

func assessed(tb testing.TB) *history {
	tb.Helper()
	h := opened(tb)
	h.do(tb, worker, func(c domain.Cmd) ([]domain.Payload, error) { return h.s.AssessNeeds(c, validAssess()) })
	return h
}

func planned(tb testing.TB) *history {
	tb.Helper()
	h := assessed(tb)
	h.do(tb, worker, func(c domain.Cmd) ([]domain.Payload, error) { return h.s.DraftPlan(c, validPlan()) })
	return h
}

func closureInput() casefile.RequestApprovalInput {
	return casefile.RequestApprovalInput{Subject: casefile.SubjectClosure, ProposedOutcome: "goals_achieved", Reason: "已纳入低保，助餐服务稳定"}
}

func closureRequested(tb testing.TB) *history {
	tb.Helper()
	h := planned(tb)
	h.do(tb, worker, func(c domain.Cmd) ([]domain.Payload, error) { return h.s.RequestApproval(c, closureInput()) })
	return h
}

func closureApproved(tb testing.TB) *history {
	tb.Helper()
	h := closureRequested(tb)
	h.do(tb, supervisor, func(c domain.Cmd) ([]domain.Payload, error) {
		return h.s.GrantApproval(c, casefile.DecideApprovalInput{Subject: casefile.SubjectClosure, Comment: "同意结案"})
	})
	return h
}

func closed(tb testing.TB) *history {
	tb.Helper()
	h := closureApproved(tb)
	h.do(tb, worker, func(c domain.Cmd) ([]domain.Payload, error) { return h.s.Close(c, casefile.CloseInput{}) })
	return h
}

func archived(tb testing.TB) *history {
	tb.Helper()
	h := closed(tb)
	h.do(tb, worker, func(c domain.Cmd) ([]domain.Payload, error) {
		return h.s.Archive(c, casefile.ArchiveInput{ResponsiblePerson: "李明", ArchiveCode: "CH-BH-2025-0012"})
	})
	return h
}

// rules returns the rule names carried by err.
func rules(err error) []string {
	var out []string
	for _, e := range domain.RuleErrors(err) {
		out = append(out, e.Rule)
	}
	return out
}

// wantRule checks a command outcome: refused with rule (and no events), or
// accepted with events when rule is "".
func wantRule(tb testing.TB, ps []domain.Payload, err error, rule string) {
	tb.Helper()
	if rule == "" {
		if err != nil {
			tb.Fatalf("refused: %v", err)
		}
		if len(ps) == 0 {
			tb.Fatal("accepted without events")
		}
		return
	}
	if err == nil {
		tb.Fatalf("accepted, want rule %s", rule)
	}
	if ps != nil {
		tb.Fatalf("refused command returned events %v", ps)
	}
	if got := rules(err); !slices.Contains(got, rule) {
		tb.Fatalf("rules = %v, want %s (err %v)", got, rule, err)
	}
}

func wantKind(tb testing.TB, err error, k domain.Kind) {
	tb.Helper()
	if !domain.IsKind(err, k) {
		tb.Fatalf("err %v is not of kind %v", err, k)
	}
}
