package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// ChecksText lists the checks with their documentation and the codes
// each may report, for 'gomoddoctor checks'.
func ChecksText(w io.Writer, list []*checks.Check) (err error) {
	w, done := guarded(w, guardMode{})
	defer done(&err)
	var b strings.Builder
	for _, c := range list {
		fmt.Fprintf(&b, "%s: %s\n", c.ID, c.Title)
		for _, line := range strings.Split(c.Doc, "\n") {
			fmt.Fprintf(&b, "    %s\n", line)
		}
		b.WriteString("\n    Codes:\n")
		for _, d := range c.Codes {
			sev := make([]string, len(d.Severities))
			for i, s := range d.Severities {
				sev[i] = string(s)
			}
			auto := ""
			if d.Auto {
				auto = " (--fix applies its fix)"
			}
			fmt.Fprintf(&b, "      %s [%s]%s\n          %s\n", d.Code, strings.Join(sev, "|"), auto, d.Meaning)
		}
		b.WriteString("\n")
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// checkDoc is one check in the JSON list of 'gomoddoctor checks --json'.
type checkDoc struct {
	ID    string        `json:"id"`
	Title string        `json:"title"`
	Doc   string        `json:"doc"`
	Codes []checks.Code `json:"codes"`
}

// ChecksJSON lists the checks and their codes as JSON:
// {"schema_version": 1, "checks": [{"id", "title", "doc", "codes":
// [{"code", "severities", "meaning", "auto"}]}]}.
func ChecksJSON(w io.Writer, list []*checks.Check) (err error) {
	w, done := guarded(w, guardMode{})
	defer done(&err)
	out := struct {
		SchemaVersion int        `json:"schema_version"`
		Checks        []checkDoc `json:"checks"`
	}{SchemaVersion: checks.SchemaVersion, Checks: []checkDoc{}}
	for _, c := range list {
		codes := c.Codes
		if codes == nil {
			codes = []checks.Code{}
		}
		out.Checks = append(out.Checks, checkDoc{ID: c.ID, Title: c.Title, Doc: c.Doc, Codes: codes})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
