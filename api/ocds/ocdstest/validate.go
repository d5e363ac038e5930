// Package ocdstest validates release packages against the OCDS 1.1.5
// release-package schema, whose files it embeds from testdata/ so that
// tests need neither the network nor files outside the repository.
package ocdstest

import (
	"bytes"
	"embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed testdata/*.json
var schemas embed.FS

// The published URLs the schemas know each other by.
const (
	packageURL = "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json"
	releaseURL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
)

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	for url, file := range map[string]string{packageURL: "testdata/release-package-schema.json", releaseURL: "testdata/release-schema.json"} {
		raw, err := schemas.ReadFile(file)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			return nil, err
		}
	}
	// Draft 4 schemas: formats (date-time, uri) are asserted.
	return c.Compile(packageURL)
})

// Validate checks that data is a release package valid against the OCDS
// 1.1.5 schema. Errors: malformed JSON, or a *jsonschema.ValidationError
// listing every violation.
func Validate(data []byte) error {
	sch, err := compiled()
	if err != nil {
		return fmt.Errorf("compile the OCDS schema: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("release package: %w", err)
	}
	return sch.Validate(doc)
}
