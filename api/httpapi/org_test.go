package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"casework/api/apitest"
)

// recorder keeps every response body of a test, so that it can check that
// no password hash ever left the service.
type recorder struct {
	env    *apitest.Env
	bodies []string
}

func (r *recorder) do(tb testing.TB, token, method, path string, body any) apitest.Response {
	tb.Helper()
	resp := r.env.Do(tb, token, method, path, body, nil)
	r.bodies = append(r.bodies, string(resp.Body))
	return resp
}

func (r *recorder) login(tb testing.TB, user, password string) (string, int) {
	tb.Helper()
	resp := r.do(tb, "", http.MethodPost, "/api/v1/auth/token", map[string]string{"username": user, "password": password})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if resp.Status == http.StatusOK {
		resp.JSON(tb, &tok)
	}
	return tok.AccessToken, resp.Status
}

func (r *recorder) me(tb testing.TB, token string) (string, int) {
	tb.Helper()
	resp := r.do(tb, token, http.MethodGet, "/api/v1/me", nil)
	var me struct {
		Role string `json:"role"`
	}
	if resp.Status == http.StatusOK {
		resp.JSON(tb, &me)
	}
	return me.Role, resp.Status
}

// An admin creates an account that can log in; a role change shows on its
// existing token at once, disabling it makes that token 401, and no
// response ever carries a password hash.
func TestAccount_AdminLifecycle(t *testing.T) {
	env := apitest.Start(t)
	rec := &recorder{env: env}
	admin := env.Token(t, "admin")
	const pw, pw2 = "湖滨-initial-pw", "湖滨-changed-pw"
	create := map[string]any{"username": "xiaoli", "display_name": "李小", "role": "social_worker",
		"org_unit": env.Units["station"].String(), "password": pw}

	expect(t, "a supervisor creates an account", rec.do(t, env.Token(t, "supervisor"), http.MethodPost, "/api/v1/accounts", create), http.StatusForbidden)
	short := map[string]any{}
	for k, v := range create {
		short[k] = v
	}
	short["password"] = "short"
	expectRule(t, "a short password", rec.do(t, admin, http.MethodPost, "/api/v1/accounts", short), http.StatusUnprocessableEntity, "account.password.min_length")
	r := expect(t, "create", rec.do(t, admin, http.MethodPost, "/api/v1/accounts", create), http.StatusCreated)
	loc := r.Header.Get("Location")
	expectRule(t, "the same username again", rec.do(t, admin, http.MethodPost, "/api/v1/accounts", create), http.StatusConflict, "account.create.username_unique")

	tok, status := rec.login(t, "xiaoli", pw)
	if status != http.StatusOK {
		t.Fatalf("login: %d", status)
	}
	if role, _ := rec.me(t, tok); role != "social_worker" {
		t.Fatalf("me: role %q", role)
	}
	expect(t, "own account", rec.do(t, tok, http.MethodGet, loc, nil), http.StatusOK)
	expect(t, "another's account", rec.do(t, tok, http.MethodGet, "/api/v1/accounts/"+env.Accounts["worker"].AccountID.String(), nil), http.StatusForbidden)

	// The role change takes effect on the token issued before it.
	expect(t, "a worker changes a role", rec.do(t, env.Token(t, "worker"), http.MethodPost, loc+"/role",
		map[string]any{"role": "supervisor", "reason": "晋升"}), http.StatusForbidden)
	expect(t, "change role", rec.do(t, admin, http.MethodPost, loc+"/role", map[string]any{"role": "supervisor", "reason": "晋升为督导"}), http.StatusOK)
	if role, _ := rec.me(t, tok); role != "supervisor" {
		t.Fatalf("me after the role change: role %q", role)
	}

	// The account changes its own password; the old one stops working.
	expect(t, "own password", rec.do(t, tok, http.MethodPost, loc+"/password", map[string]any{"password": pw2}), http.StatusOK)
	if _, status := rec.login(t, "xiaoli", pw); status != http.StatusUnauthorized {
		t.Fatalf("old password: %d", status)
	}
	if _, status := rec.login(t, "xiaoli", pw2); status != http.StatusOK {
		t.Fatalf("new password: %d", status)
	}
	expect(t, "another's password", rec.do(t, tok, http.MethodPost, "/api/v1/accounts/"+env.Accounts["worker"].AccountID.String()+"/password",
		map[string]any{"password": "someone-elses-pw"}), http.StatusForbidden)

	// Disabled: the existing token is refused and so is a login.
	expect(t, "disable", rec.do(t, admin, http.MethodPost, loc+"/disable", map[string]any{"reason": "离职"}), http.StatusOK)
	if _, status := rec.me(t, tok); status != http.StatusUnauthorized {
		t.Fatalf("disabled token: %d", status)
	}
	if _, status := rec.login(t, "xiaoli", pw2); status != http.StatusUnauthorized {
		t.Fatalf("disabled login: %d", status)
	}
	expect(t, "enable", rec.do(t, admin, http.MethodPost, loc+"/enable", map[string]any{"reason": "返岗"}), http.StatusOK)
	if _, status := rec.me(t, tok); status != http.StatusOK {
		t.Fatalf("enabled token: %d", status)
	}

	// The admin's list shows the account, never a hash.
	var list struct {
		Accounts []map[string]any `json:"accounts"`
	}
	expect(t, "list", rec.do(t, admin, http.MethodGet, "/api/v1/accounts", nil), http.StatusOK).JSON(t, &list)
	found := false
	for _, a := range list.Accounts {
		if a["username"] == "xiaoli" {
			found = a["role"] == "supervisor" && a["disabled"] == false
		}
		for k := range a {
			if strings.Contains(k, "password") {
				t.Fatalf("account field %q listed", k)
			}
		}
	}
	if !found || len(list.Accounts) != len(env.Accounts)+1 {
		t.Fatalf("list: %d accounts, xiaoli found %v", len(list.Accounts), found)
	}
	expect(t, "a worker lists accounts", rec.do(t, tok, http.MethodGet, "/api/v1/accounts", nil), http.StatusForbidden)

	// The stored hash is never in any response.
	stored, ok := env.Svc.Directory().AccountByUsername("xiaoli")
	if !ok || !strings.HasPrefix(stored.PasswordHash, "$argon2id$") {
		t.Fatalf("stored hash: %q", stored.PasswordHash)
	}
	for _, b := range rec.bodies {
		if strings.Contains(b, "argon2") || strings.Contains(b, stored.PasswordHash[len(stored.PasswordHash)-20:]) || strings.Contains(b, pw2) {
			t.Fatalf("a response carries the password or its hash: %s", b)
		}
	}
}

// Separation of duties: the admin manages accounts but cannot read a case.
func TestAdmin_CannotReadCase(t *testing.T) {
	env := apitest.Start(t)
	r := expect(t, "open", env.Do(t, env.Token(t, "worker"), http.MethodPost, "/api/v1/cases", openCaseBody(env.Units["station"].String()), nil), http.StatusCreated)
	loc := r.Header.Get("Location")
	admin := env.Token(t, "admin")
	for _, path := range []string{loc, loc + "/history"} {
		g := expect(t, "admin GET "+path, env.Do(t, admin, http.MethodGet, path, nil, nil), http.StatusNotFound)
		if strings.Contains(string(g.Body), "王秀英") {
			t.Fatalf("the problem leaks the client: %s", g.Body)
		}
	}
	expect(t, "admin records a service", env.Do(t, admin, http.MethodPost, loc+"/follow-ups",
		map[string]any{"visited_on": "2026-01-05", "method": "home_visit"}, nil), http.StatusNotFound)
}

// The org tree is scoped: a station worker sees its station and rooms, the
// city admin everything; only the admin changes it.
func TestOrgUnits_Scoped(t *testing.T) {
	env := apitest.Start(t)
	units := func(who string) map[string]string {
		t.Helper()
		var out struct {
			OrgUnits []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"org_units"`
		}
		expect(t, "org-units "+who, env.Do(t, env.Token(t, who), http.MethodGet, "/api/v1/org-units", nil, nil), http.StatusOK).JSON(t, &out)
		m := map[string]string{}
		for _, u := range out.OrgUnits {
			m[u.ID] = u.Name
		}
		return m
	}
	id := func(name string) string { return env.Units[name].String() }
	if w := units("worker"); len(w) != 2 || w[id("station")] == "" || w[id("room")] == "" {
		t.Fatalf("worker sees %v", w)
	}
	if o := units("other-worker"); len(o) != 1 || o[id("station3")] == "" {
		t.Fatalf("other worker sees %v", o)
	}
	if b := units("bureau"); len(b) != 8 || b[id("bureau")] == "" || b[id("station3")] != "" {
		t.Fatalf("bureau sees %d units: %v", len(b), b)
	}
	if a := units("admin"); len(a) != len(env.Units) {
		t.Fatalf("admin sees %d of %d units", len(a), len(env.Units))
	}

	admin := env.Token(t, "admin")
	room := map[string]any{"kind": "room", "name": "南山路社区社工室", "parent_id": id("station2")}
	expect(t, "a county manager registers a unit", env.Do(t, env.Token(t, "county"), http.MethodPost, "/api/v1/org-units", room, nil), http.StatusForbidden)
	r := expect(t, "register", env.Do(t, admin, http.MethodPost, "/api/v1/org-units", room, nil), http.StatusCreated)
	loc := r.Header.Get("Location")
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(r.Body, &created); err != nil {
		t.Fatal(err)
	}
	if s2 := units("station2-worker"); s2[created.ID] != "南山路社区社工室" {
		t.Fatalf("station2 worker sees %v", s2)
	}
	expect(t, "a station worker reads another station's room", env.Do(t, env.Token(t, "worker"), http.MethodGet, loc, nil, nil), http.StatusNotFound)
	expect(t, "rename", env.Do(t, admin, http.MethodPost, loc+"/rename", map[string]any{"name": "南山社区社工室"}, nil), http.StatusOK)
	var u struct {
		Name string `json:"name"`
	}
	expect(t, "read", env.Do(t, env.Token(t, "station2-worker"), http.MethodGet, loc, nil, nil), http.StatusOK).JSON(t, &u)
	if u.Name != "南山社区社工室" {
		t.Fatalf("renamed to %q", u.Name)
	}
	expectRule(t, "close a station with an open room", env.Do(t, admin, http.MethodPost, "/api/v1/org-units/"+id("station2")+"/closure",
		map[string]any{"reason": "撤并"}, nil), http.StatusConflict, "org.close.no_open_children")
	expect(t, "close the room", env.Do(t, admin, http.MethodPost, loc+"/closure", map[string]any{"reason": "撤并"}, nil), http.StatusOK)
	expect(t, "a worker renames", env.Do(t, env.Token(t, "worker"), http.MethodPost, "/api/v1/org-units/"+id("station")+"/rename",
		map[string]any{"name": "x"}, nil), http.StatusForbidden)
}
