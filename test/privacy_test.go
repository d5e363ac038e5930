package test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/api/apitest"
	"casework/api/service"
	"casework/eventstore"
	"casework/eventstore/pii"
	"casework/eventstore/sqlite"
)

// The personal values of openCase and the household check below.
var personal = []string{"李建国", "11010519491231002X", "13900000001", "湖滨街道东坡路8号", "张桂兰"}

type caseView struct {
	ClientID   uuid.UUID `json:"client_id"`
	Client     map[string]any
	Protection service.Protection
}

// privacyFixture opens a case with a household check and a referral to the
// agency (sharing the phone), and returns the case path, the referral path
// and the client.
func privacyFixture(t *testing.T, env *apitest.Env) (casePath, refPath string, client uuid.UUID) {
	t.Helper()
	w := env.Token(t, "worker")
	casePath = newCase(t, env, w)
	post(t, env, w, casePath+"/household-checks", map[string]any{"visit_date": daysAgo(0), "investigators": []string{"李明", "王芳"},
		"members": []any{
			map[string]any{"name": "李建国", "relation": "self", "income": []any{map[string]any{"kind": "pension", "amount": 80000, "period": "monthly"}}},
			map[string]any{"name": "张桂兰", "relation": "spouse"}},
		"assets": []any{map[string]any{"kind": "deposit", "value": 500000}}}, http.StatusOK)
	r := post(t, env, w, casePath+"/referrals", map[string]any{
		"to_agency_id": env.Units["agency"].String(), "needs": "需要上门照护", "share_client_phone": true,
		"consent":  map[string]any{"given": true, "given_by": "李建国（本人）", "given_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)},
		"due_date": daysAgo(-14)}, http.StatusCreated)
	refPath = r.Header.Get("Location")
	var v caseView
	get(t, env, w, casePath, http.StatusOK).JSON(t, &v)
	return casePath, refPath, v.ClientID
}

func accessLog(t *testing.T, env *apitest.Env, client uuid.UUID) []service.AccessRecord {
	t.Helper()
	var page service.AccessPage
	get(t, env, env.Token(t, "auditor"), "/api/v1/audit/access-log?client_id="+client.String(), http.StatusOK).JSON(t, &page)
	return page.Records
}

func TestSensitiveReads_ByRole_ShownAndLoggedOrRedacted(t *testing.T) {
	env := apitest.Start(t)
	casePath, refPath, client := privacyFixture(t, env)
	before := len(accessLog(t, env, client))

	for _, tc := range []struct {
		user, path, state, purpose string
	}{
		{"worker", casePath, service.ProtectionShown, "casework"},
		{"supervisor", casePath, service.ProtectionShown, "supervision"},
		{"auditor", casePath, service.ProtectionShown, "audit"},
		{"county", casePath, service.ProtectionRedacted, ""},
		{"agency", refPath, service.ProtectionShown, "referral"},
		{"county", refPath, service.ProtectionRedacted, ""},
	} {
		n := len(accessLog(t, env, client))
		r := get(t, env, env.Token(t, tc.user), tc.path, http.StatusOK)
		var v caseView
		r.JSON(t, &v)
		name := v.Client["name"]
		if v.Protection.State != tc.state {
			t.Errorf("%s reads %s: protection %+v, want %s", tc.user, tc.path, v.Protection, tc.state)
		}
		switch tc.state {
		case service.ProtectionShown:
			if name != "李建国" {
				t.Errorf("%s reads %s: client name %v", tc.user, tc.path, name)
			}
			recs := accessLog(t, env, client)
			if len(recs) != n+1 {
				t.Fatalf("%s reads %s: %d new access records, want 1", tc.user, tc.path, len(recs)-n)
			}
			last := recs[len(recs)-1]
			if last.Actor != env.Accounts[tc.user].AccountID.String() || last.Purpose != tc.purpose || len(last.Fields) == 0 ||
				!strings.HasSuffix(tc.path, strings.TrimPrefix(last.Stream, eventstore.Category(last.Stream)+"-")) {
				t.Errorf("%s reads %s: access record %+v", tc.user, tc.path, last)
			}
		case service.ProtectionRedacted:
			for _, p := range personal {
				if bytes.Contains(r.Body, []byte(p)) {
					t.Errorf("%s reads %s: %q in %s", tc.user, tc.path, p, r.Body)
				}
			}
			if name != pii.RedactedMarker {
				t.Errorf("%s reads %s: client name %v, want the redacted marker", tc.user, tc.path, name)
			}
			if got := len(accessLog(t, env, client)); got != n {
				t.Errorf("a redacted read by %s was logged", tc.user)
			}
		}
	}
	// History: the county manager sees markers; the worker's read is logged.
	h := get(t, env, env.Token(t, "county"), casePath+"/history", http.StatusOK)
	for _, p := range personal {
		if bytes.Contains(h.Body, []byte(p)) {
			t.Errorf("county history holds %q", p)
		}
	}
	if !bytes.Contains(h.Body, []byte(`"state":"redacted"`)) {
		t.Errorf("county history: no redacted protection: %s", h.Body)
	}
	n := len(accessLog(t, env, client))
	if h := get(t, env, env.Token(t, "worker"), casePath+"/history", http.StatusOK); !bytes.Contains(h.Body, []byte("张桂兰")) {
		t.Errorf("worker history lacks the household member: %s", h.Body)
	}
	if got := len(accessLog(t, env, client)); got != n+1 {
		t.Errorf("worker history read: %d access records, want 1", got-n)
	}
	if len(accessLog(t, env, client)) <= before {
		t.Fatal("no read was logged")
	}
	// Who may not see cases at all, and who may not read the log.
	get(t, env, env.Token(t, "admin"), casePath, http.StatusNotFound)
	get(t, env, env.Token(t, "bureau"), casePath, http.StatusNotFound)
	get(t, env, env.Token(t, "worker"), "/api/v1/audit/access-log", http.StatusNotFound)
	get(t, env, env.Token(t, "other-worker"), casePath, http.StatusNotFound)
}

// failingAccess refuses appends to access-log streams, as a full disk or a
// broken node would.
type failingAccess struct{ eventstore.Store }

func (f failingAccess) Append(ctx context.Context, stream string, exp eventstore.ExpectedRevision, evs ...eventstore.EventData) (eventstore.AppendResult, error) {
	if eventstore.Category(stream) == "access" {
		return eventstore.AppendResult{}, errors.New("disk full")
	}
	return f.Store.Append(ctx, stream, exp, evs...)
}

func TestSensitiveRead_AccessLogUnwritable_ReadFails(t *testing.T) {
	env := apitest.Start(t)
	casePath, _, _ := privacyFixture(t, env)
	id := uuid.MustParse(strings.TrimPrefix(casePath, "/api/v1/cases/"))
	svc, err := service.New(failingAccess{env.Store}, service.Config{SigningKey: apitest.Key, Keys: env.Keys})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	if err := svc.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := svc.Case(ctx, env.Accounts["worker"], id, service.At{})
	if !errors.Is(err, service.ErrUnavailable) {
		t.Fatalf("read with an unwritable access log: %v (view %+v), want ErrUnavailable", err, v.Protection)
	}
	if _, err := svc.CaseHistory(ctx, env.Accounts["worker"], id, service.Page{}); !errors.Is(err, service.ErrUnavailable) {
		t.Fatalf("history with an unwritable access log: %v", err)
	}
	// A redacted read needs no log record and still works.
	if v, err := svc.Case(ctx, env.Accounts["county"], id, service.At{}); err != nil || v.Protection.State != service.ProtectionRedacted {
		t.Fatalf("redacted read: %+v %v", v.Protection, err)
	}
}

func TestForgetClient_TwoAdmins_ErasedEverywhere_SecondForgetNoOp(t *testing.T) {
	env := apitest.Start(t)
	casePath, refPath, client := privacyFixture(t, env)
	admin := env.Token(t, "admin")
	post(t, env, admin, "/api/v1/accounts", map[string]any{"username": "admin2", "display_name": "第二管理员",
		"password": apitest.Password, "role": "admin", "org_unit": env.Units["city"].String()}, http.StatusCreated)
	admin2 := env.Token(t, "admin2")
	clientPath := "/api/v1/clients/" + client.String()

	get(t, env, env.Token(t, "worker"), clientPath, http.StatusNotFound)
	get(t, env, admin, "/api/v1/clients/"+uuid.NewString(), http.StatusNotFound)
	post(t, env, env.Token(t, "worker"), clientPath+"/forget-requests", map[string]any{"reason": "本人申请删除"}, http.StatusNotFound)
	post(t, env, admin, clientPath+"/forget-requests", map[string]any{"reason": "本人依个人信息保护法第四十七条申请删除"}, http.StatusOK)
	var cv service.ClientView
	get(t, env, admin, clientPath, http.StatusOK).JSON(t, &cv)
	if cv.Forgotten || cv.Pending == nil || cv.Cases != 1 {
		t.Fatalf("client after the request: %+v", cv)
	}
	r := post(t, env, admin, clientPath+"/forget-requests/approve", map[string]any{"request_id": cv.Pending.ID}, http.StatusForbidden)
	if !bytes.Contains(r.Body, []byte("privacy.forget.second_person")) {
		t.Fatalf("self-approval: %s", r.Body)
	}
	get(t, env, env.Token(t, "worker"), casePath, http.StatusOK) // still readable before approval
	post(t, env, admin2, clientPath+"/forget-requests/approve", map[string]any{"request_id": cv.Pending.ID}, http.StatusOK)

	// Every read path shows the erased marker.
	for _, rd := range []struct{ user, path string }{
		{"worker", casePath}, {"worker", casePath + "?revision=0"}, {"auditor", casePath}, {"county", casePath},
		{"worker", casePath + "/history"}, {"agency", refPath}, {"worker", refPath}, {"agency", refPath + "/history"},
	} {
		r := get(t, env, env.Token(t, rd.user), rd.path, http.StatusOK)
		for _, p := range personal {
			if bytes.Contains(r.Body, []byte(p)) {
				t.Errorf("%s %s after forget holds %q", rd.user, rd.path, p)
			}
		}
		if !bytes.Contains(r.Body, []byte(pii.ErasedMarker)) || !bytes.Contains(r.Body, []byte(`"state":"erased"`)) {
			t.Errorf("%s %s after forget: no erased marker: %s", rd.user, rd.path, r.Body)
		}
	}
	// Recording more personal data about the client is refused; steps
	// without any still work.
	r = post(t, env, env.Token(t, "worker"), casePath+"/follow-ups", map[string]any{"visited_on": daysAgo(0), "method": "phone", "findings": "电话回访，情况稳定"}, http.StatusConflict)
	if !bytes.Contains(r.Body, []byte("privacy.client.forgotten")) {
		t.Errorf("follow-up with notes after forget: %s", r.Body)
	}
	// A second forget is a no-op.
	h := env.Head(t)
	r = post(t, env, admin, clientPath+"/forget-requests", map[string]any{"reason": "再次申请"}, http.StatusOK)
	var res struct{ Events int }
	r.JSON(t, &res)
	if res.Events != 0 || env.Head(t) != h {
		t.Fatalf("second forget appended: %s", r.Body)
	}
	// Lookup by ID number finds nothing any more.
	var lk struct{ Clients []service.ClientMatch }
	post(t, env, env.Token(t, "worker"), "/api/v1/clients/lookup", map[string]any{"resident_id": "11010519491231002X"}, http.StatusOK).JSON(t, &lk)
	if len(lk.Clients) != 0 {
		t.Errorf("lookup after forget: %+v", lk.Clients)
	}
	// The chains still verify, and no file of the data directory holds a
	// value of the client.
	ctx := context.Background()
	if err := env.Store.VerifyAll(ctx); err != nil {
		t.Fatal(err)
	}
	env.HTTP.Close()
	env.Svc.Close()
	env.Store.Close()
	env.Keys.Close()
	apitest.ScanForPlaintext(t, env.Dir, personal)
	// Replayed from the log by a new node, the client is still erased.
	st, err := sqlite.Open(ctx, filepath.Join(env.Dir, "events.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	keys, err := pii.OpenKeyStore(ctx, filepath.Join(env.Dir, "keys.db"), pii.KeyStoreOptions{Master: apitest.MasterKey})
	if err != nil {
		t.Fatal(err)
	}
	defer keys.Close()
	svc, err := service.New(st, service.Config{SigningKey: apitest.Key, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if err := svc.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	id := uuid.MustParse(strings.TrimPrefix(casePath, "/api/v1/cases/"))
	v, err := svc.Case(ctx, env.Accounts["worker"], id, service.At{})
	if err != nil || v.Protection.State != service.ProtectionErased {
		t.Fatalf("after replay: %+v %v", v.Protection, err)
	}
	b, _ := json.Marshal(v)
	if !bytes.Contains(b, []byte(pii.ErasedMarker)) {
		t.Fatalf("after replay: %s", b)
	}
}

func TestIntake_SameResidentID_SameClient(t *testing.T) {
	env := apitest.Start(t)
	w := env.Token(t, "worker")
	var a, b caseView
	get(t, env, w, newCase(t, env, w), http.StatusOK).JSON(t, &a)
	time.Sleep(50 * time.Millisecond) // the client index follows the log
	var lk struct{ Clients []service.ClientMatch }
	post(t, env, w, "/api/v1/clients/lookup", map[string]any{"resident_id": "11010519491231002X"}, http.StatusOK).JSON(t, &lk)
	if len(lk.Clients) != 1 || lk.Clients[0].ClientID != a.ClientID || len(lk.Clients[0].Cases) != 1 {
		t.Fatalf("lookup: %+v (client %s)", lk.Clients, a.ClientID)
	}
	get(t, env, w, newCase(t, env, w), http.StatusOK).JSON(t, &b)
	if b.ClientID != a.ClientID {
		t.Fatalf("second intake of the same person: client %s, want %s", b.ClientID, a.ClientID)
	}
	r := env.Do(t, w, http.MethodPost, "/api/v1/clients/lookup", map[string]any{"resident_id": "110105194912310021"}, nil)
	if r.Status != http.StatusUnprocessableEntity || bytes.Contains(r.Body, []byte("110105194912310021")) {
		t.Fatalf("bad number: %d %s", r.Status, r.Body)
	}
	post(t, env, env.Token(t, "county"), "/api/v1/clients/lookup", map[string]any{"resident_id": "11010519491231002X"}, http.StatusNotFound)
}
