package views

import (
	"context"
	"sort"

	"github.com/google/uuid"

	"casework/api/service"
	"casework/domain"
	"casework/domain/org"
	"casework/projections/caseload"
)

// CaseloadQuery asks for open-case counts grouped by worker, station,
// county or city.
type CaseloadQuery struct {
	Common
	GroupBy   string // worker | supervisor | station (default) | county | city
	StationID string
	Domain    string
	Stage     string
}

// CaseloadGroup is the open caseload of one worker or org unit.
type CaseloadGroup struct {
	GroupBy          string         `json:"group_by"`
	ID               string         `json:"id"`
	Name             string         `json:"name,omitempty"`
	StationID        string         `json:"station_id,omitempty"`
	Open             int            `json:"open"`
	ByStage          map[string]int `json:"by_stage"`
	ByDomain         map[string]int `json:"by_domain"`
	OverdueReviews   int            `json:"overdue_reviews"`
	OverdueFollowUps int            `json:"overdue_follow_ups"`
	PendingApprovals int            `json:"pending_approvals"`
}

// Caseloads counts the open cases in p's scope by stage and domain, with
// overdue reviews and follow-ups and pending approvals, per group. Grouped
// by supervisor, each active supervisor account counts the cases of the
// stations in its subtree (those whose approvals it decides); the cases of
// a station that has no supervisor form a group with an empty id and that
// station's id.
// Errors: service.ErrNotFound for a role that may not read cases;
// *service.FieldError for a bad group_by; service.ErrUnavailable.
func (v *Service) Caseloads(ctx context.Context, p service.Principal, q CaseloadQuery) (Page[CaseloadGroup], error) {
	if !v.svc.ViewAccess(p, service.ViewCases) {
		return Page[CaseloadGroup]{}, service.ErrNotFound
	}
	if q.GroupBy == "" {
		q.GroupBy = "station"
	}
	switch q.GroupBy {
	case "worker", "supervisor", "station", "county", "city":
	default:
		return Page[CaseloadGroup]{}, &service.FieldError{Field: "group_by", Rule: "group_by.allowed", Message: "worker, supervisor, station, county or city"}
	}
	pos, err := v.wait(ctx, q.MinPosition, caseload.Name)
	if err != nil {
		return Page[CaseloadGroup]{}, err
	}
	t, err := v.tables(caseload.Name)
	if err != nil {
		return Page[CaseloadGroup]{}, err
	}
	sc, tree := v.scope(p, org.KindStation)
	asOf := v.today(q.AsOf)
	counts, err := caseload.Counts(ctx, v.run.DB().Read(), t, caseload.CaseFilter{Scope: sc, StationID: q.StationID,
		Domain: q.Domain, Stage: q.Stage, AsOf: asOf})
	if err != nil {
		return Page[CaseloadGroup]{}, err
	}
	groups := map[string]*CaseloadGroup{}
	add := func(key, id, name, station string, c caseload.Count) {
		g := groups[key]
		if g == nil {
			g = &CaseloadGroup{GroupBy: q.GroupBy, ID: id, Name: name, StationID: station, ByStage: map[string]int{}, ByDomain: map[string]int{}}
			groups[key] = g
		}
		g.Open += c.Open
		g.ByStage[c.Stage] += c.Open
		g.ByDomain[c.Domain] += c.Open
		g.OverdueReviews += c.OverdueReviews
		g.OverdueFollowUps += c.OverdueFollowUps
		g.PendingApprovals += c.PendingApprovals
	}
	var sups supervisors
	if q.GroupBy == "supervisor" {
		sups = v.supervisors(tree)
	}
	for _, c := range counts {
		if q.GroupBy == "supervisor" {
			covering := sups[c.StationID]
			if len(covering) == 0 {
				add("|"+c.StationID, "", "", c.StationID, c)
			}
			for _, a := range covering {
				add(a.id, a.id, a.name, a.unit, c)
			}
			continue
		}
		id, name, station := c.StationID, "", ""
		switch q.GroupBy {
		case "worker":
			id, station = c.WorkerID, c.StationID
		case "county", "city":
			id = ""
			if sid, err := uuid.Parse(c.StationID); err == nil {
				var u org.Unit
				var ok bool
				if q.GroupBy == "county" {
					u, ok = tree.CountyOf(sid)
				} else {
					u, ok = tree.CityOf(sid)
				}
				if ok {
					id, name = u.ID.String(), u.Name
				}
			}
		}
		if name == "" && q.GroupBy == "station" {
			if sid, err := uuid.Parse(id); err == nil {
				if u, ok := tree.Unit(sid); ok {
					name = u.Name
				}
			}
		}
		add(id+"|"+station, id, name, station, c)
	}
	items := make([]CaseloadGroup, 0, len(groups))
	for _, g := range groups {
		items = append(items, *g)
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].Open != items[j].Open {
			return items[i].Open > items[j].Open
		}
		return items[i].ID+items[i].StationID < items[j].ID+items[j].StationID
	})
	total := len(items)
	off := min(max(q.Page.Offset, 0), total)
	end := min(off+limitOf(q.Page), total)
	return Page[CaseloadGroup]{Items: items[off:end], Total: total, Limit: limitOf(q.Page), Offset: off, AsOf: asOf.String(), Position: pos}, nil
}

// supervisor is an active supervisor account and the org unit it serves.
type supervisor struct{ id, name, unit string }

// supervisors maps a station id to the supervisors who decide its cases'
// approvals: those attached to the station or to a unit above it.
type supervisors map[string][]supervisor

func (v *Service) supervisors(tree *org.Tree) supervisors {
	var all []supervisor
	for _, a := range v.svc.Directory().Accounts() {
		if a.Role == domain.RoleSupervisor && a.CanLogIn() {
			all = append(all, supervisor{id: a.ID.String(), name: a.DisplayName, unit: a.OrgUnit})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].id < all[j].id })
	out := supervisors{}
	for _, s := range all {
		unit, err := uuid.Parse(s.unit)
		if err != nil {
			continue
		}
		for _, st := range tree.Subtree(unit) {
			if st.Kind == org.KindStation {
				out[st.ID.String()] = append(out[st.ID.String()], s)
			}
		}
	}
	return out
}

// CaseQuery asks for a list of cases.
type CaseQuery struct {
	Common
	StationID, WorkerID, Stage, Domain string
	Overdue                            string // review | follow_up | any
	PendingApproval                    bool
	Closed                             bool
}

// Cases lists the cases in p's scope that q selects.
// Errors: service.ErrNotFound for a role that may not read cases;
// *service.FieldError (sort, overdue); service.ErrUnavailable.
func (v *Service) Cases(ctx context.Context, p service.Principal, q CaseQuery) (Page[caseload.CaseRow], error) {
	if !v.svc.ViewAccess(p, service.ViewCases) {
		return Page[caseload.CaseRow]{}, service.ErrNotFound
	}
	switch q.Overdue {
	case "", "review", "follow_up", "any":
	default:
		return Page[caseload.CaseRow]{}, &service.FieldError{Field: "overdue", Rule: "overdue.allowed", Message: "review, follow_up or any"}
	}
	pos, err := v.wait(ctx, q.MinPosition, caseload.Name)
	if err != nil {
		return Page[caseload.CaseRow]{}, err
	}
	t, err := v.tables(caseload.Name)
	if err != nil {
		return Page[caseload.CaseRow]{}, err
	}
	sc, _ := v.scope(p, org.KindStation)
	asOf := v.today(q.AsOf)
	rows, total, err := caseload.Cases(ctx, v.run.DB().Read(), t, caseload.CaseFilter{Scope: sc, StationID: q.StationID,
		WorkerID: q.WorkerID, Stage: q.Stage, Domain: q.Domain, Overdue: q.Overdue, PendingApproval: q.PendingApproval,
		Closed: q.Closed, AsOf: asOf, Sort: q.Sort, Page: q.Page})
	if err != nil {
		return Page[caseload.CaseRow]{}, sortField(err)
	}
	return Page[caseload.CaseRow]{Items: rows, Total: total, Limit: limitOf(q.Page), Offset: q.Page.Offset, AsOf: asOf.String(), Position: pos}, nil
}

// ReferralQuery asks for pending referrals.
type ReferralQuery struct {
	Common
	NotAcceptedDays int
	Reason          string // not_accepted | past_due
}

// PendingReferrals lists referrals not accepted within N days or past
// their due date: from stations in p's scope, or, for an agency worker,
// addressed to their agency (without the case).
// Errors: service.ErrNotFound; *service.FieldError; service.ErrUnavailable.
func (v *Service) PendingReferrals(ctx context.Context, p service.Principal, q ReferralQuery) (Page[caseload.ReferralRow], error) {
	if !v.svc.ViewAccess(p, service.ViewReferrals) {
		return Page[caseload.ReferralRow]{}, service.ErrNotFound
	}
	if q.Reason != "" && q.Reason != "not_accepted" && q.Reason != "past_due" {
		return Page[caseload.ReferralRow]{}, &service.FieldError{Field: "reason", Rule: "reason.allowed", Message: "not_accepted or past_due"}
	}
	pos, err := v.wait(ctx, q.MinPosition, caseload.Name)
	if err != nil {
		return Page[caseload.ReferralRow]{}, err
	}
	t, err := v.tables(caseload.Name)
	if err != nil {
		return Page[caseload.ReferralRow]{}, err
	}
	f := caseload.ReferralFilter{NotAcceptedDays: q.NotAcceptedDays, Reason: q.Reason, AsOf: v.today(q.AsOf), Sort: q.Sort, Page: q.Page}
	if v.svc.ViewAccess(p, service.ViewCases) {
		f.Scope, _ = v.scope(p, org.KindStation)
	} else {
		f.Agency = p.OrgUnit.String()
	}
	rows, total, err := caseload.PendingReferrals(ctx, v.run.DB().Read(), t, f)
	if err != nil {
		return Page[caseload.ReferralRow]{}, sortField(err)
	}
	return Page[caseload.ReferralRow]{Items: rows, Total: total, Limit: limitOf(q.Page), Offset: q.Page.Offset, AsOf: f.AsOf.String(), Position: pos}, nil
}
