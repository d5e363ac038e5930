package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"casework/api/apitest"
	"casework/api/service"
	"casework/domain/org"
	"casework/domain/value"
)

// referralEnv is a seeded service with a case at station to refer from,
// and tokens cached per user (a login costs an argon2id hash).
type referralEnv struct {
	*apitest.Env
	tokens map[string]string
	caseID string
}

func startReferrals(t *testing.T) *referralEnv {
	t.Helper()
	e := &referralEnv{Env: apitest.Start(t), tokens: map[string]string{}}
	r := e.as(t, "worker", http.MethodPost, "/api/v1/cases", map[string]any{
		"source": "walk_in",
		"client": map[string]any{"name": "王秀英", "resident_id": "11010519491231002X", "gender": "female",
			"birth_date": "1949-12-31", "phone": "13800000000", "address": "湖滨街道东坡路8号",
			"circumstances": "独居，老伴去世后情绪低落"},
		"household":  map[string]any{"county": "330102", "size": 1},
		"domain":     "elderly_care",
		"station_id": e.Units["station"].String(),
	}, nil)
	if r.Status != http.StatusCreated {
		t.Fatalf("open case: %d %s", r.Status, r.Body)
	}
	e.caseID = strings.TrimPrefix(r.Header.Get("Location"), "/api/v1/cases/")
	return e
}

func (e *referralEnv) token(t *testing.T, user string) string {
	t.Helper()
	if tok, ok := e.tokens[user]; ok {
		return tok
	}
	tok := e.Token(t, user)
	e.tokens[user] = tok
	return tok
}

func (e *referralEnv) as(t *testing.T, user, method, path string, body any, h map[string]string) apitest.Response {
	t.Helper()
	return e.Do(t, e.token(t, user), method, path, body, h)
}

func (e *referralEnv) requestBody(agency string) map[string]any {
	return map[string]any{
		"to_agency_id": agency,
		"needs":        "低保救助后仍有困难：需要居家养老上门服务和慈善医疗救助。",
		"priority":     "urgent",
		"consent": map[string]any{"given": true, "given_by": "王秀英（本人）",
			"given_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)},
		"due_date": time.Now().In(value.Shanghai).AddDate(0, 0, 14).Format("2006-01-02"),
	}
}

// refer creates a referral to the fixture agency as worker and returns its id.
func (e *referralEnv) refer(t *testing.T) string {
	t.Helper()
	r := e.as(t, "worker", http.MethodPost, "/api/v1/cases/"+e.caseID+"/referrals", e.requestBody(e.Units["agency"].String()), nil)
	if r.Status != http.StatusCreated {
		t.Fatalf("create referral: %d %s", r.Status, r.Body)
	}
	loc := r.Header.Get("Location")
	if !strings.HasPrefix(loc, "/api/v1/referrals/") || r.Header.Get("ETag") != `"0"` {
		t.Fatalf("create referral headers: %v", r.Header)
	}
	return strings.TrimPrefix(loc, "/api/v1/referrals/")
}

func (e *referralEnv) transition(t *testing.T, user, id, action, reason, outcome string, h map[string]string) apitest.Response {
	t.Helper()
	body := map[string]any{"action": action}
	if reason != "" {
		body["reason"] = reason
	}
	if outcome != "" {
		body["outcome"] = outcome
	}
	return e.as(t, user, http.MethodPost, "/api/v1/referrals/"+id+"/transitions", body, h)
}

type referralDoc struct {
	ID       string `json:"id"`
	Revision uint64 `json:"revision"`
	View     string `json:"view"`
	Status   string `json:"status"`
	HeldFrom string `json:"held_from"`
	CaseID   string `json:"case_id"`
	Client   struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		BirthYear int    `json:"birth_year"`
		Phone     string `json:"phone"`
	} `json:"client"`
	From struct {
		WorkerID  string `json:"worker_id"`
		StationID string `json:"station_id"`
	} `json:"from"`
	Consent struct {
		Given   bool   `json:"given"`
		GivenBy string `json:"given_by"`
	} `json:"consent"`
	Actions []string `json:"actions"`
}

func (e *referralEnv) get(t *testing.T, user, path string) referralDoc {
	t.Helper()
	r := e.as(t, user, http.MethodGet, path, nil, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s as %s: %d %s", path, user, r.Status, r.Body)
	}
	var d referralDoc
	r.JSON(t, &d)
	return d
}

type historyDoc struct {
	Events []struct {
		Type        string `json:"type"`
		Actor       string `json:"actor"`
		Role        string `json:"role"`
		CausationID string `json:"causation_id"`
	} `json:"events"`
}

// rules returns the rule names of a problem's errors[].
func rules(t *testing.T, r apitest.Response) []string {
	t.Helper()
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("not a problem: %d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	var p struct {
		Errors []struct {
			Rule string `json:"rule"`
		} `json:"errors"`
	}
	r.JSON(t, &p)
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Rule)
	}
	return out
}

func wantProblem(t *testing.T, what string, r apitest.Response, status int, rule string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Body)
	}
	if got := rules(t, r); rule != "" && !slices.Contains(got, rule) {
		t.Fatalf("%s: rules %v, want %s", what, got, rule)
	}
}

// Every path through the FHIR Task states, over HTTP, by the side allowed
// to take each step; every event records its caller as actor and role.
func TestReferral_EveryFHIRPath_StatesAndActors(t *testing.T) {
	type step struct{ user, action, reason, outcome, status string }
	tests := []struct {
		name  string
		steps []step
	}{
		{"accepted, started, held, resumed, completed", []step{
			{"agency", "accept", "", "", "accepted"},
			{"agency", "start", "", "", "in_progress"},
			{"agency", "hold", "老人住院，暂停上门服务", "", "on_hold"},
			{"agency", "resume", "", "", "in_progress"},
			{"agency", "complete", "", "已链接慈善医疗救助 3000 元并安排每周两次上门服务", "completed"},
		}},
		{"rejected", []step{
			{"agency", "reject", "不在本机构服务范围内", "", "rejected"},
		}},
		{"accepted, started, failed", []step{
			{"agency", "accept", "", "", "accepted"},
			{"agency", "start", "", "", "in_progress"},
			{"agency", "fail", "服务对象搬离本区，无法继续服务", "", "failed"},
		}},
		{"cancelled while requested", []step{
			{"worker", "cancel", "服务对象已获亲属照顾，不再需要转介", "", "cancelled"},
		}},
		{"held while accepted, resumed to accepted, started, cancelled", []step{
			{"agency", "accept", "", "", "accepted"},
			{"agency", "hold", "等待服务对象出院", "", "on_hold"},
			{"agency", "resume", "", "", "accepted"},
			{"agency", "start", "", "", "in_progress"},
			{"supervisor", "cancel", "已由街道直接安排服务", "", "cancelled"},
		}},
		{"cancelled on hold", []step{
			{"agency", "accept", "", "", "accepted"},
			{"agency", "hold", "等待家属确认", "", "on_hold"},
			{"supervisor", "cancel", "家属拒绝服务", "", "cancelled"},
		}},
	}
	env := startReferrals(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := env.refer(t)
			path := "/api/v1/referrals/" + id
			if d := env.get(t, "worker", path); d.Status != "requested" || d.Revision != 0 {
				t.Fatalf("new referral: %+v", d)
			}
			for i, s := range tt.steps {
				r := env.transition(t, s.user, id, s.action, s.reason, s.outcome, nil)
				if r.Status != http.StatusOK {
					t.Fatalf("step %d %s by %s: %d %s", i, s.action, s.user, r.Status, r.Body)
				}
				if want := fmt.Sprintf(`"%d"`, i+1); r.Header.Get("ETag") != want {
					t.Fatalf("step %d: ETag %q, want %s", i, r.Header.Get("ETag"), want)
				}
				if d := env.get(t, "worker", path); d.Status != s.status {
					t.Fatalf("after %s: status %q, want %q", s.action, d.Status, s.status)
				}
			}
			var h historyDoc
			env.as(t, "supervisor", http.MethodGet, path+"/history", nil, nil).JSON(t, &h)
			if len(h.Events) != len(tt.steps)+1 {
				t.Fatalf("history has %d events, want %d", len(h.Events), len(tt.steps)+1)
			}
			users := []string{"worker"}
			for _, s := range tt.steps {
				users = append(users, s.user)
			}
			for i, u := range users {
				p := env.Accounts[u]
				if ev := h.Events[i]; ev.Actor != p.AccountID.String() || ev.Role != string(p.Role) {
					t.Fatalf("event %d (%s): actor %s role %s, want %s (%s)", i, ev.Type, ev.Actor, ev.Role, u, p.Role)
				}
			}
			// A final state offers nobody anything more.
			if d := env.get(t, "agency", path); len(d.Actions) != 0 {
				t.Fatalf("final state offers %v", d.Actions)
			}
		})
	}
}

// Only the receiving agency accepts; the referring side gets 403 naming
// the rule, another agency does not learn the referral exists.
func TestReferral_ReceivingSideOnly(t *testing.T) {
	env := startReferrals(t)
	id := env.refer(t)
	for _, u := range []string{"worker", "supervisor", "county"} {
		wantProblem(t, u+" accepts", env.transition(t, u, id, "accept", "", "", nil),
			http.StatusForbidden, "referral.accept.receiving_side_only")
	}
	wantProblem(t, "agency cancels", env.transition(t, "agency", id, "cancel", "重复转介", "", nil),
		http.StatusForbidden, "referral.cancel.referring_side_only")
	wantProblem(t, "other agency accepts", env.transition(t, "other-agency", id, "accept", "", "", nil), http.StatusNotFound, "")
	wantProblem(t, "other agency reads", env.as(t, "other-agency", http.MethodGet, "/api/v1/referrals/"+id, nil, nil), http.StatusNotFound, "")
	if d := env.get(t, "agency", "/api/v1/referrals/"+id); d.Status != "requested" || !slices.Equal(d.Actions, []string{"accept", "reject"}) {
		t.Fatalf("after refused attempts: %+v", d)
	}
	if d := env.get(t, "worker", "/api/v1/referrals/"+id); !slices.Equal(d.Actions, []string{"cancel"}) {
		t.Fatalf("worker's actions: %v", d.Actions)
	}
	if r := env.transition(t, "agency", id, "accept", "", "", nil); r.Status != http.StatusOK {
		t.Fatalf("agency accepts: %d %s", r.Status, r.Body)
	}
}

// reject, cancel, hold and fail need a reason: 422 with the rule, and
// nothing is recorded.
func TestReferral_ReasonRequired(t *testing.T) {
	env := startReferrals(t)
	id := env.refer(t)
	check := func(user, action string, rev uint64) {
		t.Helper()
		wantProblem(t, action+" without reason", env.transition(t, user, id, action, "  ", "", nil),
			http.StatusUnprocessableEntity, "referral."+action+".reason_required")
		if d := env.get(t, "worker", "/api/v1/referrals/"+id); d.Revision != rev {
			t.Fatalf("%s without reason recorded something: revision %d, want %d", action, d.Revision, rev)
		}
	}
	check("agency", "reject", 0)
	check("worker", "cancel", 0)
	env.transition(t, "agency", id, "accept", "", "", nil)
	check("agency", "hold", 1)
	env.transition(t, "agency", id, "start", "", "", nil)
	check("agency", "fail", 2)
	wantProblem(t, "complete without outcome", env.transition(t, "agency", id, "complete", "", "", nil),
		http.StatusUnprocessableEntity, "referral.complete.outcome_required")
}

// A transition the state table does not have is a 409 naming the rule.
func TestReferral_TransitionOutsideTable_Conflict(t *testing.T) {
	env := startReferrals(t)
	id := env.refer(t)
	wantProblem(t, "start while requested", env.transition(t, "agency", id, "start", "", "", nil),
		http.StatusConflict, "referral.transition.not_allowed")
	wantProblem(t, "resume while requested", env.transition(t, "agency", id, "resume", "", "", nil),
		http.StatusConflict, "referral.transition.not_allowed")
	env.transition(t, "agency", id, "reject", "名额已满", "", nil)
	wantProblem(t, "cancel after rejection", env.transition(t, "worker", id, "cancel", "改转其他机构", "", nil),
		http.StatusConflict, "referral.transition.not_allowed")
	wantProblem(t, "accept after rejection", env.transition(t, "agency", id, "accept", "", "", nil),
		http.StatusConflict, "referral.transition.not_allowed")
	wantProblem(t, "unknown action", env.transition(t, "agency", id, "archive", "", "", nil),
		http.StatusUnprocessableEntity, "")
}

// The agency works the referral without the case: the case is 404 for it,
// and nothing of the case beyond the referral's client fields reaches it.
func TestReferral_AgencySeesReferralNotCase(t *testing.T) {
	env := startReferrals(t)
	id := env.refer(t)
	r := env.as(t, "agency", http.MethodGet, "/api/v1/referrals/"+id, nil, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("agency reads: %d %s", r.Status, r.Body)
	}
	var d referralDoc
	r.JSON(t, &d)
	if d.View != "receiving" || d.CaseID != "" || d.Consent.GivenBy != "" || !d.Consent.Given {
		t.Fatalf("agency view: %s", r.Body)
	}
	if d.Client.Name != "王秀英" || d.Client.BirthYear != 1949 || d.Client.Phone != "" || d.Client.ID == "" || d.Client.ID == env.caseID {
		t.Fatalf("agency's client: %+v", d.Client)
	}
	h := env.as(t, "agency", http.MethodGet, "/api/v1/referrals/"+id+"/history", nil, nil)
	if h.Status != http.StatusOK {
		t.Fatalf("agency history: %d %s", h.Status, h.Body)
	}
	for _, secret := range []string{env.caseID, "11010519491231002X", "东坡路8号", "独居", "王秀英（本人）", "13800000000"} {
		if strings.Contains(string(r.Body), secret) || strings.Contains(string(h.Body), secret) {
			t.Fatalf("the agency sees %q:\n%s\n%s", secret, r.Body, h.Body)
		}
	}
	for _, p := range []string{"/api/v1/cases/" + env.caseID, "/api/v1/cases/" + env.caseID + "/history"} {
		wantProblem(t, "agency reads "+p, env.as(t, "agency", http.MethodGet, p, nil, nil), http.StatusNotFound, "")
	}

	// The referring side sees the whole referral, linked to its case.
	full := env.get(t, "worker", "/api/v1/referrals/"+id)
	if full.View != "full" || full.CaseID != env.caseID || full.Consent.GivenBy != "王秀英（本人）" ||
		full.From.StationID != env.Units["station"].String() || full.From.WorkerID != env.Accounts["worker"].AccountID.String() {
		t.Fatalf("worker's view: %+v", full)
	}
	var wh historyDoc
	env.as(t, "worker", http.MethodGet, "/api/v1/referrals/"+id+"/history", nil, nil).JSON(t, &wh)
	if want := "case-" + env.caseID + "@0"; wh.Events[0].CausationID != want {
		t.Fatalf("causation %q, want %q", wh.Events[0].CausationID, want)
	}
}

// Who may read a referral: the referring station and the hierarchy above
// it (whole), the to-agency (minimal), nobody else (404, as if absent).
func TestReferral_Visibility(t *testing.T) {
	env := startReferrals(t)
	id := env.refer(t)
	path := "/api/v1/referrals/" + id
	for _, u := range []string{"worker", "worker2", "supervisor", "county", "auditor"} {
		if d := env.get(t, u, path); d.View != "full" {
			t.Fatalf("%s sees view %q", u, d.View)
		}
	}
	for _, u := range []string{"other-worker", "other-supervisor", "other-agency", "station2-worker", "admin", "bureau", "evaluator"} {
		wantProblem(t, u+" reads", env.as(t, u, http.MethodGet, path, nil, nil), http.StatusNotFound, "")
		wantProblem(t, u+" reads history", env.as(t, u, http.MethodGet, path+"/history", nil, nil), http.StatusNotFound, "")
		wantProblem(t, u+" cancels", env.transition(t, u, id, "cancel", "越权", "", nil), http.StatusNotFound, "")
	}
	wantProblem(t, "auditor cancels", env.transition(t, "auditor", id, "cancel", "审计", "", nil),
		http.StatusForbidden, "referral.cancel.referring_side_only")
	// Creating one from the case follows the case's own access.
	body := env.requestBody(env.Units["agency"].String())
	wantProblem(t, "other county refers", env.as(t, "other-worker", http.MethodPost, "/api/v1/cases/"+env.caseID+"/referrals", body, nil), http.StatusNotFound, "")
	wantProblem(t, "agency refers", env.as(t, "agency", http.MethodPost, "/api/v1/cases/"+env.caseID+"/referrals", body, nil), http.StatusNotFound, "")
	wantProblem(t, "county manager refers", env.as(t, "county", http.MethodPost, "/api/v1/cases/"+env.caseID+"/referrals", body, nil), http.StatusForbidden, "")
	wantProblem(t, "unknown referral", env.as(t, "worker", http.MethodGet, "/api/v1/referrals/0195a0d1-3c4b-7a2e-8f10-6b7c8d9e0f11", nil, nil), http.StatusNotFound, "")
}

// The to-agency: any agency under the case's county or its city, nothing
// else; the case comes from the path, never from the body.
func TestReferral_Create_ToAgencyAndBody(t *testing.T) {
	env := startReferrals(t)
	post := func(body map[string]any, h map[string]string) apitest.Response {
		return env.as(t, "worker", http.MethodPost, "/api/v1/cases/"+env.caseID+"/referrals", body, h)
	}
	wantProblem(t, "agency of another county", post(env.requestBody(env.Units["agency2"].String()), nil), http.StatusNotFound, "exists_in_scope")
	wantProblem(t, "a station", post(env.requestBody(env.Units["station2"].String()), nil), http.StatusUnprocessableEntity, "org_unit.kind")
	wantProblem(t, "no agency id", post(env.requestBody("not-a-uuid"), nil), http.StatusUnprocessableEntity, "org_unit.format")
	withCase := env.requestBody(env.Units["agency"].String())
	withCase["case_id"] = env.caseID
	wantProblem(t, "case in the body", post(withCase, nil), http.StatusUnprocessableEntity, "unknown_field")
	noConsent := env.requestBody(env.Units["agency"].String())
	noConsent["consent"] = map[string]any{"given": false}
	wantProblem(t, "no consent", post(noConsent, nil), http.StatusUnprocessableEntity, "referral.request.consent_required")
	otherPerson := env.requestBody(env.Units["agency"].String())
	otherPerson["to_person_id"] = env.Accounts["other-agency"].AccountID.String()
	wantProblem(t, "person of another agency", post(otherPerson, nil), http.StatusNotFound, "exists_in_scope")

	// An agency registered under the city serves the county's stations.
	res, err := env.Svc.RegisterOrgUnit(context.Background(), service.System, service.Options{},
		org.RegisterInput{Kind: org.KindAgency, Name: "杭州市慈善总会", ParentID: env.Units["city"]})
	if err != nil {
		t.Fatal(err)
	}
	cityAgency := env.requestBody(res.ID.String())
	if r := post(cityAgency, nil); r.Status != http.StatusCreated {
		t.Fatalf("city agency: %d %s", r.Status, r.Body)
	}

	// A named person at the agency, the phone shared on purpose, and a
	// retry with the same Idempotency-Key appends nothing.
	named := env.requestBody(env.Units["agency"].String())
	named["to_person_id"] = env.Accounts["agency"].AccountID.String()
	named["share_client_phone"] = true
	key := map[string]string{"Idempotency-Key": "refer-wang-1"}
	first, again := post(named, key), post(named, key)
	if first.Status != http.StatusCreated || again.Status != http.StatusCreated ||
		first.Header.Get("Location") != again.Header.Get("Location") || again.Header.Get("Idempotency-Replayed") != "true" {
		t.Fatalf("idempotent create: %d %v / %d %v", first.Status, first.Header, again.Status, again.Header)
	}
	d := env.get(t, "agency", first.Header.Get("Location"))
	if d.Client.Phone != "13800000000" {
		t.Fatalf("shared phone: %+v", d.Client)
	}
}

// A stale If-Match is 412 with the current revision; a fresh one passes.
// Past states are read by revision.
func TestReferral_StaleIfMatch_PreconditionFailed(t *testing.T) {
	env := startReferrals(t)
	id := env.refer(t)
	if r := env.transition(t, "agency", id, "accept", "", "", map[string]string{"If-Match": `"0"`}); r.Status != http.StatusOK || r.Header.Get("ETag") != `"1"` {
		t.Fatalf("fresh If-Match: %d %v %s", r.Status, r.Header, r.Body)
	}
	r := env.transition(t, "agency", id, "start", "", "", map[string]string{"If-Match": `"0"`})
	if r.Status != http.StatusPreconditionFailed {
		t.Fatalf("stale If-Match: %d %s", r.Status, r.Body)
	}
	var p struct {
		Revision *uint64 `json:"revision"`
	}
	r.JSON(t, &p)
	if p.Revision == nil || *p.Revision != 1 {
		t.Fatalf("412 without the current revision: %s", r.Body)
	}
	if d := env.get(t, "worker", "/api/v1/referrals/"+id); d.Status != "accepted" {
		t.Fatalf("after 412: %q", d.Status)
	}
	if d := env.get(t, "agency", "/api/v1/referrals/"+id+"?revision=0"); d.Status != "requested" || d.Revision != 0 || d.View != "receiving" {
		t.Fatalf("revision 0: %+v", d)
	}
}
