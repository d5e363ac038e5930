package httpapi_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/api/apitest"
	"casework/api/service"
	"casework/domain"
	"casework/domain/casefile"
	"casework/eventstore"
	"casework/eventstore/sqlite"
)

// replayDoc is a replay page with each state kept as generic JSON, to be
// compared with what the state endpoint answers.
type replayDoc struct {
	Stream string `json:"stream"`
	Kind   string `json:"kind"`
	Next   *uint64
	Steps  []struct {
		Event struct {
			Type       string          `json:"type"`
			Revision   uint64          `json:"revision"`
			RecordedAt time.Time       `json:"recorded_at"`
			Data       json.RawMessage `json:"data"`
		} `json:"event"`
		State any `json:"state"`
	} `json:"steps"`
}

type verifyDoc struct {
	OK       bool `json:"ok"`
	Streams  int  `json:"streams"`
	Events   int  `json:"events"`
	Tampered []struct {
		Stream   string `json:"stream"`
		Revision uint64 `json:"revision"`
		Reason   string `json:"reason"`
	} `json:"tampered"`
}

func replay(tb testing.TB, env *apitest.Env, tok, stream, query string) replayDoc {
	tb.Helper()
	r := env.Do(tb, tok, http.MethodGet, "/api/v1/audit/streams/"+stream+"/replay"+query, nil, nil)
	wantStatus(tb, "replay "+stream+query, r, http.StatusOK)
	var d replayDoc
	r.JSON(tb, &d)
	return d
}

func verify(tb testing.TB, env *apitest.Env, tok, query string) verifyDoc {
	tb.Helper()
	r := env.Do(tb, tok, http.MethodGet, "/api/v1/audit/verify"+query, nil, nil)
	wantStatus(tb, "verify"+query, r, http.StatusOK)
	var d verifyDoc
	r.JSON(tb, &d)
	return d
}

// stateAt reads a record's state endpoint as generic JSON.
func stateAt(tb testing.TB, env *apitest.Env, tok, path string) any {
	tb.Helper()
	r := env.Do(tb, tok, http.MethodGet, path, nil, nil)
	wantStatus(tb, "state "+path, r, http.StatusOK)
	var v any
	r.JSON(tb, &v)
	return v
}

// contractHistory opens, awards and signs a contract, then reports,
// budgets and pays, one command (one recording time) each.
func contractHistory(tb testing.TB, env *apitest.Env) (path, stream string) {
	tb.Helper()
	bureau, worker := env.Token(tb, "bureau"), env.Token(tb, "worker")
	c := newCycle()
	path = awardedContract(tb, env, bureau, c)
	wantStatus(tb, "report", env.Do(tb, worker, http.MethodPost, path+"/reports", map[string]any{"kind": "monthly_briefing",
		"period": month(c.start1), "submitted_on": c.start1.AddMonths(1).AddDays(2).String(), "document_ref": "briefing-1"}, nil), http.StatusOK)
	wantStatus(tb, "budget", env.Do(tb, bureau, http.MethodPost, path+"/budgets", map[string]any{"lines": []map[string]any{
		{"code": "ops-1", "purpose": "站点运营经费", "amount": 3_000_000, "earmarked": true}}}, nil), http.StatusOK)
	wantStatus(tb, "disburse", env.Do(tb, bureau, http.MethodPost, path+"/disbursements",
		map[string]any{"line": "ops-1", "amount": 1_000_000, "purpose": "第一季度"}, nil), http.StatusOK)
	return path, "contract-" + strings.TrimPrefix(path, "/api/v1/contracts/")
}

func TestAuditReplay_EachStepEqualsStateAtItsRevision(t *testing.T) {
	env := apitest.Start(t)
	auditor := env.Token(t, "auditor")
	path, stream := contractHistory(t, env)

	d := replay(t, env, auditor, stream, "")
	if d.Stream != stream || d.Kind != "contract" || len(d.Steps) != 6 || d.Next != nil {
		t.Fatalf("replay: %s %s, %d steps, next %v", d.Stream, d.Kind, len(d.Steps), d.Next)
	}
	types := []string{"ProcurementOpened", "ContractAwarded", "AgreementSigned", "ReportSubmitted", "FundsBudgeted", "FundsDisbursed"}
	for i, st := range d.Steps {
		if st.Event.Revision != uint64(i) || st.Event.Type != types[i] {
			t.Fatalf("step %d is %s at revision %d", i, st.Event.Type, st.Event.Revision)
		}
		if want := stateAt(t, env, auditor, path+"?revision="+strconv.Itoa(i)); !reflect.DeepEqual(st.State, want) {
			t.Fatalf("step %d state differs from the state endpoint:\nreplay %v\nstate  %v", i, st.State, want)
		}
	}

	// to_revision ends the replay; from and limit page it.
	if d := replay(t, env, auditor, stream, "?to_revision=2"); len(d.Steps) != 3 || d.Steps[2].Event.Type != "AgreementSigned" {
		t.Fatalf("to_revision=2: %d steps", len(d.Steps))
	}
	p := replay(t, env, auditor, stream, "?from=1&limit=2")
	if len(p.Steps) != 2 || p.Steps[0].Event.Revision != 1 || p.Next == nil || *p.Next != 3 {
		t.Fatalf("page from 1 limit 2: %d steps, next %v", len(p.Steps), p.Next)
	}
	if !reflect.DeepEqual(p.Steps[1].State, d.Steps[2].State) {
		t.Fatal("a paged step differs from the same step of the whole replay")
	}

	// as_of: the events recorded up to then; the last state is the state
	// endpoint's as of that time (reports judged on that day).
	asOf := d.Steps[3].Event.RecordedAt
	q := url.Values{"as_of": {asOf.Format(time.RFC3339Nano)}}.Encode()
	a := replay(t, env, auditor, stream, "?"+q)
	want := 0
	for _, st := range d.Steps {
		if !st.Event.RecordedAt.After(asOf) {
			want++
		}
	}
	if len(a.Steps) != want || want < 4 {
		t.Fatalf("as_of %s: %d steps, want %d", asOf, len(a.Steps), want)
	}
	if got := stateAt(t, env, auditor, path+"?"+q); !reflect.DeepEqual(a.Steps[len(a.Steps)-1].State, got) {
		t.Fatalf("as_of: last state differs from the state endpoint:\nreplay %v\nstate  %v", a.Steps[len(a.Steps)-1].State, got)
	}
}

func TestAuditReplay_Case_EqualsStateEndpoint(t *testing.T) {
	env := apitest.Start(t)
	worker, auditor := env.Token(t, "worker"), env.Token(t, "auditor")
	r := env.Do(t, worker, http.MethodPost, "/api/v1/cases", openCaseBody(env.Units["station"].String()), nil)
	wantStatus(t, "open case", r, http.StatusCreated)
	path := r.Header.Get("Location")
	wantStatus(t, "reassign", env.Do(t, env.Token(t, "supervisor"), http.MethodPost, path+"/reassignment",
		map[string]any{"worker_id": env.Accounts["worker2"].AccountID.String(), "reason": "轮岗"}, nil), http.StatusOK)
	stream := "case-" + strings.TrimPrefix(path, "/api/v1/cases/")
	d := replay(t, env, auditor, stream, "")
	if d.Kind != "case" || len(d.Steps) != 2 {
		t.Fatalf("case replay: %s, %d steps", d.Kind, len(d.Steps))
	}
	for i, st := range d.Steps {
		if want := stateAt(t, env, auditor, path+"?revision="+strconv.Itoa(i)); !reflect.DeepEqual(st.State, want) {
			t.Fatalf("step %d differs:\nreplay %v\nstate  %v", i, st.State, want)
		}
	}
}

func TestAuditReplay_BadTimeTravel_Problem(t *testing.T) {
	env := apitest.Start(t)
	auditor := env.Token(t, "auditor")
	_, stream := contractHistory(t, env)
	base := "/api/v1/audit/streams/" + stream + "/replay"
	for _, c := range []struct {
		query, field string
		status       int
	}{
		{"?to_revision=abc", "to_revision", http.StatusUnprocessableEntity},
		{"?to_revision=-1", "to_revision", http.StatusUnprocessableEntity},
		{"?as_of=yesterday", "as_of", http.StatusUnprocessableEntity},
		{"?as_of=2026-13-01T00:00:00Z", "as_of", http.StatusUnprocessableEntity},
		{"?to_revision=1&as_of=2026-01-01T00:00:00Z", "as_of", http.StatusUnprocessableEntity},
		{"?as_of=2001-01-01T00:00:00Z", "as_of", http.StatusNotFound},
	} {
		r := env.Do(t, auditor, http.MethodGet, base+c.query, nil, nil)
		if r.Status != c.status || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("%s: want %d problem, got %d %s", c.query, c.status, r.Status, r.Body)
		}
		var p problemBody
		r.JSON(t, &p)
		if len(p.Errors) == 0 || p.Errors[0].Field != c.field {
			t.Fatalf("%s: want a problem naming %s, got %s", c.query, c.field, r.Body)
		}
	}
}

// otherAuditor adds an auditor of the other county and returns its token.
func otherAuditor(tb testing.TB, env *apitest.Env) string {
	tb.Helper()
	_, err := env.Svc.CreateAccount(context.Background(), service.System, service.Options{}, service.CreateAccountInput{
		Username: "other-auditor", DisplayName: "其他审计", Role: domain.RoleAuditor, OrgUnit: env.Units["county2"].String(), Password: apitest.Password})
	if err != nil {
		tb.Fatal(err)
	}
	return env.Token(tb, "other-auditor")
}

func TestAudit_Scope_NotFoundOutside(t *testing.T) {
	env := apitest.Start(t)
	_, stream := contractHistory(t, env)
	replayPath := "/api/v1/audit/streams/" + stream + "/replay"
	other := otherAuditor(t, env)
	for _, c := range []struct {
		user, token, path string
	}{
		{"worker", "", replayPath},
		{"worker", "", "/api/v1/audit/verify"},
		{"bureau", "", replayPath},
		{"county", "", "/api/v1/audit/verify"},
		{"other-auditor", other, replayPath},
		{"other-auditor", other, "/api/v1/audit/verify?stream=" + stream},
		{"auditor", "", "/api/v1/audit/streams/org-" + env.Units["station"].String() + "/replay"},
		{"auditor", "", "/api/v1/audit/streams/not-a-stream/replay"},
		{"auditor", "", "/api/v1/audit/streams/contract-0197a0c0-0000-7000-8000-000000000000/replay"},
		{"auditor", "", "/api/v1/audit/verify?stream=contract-0197a0c0-0000-7000-8000-000000000000"},
	} {
		tok := c.token
		if tok == "" {
			tok = env.Token(t, c.user)
		}
		wantStatus(t, c.user+" "+c.path, env.Do(t, tok, http.MethodGet, c.path, nil, nil), http.StatusNotFound)
	}
	wantStatus(t, "anonymous", env.Do(t, "", http.MethodGet, replayPath, nil, nil), http.StatusUnauthorized)

	// The other county's auditor verifies its own scope, which holds none
	// of this county's streams.
	mine, theirs := verify(t, env, env.Token(t, "auditor"), ""), verify(t, env, other, "")
	if !mine.OK || !theirs.OK || mine.Streams == 0 || theirs.Streams >= mine.Streams {
		t.Fatalf("scoped verification: county %+v, other county %+v", mine, theirs)
	}
}

// tamperSQL rewrites the stored data of one event with a raw SQL update
// through its own connection, as someone with access to the file could.
func tamperSQL(tb testing.TB, env *apitest.Env, stream string, revision uint64, from, to string) {
	tb.Helper()
	db, err := sql.Open("sqlite", sqlite.DSN(env.Store.Path(), false))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var data []byte
	if err := db.QueryRow(`SELECT data FROM events WHERE stream = ? AND revision = ?`, stream, revision).Scan(&data); err != nil {
		tb.Fatal(err)
	}
	if !bytes.Contains(data, []byte(from)) {
		tb.Fatalf("%s revision %d holds no %s: %s", stream, revision, from, data)
	}
	data = bytes.Replace(data, []byte(from), []byte(to), 1)
	if _, err := db.Exec(`UPDATE events SET data = ? WHERE stream = ? AND revision = ?`, data, stream, revision); err != nil {
		tb.Fatal(err)
	}
}

func TestAuditVerify_RawSQLUpdate_Detected(t *testing.T) {
	env := apitest.Start(t)
	auditor := env.Token(t, "auditor")
	_, stream := contractHistory(t, env)

	before := verify(t, env, auditor, "")
	if !before.OK || len(before.Tampered) != 0 || before.Events < 6 {
		t.Fatalf("before tampering: %+v", before)
	}
	// The award's amount is raised in the file.
	tamperSQL(t, env, stream, 1, `"amount":50000000`, `"amount":90000000`)

	after := verify(t, env, auditor, "")
	if after.OK || len(after.Tampered) != 1 || after.Tampered[0].Stream != stream || after.Tampered[0].Revision != 1 {
		t.Fatalf("after tampering: %+v", after)
	}
	one := verify(t, env, auditor, "?stream="+stream)
	if one.OK || one.Streams != 1 || one.Events != 6 || len(one.Tampered) != 1 || one.Tampered[0].Revision != 1 {
		t.Fatalf("the stream alone: %+v", one)
	}
	// The other county's auditor is not told of it.
	if theirs := verify(t, env, otherAuditor(t, env), ""); !theirs.OK {
		t.Fatalf("other county: %+v", theirs)
	}
}

// A record tampered until it no longer decodes cannot be placed in the
// tree: it is reported to auditors of a whole tree, and to no one below.
func TestAuditVerify_UndecodableTamper_ReportedAtRoot(t *testing.T) {
	env := apitest.Start(t)
	ctx := context.Background()
	_, err := env.Svc.CreateAccount(ctx, service.System, service.Options{}, service.CreateAccountInput{
		Username: "city-auditor", DisplayName: "市审计", Role: domain.RoleAuditor, OrgUnit: env.Units["city"].String(), Password: apitest.Password})
	if err != nil {
		t.Fatal(err)
	}
	_, stream := contractHistory(t, env)
	tamperSQL(t, env, stream, 0, `{`, `[`)

	// A fresh service, as after a restart: nothing of the contract is cached.
	svc, err := service.New(env.Store, service.Config{SigningKey: apitest.Key, Standards: apitest.Standards, Keys: env.Keys})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if err := svc.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	as := func(user string) service.Principal {
		a, ok := svc.Directory().AccountByUsername(user)
		if !ok {
			t.Fatalf("no account %s", user)
		}
		return service.Principal{AccountID: a.ID, Username: a.Username, Role: a.Role, OrgUnit: uuid.MustParse(a.OrgUnit)}
	}
	for user, want := range map[string]bool{"city-auditor": true, "auditor": false} {
		rep, err := svc.VerifyStreams(ctx, as(user), "")
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		got := len(rep.Tampered) == 1 && rep.Tampered[0].Stream == stream && rep.Tampered[0].Revision == 0
		if got != want || rep.OK == want {
			t.Errorf("%s: told of the tampering %v, want %v: %+v", user, got, want, rep)
		}
	}
}

// A redacted replay holds no sensitive value, also of an event stored at
// an old schema whose sensitive fields sat elsewhere (CaseOpened v1 kept
// the client's name at the top level).
func TestAuditReplay_Redacted_OldSchema_NoSensitiveValue(t *testing.T) {
	env := apitest.Start(t)
	ctx := context.Background()
	v1, err := os.ReadFile("../../domain/casefile/testdata/events/CaseOpened.v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var compactV1 bytes.Buffer
	if err := json.Compact(&compactV1, v1); err != nil {
		t.Fatal(err)
	}
	caseID := uuid.MustParse("0192f0c4-5b7e-7a31-9c1e-4d2f8a6b3c10")
	stream := eventstore.StreamName(casefile.Category, caseID)
	_, err = env.Store.Append(ctx, stream, eventstore.NoStream, eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: casefile.EventCaseOpened,
		Data: compactV1.Bytes(), Metadata: eventstore.Metadata{Actor: "acc-li", Role: "social_worker", OrgUnit: "station-hx", Schema: 1,
			OccurredAt: time.Date(2025, 6, 10, 2, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"张秀兰", "510108196505120029", "13800000000", "成华区保和街道和美社区3组12号", "独居老人"}
	for _, redact := range []bool{false, true} {
		r, err := env.Svc.ReplayStream(ctx, service.System, stream, service.ReplayOptions{Redact: redact})
		if err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if got := bytes.Contains(out, []byte(s)); got == redact {
				t.Errorf("redact %v: %q present %v", redact, s, got)
			}
		}
		if redact && !bytes.Contains(out, []byte(`"name":"[redacted]"`)) {
			t.Errorf("the upcast client name is not marked redacted: %s", out)
		}
	}
}
