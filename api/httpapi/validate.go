package httpapi

import (
	"bytes"
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

	"casework/api/service"
	"casework/domain"
)

// request is the echo context of a request to a route of the API, with
// what the middleware learned for the handler: the body validate read and
// the principal authenticate found.
type request struct {
	echo.Context
	body []byte
	// value is the body decoded for its schema (nil when empty); unique
	// says that no object in it repeated a key, so that bind may set the
	// input from it (bindValue).
	value     any
	unique    bool
	principal service.Principal
}

// bodyOf returns the request body validate read (nil outside a route).
func bodyOf(c echo.Context) []byte {
	if r, ok := c.(*request); ok {
		return r.body
	}
	return nil
}

// operation is what validating one route's requests needs from the OpenAPI
// document, looked up once when the route is added rather than per request.
type operation struct {
	route *routers.Route
	// params are the path item's parameters the operation does not
	// override, then the operation's, in the order kin-openapi checks them.
	params []*openapi3.Parameter
	// plain[i] marks params[i] as one whose check cannot fail when it is
	// given (a path parameter) or absent (an optional header), see
	// plainParam.
	plain []bool
	body  *openapi3.RequestBody
	// bodyChecks are the body's schemas compiled, by media type (see
	// schemaCheck); a schema that does not compile has none.
	bodyChecks map[string]*schemaCheck
}

// operation returns the document's operation for an echo route, or nil
// when the document has none.
func (sp *spec) operation(method, echoPath string) *operation {
	path := openAPIPath(echoPath)
	item := sp.doc.Paths.Value(path)
	if item == nil {
		return nil
	}
	op := item.GetOperation(method)
	if op == nil {
		return nil
	}
	o := &operation{route: &routers.Route{Spec: sp.vdoc, Path: path, PathItem: item, Method: method, Operation: op}}
	for _, ref := range item.Parameters {
		if op.Parameters != nil && op.Parameters.GetByInAndName(ref.Value.In, ref.Value.Name) != nil {
			continue
		}
		o.params = append(o.params, ref.Value)
	}
	for _, ref := range op.Parameters {
		o.params = append(o.params, ref.Value)
	}
	for _, p := range o.params {
		o.plain = append(o.plain, plainParam(p))
	}
	if op.RequestBody != nil {
		o.body = op.RequestBody.Value
		o.bodyChecks = map[string]*schemaCheck{}
		for mt, content := range o.body.Content {
			if content != nil && content.Schema != nil {
				if c := compileSchema(content.Schema.Value, 0); c != nil {
					o.bodyChecks[mt] = c
				}
			}
		}
	}
	return o
}

// validateOptions are kin-openapi's options for our requests: every error
// at once, no defaults written into the body. Security is not checked
// here: authentication is the authenticate middleware's.
var validateOptions = &openapi3filter.Options{MultiError: true, SkipSettingDefaults: true,
	AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}

// validate reads and checks the body (size, media type, UTF-8, JSON) and
// validates the request against op (nil: the route is not in the
// document), before the handler runs. The body is decoded once for the
// schema; the handler binds from the same bytes.
func (s *Server) validate(op *operation, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		body, err := readBody(req)
		if err != nil {
			return newProblem(c, pkMalformed, "the body could not be read")
		}
		if len(body) > maxBody {
			return newProblem(c, pkTooLarge, fmt.Sprintf("the body is larger than %d bytes", maxBody))
		}
		var value any
		unique := false
		if len(bytes.TrimSpace(body)) > 0 {
			mt := req.Header.Get(echo.HeaderContentType)
			if mt != echo.MIMEApplicationJSON {
				mt, _, _ = mime.ParseMediaType(mt)
			}
			if mt != echo.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json") {
				return newProblem(c, pkUnsupported, "send the body as application/json")
			}
			if !utf8.Valid(body) {
				return newProblem(c, pkMalformed, "the body is not valid UTF-8",
					ProblemField{Field: "", Rule: "body.utf8", Message: "the body is not valid UTF-8"})
			}
			if value, unique, err = decodeValue(body, true); err != nil {
				return newProblem(c, pkMalformed, "the body is not valid JSON",
					ProblemField{Field: "", Rule: "body.json", Message: "the body is not valid JSON"})
			}
		}
		rc := &request{Context: c, body: body, value: value, unique: unique}
		if op == nil {
			return next(rc)
		}
		if err := op.check(c, body, value); err != nil {
			return s.validationProblem(c, err)
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		return next(rc)
	}
}

// readBody reads at most maxBody+1 bytes of the body, in one allocation
// when the request states its length.
func readBody(req *http.Request) ([]byte, error) {
	n := req.ContentLength
	if n < 0 || n > maxBody {
		n = 512
	}
	// One byte more than stated, so that the end is seen without growing.
	buf := make([]byte, 0, n+1)
	r := io.LimitReader(req.Body, maxBody+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// decodeValue decodes body as kin-openapi's JSON body decoder does
// (numbers kept as json.Number). whole also refuses anything but JSON
// whitespace after the value, as json.Valid does. unique reports that no
// object in it repeats a key (known when parseValue reads the body).
func decodeValue(body []byte, whole bool) (v any, unique bool, err error) {
	if v, unique, ok := parseValue(body); ok {
		return v, unique, nil
	}
	v, err = decodeJSON(body, whole)
	return v, false, err
}

// decodeJSON is decodeValue through encoding/json, which also words the
// errors.
func decodeJSON(body []byte, whole bool) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if whole && len(strings.TrimLeft(string(body[dec.InputOffset():]), " \t\r\n")) > 0 {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// check validates the request's parameters and its decoded body (value,
// nil when the body is empty or whitespace) as openapi3filter's
// ValidateRequest would, returning the same errors.
func (o *operation) check(c echo.Context, body []byte, value any) error {
	if o.surely(c, body, value) {
		return nil
	}
	req := c.Request()
	var params map[string]string
	if names := c.ParamNames(); len(names) > 0 {
		params = make(map[string]string, len(names))
		for i, n := range names {
			params[n] = c.ParamValues()[i]
		}
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: o.route, Options: validateOptions}
	var me openapi3.MultiError
	for i, p := range o.params {
		if o.plain[i] && passes(p, params[p.Name], req.Header) {
			continue
		}
		if err := openapi3filter.ValidateParameter(req.Context(), in, p); err != nil {
			me = append(me, err)
		}
	}
	if o.body != nil {
		if err := o.checkBody(in, body, value); err != nil {
			me = append(me, err)
		}
	}
	if len(me) > 0 {
		return me
	}
	return nil
}

// plainParam reports whether openapi3filter.ValidateParameter passes p
// without looking when passes(p) holds: an optional header with a string
// schema, when it is absent; or a path parameter whose schema is "a
// string" alone (no pattern, length, enum, const, condition, content
// schema or a format kin-openapi knows), when it is given. Either in the
// simple style, without composition or a default.
// TestPlainParams_PassTheLibrary holds this to the library.
func plainParam(p *openapi3.Parameter) bool {
	if p.Content != nil || p.Schema == nil || p.Schema.Value == nil || (p.Style != "" && p.Style != openapi3.SerializationSimple) {
		return false
	}
	sc := p.Schema.Value
	if !sc.Type.Is(openapi3.TypeString) || sc.Not != nil || len(sc.AllOf)+len(sc.AnyOf)+len(sc.OneOf) > 0 || sc.Default != nil {
		return false
	}
	switch p.In {
	case openapi3.ParameterInHeader:
		return !p.Required
	case openapi3.ParameterInPath:
		_, known := openapi3.SchemaStringFormats[sc.Format]
		return sc.Pattern == "" && sc.MinLength == 0 && sc.MaxLength == nil && len(sc.Enum) == 0 && !known &&
			sc.Const == nil && sc.If == nil && sc.ContentSchema == nil
	}
	return false
}

// passes reports whether the plain parameter p needs no check in this
// request: a path parameter given (pathValue is its value), or an
// optional header absent.
func passes(p *openapi3.Parameter, pathValue string, h http.Header) bool {
	if p.In == openapi3.ParameterInPath {
		return pathValue != ""
	}
	_, given := h[http.CanonicalHeaderKey(p.Name)]
	return !given
}

// surely reports whether the request passes check without asking
// kin-openapi: every parameter plain and passing, and the body (JSON,
// decoded into value) accepted by its compiled schema. false means "ask
// kin-openapi".
func (o *operation) surely(c echo.Context, body []byte, value any) bool {
	req := c.Request()
	for i, p := range o.params {
		if !o.plain[i] || !passes(p, c.Param(p.Name), req.Header) {
			return false
		}
	}
	if o.body == nil {
		return true
	}
	if len(body) == 0 || value == nil {
		return false
	}
	// Only a media type named as the document names it; kin-openapi
	// resolves the others.
	sc := o.bodyChecks[req.Header.Get(echo.HeaderContentType)]
	return sc != nil && sc.accepts(value)
}

// checkBody is openapi3filter.ValidateRequestBody on an already decoded
// body.
func (o *operation) checkBody(in *openapi3filter.RequestValidationInput, body []byte, value any) error {
	rb := o.body
	if len(body) == 0 {
		if rb.Required {
			return &openapi3filter.RequestError{Input: in, RequestBody: rb, Err: openapi3filter.ErrInvalidRequired}
		}
		return nil
	}
	if len(rb.Content) == 0 {
		return nil
	}
	ctype := in.Request.Header.Get(echo.HeaderContentType)
	content := rb.Content.Get(ctype)
	if content == nil {
		return &openapi3filter.RequestError{Input: in, RequestBody: rb,
			Reason: fmt.Sprintf("header Content-Type has unexpected value %q", ctype)}
	}
	if content.Schema == nil {
		return nil
	}
	if value == nil {
		// Whitespace (refused here) or null (checked against the schema).
		v, _, err := decodeValue(body, false)
		if err != nil {
			return &openapi3filter.RequestError{Input: in, RequestBody: rb, Reason: "failed to decode request body",
				Err: &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}}
		}
		value = v
	}
	if err := content.Schema.Value.VisitJSON(value, openapi3.VisitAsRequest(), openapi3.MultiErrors()); err != nil {
		reason := "doesn't match schema"
		if id := strings.TrimSpace(content.Schema.Ref); id != "" {
			reason += " " + id
		} else if id := strings.TrimSpace(content.Schema.Value.Title); id != "" {
			reason += " " + id
		}
		return &openapi3filter.RequestError{Input: in, RequestBody: rb, Reason: reason, Err: err}
	}
	return nil
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
	if r, ok := c.(*request); ok && r.unique && bindValue(v, r.value) {
		return nil
	}
	body := bodyOf(c)
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
