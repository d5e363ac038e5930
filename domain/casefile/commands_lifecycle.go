package casefile

import (
	"strings"

	"casework/domain"
)

// CloseInput closes the case. Outcome and Reason default to those of the
// approved closure request; an Outcome that differs from it is refused.
type CloseInput struct {
	Outcome string `json:"outcome"`
	Reason  string `json:"reason"`
	Summary string `json:"summary"`
}

// Close records closure (结案). It needs a granted closure approval that is
// still valid (not voided by a reopening).
//
// Errors: case.state.* (Conflict), case.record.role (Forbidden),
// case.close.requires_approved_closure (Conflict),
// case.close.outcome_matches_approval (Invalid).
func (s *State) Close(cmd domain.Cmd, in CloseInput) ([]domain.Payload, error) {
	if err := s.guard(recorderOnly(cmd.Actor), false); err != nil {
		return nil, err
	}
	a := s.ClosureApproval
	if a.Status != StatusGranted {
		return nil, domain.Conflict("case.close.requires_approved_closure", "",
			"a case closes only after a supervisor has approved its closure")
	}
	outcome, reason := in.Outcome, strings.TrimSpace(in.Reason)
	if outcome == "" {
		outcome = a.ProposedOutcome
	}
	if outcome != a.ProposedOutcome {
		return nil, domain.Invalid("case.close.outcome_matches_approval", "outcome",
			"the outcome must be the approved one ("+a.ProposedOutcome+"); request a new closure approval to change it")
	}
	if reason == "" {
		reason = a.Reason
	}
	return []domain.Payload{CaseClosed{Outcome: outcome, Reason: reason, ApprovalRequestRevision: a.RequestRevision,
		ClosedOn: today(cmd), Summary: strings.TrimSpace(in.Summary)}}, nil
}

// ReasonInput carries the reason of a reopening.
type ReasonInput struct {
	Reason string `json:"reason"`
}

// Reopen reopens a closed case; the closure approval becomes void, so
// closing again needs a new one.
//
// Errors: case.state.not_opened / case.state.archived (Conflict),
// case.record.role (Forbidden), case.reopen.only_closed (Conflict),
// case.reopen.reason (Invalid).
func (s *State) Reopen(cmd domain.Cmd, in ReasonInput) ([]domain.Payload, error) {
	if err := s.guard(recorderOnly(cmd.Actor), true); err != nil {
		return nil, err
	}
	if !s.Closed {
		return nil, domain.Conflict("case.reopen.only_closed", "", "only a closed case can be reopened")
	}
	if blank(in.Reason) {
		return nil, domain.Invalid("case.reopen.reason", "reason", "say why the case is reopened")
	}
	return []domain.Payload{CaseReopened{Reason: strings.TrimSpace(in.Reason)}}, nil
}

// ArchiveInput archives a closed case's file (档案管理): a named person is
// responsible and the file gets an archive code.
type ArchiveInput struct {
	ResponsiblePerson string `json:"responsible_person"`
	ArchiveCode       string `json:"archive_code"`
}

// Archive archives a closed case. An archived case refuses every further
// command (case.state.archived).
//
// Errors: case.state.not_opened / case.state.archived (Conflict),
// case.record.role (Forbidden), case.archive.only_closed (Conflict);
// Invalid: case.archive.responsible_person, case.archive.code (1–64
// characters without spaces).
func (s *State) Archive(cmd domain.Cmd, in ArchiveInput) ([]domain.Payload, error) {
	if err := s.guard(recorderOnly(cmd.Actor), true); err != nil {
		return nil, err
	}
	if !s.Closed {
		return nil, domain.Conflict("case.archive.only_closed", "", "only a closed case can be archived")
	}
	var v domain.Violations
	if blank(in.ResponsiblePerson) {
		v.Add(domain.Invalid("case.archive.responsible_person", "responsible_person", "name the person responsible for the file"))
	}
	code := strings.TrimSpace(in.ArchiveCode)
	if code == "" || len(code) > 64 || strings.ContainsAny(code, " \t\r\n") {
		v.Add(domain.Invalid("case.archive.code", "archive_code", "the archive code is 1 to 64 characters without spaces"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{CaseArchived{ResponsiblePerson: strings.TrimSpace(in.ResponsiblePerson),
		ArchiveCode: code, ArchivedOn: today(cmd)}}, nil
}

// ReassignInput moves the case to another worker.
type ReassignInput struct {
	WorkerID string `json:"worker_id"`
	Reason   string `json:"reason"`
}

// Reassign gives the case to another social worker.
//
// Errors: case.state.* (Conflict), case.reassign.supervisor_only
// (Forbidden); Invalid: case.reassign.worker (missing or the current
// worker), case.reassign.reason.
func (s *State) Reassign(cmd domain.Cmd, in ReassignInput) ([]domain.Payload, error) {
	if err := s.guard(supervisorOnly("case.reassign.supervisor_only", cmd.Actor, "reassign a case"), false); err != nil {
		return nil, err
	}
	var v domain.Violations
	to := strings.TrimSpace(in.WorkerID)
	if to == "" || to == s.WorkerID {
		v.Add(domain.Invalid("case.reassign.worker", "worker_id", "name a worker other than the current one"))
	}
	if blank(in.Reason) {
		v.Add(domain.Invalid("case.reassign.reason", "reason", "say why the case is reassigned"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{CaseReassigned{FromWorker: s.WorkerID, ToWorker: to, Reason: strings.TrimSpace(in.Reason)}}, nil
}
