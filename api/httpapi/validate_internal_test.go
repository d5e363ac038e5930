package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"
)

// referenceValidate is request validation done the plain way, by
// openapi3filter.ValidateRequest on a copy of the request: validate must
// answer exactly as it does.
func (s *Server) referenceValidate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		body, _ := io.ReadAll(io.LimitReader(req.Body, maxBody+1))
		if len(body) > maxBody {
			return newProblem(c, pkTooLarge, "")
		}
		if len(bytes.TrimSpace(body)) > 0 && !json.Valid(body) {
			return newProblem(c, pkMalformed, "the body is not valid JSON",
				ProblemField{Field: "", Rule: "body.json", Message: "the body is not valid JSON"})
		}
		rc := &request{Context: c, body: body}
		path := openAPIPath(c.Path())
		item := s.spec.doc.Paths.Value(path)
		if item == nil || item.GetOperation(req.Method) == nil {
			return next(rc)
		}
		params := map[string]string{}
		for i, n := range c.ParamNames() {
			params[n] = c.ParamValues()[i]
		}
		r2 := req.Clone(req.Context())
		r2.Body = io.NopCloser(bytes.NewReader(body))
		in := &openapi3filter.RequestValidationInput{
			Request: r2, PathParams: params,
			Route: &routers.Route{Spec: s.spec.vdoc, Path: path, PathItem: item, Method: req.Method, Operation: item.GetOperation(req.Method)},
			Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
				SkipSettingDefaults: true},
		}
		if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
			return s.validationProblem(c, err)
		}
		return next(rc)
	}
}

func TestValidate_AnswersAsValidateRequest(t *testing.T) {
	sp, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{spec: sp, log: slog.New(slog.DiscardHandler)}
	bound := func(c echo.Context) error {
		body := bodyOf(c)
		return c.Blob(http.StatusOK, "text/plain", body)
	}
	fast, ref := echo.New(), echo.New()
	for _, e := range []*echo.Echo{fast, ref} {
		e.HTTPErrorHandler = func(err error, c echo.Context) { _ = writeProblem(c, problemFor(c, err)) }
	}
	for _, r := range s.routes() {
		fast.Add(r.method, r.path, s.validate(sp.operation(r.method, r.path), bound))
		ref.Add(r.method, r.path, s.referenceValidate(bound))
	}
	const id = "0193c0de-0000-7000-8000-000000000001"
	svc := "/api/v1/cases/" + id + "/services"
	good := `{"method":"casework","kind":"home_visit","occurred_on":"2026-01-05","duration_minutes":30}`
	cases := []struct {
		name, method, target, ctype, body string
		ifMatch                           bool
		key                               string
	}{
		{"good", "POST", svc, "application/json", good, true, ""},
		{"good without If-Match", "POST", svc, "application/json", good, false, ""},
		{"idempotency key", "POST", svc, "application/json", good, false, "k-1"},
		{"empty idempotency key", "POST", svc, "application/json", good, false, " "},
		{"long idempotency key", "POST", svc, "application/json", good, true, strings.Repeat("k", 201)},
		{"good with charset", "POST", svc, "application/json; charset=utf-8", good, true, ""},
		{"problem+json", "POST", svc, "application/problem+json", good, true, ""},
		{"merge-patch+json", "POST", svc, "application/merge-patch+json", good, true, ""},
		{"wrong type", "POST", svc, "application/json", `{"method":"casework","kind":"home_visit","occurred_on":"2026-01-05","duration_minutes":"30"}`, true, ""},
		{"unknown field", "POST", svc, "application/json", `{"method":"casework","kind":"x","occurred_on":"2026-01-05","duration_minutes":3,"colour":"red"}`, true, ""},
		{"missing fields", "POST", svc, "application/json", `{"method":"casework"}`, true, ""},
		{"too long", "POST", svc, "application/json", `{"method":"casework","kind":"x","occurred_on":"2026-01-05","duration_minutes":3,"notes":"` + strings.Repeat("x", 4001) + `"}`, true, ""},
		{"array", "POST", svc, "application/json", `[1,2]`, true, ""},
		{"null", "POST", svc, "application/json", `null`, true, ""},
		{"empty object", "POST", svc, "application/json", `{}`, true, ""},
		{"empty", "POST", svc, "application/json", ``, true, ""},
		{"whitespace", "POST", svc, "application/json", "  \n", true, ""},
		{"vertical tab", "POST", svc, "application/json", "\v", true, ""},
		{"value then vertical tab", "POST", svc, "application/json", "{}\v", true, ""},
		{"two values", "POST", svc, "application/json", `{} {}`, true, ""},
		{"trailing junk", "POST", svc, "application/json", `{}x`, true, ""},
		{"truncated", "POST", svc, "application/json", `{"method":`, true, ""},
		{"duplicate names", "POST", svc, "application/json", `{"method":"a","method":"b","kind":"x","occurred_on":"2026-01-05","duration_minutes":3}`, true, ""},
		{"big number", "POST", svc, "application/json", `{"method":"casework","kind":"x","occurred_on":"2026-01-05","duration_minutes":1e400}`, true, ""},
		{"bad path id", "POST", "/api/v1/cases/nope/services", "application/json", good, true, ""},
		{"bad path id and body", "POST", "/api/v1/cases/nope/services", "application/json", `{}`, true, ""},
		{"open case nested", "POST", "/api/v1/cases", "application/json", `{"client":{"name":1},"household":{"size":"two"}}`, true, ""},
		{"query ok", "GET", "/api/v1/cases/" + id + "?revision=3", "", "", true, ""},
		{"query bad", "GET", "/api/v1/cases/" + id + "?revision=abc", "", "", true, ""},
		{"query negative", "GET", "/api/v1/cases/" + id + "/history?from=-1&limit=5000", "", "", true, ""},
		{"get with body", "GET", "/api/v1/cases/" + id, "application/json", `{"a":1}`, true, ""},
		{"login", "POST", "/api/v1/auth/token", "application/json", `{"username":"a","password":"b"}`, true, ""},
		{"login unknown field", "POST", "/api/v1/auth/token", "application/json", `{"username":"a","password":"b","x":1}`, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			do := func(e *echo.Echo) (int, string) {
				req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
				if tc.ctype != "" {
					req.Header.Set("Content-Type", tc.ctype)
				}
				if tc.ifMatch {
					req.Header.Set("If-Match", `"3"`)
				}
				if tc.key != "" {
					req.Header.Set("Idempotency-Key", tc.key)
				}
				w := httptest.NewRecorder()
				e.ServeHTTP(w, req)
				return w.Code, w.Body.String()
			}
			gs, gb := do(fast)
			ws, wb := do(ref)
			if gs != ws || gb != wb {
				t.Fatalf("got %d %s\nwant %d %s", gs, gb, ws, wb)
			}
		})
	}
}

// A parameter validate skips as plain must be one the library passes:
// every path parameter given any value, every optional header absent.
func TestPlainParams_PassTheLibrary(t *testing.T) {
	sp, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{spec: sp}
	values := []string{"0193c0de-0000-7000-8000-000000000001", "x", "%zz", "a b", "-1", "null", strings.Repeat("9", 300)}
	skipped := 0
	for _, r := range s.routes() {
		op := sp.operation(r.method, r.path)
		if op == nil {
			continue
		}
		for i, p := range op.params {
			if !op.plain[i] {
				continue
			}
			skipped++
			for _, v := range values {
				req := httptest.NewRequest(r.method, "/", nil)
				path := map[string]string{}
				if p.In == "path" {
					path[p.Name] = v
				}
				if !passes(p, path[p.Name], req.Header) {
					t.Fatalf("%s %s %s=%q: not skipped", r.method, r.path, p.Name, v)
				}
				in := &openapi3filter.RequestValidationInput{Request: req, PathParams: path, Route: op.route, Options: validateOptions}
				if err := openapi3filter.ValidateParameter(req.Context(), in, p); err != nil {
					t.Errorf("%s %s: %s %s=%q skipped, but the library says %v", r.method, r.path, p.In, p.Name, v, err)
				}
			}
		}
	}
	if skipped < 100 {
		t.Fatalf("only %d parameters are plain", skipped)
	}
}
