package httpapi

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"
	"go.yaml.in/yaml/v4"

	"casework/domain"
)

// The OpenAPI document is written by hand, one file per resource family
// under openapi/, and merged into one document at start: base.yaml holds
// the info, security and shared components; every other file holds paths
// and the components they use.
//
//go:embed openapi/*.yaml
var specFS embed.FS

type spec struct {
	doc *openapi3.T
	// vdoc is doc marked as OpenAPI 3.0 for request validation: for a 3.1
	// document kin-openapi compiles a JSON Schema 2020-12 validator on
	// every request (most of a request's CPU), while our schemas keep to
	// the subset both dialects read alike (type, properties, required,
	// additionalProperties, enum, pattern, format, length and range), which
	// its 3.0 validator checks from the parsed schemas directly.
	vdoc *openapi3.T
	json []byte
}

func loadSpec() (*spec, error) {
	names, err := specFS.ReadDir("openapi")
	if err != nil {
		return nil, err
	}
	base, err := readPart("openapi/base.yaml")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if n.Name() == "base.yaml" {
			continue
		}
		part, err := readPart("openapi/" + n.Name())
		if err != nil {
			return nil, err
		}
		if err := merge(base, part, n.Name()); err != nil {
			return nil, err
		}
	}
	raw, err := json.Marshal(base)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("openapi: load merged document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: the document is invalid: %w", err)
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	vdoc := *doc
	vdoc.OpenAPI = "3.0.3"
	return &spec{doc: doc, vdoc: &vdoc, json: out}, nil
}

func readPart(name string) (map[string]any, error) {
	b, err := specFS.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("openapi: %s: %w", name, err)
	}
	return m, nil
}

// merge adds part's paths and components (by section) to base, refusing
// a name defined twice. A part's own info and openapi lines only make it
// readable on its own.
func merge(base, part map[string]any, name string) error {
	section := func(m map[string]any, key string) map[string]any {
		v, _ := m[key].(map[string]any)
		if v == nil {
			v = map[string]any{}
			m[key] = v
		}
		return v
	}
	into := func(dst, src map[string]any, what string) error {
		for k, v := range src {
			if _, dup := dst[k]; dup {
				return fmt.Errorf("openapi: %s: %s %s defined twice", name, what, k)
			}
			dst[k] = v
		}
		return nil
	}
	if p, ok := part["paths"].(map[string]any); ok {
		if err := into(section(base, "paths"), p, "path"); err != nil {
			return err
		}
	}
	comps, _ := part["components"].(map[string]any)
	for kind, v := range comps {
		src, _ := v.(map[string]any)
		if err := into(section(section(base, "components"), kind), src, kind); err != nil {
			return err
		}
	}
	return nil
}

// OpenAPI returns the merged OpenAPI document as JSON.
func (s *Server) OpenAPI() []byte { return s.spec.json }

func (s *Server) serveSpec(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, s.spec.json)
}

const bodyKey = "casework.body"

// validate reads and checks the body (size, media type, UTF-8, JSON) and
// validates the request against its OpenAPI operation, before the
// handler runs.
func (s *Server) validate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		body, err := io.ReadAll(io.LimitReader(req.Body, maxBody+1))
		if err != nil {
			return newProblem(c, pkMalformed, "the body could not be read")
		}
		if len(body) > maxBody {
			return newProblem(c, pkTooLarge, fmt.Sprintf("the body is larger than %d bytes", maxBody))
		}
		if len(bytes.TrimSpace(body)) > 0 {
			mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
			if mt != echo.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json") {
				return newProblem(c, pkUnsupported, "send the body as application/json")
			}
			if !utf8.Valid(body) {
				return newProblem(c, pkMalformed, "the body is not valid UTF-8",
					ProblemField{Field: "", Rule: "body.utf8", Message: "the body is not valid UTF-8"})
			}
			if !json.Valid(body) {
				return newProblem(c, pkMalformed, "the body is not valid JSON",
					ProblemField{Field: "", Rule: "body.json", Message: "the body is not valid JSON"})
			}
		}
		c.Set(bodyKey, body)
		path := openAPIPath(c.Path())
		item := s.spec.doc.Paths.Value(path)
		if item == nil || item.GetOperation(req.Method) == nil {
			return next(c)
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
		req.Body = io.NopCloser(bytes.NewReader(body))
		return next(c)
	}
}

// validationProblem turns kin-openapi's errors into a problem naming each
// field and the schema keyword it breaks. A malformed path parameter means
// the resource cannot exist: 404.
func (s *Server) validationProblem(c echo.Context, err error) error {
	var fields []ProblemField
	pathParam := false
	var walk func(error, string)
	walk = func(err error, prefix string) {
		var me openapi3.MultiError
		var re *openapi3filter.RequestError
		var se *openapi3.SchemaError
		switch {
		case errors.As(err, &me):
			for _, e := range me {
				walk(e, prefix)
			}
		case errors.As(err, &re):
			p := prefix
			if re.Parameter != nil {
				p = re.Parameter.Name
				if re.Parameter.In == "path" {
					pathParam = true
				}
			}
			if re.Err == nil {
				fields = append(fields, ProblemField{Field: p, Rule: "request", Message: re.Reason})
				return
			}
			walk(re.Err, p)
		case errors.As(err, &se):
			field := strings.Join(se.JSONPointer(), ".")
			// "property "x" is missing/unsupported" names the field itself.
			if m := propertyRe.FindStringSubmatch(se.Reason); m != nil && field != m[1] && !strings.HasSuffix(field, "."+m[1]) {
				if field != "" {
					field += "."
				}
				field += m[1]
			}
			if prefix != "" && field != "" {
				field = prefix + "." + field
			} else if field == "" {
				field = prefix
			}
			rule := "schema." + se.SchemaField
			switch {
			case strings.HasSuffix(se.Reason, "is unsupported"):
				rule = "unknown_field"
			case strings.HasSuffix(se.Reason, "is missing"):
				rule = "required"
			}
			fields = append(fields, ProblemField{Field: field, Rule: rule, Message: se.Reason})
		default:
			fields = append(fields, ProblemField{Field: prefix, Rule: "request", Message: err.Error()})
		}
	}
	walk(err, "")
	if pathParam {
		return newProblem(c, pkNotFound, "no such resource")
	}
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
	return newProblem(c, pkValidation, "the request does not match the API's schema", fields...)
}

var propertyRe = regexp.MustCompile(`^property "([^"]+)"`)

// bind decodes the validated body into v, refusing unknown fields.
func bind(c echo.Context, v any) error {
	body, _ := c.Get(bodyKey).([]byte)
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var re *domain.Error
		switch {
		case errors.As(err, &re):
			if re.Field == "" {
				return re.At(locateField(body, v, re.Rule))
			}
			return err
		case errors.As(err, &te):
			return newProblem(c, pkValidation, "a field has the wrong type",
				ProblemField{Field: te.Field, Rule: "type", Message: "expected " + te.Type.String() + ", got " + te.Value})
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return newProblem(c, pkValidation, "unknown field", ProblemField{Field: f, Rule: "unknown_field", Message: "this field is not part of the request"})
		}
		// Value types (dates, ID numbers, money) refuse bad text here.
		return newProblem(c, pkValidation, "a field could not be read", ProblemField{Field: "", Rule: "decode", Message: err.Error()})
	}
	return nil
}
