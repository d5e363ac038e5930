package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"casework/api/apitest"
)

func openCaseBody(station string) map[string]any {
	return map[string]any{
		"source": "walk_in",
		"client": map[string]any{"name": "王秀英", "resident_id": "11010519491231002X", "gender": "female",
			"birth_date": "1949-12-31", "phone": "13800000000", "address": "湖滨街道东坡路8号"},
		"household":  map[string]any{"county": "330102", "size": 2},
		"domain":     "elderly_care",
		"station_id": station,
	}
}

func TestCase_OpenThenRead(t *testing.T) {
	env := apitest.Start(t)
	tok := env.Token(t, "worker")
	r := env.Do(t, tok, http.MethodPost, "/api/v1/cases", openCaseBody(env.Units["station"].String()), nil)
	if r.Status != http.StatusCreated {
		t.Fatalf("open: %d %s", r.Status, r.Body)
	}
	loc := r.Header.Get("Location")
	if r.Header.Get("ETag") != `"0"` || !strings.HasPrefix(loc, "/api/v1/cases/") {
		t.Fatalf("headers: %v", r.Header)
	}
	g := env.Do(t, tok, http.MethodGet, loc, nil, nil)
	if g.Status != http.StatusOK || !strings.Contains(string(g.Body), `"stage":"intake"`) {
		t.Fatalf("get: %d %s", g.Status, g.Body)
	}
	// Another county's worker does not learn the case exists.
	other := env.Token(t, "other-worker")
	if g := env.Do(t, other, http.MethodGet, loc, nil, nil); g.Status != http.StatusNotFound {
		t.Fatalf("other county: %d %s", g.Status, g.Body)
	}
	// Unknown fields are refused with a problem naming them.
	body := openCaseBody(env.Units["station"].String())
	body["surprise"] = 1
	b := env.Do(t, tok, http.MethodPost, "/api/v1/cases", body, nil)
	if b.Status != http.StatusUnprocessableEntity || !strings.Contains(b.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("unknown field: %d %s", b.Status, b.Body)
	}
	t.Logf("%s", b.Body)
}
