package httpapi_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"casework/api/apitest"
	"casework/api/httpapi"
)

// The route table and the OpenAPI document cannot drift: every route has
// an operation and every operation a route.
func TestRoutes_MatchOpenAPI(t *testing.T) {
	env := apitest.Start(t)
	srv, err := httpapi.New(env.Svc, httpapi.Config{})
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, r := range srv.Routes() {
		parts := strings.Split(r.Path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") {
				parts[i] = "{" + p[1:] + "}"
			}
		}
		routes[r.Method+" "+strings.Join(parts, "/")] = true
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(srv.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("openapi version %q, want 3.1", doc.OpenAPI)
	}
	ops := map[string]bool{}
	for path, item := range doc.Paths {
		for method := range item {
			switch method {
			case "get", "post", "put", "patch", "delete":
				ops[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	var missing, extra []string
	for r := range routes {
		if !ops[r] {
			missing = append(missing, r)
		}
	}
	for o := range ops {
		if !routes[o] {
			extra = append(extra, o)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("routes without an OpenAPI operation: %v\nOpenAPI operations without a route: %v", missing, extra)
	}
	// The document is served as it is.
	r := env.Do(t, "", http.MethodGet, "/api/v1/openapi.json", nil, nil)
	if r.Status != http.StatusOK || string(r.Body) != string(srv.OpenAPI()) {
		t.Fatalf("served document differs: %d", r.Status)
	}
}
