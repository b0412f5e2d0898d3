package report

import (
	"iter"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// worstFirst yields the findings of a report in the order every format
// shows them: failures, then warnings, then (verbose only) information,
// each group in check order.
func worstFirst(r *checks.Report, verbose bool) iter.Seq[checks.Finding] {
	return func(yield func(checks.Finding) bool) {
		for _, sev := range []checks.Severity{checks.SevFail, checks.SevWarn, checks.SevInfo} {
			if sev == checks.SevInfo && !verbose {
				return
			}
			for _, c := range r.Checks {
				for _, f := range c.Findings {
					if f.Severity == sev && !yield(f) {
						return
					}
				}
			}
		}
	}
}

// problemNote counts a check's failing and warning findings in words:
// "2 problems, 1 warning", or "" when there are none.
func problemNote(c checks.CheckResult) string {
	fails, warns := 0, 0
	for _, f := range c.Findings {
		switch f.Severity {
		case checks.SevFail:
			fails++
		case checks.SevWarn:
			warns++
		}
	}
	var note []string
	if fails > 0 {
		note = append(note, Plural(fails, "problem"))
	}
	if warns > 0 {
		note = append(note, Plural(warns, "warning"))
	}
	return strings.Join(note, ", ")
}
