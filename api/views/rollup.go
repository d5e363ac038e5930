package views

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"casework/api/service"
	"casework/domain/contract"
	"casework/domain/org"
	"casework/domain/value"
	"casework/projections/contracts"
	"casework/projections/delivery"
	"casework/projections/viewq"
)

// RollupQuery asks for a quarter's figures up the hierarchy, as known on
// AsOf (default today).
type RollupQuery struct {
	Common
	// Quarter is "2026Q1"; empty means the quarter of AsOf.
	Quarter string
}

// Rollup is one unit's figures for the quarter: its own stations' facts
// summed (a county sums its stations, a city its counties).
type Rollup struct {
	UnitID             string         `json:"unit_id"`
	Name               string         `json:"name"`
	Kind               org.Kind       `json:"kind"`
	ParentID           string         `json:"parent_id,omitempty"`
	Stations           int            `json:"stations"`
	CasesOpened        map[string]int `json:"cases_opened"`
	CasesClosed        map[string]int `json:"cases_closed"`
	Services           map[string]int `json:"services"`
	ServiceHours       float64        `json:"service_hours"`
	Referrals          map[string]int `json:"referrals_by_outcome"`
	GroupSessions      int            `json:"group_sessions"`
	CommunityEvents    int            `json:"community_activities"`
	Attendance         int            `json:"attendance"`
	VolunteersAdded    int            `json:"volunteers_registered"`
	VolunteerHours     float64        `json:"volunteer_hours"`
	ContractReports    map[string]int `json:"contract_reports"`
	ContractReportsDue int            `json:"contract_reports_due_in_quarter"`
}

// ParseQuarter reads "2026Q1" into its first and last day.
func ParseQuarter(s string) (from, to value.Date, err error) {
	y, q, ok := strings.Cut(strings.ToUpper(s), "Q")
	yn, yerr := strconv.Atoi(y)
	qn, qerr := strconv.Atoi(q)
	if !ok || yerr != nil || qerr != nil || qn < 1 || qn > 4 || yn < 2000 || yn > 2200 {
		return from, to, fmt.Errorf("quarter %q: want a year and quarter such as 2026Q1", s)
	}
	from = value.NewDate(yn, time.Month(3*qn-2), 1)
	return from, from.AddMonths(3).AddDays(-1), nil
}

// Rollups sums the quarter's facts for every city, county and station in
// p's scope: cases opened and closed by domain, services by method and
// hours, referrals by final outcome, group and community activities,
// volunteers and their hours (counting only what was recorded by AsOf),
// and the status as of AsOf of the contract reports due in the quarter.
// Errors: service.ErrNotFound; *service.FieldError; service.ErrUnavailable.
func (v *Service) Rollups(ctx context.Context, p service.Principal, q RollupQuery) (Page[Rollup], error) {
	if !v.svc.ViewAccess(p, service.ViewRollups) {
		return Page[Rollup]{}, service.ErrNotFound
	}
	asOf := v.today(q.AsOf)
	if q.Quarter == "" {
		q.Quarter = fmt.Sprintf("%dQ%d", asOf.Year(), asOf.Quarter())
	}
	from, to, err := ParseQuarter(q.Quarter)
	if err != nil {
		return Page[Rollup]{}, &service.FieldError{Field: "quarter", Rule: "quarter.format", Message: err.Error()}
	}
	pos, err := v.wait(ctx, q.MinPosition, delivery.Name, contracts.Name)
	if err != nil {
		return Page[Rollup]{}, err
	}
	dt, err := v.tables(delivery.Name)
	if err != nil {
		return Page[Rollup]{}, err
	}
	ct, err := v.tables(contracts.Name)
	if err != nil {
		return Page[Rollup]{}, err
	}
	sc, tree := v.scope(p)
	stations, _ := v.scope(p, org.KindStation)
	db := v.run.DB().Read()
	totals, err := delivery.Totals(ctx, db, dt, delivery.Filter{Scope: stations, From: from, To: to, AsOf: asOf})
	if err != nil {
		return Page[Rollup]{}, err
	}
	units := scopeUnits(sc, tree)
	byID := map[string]*Rollup{}
	var order []string
	for _, u := range units {
		if u.Kind != org.KindStation && u.Kind != org.KindCounty && u.Kind != org.KindCity {
			continue
		}
		r := &Rollup{UnitID: u.ID.String(), Name: u.Name, Kind: u.Kind, CasesOpened: map[string]int{}, CasesClosed: map[string]int{},
			Services: map[string]int{}, Referrals: map[string]int{}, ContractReports: map[string]int{}}
		if u.ParentID != uuid.Nil {
			r.ParentID = u.ParentID.String()
		}
		byID[r.UnitID] = r
		order = append(order, r.UnitID)
	}
	// up returns the rollups a station's figures count in: itself and its
	// county and city, where the caller sees them.
	up := func(stationID string) []*Rollup {
		var out []*Rollup
		if r := byID[stationID]; r != nil {
			out = append(out, r)
		}
		for _, a := range tree.Ancestors(mustUUID(stationID)) {
			if r := byID[a.ID.String()]; r != nil {
				out = append(out, r)
			}
		}
		return out
	}
	for _, u := range units {
		if u.Kind == org.KindStation {
			for _, r := range up(u.ID.String()) {
				r.Stations++
			}
		}
	}
	for _, t := range totals {
		for _, r := range up(t.StationID) {
			switch t.Metric {
			case delivery.MetricCaseOpened:
				r.CasesOpened[t.Key] += t.N
			case delivery.MetricCaseClosed:
				r.CasesClosed[t.Key] += t.N
			case delivery.MetricService:
				r.Services[t.Key] += t.N
				r.ServiceHours += float64(t.Minutes) / 60
			case delivery.MetricReferralFinal:
				r.Referrals[t.Key] += t.N
			case delivery.MetricActivity:
				switch t.Key {
				case "group_session":
					r.GroupSessions += t.N
				case "community_activity":
					r.CommunityEvents += t.N
				}
				r.Attendance += t.Attendance
			case delivery.MetricVolunteer:
				r.VolunteersAdded += t.N
			case delivery.MetricVolunteerHours:
				r.VolunteerHours += float64(t.Minutes) / 60
			}
		}
	}
	// Contract reports due in the quarter, judged as of AsOf, count at
	// every station of the contract (and up).
	cs, _, err := contracts.List(ctx, db, ct, contracts.Filter{Scope: stations, StationsOnly: true, Page: viewq.Page{Limit: viewq.MaxLimit}})
	if err != nil {
		return Page[Rollup]{}, err
	}
	for _, c := range cs {
		for _, rs := range contract.ReportStatus(&c.State, asOf) {
			if rs.Due.Before(from) || rs.Due.After(to) {
				continue
			}
			seen := map[*Rollup]bool{}
			for _, st := range c.State.Stations {
				for _, r := range up(st) {
					if !seen[r] {
						seen[r] = true
						r.ContractReports[rs.Status]++
						r.ContractReportsDue++
					}
				}
			}
		}
	}
	items := make([]Rollup, 0, len(order))
	for _, id := range order {
		items = append(items, *byID[id])
	}
	total := len(items)
	off := min(max(q.Page.Offset, 0), total)
	end := min(off+limitOf(q.Page), total)
	return Page[Rollup]{Items: items[off:end], Total: total, Limit: limitOf(q.Page), Offset: off, AsOf: asOf.String(), Position: pos}, nil
}
