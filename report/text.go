package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/fatih/color"
	"github.com/muesli/termenv"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// TextOptions control the human report.
type TextOptions struct {
	Verbose bool // show passing checks' details and info findings
	Color   bool // emit colour escape codes
	Width   int  // wrap prose to this many columns; 0 means 80
	// HidePlan leaves the plan out ('gomoddoctor --fix' shows it in
	// detail instead).
	HidePlan bool
}

// palette holds the colours of one rendering; every one is a no-op when
// colour is off.
type palette struct {
	pass, warn, fail, skip, errc, code, cmd, faint *color.Color
}

func newPalette(on bool) palette {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return palette{
		pass: mk(color.FgGreen, color.Bold), warn: mk(color.FgYellow, color.Bold),
		fail: mk(color.FgRed, color.Bold), skip: mk(color.Faint), errc: mk(color.FgMagenta, color.Bold),
		code: mk(color.Bold), cmd: mk(color.FgCyan), faint: mk(color.Faint),
	}
}

// Text writes the report in the spirit of flutter doctor: one line per
// check, then each problem (worst first) with its evidence and the exact
// command that fixes it, then a one-line summary. A report of 'explain'
// (r.Log set) is written as the explanation of its log.
func Text(w io.Writer, r *checks.Report, opts TextOptions) (err error) {
	w, done := guarded(w, guardMode{color: opts.Color})
	defer done(&err)
	r = summarized(r.Output())
	if r.Log != nil {
		return explainText(w, r, opts)
	}
	p, wrap := textTools(w, opts)
	lg := layout(w)

	var b strings.Builder
	b.WriteString(header(r) + "\n\n")
	b.WriteString(checkTable(lg, r, p, opts.Verbose))

	// Without -v, the problems are shown as causes (causes.go), and the
	// plan lists only the steps no cause shows.
	steps := r.Plan
	if opts.Verbose {
		for f := range worstFirst(r, opts.Verbose) {
			b.WriteString("\n" + finding(f, p, wrap))
		}
	} else {
		steps = causesText(&b, r, p, wrap, opts.Width)
	}
	for _, c := range r.Checks {
		if c.Status != checks.StatusError {
			continue
		}
		msg := c.Error
		if !opts.Verbose {
			msg, _, _ = strings.Cut(msg, "\n") // the stack trace is for -v
		}
		b.WriteString("\n" + p.errc.Sprint("? ") + p.code.Sprint(c.ID) + ": could not run\n")
		b.WriteString(wrap(4, msg) + "\n")
	}
	if !opts.HidePlan {
		planText(&b, r, steps, p, wrap)
	}
	fixText(&b, r, p, wrap)
	b.WriteString("\n" + wrap(0, summary(r, p)) + "\n")
	_, err = io.WriteString(w, b.String())
	return err
}

// textTools returns the palette and the wrapping function of a text
// rendering: lipgloss does the layout only; colour comes from
// fatih/color, so lipgloss never emits escape codes of its own.
func textTools(w io.Writer, opts TextOptions) (palette, func(int, string) string) {
	width := opts.Width
	if width <= 0 {
		width = 80
	}
	lg := layout(w)
	wrap := func(indent int, s string) string {
		// Wrap at spaces only: lipgloss also breaks after a hyphen,
		// which splits flags such as --mirror ("-" / "-mirror") and
		// module paths. Non-breaking hyphens stand in while it wraps.
		s = strings.ReplaceAll(s, "-", nbHyphen)
		out := lg.NewStyle().PaddingLeft(indent).Width(width).Render(s)
		out = strings.ReplaceAll(out, nbHyphen, "-")
		lines := strings.Split(out, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight(l, " ")
		}
		return strings.Join(lines, "\n")
	}
	return newPalette(opts.Color), wrap
}

// layout returns the lipgloss renderer of a text rendering: layout only,
// never colour (that is fatih/color's, which honours NO_COLOR).
func layout(w io.Writer) *lipgloss.Renderer {
	lg := lipgloss.NewRenderer(w)
	lg.SetColorProfile(termenv.Ascii)
	return lg
}

// nbHyphen is U+2011 NON-BREAKING HYPHEN, one cell wide like "-".
const nbHyphen = "\u2011"

func header(r *checks.Report) string {
	parts := []string{r.Tool.Name + " " + r.Tool.Version}
	if r.Go.Version != "" {
		parts = append(parts, fmt.Sprintf("%s %s/%s", r.Go.Version, r.Go.OS, r.Go.Arch))
	} else {
		parts = append(parts, "no working go command")
	}
	if r.Module != nil {
		name := r.Module.Path
		if name == "" {
			name = "(unparsable go.mod)"
		}
		parts = append(parts, "module "+name)
	}
	return strings.Join(parts, " · ")
}

func checkTable(lg *lipgloss.Renderer, r *checks.Report, p palette, verbose bool) string {
	idW, titleW := 0, 0
	for _, c := range r.Checks {
		idW = max(idW, len(c.ID))
		titleW = max(titleW, lipgloss.Width(c.Title))
	}
	var b strings.Builder
	for _, c := range r.Checks {
		mark, note := statusMark(c, p)
		line := mark + " " + lg.NewStyle().Width(titleW+2).Render(c.Title) + p.faint.Sprint(lg.NewStyle().Width(idW+2).Render(c.ID)) + note
		if verbose {
			line += p.faint.Sprintf(" (%s)", shortDuration(c.Duration))
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return b.String()
}

// statusMark returns the bracketed symbol of a check and a short note.
func statusMark(c checks.CheckResult, p palette) (string, string) {
	note := problemNote(c)
	switch c.Status {
	case checks.StatusPass:
		return p.pass.Sprint("[✓]"), ""
	case checks.StatusWarn:
		return p.warn.Sprint("[!]"), note
	case checks.StatusFail:
		return p.fail.Sprint("[✗]"), note
	case checks.StatusSkip:
		return p.skip.Sprint("[-]"), p.skip.Sprint("skipped: " + c.SkipReason)
	}
	return p.errc.Sprint("[?]"), "could not run"
}

func finding(f checks.Finding, p palette, wrap func(int, string) string) string {
	var mark string
	switch f.Severity {
	case checks.SevFail:
		mark = p.fail.Sprint("✗")
	case checks.SevWarn:
		mark = p.warn.Sprint("!")
	default:
		mark = p.faint.Sprint("i")
	}
	var b strings.Builder
	head := mark + " " + p.code.Sprint(f.Code)
	if f.Subject != "" {
		head += " " + p.faint.Sprint("("+f.Subject+")")
	}
	// Subjects can be long (URLs, lists of modules): wrap them too.
	b.WriteString(wrap(0, head) + "\n")
	b.WriteString(wrap(4, f.Message) + "\n")
	if f.Detail != "" {
		for _, line := range strings.Split(f.Detail, "\n") {
			b.WriteString(p.faint.Sprint(wrap(6, line)) + "\n")
		}
	}
	b.WriteString(fixLines(f.Fixes, p, wrap))
	return b.String()
}

// fixLines renders fixes under a finding or a cause: the title wrapped,
// the command never (so that it can be copied whole).
func fixLines(fixes []checks.Fix, p palette, wrap func(int, string) string) string {
	var b strings.Builder
	for _, x := range fixes {
		b.WriteString(wrap(2, "fix: "+x.Title) + "\n")
		b.WriteString("    " + p.cmd.Sprint("$ "+x.Command) + "\n")
	}
	return b.String()
}

func summary(r *checks.Report, p palette) string {
	count := map[checks.Status]int{}
	for _, c := range r.Checks {
		count[c.Status]++
	}
	var parts []string
	add := func(s checks.Status, c *color.Color, text string) {
		if n := count[s]; n > 0 {
			parts = append(parts, c.Sprintf("%d %s", n, text))
		}
	}
	add(checks.StatusFail, p.fail, "failed")
	add(checks.StatusWarn, p.warn, "with warnings")
	add(checks.StatusPass, p.pass, "passed")
	add(checks.StatusSkip, p.skip, "skipped")
	add(checks.StatusError, p.errc, "could not run")
	verdict := "No problems found."
	switch r.Status {
	case checks.StatusFail:
		verdict = "The go command will fail here; run the fixes above."
	case checks.StatusWarn:
		verdict = "The go command works, with the warnings above."
		if count[checks.StatusError] > 0 {
			verdict = "Some checks could not run; their verdict is unknown."
		}
	}
	return fmt.Sprintf("%s (%s; %s)\n%s", Plural(len(r.Checks), "check"), strings.Join(parts, ", "), seconds(r.DurationMS), verdict)
}

// shortDuration shows a duration with three significant digits, in at
// most six characters (the check table must fit 80 columns however long
// a check took).
func shortDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case ms < 10:
		return fmt.Sprintf("%.2fms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1fms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.0fms", ms)
	case ms < 10000:
		return fmt.Sprintf("%.2fs", ms/1000)
	case ms < 100000:
		return fmt.Sprintf("%.1fs", ms/1000)
	}
	return fmt.Sprintf("%.0fs", ms/1000)
}

// Plural says "1 noun" or "n nouns".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func seconds(ms int64) string { return fmt.Sprintf("%.2fs", float64(ms)/1000) }
