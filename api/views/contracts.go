package views

import (
	"context"

	"casework/api/service"
	"casework/domain"
	"casework/domain/contract"
	"casework/domain/station"
	"casework/domain/value"
	"casework/projections"
	"casework/projections/contracts"
	"casework/projections/delivery"
	"casework/projections/viewq"
)

// CycleQuery asks for contract cycles.
type CycleQuery struct {
	Common
	ContractID string
	Phase      string
}

// ReportCounts counts a cycle year's expected reports by status as of a
// date (contract.ReportStatus).
type ReportCounts struct {
	Expected        int `json:"expected"`
	NotYetDue       int `json:"not_yet_due"`
	Due             int `json:"due"`
	SubmittedOnTime int `json:"submitted_on_time"`
	SubmittedLate   int `json:"submitted_late"`
	Missing         int `json:"missing"`
}

// CycleRow is one contract in one cycle year (year 0: not yet signed).
type CycleRow struct {
	ContractID       string              `json:"contract_id"`
	Title            string              `json:"title"`
	BureauUnit       string              `json:"bureau_unit"`
	Stations         []string            `json:"stations"`
	Phase            contract.Phase      `json:"phase"`
	Revision         uint64              `json:"revision"`
	CycleYear        int                 `json:"cycle_year"`
	Signed           bool                `json:"signed"`
	PeriodStart      value.Date          `json:"period_start,omitzero"`
	PeriodEnd        value.Date          `json:"period_end,omitzero"`
	Reports          ReportCounts        `json:"reports"`
	StaffingPromised int                 `json:"staffing_promised"`
	StaffingActual   int                 `json:"staffing_actual"`
	Targets          contract.Targets    `json:"targets"`
	Delivered        contract.Targets    `json:"delivered"`
	Budgeted         value.Fen           `json:"budgeted"`
	Disbursed        value.Fen           `json:"disbursed"`
	Remaining        value.Fen           `json:"remaining"`
	EvaluationScore  *int                `json:"evaluation_score"`
	EvaluationPassed *bool               `json:"evaluation_passed"`
	Renewal          string              `json:"renewal,omitempty"`
	NextDeadline     *contract.DueReport `json:"next_deadline"`
}

// ContractCycles lists, per contract visible to p and cycle year, the
// agreement, reports by status, staffing promised vs actual, targets vs
// delivered (cases, services, group sessions, community activities, hours
// counted from the case and activity events of the contract's stations in
// the year's period), funds, evaluation, renewal and the next deadline, as
// of q.AsOf. Paging counts contracts.
// Errors: service.ErrNotFound; *service.FieldError; service.ErrUnavailable.
func (v *Service) ContractCycles(ctx context.Context, p service.Principal, q CycleQuery) (Page[CycleRow], error) {
	if !v.svc.ViewAccess(p, service.ViewContracts) {
		return Page[CycleRow]{}, service.ErrNotFound
	}
	pos, err := v.wait(ctx, q.MinPosition, contracts.Name, delivery.Name)
	if err != nil {
		return Page[CycleRow]{}, err
	}
	ct, err := v.tables(contracts.Name)
	if err != nil {
		return Page[CycleRow]{}, err
	}
	dt, err := v.tables(delivery.Name)
	if err != nil {
		return Page[CycleRow]{}, err
	}
	sc, _ := v.scope(p)
	asOf := v.today(q.AsOf)
	db := v.run.DB().Read()
	cs, total, err := contracts.List(ctx, db, ct, contracts.Filter{Scope: sc, StationsOnly: p.Role == domain.RoleEvaluator,
		ContractID: q.ContractID, Phase: q.Phase, Sort: q.Sort, Page: q.Page})
	if err != nil {
		return Page[CycleRow]{}, sortField(err)
	}
	items := []CycleRow{}
	for _, c := range cs {
		rows, err := cycleRows(ctx, v, dt, c, asOf)
		if err != nil {
			return Page[CycleRow]{}, err
		}
		items = append(items, rows...)
	}
	return Page[CycleRow]{Items: items, Total: total, Limit: limitOf(q.Page), Offset: q.Page.Offset, AsOf: asOf.String(), Position: pos}, nil
}

func cycleRows(ctx context.Context, v *Service, dt projections.Tables, c contracts.Contract, asOf value.Date) ([]CycleRow, error) {
	st := &c.State
	base := CycleRow{ContractID: c.ID, Title: st.Title, BureauUnit: st.BureauUnit, Stations: st.Stations, Phase: st.Phase, Revision: c.Revision}
	if base.Stations == nil {
		base.Stations = []string{}
	}
	if len(st.Years) == 0 {
		return []CycleRow{base}, nil
	}
	status := contract.ReportStatus(st, asOf)
	var out []CycleRow
	for i := range st.Years {
		y := &st.Years[i]
		r := base
		r.CycleYear, r.Signed = y.CycleYear, true
		r.PeriodStart, r.PeriodEnd = y.Agreement.PeriodStart, y.Agreement.PeriodEnd
		r.Targets = y.Agreement.Targets
		for _, rs := range status {
			if rs.CycleYear != y.CycleYear {
				continue
			}
			r.Reports.Expected++
			switch rs.Status {
			case contract.StatusNotYetDue:
				r.Reports.NotYetDue++
			case contract.StatusDue:
				r.Reports.Due++
			case contract.StatusSubmittedOnTime:
				r.Reports.SubmittedOnTime++
			case contract.StatusSubmittedLate:
				r.Reports.SubmittedLate++
			case contract.StatusMissing:
				r.Reports.Missing++
			}
			if rs.SubmittedOn.IsZero() && !rs.Due.Before(asOf) && (r.NextDeadline == nil || rs.Due.Before(r.NextDeadline.Due)) {
				d := rs.DueReport
				r.NextDeadline = &d
			}
		}
		for _, s := range contract.StaffingStatus(st, y.CycleYear, asOf) {
			r.StaffingPromised += s.Promised
			r.StaffingActual += s.Actual
		}
		for _, f := range contract.Funds(st) {
			if f.CycleYear == y.CycleYear {
				r.Budgeted += f.Budgeted
				r.Disbursed += f.Disbursed
				r.Remaining += f.Remaining
			}
		}
		if e := y.Evaluation; e != nil {
			score, passed := e.Total, e.Passed
			r.EvaluationScore, r.EvaluationPassed = &score, &passed
		}
		switch {
		case y.Renewed:
			r.Renewal = "renewed"
		case st.Closure != nil && i == len(st.Years)-1:
			r.Renewal = string(st.Closure.Phase)
		}
		to := y.Agreement.PeriodEnd
		if asOf.Before(to) {
			to = asOf
		}
		totals, err := delivery.Totals(ctx, v.run.DB().Read(), dt, delivery.Filter{Scope: viewq.Scope{Units: base.Stations},
			From: y.Agreement.PeriodStart, To: to, AsOf: asOf})
		if err != nil {
			return nil, err
		}
		minutes := 0
		for _, t := range totals {
			switch {
			case t.Metric == delivery.MetricCaseOpened:
				r.Delivered.Cases += t.N
			case t.Metric == delivery.MetricService:
				r.Delivered.Services += t.N
				minutes += t.Minutes
			case t.Metric == delivery.MetricActivity && t.Key == string(station.ActivityGroupSession):
				r.Delivered.GroupSessions += t.N
				minutes += t.Minutes
			case t.Metric == delivery.MetricActivity && t.Key == string(station.ActivityCommunity):
				r.Delivered.CommunityActivities += t.N
				minutes += t.Minutes
			}
		}
		r.Delivered.ServiceHours = minutes / 60
		out = append(out, r)
	}
	return out, nil
}
