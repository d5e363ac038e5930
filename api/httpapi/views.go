package httpapi

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"casework/api/service"
	"casework/api/views"
	"casework/domain/value"
	"casework/projections/viewq"
)

func (s *Server) viewRoutes() []route {
	get := func(path string, h echo.HandlerFunc) route { return route{method: http.MethodGet, path: path, h: h} }
	return []route{
		get("/api/v1/views/caseloads", viewHandler(s, "caseloads", caseloadQuery, (*views.Service).Caseloads)),
		get("/api/v1/views/caseloads/cases", viewHandler(s, "cases", caseQuery, (*views.Service).Cases)),
		get("/api/v1/views/caseloads/approvals", viewHandler(s, "approvals", approvalQuery, (*views.Service).Cases)),
		get("/api/v1/views/caseloads/referrals", viewHandler(s, "referrals", referralQuery, (*views.Service).PendingReferrals)),
		get("/api/v1/views/contract-cycles", viewHandler(s, "contract-cycles", cycleQuery, (*views.Service).ContractCycles)),
		get("/api/v1/views/compliance", viewHandler(s, "compliance", complianceQuery, (*views.Service).Compliance)),
		get("/api/v1/views/compliance/summary", viewHandler(s, "compliance-summary", complianceQuery, (*views.Service).ComplianceSummary)),
		get("/api/v1/views/audit/events", viewHandler(s, "audit", auditQuery, (*views.Service).AuditTrail)),
		get("/api/v1/views/rollups", viewHandler(s, "rollups", rollupQuery, (*views.Service).Rollups)),
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
	if p.TotalCapped {
		h.Set("X-Total-Capped", "true")
	}
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

// viewHandler is the shape of every view: the views (or 503), the common
// parameters, the view's own parameters, one call, render as JSON or CSV.
func viewHandler[Q, T any](s *Server, name string, parse func(c echo.Context, cm views.Common) (Q, error),
	run func(v *views.Service, ctx context.Context, p service.Principal, q Q) (views.Page[T], error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, err := s.viewsOr503(c)
		if err != nil {
			return err
		}
		cm, err := commonParams(c)
		if err != nil {
			return err
		}
		q, err := parse(c, cm)
		if err != nil {
			return err
		}
		p, err := run(v, c.Request().Context(), principal(c), q)
		return renderView(c, name, p, err)
	}
}

// idQuery is the query parameter name, in the canonical form the views
// store ids in when it is a UUID (an id written in upper case selects the
// same rows), and as given otherwise (it then selects none).
func idQuery(c echo.Context, name string) string {
	v := c.QueryParam(name)
	if id, err := uuid.Parse(v); err == nil {
		return id.String()
	}
	return v
}

// streamQuery is the query parameter name as a stream name whose id, when
// it is a UUID, is written in the canonical form the store records.
func streamQuery(c echo.Context, name string) string {
	v := c.QueryParam(name)
	if cat, rest, ok := strings.Cut(v, "-"); ok {
		if id, err := uuid.Parse(rest); err == nil {
			return cat + "-" + id.String()
		}
	}
	return v
}

func caseloadQuery(c echo.Context, cm views.Common) (views.CaseloadQuery, error) {
	return views.CaseloadQuery{Common: cm, GroupBy: c.QueryParam("group_by"),
		StationID: idQuery(c, "station_id"), Domain: c.QueryParam("domain"), Stage: c.QueryParam("stage")}, nil
}

func caseQuery(c echo.Context, cm views.Common) (views.CaseQuery, error) {
	return views.CaseQuery{Common: cm, StationID: idQuery(c, "station_id"), WorkerID: idQuery(c, "worker_id"),
		Stage: c.QueryParam("stage"), Domain: c.QueryParam("domain"), Overdue: c.QueryParam("overdue"),
		PendingApproval: c.QueryParam("pending_approval") == "true", Closed: c.QueryParam("include_closed") == "true"}, nil
}

func approvalQuery(c echo.Context, cm views.Common) (views.CaseQuery, error) {
	q, err := caseQuery(c, cm)
	q.PendingApproval = true
	return q, err
}

func referralQuery(c echo.Context, cm views.Common) (views.ReferralQuery, error) {
	q := views.ReferralQuery{Common: cm, Reason: c.QueryParam("reason")}
	if d := c.QueryParam("not_accepted_days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 365 {
			return q, newProblem(c, pkValidation, "not_accepted_days must be 0 to 365",
				ProblemField{Field: "not_accepted_days", Rule: "not_accepted_days.range", Message: "0 to 365"})
		}
		q.NotAcceptedDays = n
	}
	return q, nil
}

func cycleQuery(c echo.Context, cm views.Common) (views.CycleQuery, error) {
	return views.CycleQuery{Common: cm, ContractID: idQuery(c, "contract_id"), Phase: c.QueryParam("phase")}, nil
}

func complianceQuery(c echo.Context, cm views.Common) (views.ComplianceQuery, error) {
	_, w, err := complianceParams(c)
	if err != nil {
		return views.ComplianceQuery{}, err
	}
	return views.ComplianceQuery{Common: cm, WindowDays: w.Days, Met: c.QueryParam("met")}, nil
}

func auditQuery(c echo.Context, cm views.Common) (views.AuditQuery, error) {
	q := views.AuditQuery{Common: cm, Actor: idQuery(c, "actor"), Stream: streamQuery(c, "stream"), Type: c.QueryParam("type"),
		OrgUnit: idQuery(c, "org_unit")}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if s := c.QueryParam(f.name); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return q, newProblem(c, pkValidation, f.name+" must be an RFC 3339 time",
					ProblemField{Field: f.name, Rule: f.name + ".format", Message: "an RFC 3339 time"})
			}
			*f.dst = t
		}
	}
	return q, nil
}

func rollupQuery(c echo.Context, cm views.Common) (views.RollupQuery, error) {
	return views.RollupQuery{Common: cm, Quarter: c.QueryParam("quarter")}, nil
}
