package casefile_test

import (
	"testing"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/value"
)

func TestCase_AssessNeeds_Rules(t *testing.T) {
	tests := []struct {
		name string
		edit func(in *casefile.AssessInput)
		rule string
	}{
		{name: "valid", edit: func(*casefile.AssessInput) {}},
		{name: "on the day of opening", edit: func(in *casefile.AssessInput) { in.AssessedOn = date("2025-06-10") }},
		{name: "in the future", edit: func(in *casefile.AssessInput) { in.AssessedOn = date("2025-06-11") }, rule: "case.assess.date"},
		{name: "missing date", edit: func(in *casefile.AssessInput) { in.AssessedOn = value.Date{} }, rule: "case.assess.date"},
		{name: "no needs", edit: func(in *casefile.AssessInput) { in.Needs = nil }, rule: "case.assess.needs"},
		{name: "unknown area", edit: func(in *casefile.AssessInput) { in.Needs[0].Area = "wealth" }, rule: "case.assess.need_area"},
		{name: "undescribed need", edit: func(in *casefile.AssessInput) { in.Needs[1].Description = "" }, rule: "case.assess.need_description"},
		{name: "unknown risk", edit: func(in *casefile.AssessInput) { in.RiskLevel = "critical" }, rule: "case.assess.risk_level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := opened(t)
			in := validAssess()
			tt.edit(&in)
			ps, err := h.s.AssessNeeds(cmdBy(worker), in)
			wantRule(t, ps, err, tt.rule)
		})
	}
}

func TestCase_Assess_BeforeOpening_Rejected(t *testing.T) {
	// Opened on 2025-06-10 Beijing time; an assessment dated the day before
	// opening is refused even though it is in the past.
	h := &history{}
	h.do(t, worker, func(c domain.Cmd) ([]domain.Payload, error) { return casefile.Open(c, caseID, validOpen()) })
	in := validAssess()
	in.AssessedOn = date("2025-06-09")
	ps, err := h.s.AssessNeeds(cmdBy(worker), in)
	wantRule(t, ps, err, "case.assess.date")
}

func TestCase_DraftPlan_Rules(t *testing.T) {
	tests := []struct {
		name string
		edit func(in *casefile.PlanInput)
		rule string
	}{
		{name: "valid", edit: func(*casefile.PlanInput) {}},
		{name: "no goals", edit: func(in *casefile.PlanInput) { in.Goals = nil }, rule: "case.plan.goals"},
		{name: "blank goal", edit: func(in *casefile.PlanInput) { in.Goals = []string{"申请低保", " "} }, rule: "case.plan.goals"},
		{name: "no services", edit: func(in *casefile.PlanInput) { in.PlannedServices = nil }, rule: "case.plan.services"},
		{name: "bad method", edit: func(in *casefile.PlanInput) { in.PlannedServices[0].Method = "online" }, rule: "case.plan.service_method"},
		{name: "bad kind", edit: func(in *casefile.PlanInput) { in.PlannedServices[0].Kind = "shopping" }, rule: "case.plan.service_kind"},
		{name: "no start", edit: func(in *casefile.PlanInput) { in.StartDate = value.Date{} }, rule: "case.plan.start_date"},
		{name: "start before opening", edit: func(in *casefile.PlanInput) { in.StartDate = date("2025-06-01") }, rule: "case.plan.start_date"},
		{name: "no review date", edit: func(in *casefile.PlanInput) { in.ReviewDate = value.Date{} }, rule: "case.plan.review_date"},
		{name: "review today", edit: func(in *casefile.PlanInput) { in.ReviewDate = date("2025-06-10") }, rule: "case.plan.review_date"},
		{name: "review before start", edit: func(in *casefile.PlanInput) {
			in.StartDate, in.ReviewDate = date("2025-08-01"), date("2025-07-01")
		}, rule: "case.plan.review_date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := assessed(t)
			in := validPlan()
			tt.edit(&in)
			ps, err := h.s.DraftPlan(cmdBy(worker), in)
			wantRule(t, ps, err, tt.rule)
		})
	}
}

func TestCase_DraftPlanWithoutAssessment_Rejected(t *testing.T) {
	h := opened(t)
	ps, err := h.s.DraftPlan(cmdBy(worker), validPlan())
	wantRule(t, ps, err, "case.plan.requires_assessment")
	wantKind(t, err, domain.KindConflict)
}

func validService() casefile.DeliverInput {
	return casefile.DeliverInput{Method: "casework", Kind: "home_visit", OccurredOn: date("2025-06-10"),
		DurationMinutes: 90, Workers: []string{worker.ID}, Volunteers: []string{"陈志愿"}, Notes: "上门了解助餐需求"}
}

func TestCase_DeliverService_Rules(t *testing.T) {
	tests := []struct {
		name string
		edit func(in *casefile.DeliverInput)
		rule string
	}{
		{name: "valid", edit: func(*casefile.DeliverInput) {}},
		{name: "recorded later than it happened", edit: func(in *casefile.DeliverInput) { in.OccurredOn = date("2025-06-10") }},
		{name: "full day", edit: func(in *casefile.DeliverInput) { in.DurationMinutes = 1440 }},
		{name: "no volunteers", edit: func(in *casefile.DeliverInput) { in.Volunteers = nil }},
		{name: "bad method", edit: func(in *casefile.DeliverInput) { in.Method = "online" }, rule: "case.service.method"},
		{name: "bad kind", edit: func(in *casefile.DeliverInput) { in.Kind = "shopping" }, rule: "case.service.kind"},
		{name: "future", edit: func(in *casefile.DeliverInput) { in.OccurredOn = date("2025-06-11") }, rule: "case.service.occurred_on"},
		{name: "before opening", edit: func(in *casefile.DeliverInput) { in.OccurredOn = date("2025-06-09") }, rule: "case.service.occurred_on"},
		{name: "missing date", edit: func(in *casefile.DeliverInput) { in.OccurredOn = value.Date{} }, rule: "case.service.occurred_on"},
		{name: "zero minutes", edit: func(in *casefile.DeliverInput) { in.DurationMinutes = 0 }, rule: "case.service.duration"},
		{name: "over a day", edit: func(in *casefile.DeliverInput) { in.DurationMinutes = 1441 }, rule: "case.service.duration"},
		{name: "no worker", edit: func(in *casefile.DeliverInput) { in.Workers = nil }, rule: "case.service.workers"},
		{name: "blank worker", edit: func(in *casefile.DeliverInput) { in.Workers = []string{worker.ID, ""} }, rule: "case.service.workers"},
		{name: "blank volunteer", edit: func(in *casefile.DeliverInput) { in.Volunteers = []string{" "} }, rule: "case.service.volunteers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := opened(t)
			in := validService()
			tt.edit(&in)
			ps, err := h.s.DeliverService(cmdBy(worker), in)
			wantRule(t, ps, err, tt.rule)
		})
	}
}

func TestCase_DeliverService_RecordedDaysLater_Accepted(t *testing.T) {
	h := opened(t)
	later := domain.Cmd{Actor: worker, Now: now.AddDate(0, 0, 5)}
	in := validService()
	in.OccurredOn = date("2025-06-11")
	ps, err := h.s.DeliverService(later, in)
	wantRule(t, ps, err, "")
	h.apply(worker, ps)
	in.OccurredOn = date("2025-06-10")
	ps, _ = h.s.DeliverService(later, in)
	h.apply(worker, ps)
	if h.s.LastServiceOn != date("2025-06-11") || h.s.ServicesDelivered != 2 || h.s.ServiceMinutes != 180 {
		t.Fatalf("last %v count %d minutes %d", h.s.LastServiceOn, h.s.ServicesDelivered, h.s.ServiceMinutes)
	}
}

func TestCase_FollowUp_Rules(t *testing.T) {
	valid := casefile.FollowUpInput{VisitedOn: date("2025-06-10"), Method: "phone", Findings: "情况稳定", NextFollowUp: date("2025-07-10")}
	tests := []struct {
		name string
		edit func(in *casefile.FollowUpInput)
		rule string
	}{
		{name: "valid", edit: func(*casefile.FollowUpInput) {}},
		{name: "no next date", edit: func(in *casefile.FollowUpInput) { in.NextFollowUp = value.Date{} }},
		{name: "future", edit: func(in *casefile.FollowUpInput) { in.VisitedOn = date("2025-06-11") }, rule: "case.follow_up.date"},
		{name: "before opening", edit: func(in *casefile.FollowUpInput) { in.VisitedOn = date("2025-05-31") }, rule: "case.follow_up.date"},
		{name: "bad method", edit: func(in *casefile.FollowUpInput) { in.Method = "letter" }, rule: "case.follow_up.method"},
		{name: "next on the same day", edit: func(in *casefile.FollowUpInput) { in.NextFollowUp = in.VisitedOn }, rule: "case.follow_up.next_date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := opened(t)
			in := valid
			tt.edit(&in)
			ps, err := h.s.RecordFollowUp(cmdBy(worker), in)
			wantRule(t, ps, err, tt.rule)
			if tt.rule == "" {
				h.apply(worker, ps)
				if h.s.FollowUps != 1 || h.s.LastFollowUpOn != in.VisitedOn || h.s.NextFollowUp != in.NextFollowUp {
					t.Fatalf("state %+v", h.s)
				}
			}
		})
	}
}

func TestCase_Review_Rules(t *testing.T) {
	valid := casefile.ReviewInput{ReviewedOn: date("2025-06-10"), Progress: "on_track", Summary: "按计划推进", NextReviewDate: date("2025-09-10")}
	tests := []struct {
		name   string
		noPlan bool
		edit   func(in *casefile.ReviewInput)
		rule   string
	}{
		{name: "valid", edit: func(*casefile.ReviewInput) {}},
		{name: "without plan", noPlan: true, edit: func(*casefile.ReviewInput) {}, rule: "case.review.requires_plan"},
		{name: "future", edit: func(in *casefile.ReviewInput) { in.ReviewedOn = date("2025-06-11") }, rule: "case.review.date"},
		{name: "bad progress", edit: func(in *casefile.ReviewInput) { in.Progress = "great" }, rule: "case.review.progress"},
		{name: "no next review", edit: func(in *casefile.ReviewInput) { in.NextReviewDate = value.Date{} }, rule: "case.review.next_review_date"},
		{name: "next review before", edit: func(in *casefile.ReviewInput) { in.NextReviewDate = date("2025-06-01") }, rule: "case.review.next_review_date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := planned(t)
			if tt.noPlan {
				h = assessed(t)
			}
			in := valid
			tt.edit(&in)
			ps, err := h.s.Review(cmdBy(worker), in)
			wantRule(t, ps, err, tt.rule)
			if tt.rule == "" {
				h.apply(worker, ps)
				if h.s.NextReviewDate != date("2025-09-10") || h.s.Reviews != 1 {
					t.Fatalf("next review %v reviews %d", h.s.NextReviewDate, h.s.Reviews)
				}
			}
		})
	}
}
