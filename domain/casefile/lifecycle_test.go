package casefile_test

import (
	"testing"

	"casework/domain"
	"casework/domain/casefile"
)

func TestCase_CloseWithoutApproval_Rejected(t *testing.T) {
	for name, state := range map[string]func(testing.TB) *history{
		"never requested": planned, "pending": closureRequested,
	} {
		t.Run(name, func(t *testing.T) {
			h := state(t)
			ps, err := h.s.Close(cmdBy(worker), casefile.CloseInput{Outcome: "goals_achieved", Reason: "完成"})
			wantRule(t, ps, err, "case.close.requires_approved_closure")
			wantKind(t, err, domain.KindConflict)
		})
	}
}

func TestCase_CloseWithApproval_Accepted(t *testing.T) {
	h := closureApproved(t)
	if h.s.Stage() != casefile.StageClosing {
		t.Fatalf("stage = %s", h.s.Stage())
	}
	ps, err := h.s.Close(cmdBy(worker), casefile.CloseInput{Outcome: "partly_achieved"})
	wantRule(t, ps, err, "case.close.outcome_matches_approval")
	ps, err = h.s.Close(cmdBy(worker), casefile.CloseInput{Summary: "结案小结"})
	wantRule(t, ps, err, "")
	got := ps[0].(casefile.CaseClosed)
	if got.Outcome != "goals_achieved" || got.Reason != closureInput().Reason || got.ClosedOn != date("2025-06-10") {
		t.Fatalf("closed = %+v", got)
	}
	h.apply(worker, ps)
	if !h.s.Closed || h.s.Stage() != casefile.StageClosed {
		t.Fatalf("state closed %v stage %s", h.s.Closed, h.s.Stage())
	}
}

func TestCase_ReopenVoidsClosureApproval(t *testing.T) {
	h := closed(t)
	ps, err := h.s.Reopen(cmdBy(worker), casefile.ReasonInput{})
	wantRule(t, ps, err, "case.reopen.reason")
	h.do(t, worker, func(c domain.Cmd) ([]domain.Payload, error) {
		return h.s.Reopen(c, casefile.ReasonInput{Reason: "案主再次求助"})
	})
	if h.s.Closed || h.s.Reopened != 1 || h.s.ClosureApproval.Status != casefile.StatusVoid {
		t.Fatalf("after reopen: closed %v reopened %d approval %+v", h.s.Closed, h.s.Reopened, h.s.ClosureApproval)
	}
	ps, err = h.s.Close(cmdBy(worker), casefile.CloseInput{})
	wantRule(t, ps, err, "case.close.requires_approved_closure")
	ps, err = h.s.Reopen(cmdBy(worker), casefile.ReasonInput{Reason: "again"})
	wantRule(t, ps, err, "case.reopen.only_closed")
}

func TestCase_Archive_Rules(t *testing.T) {
	valid := casefile.ArchiveInput{ResponsiblePerson: "李明", ArchiveCode: "CH-BH-2025-0012"}
	tests := []struct {
		name  string
		state func(testing.TB) *history
		in    casefile.ArchiveInput
		rule  string
	}{
		{name: "closed case", state: closed, in: valid},
		{name: "open case", state: planned, in: valid, rule: "case.archive.only_closed"},
		{name: "no responsible person", state: closed, in: casefile.ArchiveInput{ArchiveCode: "A1"}, rule: "case.archive.responsible_person"},
		{name: "no code", state: closed, in: casefile.ArchiveInput{ResponsiblePerson: "李明"}, rule: "case.archive.code"},
		{name: "code with spaces", state: closed, in: casefile.ArchiveInput{ResponsiblePerson: "李明", ArchiveCode: "CH 2025"}, rule: "case.archive.code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.state(t)
			ps, err := h.s.Archive(cmdBy(worker), tt.in)
			wantRule(t, ps, err, tt.rule)
		})
	}
}

// commands lists every command on an existing case with a valid input,
// so that state guards can be checked against all of them.
func commands(s *casefile.State) map[string]func(domain.Cmd) ([]domain.Payload, error) {
	return map[string]func(domain.Cmd) ([]domain.Payload, error){
		"check":   func(c domain.Cmd) ([]domain.Payload, error) { return s.RecordHouseholdCheck(c, validCheck()) },
		"assess":  func(c domain.Cmd) ([]domain.Payload, error) { return s.AssessNeeds(c, validAssess()) },
		"plan":    func(c domain.Cmd) ([]domain.Payload, error) { return s.DraftPlan(c, validPlan()) },
		"service": func(c domain.Cmd) ([]domain.Payload, error) { return s.DeliverService(c, validService()) },
		"followup": func(c domain.Cmd) ([]domain.Payload, error) {
			return s.RecordFollowUp(c, casefile.FollowUpInput{VisitedOn: date("2025-06-10"), Method: "phone"})
		},
		"review": func(c domain.Cmd) ([]domain.Payload, error) {
			return s.Review(c, casefile.ReviewInput{ReviewedOn: date("2025-06-10"), Progress: "on_track", NextReviewDate: date("2025-09-01")})
		},
		"request": func(c domain.Cmd) ([]domain.Payload, error) { return s.RequestApproval(c, closureInput()) },
		"grant": func(c domain.Cmd) ([]domain.Payload, error) {
			return s.GrantApproval(c, casefile.DecideApprovalInput{Subject: casefile.SubjectClosure})
		},
		"reject": func(c domain.Cmd) ([]domain.Payload, error) {
			return s.RejectApproval(c, casefile.DecideApprovalInput{Subject: casefile.SubjectClosure, Comment: "x"})
		},
		"close":  func(c domain.Cmd) ([]domain.Payload, error) { return s.Close(c, casefile.CloseInput{}) },
		"reopen": func(c domain.Cmd) ([]domain.Payload, error) { return s.Reopen(c, casefile.ReasonInput{Reason: "r"}) },
		"archive": func(c domain.Cmd) ([]domain.Payload, error) {
			return s.Archive(c, casefile.ArchiveInput{ResponsiblePerson: "李明", ArchiveCode: "A-2"})
		},
		"reassign": func(c domain.Cmd) ([]domain.Payload, error) {
			return s.Reassign(c, casefile.ReassignInput{WorkerID: worker2.ID, Reason: "r"})
		},
	}
}

func TestCase_ArchivedCase_RefusesEveryCommand(t *testing.T) {
	h := archived(t)
	if h.s.Stage() != casefile.StageArchived || h.s.ArchiveCode != "CH-BH-2025-0012" {
		t.Fatalf("stage %s code %s", h.s.Stage(), h.s.ArchiveCode)
	}
	for name, f := range commands(&h.s) {
		for _, a := range []domain.Actor{worker, supervisor2} {
			ps, err := f(cmdBy(a))
			if ps != nil || !containsRule(err, "case.state.archived") {
				t.Errorf("%s by %s on archived case: %v, %v", name, a.Role, ps, err)
			}
		}
	}
}

func TestCase_ClosedCase_RefusesRecording(t *testing.T) {
	h := closed(t)
	for name, f := range commands(&h.s) {
		if name == "reopen" || name == "archive" {
			continue
		}
		ps, err := f(cmdBy(supervisor2))
		if ps != nil || !containsRule(err, "case.state.closed") {
			t.Errorf("%s on closed case: %v, %v", name, ps, err)
		}
	}
}

func TestCase_NotOpened_RefusesEveryCommand(t *testing.T) {
	var s casefile.State
	for name, f := range commands(&s) {
		ps, err := f(cmdBy(supervisor))
		if ps != nil || !containsRule(err, "case.state.not_opened") {
			t.Errorf("%s on a case never opened: %v, %v", name, ps, err)
		}
	}
}

func TestCase_OtherRoles_ForbiddenToRecord(t *testing.T) {
	h := planned(t)
	for _, role := range domain.Roles() {
		if role == domain.RoleSocialWorker || role == domain.RoleSupervisor {
			continue
		}
		a := domain.Actor{ID: "acc-other", Role: role, OrgUnit: "x"}
		for name, f := range commands(&h.s) {
			ps, err := f(cmdBy(a))
			if ps != nil || !domain.IsKind(err, domain.KindForbidden) {
				t.Errorf("%s by %s: %v, %v", name, role, ps, err)
			}
		}
		ps, err := casefile.Open(cmdBy(a), caseID, validOpen())
		wantRule(t, ps, err, "case.record.role")
	}
}

func containsRule(err error, rule string) bool {
	for _, r := range rules(err) {
		if r == rule {
			return true
		}
	}
	return false
}

func TestCase_Reassign_Rules(t *testing.T) {
	tests := []struct {
		name  string
		actor domain.Actor
		in    casefile.ReassignInput
		rule  string
	}{
		{name: "supervisor reassigns", actor: supervisor, in: casefile.ReassignInput{WorkerID: worker2.ID, Reason: "李明休产假"}},
		{name: "worker may not", actor: worker, in: casefile.ReassignInput{WorkerID: worker2.ID, Reason: "x"}, rule: "case.reassign.supervisor_only"},
		{name: "same worker", actor: supervisor, in: casefile.ReassignInput{WorkerID: worker.ID, Reason: "x"}, rule: "case.reassign.worker"},
		{name: "no worker", actor: supervisor, in: casefile.ReassignInput{Reason: "x"}, rule: "case.reassign.worker"},
		{name: "no reason", actor: supervisor, in: casefile.ReassignInput{WorkerID: worker2.ID}, rule: "case.reassign.reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := opened(t)
			ps, err := h.s.Reassign(cmdBy(tt.actor), tt.in)
			wantRule(t, ps, err, tt.rule)
			if tt.rule == "" {
				h.apply(tt.actor, ps)
				if h.s.WorkerID != worker2.ID || ps[0].(casefile.CaseReassigned).FromWorker != worker.ID {
					t.Fatalf("worker = %s", h.s.WorkerID)
				}
			}
		})
	}
}

func TestCase_Stage_FollowsTheProcess(t *testing.T) {
	h := opened(t)
	steps := []struct {
		actor domain.Actor
		f     func(c domain.Cmd) ([]domain.Payload, error)
		stage string
	}{
		{worker, func(c domain.Cmd) ([]domain.Payload, error) { return h.s.RecordHouseholdCheck(c, validCheck()) }, casefile.StageAssessment},
		{worker, func(c domain.Cmd) ([]domain.Payload, error) { return h.s.AssessNeeds(c, validAssess()) }, casefile.StageAssessment},
		{worker, func(c domain.Cmd) ([]domain.Payload, error) {
			return h.s.RequestApproval(c, request(casefile.SubjectAssessment))
		}, casefile.StageAssessment},
		{supervisor, func(c domain.Cmd) ([]domain.Payload, error) {
			return h.s.GrantApproval(c, casefile.DecideApprovalInput{Subject: casefile.SubjectAssessment})
		}, casefile.StagePlanning},
		{worker, func(c domain.Cmd) ([]domain.Payload, error) { return h.s.DraftPlan(c, validPlan()) }, casefile.StagePlanning},
		{worker, func(c domain.Cmd) ([]domain.Payload, error) {
			return h.s.RequestApproval(c, request(casefile.SubjectPlan))
		}, casefile.StagePlanning},
		{supervisor, func(c domain.Cmd) ([]domain.Payload, error) {
			return h.s.GrantApproval(c, casefile.DecideApprovalInput{Subject: casefile.SubjectPlan})
		}, casefile.StageInService},
		{worker, func(c domain.Cmd) ([]domain.Payload, error) { return h.s.DeliverService(c, validService()) }, casefile.StageInService},
		{worker, func(c domain.Cmd) ([]domain.Payload, error) { return h.s.RequestApproval(c, closureInput()) }, casefile.StageClosing},
		{supervisor, func(c domain.Cmd) ([]domain.Payload, error) {
			return h.s.RejectApproval(c, casefile.DecideApprovalInput{Subject: casefile.SubjectClosure, Comment: "再观察一个月"})
		}, casefile.StageInService},
	}
	for i, st := range steps {
		h.do(t, st.actor, st.f)
		if got := h.s.Stage(); got != st.stage {
			t.Fatalf("step %d: stage %s, want %s", i, got, st.stage)
		}
	}
	if h.s.LastServiceOn != date("2025-06-10") || h.s.NextReviewDate != date("2025-09-10") || h.s.RiskLevel != casefile.RiskMedium {
		t.Fatalf("views: last service %v next review %v risk %s", h.s.LastServiceOn, h.s.NextReviewDate, h.s.RiskLevel)
	}
}

func TestCase_Overdue_ComputedAsOfADate(t *testing.T) {
	h := planned(t) // review date 2025-09-10
	if h.s.ReviewOverdue(date("2025-09-10")) || !h.s.ReviewOverdue(date("2025-09-11")) {
		t.Fatal("review overdue wrong around 2025-09-10")
	}
	h.do(t, worker, func(c domain.Cmd) ([]domain.Payload, error) {
		return h.s.RecordFollowUp(c, casefile.FollowUpInput{VisitedOn: date("2025-06-10"), Method: "home_visit", NextFollowUp: date("2025-06-30")})
	})
	if h.s.FollowUpOverdue(date("2025-06-30")) || !h.s.FollowUpOverdue(date("2025-07-01")) {
		t.Fatal("follow-up overdue wrong around 2025-06-30")
	}
	c := closed(t)
	if c.s.Active() || c.s.ReviewOverdue(date("2026-01-01")) {
		t.Fatal("a closed case is never overdue")
	}
}

func TestCase_Open_BrokenIDReportedOnce(t *testing.T) {
	in := validOpen()
	in.Client.ResidentID = "510108650512002"
	_, err := casefile.Open(cmdBy(worker), caseID, in)
	if got := rules(err); len(got) != 1 || got[0] != "value.resident_id.legacy_15_digit" {
		t.Fatalf("rules = %v", got)
	}
}
