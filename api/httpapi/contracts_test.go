package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"casework/api/apitest"
	"casework/api/service"
	"casework/domain"
	"casework/domain/contract"
	"casework/domain/org"
	"casework/domain/value"
)

// contractorCode is the fixture contractor's registered credit code.
const contractorCode = "52330102MJ8800001X"

// problemBody is the part of a problem document the tests look at.
type problemBody struct {
	Status   int     `json:"status"`
	Revision *uint64 `json:"revision"`
	Errors   []struct {
		Field, Rule string
	} `json:"errors"`
}

// wantRule fails unless r is a problem with status and rule in errors[].
func wantRule(tb testing.TB, r apitest.Response, status int, rule string) {
	tb.Helper()
	if r.Status != status || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		tb.Fatalf("want %d problem with %s, got %d %s", status, rule, r.Status, r.Body)
	}
	var p problemBody
	r.JSON(tb, &p)
	for _, e := range p.Errors {
		if e.Rule == rule {
			return
		}
	}
	tb.Fatalf("want rule %s in errors[], got %s", rule, r.Body)
}

// wantStatus fails unless r has status.
func wantStatus(tb testing.TB, what string, r apitest.Response, status int) {
	tb.Helper()
	if r.Status != status {
		tb.Fatalf("%s: want %d, got %d %s", what, status, r.Status, r.Body)
	}
}

// contractView is the part of a contract the tests look at.
type contractView struct {
	Revision   uint64 `json:"revision"`
	Phase      string `json:"phase"`
	CycleYear  int    `json:"cycle_year"`
	Contractor *struct {
		ContractorName string `json:"contractor_name"`
		CreditCode     string `json:"credit_code"`
	} `json:"contractor"`
	Years []struct {
		CycleYear int `json:"cycle_year"`
		Reports   []struct {
			Kind, Period, Status, Due string
			SubmittedOn               string `json:"submitted_on"`
		} `json:"reports"`
		Evaluation *struct {
			Passed bool `json:"passed"`
			Total  int  `json:"total"`
		} `json:"evaluation"`
		Renewed bool `json:"renewed"`
	} `json:"years"`
	Funds []struct {
		Code                           string
		Budgeted, Disbursed, Remaining int64
	} `json:"funds"`
	StatusAsOf   string `json:"status_as_of"`
	NextDeadline *struct {
		Kind, Period, Due string
	} `json:"next_deadline"`
	Closure *struct{ Phase string } `json:"closure"`
}

func (v contractView) report(tb testing.TB, year int, kind, period string) string {
	tb.Helper()
	for _, y := range v.Years {
		for _, r := range y.Reports {
			if y.CycleYear == year && r.Kind == kind && r.Period == period {
				return r.Status
			}
		}
	}
	tb.Fatalf("no report %d %s %s in %+v", year, kind, period, v.Years)
	return ""
}

func getContract(tb testing.TB, env *apitest.Env, tok, path string) contractView {
	tb.Helper()
	r := env.Do(tb, tok, http.MethodGet, path, nil, nil)
	wantStatus(tb, "get "+path, r, http.StatusOK)
	var v contractView
	r.JSON(tb, &v)
	return v
}

// cycle is the fixture's agreement calendar: year 1 starts on the first of
// the month fourteen months ago, so that year 1 lies in the past and
// year 2 runs today, whatever day the tests run.
type cycle struct {
	today, start1, start2 value.Date
}

func newCycle() cycle {
	today := value.DateOf(time.Now())
	start1 := value.NewDate(today.Year(), today.Month(), 1).AddMonths(-14)
	return cycle{today: today, start1: start1, start2: contract.OneYearEnd(start1).AddDays(1)}
}

func month(d value.Date) string { return d.String()[:7] }

func openContractBody(env *apitest.Env, stations ...string) map[string]any {
	ids := make([]string, len(stations))
	for i, s := range stations {
		ids[i] = env.Units[s].String()
	}
	return map[string]any{"title": "上城区社工站运营服务项目", "stations": ids, "method": "open_tender", "budget_ceiling": 60_000_000}
}

func agreementBody(env *apitest.Env, year int, start value.Date) map[string]any {
	return map[string]any{
		"cycle_year": year,
		"parties": map[string]any{
			"bureau":     map[string]any{"unit": env.Units["bureau"].String(), "name": "上城区民政局"},
			"township":   map[string]any{"unit": env.Units["station"].String(), "name": "湖滨街道办事处"},
			"contractor": map[string]any{"unit": env.Units["contractor"].String(), "name": "上城区阳光社工服务中心"},
		},
		"period_start":      start.String(),
		"service_content":   "社会救助、养老服务、儿童关爱等个案、小组和社区工作",
		"targets":           map[string]any{"cases": 60, "services": 600, "group_sessions": 12, "community_activities": 12},
		"staffing":          []map[string]any{{"station": env.Units["station"].String(), "resident_workers": 2}},
		"budget":            20_000_000,
		"evaluation_clause": "年度第三方评估，60分合格",
		"breach_liability":  "未按约定配备人员的，按比例扣减服务经费",
	}
}

// awardedContract opens a contract covering the fixture station, awards it
// to the fixture contractor and signs year 1; it returns its path.
func awardedContract(tb testing.TB, env *apitest.Env, bureau string, c cycle) string {
	tb.Helper()
	r := env.Do(tb, bureau, http.MethodPost, "/api/v1/contracts", openContractBody(env, "station"), nil)
	wantStatus(tb, "open", r, http.StatusCreated)
	path := r.Header.Get("Location")
	if !strings.HasPrefix(path, "/api/v1/contracts/") || r.Header.Get("ETag") != `"0"` {
		tb.Fatalf("open headers: %v", r.Header)
	}
	r = env.Do(tb, bureau, http.MethodPost, path+"/award", map[string]any{
		"contractor_unit": env.Units["contractor"].String(), "credit_code": contractorCode, "amount": 50_000_000}, nil)
	wantStatus(tb, "award", r, http.StatusOK)
	r = env.Do(tb, bureau, http.MethodPost, path+"/agreements", agreementBody(env, 1, c.start1), nil)
	wantStatus(tb, "sign year 1", r, http.StatusOK)
	return path
}

func TestContract_ProcurementToRenewal(t *testing.T) {
	env := apitest.Start(t)
	bureau, worker, evaluator := env.Token(t, "bureau"), env.Token(t, "worker"), env.Token(t, "evaluator")
	c := newCycle()
	path := awardedContract(t, env, bureau, c)

	v := getContract(t, env, bureau, path)
	if v.Phase != "in_agreement" || v.CycleYear != 1 || v.Contractor == nil ||
		v.Contractor.ContractorName != "上城区阳光社工服务中心" || v.Contractor.CreditCode != contractorCode {
		t.Fatalf("after signing year 1: %+v", v)
	}
	signed := v.Revision

	// The resident worker (contractor side, at a covered station) reports:
	// month 1 on time, month 2 late; month 3 never.
	m1, m2, m3 := c.start1, c.start1.AddMonths(1), c.start1.AddMonths(2)
	r := env.Do(t, worker, http.MethodPost, path+"/reports", map[string]any{"kind": "monthly_briefing", "period": month(m1),
		"submitted_on": m2.AddDays(2).String(), "document_ref": "briefing-1"}, nil)
	wantStatus(t, "report month 1", r, http.StatusOK)
	r = env.Do(t, worker, http.MethodPost, path+"/reports", map[string]any{"kind": "monthly_briefing", "period": month(m2),
		"submitted_on": m3.AddDays(19).String(), "document_ref": "briefing-2"}, nil)
	wantStatus(t, "report month 2", r, http.StatusOK)
	wantRule(t, env.Do(t, worker, http.MethodPost, path+"/reports", map[string]any{"kind": "monthly_briefing", "period": month(m1),
		"document_ref": "again"}, nil), http.StatusConflict, "contract.report.once_per_period")

	// Funds: one earmarked line, a payment, and a payment beyond the line.
	r = env.Do(t, bureau, http.MethodPost, path+"/budgets", map[string]any{"lines": []map[string]any{
		{"code": "ops-1", "purpose": "站点运营经费", "amount": 3_000_000, "earmarked": true}}}, nil)
	wantStatus(t, "budget", r, http.StatusOK)
	r = env.Do(t, bureau, http.MethodPost, path+"/disbursements", map[string]any{"line": "ops-1", "amount": 1_000_000, "purpose": "第一季度"}, nil)
	wantStatus(t, "disburse", r, http.StatusOK)
	wantRule(t, env.Do(t, bureau, http.MethodPost, path+"/disbursements", map[string]any{"line": "ops-1", "amount": 2_000_001, "purpose": "超支"}, nil),
		http.StatusConflict, "contract.disburse.within_line")
	wantRule(t, env.Do(t, bureau, http.MethodPost, path+"/disbursements", map[string]any{"line": "nope", "amount": 1, "purpose": "x"}, nil),
		http.StatusUnprocessableEntity, "contract.disburse.line_exists")

	v = getContract(t, env, bureau, path)
	if len(v.Funds) != 1 || v.Funds[0].Budgeted != 3_000_000 || v.Funds[0].Disbursed != 1_000_000 || v.Funds[0].Remaining != 2_000_000 {
		t.Fatalf("funds: %+v", v.Funds)
	}
	if v.StatusAsOf != c.today.String() {
		t.Fatalf("status as of %s, want today %s", v.StatusAsOf, c.today)
	}
	for period, want := range map[string]string{month(m1): "submitted_on_time", month(m2): "submitted_late", month(m3): "missing"} {
		if got := v.report(t, 1, "monthly_briefing", period); got != want {
			t.Errorf("report %s: %s, want %s", period, got, want)
		}
	}
	// The state as recorded right after signing: month 1 was not in yet,
	// so as of today it counts as missing.
	past := getContract(t, env, bureau, path+"?revision="+strconv.FormatUint(signed, 10))
	if got := past.report(t, 1, "monthly_briefing", month(m1)); got != "missing" {
		t.Fatalf("month 1 at revision %d: %s", signed, got)
	}

	// The evaluator of the county passes year 1; the bureau renews and
	// signs year 2.
	r = env.Do(t, evaluator, http.MethodPost, path+"/evaluations", map[string]any{
		"scores":  map[string]any{"resident_satisfaction": 85, "professional": 78, "government": 90},
		"weights": map[string]any{"resident_satisfaction": 40, "professional": 30, "government": 30}, "summary": "合格"}, nil)
	wantStatus(t, "evaluate", r, http.StatusOK)
	wantRule(t, env.Do(t, bureau, http.MethodPost, path+"/evaluations", map[string]any{
		"scores":  map[string]any{"resident_satisfaction": 85, "professional": 78, "government": 90},
		"weights": map[string]any{"resident_satisfaction": 40, "professional": 30, "government": 30}}, nil),
		http.StatusForbidden, "contract.evaluate.evaluator_only")
	wantStatus(t, "renew", env.Do(t, bureau, http.MethodPost, path+"/renewal", map[string]any{}, nil), http.StatusOK)
	wantStatus(t, "sign year 2", env.Do(t, bureau, http.MethodPost, path+"/agreements", agreementBody(env, 2, c.start2), nil), http.StatusOK)

	v = getContract(t, env, evaluator, path)
	if v.Phase != "in_agreement" || v.CycleYear != 2 || len(v.Years) != 2 || v.Years[0].Evaluation == nil ||
		!v.Years[0].Evaluation.Passed || v.Years[0].Evaluation.Total != 84 || !v.Years[0].Renewed {
		t.Fatalf("after renewal: %+v", v)
	}
	// Year 2 runs today: the next deadline is the first of its reports due
	// on or after today.
	want := ""
	for m := c.start2; want == ""; m = m.AddMonths(1) {
		if due := contract.MonthlyDue(m, contract.DefaultMonthlyDueDay); !due.Before(c.today) {
			want = due.String()
		}
	}
	if v.NextDeadline == nil || v.NextDeadline.Due != want || v.NextDeadline.Kind != "monthly_briefing" {
		t.Fatalf("next deadline %+v, want a monthly briefing due %s", v.NextDeadline, want)
	}

	// The auditor replays the whole lifecycle.
	h := env.Do(t, env.Token(t, "auditor"), http.MethodGet, path+"/history", nil, nil)
	wantStatus(t, "history", h, http.StatusOK)
	var page struct {
		Events []struct{ Type, Role string }
	}
	h.JSON(t, &page)
	var types []string
	for _, e := range page.Events {
		types = append(types, e.Type)
	}
	wantTypes := []string{"ProcurementOpened", "ContractAwarded", "AgreementSigned", "ReportSubmitted", "ReportSubmitted",
		"FundsBudgeted", "FundsDisbursed", "EvaluationRecorded", "ContractRenewed", "AgreementSigned"}
	if !slices.Equal(types, wantTypes) || page.Events[7].Role != "evaluator" {
		t.Fatalf("history: %v", page.Events)
	}
}

func TestContract_FailedEvaluation_RenewalRefused(t *testing.T) {
	env := apitest.Start(t)
	bureau := env.Token(t, "bureau")
	path := awardedContract(t, env, bureau, newCycle())
	r := env.Do(t, env.Token(t, "evaluator"), http.MethodPost, path+"/evaluations", map[string]any{
		"scores":  map[string]any{"resident_satisfaction": 50, "professional": 40, "government": 60},
		"weights": map[string]any{"resident_satisfaction": 40, "professional": 30, "government": 30}}, nil)
	wantStatus(t, "evaluate", r, http.StatusOK)
	wantRule(t, env.Do(t, bureau, http.MethodPost, path+"/renewal", map[string]any{}, nil),
		http.StatusConflict, "contract.renew.requires_passed_evaluation")
	wantRule(t, env.Do(t, bureau, http.MethodPost, path+"/agreements", agreementBody(env, 2, newCycle().start2), nil),
		http.StatusConflict, "contract.sign.requires_renewal")
	// After a failed evaluation the contract ends without a stated reason.
	wantStatus(t, "not renewed", env.Do(t, bureau, http.MethodPost, path+"/non-renewal", map[string]any{}, nil), http.StatusOK)
	v := getContract(t, env, bureau, path)
	if v.Phase != "ended" || v.Closure == nil || v.Years[0].Evaluation == nil || v.Years[0].Evaluation.Passed {
		t.Fatalf("after non-renewal: %+v", v)
	}
}

func TestContract_Subcontracting_Refused(t *testing.T) {
	env := apitest.Start(t)
	bureau, worker := env.Token(t, "bureau"), env.Token(t, "worker")
	path := awardedContract(t, env, bureau, newCycle())
	for _, tok := range []string{bureau, worker} {
		wantRule(t, env.Do(t, tok, http.MethodPost, path+"/subcontracts", map[string]any{
			"subcontractor_unit": env.Units["agency"].String(), "subcontractor_name": "某服务公司", "scope": "全部个案服务"}, nil),
			http.StatusConflict, "contract.subcontracting.prohibited")
	}
	// Staff employed by another organisation is subcontracting too.
	wantRule(t, env.Do(t, worker, http.MethodPost, path+"/staffing", map[string]any{
		"station": env.Units["station"].String(),
		"workers": []map[string]any{{"worker_id": "w-1"}, {"worker_id": "w-2", "employer_unit": env.Units["agency"].String()}}}, nil),
		http.StatusConflict, "contract.subcontracting.prohibited")
	wantStatus(t, "staffing", env.Do(t, worker, http.MethodPost, path+"/staffing", map[string]any{
		"station": env.Units["station"].String(), "workers": []map[string]any{{"worker_id": "w-1"}, {"worker_id": "w-2"}}}, nil), http.StatusOK)
	// Nothing refused was recorded.
	h := env.Do(t, bureau, http.MethodGet, path+"/history", nil, nil)
	var page struct{ Events []struct{ Type string } }
	h.JSON(t, &page)
	if n := len(page.Events); n != 4 || page.Events[3].Type != "StaffingChanged" {
		t.Fatalf("history after refusals: %s", h.Body)
	}
}

func TestContract_ReportStatus_AsOfDate(t *testing.T) {
	env := apitest.Start(t)
	bureau, supervisor := env.Token(t, "bureau"), env.Token(t, "supervisor")
	c := newCycle()
	path := awardedContract(t, env, bureau, c)
	m1 := c.start1
	before := time.Now()
	time.Sleep(5 * time.Millisecond)
	late := m1.AddMonths(1).AddDays(30) // past the 5th of the next month
	r := env.Do(t, supervisor, http.MethodPost, path+"/reports", map[string]any{"kind": "monthly_briefing", "period": month(m1),
		"submitted_on": late.String(), "document_ref": "briefing-1"}, nil)
	wantStatus(t, "late report", r, http.StatusOK)

	if got := getContract(t, env, bureau, path).report(t, 1, "monthly_briefing", month(m1)); got != "submitted_late" {
		t.Fatalf("now: %s, want submitted_late", got)
	}
	// As recorded before the submission, the briefing is missing.
	asOf := before.UTC().Format(time.RFC3339Nano)
	v := getContract(t, env, bureau, path+"?as_of="+asOf)
	if got := v.report(t, 1, "monthly_briefing", month(m1)); got != "missing" || v.StatusAsOf != value.DateOf(before).String() {
		t.Fatalf("as of %s: %s (status as of %s), want missing", asOf, got, v.StatusAsOf)
	}
	// Before the contract existed there is nothing to show.
	r = env.Do(t, bureau, http.MethodGet, path+"?as_of=2000-01-01T00:00:00Z", nil, nil)
	wantStatus(t, "before opening", r, http.StatusNotFound)
}

// bureau2 registers a bureau under the other county with an officer.
func bureau2(tb testing.TB, env *apitest.Env) string {
	tb.Helper()
	ctx := context.Background()
	res, err := env.Svc.RegisterOrgUnit(ctx, service.System, service.Options{},
		org.RegisterInput{Kind: org.KindBureau, Name: "拱墅区民政局", ParentID: env.Units["county2"]})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := env.Svc.CreateAccount(ctx, service.System, service.Options{}, service.CreateAccountInput{
		Username: "bureau2", DisplayName: "拱墅区民政局科员", Role: domain.RoleBureauOfficer, OrgUnit: res.ID.String(), Password: apitest.Password}); err != nil {
		tb.Fatal(err)
	}
	return env.Token(tb, "bureau2")
}

func TestContract_Visibility(t *testing.T) {
	env := apitest.Start(t)
	bureau := env.Token(t, "bureau")
	path := awardedContract(t, env, bureau, newCycle())
	other := bureau2(t, env)

	for _, tc := range []struct {
		user   string
		status int
	}{
		{"bureau", http.StatusOK}, {"county", http.StatusOK}, {"auditor", http.StatusOK}, {"supervisor", http.StatusOK},
		{"worker", http.StatusOK}, {"evaluator", http.StatusOK},
		{"station2-worker", http.StatusNotFound}, {"other-worker", http.StatusNotFound}, {"other-supervisor", http.StatusNotFound},
		{"agency", http.StatusNotFound}, {"other-agency", http.StatusNotFound}, {"admin", http.StatusNotFound}, {"bureau2", http.StatusNotFound},
	} {
		t.Run(tc.user, func(t *testing.T) {
			tok := other
			if tc.user != "bureau2" {
				tok = env.Token(t, tc.user)
			}
			wantStatus(t, "get", env.Do(t, tok, http.MethodGet, path, nil, nil), tc.status)
			wantStatus(t, "history", env.Do(t, tok, http.MethodGet, path+"/history", nil, nil), tc.status)
			if tc.status == http.StatusNotFound {
				// Hidden for writes too, whatever the command.
				wantStatus(t, "terminate", env.Do(t, tok, http.MethodPost, path+"/termination", map[string]any{"reason": "违约"}, nil), http.StatusNotFound)
			}
		})
	}
	// In scope but not theirs to do: the domain's rule, 403.
	wantRule(t, env.Do(t, env.Token(t, "auditor"), http.MethodPost, path+"/termination", map[string]any{"reason": "违约"}, nil),
		http.StatusForbidden, "contract.terminate.bureau_officer_only")
	wantRule(t, env.Do(t, env.Token(t, "county"), http.MethodPost, "/api/v1/contracts", openContractBody(env, "station"), nil),
		http.StatusForbidden, "contract.open.bureau_officer_only")
	// Agencies and admins do not even learn that procurements exist.
	for _, u := range []string{"agency", "admin"} {
		wantStatus(t, u+" open", env.Do(t, env.Token(t, u), http.MethodPost, "/api/v1/contracts", openContractBody(env, "station"), nil), http.StatusNotFound)
	}
	// The other county's bureau cannot cover this county's stations.
	wantStatus(t, "bureau2 open", env.Do(t, other, http.MethodPost, "/api/v1/contracts", openContractBody(env, "station"), nil), http.StatusNotFound)
	// A covered station out of scope is refused before anything is recorded.
	wantStatus(t, "open out of scope", env.Do(t, bureau, http.MethodPost, "/api/v1/contracts", openContractBody(env, "station", "station3"), nil), http.StatusNotFound)
}

func TestContract_Award_ContractorChecked(t *testing.T) {
	env := apitest.Start(t)
	bureau := env.Token(t, "bureau")
	r := env.Do(t, bureau, http.MethodPost, "/api/v1/contracts", openContractBody(env, "station", "station2"), nil)
	wantStatus(t, "open", r, http.StatusCreated)
	path := r.Header.Get("Location")
	award := func(unit, code string) apitest.Response {
		body := map[string]any{"contractor_unit": env.Units[unit].String(), "amount": 50_000_000}
		if code != "" {
			body["credit_code"] = code
		}
		return env.Do(t, bureau, http.MethodPost, path+"/award", body, nil)
	}
	wantRule(t, award("agency", ""), http.StatusUnprocessableEntity, "org_unit.kind")
	wantRule(t, award("contractor", "52330102MJ8800002X"), http.StatusUnprocessableEntity, "contract.award.credit_code_matches_unit")
	// Name and credit code come from the registration.
	wantStatus(t, "award", award("contractor", ""), http.StatusOK)
	v := getContract(t, env, bureau, path)
	if v.Phase != "awarded" || v.Contractor.ContractorName != "上城区阳光社工服务中心" || v.Contractor.CreditCode != contractorCode {
		t.Fatalf("award: %+v", v.Contractor)
	}
	wantRule(t, award("contractor", ""), http.StatusConflict, "contract.award.requires_open_procurement")
}

func TestContract_StaleIfMatch_PreconditionFailed(t *testing.T) {
	env := apitest.Start(t)
	bureau := env.Token(t, "bureau")
	r := env.Do(t, bureau, http.MethodPost, "/api/v1/contracts", openContractBody(env, "station"), nil)
	wantStatus(t, "open", r, http.StatusCreated)
	path := r.Header.Get("Location")
	insp := map[string]any{"findings": "人员到岗", "severity": "none"}
	award := map[string]any{"contractor_unit": env.Units["contractor"].String(), "amount": 50_000_000}
	wantStatus(t, "award", env.Do(t, bureau, http.MethodPost, path+"/award", award, map[string]string{"If-Match": `"0"`}), http.StatusOK)
	s := env.Do(t, env.Token(t, "county"), http.MethodPost, path+"/inspections", insp, map[string]string{"If-Match": `"0"`})
	wantStatus(t, "stale inspection", s, http.StatusPreconditionFailed)
	var p problemBody
	s.JSON(t, &p)
	if p.Revision == nil || *p.Revision != 1 {
		t.Fatalf("412 revision: %s", s.Body)
	}
	wantStatus(t, "fresh inspection", env.Do(t, env.Token(t, "county"), http.MethodPost, path+"/inspections", insp, map[string]string{"If-Match": `"1"`}), http.StatusOK)
	if v := getContract(t, env, bureau, path); v.Revision != 2 {
		t.Fatalf("revision %d, want 2", v.Revision)
	}
}

// Ids written in upper case (RFC 9562 lets clients) are recorded in the
// canonical form the rules and views compare with, wherever a contract
// command takes one; the township party must be a county or station in
// the bureau's scope.
func TestContract_IDsInUpperCase_RecordedCanonically(t *testing.T) {
	env := apitest.Start(t)
	bureau, worker := env.Token(t, "bureau"), env.Token(t, "worker")
	up := func(unit string) string { return strings.ToUpper(env.Units[unit].String()) }
	open := openContractBody(env)
	open["stations"], open["bureau_unit"] = []string{up("station"), up("station2")}, up("bureau")
	r := env.Do(t, bureau, http.MethodPost, "/api/v1/contracts", open, nil)
	wantStatus(t, "open", r, http.StatusCreated)
	path := r.Header.Get("Location")
	wantStatus(t, "award", env.Do(t, bureau, http.MethodPost, path+"/award", map[string]any{
		"contractor_unit": up("contractor"), "amount": 50_000_000}, nil), http.StatusOK)

	sign := func(edit func(map[string]any)) apitest.Response {
		body := agreementBody(env, 1, newCycle().start1)
		parties := body["parties"].(map[string]any)
		for side, unit := range map[string]string{"bureau": "bureau", "township": "station", "contractor": "contractor"} {
			parties[side].(map[string]any)["unit"] = up(unit)
		}
		body["staffing"] = []map[string]any{{"station": up("station"), "resident_workers": 2}, {"station": up("station2"), "resident_workers": 1}}
		if edit != nil {
			edit(body)
		}
		return env.Do(t, bureau, http.MethodPost, path+"/agreements", body, nil)
	}
	township := func(unit string) func(map[string]any) {
		return func(b map[string]any) { b["parties"].(map[string]any)["township"].(map[string]any)["unit"] = unit }
	}
	head := env.Head(t)
	for _, tc := range []struct {
		name   string
		edit   func(map[string]any)
		status int
		rule   string
	}{
		{"a station listed twice, in either case", func(b map[string]any) {
			b["staffing"] = []map[string]any{{"station": up("station"), "resident_workers": 2},
				{"station": env.Units["station"].String(), "resident_workers": 1}, {"station": up("station2"), "resident_workers": 1}}
		}, http.StatusUnprocessableEntity, "contract.sign.staffing_per_station"},
		{"township not an id", township("湖滨街道"), http.StatusUnprocessableEntity, "org_unit.format"},
		{"township another county's station", township(up("station3")), http.StatusNotFound, "parties.township.unit"},
		{"township an agency", township(up("agency")), http.StatusUnprocessableEntity, "org_unit.kind"},
	} {
		r := sign(tc.edit)
		if r.Status != tc.status || !strings.Contains(string(r.Body), tc.rule) {
			t.Errorf("%s: %d %s, want %d naming %s", tc.name, r.Status, r.Body, tc.status, tc.rule)
		}
	}
	if after := env.Head(t); after != head {
		t.Fatalf("refused agreements moved the store's head from %d to %d", head, after)
	}
	wantStatus(t, "sign", sign(nil), http.StatusOK)

	wantStatus(t, "staffing", env.Do(t, worker, http.MethodPost, path+"/staffing", map[string]any{
		"station": up("station"), "workers": []map[string]any{{"worker_id": "w-1", "employer_unit": up("contractor")}}}, nil), http.StatusOK)
	inspector := strings.ToUpper(env.Accounts["county"].AccountID.String())
	wantStatus(t, "inspection", env.Do(t, bureau, http.MethodPost, path+"/inspections", map[string]any{
		"station": up("station2"), "inspector": inspector, "findings": "台账齐全", "severity": "none"}, nil), http.StatusOK)

	h := env.Do(t, env.Token(t, "auditor"), http.MethodGet, path+"/history", nil, nil)
	wantStatus(t, "history", h, http.StatusOK)
	var page struct {
		Events []struct {
			Type string
			Data json.RawMessage
		}
	}
	h.JSON(t, &page)
	want := map[string][]string{
		"ProcurementOpened":  {"bureau", "station", "station2"},
		"ContractAwarded":    {"contractor"},
		"AgreementSigned":    {"bureau", "station", "station2", "contractor"},
		"StaffingChanged":    {"station", "contractor"},
		"InspectionRecorded": {"station2"},
	}
	for _, e := range page.Events {
		data := string(e.Data)
		for _, unit := range want[e.Type] {
			if !strings.Contains(data, `"`+env.Units[unit].String()+`"`) {
				t.Errorf("%s does not name %s canonically: %s", e.Type, unit, data)
			}
		}
		if strings.Contains(data, up("station")) || strings.Contains(data, up("station2")) || strings.Contains(data, inspector) {
			t.Errorf("%s records an id in upper case: %s", e.Type, data)
		}
		delete(want, e.Type)
	}
	if len(want) > 0 {
		t.Fatalf("history lacks %v", want)
	}
}
