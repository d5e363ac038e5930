package contract

import (
	"fmt"
	"slices"
	"strings"

	"casework/domain"
	"casework/domain/value"
)

// contractorSide reports whether a may act for the contractor: a
// social_worker, supervisor or agency_worker account of the contractor's org
// unit, or a social_worker or supervisor of a station the contract covers.
func (s *State) contractorSide(a domain.Actor) bool {
	if s.Contractor == nil || a.OrgUnit == "" {
		return false
	}
	switch a.Role {
	case domain.RoleSocialWorker, domain.RoleSupervisor:
		return a.OrgUnit == s.Contractor.ContractorUnit || s.covers(a.OrgUnit)
	case domain.RoleAgencyWorker:
		return a.OrgUnit == s.Contractor.ContractorUnit
	}
	return false
}

// ReportInput submits a report. cycle_year 0 means the current cycle year;
// period is "2006-01" for a monthly briefing and empty otherwise; an empty
// submitted_on means today.
type ReportInput struct {
	CycleYear   int        `json:"cycle_year"`
	Kind        string     `json:"kind"`
	Period      string     `json:"period"`
	SubmittedOn value.Date `json:"submitted_on"`
	DocumentRef string     `json:"document_ref"`
}

// SubmitReport records ReportSubmitted with the due date the agreement gives
// it. Reports may be submitted late, also after the contract closed.
// Rules: contract.report.contractor_side_only, contract.report.requires_agreement,
// contract.report.kind_known, contract.report.in_schedule,
// contract.report.once_per_period, contract.report.required,
// contract.report.not_in_future.
func (s *State) SubmitReport(cmd domain.Cmd, in ReportInput) ([]domain.Payload, error) {
	if !s.contractorSide(cmd.Actor) {
		return nil, domain.Forbidden(ruleReportSide, "", "reports are submitted by the contractor or its resident workers")
	}
	n := in.CycleYear
	if n == 0 {
		n = s.CycleYear
	}
	y := s.year(n)
	if y == nil {
		return nil, domain.Conflict(ruleReportAgreement, "cycle_year", fmt.Sprintf("cycle year %d has no signed agreement", n))
	}
	if !slices.Contains(ReportKinds(), in.Kind) {
		return nil, domain.Invalid(ruleReportKind, "kind", "kind must be one of "+strings.Join(ReportKinds(), ", "))
	}
	var due value.Date
	for _, r := range Schedule(y.Agreement) {
		if r.Kind == in.Kind && r.Period == in.Period {
			due = r.Due
		}
	}
	if due.IsZero() {
		msg := "a monthly briefing names a month of the agreement period as 2006-01"
		if in.Kind != ReportMonthly {
			msg = "only monthly briefings name a period"
		}
		return nil, domain.Invalid(ruleReportSchedule, "period", msg)
	}
	if _, dup := y.submitted(in.Kind, in.Period); dup {
		return nil, domain.Conflict(ruleReportOnce, "", "this report was already submitted")
	}
	var v domain.Violations
	if blank(in.DocumentRef) {
		v.Add(domain.Invalid(ruleReportRequired, "document_ref", "a document reference is required"))
	}
	on := orToday(in.SubmittedOn, cmd)
	if on.After(today(cmd)) {
		v.Add(domain.Invalid(ruleReportFuture, "submitted_on", "the submission date cannot be in the future"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{ReportSubmitted{CycleYear: n, Kind: in.Kind, Period: in.Period, Due: due,
		SubmittedOn: on, DocumentRef: in.DocumentRef}}, nil
}

// Inspection severities.
const (
	SeverityNone     = "none"
	SeverityMinor    = "minor"
	SeverityMajor    = "major"
	SeverityCritical = "critical"
)

// Severities lists the inspection severities from least to most severe.
func Severities() []string {
	return []string{SeverityNone, SeverityMinor, SeverityMajor, SeverityCritical}
}

// InspectInput records a supervision or inspection visit. An empty
// inspector means the acting account; an empty station means the contract as
// a whole; an empty inspected_on means today.
type InspectInput struct {
	InspectedOn value.Date `json:"inspected_on"`
	Inspector   string     `json:"inspector"`
	Station     string     `json:"station"`
	Findings    string     `json:"findings"`
	Severity    string     `json:"severity"`
}

// RecordInspection records InspectionRecorded. Rules:
// contract.inspect.bureau_or_county_only, contract.inspect.requires_active_contract,
// contract.inspect.required, contract.inspect.severity_known.
func (s *State) RecordInspection(cmd domain.Cmd, in InspectInput) ([]domain.Payload, error) {
	if r := cmd.Actor.Role; r != domain.RoleBureauOfficer && r != domain.RoleCountyManager {
		return nil, domain.Forbidden(ruleInspectRole, "", "inspections are recorded by a bureau officer or county manager")
	}
	if s.Contractor == nil || s.Closed() {
		return nil, domain.Conflict(ruleInspectActive, "", "inspections concern an awarded contract that has not ended")
	}
	var v domain.Violations
	inspector := in.Inspector
	if blank(inspector) {
		inspector = cmd.Actor.ID
	}
	if blank(inspector) {
		v.Add(domain.Invalid(ruleInspectRequired, "inspector", "the inspector is required"))
	}
	if blank(in.Findings) {
		v.Add(domain.Invalid(ruleInspectRequired, "findings", "the findings are required"))
	}
	if in.Station != "" && !s.covers(in.Station) {
		v.Add(domain.Invalid(ruleInspectRequired, "station", "the station is not covered by the contract"))
	}
	if !slices.Contains(Severities(), in.Severity) {
		v.Add(domain.Invalid(ruleInspectSeverity, "severity", "severity must be one of "+strings.Join(Severities(), ", ")))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{InspectionRecorded{InspectedOn: orToday(in.InspectedOn, cmd), Inspector: inspector,
		Station: in.Station, Findings: in.Findings, Severity: in.Severity}}, nil
}

// StaffingInput gives the resident workers in place at a station from
// effective_on (empty: today). An empty employer_unit means the contractor.
type StaffingInput struct {
	Station     string           `json:"station"`
	EffectiveOn value.Date       `json:"effective_on"`
	Workers     []AssignedWorker `json:"workers"`
}

// ChangeStaffing records StaffingChanged for the current cycle year, with
// the shortfall against the agreement. A worker employed by anyone but the
// contractor is subcontracting and refused. Rules:
// contract.staffing.contractor_side_or_bureau, contract.staffing.requires_agreement,
// contract.staffing.station_covered, contract.staffing.required,
// contract.subcontracting.prohibited.
func (s *State) ChangeStaffing(cmd domain.Cmd, in StaffingInput) ([]domain.Payload, error) {
	if !s.contractorSide(cmd.Actor) && s.bureau(cmd, ruleStaffSide) != nil {
		return nil, domain.Forbidden(ruleStaffSide, "", "staffing is reported by the contractor side or the bureau")
	}
	y := s.Current()
	if y == nil || s.Closed() {
		return nil, domain.Conflict(ruleStaffAgreement, "", "staffing changes need a signed cycle year of a running contract")
	}
	promised := -1
	for _, st := range y.Agreement.Staffing {
		if st.Station == in.Station {
			promised = st.ResidentWorkers
		}
	}
	if promised < 0 {
		return nil, domain.Invalid(ruleStaffStation, "station", "the agreement does not staff station "+in.Station)
	}
	var v domain.Violations
	workers := make([]AssignedWorker, 0, len(in.Workers))
	for i, w := range in.Workers {
		field := fmt.Sprintf("workers[%d]", i)
		if blank(w.WorkerID) || slices.ContainsFunc(in.Workers[:i], func(o AssignedWorker) bool { return o.WorkerID == w.WorkerID }) {
			v.Add(domain.Invalid(ruleStaffRequired, field+".worker_id", "each worker is named by a distinct id"))
		}
		if w.EmployerUnit == "" {
			w.EmployerUnit = s.Contractor.ContractorUnit
		}
		if w.EmployerUnit != s.Contractor.ContractorUnit {
			v.Add(domain.Conflict(ruleSubcontracting, field+".employer_unit",
				"staff of another organisation means subcontracting the service (严禁服务转包)"))
		}
		workers = append(workers, w)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	short := promised - len(workers)
	if short < 0 {
		short = 0
	}
	return []domain.Payload{StaffingChanged{CycleYear: y.CycleYear, Station: in.Station,
		EffectiveOn: orToday(in.EffectiveOn, cmd), Workers: workers, Promised: promised,
		Actual: len(workers), Shortfall: short}}, nil
}

// SubcontractInput describes a proposed subcontract of the service.
type SubcontractInput struct {
	SubcontractorUnit string `json:"subcontractor_unit"`
	SubcontractorName string `json:"subcontractor_name"`
	Scope             string `json:"scope"`
}

// DeclareSubcontract exists so that a request to subcontract the service is
// refused with a named rule rather than ignored: it always returns
// contract.subcontracting.prohibited (seed 000 §7.4, 严禁服务转包).
func (s *State) DeclareSubcontract(cmd domain.Cmd, in SubcontractInput) ([]domain.Payload, error) {
	return nil, domain.Conflict(ruleSubcontracting, "subcontractor_unit", "subcontracting the service is prohibited (严禁服务转包)")
}
