// Package schematest validates gomoddoctor's JSON output against the
// schemas of package schema with a JSON Schema validator
// (github.com/santhosh-tekuri/jsonschema/v6, draft 2020-12). Tests use
// it; the doctor itself does not.
package schematest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gomoddoctor/gomoddoctor/report/schema"
)

var (
	once     sync.Once
	compiled map[string]*jsonschema.Schema
	compErr  error
)

func load() (map[string]*jsonschema.Schema, error) {
	once.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		names := []string{schema.Report, schema.Diff, schema.Checks}
		for _, name := range names {
			data, err := schema.Files.ReadFile(name)
			if err != nil {
				compErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
			if err != nil {
				compErr = fmt.Errorf("%s: %v", name, err)
				return
			}
			if err := c.AddResource(name, doc); err != nil {
				compErr = fmt.Errorf("%s: %v", name, err)
				return
			}
		}
		compiled = map[string]*jsonschema.Schema{}
		for _, name := range names {
			s, err := c.Compile(name)
			if err != nil {
				compErr = fmt.Errorf("%s: %v", name, err)
				return
			}
			compiled[name] = s
		}
	})
	return compiled, compErr
}

// SchemaFor names the schema a JSON output of gomoddoctor follows,
// from its shape: "kind": "diff" is a comparison; an object with checks
// but no tool is the list of 'gomoddoctor checks --json'; anything else
// is a report.
func SchemaFor(data []byte) (string, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return "", err
	}
	if k, ok := top["kind"]; ok && string(k) == `"diff"` {
		return schema.Diff, nil
	}
	if _, ok := top["tool"]; !ok {
		if _, ok := top["checks"]; ok {
			return schema.Checks, nil
		}
	}
	return schema.Report, nil
}

// Validate validates one JSON output against the schema its shape
// calls for, and returns which schema that was.
func Validate(data []byte) (string, error) {
	all, err := load()
	if err != nil {
		return "", fmt.Errorf("the schemas do not compile: %v", err)
	}
	name, err := SchemaFor(data)
	if err != nil {
		return "", fmt.Errorf("not JSON: %v", err)
	}
	return name, ValidateWith(all[name], data)
}

// ValidateAs validates data against the named schema.
func ValidateAs(name string, data []byte) error {
	all, err := load()
	if err != nil {
		return fmt.Errorf("the schemas do not compile: %v", err)
	}
	s, ok := all[name]
	if !ok {
		return fmt.Errorf("no schema %s", name)
	}
	return ValidateWith(s, data)
}

// ValidateWith validates data against a compiled schema.
func ValidateWith(s *jsonschema.Schema, data []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not JSON: %v", err)
	}
	if err := s.Validate(doc); err != nil {
		return fmt.Errorf("%s: %v", s.Location, err)
	}
	return nil
}

// Check fails the test when data, a JSON output of gomoddoctor, does not
// follow its schema.
func Check(t testing.TB, data []byte) {
	t.Helper()
	if name, err := Validate(data); err != nil {
		t.Errorf("the JSON output does not follow %s: %v\n%s", name, err, data)
	}
}
