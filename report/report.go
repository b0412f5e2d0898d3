// Package report renders a checks.Report. Each renderer only renders: it
// reads the report and writes one format, and decides nothing about the
// verdict, the exit code or what is secret (the checks package has done
// all of that before a report exists).
package report

import (
	"encoding/json"
	"io"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// JSON writes the report as one JSON object following the version 1
// contract (see checks.SchemaVersion).
func JSON(w io.Writer, r *checks.Report) (err error) {
	w, done := guarded(w, guardMode{})
	defer done(&err)
	r = r.Output()
	if r.RootCauses == nil { // always an array, as the contract says
		c := *r
		c.RootCauses = []checks.Ref{}
		r = &c
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
