package test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"casework/api/apitest"
)

// Bad input gets a problem naming the field and rule, never a 500, and
// never moves the store's head.
func TestBadInput_ProblemAndNothingWritten(t *testing.T) {
	env := apitest.Start(t)
	w := env.Token(t, "worker")
	c := newCase(t, env, w)
	good := openCase(env, env.Units["station"].String())
	with := func(f func(m map[string]any)) []byte {
		raw, _ := json.Marshal(good)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		f(m)
		out, _ := json.Marshal(m)
		return out
	}
	cases := []struct {
		name, path string
		body       []byte
		status     int
		field      string
	}{
		{"malformed JSON", "/api/v1/cases", []byte(`{"source": "walk_in",`), 400, ""},
		{"not an object", "/api/v1/cases", []byte(`[1,2]`), 422, ""},
		{"wrong type", "/api/v1/cases", with(func(m map[string]any) { m["household"].(map[string]any)["size"] = "two" }), 422, "household.size"},
		{"unknown field", "/api/v1/cases", with(func(m map[string]any) { m["favourite_colour"] = "red" }), 422, "favourite_colour"},
		{"missing field", "/api/v1/cases", with(func(m map[string]any) { delete(m, "client") }), 422, "client"},
		{"invalid ID number", "/api/v1/cases", with(func(m map[string]any) { m["client"].(map[string]any)["resident_id"] = "110105194912310021" }), 422, "client.resident_id"},
		{"legacy 15-digit ID", "/api/v1/cases", with(func(m map[string]any) { m["client"].(map[string]any)["resident_id"] = "110105491231002" }), 422, "client.resident_id"},
		{"unknown domain", "/api/v1/cases", with(func(m map[string]any) { m["domain"] = "astrology" }), 422, "domain"},
		{"2 MiB body", "/api/v1/cases", append([]byte(`{"source":"`), append(bytes.Repeat([]byte("x"), 2<<20), []byte(`"}`)...)...), 413, ""},
		{"invalid UTF-8", "/api/v1/cases", []byte("{\"source\":\"walk_in\xff\"}"), 400, ""},
		{"bad date", c + "/services", []byte(`{"method":"casework","kind":"home_visit","occurred_on":"2026-02-30","duration_minutes":30}`), 422, "occurred_on"},
		{"negative duration", c + "/services", []byte(`{"method":"casework","kind":"home_visit","occurred_on":"` + daysAgo(0) + `","duration_minutes":-5}`), 422, "duration_minutes"},
		{"future service", c + "/services", []byte(`{"method":"casework","kind":"home_visit","occurred_on":"` + daysAgo(-3) + `","duration_minutes":5}`), 422, "occurred_on"},
		{"empty body", c + "/services", []byte(``), 422, ""},
		// The schema sees the last of a repeated key; the input is decoded
		// from every one, as encoding/json does, so the first is refused.
		{"repeated key", c + "/services", []byte(`{"method":"casework","kind":"home_visit","occurred_on":"` + daysAgo(0) + `","duration_minutes":"x","duration_minutes":30}`), 422, "duration_minutes"},
	}
	h0 := env.Head(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := env.Do(t, w, http.MethodPost, tc.path, tc.body, nil)
			if r.Status != tc.status || !isProblem(r) {
				t.Fatalf("status %d (want %d), type %q: %s", r.Status, tc.status, r.Header.Get("Content-Type"), r.Body)
			}
			var p struct {
				Status int
				Title  string
				Errors []struct{ Field, Rule string }
			}
			r.JSON(t, &p)
			if p.Status != tc.status || p.Title == "" {
				t.Fatalf("problem %s", r.Body)
			}
			if tc.field != "" {
				found := false
				for _, e := range p.Errors {
					found = found || (e.Field == tc.field && e.Rule != "")
				}
				if !found {
					t.Fatalf("no error names %s: %s", tc.field, r.Body)
				}
			}
			if strings.Contains(string(r.Body), "110105194912310021") {
				t.Fatal("the problem echoes the ID number")
			}
		})
	}
	if env.Head(t) != h0 {
		t.Fatalf("bad input moved the head from %d to %d", h0, env.Head(t))
	}
	// Unknown routes and methods are problems too.
	if r := env.Do(t, w, http.MethodGet, "/api/v1/nothing-here", nil, nil); r.Status != 404 || !isProblem(r) {
		t.Fatalf("unknown route: %d %s", r.Status, r.Body)
	}
	if r := env.Do(t, w, http.MethodDelete, c, nil, nil); r.Status != 405 || !isProblem(r) {
		t.Fatalf("wrong method: %d %s", r.Status, r.Body)
	}
	// English titles on request.
	r := env.Do(t, w, http.MethodPost, "/api/v1/cases", []byte(`{`), map[string]string{"Accept-Language": "en-GB,en;q=0.9"})
	if !strings.Contains(string(r.Body), "malformed") {
		t.Fatalf("English problem: %s", r.Body)
	}
	// No token, bad token.
	if r := env.Do(t, "", http.MethodGet, c, nil, nil); r.Status != 401 || r.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("no token: %d", r.Status)
	}
	if r := env.Do(t, "not-a-token", http.MethodGet, c, nil, nil); r.Status != 401 {
		t.Fatalf("bad token: %d", r.Status)
	}
}

// Five failed logins lock the account for a while, even with the right
// password afterwards.
func TestLogin_LockoutAfterFiveFailures(t *testing.T) {
	env := apitest.Start(t)
	for i := range 5 {
		r := env.Do(t, "", http.MethodPost, "/api/v1/auth/token", map[string]string{"username": "worker", "password": "wrong-password"}, nil)
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, r.Status)
		}
	}
	r := env.Do(t, "", http.MethodPost, "/api/v1/auth/token", map[string]string{"username": "worker", "password": apitest.Password}, nil)
	if r.Status != http.StatusTooManyRequests || !isProblem(r) {
		t.Fatalf("after five failures: %d %s", r.Status, r.Body)
	}
	// Another account is unaffected.
	env.Token(t, "worker2")
}
