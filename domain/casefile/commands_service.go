package casefile

import (
	"fmt"
	"strings"

	"casework/domain"
	"casework/domain/value"
)

// AssessInput is a needs assessment (需求评估).
type AssessInput struct {
	AssessedOn  value.Date `json:"assessed_on"`
	Needs       []Need     `json:"needs"`
	RiskLevel   string     `json:"risk_level"`
	HealthNotes string     `json:"health_notes"`
}

// AssessNeeds records a needs assessment. A new assessment voids any
// pending or granted approval of the previous one.
//
// Errors: case.state.* (Conflict), case.record.role (Forbidden); Invalid:
// case.assess.date (missing, after today or before opening),
// case.assess.needs (none), case.assess.need_area, case.assess.need_description,
// case.assess.risk_level.
func (s *State) AssessNeeds(cmd domain.Cmd, in AssessInput) ([]domain.Payload, error) {
	if err := s.guard(recorderOnly(cmd.Actor), false); err != nil {
		return nil, err
	}
	var v domain.Violations
	v.Add(dateInPast("case.assess.date", "assessed_on", in.AssessedOn, today(cmd), s.OpenedOn, "the assessment date"))
	if len(in.Needs) == 0 {
		v.Add(domain.Invalid("case.assess.needs", "needs", "an assessment lists at least one need"))
	}
	for i, n := range in.Needs {
		if !oneOf(n.Area, NeedAreas()) {
			v.Add(domain.Invalid("case.assess.need_area", fmt.Sprintf("needs[%d].area", i), "need area must be one of "+strings.Join(NeedAreas(), ", ")))
		}
		if blank(n.Description) {
			v.Add(domain.Invalid("case.assess.need_description", fmt.Sprintf("needs[%d].description", i), "describe the need"))
		}
	}
	if !oneOf(in.RiskLevel, RiskLevels()) {
		v.Add(domain.Invalid("case.assess.risk_level", "risk_level", "risk level must be low, medium or high"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{NeedsAssessed{AssessedOn: in.AssessedOn, Needs: append([]Need{}, in.Needs...),
		RiskLevel: in.RiskLevel, HealthNotes: strings.TrimSpace(in.HealthNotes)}}, nil
}

// PlanInput is a service plan (服务计划).
type PlanInput struct {
	Goals           []string         `json:"goals"`
	PlannedServices []PlannedService `json:"planned_services"`
	StartDate       value.Date       `json:"start_date"`
	ReviewDate      value.Date       `json:"review_date"`
}

// DraftPlan records a service plan; it needs an assessment. A new plan
// voids any pending or granted approval of the previous one and sets the
// next review date.
//
// Errors: case.state.* (Conflict), case.record.role (Forbidden),
// case.plan.requires_assessment (Conflict); Invalid: case.plan.goals,
// case.plan.services, case.plan.service_method, case.plan.service_kind,
// case.plan.start_date (missing or before opening), case.plan.review_date
// (missing, or not after both the start date and today).
func (s *State) DraftPlan(cmd domain.Cmd, in PlanInput) ([]domain.Payload, error) {
	if err := s.guard(recorderOnly(cmd.Actor), false); err != nil {
		return nil, err
	}
	if !s.HasAssessment {
		return nil, domain.Conflict("case.plan.requires_assessment", "", "assess the client's needs before drafting a plan")
	}
	var v domain.Violations
	if len(in.Goals) == 0 || !distinctNonBlank(in.Goals, 1) {
		v.Add(domain.Invalid("case.plan.goals", "goals", "a plan has at least one goal and no empty goal"))
	}
	if len(in.PlannedServices) == 0 {
		v.Add(domain.Invalid("case.plan.services", "planned_services", "a plan lists at least one planned service"))
	}
	for i, ps := range in.PlannedServices {
		if !oneOf(ps.Method, ServiceMethods()) {
			v.Add(domain.Invalid("case.plan.service_method", fmt.Sprintf("planned_services[%d].method", i), "method must be casework, group or community"))
		}
		if !oneOf(ps.Kind, ServiceKinds()) {
			v.Add(domain.Invalid("case.plan.service_kind", fmt.Sprintf("planned_services[%d].kind", i), "kind must be one of "+strings.Join(ServiceKinds(), ", ")))
		}
	}
	switch {
	case in.StartDate.IsZero():
		v.Add(domain.Invalid("case.plan.start_date", "start_date", "the plan's start date is required"))
	case in.StartDate.Before(s.OpenedOn):
		v.Add(domain.Invalid("case.plan.start_date", "start_date", "the plan cannot start before the case was opened"))
	}
	switch {
	case in.ReviewDate.IsZero():
		v.Add(domain.Invalid("case.plan.review_date", "review_date", "the plan's review date is required"))
	case !in.ReviewDate.After(today(cmd)) || !in.ReviewDate.After(in.StartDate):
		v.Add(domain.Invalid("case.plan.review_date", "review_date", "the review date must be after today and after the start date"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{ServicePlanDrafted{Goals: trimAll(in.Goals),
		PlannedServices: append([]PlannedService{}, in.PlannedServices...),
		StartDate:       in.StartDate, ReviewDate: in.ReviewDate}}, nil
}

// DeliverInput is one service or intervention (服务记录).
type DeliverInput struct {
	Method          string     `json:"method"`
	Kind            string     `json:"kind"`
	OccurredOn      value.Date `json:"occurred_on"`
	DurationMinutes int        `json:"duration_minutes"`
	Workers         []string   `json:"workers"`
	Volunteers      []string   `json:"volunteers"`
	Notes           string     `json:"notes"`
}

// DeliverService records a service. It may be recorded days after it
// happened, but not for a future date or a date before the case was opened.
//
// Errors: case.state.* (Conflict), case.record.role (Forbidden); Invalid:
// case.service.method, case.service.kind, case.service.occurred_on,
// case.service.duration (1 to 1440 minutes), case.service.workers (at
// least one, none blank), case.service.volunteers (none blank).
func (s *State) DeliverService(cmd domain.Cmd, in DeliverInput) ([]domain.Payload, error) {
	if err := s.guard(recorderOnly(cmd.Actor), false); err != nil {
		return nil, err
	}
	var v domain.Violations
	if !oneOf(in.Method, ServiceMethods()) {
		v.Add(domain.Invalid("case.service.method", "method", "method must be casework, group or community"))
	}
	if !oneOf(in.Kind, ServiceKinds()) {
		v.Add(domain.Invalid("case.service.kind", "kind", "kind must be one of "+strings.Join(ServiceKinds(), ", ")))
	}
	v.Add(dateInPast("case.service.occurred_on", "occurred_on", in.OccurredOn, today(cmd), s.OpenedOn, "the service date"))
	if in.DurationMinutes <= 0 || in.DurationMinutes > 24*60 {
		v.Add(domain.Invalid("case.service.duration", "duration_minutes", "duration must be between 1 and 1440 minutes"))
	}
	if !distinctNonBlank(in.Workers, 1) {
		v.Add(domain.Invalid("case.service.workers", "workers", "name at least one worker who delivered the service, none blank"))
	}
	for i, vol := range in.Volunteers {
		if blank(vol) {
			v.Add(domain.Invalid("case.service.volunteers", fmt.Sprintf("volunteers[%d]", i), "a volunteer entry is blank"))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var vols []string
	if len(in.Volunteers) > 0 {
		vols = trimAll(in.Volunteers)
	}
	return []domain.Payload{ServiceDelivered{Method: in.Method, Kind: in.Kind, OccurredOn: in.OccurredOn,
		DurationMinutes: in.DurationMinutes, Workers: trimAll(in.Workers), Volunteers: vols,
		Notes: strings.TrimSpace(in.Notes)}}, nil
}

// FollowUpInput is a follow-up visit (巡访/随访).
type FollowUpInput struct {
	VisitedOn    value.Date `json:"visited_on"`
	Method       string     `json:"method"`
	Findings     string     `json:"findings"`
	NextFollowUp value.Date `json:"next_follow_up"`
}

// RecordFollowUp records a follow-up visit.
//
// Errors: case.state.* (Conflict), case.record.role (Forbidden); Invalid:
// case.follow_up.date (missing, after today or before opening),
// case.follow_up.method, case.follow_up.next_date (when given, after the visit).
func (s *State) RecordFollowUp(cmd domain.Cmd, in FollowUpInput) ([]domain.Payload, error) {
	if err := s.guard(recorderOnly(cmd.Actor), false); err != nil {
		return nil, err
	}
	var v domain.Violations
	v.Add(dateInPast("case.follow_up.date", "visited_on", in.VisitedOn, today(cmd), s.OpenedOn, "the follow-up date"))
	if !oneOf(in.Method, FollowUpMethods()) {
		v.Add(domain.Invalid("case.follow_up.method", "method", "method must be one of "+strings.Join(FollowUpMethods(), ", ")))
	}
	if !in.NextFollowUp.IsZero() && !in.NextFollowUp.After(in.VisitedOn) {
		v.Add(domain.Invalid("case.follow_up.next_date", "next_follow_up", "the next follow-up must be after this visit"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{FollowUpRecorded{VisitedOn: in.VisitedOn, Method: in.Method,
		Findings: strings.TrimSpace(in.Findings), NextFollowUp: in.NextFollowUp}}, nil
}

// ReviewInput is a review of the service plan.
type ReviewInput struct {
	ReviewedOn     value.Date `json:"reviewed_on"`
	Progress       string     `json:"progress"`
	Summary        string     `json:"summary"`
	NextReviewDate value.Date `json:"next_review_date"`
}

// Review records a review of the service plan and the next review date.
//
// Errors: case.state.* (Conflict), case.record.role (Forbidden),
// case.review.requires_plan (Conflict); Invalid: case.review.date
// (missing, after today or before opening), case.review.progress,
// case.review.next_review_date (missing or not after the review).
func (s *State) Review(cmd domain.Cmd, in ReviewInput) ([]domain.Payload, error) {
	if err := s.guard(recorderOnly(cmd.Actor), false); err != nil {
		return nil, err
	}
	if !s.HasPlan {
		return nil, domain.Conflict("case.review.requires_plan", "", "a review needs a service plan to review")
	}
	var v domain.Violations
	v.Add(dateInPast("case.review.date", "reviewed_on", in.ReviewedOn, today(cmd), s.OpenedOn, "the review date"))
	if !oneOf(in.Progress, ReviewProgress()) {
		v.Add(domain.Invalid("case.review.progress", "progress", "progress must be one of "+strings.Join(ReviewProgress(), ", ")))
	}
	if in.NextReviewDate.IsZero() || !in.NextReviewDate.After(in.ReviewedOn) {
		v.Add(domain.Invalid("case.review.next_review_date", "next_review_date", "the next review date is required and after this review"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{CaseReviewed{ReviewedOn: in.ReviewedOn, Progress: in.Progress,
		Summary: strings.TrimSpace(in.Summary), NextReviewDate: in.NextReviewDate}}, nil
}
