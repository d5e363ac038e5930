// Package apitest builds real services for tests: a SQLite store in a temp
// dir, the application layer, the HTTP server on a loopback port, and a
// small org tree with one account per role.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/api/httpapi"
	"casework/api/service"
	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/org"
	"casework/domain/value"
	"casework/eventstore/pii"
	"casework/eventstore/sqlite"
)

// Password is every fixture account's password.
const Password = "casework-test-pw"

// Env is a running service with a seeded org tree.
type Env struct {
	Dir   string
	Store *sqlite.Store
	Keys  *pii.SQLiteKeyStore
	Svc   *service.Service
	HTTP  *httptest.Server
	// Units by short name: city, county, bureau, station, room, station2,
	// county2, bureau2, station3 (in county2), agency, agency2, evaluator,
	// contractor.
	Units map[string]uuid.UUID
	// Accounts by username: worker, worker2 (same station), supervisor,
	// county, bureau, evaluator, auditor, agency, admin, and other-worker
	// (station3, another county), other-supervisor, other-agency,
	// station2-worker, other-bureau, other-county.
	Accounts map[string]service.Principal
}

// Key is the fixed signing key of test services.
var Key = bytes.Repeat([]byte("k"), 32)

// MasterKey is the fixed master key of test services' key stores.
var MasterKey = bytes.Repeat([]byte("m"), pii.MasterKeySize)

// Standards are the minimum-living standards of the fixture county.
func Standards() []casefile.MinimumLivingStandard {
	return []casefile.MinimumLivingStandard{{RuleID: "dibao-demo", Version: 1, County: value.MustParseDivisionCode("330102"),
		EffectiveFrom: value.MustParseDate("2020-01-01"), MonthlyPerCapita: 98000}}
}

// Start runs a seeded service in tb's temp dir.
func Start(tb testing.TB) *Env {
	tb.Helper()
	dir := tb.TempDir()
	return StartAt(tb, dir, true)
}

// StartAt runs a service over the store in dir, seeding it when seed is
// true. Cleanup stops it.
func StartAt(tb testing.TB, dir string, seed bool) *Env {
	tb.Helper()
	return StartWith(tb, dir, Options{Seed: seed})
}

// Options configure StartWith.
type Options struct {
	// Seed seeds the org tree and the accounts into an empty store.
	Seed bool
	// Now is the service's clock (default time.Now).
	Now func() time.Time
}

// StartWith runs a service over the store in dir, which may be open in
// other Envs too: each opens the files on its own, as another node (or
// process) sharing the store would. Cleanup stops it.
func StartWith(tb testing.TB, dir string, opts Options) *Env {
	tb.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	keys, err := pii.OpenKeyStore(ctx, filepath.Join(dir, "keys.db"), pii.KeyStoreOptions{Suite: pii.Intl, Master: MasterKey})
	if err != nil {
		tb.Fatal(err)
	}
	svc, err := service.New(st, service.Config{SigningKey: Key, Standards: Standards, Keys: keys, Now: opts.Now})
	if err != nil {
		tb.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := svc.WaitReady(wctx); err != nil {
		tb.Fatal(err)
	}
	srv, err := httpapi.New(svc, httpapi.Config{Ready: svc.Ready})
	if err != nil {
		tb.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	env := &Env{Dir: dir, Store: st, Keys: keys, Svc: svc, HTTP: hs, Units: map[string]uuid.UUID{}, Accounts: map[string]service.Principal{}}
	tb.Cleanup(func() {
		hs.Close()
		svc.Close()
		st.Close()
		keys.Close()
	})
	if opts.Seed {
		env.seed(tb)
	} else {
		env.load(tb)
	}
	return env
}

func (e *Env) unit(tb testing.TB, name string, kind org.Kind, parent, label, division, credit string) {
	tb.Helper()
	in := org.RegisterInput{Kind: kind, Name: label, Division: division, CreditCode: credit}
	if parent != "" {
		in.ParentID = e.Units[parent]
	}
	res, err := e.Svc.RegisterOrgUnit(context.Background(), service.System, service.Options{}, in)
	if err != nil {
		tb.Fatalf("register %s: %v", name, err)
	}
	e.Units[name] = res.ID
}

func (e *Env) account(tb testing.TB, username string, role domain.Role, unit string) {
	tb.Helper()
	_, err := e.Svc.CreateAccount(context.Background(), service.System, service.Options{}, service.CreateAccountInput{
		Username: username, DisplayName: "测试" + username, Role: role, OrgUnit: e.Units[unit].String(), Password: Password})
	if err != nil {
		tb.Fatalf("create account %s: %v", username, err)
	}
}

func (e *Env) seed(tb testing.TB) {
	tb.Helper()
	e.unit(tb, "city", org.KindCity, "", "杭州市", "330100", "")
	e.unit(tb, "county", org.KindCounty, "city", "上城区", "330102", "")
	e.unit(tb, "county2", org.KindCounty, "city", "拱墅区", "330105", "")
	e.unit(tb, "bureau", org.KindBureau, "county", "上城区民政局", "", "")
	e.unit(tb, "bureau2", org.KindBureau, "county2", "拱墅区民政局", "", "")
	e.unit(tb, "station", org.KindStation, "county", "湖滨街道社工站", "", "")
	e.unit(tb, "station2", org.KindStation, "county", "清波街道社工站", "", "")
	e.unit(tb, "station3", org.KindStation, "county2", "米市巷街道社工站", "", "")
	e.unit(tb, "room", org.KindRoom, "station", "东坡路社区社工室", "", "")
	e.unit(tb, "agency", org.KindAgency, "county", "上城区慈善总会", "", "")
	e.unit(tb, "agency2", org.KindAgency, "county2", "拱墅区慈善总会", "", "")
	e.unit(tb, "evaluator", org.KindEvaluator, "county", "浙江社会工作评估中心", "", "")
	e.unit(tb, "contractor", org.KindContractor, "county", "上城区阳光社工服务中心", "", "52330102MJ8800001X")
	for _, a := range []struct {
		user string
		role domain.Role
		unit string
	}{
		{"worker", domain.RoleSocialWorker, "station"}, {"worker2", domain.RoleSocialWorker, "station"},
		{"supervisor", domain.RoleSupervisor, "station"}, {"county", domain.RoleCountyManager, "county"},
		{"bureau", domain.RoleBureauOfficer, "bureau"}, {"evaluator", domain.RoleEvaluator, "evaluator"},
		{"auditor", domain.RoleAuditor, "county"}, {"agency", domain.RoleAgencyWorker, "agency"},
		{"admin", domain.RoleAdmin, "city"}, {"other-worker", domain.RoleSocialWorker, "station3"},
		{"other-supervisor", domain.RoleSupervisor, "station3"}, {"other-agency", domain.RoleAgencyWorker, "agency2"},
		{"station2-worker", domain.RoleSocialWorker, "station2"},
		{"other-bureau", domain.RoleBureauOfficer, "bureau2"}, {"other-county", domain.RoleCountyManager, "county2"},
	} {
		e.account(tb, a.user, a.role, a.unit)
	}
	e.load(tb)
}

// load fills Units and Accounts from the directory (after a restart).
func (e *Env) load(tb testing.TB) {
	tb.Helper()
	for _, a := range e.Svc.Directory().Accounts() {
		e.Accounts[a.Username] = service.PrincipalOf(&a)
	}
}

// Head returns the position of the store's last event.
func (e *Env) Head(tb testing.TB) uint64 {
	tb.Helper()
	h, err := e.Store.Head(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// Token logs username in over HTTP and returns its bearer token.
func (e *Env) Token(tb testing.TB, username string) string {
	tb.Helper()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	resp := e.Do(tb, "", http.MethodPost, "/api/v1/auth/token", map[string]string{"username": username, "password": Password}, nil)
	if resp.Status != http.StatusOK {
		tb.Fatalf("login %s: %d %s", username, resp.Status, resp.Body)
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		tb.Fatal(err)
	}
	return out.AccessToken
}

// Response is a finished HTTP exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r Response) JSON(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends a request with token (may be empty) and body (nil, []byte sent
// as is, or a value encoded as JSON) and extra headers.
func (e *Env) Do(tb testing.TB, token, method, path string, body any, header map[string]string) Response {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.HTTP.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}
