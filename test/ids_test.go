package test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"casework/api/apitest"
)

// caseIDs is the part of a case's state that names its station and worker.
type caseIDs struct {
	StationID string `json:"station_id"`
	WorkerID  string `json:"worker_id"`
}

// Ids of units and accounts may arrive in upper case, as RFC 9562 lets
// clients write them (and with spaces around them). The service records them in the canonical lower-case
// form, so that the rules that compare stored ids (the agency that may act
// on a referral, the station a view lists a case under, the worker whose
// caseload holds it) hold whatever form the client used; the views'
// filters take ids in either form too.
func TestIDs_WrittenInUpperCase_AreRecordedCanonically(t *testing.T) {
	env := startViews(t)
	w := env.Token(t, "worker")
	station := env.Units["station"].String()
	var opened struct {
		ID       string `json:"id"`
		Position uint64 `json:"position"`
	}
	post(t, env, w, "/api/v1/cases", openCase(env, " "+strings.ToUpper(station)+" "), http.StatusCreated).JSON(t, &opened)
	casePath := "/api/v1/cases/" + opened.ID
	var c caseIDs
	get(t, env, w, casePath, http.StatusOK).JSON(t, &c)
	if c.StationID != station {
		t.Fatalf("station_id recorded as %q, want %q", c.StationID, station)
	}
	// The views select it by its station written either way.
	for _, sid := range []string{station, strings.ToUpper(station)} {
		listed := ids(getView(t, env, w, fmt.Sprintf("/api/v1/views/caseloads/cases?station_id=%s&min_position=%d", sid, opened.Position)), "case_id")
		if !listed[opened.ID] {
			t.Fatalf("the case is not listed under its station %s", sid)
		}
	}

	worker2 := env.Accounts["worker2"].AccountID.String()
	post(t, env, env.Token(t, "supervisor"), casePath+"/reassignment",
		map[string]any{"worker_id": strings.ToUpper(worker2), "reason": "轮岗"}, http.StatusOK)
	get(t, env, w, casePath, http.StatusOK).JSON(t, &c)
	if c.WorkerID != worker2 {
		t.Fatalf("worker_id recorded as %q, want %q", c.WorkerID, worker2)
	}

	person := env.Accounts["agency"].AccountID.String()
	r := post(t, env, w, casePath+"/referrals", map[string]any{
		"to_agency_id": strings.ToUpper(env.Units["agency"].String()), "to_person_id": strings.ToUpper(person),
		"needs":    "需要上门照护",
		"consent":  map[string]any{"given": true, "given_by": "李建国（本人）", "given_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)},
		"due_date": daysAgo(-14)}, http.StatusCreated)
	ref := r.Header.Get("Location")
	agency := env.Token(t, "agency")
	var to struct {
		To struct {
			AgencyID string `json:"agency_id"`
			PersonID string `json:"person_id"`
		} `json:"to"`
	}
	get(t, env, agency, ref, http.StatusOK).JSON(t, &to)
	if to.To.AgencyID != env.Units["agency"].String() || to.To.PersonID != person {
		t.Fatalf("referral to %+v, want agency %s, person %s", to.To, env.Units["agency"], person)
	}
	post(t, env, agency, ref+"/transitions", map[string]any{"action": "accept"}, http.StatusOK)

	// An account moved to a unit written in upper case.
	admin := env.Token(t, "admin")
	post(t, env, admin, "/api/v1/accounts/"+worker2+"/role",
		map[string]any{"org_unit": strings.ToUpper(env.Units["station2"].String()), "reason": "调岗"}, http.StatusOK)
	var acct struct {
		OrgUnit string `json:"org_unit"`
	}
	get(t, env, admin, "/api/v1/accounts/"+worker2, http.StatusOK).JSON(t, &acct)
	if acct.OrgUnit != env.Units["station2"].String() {
		t.Fatalf("org_unit recorded as %q, want %q", acct.OrgUnit, env.Units["station2"].String())
	}
}

// A case goes to an enabled social worker of its station; any other id is
// refused, naming the field, and nothing is recorded.
func TestCase_Reassign_OnlyToASocialWorkerOfTheStation(t *testing.T) {
	env := apitest.Start(t)
	sup := env.Token(t, "supervisor")
	casePath := newCase(t, env, env.Token(t, "worker"))
	for _, tc := range []struct {
		name, worker string
		status       int
		rule         string
	}{
		{"not an id", "王芳", http.StatusUnprocessableEntity, "account.format"},
		{"no such account", "0190a7c2-5e4b-7c3d-8a1b-2c3d4e5f6a7b", http.StatusNotFound, "worker_id"},
		{"a supervisor", env.Accounts["supervisor"].AccountID.String(), http.StatusNotFound, "worker_id"},
		{"another station's worker", env.Accounts["station2-worker"].AccountID.String(), http.StatusNotFound, "worker_id"},
		{"another county's worker", env.Accounts["other-worker"].AccountID.String(), http.StatusNotFound, "worker_id"},
	} {
		before := env.Head(t)
		r := env.Do(t, sup, http.MethodPost, casePath+"/reassignment", map[string]any{"worker_id": tc.worker, "reason": "轮岗"}, nil)
		if r.Status != tc.status || !isProblem(r) || !strings.Contains(string(r.Body), tc.rule) {
			t.Errorf("%s: %d %s, want %d naming %s", tc.name, r.Status, r.Body, tc.status, tc.rule)
		}
		if after := env.Head(t); after != before {
			t.Errorf("%s: the store's head moved from %d to %d", tc.name, before, after)
		}
	}
	// A social worker of a village room under the station (whose scope
	// does not hold the station's cases), created with the unit in upper
	// case.
	var acct struct {
		ID string `json:"id"`
	}
	post(t, env, env.Token(t, "admin"), "/api/v1/accounts", map[string]any{"username": "room-worker", "display_name": "赵敏",
		"role": "social_worker", "org_unit": strings.ToUpper(env.Units["room"].String()), "password": apitest.Password},
		http.StatusCreated).JSON(t, &acct)
	var a struct {
		OrgUnit string `json:"org_unit"`
	}
	get(t, env, env.Token(t, "admin"), "/api/v1/accounts/"+acct.ID, http.StatusOK).JSON(t, &a)
	if a.OrgUnit != env.Units["room"].String() {
		t.Fatalf("org_unit recorded as %q, want %q", a.OrgUnit, env.Units["room"].String())
	}
	if r := env.Do(t, sup, http.MethodPost, casePath+"/reassignment", map[string]any{"worker_id": acct.ID, "reason": "轮岗"}, nil); r.Status != http.StatusNotFound {
		t.Fatalf("reassign to a village room's worker: %d %s, want 404", r.Status, r.Body)
	}
	// Only a supervisor learns whether an account works at the station.
	if r := env.Do(t, env.Token(t, "worker"), http.MethodPost, casePath+"/reassignment",
		map[string]any{"worker_id": "0190a7c2-5e4b-7c3d-8a1b-2c3d4e5f6a7b", "reason": "轮岗"}, nil); r.Status != http.StatusForbidden {
		t.Fatalf("a worker reassigning to no such account: %d %s, want 403", r.Status, r.Body)
	}
	post(t, env, sup, casePath+"/reassignment",
		map[string]any{"worker_id": env.Accounts["worker2"].AccountID.String(), "reason": "轮岗"}, http.StatusOK)
}

// A case goes only to an enabled social worker of its station: opening a
// case for another station's worker, or for a disabled one, and
// reassigning to a disabled one, append nothing and answer 404 naming
// worker_id; once enabled again, the worker takes the case.
func TestCase_DisabledOrOtherStationWorker_NotAssigned(t *testing.T) {
	env := apitest.Start(t)
	sup, admin := env.Token(t, "supervisor"), env.Token(t, "admin")
	worker2 := env.Accounts["worker2"].AccountID.String()
	open := func(worker string) map[string]any {
		body := openCase(env, env.Units["station"].String())
		body["worker_id"] = worker
		return body
	}
	casePath := newCase(t, env, env.Token(t, "worker"))
	refused := func(name, path string, body map[string]any) {
		t.Helper()
		before := env.Head(t)
		r := env.Do(t, sup, http.MethodPost, path, body, nil)
		if r.Status != http.StatusNotFound || !isProblem(r) || !strings.Contains(string(r.Body), "worker_id") {
			t.Errorf("%s: %d %s, want 404 naming worker_id", name, r.Status, r.Body)
		}
		if after := env.Head(t); after != before {
			t.Errorf("%s: the store's head moved from %d to %d", name, before, after)
		}
	}
	refused("open for another station's worker", "/api/v1/cases", open(env.Accounts["station2-worker"].AccountID.String()))
	post(t, env, admin, "/api/v1/accounts/"+worker2+"/disable", map[string]any{"reason": "离职"}, http.StatusOK)
	refused("open for a disabled worker", "/api/v1/cases", open(worker2))
	refused("reassign to a disabled worker", casePath+"/reassignment", map[string]any{"worker_id": worker2, "reason": "轮岗"})
	post(t, env, admin, "/api/v1/accounts/"+worker2+"/enable", map[string]any{"reason": "返岗"}, http.StatusOK)
	post(t, env, sup, "/api/v1/cases", open(worker2), http.StatusCreated)
	post(t, env, sup, casePath+"/reassignment", map[string]any{"worker_id": worker2, "reason": "轮岗"}, http.StatusOK)
}

// The audit trail's actor, org_unit and stream filters take ids in either
// case, as the other views' filters do.
func TestAuditView_IDFilters_TakeEitherCase(t *testing.T) {
	env := startViews(t)
	id, pos := openCaseAt(t, env, env.Token(t, "worker"), "station")
	auditor := env.Token(t, "auditor")
	actor, unit := env.Accounts["worker"].AccountID.String(), env.Units["station"].String()
	for _, q := range []string{"actor=" + actor, "org_unit=" + unit, "stream=case-" + id} {
		name, value, _ := strings.Cut(q, "=")
		lower := ids(getView(t, env, auditor, fmt.Sprintf("/api/v1/views/audit/events?min_position=%d&type=CaseOpened&%s", pos, q)), "stream")
		// The id (the last 36 characters) in upper case.
		upperID := value[:len(value)-36] + strings.ToUpper(value[len(value)-36:])
		upper := ids(getView(t, env, auditor, fmt.Sprintf("/api/v1/views/audit/events?min_position=%d&type=CaseOpened&%s=%s",
			pos, name, upperID)), "stream")
		if !lower["case-"+id] || len(upper) != len(lower) || !upper["case-"+id] {
			t.Errorf("%s: lower case finds %v, upper case %v", name, lower, upper)
		}
	}
}

// A retried request with the same Idempotency-Key is answered as the
// first was, even when what the command checks before it runs has changed
// since (here, the worker it named was disabled): it appends nothing.
func TestIdempotentRetry_AfterTheWorkerWasDisabled_AnswersTheFirstResponse(t *testing.T) {
	env := apitest.Start(t)
	sup := env.Token(t, "supervisor")
	worker2 := env.Accounts["worker2"].AccountID.String()
	body := openCase(env, env.Units["station"].String())
	body["worker_id"] = worker2
	first := post(t, env, sup, "/api/v1/cases", body, http.StatusCreated, "Idempotency-Key", "open-li-1")
	post(t, env, env.Token(t, "admin"), "/api/v1/accounts/"+worker2+"/disable", map[string]any{"reason": "离职"}, http.StatusOK)
	before := env.Head(t)
	again := post(t, env, sup, "/api/v1/cases", body, http.StatusCreated, "Idempotency-Key", "open-li-1")
	if again.Header.Get("Location") != first.Header.Get("Location") || again.Header.Get("Idempotency-Replayed") != "true" {
		t.Fatalf("retry: Location %q (first %q), replayed %q", again.Header.Get("Location"), first.Header.Get("Location"),
			again.Header.Get("Idempotency-Replayed"))
	}
	if after := env.Head(t); after != before {
		t.Fatalf("the retry moved the store's head from %d to %d", before, after)
	}
	// Another request under the same key is still refused.
	body["household"] = map[string]any{"county": "330102", "size": 3, "address": "湖滨街道东坡路8号"}
	if r := env.Do(t, sup, http.MethodPost, "/api/v1/cases", body, map[string]string{"Idempotency-Key": "open-li-1"}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("another body under the key: %d %s, want 422", r.Status, r.Body)
	}
}
