package contract

import (
	"fmt"

	"casework/domain"
	"casework/domain/value"
)

// EvaluateInput is the third-party evaluation of a cycle year (0 means the
// current one). Weights are integer percentages summing to 100 (seed 002
// combines resident satisfaction, professional and government evaluation).
// An empty evaluated_on means today.
type EvaluateInput struct {
	CycleYear   int        `json:"cycle_year"`
	Scores      Scores     `json:"scores"`
	Weights     Scores     `json:"weights"`
	EvaluatedOn value.Date `json:"evaluated_on"`
	Summary     string     `json:"summary"`
}

// Evaluate records EvaluationRecorded in the name of the evaluator's org
// unit, with the pass threshold of that year's agreement. The total is
// Σ score×weight / 100 rounded half up; pass/fail uses the exact sum
// (WeightedSum ≥ threshold×100). Rules: contract.evaluate.evaluator_only,
// contract.evaluate.once_per_year, contract.evaluate.requires_agreement,
// contract.evaluate.scores_range, contract.evaluate.weights_sum_100.
func (s *State) Evaluate(cmd domain.Cmd, in EvaluateInput) ([]domain.Payload, error) {
	if cmd.Actor.Role != domain.RoleEvaluator || blank(cmd.Actor.OrgUnit) {
		return nil, domain.Forbidden(ruleEvalRole, "", "only a third-party evaluator records an evaluation")
	}
	n := in.CycleYear
	if n == 0 {
		n = s.CycleYear
	}
	if y := s.year(n); y != nil && y.Evaluation != nil {
		return nil, domain.Conflict(ruleEvalOnce, "cycle_year", fmt.Sprintf("cycle year %d is already evaluated", n))
	}
	if n < 1 || n != s.CycleYear || s.Phase != PhaseInAgreement {
		return nil, domain.Conflict(ruleEvalAgreement, "cycle_year", "only the current signed cycle year of a running contract is evaluated")
	}
	var v domain.Violations
	sc, w := in.Scores, in.Weights
	for _, x := range []struct {
		field string
		n     int
	}{{"resident_satisfaction", sc.ResidentSatisfaction}, {"professional", sc.Professional}, {"government", sc.Government}} {
		if x.n < 0 || x.n > 100 {
			v.Add(domain.Invalid(ruleEvalScores, "scores."+x.field, "a score is between 0 and 100"))
		}
	}
	if w.ResidentSatisfaction < 0 || w.Professional < 0 || w.Government < 0 ||
		w.ResidentSatisfaction+w.Professional+w.Government != 100 {
		v.Add(domain.Invalid(ruleEvalWeights, "weights", "the weights are non-negative and sum to 100"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sum := sc.ResidentSatisfaction*w.ResidentSatisfaction + sc.Professional*w.Professional + sc.Government*w.Government
	threshold := s.year(n).Agreement.Terms.PassThreshold
	return []domain.Payload{EvaluationRecorded{
		CycleYear: n, EvaluatorUnit: cmd.Actor.OrgUnit, Scores: sc, Weights: w,
		WeightedSum: sum, Total: (sum + 50) / 100, PassThreshold: threshold, Passed: sum >= threshold*100,
		EvaluatedOn: orToday(in.EvaluatedOn, cmd), Summary: in.Summary,
	}}, nil
}

// DecisionInput is a renewal decision. An empty decided_on means today.
type DecisionInput struct {
	DecidedOn value.Date `json:"decided_on"`
	Reason    string     `json:"reason"`
}

// Renew records ContractRenewed after a passing evaluation of the current
// cycle year, so that the next year can be signed. Rules:
// contract.renew.bureau_officer_only, contract.renew.requires_passed_evaluation,
// contract.renew.within_cycle (no renewal after year 3).
func (s *State) Renew(cmd domain.Cmd, in DecisionInput) ([]domain.Payload, error) {
	if err := s.bureau(cmd, ruleRenewBureau); err != nil {
		return nil, err
	}
	y := s.Current()
	if s.Phase != PhaseEvaluated || y == nil || y.Evaluation == nil || !y.Evaluation.Passed {
		return nil, domain.Conflict(ruleRenewPassed, "", "renewal needs a passing evaluation of the current cycle year")
	}
	if y.CycleYear >= CycleYears {
		return nil, domain.Conflict(ruleRenewCycle, "", "the three-year cycle is complete; a new procurement opens instead")
	}
	return []domain.Payload{ContractRenewed{CycleYear: y.CycleYear, NextCycleYear: y.CycleYear + 1,
		DecidedOn: orToday(in.DecidedOn, cmd)}}, nil
}

// NotRenew records ContractNotRenewed, ending the contract so that a new
// procurement can open. After a failed evaluation, or once year 3 is
// evaluated, no reason is needed; otherwise the decision states one.
// Rules: contract.not_renew.bureau_officer_only, contract.not_renew.requires_award,
// contract.not_renew.reason_required.
func (s *State) NotRenew(cmd domain.Cmd, in DecisionInput) ([]domain.Payload, error) {
	if err := s.bureau(cmd, ruleNotRenewBureau); err != nil {
		return nil, err
	}
	if s.Contractor == nil || s.Closed() {
		return nil, domain.Conflict(ruleNotRenewPhase, "", "only an awarded contract that has not ended can be left unrenewed")
	}
	failed := false
	cycleDone := false
	if y := s.Current(); y != nil && y.Evaluation != nil && s.Phase == PhaseEvaluated {
		failed = !y.Evaluation.Passed
		cycleDone = y.CycleYear == CycleYears
	}
	if !failed && !cycleDone && blank(in.Reason) {
		return nil, domain.Invalid(ruleNotRenewReason, "reason", "declining renewal without a failed evaluation needs a reason")
	}
	return []domain.Payload{ContractNotRenewed{CycleYear: s.CycleYear, AfterFailedEvaluation: failed,
		Reason: in.Reason, DecidedOn: orToday(in.DecidedOn, cmd)}}, nil
}

// TerminateInput ends the contract for breach. An empty terminated_on means today.
type TerminateInput struct {
	Reason       string     `json:"reason"`
	TerminatedOn value.Date `json:"terminated_on"`
}

// Terminate records ContractTerminated. Rules:
// contract.terminate.bureau_officer_only, contract.terminate.requires_award,
// contract.terminate.reason_required.
func (s *State) Terminate(cmd domain.Cmd, in TerminateInput) ([]domain.Payload, error) {
	if err := s.bureau(cmd, ruleTermBureau); err != nil {
		return nil, err
	}
	if s.Contractor == nil || s.Closed() {
		return nil, domain.Conflict(ruleTermPhase, "", "termination is possible after the award and before the contract ended")
	}
	if blank(in.Reason) {
		return nil, domain.Invalid(ruleTermReason, "reason", "termination for breach needs a reason")
	}
	return []domain.Payload{ContractTerminated{CycleYear: s.CycleYear, Reason: in.Reason,
		TerminatedOn: orToday(in.TerminatedOn, cmd)}}, nil
}
