package test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"casework/api/apitest"
	"casework/domain/value"
)

func openCase(env *apitest.Env, station string) map[string]any {
	return map[string]any{
		"source": "help_request",
		"client": map[string]any{"name": "李建国", "resident_id": "11010519491231002X", "gender": "female",
			"birth_date": "1949-12-31", "phone": "13900000001", "address": "湖滨街道东坡路8号"},
		"household":  map[string]any{"county": "330102", "size": 2, "address": "湖滨街道东坡路8号"},
		"domain":     "social_assistance",
		"station_id": station,
	}
}

// post sends a command and fails the test unless the status is want.
func post(tb testing.TB, env *apitest.Env, token, path string, body any, want int, hdr ...string) apitest.Response {
	tb.Helper()
	h := map[string]string{}
	for i := 0; i+1 < len(hdr); i += 2 {
		h[hdr[i]] = hdr[i+1]
	}
	r := env.Do(tb, token, http.MethodPost, path, body, h)
	if r.Status != want {
		tb.Fatalf("POST %s: %d, want %d: %s", path, r.Status, want, r.Body)
	}
	return r
}

func get(tb testing.TB, env *apitest.Env, token, path string, want int) apitest.Response {
	tb.Helper()
	r := env.Do(tb, token, http.MethodGet, path, nil, nil)
	if r.Status != want {
		tb.Fatalf("GET %s: %d, want %d: %s", path, r.Status, want, r.Body)
	}
	return r
}

// newCase opens a case as worker and returns its path.
func newCase(tb testing.TB, env *apitest.Env, token string) string {
	tb.Helper()
	r := post(tb, env, token, "/api/v1/cases", openCase(env, env.Units["station"].String()), http.StatusCreated)
	return r.Header.Get("Location")
}

func isProblem(r apitest.Response) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json")
}

// daysAgo is a date n days before today in China Standard Time.
func daysAgo(n int) string { return value.DateOf(time.Now()).AddDays(-n).String() }

var _ = fmt.Sprint
