package contract_test

import (
	"testing"

	"casework/domain"
	"casework/domain/contract"
)

func TestContract_Evaluate_AcceptedOrRejectedByRule(t *testing.T) {
	eval := func(cmd domain.Cmd, in contract.EvaluateInput) func(*contract.State) ([]domain.Payload, error) {
		return func(s *contract.State) ([]domain.Payload, error) { return s.Evaluate(cmd, in) }
	}
	s1 := func(tb testing.TB) *contract.State { return signed(tb, 1) }
	pass1 := func(tb testing.TB) *contract.State { return evaluated(tb, 1, true) }
	runCases(t, []cmdCase{
		{name: "evaluator records pass", state: s1, run: eval(evaluator(), passingEval()), want: contract.EventEvaluationRecorded},
		{name: "evaluator records fail", state: s1, run: eval(evaluator(), failingEval()), want: contract.EventEvaluationRecorded},
		{name: "year 3 evaluated", state: func(tb testing.TB) *contract.State { return signed(tb, 3) }, run: eval(evaluator(), mod(passingEval(), func(in *contract.EvaluateInput) { in.CycleYear = 3 })), want: contract.EventEvaluationRecorded},
		{name: "bureau officer refused", state: s1, run: eval(bureau(), passingEval()), rule: "contract.evaluate.evaluator_only", kind: domain.KindForbidden},
		{name: "evaluator without org unit refused", state: s1, run: eval(as(domain.RoleEvaluator, ""), passingEval()), rule: "contract.evaluate.evaluator_only", kind: domain.KindForbidden},
		{name: "before agreement refused", state: awarded, run: eval(evaluator(), passingEval()), rule: "contract.evaluate.requires_agreement", kind: domain.KindConflict},
		{name: "unsigned year refused", state: s1, run: eval(evaluator(), mod(passingEval(), func(in *contract.EvaluateInput) { in.CycleYear = 2 })), rule: "contract.evaluate.requires_agreement", kind: domain.KindConflict},
		{name: "after termination refused", state: terminated, run: eval(evaluator(), passingEval()), rule: "contract.evaluate.requires_agreement", kind: domain.KindConflict},
		{name: "second evaluation refused", state: pass1, run: eval(evaluator(), failingEval()), rule: "contract.evaluate.once_per_year", kind: domain.KindConflict},
		{name: "earlier year again refused", state: func(tb testing.TB) *contract.State { return signed(tb, 2) }, run: eval(evaluator(), mod(passingEval(), func(in *contract.EvaluateInput) { in.CycleYear = 1 })), rule: "contract.evaluate.once_per_year", kind: domain.KindConflict},
		{name: "score over 100 refused", state: s1, run: eval(evaluator(), mod(passingEval(), func(in *contract.EvaluateInput) { in.Scores.Government = 101 })), rule: "contract.evaluate.scores_range", kind: domain.KindInvalid},
		{name: "negative score refused", state: s1, run: eval(evaluator(), mod(passingEval(), func(in *contract.EvaluateInput) { in.Scores.ResidentSatisfaction = -1 })), rule: "contract.evaluate.scores_range", kind: domain.KindInvalid},
		{name: "weights summing to 99 refused", state: s1, run: eval(evaluator(), mod(passingEval(), func(in *contract.EvaluateInput) { in.Weights.Government = 29 })), rule: "contract.evaluate.weights_sum_100", kind: domain.KindInvalid},
		{name: "negative weight refused", state: s1, run: eval(evaluator(), mod(passingEval(), func(in *contract.EvaluateInput) {
			in.Weights = contract.Scores{ResidentSatisfaction: 110, Professional: -10, Government: 0}
		})), rule: "contract.evaluate.weights_sum_100", kind: domain.KindInvalid},
	})
}

func TestEvaluation_TotalAndPass(t *testing.T) {
	for _, c := range []struct {
		name       string
		scores     contract.Scores
		weights    contract.Scores
		threshold  int
		sum, total int
		passed     bool
	}{
		{"example", contract.Scores{90, 80, 85}, contract.Scores{40, 30, 30}, 60, 8550, 86, true},
		{"exactly the threshold passes", contract.Scores{60, 60, 60}, contract.Scores{34, 33, 33}, 60, 6000, 60, true},
		{"59.5 shows 60 but fails", contract.Scores{59, 60, 60}, contract.Scores{50, 25, 25}, 60, 5950, 60, false},
		{"59.49 rounds down", contract.Scores{59, 59, 60}, contract.Scores{1, 50, 49}, 60, 5949, 59, false},
		{"agreed threshold 70", contract.Scores{75, 65, 70}, contract.Scores{40, 30, 30}, 70, 7050, 71, true},
		{"one weight 100", contract.Scores{0, 100, 0}, contract.Scores{0, 100, 0}, 60, 10000, 100, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := awarded(t)
			ps, err := s.Sign(bureau(), mod(signInput(1), func(in *contract.SignInput) { in.Terms.PassThreshold = c.threshold }))
			must(t, s, bureau(), ps, err)
			ps, err = s.Evaluate(evaluator(), contract.EvaluateInput{Scores: c.scores, Weights: c.weights})
			check(t, ps, err, "", 0, contract.EventEvaluationRecorded)
			e := ps[0].(contract.EvaluationRecorded)
			if e.WeightedSum != c.sum || e.Total != c.total || e.Passed != c.passed || e.PassThreshold != c.threshold || e.EvaluatorUnit != evaluatorUnit {
				t.Fatalf("evaluation = %+v", e)
			}
		})
	}
}

func TestContract_Renew_AcceptedOrRejectedByRule(t *testing.T) {
	renew := func(cmd domain.Cmd) func(*contract.State) ([]domain.Payload, error) {
		return func(s *contract.State) ([]domain.Payload, error) {
			return s.Renew(cmd, contract.DecisionInput{DecidedOn: d("2025-01-05")})
		}
	}
	pass := func(n int) func(testing.TB) *contract.State {
		return func(tb testing.TB) *contract.State { return evaluated(tb, n, true) }
	}
	runCases(t, []cmdCase{
		{name: "after passing year 1", state: pass(1), run: renew(bureau()), want: contract.EventContractRenewed},
		{name: "after passing year 2", state: pass(2), run: renew(bureau()), want: contract.EventContractRenewed},
		{name: "evaluator refused", state: pass(1), run: renew(evaluator()), rule: "contract.renew.bureau_officer_only", kind: domain.KindForbidden},
		{name: "after failing refused", state: func(tb testing.TB) *contract.State { return evaluated(tb, 1, false) }, run: renew(bureau()), rule: "contract.renew.requires_passed_evaluation", kind: domain.KindConflict},
		{name: "before evaluation refused", state: func(tb testing.TB) *contract.State { return signed(tb, 1) }, run: renew(bureau()), rule: "contract.renew.requires_passed_evaluation", kind: domain.KindConflict},
		{name: "renewed twice refused", state: renewed, run: renew(bureau()), rule: "contract.renew.requires_passed_evaluation", kind: domain.KindConflict},
		{name: "before any agreement refused", state: awarded, run: renew(bureau()), rule: "contract.renew.requires_passed_evaluation", kind: domain.KindConflict},
		{name: "beyond year 3 refused", state: pass(3), run: renew(bureau()), rule: "contract.renew.within_cycle", kind: domain.KindConflict},
	})
}

func TestContract_NotRenew_AcceptedOrRejectedByRule(t *testing.T) {
	notRenew := func(cmd domain.Cmd, reason string) func(*contract.State) ([]domain.Payload, error) {
		return func(s *contract.State) ([]domain.Payload, error) {
			return s.NotRenew(cmd, contract.DecisionInput{Reason: reason})
		}
	}
	fail1 := func(tb testing.TB) *contract.State { return evaluated(tb, 1, false) }
	runCases(t, []cmdCase{
		{name: "after a fail without reason", state: fail1, run: notRenew(bureau(), ""), want: contract.EventContractNotRenewed},
		{name: "after year 3 without reason", state: func(tb testing.TB) *contract.State { return evaluated(tb, 3, true) }, run: notRenew(bureau(), ""), want: contract.EventContractNotRenewed},
		{name: "after a pass with reason", state: func(tb testing.TB) *contract.State { return evaluated(tb, 1, true) }, run: notRenew(bureau(), "服务需求调整，重新采购"), want: contract.EventContractNotRenewed},
		{name: "renewed then declined with reason", state: renewed, run: notRenew(bureau(), "承接机构放弃续签"), want: contract.EventContractNotRenewed},
		{name: "contractor refused", state: fail1, run: notRenew(as(domain.RoleAgencyWorker, contractorUnit), ""), rule: "contract.not_renew.bureau_officer_only", kind: domain.KindForbidden},
		{name: "before award refused", state: opened, run: notRenew(bureau(), "流标"), rule: "contract.not_renew.requires_award", kind: domain.KindConflict},
		{name: "after end refused", state: ended, run: notRenew(bureau(), "再次"), rule: "contract.not_renew.requires_award", kind: domain.KindConflict},
		{name: "after a pass without reason refused", state: func(tb testing.TB) *contract.State { return evaluated(tb, 1, true) }, run: notRenew(bureau(), " "), rule: "contract.not_renew.reason_required", kind: domain.KindInvalid},
		{name: "mid-year without reason refused", state: func(tb testing.TB) *contract.State { return signed(tb, 2) }, run: notRenew(bureau(), ""), rule: "contract.not_renew.reason_required", kind: domain.KindInvalid},
	})
}

func TestContract_Terminate_AcceptedOrRejectedByRule(t *testing.T) {
	term := func(cmd domain.Cmd, reason string) func(*contract.State) ([]domain.Payload, error) {
		return func(s *contract.State) ([]domain.Payload, error) {
			return s.Terminate(cmd, contract.TerminateInput{Reason: reason})
		}
	}
	runCases(t, []cmdCase{
		{name: "after award", state: awarded, run: term(bureau(), "未按协议配备驻站社工"), want: contract.EventContractTerminated},
		{name: "during year 2", state: func(tb testing.TB) *contract.State { return signed(tb, 2) }, run: term(bureau(), "服务转包"), want: contract.EventContractTerminated},
		{name: "after a fail", state: func(tb testing.TB) *contract.State { return evaluated(tb, 1, false) }, run: term(bureau(), "严重违约"), want: contract.EventContractTerminated},
		{name: "county manager refused", state: awarded, run: term(as(domain.RoleCountyManager, bureauUnit), "违约"), rule: "contract.terminate.bureau_officer_only", kind: domain.KindForbidden},
		{name: "during procurement refused", state: opened, run: term(bureau(), "违约"), rule: "contract.terminate.requires_award", kind: domain.KindConflict},
		{name: "after end refused", state: ended, run: term(bureau(), "违约"), rule: "contract.terminate.requires_award", kind: domain.KindConflict},
		{name: "twice refused", state: terminated, run: term(bureau(), "违约"), rule: "contract.terminate.requires_award", kind: domain.KindConflict},
		{name: "without reason refused", state: awarded, run: term(bureau(), ""), rule: "contract.terminate.reason_required", kind: domain.KindInvalid},
	})
}

func TestContract_FullCycle_PhasesInOrder(t *testing.T) {
	s := &contract.State{}
	var phases []contract.Phase
	step := func(cmd domain.Cmd, run func() ([]domain.Payload, error)) {
		t.Helper()
		ps, err := run()
		must(t, s, cmd, ps, err)
		phases = append(phases, s.Phase)
	}
	step(bureau(), func() ([]domain.Payload, error) { return contract.Open(bureau(), contractID, openInput()) })
	step(bureau(), func() ([]domain.Payload, error) { return s.Award(bureau(), awardInput()) })
	for y := 1; y <= 3; y++ {
		step(bureau(), func() ([]domain.Payload, error) { return s.Sign(bureau(), signInput(y)) })
		step(evaluator(), func() ([]domain.Payload, error) { return s.Evaluate(evaluator(), passingEval()) })
		if y < 3 {
			step(bureau(), func() ([]domain.Payload, error) { return s.Renew(bureau(), contract.DecisionInput{}) })
		}
	}
	step(bureau(), func() ([]domain.Payload, error) { return s.NotRenew(bureau(), contract.DecisionInput{}) })
	want := []contract.Phase{"procurement", "awarded", "in_agreement", "evaluated", "renewed", "in_agreement", "evaluated", "renewed", "in_agreement", "evaluated", "ended"}
	if len(phases) != len(want) {
		t.Fatalf("phases = %v", phases)
	}
	for i := range want {
		if phases[i] != want[i] {
			t.Fatalf("phases = %v, want %v", phases, want)
		}
	}
	if s.CycleYear != 3 || len(s.Years) != 3 || !s.Years[1].Renewed || s.Years[2].Renewed || s.Closure.Phase != contract.PhaseEnded || s.Version != 11 || !s.Closed() {
		t.Fatalf("state = %+v", s)
	}
}
