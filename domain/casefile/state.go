package casefile

import (
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Stages of a case, derived from its state (see State.Stage).
const (
	StageIntake     = "intake"
	StageAssessment = "assessment"
	StagePlanning   = "planning"
	StageInService  = "in_service"
	StageClosing    = "closing"
	StageClosed     = "closed"
	StageArchived   = "archived"
)

// Approval statuses; "" means never requested.
const (
	StatusPending  = "pending"
	StatusGranted  = "granted"
	StatusRejected = "rejected"
	// StatusVoid: the subject changed (a new assessment or plan) or the
	// case was reopened after the approval.
	StatusVoid = "void"
)

// Approval is the latest approval request of one subject and its fate.
type Approval struct {
	Status          string
	SubjectRevision uint64
	RequestRevision uint64
	RequestedBy     string
	DecidedBy       string
	Comment         string
	ProposedOutcome string
	Reason          string
}

// State is a case folded from its events. The zero value is a case that
// does not exist yet.
type State struct {
	ID uuid.UUID
	// ClientID is the client's ID, the key subject of the case's sensitive
	// fields; several cases may share it.
	ClientID uuid.UUID
	Exists   bool
	Version  uint64 // number of events applied; the next event's revision

	Source     string
	ReferredBy string
	Domain     domain.ServiceDomain
	StationID  string
	WorkerID   string
	Client     Client
	Household  Household
	OpenedAt   time.Time
	OpenedOn   value.Date

	HouseholdChecks int
	LastCheckOn     value.Date
	Eligibility     Eligibility // of the latest household check

	HasAssessment      bool
	AssessmentRevision uint64
	RiskLevel          string

	HasPlan      bool
	PlanRevision uint64

	ServicesDelivered int
	ServiceMinutes    int
	LastServiceOn     value.Date
	FollowUps         int
	LastFollowUpOn    value.Date
	NextFollowUp      value.Date
	Reviews           int
	NextReviewDate    value.Date

	AssessmentApproval Approval
	PlanApproval       Approval
	ClosureApproval    Approval

	Closed        bool
	ClosedOn      value.Date
	ClosedOutcome string
	ClosedReason  string
	Reopened      int

	Archived           bool
	ArchiveCode        string
	ArchiveResponsible string
}

// Approval returns the approval state of subject.
func (s *State) Approval(subject string) Approval {
	if p := s.approval(subject); p != nil {
		return *p
	}
	return Approval{}
}

func (s *State) approval(subject string) *Approval {
	switch subject {
	case SubjectAssessment:
		return &s.AssessmentApproval
	case SubjectPlan:
		return &s.PlanApproval
	case SubjectClosure:
		return &s.ClosureApproval
	}
	return nil
}

// Active reports whether the case exists and is neither closed nor archived.
func (s *State) Active() bool { return s.Exists && !s.Closed && !s.Archived }

// ReviewOverdue reports whether an open case's next review date is
// before on.
func (s *State) ReviewOverdue(on value.Date) bool {
	return s.Active() && !s.NextReviewDate.IsZero() && s.NextReviewDate.Before(on)
}

// FollowUpOverdue reports whether an open case's planned next follow-up is
// before on.
func (s *State) FollowUpOverdue(on value.Date) bool {
	return s.Active() && !s.NextFollowUp.IsZero() && s.NextFollowUp.Before(on)
}

// Stage derives where the case is in the casework process: archived,
// closed, closing (closure approval pending or granted), in_service (plan
// approved), planning (assessment approved or a plan drafted), assessment
// (an assessment or household check recorded) or intake. "" before the
// case exists.
func (s *State) Stage() string {
	switch {
	case !s.Exists:
		return ""
	case s.Archived:
		return StageArchived
	case s.Closed:
		return StageClosed
	case s.ClosureApproval.Status == StatusPending || s.ClosureApproval.Status == StatusGranted:
		return StageClosing
	case s.PlanApproval.Status == StatusGranted:
		return StageInService
	case s.AssessmentApproval.Status == StatusGranted || s.HasPlan:
		return StagePlanning
	case s.HasAssessment || s.HouseholdChecks > 0:
		return StageAssessment
	}
	return StageIntake
}

// Apply folds one event into the state. It never fails; unknown payloads
// are ignored. It relies on the envelope's Revision (to pin what an
// approval is about, and to set Version to Revision+1) and Actor.ID (who
// requested and who decided an approval), so callers fill both.
func (s *State) Apply(e domain.Event) {
	switch p := e.Payload.(type) {
	case CaseOpened:
		s.ID, s.ClientID = p.CaseID, p.ClientID
		s.Exists = true
		s.Source, s.ReferredBy, s.Domain = p.Source, p.ReferredBy, p.Domain
		s.StationID, s.WorkerID = p.StationID, p.WorkerID
		s.Client, s.Household = p.Client, p.Household
		s.OpenedAt, s.OpenedOn = p.OpenedAt, value.DateOf(p.OpenedAt)
	case HouseholdCheckRecorded:
		s.HouseholdChecks++
		s.LastCheckOn = p.VisitDate
		s.Eligibility = p.Eligibility
	case NeedsAssessed:
		s.HasAssessment = true
		s.AssessmentRevision = e.Revision
		s.RiskLevel = p.RiskLevel
		voidApproval(&s.AssessmentApproval)
	case ServicePlanDrafted:
		s.HasPlan = true
		s.PlanRevision = e.Revision
		s.NextReviewDate = p.ReviewDate
		voidApproval(&s.PlanApproval)
	case ServiceDelivered:
		s.ServicesDelivered++
		s.ServiceMinutes += p.DurationMinutes
		if p.OccurredOn.After(s.LastServiceOn) {
			s.LastServiceOn = p.OccurredOn
		}
	case FollowUpRecorded:
		s.FollowUps++
		if p.VisitedOn.After(s.LastFollowUpOn) {
			s.LastFollowUpOn = p.VisitedOn
		}
		s.NextFollowUp = p.NextFollowUp
	case CaseReviewed:
		s.Reviews++
		s.NextReviewDate = p.NextReviewDate
	case ApprovalRequested:
		if a := s.approval(p.Subject); a != nil {
			*a = Approval{Status: StatusPending, SubjectRevision: p.SubjectRevision,
				RequestRevision: e.Revision, RequestedBy: e.Actor.ID,
				ProposedOutcome: p.ProposedOutcome, Reason: p.Reason}
		}
	case ApprovalGranted:
		decide(s.approval(p.Subject), p.RequestRevision, StatusGranted, e.Actor.ID, p.Comment)
	case ApprovalRejected:
		decide(s.approval(p.Subject), p.RequestRevision, StatusRejected, e.Actor.ID, p.Comment)
	case CaseClosed:
		s.Closed = true
		s.ClosedOn, s.ClosedOutcome, s.ClosedReason = p.ClosedOn, p.Outcome, p.Reason
	case CaseReopened:
		s.Closed = false
		s.Reopened++
		voidApproval(&s.ClosureApproval)
	case CaseArchived:
		s.Archived = true
		s.ArchiveCode, s.ArchiveResponsible = p.ArchiveCode, p.ResponsiblePerson
	case CaseReassigned:
		s.WorkerID = p.ToWorker
	}
	// Every event counts, known or not, so Version stays the next revision.
	s.Version = e.Revision + 1
}

// voidApproval marks a pending or granted approval void: what it was about
// has changed since.
func voidApproval(a *Approval) {
	if a.Status == StatusPending || a.Status == StatusGranted {
		a.Status = StatusVoid
	}
}

func decide(a *Approval, requestRevision uint64, status, by, comment string) {
	if a == nil || a.Status != StatusPending || a.RequestRevision != requestRevision {
		return
	}
	a.Status, a.DecidedBy, a.Comment = status, by, comment
}
