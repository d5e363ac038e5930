package project

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Command names, the middle part of rule names.
const (
	cmdPropose       = "propose"
	cmdCompleteStage = "complete_stage"
	cmdFund          = "fund"
	cmdClose         = "close"
)

func rule(command, name string) string { return "project." + command + "." + name }

// Station staff run projects; closing one is for a supervisor or above.
// Whether the actor's org unit covers the station is the service layer's
// scope check. RoleSystem acts for the service itself.
func rolesFor(command string) []domain.Role {
	if command == cmdClose {
		return []domain.Role{domain.RoleSupervisor, domain.RoleCountyManager, domain.RoleAdmin, domain.RoleSystem}
	}
	return []domain.Role{domain.RoleSocialWorker, domain.RoleSupervisor, domain.RoleCountyManager, domain.RoleAdmin, domain.RoleSystem}
}

func allowed(cmd domain.Cmd, command string) *domain.Error {
	if slices.Contains(rolesFor(command), cmd.Actor.Role) {
		return nil
	}
	return domain.Forbidden(rule(command, "role_allowed"), "",
		"role "+string(cmd.Actor.Role)+" may not "+strings.ReplaceAll(command, "_", " ")+" a community project")
}

// begin checks the role, then that the project exists
// (project.<command>.requires_proposed) and is open
// (project.<command>.not_closed), both Conflict.
func (s *State) begin(cmd domain.Cmd, command string) error {
	if err := allowed(cmd, command); err != nil {
		return err
	}
	if !s.Exists {
		return domain.Conflict(rule(command, "requires_proposed"), "", "the project has not been proposed")
	}
	if s.Closed {
		return domain.Conflict(rule(command, "not_closed"), "", "the project is closed")
	}
	return nil
}

// checkDate returns project.<command>.date_valid unless d is given, not in
// the future, and not before notBefore (the project's history so far).
func checkDate(cmd domain.Cmd, command, field string, d, notBefore value.Date) *domain.Error {
	r := rule(command, "date_valid")
	switch {
	case d.IsZero():
		return domain.Invalid(r, field, "a date is required")
	case d.After(value.DateOf(cmd.Now)):
		return domain.Invalid(r, field, "the date "+d.String()+" is in the future")
	case !notBefore.IsZero() && d.Before(notBefore):
		return domain.Invalid(r, field, "the date "+d.String()+" is before "+notBefore.String()+", where the project's history has reached")
	}
	return nil
}

func text(r, field, raw string, max int) (string, *domain.Error) {
	t := strings.TrimSpace(raw)
	switch {
	case t == "":
		return "", domain.Invalid(r, field, "required")
	case utf8.RuneCountInString(t) > max:
		return "", domain.Invalid(r, field, "too long")
	}
	return t, nil
}

// ProposeInput describes a new community project.
type ProposeInput struct {
	StationID  uuid.UUID            `json:"station_id"`
	ContractID *uuid.UUID           `json:"contract_id,omitempty"`
	Title      string               `json:"title"`
	Domain     domain.ServiceDomain `json:"domain"`
	ProposedOn value.Date           `json:"proposed_on"`
}

// Propose opens the stream of project id.
//
// Rules: project.propose.role_allowed (Forbidden);
// project.propose.id_required, project.propose.station_required,
// project.propose.title_required, project.propose.domain_known,
// project.propose.date_valid (Invalid).
func Propose(cmd domain.Cmd, id uuid.UUID, in ProposeInput) ([]domain.Payload, error) {
	if err := allowed(cmd, cmdPropose); err != nil {
		return nil, err
	}
	var v domain.Violations
	if id == uuid.Nil {
		v.Add(domain.Invalid(rule(cmdPropose, "id_required"), "id", "the project needs an id"))
	}
	if in.StationID == uuid.Nil {
		v.Add(domain.Invalid(rule(cmdPropose, "station_required"), "station_id", "a project is run by a station"))
	}
	title, err := text(rule(cmdPropose, "title_required"), "title", in.Title, 200)
	v.Add(err)
	if !in.Domain.Valid() {
		v.Add(domain.Invalid(rule(cmdPropose, "domain_known"), "domain", "domain must be one of the eight service domains"))
	}
	v.Add(checkDate(cmd, cmdPropose, "proposed_on", in.ProposedOn, value.Date{}))
	if err := v.Err(); err != nil {
		return nil, err
	}
	var contract *uuid.UUID
	if in.ContractID != nil && *in.ContractID != uuid.Nil {
		c := *in.ContractID
		contract = &c
	}
	return []domain.Payload{ProjectProposed{
		ProjectID: id, StationID: in.StationID, ContractID: contract, Title: title, Domain: in.Domain, ProposedOn: in.ProposedOn,
	}}, nil
}

// CompleteStageInput marks a stage done.
type CompleteStageInput struct {
	Stage       Stage      `json:"stage"`
	CompletedOn value.Date `json:"completed_on"`
	Summary     string     `json:"summary,omitempty"`
}

// CompleteStage records that the next stage is done. Stages complete in
// seed 002's order, each once.
//
// Rules: project.complete_stage.role_allowed (Forbidden);
// project.complete_stage.requires_proposed,
// project.complete_stage.not_closed, project.complete_stage.no_repeat (the
// stage is already done), project.complete_stage.no_skip (an earlier stage
// is not done), project.complete_stage.funding_requires_funds (the funding
// stage needs money recorded) (Conflict);
// project.complete_stage.stage_known, project.complete_stage.date_valid
// (not before the previous stage's completion) (Invalid).
func (s *State) CompleteStage(cmd domain.Cmd, in CompleteStageInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdCompleteStage); err != nil {
		return nil, err
	}
	if !in.Stage.Valid() {
		return nil, domain.Invalid(rule(cmdCompleteStage, "stage_known"), "stage",
			"stage must be one of needs_collection, analysis, design, funding, execution, feedback")
	}
	if s.Done(in.Stage) {
		return nil, domain.Conflict(rule(cmdCompleteStage, "no_repeat"), "stage", "the "+string(in.Stage)+" stage is already completed")
	}
	if next, _ := s.NextStage(); next != in.Stage {
		return nil, domain.Conflict(rule(cmdCompleteStage, "no_skip"), "stage",
			"stages complete in order; the next one is "+string(next))
	}
	if in.Stage == StageFunding && len(s.Funds) == 0 {
		return nil, domain.Conflict(rule(cmdCompleteStage, "funding_requires_funds"), "stage",
			"record the funds raised before completing the funding stage")
	}
	var v domain.Violations
	v.Add(checkDate(cmd, cmdCompleteStage, "completed_on", in.CompletedOn, s.lastDate()))
	summary := strings.TrimSpace(in.Summary)
	if utf8.RuneCountInString(summary) > 2000 {
		v.Add(domain.Invalid(rule(cmdCompleteStage, "summary_length"), "summary", "at most 2000 characters"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{ProjectStageCompleted{Stage: in.Stage, CompletedOn: in.CompletedOn, Summary: summary}}, nil
}

// FundInput records money raised for the project.
type FundInput struct {
	Amount   value.Fen  `json:"amount"`
	Source   string     `json:"source"`
	FundedOn value.Date `json:"funded_on"`
}

// Fund records funds raised (资金整合), possible once the design is done,
// until the project closes.
//
// Rules: project.fund.role_allowed (Forbidden); project.fund.requires_proposed,
// project.fund.not_closed, project.fund.after_design (Conflict);
// project.fund.amount_positive, project.fund.source_required,
// project.fund.date_valid (not before the design was completed) (Invalid).
func (s *State) Fund(cmd domain.Cmd, in FundInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdFund); err != nil {
		return nil, err
	}
	if !s.Done(StageDesign) {
		return nil, domain.Conflict(rule(cmdFund, "after_design"), "",
			"funds are raised for a designed project: complete the design stage first")
	}
	var v domain.Violations
	if in.Amount <= 0 {
		v.Add(domain.Invalid(rule(cmdFund, "amount_positive"), "amount", "the amount is a positive number of fen"))
	}
	source, err := text(rule(cmdFund, "source_required"), "source", in.Source, 200)
	v.Add(err)
	v.Add(checkDate(cmd, cmdFund, "funded_on", in.FundedOn, s.Completed[StageDesign.index()].CompletedOn))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{ProjectFunded{Amount: in.Amount, Source: source, FundedOn: in.FundedOn}}, nil
}

// CloseInput ends the project.
type CloseInput struct {
	Outcome  Outcome    `json:"outcome"`
	Reason   string     `json:"reason,omitempty"`
	ClosedOn value.Date `json:"closed_on"`
}

// Close ends the project: completed after the feedback stage, or abandoned
// at any stage with a reason.
//
// Rules: project.close.role_allowed (Forbidden: supervisor and above);
// project.close.requires_proposed, project.close.not_closed,
// project.close.completed_requires_feedback (Conflict);
// project.close.outcome_known, project.close.reason_required (for an
// abandoned project), project.close.date_valid (Invalid).
func (s *State) Close(cmd domain.Cmd, in CloseInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdClose); err != nil {
		return nil, err
	}
	if !in.Outcome.Valid() {
		return nil, domain.Invalid(rule(cmdClose, "outcome_known"), "outcome", "outcome must be completed or abandoned")
	}
	if in.Outcome == OutcomeCompleted && !s.Done(StageFeedback) {
		next, _ := s.NextStage()
		return nil, domain.Conflict(rule(cmdClose, "completed_requires_feedback"), "outcome",
			"a project is completed only after its feedback stage; the next stage is "+string(next))
	}
	var v domain.Violations
	reason := strings.TrimSpace(in.Reason)
	if in.Outcome == OutcomeAbandoned && reason == "" {
		v.Add(domain.Invalid(rule(cmdClose, "reason_required"), "reason", "say why the project is abandoned"))
	}
	v.Add(checkDate(cmd, cmdClose, "closed_on", in.ClosedOn, s.lastDate()))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{ProjectClosed{Outcome: in.Outcome, Reason: reason, ClosedOn: in.ClosedOn}}, nil
}
