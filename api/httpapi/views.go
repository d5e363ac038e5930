package httpapi

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"casework/api/views"
	"casework/domain/value"
	"casework/projections/viewq"
)

func (s *Server) viewRoutes() []route {
	get := func(path string, h echo.HandlerFunc) route { return route{method: http.MethodGet, path: path, h: h} }
	return []route{
		get("/api/v1/views/caseloads", s.viewCaseloads),
		get("/api/v1/views/caseloads/cases", s.viewCases),
		get("/api/v1/views/caseloads/approvals", s.viewApprovals),
		get("/api/v1/views/caseloads/referrals", s.viewReferrals),
		get("/api/v1/views/contract-cycles", s.viewContractCycles),
		get("/api/v1/views/compliance", s.viewCompliance),
		get("/api/v1/views/compliance/summary", s.viewComplianceSummary),
		get("/api/v1/views/audit/events", s.viewAudit),
		get("/api/v1/views/rollups", s.viewRollups),
	}
}

// viewsOr503 returns the views, or a 503 when the node runs without them.
func (s *Server) viewsOr503(c echo.Context) (*views.Service, error) {
	if s.cfg.Views == nil {
		return nil, newProblem(c, pkUnavailable, "this node serves no views")
	}
	return s.cfg.Views, nil
}

// commonParams reads min_position, as_of, sort, limit and offset.
func commonParams(c echo.Context) (views.Common, error) {
	var q views.Common
	bad := func(field, rule, msg string) error {
		return newProblem(c, pkValidation, field+": "+msg, ProblemField{Field: field, Rule: rule, Message: msg})
	}
	if v := c.QueryParam("min_position"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return q, bad("min_position", "min_position.integer", "a global position (an integer ≥ 0)")
		}
		q.MinPosition = n
	}
	if v := c.QueryParam("as_of"); v != "" {
		d, err := value.ParseDate(v)
		if err != nil {
			t, terr := time.Parse(time.RFC3339Nano, v)
			if terr != nil {
				return q, bad("as_of", "as_of.format", "a date such as 2026-03-31")
			}
			d = value.DateOf(t)
		}
		q.AsOf = d
	}
	for _, f := range []struct {
		name string
		dst  *int
		max  int
	}{{"limit", &q.Page.Limit, viewq.MaxLimit}, {"offset", &q.Page.Offset, 1 << 30}} {
		if v := c.QueryParam(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > f.max {
				return q, bad(f.name, f.name+".range", "0 to "+strconv.Itoa(f.max))
			}
			*f.dst = n
		}
	}
	q.Sort = c.QueryParam("sort")
	return q, nil
}

// wantsCSV reports whether the caller asked for CSV (?format=csv or
// Accept: text/csv).
func wantsCSV(c echo.Context) bool {
	if c.QueryParam("format") == "csv" {
		return true
	}
	return strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "text/csv")
}

// renderView writes a page as JSON, or its items as CSV (a header of the
// JSON field names; nested values as JSON), with X-Total-Count.
func renderView[T any](c echo.Context, name string, p views.Page[T], err error) error {
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("X-Total-Count", strconv.Itoa(p.Total))
	h.Set("X-Position", strconv.FormatUint(p.Position, 10))
	if !wantsCSV(c) {
		return writeJSON(c, http.StatusOK, p)
	}
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	return writeCSV(c.Response(), p.Items)
}

func writeCSV[T any](w http.ResponseWriter, items []T) error {
	cw := csv.NewWriter(w)
	t := reflect.TypeFor[T]()
	var names []string
	var idx []int
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
		idx = append(idx, i)
	}
	if err := cw.Write(names); err != nil {
		return err
	}
	rec := make([]string, len(idx))
	for _, it := range items {
		v := reflect.ValueOf(it)
		for k, i := range idx {
			rec[k] = cell(v.Field(i))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell renders one value: strings as they are, everything else as its JSON.
func cell(v reflect.Value) string {
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Map || v.Kind() == reflect.Slice) && v.IsNil() {
		return ""
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return ""
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		return s
	}
	return string(b)
}

func (s *Server) viewCaseloads(c echo.Context) error {
	v, err := s.viewsOr503(c)
	if err != nil {
		return err
	}
	cm, err := commonParams(c)
	if err != nil {
		return err
	}
	p, err := v.Caseloads(c.Request().Context(), principal(c), views.CaseloadQuery{Common: cm, GroupBy: c.QueryParam("group_by"),
		StationID: c.QueryParam("station_id"), Domain: c.QueryParam("domain"), Stage: c.QueryParam("stage")})
	return renderView(c, "caseloads", p, err)
}

func (s *Server) caseQuery(c echo.Context) (views.CaseQuery, error) {
	cm, err := commonParams(c)
	if err != nil {
		return views.CaseQuery{}, err
	}
	q := views.CaseQuery{Common: cm, StationID: c.QueryParam("station_id"), WorkerID: c.QueryParam("worker_id"),
		Stage: c.QueryParam("stage"), Domain: c.QueryParam("domain"), Overdue: c.QueryParam("overdue"),
		PendingApproval: c.QueryParam("pending_approval") == "true", Closed: c.QueryParam("include_closed") == "true"}
	return q, nil
}

func (s *Server) viewCases(c echo.Context) error {
	v, err := s.viewsOr503(c)
	if err != nil {
		return err
	}
	q, err := s.caseQuery(c)
	if err != nil {
		return err
	}
	p, err := v.Cases(c.Request().Context(), principal(c), q)
	return renderView(c, "cases", p, err)
}

func (s *Server) viewApprovals(c echo.Context) error {
	v, err := s.viewsOr503(c)
	if err != nil {
		return err
	}
	q, err := s.caseQuery(c)
	if err != nil {
		return err
	}
	q.PendingApproval = true
	p, err := v.Cases(c.Request().Context(), principal(c), q)
	return renderView(c, "approvals", p, err)
}

func (s *Server) viewReferrals(c echo.Context) error {
	v, err := s.viewsOr503(c)
	if err != nil {
		return err
	}
	cm, err := commonParams(c)
	if err != nil {
		return err
	}
	q := views.ReferralQuery{Common: cm, Reason: c.QueryParam("reason")}
	if d := c.QueryParam("not_accepted_days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 365 {
			return newProblem(c, pkValidation, "not_accepted_days must be 0 to 365",
				ProblemField{Field: "not_accepted_days", Rule: "not_accepted_days.range", Message: "0 to 365"})
		}
		q.NotAcceptedDays = n
	}
	p, err := v.PendingReferrals(c.Request().Context(), principal(c), q)
	return renderView(c, "referrals", p, err)
}

func (s *Server) viewContractCycles(c echo.Context) error {
	v, err := s.viewsOr503(c)
	if err != nil {
		return err
	}
	cm, err := commonParams(c)
	if err != nil {
		return err
	}
	p, err := v.ContractCycles(c.Request().Context(), principal(c), views.CycleQuery{Common: cm,
		ContractID: c.QueryParam("contract_id"), Phase: c.QueryParam("phase")})
	return renderView(c, "contract-cycles", p, err)
}

func (s *Server) complianceQuery(c echo.Context) (views.ComplianceQuery, error) {
	cm, err := commonParams(c)
	if err != nil {
		return views.ComplianceQuery{}, err
	}
	_, w, err := complianceParams(c)
	if err != nil {
		return views.ComplianceQuery{}, err
	}
	return views.ComplianceQuery{Common: cm, WindowDays: w.Days, Met: c.QueryParam("met")}, nil
}

func (s *Server) viewCompliance(c echo.Context) error {
	v, err := s.viewsOr503(c)
	if err != nil {
		return err
	}
	q, err := s.complianceQuery(c)
	if err != nil {
		return err
	}
	p, err := v.Compliance(c.Request().Context(), principal(c), q)
	return renderView(c, "compliance", p, err)
}

func (s *Server) viewComplianceSummary(c echo.Context) error {
	v, err := s.viewsOr503(c)
	if err != nil {
		return err
	}
	q, err := s.complianceQuery(c)
	if err != nil {
		return err
	}
	p, err := v.ComplianceSummary(c.Request().Context(), principal(c), q)
	return renderView(c, "compliance-summary", p, err)
}

func (s *Server) viewAudit(c echo.Context) error {
	v, err := s.viewsOr503(c)
	if err != nil {
		return err
	}
	cm, err := commonParams(c)
	if err != nil {
		return err
	}
	q := views.AuditQuery{Common: cm, Actor: c.QueryParam("actor"), Stream: c.QueryParam("stream"), Type: c.QueryParam("type"),
		OrgUnit: c.QueryParam("org_unit")}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if s := c.QueryParam(f.name); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return newProblem(c, pkValidation, f.name+" must be an RFC 3339 time",
					ProblemField{Field: f.name, Rule: f.name + ".format", Message: "an RFC 3339 time"})
			}
			*f.dst = t
		}
	}
	p, err := v.AuditTrail(c.Request().Context(), principal(c), q)
	return renderView(c, "audit", p, err)
}

func (s *Server) viewRollups(c echo.Context) error {
	v, err := s.viewsOr503(c)
	if err != nil {
		return err
	}
	cm, err := commonParams(c)
	if err != nil {
		return err
	}
	p, err := v.Rollups(c.Request().Context(), principal(c), views.RollupQuery{Common: cm, Quarter: c.QueryParam("quarter")})
	return renderView(c, "rollups", p, err)
}
