// Package schema holds the JSON Schemas of gomoddoctor's JSON output,
// version 1: report.v1.json for the report of 'gomoddoctor --json',
// 'explain --json' and 'run --json'; diff.v1.json for 'diff --json';
// checks.v1.json for 'checks --json'.
// Every object of version 1 allows properties the schema does not list:
// fields are added freely; renaming or removing one, or changing its
// type or meaning, bumps schema_version (and adds report.v2.json).
package schema

import "embed"

// Files holds the schemas.
//
//go:embed *.json
var Files embed.FS

// Names of the schemas in Files.
const (
	Report = "report.v1.json"
	Diff   = "diff.v1.json"
	Checks = "checks.v1.json"
)
