package project_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/project"
	"casework/domain/value"
)

func TestProject_FullLifecycle_Accepted(t *testing.T) {
	s := proposed(t)
	if s.ContractID != contract || s.StationID != stID || s.Title != "留守儿童“童伴计划”" {
		t.Fatalf("state: %+v", s)
	}
	through(t, s, project.StageFeedback)
	if _, more := s.NextStage(); more || len(s.Completed) != 6 || s.Funded != 3000000 {
		t.Fatalf("after all stages: %+v", s)
	}
	ps, err := s.Close(cmdAs(domain.RoleSupervisor), project.CloseInput{Outcome: project.OutcomeCompleted, ClosedOn: d("2025-10-20")})
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Payload{project.ProjectClosed{Outcome: project.OutcomeCompleted, ClosedOn: d("2025-10-20")}}
	if diff := cmp.Diff(want, ps, exported); diff != "" {
		t.Fatal(diff)
	}
	fold(t, s, ps...)
	if !s.Closed || s.Outcome != project.OutcomeCompleted {
		t.Fatalf("state: %+v", s)
	}
}

func TestProject_StagesInOrder_EachAccepted(t *testing.T) {
	s := proposed(t)
	for i, st := range project.Stages() {
		if next, ok := s.NextStage(); !ok || next != st {
			t.Fatalf("next stage = %s, want %s", next, st)
		}
		if st == project.StageFunding {
			must(t, s)(s.Fund(admin, project.FundInput{Amount: value.Fen(50000), Source: "爱心企业捐赠", FundedOn: d("2025-09-02")}))
		}
		ps, err := s.CompleteStage(cmdAs(domain.RoleSocialWorker), project.CompleteStageInput{Stage: st, CompletedOn: d("2025-09-02"), Summary: " 完成 "})
		if err != nil {
			t.Fatalf("stage %d %s: %v", i, st, err)
		}
		if diff := cmp.Diff([]domain.Payload{project.ProjectStageCompleted{Stage: st, CompletedOn: d("2025-09-02"), Summary: "完成"}}, ps, exported); diff != "" {
			t.Fatal(diff)
		}
		fold(t, s, ps...)
		if !s.Done(st) {
			t.Fatalf("%s not done", st)
		}
	}
}

func TestProject_AbandonedWithReason_Accepted(t *testing.T) {
	s := proposed(t)
	through(t, s, project.StageAnalysis)
	ps, err := s.Close(admin, project.CloseInput{Outcome: project.OutcomeAbandoned, Reason: " 需求已由其他项目覆盖 ", ClosedOn: d("2025-09-20")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]domain.Payload{project.ProjectClosed{Outcome: project.OutcomeAbandoned, Reason: "需求已由其他项目覆盖", ClosedOn: d("2025-09-20")}}, ps, exported); diff != "" {
		t.Fatal(diff)
	}
}

func TestPropose_Refused(t *testing.T) {
	good := project.ProposeInput{StationID: stID, Title: "项目", Domain: domain.ElderlyCare, ProposedOn: d("2025-09-01")}
	with := func(f func(*project.ProposeInput)) project.ProposeInput { in := good; f(&in); return in }
	tests := []struct {
		name string
		cmd  domain.Cmd
		id   uuid.UUID
		in   project.ProposeInput
		rule string
		kind domain.Kind
	}{
		{"auditor", cmdAs(domain.RoleAuditor), projectID, good, "project.propose.role_allowed", domain.KindForbidden},
		{"nil id", admin, uuid.Nil, good, "project.propose.id_required", domain.KindInvalid},
		{"no station", admin, projectID, with(func(in *project.ProposeInput) { in.StationID = uuid.Nil }), "project.propose.station_required", domain.KindInvalid},
		{"no title", admin, projectID, with(func(in *project.ProposeInput) { in.Title = "  " }), "project.propose.title_required", domain.KindInvalid},
		{"bad domain", admin, projectID, with(func(in *project.ProposeInput) { in.Domain = "sports" }), "project.propose.domain_known", domain.KindInvalid},
		{"no date", admin, projectID, with(func(in *project.ProposeInput) { in.ProposedOn = value.Date{} }), "project.propose.date_valid", domain.KindInvalid},
		{"future date", admin, projectID, with(func(in *project.ProposeInput) { in.ProposedOn = d("2026-03-03") }), "project.propose.date_valid", domain.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := project.Propose(tt.cmd, tt.id, tt.in)
			if ps != nil {
				t.Fatal("refused command returned events")
			}
			wantRule(t, err, tt.rule, tt.kind)
		})
	}
}

func TestProject_Commands_Refused(t *testing.T) {
	sw := cmdAs(domain.RoleSocialWorker)
	type call func(s *project.State) ([]domain.Payload, error)
	stage := func(c domain.Cmd, st project.Stage, on string) call {
		return func(s *project.State) ([]domain.Payload, error) {
			return s.CompleteStage(c, project.CompleteStageInput{Stage: st, CompletedOn: d(on)})
		}
	}
	fund := func(c domain.Cmd, in project.FundInput) call {
		return func(s *project.State) ([]domain.Payload, error) { return s.Fund(c, in) }
	}
	closeP := func(c domain.Cmd, in project.CloseInput) call {
		return func(s *project.State) ([]domain.Payload, error) { return s.Close(c, in) }
	}
	goodFund := project.FundInput{Amount: 100, Source: "福彩公益金", FundedOn: d("2025-12-01")}
	long := string(make([]rune, 2001))
	tests := []struct {
		name  string
		state func(tb failer) *project.State
		run   call
		rule  string
		kind  domain.Kind
	}{
		{"stage by evaluator", proposed, stage(cmdAs(domain.RoleEvaluator), project.StageNeedsCollection, "2025-09-02"), "project.complete_stage.role_allowed", domain.KindForbidden},
		{"stage unproposed", empty, stage(sw, project.StageNeedsCollection, "2025-09-02"), "project.complete_stage.requires_proposed", domain.KindConflict},
		{"stage closed", closed, stage(sw, project.StageAnalysis, "2025-09-30"), "project.complete_stage.not_closed", domain.KindConflict},
		{"stage unknown", proposed, stage(sw, "evaluation", "2025-09-02"), "project.complete_stage.stage_known", domain.KindInvalid},
		{"stage skipped", proposed, stage(sw, project.StageAnalysis, "2025-09-02"), "project.complete_stage.no_skip", domain.KindConflict},
		{"stage skipped far", designed, stage(sw, project.StageFeedback, "2025-12-01"), "project.complete_stage.no_skip", domain.KindConflict},
		{"stage repeated", designed, stage(sw, project.StageAnalysis, "2025-12-01"), "project.complete_stage.no_repeat", domain.KindConflict},
		{"last stage repeated", finished, stage(sw, project.StageFeedback, "2025-12-01"), "project.complete_stage.no_repeat", domain.KindConflict},
		{"funding without funds", designed, stage(sw, project.StageFunding, "2025-12-01"), "project.complete_stage.funding_requires_funds", domain.KindConflict},
		{"stage dated before proposal", proposed, stage(sw, project.StageNeedsCollection, "2025-08-31"), "project.complete_stage.date_valid", domain.KindInvalid},
		{"stage in the future", proposed, stage(sw, project.StageNeedsCollection, "2026-03-03"), "project.complete_stage.date_valid", domain.KindInvalid},
		{"stage summary too long", proposed, func(s *project.State) ([]domain.Payload, error) {
			return s.CompleteStage(sw, project.CompleteStageInput{Stage: project.StageNeedsCollection, CompletedOn: d("2025-09-02"), Summary: long})
		}, "project.complete_stage.summary_length", domain.KindInvalid},

		{"fund by auditor", designed, fund(cmdAs(domain.RoleAuditor), goodFund), "project.fund.role_allowed", domain.KindForbidden},
		{"fund unproposed", empty, fund(sw, goodFund), "project.fund.requires_proposed", domain.KindConflict},
		{"fund closed", closed, fund(sw, goodFund), "project.fund.not_closed", domain.KindConflict},
		{"fund before design", proposed, fund(sw, goodFund), "project.fund.after_design", domain.KindConflict},
		{"fund zero", designed, fund(sw, project.FundInput{Amount: 0, Source: "x", FundedOn: d("2025-12-01")}), "project.fund.amount_positive", domain.KindInvalid},
		{"fund negative", designed, fund(sw, project.FundInput{Amount: -1, Source: "x", FundedOn: d("2025-12-01")}), "project.fund.amount_positive", domain.KindInvalid},
		{"fund no source", designed, fund(sw, project.FundInput{Amount: 1, Source: " ", FundedOn: d("2025-12-01")}), "project.fund.source_required", domain.KindInvalid},
		{"fund before design date", designed, fund(sw, project.FundInput{Amount: 1, Source: "x", FundedOn: d("2025-09-21")}), "project.fund.date_valid", domain.KindInvalid},

		{"close by social worker", finished, closeP(sw, project.CloseInput{Outcome: project.OutcomeCompleted, ClosedOn: d("2025-12-01")}), "project.close.role_allowed", domain.KindForbidden},
		{"close unproposed", empty, closeP(admin, project.CloseInput{Outcome: project.OutcomeCompleted, ClosedOn: d("2025-12-01")}), "project.close.requires_proposed", domain.KindConflict},
		{"close twice", closed, closeP(admin, project.CloseInput{Outcome: project.OutcomeAbandoned, Reason: "x", ClosedOn: d("2025-12-01")}), "project.close.not_closed", domain.KindConflict},
		{"close unknown outcome", finished, closeP(admin, project.CloseInput{Outcome: "done", ClosedOn: d("2025-12-01")}), "project.close.outcome_known", domain.KindInvalid},
		{"completed before feedback", designed, closeP(admin, project.CloseInput{Outcome: project.OutcomeCompleted, ClosedOn: d("2025-12-01")}), "project.close.completed_requires_feedback", domain.KindConflict},
		{"abandoned without reason", designed, closeP(admin, project.CloseInput{Outcome: project.OutcomeAbandoned, ClosedOn: d("2025-12-01")}), "project.close.reason_required", domain.KindInvalid},
		{"closed before last stage", finished, closeP(admin, project.CloseInput{Outcome: project.OutcomeCompleted, ClosedOn: d("2025-10-01")}), "project.close.date_valid", domain.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.state(t)
			before := stateCopy(s)
			ps, err := tt.run(s)
			if ps != nil {
				t.Fatalf("refused command returned events %v", ps)
			}
			wantRule(t, err, tt.rule, tt.kind)
			if diff := cmp.Diff(before, s, exported); diff != "" {
				t.Fatalf("refused command changed the state:\n%s", diff)
			}
		})
	}
}

func TestCompleteStage_DateBeforePreviousStage_Refused(t *testing.T) {
	s := proposed(t)
	through(t, s, project.StageAnalysis) // analysis done 2025-09-15
	_, err := s.CompleteStage(admin, project.CompleteStageInput{Stage: project.StageDesign, CompletedOn: d("2025-09-14")})
	wantRule(t, err, "project.complete_stage.date_valid", domain.KindInvalid)
	if _, err := s.CompleteStage(admin, project.CompleteStageInput{Stage: project.StageDesign, CompletedOn: d("2025-09-15")}); err != nil {
		t.Fatalf("same day as the previous stage: %v", err)
	}
}

func empty(failer) *project.State { return &project.State{} }

// designed is a project whose design stage completed on 2025-09-22.
func designed(tb failer) *project.State {
	s := proposed(tb)
	through(tb, s, project.StageDesign)
	return s
}

// finished has every stage completed, the last on 2025-10-13.
func finished(tb failer) *project.State {
	s := proposed(tb)
	through(tb, s, project.StageFeedback)
	return s
}

func closed(tb failer) *project.State {
	s := proposed(tb)
	must(tb, s)(s.Close(admin, project.CloseInput{Outcome: project.OutcomeAbandoned, Reason: "镇级统筹调整", ClosedOn: d("2025-09-29")}))
	return s
}
