package httpapi

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	"go.yaml.in/yaml/v4"
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
