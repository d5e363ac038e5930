package contract_test

import (
	"reflect"
	"testing"

	"pgregory.net/rapid"

	"casework/domain"
	"casework/domain/contract"
	"casework/domain/value"
)

func actors() []domain.Cmd {
	return []domain.Cmd{bureau(), worker(), as(domain.RoleSupervisor, stationB), as(domain.RoleAgencyWorker, contractorUnit),
		evaluator(), as(domain.RoleCountyManager, "county-jiangan"), as(domain.RoleAuditor, bureauUnit),
		as(domain.RoleBureauOfficer, "bureau-other"), as(domain.RoleSocialWorker, "station-elsewhere")}
}

// step draws one command with mostly plausible inputs and runs it on s,
// usually as an actor allowed to issue it, so that sequences reach the
// later phases.
func step(rt *rapid.T, s *contract.State) (domain.Cmd, []domain.Payload, error) {
	op := rapid.IntRange(0, 12).Draw(rt, "op")
	cmd := rapid.SampledFrom(actors()).Draw(rt, "actor")
	if rapid.IntRange(0, 9).Draw(rt, "usual_actor") < 7 {
		switch op {
		case 3, 7:
			cmd = worker()
		case 8:
			cmd = evaluator()
		default:
			cmd = bureau()
		}
	}
	ps, err := run(rt, s, cmd, op)
	return cmd, ps, err
}

func run(rt *rapid.T, s *contract.State, cmd domain.Cmd, op int) ([]domain.Payload, error) {
	dates := []value.Date{{}, d("2023-10-01"), d("2024-01-31"), d("2024-02-29"), d("2025-01-05"), d("2026-12-31"), d("2027-06-01"), d("2027-06-02")}
	date := func(label string) value.Date { return rapid.SampledFrom(dates).Draw(rt, label) }
	fen := func(label string) value.Fen {
		return rapid.SampledFrom([]value.Fen{value.Yuan(30_000), 5, value.Yuan(60_000), 1, value.Yuan(180_000), 0, -1, value.Yuan(600_001)}).Draw(rt, label)
	}
	text := func(label string) string {
		return rapid.SampledFrom([]string{"说明", "服务转包", "", " "}).Draw(rt, label)
	}
	switch op {
	case 0:
		in := openInput()
		in.Method = rapid.SampledFrom(append(contract.Methods(), "lottery")).Draw(rt, "method")
		in.BudgetCeiling = rapid.SampledFrom([]value.Fen{value.Yuan(600_000), 0}).Draw(rt, "ceiling")
		return s.Open(cmd, contractID, in)
	case 1:
		in := awardInput()
		in.CreditCode = rapid.SampledFrom([]string{creditCode, "52511523MJ5727133A", "91511523MA62830122", "short", ""}).Draw(rt, "code")
		in.Amount = fen("amount")
		in.AwardedOn = date("awarded_on")
		return s.Award(cmd, in)
	case 2:
		in := signInput(s.CycleYear + rapid.SampledFrom([]int{1, 0, 2, -1}).Draw(rt, "year_step"))
		if rapid.IntRange(0, 3).Draw(rt, "break") == 3 {
			in.PeriodEnd = date("period_end")
			in.Staffing = in.Staffing[:rapid.IntRange(0, 2).Draw(rt, "staffed")]
			in.Terms.PassThreshold = rapid.IntRange(-1, 101).Draw(rt, "threshold")
		}
		return s.Sign(cmd, in)
	case 3:
		months := []string{"", "2024-01", "2024-02", "2024-12", "2025-01", "2026-06", "2027-01"}
		return s.SubmitReport(cmd, contract.ReportInput{
			CycleYear: rapid.SampledFrom([]int{0, 1, 2, 3}).Draw(rt, "year"), Kind: rapid.SampledFrom(append(contract.ReportKinds(), "weekly")).Draw(rt, "kind"),
			Period: rapid.SampledFrom(months).Draw(rt, "period"), SubmittedOn: date("submitted_on"), DocumentRef: text("doc")})
	case 4:
		return s.RecordInspection(cmd, contract.InspectInput{InspectedOn: date("on"), Station: rapid.SampledFrom([]string{"", stationA, "x"}).Draw(rt, "station"),
			Findings: text("findings"), Severity: rapid.SampledFrom(append(contract.Severities(), "bad")).Draw(rt, "severity")})
	case 5:
		var lines []contract.BudgetLine
		for i := rapid.IntRange(1, 2).Draw(rt, "lines"); i > 0; i-- {
			lines = append(lines, contract.BudgetLine{Code: rapid.SampledFrom([]string{"OPS", "SA", "ACT", ""}).Draw(rt, "code"),
				Purpose: text("purpose"), Amount: fen("line_amount"), Earmarked: rapid.Bool().Draw(rt, "earmarked"),
				SocialAssistance: rapid.Bool().Draw(rt, "sa")})
		}
		return s.Budget(cmd, contract.BudgetInput{Lines: lines, PrevSocialAssistanceSpend: fen("prev") * 20})
	case 6:
		return s.Disburse(cmd, contract.DisburseInput{Line: rapid.SampledFrom([]string{"OPS", "SA", "ACT", "NONE"}).Draw(rt, "line"),
			Amount: fen("amount"), DisbursedOn: date("on"), Purpose: text("purpose")})
	case 7:
		var ws []contract.AssignedWorker
		for i := rapid.IntRange(2, 4).Draw(rt, "workers"); i > 0; i-- {
			ws = append(ws, contract.AssignedWorker{WorkerID: rapid.SampledFrom([]string{"w1", "w2", "w3", "w4", ""}).Draw(rt, "worker"),
				EmployerUnit: rapid.SampledFrom([]string{"", contractorUnit, "", otherOrgUnit}).Draw(rt, "employer")})
		}
		return s.ChangeStaffing(cmd, contract.StaffingInput{Station: rapid.SampledFrom([]string{stationA, stationB, "x"}).Draw(rt, "station"),
			EffectiveOn: date("on"), Workers: ws})
	case 8:
		score := func(l string) int { return rapid.SampledFrom([]int{85, 60, 59, 100, 0, 30, -1, 101}).Draw(rt, l) }
		w := rapid.SampledFrom([]contract.Scores{{40, 30, 30}, {34, 33, 33}, {100, 0, 0}, {50, 50, 1}}).Draw(rt, "weights")
		return s.Evaluate(cmd, contract.EvaluateInput{CycleYear: rapid.SampledFrom([]int{0, 1, 2, 3}).Draw(rt, "year"),
			Scores: contract.Scores{ResidentSatisfaction: score("rs"), Professional: score("pro"), Government: score("gov")}, Weights: w})
	case 9:
		return s.Renew(cmd, contract.DecisionInput{DecidedOn: date("on")})
	case 10:
		return s.NotRenew(cmd, contract.DecisionInput{DecidedOn: date("on"), Reason: text("reason")})
	case 11:
		return s.Terminate(cmd, contract.TerminateInput{TerminatedOn: date("on"), Reason: text("reason")})
	default:
		return s.DeclareSubcontract(cmd, contract.SubcontractInput{SubcontractorUnit: otherOrgUnit})
	}
}

func refold(events []domain.Event) contract.State {
	var s contract.State
	for _, e := range events {
		s.Apply(e)
	}
	return s
}

// TestContract_RandomCommands_FoldEqualsStepwise: random command sequences
// never panic; a refused command returns no events, only listed rules, and
// leaves the state as it was; folding all emitted events from scratch gives
// the state obtained step by step.
func TestContract_RandomCommands_FoldEqualsStepwise(t *testing.T) {
	listed := map[string]bool{}
	for _, r := range contract.Rules() {
		listed[r.Name] = true
	}
	rapid.Check(t, func(rt *rapid.T) {
		var events []domain.Event
		if rapid.Bool().Draw(rt, "start_signed") {
			events = signedEvents()
		}
		start := refold(events)
		s := &start
		for i, n := 0, rapid.IntRange(20, 80).Draw(rt, "steps"); i < n; i++ {
			cmd, ps, err := step(rt, s)
			if err != nil {
				if ps != nil {
					rt.Fatalf("refused command returned events %v", ps)
				}
				res := domain.RuleErrors(err)
				if len(res) == 0 {
					rt.Fatalf("refusal without a rule error: %v", err)
				}
				for _, re := range res {
					if !listed[re.Rule] {
						rt.Fatalf("rule %s returned but not in Rules()", re.Rule)
					}
				}
			}
			for _, p := range ps {
				e := domain.Event{Revision: s.Version, Actor: cmd.Actor, OccurredAt: cmd.Now, RecordedAt: cmd.Now, Payload: p}
				s.Apply(e)
				events = append(events, e)
			}
			if fresh := refold(events); !reflect.DeepEqual(fresh, *s) {
				rt.Fatalf("fold from scratch differs from the stepwise state after %d steps:\n%+v\n%+v", i+1, fresh, *s)
			}
			// The views are total functions of any reachable state.
			for _, on := range []value.Date{d("2024-02-29"), d("2027-01-16")} {
				contract.ReportStatus(s, on)
				contract.NextDeadline(s, on)
				contract.StaffingStatus(s, s.CycleYear, on)
			}
			for _, l := range s.Lines {
				if l.Remaining() < 0 {
					rt.Fatalf("line %s overdrawn: %+v", l.Code, l)
				}
			}
		}
	})
}

// signedEvents are the events of a contract with year 1 signed, as the
// commands produce them.
func signedEvents() []domain.Event {
	var events []domain.Event
	var fresh contract.State
	rec := func(cmd domain.Cmd, run func() ([]domain.Payload, error)) {
		ps, err := run()
		if err != nil {
			panic(err)
		}
		for _, p := range ps {
			e := domain.Event{Revision: fresh.Version, Actor: cmd.Actor, OccurredAt: cmd.Now, RecordedAt: cmd.Now, Payload: p}
			fresh.Apply(e)
			events = append(events, e)
		}
	}
	rec(bureau(), func() ([]domain.Payload, error) { return contract.Open(bureau(), contractID, openInput()) })
	rec(bureau(), func() ([]domain.Payload, error) { return fresh.Award(bureau(), awardInput()) })
	rec(bureau(), func() ([]domain.Payload, error) { return fresh.Sign(bureau(), signInput(1)) })
	return events
}
