package report

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// GitHubOptions control the GitHub Actions output.
type GitHubOptions struct {
	Verbose bool // also emit informational findings, as notices
}

// GitHub writes the report as GitHub Actions workflow commands, so that
// problems show as annotations of the run: '::error' for failures,
// '::warning' for warnings (and checks that could not run, and log lines
// nothing recognised), '::notice' for the summary. Every line written is
// a workflow command whose data and properties are escaped as the runner
// requires (%, CR and LF; also ':' and ',' in properties), so no text
// from the environment, a server or a log can start a command of its own.
func GitHub(w io.Writer, r *checks.Report, opts GitHubOptions) (err error) {
	w, done := guarded(w, guardMode{annotations: true})
	defer done(&err)
	r = summarized(r.Output())
	var b strings.Builder
	if r.Log != nil {
		ghLog(&b, r.Log)
	}
	for f := range worstFirst(r, opts.Verbose) {
		ghCommand(&b, ghLevel(f.Severity), ghProps{title: ghTitle(f.Code, f.Subject)}, findingBody(f.Message, f.Detail, f.Fixes))
	}
	for _, c := range r.Checks {
		if c.Status == checks.StatusError {
			ghCommand(&b, "warning", ghProps{title: "gomoddoctor: the " + c.ID + " check could not run"}, firstLine(c.Error))
		}
	}
	ghPlan(&b, r)
	ghCommand(&b, "notice", ghProps{title: "gomoddoctor"}, ghSummary(r))
	_, err = io.WriteString(w, b.String())
	return err
}

func ghLog(b *strings.Builder, l *checks.LogReport) {
	for _, c := range l.Causes {
		body := c.Message
		if len(c.Evidence) > 0 {
			body += "\nlog line " + fmt.Sprint(c.Evidence[0].Line) + ": " + c.Evidence[0].Text
		}
		if c.Verdict != "" {
			body += "\n" + string(c.Verdict) + ": " + c.VerdictDetail
		}
		props := ghProps{title: ghTitle(c.Code, c.Subject)}
		if len(c.Evidence) > 0 {
			props.file, props.line, props.col = sourcePosition(c.Evidence[0].Text)
		}
		ghCommand(b, "error", props, findingBody(body, "", c.Fixes))
	}
	for _, e := range l.Unrecognised {
		props := ghProps{title: "gomoddoctor: go error not recognised"}
		props.file, props.line, props.col = sourcePosition(e.Text)
		ghCommand(b, "warning", props, fmt.Sprintf("log line %d: %s", e.Line, e.Text))
	}
}

func ghLevel(s checks.Severity) string {
	switch s {
	case checks.SevFail:
		return "error"
	case checks.SevWarn:
		return "warning"
	}
	return "notice"
}

func ghTitle(code, subject string) string {
	if subject == "" {
		return "gomoddoctor: " + code
	}
	return "gomoddoctor: " + code + " (" + subject + ")"
}

func findingBody(msg, detail string, fixes []checks.Fix) string {
	var b strings.Builder
	b.WriteString(msg)
	if detail != "" {
		b.WriteString("\n" + detail)
	}
	for _, x := range fixes {
		b.WriteString("\nfix: " + x.Title + "\n  $ " + x.Command)
	}
	return b.String()
}

func ghSummary(r *checks.Report) string {
	if l := r.Log; l != nil {
		switch {
		case l.Errors == 0:
			return "no go errors in the log"
		default:
			return fmt.Sprintf("%s in the log: %s recognised, %d not recognised", Plural(l.Errors, "go error"), Plural(len(l.Causes), "cause"), len(l.Unrecognised)+l.UnrecognisedOmitted)
		}
	}
	count := map[checks.Status]int{}
	for _, c := range r.Checks {
		count[c.Status]++
	}
	return fmt.Sprintf("%s: %d failed, %d with warnings, %d passed, %d skipped, %d could not run (status %s)",
		Plural(len(r.Checks), "check"), count[checks.StatusFail], count[checks.StatusWarn], count[checks.StatusPass], count[checks.StatusSkip], count[checks.StatusError], r.Status)
}

// ghProps are the properties of an annotation.
type ghProps struct {
	title, file string
	line, col   int
}

// ghCommand writes one workflow command line.
func ghCommand(b *strings.Builder, level string, p ghProps, data string) {
	var props []string
	if p.file != "" {
		props = append(props, "file="+ghProperty(p.file))
		if p.line > 0 {
			props = append(props, fmt.Sprintf("line=%d", p.line))
		}
		if p.col > 0 {
			props = append(props, fmt.Sprintf("col=%d", p.col))
		}
	}
	if p.title != "" {
		props = append(props, "title="+ghProperty(p.title))
	}
	b.WriteString("::" + level)
	if len(props) > 0 {
		b.WriteString(" " + strings.Join(props, ","))
	}
	b.WriteString("::" + ghData(data) + "\n")
}

// ghData escapes the data of a workflow command (after neutralising
// control characters): %, CR and LF.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a property value: as data, plus ':' and ','.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// positionRE finds a source position at the start of a go error line
// ("main.go:3:8: ...", "go.mod:5: ..."), for the annotation's file.
var positionRE = regexp.MustCompile(`^(?:go: )?((?:[\w.@+-]+/)*[\w.@+-]+\.(?:go|mod|sum|work)):(\d+)(?::(\d+))?: `)

// sourcePosition returns the file, line and column an entry starts with,
// when it names one; relative paths only (annotations need repository
// paths, and the go command prints them relative to where it ran).
func sourcePosition(text string) (string, int, int) {
	m := positionRE.FindStringSubmatch(text)
	if m == nil {
		return "", 0, 0
	}
	file := strings.TrimPrefix(m[1], "./")
	var line, col int
	fmt.Sscan(m[2], &line)
	if m[3] != "" {
		fmt.Sscan(m[3], &col)
	}
	return file, line, col
}
