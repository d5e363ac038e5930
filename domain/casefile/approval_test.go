package casefile_test

import (
	"testing"

	"casework/domain"
	"casework/domain/casefile"
)

func request(subject string) casefile.RequestApprovalInput {
	if subject == casefile.SubjectClosure {
		return closureInput()
	}
	return casefile.RequestApprovalInput{Subject: subject, Note: "请审批"}
}

func TestCase_RequestApproval_Rules(t *testing.T) {
	tests := []struct {
		name  string
		state func(testing.TB) *history
		in    casefile.RequestApprovalInput
		rule  string
	}{
		{name: "assessment", state: assessed, in: request(casefile.SubjectAssessment)},
		{name: "plan", state: planned, in: request(casefile.SubjectPlan)},
		{name: "closure at intake", state: opened, in: request(casefile.SubjectClosure)},
		{name: "unknown subject", state: planned, in: casefile.RequestApprovalInput{Subject: "budget"}, rule: "case.approval.subject"},
		{name: "no assessment yet", state: opened, in: request(casefile.SubjectAssessment), rule: "case.approval.subject_missing"},
		{name: "no plan yet", state: assessed, in: request(casefile.SubjectPlan), rule: "case.approval.subject_missing"},
		{name: "closure pending", state: closureRequested, in: request(casefile.SubjectClosure), rule: "case.approval.already_pending"},
		{name: "closure granted", state: closureApproved, in: request(casefile.SubjectClosure), rule: "case.approval.already_granted"},
		{name: "closure without outcome", state: planned, in: casefile.RequestApprovalInput{Subject: casefile.SubjectClosure, Reason: "服务完成"}, rule: "case.approval.closure_outcome"},
		{name: "closure without reason", state: planned, in: casefile.RequestApprovalInput{Subject: casefile.SubjectClosure, ProposedOutcome: "goals_achieved"}, rule: "case.approval.closure_reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.state(t)
			ps, err := h.s.RequestApproval(cmdBy(worker), tt.in)
			wantRule(t, ps, err, tt.rule)
		})
	}
}

func TestCase_ApproveAssessmentTwice_Rejected(t *testing.T) {
	h := assessed(t)
	h.do(t, worker, func(c domain.Cmd) ([]domain.Payload, error) {
		return h.s.RequestApproval(c, request(casefile.SubjectAssessment))
	})
	h.do(t, supervisor, func(c domain.Cmd) ([]domain.Payload, error) {
		return h.s.GrantApproval(c, casefile.DecideApprovalInput{Subject: casefile.SubjectAssessment})
	})
	ps, err := h.s.RequestApproval(cmdBy(worker), request(casefile.SubjectAssessment))
	wantRule(t, ps, err, "case.approval.already_granted")
}

func TestCase_DecideApproval_Rules(t *testing.T) {
	tests := []struct {
		name   string
		actor  domain.Actor
		reject bool
		in     casefile.DecideApprovalInput
		rule   string
		kind   domain.Kind
	}{
		{name: "supervisor grants", actor: supervisor, in: casefile.DecideApprovalInput{Subject: casefile.SubjectClosure, Comment: "同意"}},
		{name: "supervisor rejects with comment", actor: supervisor, reject: true, in: casefile.DecideApprovalInput{Subject: casefile.SubjectClosure, Comment: "目标尚未达成"}},
		{name: "worker may not grant", actor: worker2, in: casefile.DecideApprovalInput{Subject: casefile.SubjectClosure}, rule: "case.approval.supervisor_only", kind: domain.KindForbidden},
		{name: "auditor may not reject", actor: auditor, reject: true, in: casefile.DecideApprovalInput{Subject: casefile.SubjectClosure, Comment: "x"}, rule: "case.approval.supervisor_only", kind: domain.KindForbidden},
		{name: "reject without comment", actor: supervisor, reject: true, in: casefile.DecideApprovalInput{Subject: casefile.SubjectClosure}, rule: "case.approval.reject_comment", kind: domain.KindInvalid},
		{name: "nothing pending", actor: supervisor, in: casefile.DecideApprovalInput{Subject: casefile.SubjectPlan}, rule: "case.approval.not_pending", kind: domain.KindConflict},
		{name: "unknown subject", actor: supervisor, in: casefile.DecideApprovalInput{Subject: "x"}, rule: "case.approval.subject", kind: domain.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := closureRequested(t)
			f := h.s.GrantApproval
			if tt.reject {
				f = h.s.RejectApproval
			}
			ps, err := f(cmdBy(tt.actor), tt.in)
			wantRule(t, ps, err, tt.rule)
			if tt.rule != "" {
				wantKind(t, err, tt.kind)
			}
		})
	}
}

func TestCase_SupervisorApprovesOwnRequest_Rejected(t *testing.T) {
	h := planned(t)
	h.do(t, supervisor, func(c domain.Cmd) ([]domain.Payload, error) {
		return h.s.RequestApproval(c, request(casefile.SubjectPlan))
	})
	ps, err := h.s.GrantApproval(cmdBy(supervisor), casefile.DecideApprovalInput{Subject: casefile.SubjectPlan})
	wantRule(t, ps, err, "case.approval.not_requester")
	wantKind(t, err, domain.KindForbidden)
	ps, err = h.s.GrantApproval(cmdBy(supervisor2), casefile.DecideApprovalInput{Subject: casefile.SubjectPlan})
	wantRule(t, ps, err, "")
}

func TestCase_ApprovalPinsRevision_NewAssessmentVoidsIt(t *testing.T) {
	h := assessed(t)
	assessRev := h.s.AssessmentRevision
	h.do(t, worker, func(c domain.Cmd) ([]domain.Payload, error) {
		return h.s.RequestApproval(c, request(casefile.SubjectAssessment))
	})
	h.do(t, supervisor, func(c domain.Cmd) ([]domain.Payload, error) {
		return h.s.GrantApproval(c, casefile.DecideApprovalInput{Subject: casefile.SubjectAssessment, Comment: "评估充分"})
	})
	granted := h.events[len(h.events)-1].Payload.(casefile.ApprovalGranted)
	if granted.SubjectRevision != assessRev || h.s.AssessmentApproval.Status != casefile.StatusGranted {
		t.Fatalf("granted %+v, approval %+v", granted, h.s.AssessmentApproval)
	}
	if h.s.Stage() != casefile.StagePlanning {
		t.Fatalf("stage = %s", h.s.Stage())
	}
	h.do(t, worker, func(c domain.Cmd) ([]domain.Payload, error) { return h.s.AssessNeeds(c, validAssess()) })
	if h.s.AssessmentApproval.Status != casefile.StatusVoid || h.s.AssessmentRevision == assessRev {
		t.Fatalf("approval after new assessment = %+v", h.s.AssessmentApproval)
	}
	// The new assessment can be submitted again and pins its own revision.
	h.do(t, worker, func(c domain.Cmd) ([]domain.Payload, error) {
		return h.s.RequestApproval(c, request(casefile.SubjectAssessment))
	})
	if req := h.events[len(h.events)-1].Payload.(casefile.ApprovalRequested); req.SubjectRevision != h.s.AssessmentRevision {
		t.Fatalf("request pins %d, want %d", req.SubjectRevision, h.s.AssessmentRevision)
	}
}

func TestCase_PendingPlanApproval_NewPlanVoidsIt(t *testing.T) {
	h := planned(t)
	h.do(t, worker, func(c domain.Cmd) ([]domain.Payload, error) {
		return h.s.RequestApproval(c, request(casefile.SubjectPlan))
	})
	h.do(t, worker, func(c domain.Cmd) ([]domain.Payload, error) { return h.s.DraftPlan(c, validPlan()) })
	ps, err := h.s.GrantApproval(cmdBy(supervisor), casefile.DecideApprovalInput{Subject: casefile.SubjectPlan})
	wantRule(t, ps, err, "case.approval.not_pending")
}

func TestCase_RejectedApproval_CanBeRequestedAgain(t *testing.T) {
	h := closureRequested(t)
	h.do(t, supervisor, func(c domain.Cmd) ([]domain.Payload, error) {
		return h.s.RejectApproval(c, casefile.DecideApprovalInput{Subject: casefile.SubjectClosure, Comment: "还需一次回访"})
	})
	if a := h.s.Approval(casefile.SubjectClosure); a.Status != casefile.StatusRejected || a.Comment != "还需一次回访" || a.DecidedBy != supervisor.ID {
		t.Fatalf("approval = %+v", a)
	}
	ps, err := h.s.Close(cmdBy(worker), casefile.CloseInput{})
	wantRule(t, ps, err, "case.close.requires_approved_closure")
	ps, err = h.s.RequestApproval(cmdBy(worker), request(casefile.SubjectClosure))
	wantRule(t, ps, err, "")
}
