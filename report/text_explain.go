package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// explainText writes the explanation of a go command log (r.Log): each
// recognised cause with the log lines it came from, its verdict when the
// live checks ran, and its fixes; then the error lines nothing
// recognised; then the live checks, if any ran.
func explainText(w io.Writer, r *checks.Report, opts TextOptions) error {
	p, wrap := textTools(w, opts)
	l := r.Log

	var b strings.Builder
	b.WriteString(header(r) + "\n")
	b.WriteString(wrap(0, fmt.Sprintf("explaining %s (%s, %s)", sourceName(l), Plural(l.Lines, "line"), Plural(l.Errors, "go error"))) + "\n")
	if l.Truncated {
		b.WriteString(wrap(0, p.warn.Sprint("note: the log is longer than the size limit; only its beginning was read")) + "\n")
	}

	for _, c := range l.Causes {
		b.WriteString("\n" + causeText(c, p, wrap, opts.Verbose))
	}
	if n := len(l.Unrecognised) + l.UnrecognisedOmitted; n > 0 {
		b.WriteString("\n" + p.errc.Sprint("?") + " " + p.code.Sprintf("not recognised (%d)", n) + "\n")
		b.WriteString(wrap(4, "go errors that no rule explains; they may not be about modules at all") + "\n")
		for _, e := range l.Unrecognised {
			b.WriteString(logEntryText(e, p, wrap))
		}
		if l.UnrecognisedOmitted > 0 {
			b.WriteString(wrap(6, fmt.Sprintf("... and %d more", l.UnrecognisedOmitted)) + "\n")
		}
	}

	if len(r.Checks) > 0 {
		b.WriteString("\n" + p.code.Sprint("Live checks on this machine") + "\n")
		b.WriteString(checkTable(layout(w), r, p, opts.Verbose))
		for f := range worstFirst(r, opts.Verbose) {
			b.WriteString("\n" + finding(f, p, wrap))
		}
	}
	b.WriteString("\n" + wrap(0, explainSummary(r, p)) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func sourceName(l *checks.LogReport) string {
	if l.Source == "" || l.Source == "-" {
		return "standard input"
	}
	return l.Source
}

func causeText(c checks.Cause, p palette, wrap func(int, string) string, verbose bool) string {
	var b strings.Builder
	b.WriteString(p.fail.Sprint("✗") + " " + p.code.Sprint(c.Code))
	if c.Subject != "" {
		b.WriteString(" " + p.faint.Sprint("("+c.Subject+")"))
	}
	b.WriteString("\n" + wrap(4, c.Message) + "\n")
	for _, e := range c.Evidence {
		b.WriteString(logEntryText(e, p, wrap))
	}
	if more := c.Count - len(c.Evidence); more > 0 {
		b.WriteString(p.faint.Sprint(wrap(6, fmt.Sprintf("... and %d more like it", more))) + "\n")
	}
	switch c.Verdict {
	case checks.VerdictConfirmed:
		b.WriteString(wrap(4, p.fail.Sprint("confirmed")+": "+c.VerdictDetail) + "\n")
	case checks.VerdictRuledOut:
		b.WriteString(wrap(4, p.pass.Sprint("ruled out here")+": "+c.VerdictDetail) + "\n")
	case checks.VerdictNotChecked:
		b.WriteString(wrap(4, p.skip.Sprint("not checked")+": "+c.VerdictDetail) + "\n")
	}
	if verbose && len(c.Checks) > 0 {
		b.WriteString(p.faint.Sprint(wrap(4, "checks that can confirm it: "+strings.Join(c.Checks, ", "))) + "\n")
	}
	b.WriteString(fixLines(c.Fixes, p, wrap))
	return b.String()
}

// logEntryText quotes one entry of the log with its line number.
func logEntryText(e checks.LogEntry, p palette, wrap func(int, string) string) string {
	var b strings.Builder
	for i, line := range strings.Split(e.Text, "\n") {
		line = strings.ReplaceAll(line, "\t", "  ")
		if i == 0 {
			line = fmt.Sprintf("line %d: %s", e.Line, line)
		} else {
			line = "  " + line
		}
		b.WriteString(p.faint.Sprint(wrap(6, line)) + "\n")
	}
	return b.String()
}

func explainSummary(r *checks.Report, p palette) string {
	l := r.Log
	if l.Errors == 0 {
		return p.pass.Sprint("No go errors in the log.")
	}
	var parts []string
	if n := len(l.Causes); n > 0 {
		parts = append(parts, p.fail.Sprint(Plural(n, "cause"))+" recognised")
	}
	if n := len(l.Unrecognised) + l.UnrecognisedOmitted; n > 0 {
		parts = append(parts, p.errc.Sprint(Plural(n, "error"))+" not recognised")
	}
	verdict := "The go command failed; run the fixes above."
	if len(l.Causes) == 0 {
		verdict = "The go command failed, but not for a module problem this tool knows."
	}
	return fmt.Sprintf("%s (%s).\n%s", strings.Join(parts, ", "), Plural(l.Errors, "go error"), verdict)
}
