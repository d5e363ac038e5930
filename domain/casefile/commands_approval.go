package casefile

import (
	"strings"

	"casework/domain"
)

// RequestApprovalInput asks a supervisor to approve the assessment, the
// plan or the closure. A closure request carries the proposed outcome and
// the reason.
type RequestApprovalInput struct {
	Subject         string `json:"subject"`
	ProposedOutcome string `json:"proposed_outcome"`
	Reason          string `json:"reason"`
	Note            string `json:"note"`
}

// RequestApproval records an approval request pinning the current revision
// of the subject: the latest NeedsAssessed or ServicePlanDrafted, or for a
// closure this request itself.
//
// Errors: case.state.* (Conflict), case.record.role (Forbidden);
// case.approval.subject (Invalid), case.approval.subject_missing
// (Conflict: no assessment or plan to approve), case.approval.already_pending
// (Conflict), case.approval.already_granted (Conflict: the same revision is
// approved and still valid), case.approval.closure_outcome and
// case.approval.closure_reason (Invalid, closure only).
func (s *State) RequestApproval(cmd domain.Cmd, in RequestApprovalInput) ([]domain.Payload, error) {
	if err := s.guard(recorderOnly(cmd.Actor), false); err != nil {
		return nil, err
	}
	a := s.approval(in.Subject)
	if a == nil {
		return nil, domain.Invalid("case.approval.subject", "subject", "subject must be assessment, plan or closure")
	}
	ev := ApprovalRequested{Subject: in.Subject, Note: strings.TrimSpace(in.Note)}
	switch in.Subject {
	case SubjectAssessment:
		if !s.HasAssessment {
			return nil, domain.Conflict("case.approval.subject_missing", "subject", "there is no needs assessment to approve")
		}
		ev.SubjectRevision = s.AssessmentRevision
	case SubjectPlan:
		if !s.HasPlan {
			return nil, domain.Conflict("case.approval.subject_missing", "subject", "there is no service plan to approve")
		}
		ev.SubjectRevision = s.PlanRevision
	case SubjectClosure:
		ev.SubjectRevision = s.Version
	}
	switch {
	case a.Status == StatusPending:
		return nil, domain.Conflict("case.approval.already_pending", "subject", "an approval of the "+in.Subject+" is already pending")
	case a.Status == StatusGranted && (in.Subject == SubjectClosure || a.SubjectRevision == ev.SubjectRevision):
		return nil, domain.Conflict("case.approval.already_granted", "subject", "the "+in.Subject+" is already approved")
	}
	if in.Subject == SubjectClosure {
		var v domain.Violations
		if !oneOf(in.ProposedOutcome, ClosureOutcomes()) {
			v.Add(domain.Invalid("case.approval.closure_outcome", "proposed_outcome", "proposed outcome must be one of "+strings.Join(ClosureOutcomes(), ", ")))
		}
		if blank(in.Reason) {
			v.Add(domain.Invalid("case.approval.closure_reason", "reason", "a closure request gives the reason for closing"))
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		ev.ProposedOutcome, ev.Reason = in.ProposedOutcome, strings.TrimSpace(in.Reason)
	}
	return []domain.Payload{ev}, nil
}

// DecideApprovalInput grants or rejects the pending approval of a subject.
type DecideApprovalInput struct {
	Subject string `json:"subject"`
	Comment string `json:"comment"`
}

// decision checks what granting and rejecting share.
func (s *State) decision(cmd domain.Cmd, in DecideApprovalInput, what string) (*Approval, error) {
	if err := s.guard(supervisorOnly("case.approval.supervisor_only", cmd.Actor, what), false); err != nil {
		return nil, err
	}
	a := s.approval(in.Subject)
	if a == nil {
		return nil, domain.Invalid("case.approval.subject", "subject", "subject must be assessment, plan or closure")
	}
	if a.Status != StatusPending {
		return nil, domain.Conflict("case.approval.not_pending", "subject", "no approval of the "+in.Subject+" is pending")
	}
	if a.RequestedBy == cmd.Actor.ID {
		return nil, domain.Forbidden("case.approval.not_requester", "", "the supervisor who decides must not be the one who asked")
	}
	return a, nil
}

// GrantApproval approves the pending request of a subject, pinning the
// revision that request pinned.
//
// Errors: case.state.* (Conflict), case.approval.supervisor_only and
// case.approval.not_requester (Forbidden), case.approval.subject
// (Invalid), case.approval.not_pending (Conflict).
func (s *State) GrantApproval(cmd domain.Cmd, in DecideApprovalInput) ([]domain.Payload, error) {
	a, err := s.decision(cmd, in, "grant an approval")
	if err != nil {
		return nil, err
	}
	return []domain.Payload{ApprovalGranted{Subject: in.Subject, SubjectRevision: a.SubjectRevision,
		RequestRevision: a.RequestRevision, Comment: strings.TrimSpace(in.Comment)}}, nil
}

// RejectApproval rejects the pending request of a subject, with a comment.
//
// Errors: as GrantApproval, and case.approval.reject_comment (Invalid).
func (s *State) RejectApproval(cmd domain.Cmd, in DecideApprovalInput) ([]domain.Payload, error) {
	a, err := s.decision(cmd, in, "reject an approval")
	if err != nil {
		return nil, err
	}
	if blank(in.Comment) {
		return nil, domain.Invalid("case.approval.reject_comment", "comment", "a rejection says why in a comment")
	}
	return []domain.Payload{ApprovalRejected{Subject: in.Subject, SubjectRevision: a.SubjectRevision,
		RequestRevision: a.RequestRevision, Comment: strings.TrimSpace(in.Comment)}}, nil
}
