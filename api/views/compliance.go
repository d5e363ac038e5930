package views

import (
	"context"

	"casework/api/service"
	"casework/domain/org"
	"casework/domain/station"
	"casework/domain/value"
	"casework/projections/compliance"
)

// ComplianceQuery asks for the five haves of the stations in scope.
type ComplianceQuery struct {
	Common
	WindowDays int
	// Met, if set, keeps stations that meet ("true") or fail ("false") all five.
	Met string
}

// ComplianceRow is one station's five haves as of a date.
type ComplianceRow struct {
	StationID  string           `json:"station_id"`
	Name       string           `json:"name"`
	CountyID   string           `json:"county_id,omitempty"`
	County     string           `json:"county,omitempty"`
	Revision   uint64           `json:"revision"`
	Registered bool             `json:"registered"`
	Met        bool             `json:"met"`
	Since      value.Date       `json:"since,omitzero"`
	Failing    []station.Check  `json:"failing"`
	Haves      []ComplianceHave `json:"haves"`
}

// ComplianceHave is one have: met or not, since when.
type ComplianceHave struct {
	Have  station.Have `json:"have"`
	Met   bool         `json:"met"`
	Since value.Date   `json:"since,omitzero"`
}

// ComplianceCount counts stations meeting each have under a county or city.
type ComplianceCount struct {
	UnitID   string               `json:"unit_id"`
	Name     string               `json:"name"`
	Kind     org.Kind             `json:"kind"`
	Stations int                  `json:"stations"`
	Met      int                  `json:"met"`
	ByHave   map[station.Have]int `json:"met_by_have"`
}

// Compliance judges every open station org unit in p's scope as of
// q.AsOf with station.Compliance; a station unit without a record shows as
// not registered. Errors: service.ErrNotFound; service.ErrUnavailable.
func (v *Service) Compliance(ctx context.Context, p service.Principal, q ComplianceQuery) (Page[ComplianceRow], error) {
	rows, pos, asOf, err := v.compliance(ctx, p, q)
	if err != nil {
		return Page[ComplianceRow]{}, err
	}
	var kept []ComplianceRow
	for _, r := range rows {
		if q.Met == "" || (q.Met == "true") == r.Met {
			kept = append(kept, r)
		}
	}
	total := len(kept)
	off := min(max(q.Page.Offset, 0), total)
	end := min(off+limitOf(q.Page), total)
	items := kept[off:end]
	if items == nil {
		items = []ComplianceRow{}
	}
	return Page[ComplianceRow]{Items: items, Total: total, Limit: limitOf(q.Page), Offset: off, AsOf: asOf.String(), Position: pos}, nil
}

// ComplianceSummary counts, per county and city in p's scope, the
// stations and those meeting each have.
func (v *Service) ComplianceSummary(ctx context.Context, p service.Principal, q ComplianceQuery) (Page[ComplianceCount], error) {
	rows, pos, asOf, err := v.compliance(ctx, p, q)
	if err != nil {
		return Page[ComplianceCount]{}, err
	}
	_, tree := v.scope(p)
	counts := map[string]*ComplianceCount{}
	var order []string
	for _, r := range rows {
		sid := mustUUID(r.StationID)
		for _, a := range tree.Ancestors(sid) {
			if a.Kind != org.KindCounty && a.Kind != org.KindCity {
				continue
			}
			c := counts[a.ID.String()]
			if c == nil {
				c = &ComplianceCount{UnitID: a.ID.String(), Name: a.Name, Kind: a.Kind, ByHave: map[station.Have]int{}}
				counts[a.ID.String()] = c
				order = append(order, a.ID.String())
			}
			c.Stations++
			if r.Met {
				c.Met++
			}
			for _, h := range r.Haves {
				if h.Met {
					c.ByHave[h.Have]++
				}
			}
		}
	}
	items := []ComplianceCount{}
	for _, id := range order {
		items = append(items, *counts[id])
	}
	return Page[ComplianceCount]{Items: items, Total: len(items), Limit: len(items), AsOf: asOf.String(), Position: pos}, nil
}

func (v *Service) compliance(ctx context.Context, p service.Principal, q ComplianceQuery) ([]ComplianceRow, uint64, value.Date, error) {
	if !v.svc.ViewAccess(p, service.ViewStations) {
		return nil, 0, value.Date{}, service.ErrNotFound
	}
	if q.Met != "" && q.Met != "true" && q.Met != "false" {
		return nil, 0, value.Date{}, &service.FieldError{Field: "met", Rule: "met.boolean", Message: "true or false"}
	}
	pos, err := v.wait(ctx, q.MinPosition, compliance.Name)
	if err != nil {
		return nil, 0, value.Date{}, err
	}
	t, err := v.tables(compliance.Name)
	if err != nil {
		return nil, 0, value.Date{}, err
	}
	sc, tree := v.scope(p, org.KindStation)
	stored, err := compliance.Stations(ctx, v.run.DB().Read(), t, sc)
	if err != nil {
		return nil, 0, value.Date{}, err
	}
	asOf := v.today(q.AsOf)
	units := scopeUnits(sc, tree)
	var out []ComplianceRow
	for _, u := range units {
		if u.Kind != org.KindStation || u.Closed {
			continue
		}
		s := stored[u.ID.String()]
		st := s.State
		rep := station.Compliance(&st, asOf, station.Window{Days: q.WindowDays})
		r := ComplianceRow{StationID: u.ID.String(), Name: u.Name, Revision: s.Revision, Registered: rep.Registered, Met: rep.Met,
			Since: rep.Since, Failing: rep.Failing()}
		if r.Failing == nil {
			r.Failing = []station.Check{}
		}
		if c, ok := tree.CountyOf(u.ID); ok {
			r.CountyID, r.County = c.ID.String(), c.Name
		}
		for _, h := range rep.Haves {
			r.Haves = append(r.Haves, ComplianceHave{Have: h.Have, Met: h.Met, Since: h.Since})
		}
		out = append(out, r)
	}
	return out, pos, asOf, nil
}
