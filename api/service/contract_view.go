package service

import (
	"github.com/google/uuid"

	"casework/domain/contract"
	"casework/domain/value"
)

// ContractView is a contract as the API shows it: its lifecycle, each
// signed cycle year with its reports and staffing judged as of StatusAsOf,
// the funds ledger per line and the next reporting deadline.
type ContractView struct {
	ID            uuid.UUID      `json:"id"`
	Revision      uint64         `json:"revision"`
	Phase         contract.Phase `json:"phase"`
	BureauUnit    string         `json:"bureau_unit"`
	Title         string         `json:"title"`
	Stations      []string       `json:"stations"`
	Method        string         `json:"method"`
	BudgetCeiling value.Fen      `json:"budget_ceiling"`
	OpenedOn      value.Date     `json:"opened_on"`

	Contractor *contract.Award    `json:"contractor"`
	CycleYear  int                `json:"cycle_year"`
	Years      []ContractYearView `json:"years"`

	Inspections []contract.InspectionRecorded `json:"inspections"`
	Funds       []contract.FundRow            `json:"funds"`
	FundsTotal  ContractFundsTotal            `json:"funds_total"`

	// StatusAsOf is the day report statuses, staffing and the next
	// deadline are judged on.
	StatusAsOf   value.Date          `json:"status_as_of"`
	NextDeadline *contract.DueReport `json:"next_deadline"`
	Closure      *contract.Closure   `json:"closure"`
}

// ContractYearView is one signed cycle year.
type ContractYearView struct {
	CycleYear int                      `json:"cycle_year"`
	Agreement contract.AgreementSigned `json:"agreement"`
	// Reports lists every report the agreement expects with its status.
	Reports []contract.ReportStatusRow `json:"reports"`
	// Staffing compares promised and actual resident workers per station.
	Staffing        []contract.StaffingRow       `json:"staffing"`
	StaffingChanges []contract.StaffingChanged   `json:"staffing_changes"`
	Evaluation      *contract.EvaluationRecorded `json:"evaluation"`
	Renewed         bool                         `json:"renewed"`
}

// ContractFundsTotal sums the ledger over every line.
type ContractFundsTotal struct {
	Budgeted  value.Fen `json:"budgeted"`
	Disbursed value.Fen `json:"disbursed"`
	Remaining value.Fen `json:"remaining"`
}

func newContractView(st *contract.State, rev uint64, asOf value.Date) ContractView {
	v := ContractView{
		ID: st.ID, Revision: rev, Phase: st.Phase, BureauUnit: st.BureauUnit, Title: st.Title,
		Stations: contractList(st.Stations), Method: st.Method, BudgetCeiling: st.BudgetCeiling, OpenedOn: st.OpenedOn,
		Contractor: st.Contractor, CycleYear: st.CycleYear, Years: []ContractYearView{},
		Inspections: contractList(st.Inspections), Funds: contract.Funds(st),
		StatusAsOf: asOf, Closure: st.Closure,
	}
	status := contract.ReportStatus(st, asOf)
	for i := range st.Years {
		y := &st.Years[i]
		yv := ContractYearView{CycleYear: y.CycleYear, Agreement: y.Agreement, Reports: []contract.ReportStatusRow{},
			Staffing:        contractList(contract.StaffingStatus(st, y.CycleYear, asOf)),
			StaffingChanges: contractList(y.Staffing), Evaluation: y.Evaluation, Renewed: y.Renewed}
		for _, r := range status {
			if r.CycleYear == y.CycleYear {
				yv.Reports = append(yv.Reports, r)
			}
		}
		v.Years = append(v.Years, yv)
	}
	for _, f := range v.Funds {
		v.FundsTotal.Budgeted += f.Budgeted
		v.FundsTotal.Disbursed += f.Disbursed
		v.FundsTotal.Remaining += f.Remaining
	}
	if next, ok := contract.NextDeadline(st, asOf); ok {
		v.NextDeadline = &next
	}
	return v
}

// contractList renders an absent list as [] rather than null.
func contractList[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// ETagRevision is the revision the view was folded to, the HTTP ETag.
func (v ContractView) ETagRevision() uint64 { return v.Revision }
