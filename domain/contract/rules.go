package contract

import "casework/domain"

// Rule names returned by the commands of this package (see Rules).
const (
	ruleOpenBureau      = "contract.open.bureau_officer_only"
	ruleOpenExists      = "contract.open.already_opened"
	ruleOpenRequired    = "contract.open.required"
	ruleOpenMethod      = "contract.open.method_known"
	ruleOpenCeiling     = "contract.open.budget_ceiling_positive"
	ruleAwardBureau     = "contract.award.bureau_officer_only"
	ruleAwardPhase      = "contract.award.requires_open_procurement"
	ruleAwardRequired   = "contract.award.required"
	ruleAwardCreditCode = "contract.award.credit_code_valid"
	ruleAwardSocialOrg  = "contract.award.registered_social_organisation"
	ruleAwardAmount     = "contract.award.amount_within_ceiling"
	ruleAwardDate       = "contract.award.not_before_opening"
	ruleSignBureau      = "contract.sign.bureau_officer_only"
	ruleSignAward       = "contract.sign.requires_award"
	ruleSignRenewal     = "contract.sign.requires_renewal"
	ruleSignYear        = "contract.sign.cycle_year_next"
	ruleSignParties     = "contract.sign.parties_named"
	ruleSignPartiesTo   = "contract.sign.parties_match_award"
	ruleSignOneYear     = "contract.sign.period_one_year"
	ruleSignFollows     = "contract.sign.period_follows_previous"
	ruleSignStaffing    = "contract.sign.staffing_per_station"
	ruleSignRequired    = "contract.sign.required"
	ruleSignTerms       = "contract.sign.terms_range"
	ruleReportSide      = "contract.report.contractor_side_only"
	ruleReportAgreement = "contract.report.requires_agreement"
	ruleReportKind      = "contract.report.kind_known"
	ruleReportSchedule  = "contract.report.in_schedule"
	ruleReportOnce      = "contract.report.once_per_period"
	ruleReportRequired  = "contract.report.required"
	ruleReportFuture    = "contract.report.not_in_future"
	ruleInspectRole     = "contract.inspect.bureau_or_county_only"
	ruleInspectActive   = "contract.inspect.requires_active_contract"
	ruleInspectRequired = "contract.inspect.required"
	ruleInspectSeverity = "contract.inspect.severity_known"
	ruleBudgetBureau    = "contract.budget.bureau_officer_only"
	ruleBudgetAgreement = "contract.budget.requires_agreement"
	ruleBudgetLine      = "contract.budget.line_valid"
	ruleBudgetUnique    = "contract.budget.line_code_unique"
	ruleBudgetWithin    = "contract.budget.within_agreement"
	ruleBudgetSAShare   = "contract.budget.social_assistance_share"
	ruleDisburseBureau  = "contract.disburse.bureau_officer_only"
	ruleDisburseLine    = "contract.disburse.line_exists"
	ruleDisburseWithin  = "contract.disburse.within_line"
	ruleDisburseReq     = "contract.disburse.required"
	ruleStaffSide       = "contract.staffing.contractor_side_or_bureau"
	ruleStaffAgreement  = "contract.staffing.requires_agreement"
	ruleStaffStation    = "contract.staffing.station_covered"
	ruleStaffRequired   = "contract.staffing.required"
	ruleSubcontracting  = "contract.subcontracting.prohibited"
	ruleEvalRole        = "contract.evaluate.evaluator_only"
	ruleEvalAgreement   = "contract.evaluate.requires_agreement"
	ruleEvalOnce        = "contract.evaluate.once_per_year"
	ruleEvalScores      = "contract.evaluate.scores_range"
	ruleEvalWeights     = "contract.evaluate.weights_sum_100"
	ruleRenewBureau     = "contract.renew.bureau_officer_only"
	ruleRenewPassed     = "contract.renew.requires_passed_evaluation"
	ruleRenewCycle      = "contract.renew.within_cycle"
	ruleNotRenewBureau  = "contract.not_renew.bureau_officer_only"
	ruleNotRenewPhase   = "contract.not_renew.requires_award"
	ruleNotRenewReason  = "contract.not_renew.reason_required"
	ruleTermBureau      = "contract.terminate.bureau_officer_only"
	ruleTermPhase       = "contract.terminate.requires_award"
	ruleTermReason      = "contract.terminate.reason_required"
)

// Rules lists every rule a contract command can return, with its seed and a
// one-line summary, for RULES.md.
func Rules() []domain.RuleInfo {
	return []domain.RuleInfo{
		{Name: ruleOpenBureau, Seed: "000 §4.1, DOMAIN §3", Summary: "Only a bureau officer of the procuring bureau opens a procurement."},
		{Name: ruleOpenExists, Seed: "DOMAIN §3", Summary: "A contract stream holds one procurement; it cannot be opened twice."},
		{Name: ruleOpenRequired, Seed: "000 §6.2", Summary: "A procurement names its bureau, title, covered stations (distinct) and date."},
		{Name: ruleOpenMethod, Seed: "000 §6.2", Summary: "The method is open_tender, invited_tender, competitive_negotiation, competitive_consultation or single_source."},
		{Name: ruleOpenCeiling, Seed: "000 §4.4", Summary: "The budget ceiling is a positive amount in fen."},
		{Name: ruleAwardBureau, Seed: "000 §6.2", Summary: "Only a bureau officer of the procuring bureau awards."},
		{Name: ruleAwardPhase, Seed: "000 §6.2", Summary: "An award needs an open procurement not yet awarded."},
		{Name: ruleAwardRequired, Seed: "000 §4.2", Summary: "An award names the contractor's org unit and name."},
		{Name: ruleAwardCreditCode, Seed: "000 §4.2", Summary: "The contractor's unified social credit code is well formed (a check-digit mismatch is only a warning)."},
		{Name: ruleAwardSocialOrg, Seed: "000 §4.2", Summary: "The contractor is a social organisation registered with civil affairs (credit code starting with 5)."},
		{Name: ruleAwardAmount, Seed: "000 §4.4", Summary: "The award amount is positive and within the procurement's budget ceiling."},
		{Name: ruleAwardDate, Seed: "000 §6.2", Summary: "The award date is not before the procurement opened."},
		{Name: ruleSignBureau, Seed: "000 §6.3", Summary: "Only a bureau officer of the procuring bureau signs the agreement."},
		{Name: ruleSignAward, Seed: "000 §6.3", Summary: "Cycle year 1 is signed only after the award."},
		{Name: ruleSignRenewal, Seed: "000 §6.3, §6.5", Summary: "Cycle year n+1 is signed only after year n was evaluated as pass and renewed."},
		{Name: ruleSignYear, Seed: "000 §6.3", Summary: "Agreements are signed year by year, 1 to 3, within the three-year cycle (周期内一年一签)."},
		{Name: ruleSignParties, Seed: "000 §6.3", Summary: "The agreement names all three parties: bureau, township and contractor."},
		{Name: ruleSignPartiesTo, Seed: "000 §6.3", Summary: "The bureau and contractor parties are the procuring bureau and the awarded contractor."},
		{Name: ruleSignOneYear, Seed: "000 §6.3", Summary: "An agreement covers exactly one year."},
		{Name: ruleSignFollows, Seed: "000 §6.3", Summary: "Year n+1 starts the day after year n ends."},
		{Name: ruleSignStaffing, Seed: "000 §3.3", Summary: "Staffing promises name each covered station exactly once with at least one resident worker."},
		{Name: ruleSignRequired, Seed: "000 §6.3", Summary: "The agreement states content, non-negative targets, a positive budget, evaluation clause and breach liability."},
		{Name: ruleSignTerms, Seed: "000 §6.4", Summary: "Agreed deadlines and the pass threshold are within range."},
		{Name: ruleReportSide, Seed: "000 §6.4", Summary: "Reports are submitted by the contractor side."},
		{Name: ruleReportAgreement, Seed: "000 §6.4", Summary: "A report belongs to a signed cycle year."},
		{Name: ruleReportKind, Seed: "000 §6.4", Summary: "A report is a monthly briefing, a mid-term report or a final report."},
		{Name: ruleReportSchedule, Seed: "000 §6.4", Summary: "A monthly briefing names a month of the agreement period."},
		{Name: ruleReportOnce, Seed: "000 §6.4", Summary: "Each scheduled report is submitted once."},
		{Name: ruleReportRequired, Seed: "000 §6.4", Summary: "A report carries a document reference."},
		{Name: ruleReportFuture, Seed: "000 §6.4", Summary: "A report's submission date is not in the future."},
		{Name: ruleInspectRole, Seed: "000 §6.5, §7.2", Summary: "Inspections are recorded by a bureau officer or a county manager."},
		{Name: ruleInspectActive, Seed: "000 §6.5", Summary: "Inspections are recorded on an awarded contract that has not ended."},
		{Name: ruleInspectRequired, Seed: "000 §6.5", Summary: "An inspection names the inspector and its findings."},
		{Name: ruleInspectSeverity, Seed: "000 §6.5", Summary: "Severity is none, minor, major or critical."},
		{Name: ruleBudgetBureau, Seed: "000 §4.4", Summary: "Only a bureau officer of the procuring bureau budgets funds."},
		{Name: ruleBudgetAgreement, Seed: "000 §4.4", Summary: "Funds are budgeted for a signed cycle year of a contract that has not ended."},
		{Name: ruleBudgetLine, Seed: "003, 000 §4.4", Summary: "Each budget line has a code, a purpose and a positive amount; spending inputs are non-negative."},
		{Name: ruleBudgetUnique, Seed: "003", Summary: "Budget line codes are unique within the contract."},
		{Name: ruleBudgetWithin, Seed: "000 §6.3", Summary: "The lines of a cycle year do not exceed that year's agreed budget."},
		{Name: ruleBudgetSAShare, Seed: "000 §4.4", Summary: "Social-assistance lines total at most 5% of last year's social-assistance spending."},
		{Name: ruleDisburseBureau, Seed: "003", Summary: "Only a bureau officer of the procuring bureau disburses funds."},
		{Name: ruleDisburseLine, Seed: "003", Summary: "A disbursement draws on an existing budget line (专款专用)."},
		{Name: ruleDisburseWithin, Seed: "003", Summary: "A disbursement never exceeds the line's remaining amount."},
		{Name: ruleDisburseReq, Seed: "003", Summary: "A disbursement has a positive amount and a purpose."},
		{Name: ruleStaffSide, Seed: "000 §3.3", Summary: "Staffing is reported by the contractor side or a bureau officer."},
		{Name: ruleStaffAgreement, Seed: "000 §3.3", Summary: "Staffing changes belong to the current signed cycle year of a contract that has not ended."},
		{Name: ruleStaffStation, Seed: "000 §3.3", Summary: "Staffing is recorded for a station the agreement staffs."},
		{Name: ruleStaffRequired, Seed: "000 §3.3", Summary: "Each assigned worker is named by id, once."},
		{Name: ruleSubcontracting, Seed: "000 §7.4", Summary: "Subcontracting the service (服务转包) is prohibited, including staff employed by another organisation."},
		{Name: ruleEvalRole, Seed: "000 §6.5, 002", Summary: "Only a third-party evaluator records the evaluation."},
		{Name: ruleEvalAgreement, Seed: "000 §6.5", Summary: "The evaluated year is the current signed cycle year of a running contract."},
		{Name: ruleEvalOnce, Seed: "000 §6.5", Summary: "A cycle year is evaluated once."},
		{Name: ruleEvalScores, Seed: "002", Summary: "Each score is between 0 and 100."},
		{Name: ruleEvalWeights, Seed: "002", Summary: "The three weights are non-negative integers summing to 100."},
		{Name: ruleRenewBureau, Seed: "000 §6.5", Summary: "Only a bureau officer of the procuring bureau renews."},
		{Name: ruleRenewPassed, Seed: "000 §6.5", Summary: "Renewal requires a passing evaluation of the current cycle year."},
		{Name: ruleRenewCycle, Seed: "000 §6.3", Summary: "Renewal never goes beyond year 3 of the cycle."},
		{Name: ruleNotRenewBureau, Seed: "000 §6.5", Summary: "Only a bureau officer of the procuring bureau declines renewal."},
		{Name: ruleNotRenewPhase, Seed: "000 §6.5", Summary: "Declining renewal needs an awarded contract that has not ended."},
		{Name: ruleNotRenewReason, Seed: "000 §6.5", Summary: "Declining renewal without a failed evaluation (or a completed cycle) needs a reason."},
		{Name: ruleTermBureau, Seed: "000 §7.4", Summary: "Only a bureau officer of the procuring bureau terminates."},
		{Name: ruleTermPhase, Seed: "000 §7.4", Summary: "Termination is possible after the award and before the contract ended."},
		{Name: ruleTermReason, Seed: "000 §7.4", Summary: "Termination for breach needs a reason."},
	}
}
