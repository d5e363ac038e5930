package test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"casework/api/apitest"
	"casework/api/httpapi"
	"casework/api/views"
	"casework/projections"
	"casework/projections/all"
)

// startViews runs the seeded test service with the projections and the
// views, and points env's HTTP at that server.
func startViews(tb testing.TB) *apitest.Env {
	tb.Helper()
	env := apitest.Start(tb)
	db, err := projections.OpenDB(context.Background(), filepath.Join(env.Dir, "views.db"))
	if err != nil {
		tb.Fatal(err)
	}
	run, err := projections.Open(context.Background(), db, env.Store, env.Svc.Registry(), all.Defs(), projections.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = run.Run(ctx) }()
	srv, err := httpapi.New(env.Svc, httpapi.Config{Ready: run.Ready, Views: views.New(env.Svc, run)})
	if err != nil {
		tb.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	tb.Cleanup(func() {
		hs.Close()
		cancel()
		<-done
		db.Close()
	})
	env.HTTP = hs
	return env
}

type viewPage struct {
	Items    []map[string]any `json:"items"`
	Total    int              `json:"total"`
	Position uint64           `json:"position"`
}

func getView(tb testing.TB, env *apitest.Env, token, path string) viewPage {
	tb.Helper()
	var p viewPage
	get(tb, env, token, path, http.StatusOK).JSON(tb, &p)
	return p
}

// openCaseAt opens a case at the named station as user and returns its id
// and the global position of the append.
func openCaseAt(tb testing.TB, env *apitest.Env, token, station string) (string, uint64) {
	tb.Helper()
	var res struct {
		ID       string `json:"id"`
		Position uint64 `json:"position"`
	}
	post(tb, env, token, "/api/v1/cases", openCase(env, env.Units[station].String()), http.StatusCreated).JSON(tb, &res)
	return res.ID, res.Position
}

func ids(p viewPage, key string) map[string]bool {
	out := map[string]bool{}
	for _, it := range p.Items {
		out[fmt.Sprint(it[key])] = true
	}
	return out
}

func TestViews_MinPosition_ReadsYourWriteOr503(t *testing.T) {
	env := startViews(t)
	tok := env.Token(t, "worker")
	id, pos := openCaseAt(t, env, tok, "station")
	p := getView(t, env, tok, fmt.Sprintf("/api/v1/views/caseloads/cases?min_position=%d", pos))
	if !ids(p, "case_id")[id] || p.Position < pos {
		t.Fatalf("the case just opened (position %d) is not in the view at %d: %+v", pos, p.Position, p.Items)
	}
	r := env.Do(t, tok, http.MethodGet, fmt.Sprintf("/api/v1/views/caseloads/cases?min_position=%d", pos+1000), nil, nil)
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" || !isProblem(r) {
		t.Fatalf("a position never reached: %d %v %s, want 503 with Retry-After", r.Status, r.Header, r.Body)
	}
}

func TestViews_Scope_NobodySeesRowsOutsideTheirSubtree(t *testing.T) {
	env := startViews(t)
	mine, _ := openCaseAt(t, env, env.Token(t, "worker"), "station")
	other, pos := openCaseAt(t, env, env.Token(t, "other-worker"), "station3")
	for _, tc := range []struct {
		user        string
		sees, hides []string
	}{
		{"worker", []string{mine}, []string{other}},
		{"station2-worker", nil, []string{mine, other}},
		{"other-worker", []string{other}, []string{mine}},
		{"county", []string{mine}, []string{other}},
		{"auditor", []string{mine}, []string{other}},
	} {
		got := ids(getView(t, env, env.Token(t, tc.user), fmt.Sprintf("/api/v1/views/caseloads/cases?min_position=%d", pos)), "case_id")
		for _, id := range tc.sees {
			if !got[id] {
				t.Errorf("%s does not see case %s", tc.user, id)
			}
		}
		for _, id := range tc.hides {
			if got[id] {
				t.Errorf("%s sees case %s out of scope", tc.user, id)
			}
		}
	}
	// Roles that may not read cases learn nothing, as for the records.
	for _, u := range []string{"admin", "agency", "bureau", "evaluator"} {
		if r := env.Do(t, env.Token(t, u), http.MethodGet, "/api/v1/views/caseloads/cases", nil, nil); r.Status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", u, r.Status)
		}
	}
	// The audit trail: auditors only, by the owning station.
	audit := getView(t, env, env.Token(t, "auditor"), fmt.Sprintf("/api/v1/views/audit/events?min_position=%d&type=CaseOpened", pos))
	streams := ids(audit, "stream")
	if !streams["case-"+mine] || streams["case-"+other] {
		t.Errorf("auditor of the county sees streams %v, want case-%s and not case-%s", streams, mine, other)
	}
	if r := env.Do(t, env.Token(t, "county"), http.MethodGet, "/api/v1/views/audit/events", nil, nil); r.Status != http.StatusNotFound {
		t.Errorf("county manager reads the audit trail: %d", r.Status)
	}
	// Compliance: a station worker sees their station only.
	comp := ids(getView(t, env, env.Token(t, "worker"), "/api/v1/views/compliance"), "station_id")
	if len(comp) != 1 || !comp[env.Units["station"].String()] {
		t.Errorf("worker sees compliance of %v", comp)
	}
	// Roll-ups of the other county's worker hold none of this county.
	for _, it := range getView(t, env, env.Token(t, "other-worker"), "/api/v1/views/rollups").Items {
		if it["unit_id"] == env.Units["county"].String() || it["unit_id"] == env.Units["station"].String() {
			t.Errorf("other-worker sees roll-up of %v", it["name"])
		}
	}
}

func TestViews_CSV_ByFormatOrAccept(t *testing.T) {
	env := startViews(t)
	tok := env.Token(t, "worker")
	id, pos := openCaseAt(t, env, tok, "station")
	for _, hdr := range []map[string]string{nil, {"Accept": "text/csv"}} {
		path := fmt.Sprintf("/api/v1/views/caseloads/cases?min_position=%d", pos)
		if hdr == nil {
			path += "&format=csv"
		}
		r := env.Do(t, tok, http.MethodGet, path, nil, hdr)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%s %v: %d %s", path, hdr, r.Status, r.Header.Get("Content-Type"))
		}
		recs, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 || recs[0][0] != "case_id" || recs[1][0] != id {
			t.Errorf("csv = %q", recs)
		}
	}
	// Nested values are JSON in one cell.
	r := env.Do(t, tok, http.MethodGet, fmt.Sprintf("/api/v1/views/caseloads?format=csv&min_position=%d", pos), nil, nil)
	recs, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("caseloads csv: %v %q", err, recs)
	}
	var stages map[string]int
	if err := json.Unmarshal([]byte(recs[1][5]), &stages); err != nil || stages["intake"] != 1 {
		t.Errorf("by_stage cell %q", recs[1][5])
	}
}

func TestViews_BadQuery_422NamingTheField(t *testing.T) {
	env := startViews(t)
	tok := env.Token(t, "worker")
	for path, field := range map[string]string{
		"/api/v1/views/caseloads/cases?sort=client_name": "sort",
		"/api/v1/views/caseloads?group_by=province":      "group_by",
		"/api/v1/views/rollups?quarter=2026Q5":           "quarter",
		"/api/v1/views/caseloads/cases?overdue=soon":     "overdue",
	} {
		r := env.Do(t, tok, http.MethodGet, path, nil, nil)
		if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", path, r.Status, r.Body)
			continue
		}
		if !strings.Contains(string(r.Body), field) {
			t.Errorf("%s: the problem does not name %s: %s", path, field, r.Body)
		}
	}
}

// Pending approvals per supervisor: a case awaiting a decision counts for
// the supervisors of its station, not for another station's.
func TestViews_CaseloadsBySupervisor_PendingApprovals(t *testing.T) {
	env := startViews(t)
	w := env.Token(t, "worker")
	c := newCase(t, env, w)
	post(t, env, w, c+"/household-checks", map[string]any{"visit_date": daysAgo(0), "investigators": []string{"李明", "王芳"},
		"members": []any{map[string]any{"name": "李建国", "relation": "self"}}}, http.StatusOK)
	post(t, env, w, c+"/assessments", map[string]any{"assessed_on": daysAgo(0), "risk_level": "medium",
		"needs": []any{map[string]any{"area": "economic", "description": "收入低于低保标准"}}}, http.StatusOK)
	var res struct {
		Position uint64 `json:"position"`
	}
	post(t, env, w, c+"/approval-requests", map[string]any{"subject": "assessment"}, http.StatusOK).JSON(t, &res)

	pending := func(token string) map[string]float64 {
		p := getView(t, env, token, fmt.Sprintf("/api/v1/views/caseloads?group_by=supervisor&min_position=%d", res.Position))
		out := map[string]float64{}
		for _, it := range p.Items {
			if it["group_by"] != "supervisor" {
				t.Fatalf("group %+v", it)
			}
			out[fmt.Sprint(it["id"])] += it["pending_approvals"].(float64)
		}
		return out
	}
	sup, other := env.Accounts["supervisor"].AccountID.String(), env.Accounts["other-supervisor"].AccountID.String()
	if got := pending(env.Token(t, "supervisor")); got[sup] != 1 || got[other] != 0 {
		t.Fatalf("the station's supervisor sees %v, want 1 pending for %s", got, sup)
	}
	if got := pending(env.Token(t, "county")); got[sup] != 1 {
		t.Fatalf("the county sees %v, want 1 pending for the station's supervisor", got)
	}
	if got := pending(env.Token(t, "other-supervisor")); got[sup] != 0 || got[other] != 0 {
		t.Fatalf("another station's supervisor sees %v, want no pending approval", got)
	}
	post(t, env, env.Token(t, "supervisor"), c+"/approvals", map[string]any{"subject": "assessment", "decision": "approved"},
		http.StatusOK).JSON(t, &res)
	if got := pending(env.Token(t, "supervisor")); got[sup] != 0 {
		t.Fatalf("after the decision the supervisor sees %v, want none pending", got)
	}
}
