package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/api/apitest"
	"casework/domain/value"
)

// expect fails the test unless r has status want.
func expect(tb testing.TB, what string, r apitest.Response, want int) apitest.Response {
	tb.Helper()
	if r.Status != want {
		tb.Fatalf("%s: status %d, want %d: %s", what, r.Status, want, r.Body)
	}
	return r
}

// expectRule fails the test unless r has status want and names rule.
func expectRule(tb testing.TB, what string, r apitest.Response, want int, rule string) {
	tb.Helper()
	expect(tb, what, r, want)
	if !strings.Contains(string(r.Body), `"rule":"`+rule+`"`) {
		tb.Fatalf("%s: the problem does not name %s: %s", what, rule, r.Body)
	}
}

type complianceCheck struct {
	Rule  string `json:"rule"`
	Have  string `json:"have"`
	Met   bool   `json:"met"`
	Since string `json:"since"`
}

type complianceReport struct {
	StationID  string `json:"station_id"`
	Name       string `json:"name"`
	Registered bool   `json:"registered"`
	Met        bool   `json:"met"`
	Since      string `json:"since"`
	Haves      []struct {
		Have  string `json:"have"`
		Met   bool   `json:"met"`
		Since string `json:"since"`
	} `json:"haves"`
	Failing []complianceCheck `json:"failing"`
}

// failing maps each failing rule to its since-date.
func (r complianceReport) failing() map[string]string {
	out := map[string]string{}
	for _, c := range r.Failing {
		out[c.Rule] = c.Since
	}
	return out
}

func (r complianceReport) haveMet(h string) bool {
	for _, x := range r.Haves {
		if x.Have == h {
			return x.Met
		}
	}
	return false
}

func sameFailing(tb testing.TB, what string, r complianceReport, want map[string]string) {
	tb.Helper()
	got := r.failing()
	if len(got) != len(want) {
		tb.Fatalf("%s: failing %v, want %v", what, got, want)
	}
	for rule, since := range want {
		if got[rule] != since {
			tb.Fatalf("%s: failing %v, want %v", what, got, want)
		}
	}
}

// A station meets the five haves once site, staff, functions, rules and
// an activity are recorded; each have fails with its rule named and the
// day since which it fails, as of earlier days, over a shorter activity
// window, and after a smaller site and a departure.
func TestStation_FiveHavesCompliance(t *testing.T) {
	env := apitest.Start(t)
	county, sup, worker := env.Token(t, "county"), env.Token(t, "supervisor"), env.Token(t, "worker")
	st := env.Units["station"].String()
	base := "/api/v1/stations/" + st
	today := value.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	reg := day(-200)

	register := map[string]any{"station_id": st, "township": "湖滨街道", "registered_on": reg}
	expectRule(t, "a social worker registers", env.Do(t, worker, http.MethodPost, "/api/v1/stations", register, nil),
		http.StatusForbidden, "station.register.role_allowed")
	expect(t, "an agency worker registers", env.Do(t, env.Token(t, "agency"), http.MethodPost, "/api/v1/stations", register, nil), http.StatusNotFound)
	expect(t, "another county's supervisor registers", env.Do(t, env.Token(t, "other-supervisor"), http.MethodPost, "/api/v1/stations", register, nil), http.StatusNotFound)
	roomReg := map[string]any{"station_id": env.Units["room"].String(), "township": "湖滨街道", "registered_on": reg}
	expectRule(t, "a room as a station", env.Do(t, county, http.MethodPost, "/api/v1/stations", roomReg, nil),
		http.StatusUnprocessableEntity, "station.register.org_unit_is_station")
	r := expect(t, "register", env.Do(t, county, http.MethodPost, "/api/v1/stations", register, nil), http.StatusCreated)
	if r.Header.Get("Location") != base || r.Header.Get("ETag") != `"0"` {
		t.Fatalf("register headers: %v", r.Header)
	}
	expect(t, "register twice", env.Do(t, county, http.MethodPost, "/api/v1/stations", register, nil), http.StatusConflict)

	post := func(tok, path string, body map[string]any) {
		t.Helper()
		expect(t, "POST "+path, env.Do(t, tok, http.MethodPost, base+path, body, nil), http.StatusOK)
	}
	staff := func(role, edu string) map[string]any {
		return map[string]any{"staff_id": uuid.NewString(), "name": "张" + role, "role": role, "employment": "full_time",
			"education": edu, "birth_date": "1995-03-01", "certificate": "assistant", "start_date": reg}
	}
	post(county, "/site", map[string]any{"effective_on": reg, "activity_area_m2": 60, "address": "东坡路8号", "group_room": true})
	post(sup, "/functions", map[string]any{"effective_on": day(-150), "domains": []string{"elderly_care", "child_welfare"}})
	post(sup, "/staff", staff("station_head", "bachelor"))
	post(sup, "/staff", staff("resident_social_worker", "bachelor"))
	leaver := staff("resident_social_worker", "college_diploma")
	post(sup, "/staff", leaver)
	for _, c := range []struct{ cat, on string }{{"service_process", reg}, {"reception", reg}, {"safety", reg}, {"archive", day(-180)}} {
		post(sup, "/rules", map[string]any{"rule_id": uuid.NewString(), "name": "制度 " + c.cat, "category": c.cat, "adopted_on": c.on})
	}
	vol := uuid.NewString()
	post(worker, "/volunteers", map[string]any{"volunteer_id": vol, "name": "李志愿", "registered_on": reg})
	post(worker, "/volunteer-team", map[string]any{"team_id": uuid.NewString(), "name": "湖滨志愿队", "formed_on": reg, "members": []string{vol}})
	act := uuid.NewString()
	post(worker, "/activities", map[string]any{"activity_id": act, "kind": "group_session", "title": "长者小组", "date": day(-10),
		"duration_minutes": 90, "attendance": 12, "domain": "elderly_care", "volunteers": []string{vol}})
	post(worker, "/volunteer-hours", map[string]any{"volunteer_id": vol, "date": day(-10), "minutes": 120, "activity_id": act})
	expectRule(t, "hours for a stranger", env.Do(t, worker, http.MethodPost, base+"/volunteer-hours",
		map[string]any{"volunteer_id": uuid.NewString(), "date": day(-1), "minutes": 30}, nil),
		http.StatusConflict, "station.log_hours.volunteer_registered")
	expectRule(t, "a social worker records the site", env.Do(t, worker, http.MethodPost, base+"/site",
		map[string]any{"effective_on": day(-1), "activity_area_m2": 80, "address": "x"}, nil), http.StatusForbidden, "station.record_site.role_allowed")
	expect(t, "an activity for an unknown contract", env.Do(t, worker, http.MethodPost, base+"/activities",
		map[string]any{"activity_id": uuid.NewString(), "kind": "community_activity", "title": "义诊", "date": day(-1),
			"duration_minutes": 60, "attendance": 30, "domain": "elderly_care", "contract_id": uuid.NewString()}, nil), http.StatusNotFound)

	compliance := func(tok, query string) complianceReport {
		t.Helper()
		var rep complianceReport
		expect(t, "compliance"+query, env.Do(t, tok, http.MethodGet, base+"/compliance"+query, nil, nil), http.StatusOK).JSON(t, &rep)
		return rep
	}

	// Today everything is met, since the activity ten days ago.
	now := compliance(sup, "")
	if !now.Met || now.Since != day(-10) || len(now.Failing) != 0 {
		t.Fatalf("today: %+v", now)
	}
	// Earlier days: no functions and no activity yet; before that, no
	// archive rule either.
	early := compliance(sup, "?as_of="+day(-170))
	sameFailing(t, "as of "+day(-170), early, map[string]string{
		"station.compliance.functions_recorded": reg, "station.compliance.activity_in_period": reg})
	if early.Met || !early.haveMet("site") || !early.haveMet("staff") || !early.haveMet("rules") || early.haveMet("function") || early.haveMet("activities") {
		t.Fatalf("as of %s: %+v", day(-170), early)
	}
	sameFailing(t, "as of "+day(-190), compliance(sup, "?as_of="+day(-190)), map[string]string{
		"station.compliance.functions_recorded": reg, "station.compliance.activity_in_period": reg,
		"station.compliance.rules_registered": reg})
	// A five-day window: the activity ten days ago stopped counting five days ago.
	sameFailing(t, "window 5", compliance(sup, "?window_days=5"), map[string]string{"station.compliance.activity_in_period": day(-5)})

	// The site shrinks and a resident worker leaves: site and staff fail
	// from those days.
	post(county, "/site", map[string]any{"effective_on": day(-5), "activity_area_m2": 30, "address": "东坡路8号"})
	post(sup, "/staff/"+leaver["staff_id"].(string)+"/departure", map[string]any{"date": day(-3), "reason": "调任"})
	expectRule(t, "leave twice", env.Do(t, sup, http.MethodPost, base+"/staff/"+leaver["staff_id"].(string)+"/departure",
		map[string]any{"date": day(-2), "reason": "again"}, nil), http.StatusConflict, "station.staff_left.in_post")
	later := compliance(env.Token(t, "auditor"), "")
	sameFailing(t, "after the changes", later, map[string]string{
		"station.compliance.site_area_min_40": day(-5), "station.compliance.resident_workers_min": day(-3)})
	if later.Met || later.haveMet("site") || later.haveMet("staff") || !later.haveMet("function") || !later.haveMet("rules") || !later.haveMet("activities") {
		t.Fatalf("after the changes: %+v", later)
	}

	// The station's view carries the same compliance; its history the events.
	var view struct {
		Revision   int              `json:"revision"`
		Site       map[string]any   `json:"site"`
		Staff      []map[string]any `json:"staff"`
		Compliance complianceReport `json:"compliance"`
	}
	g := expect(t, "get", env.Do(t, worker, http.MethodGet, base, nil, nil), http.StatusOK)
	g.JSON(t, &view)
	if g.Header.Get("ETag") == "" || view.Site["activity_area_m2"] != float64(30) || len(view.Staff) != 3 || view.Compliance.Met {
		t.Fatalf("view: %s", g.Body)
	}
	var hist struct {
		Events []struct {
			Type string `json:"type"`
		} `json:"events"`
	}
	expect(t, "history", env.Do(t, worker, http.MethodGet, base+"/history", nil, nil), http.StatusOK).JSON(t, &hist)
	if len(hist.Events) != view.Revision+1 || hist.Events[0].Type != "StationRegistered" {
		t.Fatalf("history of %d events, revision %d", len(hist.Events), view.Revision)
	}

	// Out of scope or a role that may not read stations: 404, whatever the route.
	for _, who := range []string{"agency", "other-worker"} {
		tok := env.Token(t, who)
		for _, path := range []string{base, base + "/history", base + "/compliance"} {
			expect(t, who+" GET "+path, env.Do(t, tok, http.MethodGet, path, nil, nil), http.StatusNotFound)
		}
		expect(t, who+" records an activity", env.Do(t, tok, http.MethodPost, base+"/site",
			map[string]any{"effective_on": day(-1), "activity_area_m2": 80, "address": "x"}, nil), http.StatusNotFound)
	}

	// The overview lists the stations of the caller's scope: the county
	// sees both of its stations (station2 has no record yet), a station
	// worker its own, another county's worker none of these.
	overview := func(who string) map[string]complianceReport {
		var out struct {
			Stations []complianceReport `json:"stations"`
		}
		expect(t, "overview "+who, env.Do(t, env.Token(t, who), http.MethodGet, "/api/v1/compliance", nil, nil), http.StatusOK).JSON(t, &out)
		m := map[string]complianceReport{}
		for _, s := range out.Stations {
			m[s.StationID] = s
		}
		return m
	}
	all := overview("county")
	if len(all) != 2 || !all[st].Registered || all[st].Met || all[env.Units["station2"].String()].Registered {
		t.Fatalf("county overview: %+v", all)
	}
	if own := overview("worker"); len(own) != 1 || own[st].StationID != st {
		t.Fatalf("worker overview: %+v", own)
	}
	if other := overview("other-worker"); len(other) != 1 || other[st].StationID != "" {
		t.Fatalf("other county overview: %+v", other)
	}
	expect(t, "agency overview", env.Do(t, env.Token(t, "agency"), http.MethodGet, "/api/v1/compliance", nil, nil), http.StatusNotFound)
}

// A community project runs its stages in order, funds after design, and
// only a supervisor closes it; other counties do not see it.
func TestProject_StagesInOrder(t *testing.T) {
	env := apitest.Start(t)
	worker, sup := env.Token(t, "worker"), env.Token(t, "supervisor")
	today := value.DateOf(time.Now())
	r := expect(t, "propose", env.Do(t, worker, http.MethodPost, "/api/v1/projects", map[string]any{
		"title": "老旧小区互助", "domain": "community_governance", "proposed_on": today.AddDays(-30).String()}, nil), http.StatusCreated)
	loc := r.Header.Get("Location")
	stage := func(tok, name string) apitest.Response {
		return env.Do(t, tok, http.MethodPost, loc+"/stages", map[string]any{"stage": name, "completed_on": today.AddDays(-20).String()}, nil)
	}
	expectRule(t, "skip a stage", stage(worker, "analysis"), http.StatusConflict, "project.complete_stage.no_skip")
	for _, s := range []string{"needs_collection", "analysis", "design"} {
		expect(t, s, stage(worker, s), http.StatusOK)
	}
	expectRule(t, "funding without funds", stage(worker, "funding"), http.StatusConflict, "project.complete_stage.funding_requires_funds")
	expect(t, "fund", env.Do(t, worker, http.MethodPost, loc+"/funding", map[string]any{
		"amount": 500000, "source": "社区基金", "funded_on": today.AddDays(-15).String()}, nil), http.StatusOK)
	closure := map[string]any{"outcome": "abandoned", "reason": "居民搬迁", "closed_on": today.String()}
	expectRule(t, "a worker closes", env.Do(t, worker, http.MethodPost, loc+"/closure", closure, nil), http.StatusForbidden, "project.close.role_allowed")
	expect(t, "close", env.Do(t, sup, http.MethodPost, loc+"/closure", closure, nil), http.StatusOK)

	var v struct {
		StationID string `json:"station_id"`
		Funded    int    `json:"funded"`
		Closed    bool   `json:"closed"`
		Completed []any  `json:"completed_stages"`
	}
	expect(t, "get", env.Do(t, env.Token(t, "county"), http.MethodGet, loc, nil, nil), http.StatusOK).JSON(t, &v)
	if v.StationID != env.Units["station"].String() || v.Funded != 500000 || !v.Closed || len(v.Completed) != 3 {
		t.Fatalf("project: %+v", v)
	}
	expect(t, "history", env.Do(t, worker, http.MethodGet, loc+"/history", nil, nil), http.StatusOK)
	for _, who := range []string{"other-worker", "agency"} {
		expect(t, who, env.Do(t, env.Token(t, who), http.MethodGet, loc, nil, nil), http.StatusNotFound)
	}
	expect(t, "propose at another county's station", env.Do(t, worker, http.MethodPost, "/api/v1/projects", map[string]any{
		"station_id": env.Units["station3"].String(), "title": "x", "domain": "elderly_care", "proposed_on": today.String()}, nil),
		http.StatusNotFound)
}
