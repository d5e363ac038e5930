package contract

import (
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Stable stored names of the contract events. They never change; a changed
// payload gets a new schema version and an upcaster instead.
const (
	EventProcurementOpened  = "ProcurementOpened"
	EventContractAwarded    = "ContractAwarded"
	EventAgreementSigned    = "AgreementSigned"
	EventReportSubmitted    = "ReportSubmitted"
	EventInspectionRecorded = "InspectionRecorded"
	EventFundsBudgeted      = "FundsBudgeted"
	EventFundsDisbursed     = "FundsDisbursed"
	EventStaffingChanged    = "StaffingChanged"
	EventEvaluationRecorded = "EvaluationRecorded"
	EventContractRenewed    = "ContractRenewed"
	EventContractNotRenewed = "ContractNotRenewed"
	EventContractTerminated = "ContractTerminated"
)

// RegisterEvents adds every contract event type to r at its current schema
// version. It panics if one is already registered (a wiring mistake).
func RegisterEvents(r *domain.Registry) {
	domain.Register[ProcurementOpened](r, 1)
	domain.Register[ContractAwarded](r, 1)
	domain.Register[AgreementSigned](r, 1)
	domain.Register[ReportSubmitted](r, 1)
	domain.Register[InspectionRecorded](r, 1)
	domain.Register[FundsBudgeted](r, 1)
	domain.Register[FundsDisbursed](r, 1)
	domain.Register[StaffingChanged](r, 1)
	domain.Register[EvaluationRecorded](r, 1)
	domain.Register[ContractRenewed](r, 1)
	domain.Register[ContractNotRenewed](r, 1)
	domain.Register[ContractTerminated](r, 1)
}

// ProcurementOpened starts a contract: a bureau opens the purchase of
// services for the stations it covers with one of the five methods.
type ProcurementOpened struct {
	ContractID    uuid.UUID  `json:"contract_id"`
	BureauUnit    string     `json:"bureau_unit"`
	Title         string     `json:"title"`
	Stations      []string   `json:"stations"`
	Method        string     `json:"method"`
	BudgetCeiling value.Fen  `json:"budget_ceiling"`
	OpenedOn      value.Date `json:"opened_on"`
}

// ContractAwarded names the winning contractor, a registered social
// organisation. CheckDigitMismatch records that the credit code's check
// character did not verify: kept as a warning, since early codes fail it.
type ContractAwarded struct {
	ContractorUnit     string           `json:"contractor_unit"`
	ContractorName     string           `json:"contractor_name"`
	CreditCode         value.CreditCode `json:"credit_code"`
	CheckDigitMismatch bool             `json:"check_digit_mismatch"`
	AwardedOn          value.Date       `json:"awarded_on"`
	Amount             value.Fen        `json:"amount"`
}

// Party is one of the three parties of the agreement.
type Party struct {
	Unit string `json:"unit"`
	Name string `json:"name"`
}

// Parties are the three signatories of the tripartite agreement
// (区民政局、驻点镇(街道)、承接机构, seed 000 §6.3).
type Parties struct {
	Bureau     Party `json:"bureau"`
	Township   Party `json:"township"`
	Contractor Party `json:"contractor"`
}

// Targets are the yearly service targets of an agreement.
type Targets struct {
	Cases               int `json:"cases"`
	Services            int `json:"services"`
	GroupSessions       int `json:"group_sessions"`
	CommunityActivities int `json:"community_activities"`
	ServiceHours        int `json:"service_hours"`
}

// StationStaffing is the number of resident social workers promised for
// one station.
type StationStaffing struct {
	Station         string `json:"station"`
	ResidentWorkers int    `json:"resident_workers"`
}

// Terms are the agreed deadlines and thresholds. A zero field in a Sign
// input takes the default (see the Default* constants); the event always
// carries the resolved values, so a contract can agree other deadlines.
type Terms struct {
	// MonthlyDueDay: a monthly briefing is due by this day of the following
	// month (clamped to that month's last day).
	MonthlyDueDay int `json:"monthly_due_day"`
	// MidTermDays: the mid-term report is due this many days after the
	// period's midpoint.
	MidTermDays int `json:"mid_term_days"`
	// FinalDays: the final report is due this many days after the period end.
	FinalDays int `json:"final_days"`
	// StaffingGraceDays: promised staffing must be in place this many days
	// after the period start to count as timely (及时).
	StaffingGraceDays int `json:"staffing_grace_days"`
	// PassThreshold: the evaluation total (0–100) needed to pass.
	PassThreshold int `json:"pass_threshold"`
}

// AgreementSigned is the tripartite agreement of one cycle year (1..3),
// signed every year within the three-year cycle (周期内一年一签).
type AgreementSigned struct {
	CycleYear        int               `json:"cycle_year"`
	Parties          Parties           `json:"parties"`
	PeriodStart      value.Date        `json:"period_start"`
	PeriodEnd        value.Date        `json:"period_end"`
	ServiceContent   string            `json:"service_content"`
	Targets          Targets           `json:"targets"`
	Staffing         []StationStaffing `json:"staffing"`
	Budget           value.Fen         `json:"budget"`
	EvaluationClause string            `json:"evaluation_clause"`
	BreachLiability  string            `json:"breach_liability"`
	Terms            Terms             `json:"terms"`
	SignedOn         value.Date        `json:"signed_on"`
}

// ReportSubmitted records a report handed to the bureau. Period is the
// month "2006-01" for a monthly briefing and empty otherwise; Due is the
// deadline the agreement gave it, pinned for the audit trail.
type ReportSubmitted struct {
	CycleYear   int        `json:"cycle_year"`
	Kind        string     `json:"kind"`
	Period      string     `json:"period,omitempty"`
	Due         value.Date `json:"due"`
	SubmittedOn value.Date `json:"submitted_on"`
	DocumentRef string     `json:"document_ref"`
}

// InspectionRecorded is a supervision or inspection visit (全程督导和检查).
type InspectionRecorded struct {
	InspectedOn value.Date `json:"inspected_on"`
	Inspector   string     `json:"inspector"`
	Station     string     `json:"station,omitempty"`
	Findings    string     `json:"findings"`
	Severity    string     `json:"severity"`
}

// BudgetLine is one line of the earmarked ledger (专款专用, seed 003).
// SocialAssistance marks money drawn from social-assistance funds, capped at
// 5 % of last year's social-assistance spending (seed 000 §4.4).
type BudgetLine struct {
	Code             string    `json:"code"`
	Purpose          string    `json:"purpose"`
	Amount           value.Fen `json:"amount"`
	Earmarked        bool      `json:"earmarked"`
	SocialAssistance bool      `json:"social_assistance"`
}

// FundsBudgeted adds budget lines for the current cycle year, with the
// previous year's social-assistance spending it was checked against and the
// resulting cap.
type FundsBudgeted struct {
	CycleYear                 int          `json:"cycle_year"`
	Lines                     []BudgetLine `json:"lines"`
	PrevSocialAssistanceSpend value.Fen    `json:"previous_year_social_assistance_spending"`
	SocialAssistanceCap       value.Fen    `json:"social_assistance_cap"`
	BudgetedOn                value.Date   `json:"budgeted_on"`
}

// FundsDisbursed pays an amount out of one budget line.
type FundsDisbursed struct {
	Line        string     `json:"line"`
	Amount      value.Fen  `json:"amount"`
	DisbursedOn value.Date `json:"disbursed_on"`
	Purpose     string     `json:"purpose"`
}

// AssignedWorker is a resident social worker placed at a station, with the
// organisation that employs them.
type AssignedWorker struct {
	WorkerID     string `json:"worker_id"`
	EmployerUnit string `json:"employer_unit"`
}

// StaffingChanged records the actual resident workers of a station from a
// date, against what the agreement promised; Shortfall = Promised − Actual
// when positive.
type StaffingChanged struct {
	CycleYear   int              `json:"cycle_year"`
	Station     string           `json:"station"`
	EffectiveOn value.Date       `json:"effective_on"`
	Workers     []AssignedWorker `json:"workers"`
	Promised    int              `json:"promised"`
	Actual      int              `json:"actual"`
	Shortfall   int              `json:"shortfall"`
}

// Scores are the three parts of the evaluation, each 0–100.
type Scores struct {
	ResidentSatisfaction int `json:"resident_satisfaction"`
	Professional         int `json:"professional"`
	Government           int `json:"government"`
}

// EvaluationRecorded is the third-party year-end evaluation of a cycle
// year. WeightedSum = Σ score×weight (0–10000, exact); Total is WeightedSum/100
// rounded half up, for display; Passed is decided on the exact sum:
// WeightedSum ≥ PassThreshold×100, so rounding never turns a fail into a pass.
type EvaluationRecorded struct {
	CycleYear     int        `json:"cycle_year"`
	EvaluatorUnit string     `json:"evaluator_unit"`
	Scores        Scores     `json:"scores"`
	Weights       Scores     `json:"weights"`
	WeightedSum   int        `json:"weighted_sum"`
	Total         int        `json:"total"`
	PassThreshold int        `json:"pass_threshold"`
	Passed        bool       `json:"passed"`
	EvaluatedOn   value.Date `json:"evaluated_on"`
	Summary       string     `json:"summary,omitempty"`
}

// ContractRenewed decides, after a passing evaluation of CycleYear, to sign
// NextCycleYear.
type ContractRenewed struct {
	CycleYear     int        `json:"cycle_year"`
	NextCycleYear int        `json:"next_cycle_year"`
	DecidedOn     value.Date `json:"decided_on"`
}

// ContractNotRenewed ends the contract without renewal; a new procurement
// may open. AfterFailedEvaluation says whether a failed evaluation was the
// cause.
type ContractNotRenewed struct {
	CycleYear             int        `json:"cycle_year"`
	AfterFailedEvaluation bool       `json:"after_failed_evaluation"`
	Reason                string     `json:"reason,omitempty"`
	DecidedOn             value.Date `json:"decided_on"`
}

// ContractTerminated ends the contract early for breach.
type ContractTerminated struct {
	CycleYear    int        `json:"cycle_year"`
	Reason       string     `json:"reason"`
	TerminatedOn value.Date `json:"terminated_on"`
}

// EventType returns the stored name "ProcurementOpened".
func (ProcurementOpened) EventType() string { return EventProcurementOpened }

// EventType returns the stored name "ContractAwarded".
func (ContractAwarded) EventType() string { return EventContractAwarded }

// EventType returns the stored name "AgreementSigned".
func (AgreementSigned) EventType() string { return EventAgreementSigned }

// EventType returns the stored name "ReportSubmitted".
func (ReportSubmitted) EventType() string { return EventReportSubmitted }

// EventType returns the stored name "InspectionRecorded".
func (InspectionRecorded) EventType() string { return EventInspectionRecorded }

// EventType returns the stored name "FundsBudgeted".
func (FundsBudgeted) EventType() string { return EventFundsBudgeted }

// EventType returns the stored name "FundsDisbursed".
func (FundsDisbursed) EventType() string { return EventFundsDisbursed }

// EventType returns the stored name "StaffingChanged".
func (StaffingChanged) EventType() string { return EventStaffingChanged }

// EventType returns the stored name "EvaluationRecorded".
func (EvaluationRecorded) EventType() string { return EventEvaluationRecorded }

// EventType returns the stored name "ContractRenewed".
func (ContractRenewed) EventType() string { return EventContractRenewed }

// EventType returns the stored name "ContractNotRenewed".
func (ContractNotRenewed) EventType() string { return EventContractNotRenewed }

// EventType returns the stored name "ContractTerminated".
func (ContractTerminated) EventType() string { return EventContractTerminated }
