package test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/api/apitest"
	"casework/api/httpapi"
	"casework/api/service"
	"casework/domain/casefile"
	"casework/domain/contract"
	"casework/domain/project"
	"casework/domain/referral"
	"casework/domain/station"
	"casework/domain/value"
)

// objects are one record of each kind in the first county (in) and one in
// the second (out), made through the service as their owners would.
type objects struct{ in, out map[string]uuid.UUID }

func makeObjects(t *testing.T, env *apitest.Env) objects {
	t.Helper()
	ctx := context.Background()
	acc := env.Accounts
	must := func(res service.Result, err error) uuid.UUID {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return res.ID
	}
	today := value.DateOf(env.Svc.Now())
	mk := func(side, worker, sup, county, bureau, bureauUnit, stationName, agency string) map[string]uuid.UUID {
		o := map[string]uuid.UUID{}
		st := env.Units[stationName]
		o["cases"] = must(env.Svc.OpenCase(ctx, acc[worker], service.Options{}, casefile.OpenInput{
			Source: "walk_in", Client: casefile.ClientInput{Name: "测试" + side, Gender: "male", BirthDate: value.MustParseDate("1950-01-01")},
			Household: casefile.HouseholdInput{County: "330102", Size: 1}, Domain: "elderly_care", StationID: st.String()}))
		o["referrals"] = must(env.Svc.CreateReferral(ctx, acc[worker], service.Options{}, o["cases"], service.ReferralRequestInput{
			ToAgencyID: env.Units[agency].String(), Needs: "需要上门照护", DueDate: today.AddDays(14),
			Consent: referral.ConsentInput{Given: true, GivenBy: "本人", GivenAt: env.Svc.Now().Add(-time.Hour)}}))
		o["contracts"] = must(env.Svc.OpenProcurement(ctx, acc[bureau], service.Options{}, contract.OpenInput{
			BureauUnit: env.Units[bureauUnit].String(),
			Title:      "社工站项目" + side, Stations: []string{st.String()}, Method: "open_tender", BudgetCeiling: 3_000_000, OpenedOn: today}))
		o["stations"] = st
		o["clients"] = o["cases"] // a new client's ID is its first case's
		must(env.Svc.RegisterStation(ctx, acc[county], service.Options{}, st, station.RegisterInput{Name: stationName, Township: "镇", RegisteredOn: today}))
		o["projects"] = must(env.Svc.ProposeProject(ctx, acc[sup], service.Options{}, project.ProposeInput{
			StationID: st, Title: "社区项目" + side, Domain: "community_governance", ProposedOn: today}))
		o["org-units"] = st
		o["accounts"] = acc[worker].AccountID
		return o
	}
	return objects{
		in:  mk("in", "worker", "supervisor", "county", "bureau", "bureau", "station", "agency"),
		out: mk("out", "other-worker", "other-supervisor", "other-county", "other-bureau", "bureau2", "station3", "agency2"),
	}
}

// The authorization matrix, generated from the route list: for every
// route on a record, every role, and a record out of the role's scope,
// the answer is the same as for a record that does not exist, and never a
// success; on the record in scope, the roles that may read it get 200.
func TestAuthorization_Matrix(t *testing.T) {
	env := apitest.Start(t)
	objs := makeObjects(t, env)
	srv, err := httpapi.New(env.Svc, httpapi.Config{})
	if err != nil {
		t.Fatal(err)
	}
	roles := []string{"worker", "supervisor", "county", "bureau", "evaluator", "auditor", "agency", "admin"}
	tokens := map[string]string{}
	for _, r := range roles {
		tokens[r] = env.Token(t, r)
	}
	// Who reads a record of each kind in the first county (GET → 200).
	readers := map[string][]string{
		"cases":     {"worker", "supervisor", "county", "auditor"},
		"referrals": {"worker", "supervisor", "county", "auditor", "agency"},
		"contracts": {"worker", "supervisor", "county", "bureau", "evaluator", "auditor"},
		"stations":  {"worker", "supervisor", "county", "bureau", "evaluator", "auditor", "admin"},
		"projects":  {"worker", "supervisor", "county", "bureau", "evaluator", "auditor", "admin"},
		"clients":   {"admin"},
	}
	checked := 0
	for _, rt := range srv.Routes() {
		if !strings.Contains(rt.Path, "/:id") {
			continue
		}
		kind := strings.Split(strings.TrimPrefix(rt.Path, "/api/v1/"), "/")[0]
		in, ok := objs.in[kind]
		if !ok {
			t.Fatalf("no fixture record for %s", rt.Path)
		}
		path := func(id uuid.UUID) string {
			p := strings.Replace(rt.Path, ":id", id.String(), 1)
			return strings.Replace(p, ":staff_id", uuid.NewString(), 1)
		}
		var body any
		if rt.Method == http.MethodPost {
			body = map[string]any{}
		}
		for _, role := range roles {
			tok := tokens[role]
			if role != "admin" { // the city admin's scope holds both counties
				ghost := env.Do(t, tok, rt.Method, path(uuid.New()), body, nil)
				out := env.Do(t, tok, rt.Method, path(objs.out[kind]), body, nil)
				if out.Status != ghost.Status || out.Status < 400 {
					t.Errorf("%s %s as %s: out of scope %d, nonexistent %d", rt.Method, rt.Path, role, out.Status, ghost.Status)
				}
				if out.Status == http.StatusOK || !isProblem(out) {
					t.Errorf("%s %s as %s: out of scope answered %d %s", rt.Method, rt.Path, role, out.Status, out.Body)
				}
			}
			if rt.Method == http.MethodGet && readers[kind] != nil {
				r := env.Do(t, tok, rt.Method, path(in), nil, nil)
				want := http.StatusNotFound
				for _, x := range readers[kind] {
					if x == role {
						want = http.StatusOK
					}
				}
				if r.Status != want {
					t.Errorf("GET %s as %s: %d, want %d: %s", rt.Path, role, r.Status, want, r.Body)
				}
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("only %d route × role checks", checked)
	}
	t.Logf("%d route × role checks", checked)
}
