package casefile

import (
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Stable stored names of the case events. Never rename one: add a new
// schema version with an upcaster instead.
const (
	EventCaseOpened             = "CaseOpened"
	EventHouseholdCheckRecorded = "HouseholdCheckRecorded"
	EventNeedsAssessed          = "NeedsAssessed"
	EventServicePlanDrafted     = "ServicePlanDrafted"
	EventServiceDelivered       = "ServiceDelivered"
	EventFollowUpRecorded       = "FollowUpRecorded"
	EventCaseReviewed           = "CaseReviewed"
	EventApprovalRequested      = "ApprovalRequested"
	EventApprovalGranted        = "ApprovalGranted"
	EventApprovalRejected       = "ApprovalRejected"
	EventCaseClosed             = "CaseClosed"
	EventCaseReopened           = "CaseReopened"
	EventCaseArchived           = "CaseArchived"
	EventCaseReassigned         = "CaseReassigned"
)

// Client is the person a case is about. Exactly one of Name and MinorName
// is set: a client under 18 at intake has the name in MinorName so that it
// is stored under the stricter "minor" category (PIPL Art. 28). The same
// holds for Circumstances and MinorCircumstances.
type Client struct {
	Name               string           `json:"name,omitempty" sensitive:"name"`
	MinorName          string           `json:"minor_name,omitempty" sensitive:"minor"`
	ResidentID         value.ResidentID `json:"resident_id,omitzero" sensitive:"id_number"`
	Gender             string           `json:"gender"`
	BirthDate          value.Date       `json:"birth_date"`
	Minor              bool             `json:"minor"`
	Contact            Contact          `json:"contact"`
	Circumstances      string           `json:"circumstances,omitempty" sensitive:"narrative"`
	MinorCircumstances string           `json:"minor_circumstances,omitempty" sensitive:"minor"`
}

// DisplayName returns whichever of Name and MinorName is set.
func (c Client) DisplayName() string {
	if c.Minor {
		return c.MinorName
	}
	return c.Name
}

// Contact holds how to reach a person.
type Contact struct {
	Phone   string `json:"phone,omitempty" sensitive:"contact"`
	Address string `json:"address,omitempty" sensitive:"contact"`
}

// Household is the client's household as known at intake. County is the
// county-level division whose minimum-living standard applies.
type Household struct {
	County  value.DivisionCode `json:"county"`
	Size    int                `json:"size"`
	Address string             `json:"address,omitempty" sensitive:"contact"`
}

// CaseOpened records intake (接案). Schema 3: schema 1 had the client's
// name in a top-level "client_name" (see upcastCaseOpenedV1); schema 2 had
// no client_id (see upcastCaseOpenedV2).
type CaseOpened struct {
	CaseID uuid.UUID `json:"case_id"`
	// ClientID is the key subject of the case's sensitive fields: the store
	// encrypts them under this client's key, so forgetting the client
	// (privacy.ClientForgotten) erases them. Several cases of one person
	// share it.
	ClientID   uuid.UUID            `json:"client_id"`
	Source     string               `json:"source"`
	ReferredBy string               `json:"referred_by,omitempty"`
	Client     Client               `json:"client"`
	Household  Household            `json:"household"`
	Domain     domain.ServiceDomain `json:"domain"`
	StationID  string               `json:"station_id"`
	WorkerID   string               `json:"worker_id"`
	OpenedAt   time.Time            `json:"opened_at"`
}

// HouseholdMember is one member of the household at the economic check.
// A member under 18 has the name in MinorName.
type HouseholdMember struct {
	Name      string       `json:"name,omitempty" sensitive:"name"`
	MinorName string       `json:"minor_name,omitempty" sensitive:"minor"`
	Relation  string       `json:"relation"`
	Minor     bool         `json:"minor"`
	Income    []IncomeItem `json:"income" sensitive:"financial"`
}

// IncomeItem is one source of a member's income: Amount per Period
// ("monthly" or "annual").
type IncomeItem struct {
	Kind   string    `json:"kind"`
	Amount value.Fen `json:"amount"`
	Period string    `json:"period"`
	Note   string    `json:"note,omitempty"`
}

// Asset is one asset of the household.
type Asset struct {
	Kind        string    `json:"kind"`
	Description string    `json:"description,omitempty"`
	Value       value.Fen `json:"value"`
}

// Eligibility is the judgement of a household check against the
// minimum-living standard (低保标准) in force for the household's county at
// the visit date. It stores the standard used (rule id, version, county,
// effective date and amount) and the computed figures, so that an auditor
// later sees why the household was or was not eligible.
type Eligibility struct {
	RuleID                 string             `json:"rule_id"`
	RuleVersion            int                `json:"rule_version"`
	StandardCounty         value.DivisionCode `json:"standard_county"`
	StandardEffectiveFrom  value.Date         `json:"standard_effective_from"`
	StandardMonthly        value.Fen          `json:"standard_monthly_per_capita"`
	HouseholdSize          int                `json:"household_size"`
	MonthlyIncome          value.Fen          `json:"monthly_income" sensitive:"financial"`
	PerCapitaMonthlyIncome value.Fen          `json:"per_capita_monthly_income" sensitive:"financial"`
	Outcome                string             `json:"outcome"`
}

// HouseholdCheckRecorded records a household economic check (家计调查).
type HouseholdCheckRecorded struct {
	VisitDate     value.Date        `json:"visit_date"`
	Investigators []string          `json:"investigators"`
	Members       []HouseholdMember `json:"members"`
	Assets        []Asset           `json:"assets" sensitive:"financial"`
	Eligibility   Eligibility       `json:"eligibility"`
	Notes         string            `json:"notes,omitempty" sensitive:"narrative"`
}

// Need is an assessed need in one area.
type Need struct {
	Area        string `json:"area"`
	Description string `json:"description" sensitive:"narrative"`
}

// NeedsAssessed records a needs assessment (需求评估). A later one voids the
// approval of an earlier one.
type NeedsAssessed struct {
	AssessedOn  value.Date `json:"assessed_on"`
	Needs       []Need     `json:"needs"`
	RiskLevel   string     `json:"risk_level"`
	HealthNotes string     `json:"health_notes,omitempty" sensitive:"health"`
}

// PlannedService is one service the plan intends to deliver.
type PlannedService struct {
	Method      string `json:"method"`
	Kind        string `json:"kind"`
	Frequency   string `json:"frequency,omitempty"`
	Description string `json:"description,omitempty"`
}

// ServicePlanDrafted records a service plan (服务计划). A later one voids
// the approval of an earlier one.
type ServicePlanDrafted struct {
	Goals           []string         `json:"goals" sensitive:"narrative"`
	PlannedServices []PlannedService `json:"planned_services"`
	StartDate       value.Date       `json:"start_date"`
	ReviewDate      value.Date       `json:"review_date"`
}

// ServiceDelivered records one service or intervention (服务记录). OccurredOn
// may be days before the event was recorded.
type ServiceDelivered struct {
	Method          string     `json:"method"`
	Kind            string     `json:"kind"`
	OccurredOn      value.Date `json:"occurred_on"`
	DurationMinutes int        `json:"duration_minutes"`
	Workers         []string   `json:"workers"`
	Volunteers      []string   `json:"volunteers,omitempty"`
	Notes           string     `json:"notes,omitempty" sensitive:"narrative"`
}

// FollowUpRecorded records a follow-up visit (巡访/随访).
type FollowUpRecorded struct {
	VisitedOn    value.Date `json:"visited_on"`
	Method       string     `json:"method"`
	Findings     string     `json:"findings,omitempty" sensitive:"narrative"`
	NextFollowUp value.Date `json:"next_follow_up,omitzero"`
}

// CaseReviewed records a review of the service plan with the date of the next review.
type CaseReviewed struct {
	ReviewedOn     value.Date `json:"reviewed_on"`
	Progress       string     `json:"progress"`
	Summary        string     `json:"summary,omitempty" sensitive:"narrative"`
	NextReviewDate value.Date `json:"next_review_date"`
}

// ApprovalRequested asks a supervisor to approve a subject. SubjectRevision
// pins what is to be approved: the revision of the NeedsAssessed or
// ServicePlanDrafted event, or for a closure the revision of this request
// itself, which carries the proposed outcome and reason.
type ApprovalRequested struct {
	Subject         string `json:"subject"`
	SubjectRevision uint64 `json:"subject_revision"`
	ProposedOutcome string `json:"proposed_outcome,omitempty"`
	Reason          string `json:"reason,omitempty"`
	Note            string `json:"note,omitempty"`
}

// ApprovalGranted records a supervisor's approval of the pending request
// made at RequestRevision, pinning SubjectRevision.
type ApprovalGranted struct {
	Subject         string `json:"subject"`
	SubjectRevision uint64 `json:"subject_revision"`
	RequestRevision uint64 `json:"request_revision"`
	Comment         string `json:"comment,omitempty"`
}

// ApprovalRejected records a supervisor's rejection, with a comment.
type ApprovalRejected struct {
	Subject         string `json:"subject"`
	SubjectRevision uint64 `json:"subject_revision"`
	RequestRevision uint64 `json:"request_revision"`
	Comment         string `json:"comment"`
}

// CaseClosed records closure (结案) under the granted closure approval.
type CaseClosed struct {
	Outcome                 string     `json:"outcome"`
	Reason                  string     `json:"reason"`
	ApprovalRequestRevision uint64     `json:"approval_request_revision"`
	ClosedOn                value.Date `json:"closed_on"`
	Summary                 string     `json:"summary,omitempty" sensitive:"narrative"`
}

// CaseReopened reopens a closed case; it voids the closure approval.
type CaseReopened struct {
	Reason string `json:"reason"`
}

// CaseArchived records that a closed case's file was archived (档案管理).
type CaseArchived struct {
	ResponsiblePerson string     `json:"responsible_person"`
	ArchiveCode       string     `json:"archive_code"`
	ArchivedOn        value.Date `json:"archived_on"`
}

// CaseReassigned moves the case to another social worker.
type CaseReassigned struct {
	FromWorker string `json:"from_worker"`
	ToWorker   string `json:"to_worker"`
	Reason     string `json:"reason"`
}

// EventType returns EventCaseOpened.
func (CaseOpened) EventType() string { return EventCaseOpened }

// EventType returns EventHouseholdCheckRecorded.
func (HouseholdCheckRecorded) EventType() string { return EventHouseholdCheckRecorded }

// EventType returns EventNeedsAssessed.
func (NeedsAssessed) EventType() string { return EventNeedsAssessed }

// EventType returns EventServicePlanDrafted.
func (ServicePlanDrafted) EventType() string { return EventServicePlanDrafted }

// EventType returns EventServiceDelivered.
func (ServiceDelivered) EventType() string { return EventServiceDelivered }

// EventType returns EventFollowUpRecorded.
func (FollowUpRecorded) EventType() string { return EventFollowUpRecorded }

// EventType returns EventCaseReviewed.
func (CaseReviewed) EventType() string { return EventCaseReviewed }

// EventType returns EventApprovalRequested.
func (ApprovalRequested) EventType() string { return EventApprovalRequested }

// EventType returns EventApprovalGranted.
func (ApprovalGranted) EventType() string { return EventApprovalGranted }

// EventType returns EventApprovalRejected.
func (ApprovalRejected) EventType() string { return EventApprovalRejected }

// EventType returns EventCaseClosed.
func (CaseClosed) EventType() string { return EventCaseClosed }

// EventType returns EventCaseReopened.
func (CaseReopened) EventType() string { return EventCaseReopened }

// EventType returns EventCaseArchived.
func (CaseArchived) EventType() string { return EventCaseArchived }

// EventType returns EventCaseReassigned.
func (CaseReassigned) EventType() string { return EventCaseReassigned }
