package service

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/value"
)

// CaseView is a case as the API shows it.
type CaseView struct {
	ID        uuid.UUID            `json:"id"`
	Revision  uint64               `json:"revision"`
	Stage     string               `json:"stage"`
	Source    string               `json:"source"`
	Domain    domain.ServiceDomain `json:"domain"`
	StationID string               `json:"station_id"`
	WorkerID  string               `json:"worker_id"`
	// ClientID is the client's pseudonymous ID, shared by the cases of
	// one person; Client holds the personal data that Protection governs.
	ClientID  uuid.UUID          `json:"client_id"`
	Client    casefile.Client    `json:"client"`
	Household casefile.Household `json:"household"`
	OpenedAt  time.Time          `json:"opened_at"`
	OpenedOn  value.Date         `json:"opened_on"`

	HouseholdChecks int                   `json:"household_checks"`
	Eligibility     *casefile.Eligibility `json:"eligibility,omitempty"`
	RiskLevel       string                `json:"risk_level,omitempty"`

	ServicesDelivered int        `json:"services_delivered"`
	ServiceMinutes    int        `json:"service_minutes"`
	LastServiceOn     value.Date `json:"last_service_on,omitzero"`
	FollowUps         int        `json:"follow_ups"`
	NextFollowUp      value.Date `json:"next_follow_up,omitzero"`
	Reviews           int        `json:"reviews"`
	NextReviewDate    value.Date `json:"next_review_date,omitzero"`

	Approvals map[string]ApprovalView `json:"approvals"`

	Closed        bool       `json:"closed"`
	ClosedOn      value.Date `json:"closed_on,omitzero"`
	ClosedOutcome string     `json:"closed_outcome,omitempty"`
	ClosedReason  string     `json:"closed_reason,omitempty"`
	Reopened      int        `json:"reopened"`
	Archived      bool       `json:"archived"`
	ArchiveCode   string     `json:"archive_code,omitempty"`

	Protection Protection `json:"protection"`
}

// MarshalJSON renders the view with its sensitive values masked as
// Protection says.
func (v CaseView) MarshalJSON() ([]byte, error) {
	type plain CaseView
	b, err := json.Marshal(plain(v))
	if err != nil {
		return nil, err
	}
	return masked(b, v.Protection, pathsOf(v))
}

// ApprovalView is the latest approval of one subject.
type ApprovalView struct {
	Status          string `json:"status"`
	SubjectRevision uint64 `json:"subject_revision"`
	RequestedBy     string `json:"requested_by,omitempty"`
	DecidedBy       string `json:"decided_by,omitempty"`
	Comment         string `json:"comment,omitempty"`
}

func newCaseView(st *casefile.State, rev uint64) CaseView {
	v := CaseView{
		ID: st.ID, Revision: rev, Stage: st.Stage(), Source: st.Source, Domain: st.Domain, StationID: st.StationID,
		WorkerID: st.WorkerID, ClientID: st.ClientID, Client: st.Client, Household: st.Household, OpenedAt: st.OpenedAt, OpenedOn: st.OpenedOn,
		HouseholdChecks: st.HouseholdChecks, RiskLevel: st.RiskLevel,
		ServicesDelivered: st.ServicesDelivered, ServiceMinutes: st.ServiceMinutes, LastServiceOn: st.LastServiceOn,
		FollowUps: st.FollowUps, NextFollowUp: st.NextFollowUp, Reviews: st.Reviews, NextReviewDate: st.NextReviewDate,
		Approvals: map[string]ApprovalView{},
		Closed:    st.Closed, ClosedOn: st.ClosedOn, ClosedOutcome: st.ClosedOutcome, ClosedReason: st.ClosedReason,
		Reopened: st.Reopened, Archived: st.Archived, ArchiveCode: st.ArchiveCode,
	}
	if st.HouseholdChecks > 0 {
		e := st.Eligibility
		v.Eligibility = &e
	}
	for subject, a := range map[string]casefile.Approval{
		casefile.SubjectAssessment: st.AssessmentApproval, casefile.SubjectPlan: st.PlanApproval, casefile.SubjectClosure: st.ClosureApproval,
	} {
		if a.Status != "" {
			v.Approvals[subject] = ApprovalView{Status: a.Status, SubjectRevision: a.SubjectRevision,
				RequestedBy: a.RequestedBy, DecidedBy: a.DecidedBy, Comment: a.Comment}
		}
	}
	return v
}

// ETagRevision is the revision the view was folded to, the HTTP ETag.
func (v CaseView) ETagRevision() uint64 { return v.Revision }
