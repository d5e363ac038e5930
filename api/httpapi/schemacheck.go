package httpapi

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/getkin/kin-openapi/openapi3"
)

// schemaCheck is a request body schema compiled for the keywords our
// schemas use (type, properties, required, additionalProperties, items,
// string lengths, pattern, format, string enums, minimum and maximum), to pass a
// decoded body without kin-openapi's visit, which allocates its way
// through every value. It only ever accepts: a body it does not accept
// (a broken rule, a null, a number written as 1.0, anything it is unsure
// of) is checked by kin-openapi, which also words the errors. A schema
// with any other keyword (or a format on a number) compiles to nil, and its bodies always go to
// kin-openapi. TestSchemaCheck_AcceptsOnlyWhatKinOpenAPIAccepts holds it
// to the library over every request body schema of the document.
type schemaCheck struct {
	typ string // "" (any value but null), object, array, string, integer, number, boolean

	props    map[string]*schemaCheck
	required []string
	closed   bool // additionalProperties: false

	items            *schemaCheck // nil: any item but null
	minItems         uint64
	maxItems         *uint64
	minLength        uint64
	maxLength        *uint64
	pattern          *regexp.Regexp
	format           string // checked as kin-openapi does, by the validator registered when checked
	enum             []string
	minimum, maximum *float64
}

// compileSchema compiles s, or returns nil when s uses a keyword
// schemaCheck does not read (or nests deeper than 32).
func compileSchema(s *openapi3.Schema, depth int) *schemaCheck {
	if s == nil || depth > 32 {
		return nil
	}
	rest := *s
	// What does not bear on validating a request with defaults left out.
	rest.Extensions, rest.Origin, rest.Title, rest.Description, rest.Default, rest.Example = nil, nil, "", "", nil, nil
	rest.ExternalDocs, rest.Deprecated, rest.XML, rest.Examples, rest.Comment = nil, false, nil, nil, ""
	// What schemaCheck reads.
	rest.Type, rest.Properties, rest.Required, rest.AdditionalProperties = nil, nil, nil, openapi3.AdditionalProperties{}
	rest.Items, rest.MinItems, rest.MaxItems = nil, 0, nil
	rest.MinLength, rest.MaxLength, rest.Pattern, rest.Enum, rest.Min, rest.Max = 0, nil, "", nil, nil, nil
	if s.Type != nil && s.Type.Is(openapi3.TypeString) {
		rest.Format = ""
	}
	if !reflect.ValueOf(rest).IsZero() {
		return nil
	}
	c := &schemaCheck{minItems: s.MinItems, maxItems: s.MaxItems, minLength: s.MinLength, maxLength: s.MaxLength,
		minimum: s.Min, maximum: s.Max, required: s.Required}
	if s.Type != nil {
		if len(*s.Type) != 1 {
			return nil
		}
		c.typ = (*s.Type)[0]
	}
	// Each keyword only where the type it applies to is the only one
	// allowed, so that no keyword is silently skipped.
	if s.AdditionalProperties.Schema != nil {
		return nil
	}
	for _, k := range []struct {
		used  bool
		types []string
	}{
		{len(s.Properties) > 0 || len(s.Required) > 0 || s.AdditionalProperties.Has != nil, []string{openapi3.TypeObject}},
		{s.Items != nil || s.MinItems != 0 || s.MaxItems != nil, []string{openapi3.TypeArray}},
		{s.MinLength != 0 || s.MaxLength != nil || s.Pattern != "" || len(s.Enum) > 0, []string{openapi3.TypeString}},
		{s.Min != nil || s.Max != nil, []string{openapi3.TypeInteger, openapi3.TypeNumber}},
	} {
		if k.used && !slices.Contains(k.types, c.typ) {
			return nil
		}
	}
	switch c.typ {
	case "", openapi3.TypeBoolean, openapi3.TypeInteger, openapi3.TypeNumber:
	case openapi3.TypeObject:
		if has := s.AdditionalProperties.Has; has != nil && !*has {
			c.closed = true
		}
		c.props = make(map[string]*schemaCheck, len(s.Properties))
		for name, ref := range s.Properties {
			if ref == nil {
				return nil
			}
			p := compileSchema(ref.Value, depth+1)
			if p == nil {
				return nil
			}
			c.props[name] = p
		}
	case openapi3.TypeArray:
		if s.Items != nil {
			if c.items = compileSchema(s.Items.Value, depth+1); c.items == nil {
				return nil
			}
		}
	case openapi3.TypeString:
		if s.Pattern != "" {
			// kin-openapi rewrites \u escapes before compiling; any other
			// pattern it compiles as it is.
			if strings.Contains(s.Pattern, `\u`) {
				return nil
			}
			re, err := regexp.Compile(s.Pattern)
			if err != nil {
				return nil
			}
			c.pattern = re
		}
		c.format = s.Format
		for _, e := range s.Enum {
			str, ok := e.(string)
			if !ok {
				return nil
			}
			c.enum = append(c.enum, str)
		}
	default:
		return nil
	}
	return c
}

// accepts reports whether v passes c; false means "ask kin-openapi".
func (c *schemaCheck) accepts(v any) bool {
	if v == nil {
		return false
	}
	switch c.typ {
	case "":
		return true
	case openapi3.TypeObject:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for k, pv := range m {
			p := c.props[k]
			if p == nil {
				// An additional property, unchecked unless refused.
				if c.closed {
					return false
				}
				continue
			}
			if !p.accepts(pv) {
				return false
			}
		}
		for _, k := range c.required {
			if _, ok := m[k]; !ok {
				return false
			}
		}
		return true
	case openapi3.TypeArray:
		a, ok := v.([]any)
		if !ok || uint64(len(a)) < c.minItems || c.maxItems != nil && uint64(len(a)) > *c.maxItems {
			return false
		}
		for _, it := range a {
			if it == nil || c.items != nil && !c.items.accepts(it) {
				return false
			}
		}
		return true
	case openapi3.TypeString:
		s, ok := v.(string)
		if !ok {
			return false
		}
		if c.minLength != 0 || c.maxLength != nil {
			// As kin-openapi counts.
			n := uint64(0)
			for _, r := range s {
				if utf16.IsSurrogate(r) {
					n += 2
				} else {
					n++
				}
			}
			if n < c.minLength || c.maxLength != nil && n > *c.maxLength {
				return false
			}
		}
		if c.pattern != nil && !c.pattern.MatchString(s) {
			return false
		}
		if c.format != "" {
			if f, ok := openapi3.SchemaStringFormats[c.format]; ok && f.Validate(s) != nil {
				return false
			}
		}
		if len(c.enum) > 0 {
			for _, e := range c.enum {
				if s == e {
					return true
				}
			}
			return false
		}
		return true
	case openapi3.TypeInteger, openapi3.TypeNumber:
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		f, ok := plainNumber(string(n), c.typ == openapi3.TypeInteger)
		return ok && (c.minimum == nil || *c.minimum <= f) && (c.maximum == nil || *c.maximum >= f)
	case openapi3.TypeBoolean:
		_, ok := v.(bool)
		return ok
	}
	return false
}

// plainNumber reads a JSON number as kin-openapi does (json.Number's
// Float64), taking for an integer only digits with an optional minus.
func plainNumber(s string, integer bool) (float64, bool) {
	if integer {
		digits := strings.TrimPrefix(s, "-")
		if digits == "" {
			return 0, false
		}
		for i := 0; i < len(digits); i++ {
			if digits[i] < '0' || digits[i] > '9' {
				return 0, false
			}
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
