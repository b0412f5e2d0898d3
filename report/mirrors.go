package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/lipgloss/table"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/mirrors"
)

// MirrorsFormats are the output formats of 'gomoddoctor mirrors'.
var MirrorsFormats = []string{"text", "json", "markdown"}

// RenderMirrors writes the outcome of 'gomoddoctor mirrors' in format.
func RenderMirrors(w io.Writer, format string, tool checks.Tool, res *mirrors.Result, o Options) (err error) {
	w, done := guarded(w, formatMode(format, o))
	defer done(&err)
	switch format {
	case "json":
		return MirrorsJSON(w, tool, res)
	case "markdown":
		return MirrorsMarkdown(w, tool, res)
	case "text":
		return MirrorsText(w, res, TextOptions{Verbose: o.Verbose, Color: o.Color, Width: o.Width})
	}
	return fmt.Errorf("unknown format %q for mirrors (known: %s)", format, strings.Join(MirrorsFormats, ", "))
}

// MirrorsJSON writes the measurement as one JSON object (schema version
// 1 of 'gomoddoctor mirrors'; durations in nanoseconds, as their names
// say).
func MirrorsJSON(w io.Writer, tool checks.Tool, res *mirrors.Result) (err error) {
	w, done := guarded(w, guardMode{})
	defer done(&err)
	res = checks.Sanitized(res)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		SchemaVersion int         `json:"schema_version"`
		Tool          checks.Tool `json:"tool"`
		*mirrors.Result
	}{checks.SchemaVersion, tool, res})
}

// mirrorCells are a candidate's cells in the table, in the order of
// mirrorHeaders.
var mirrorHeaders = []string{"#", "Mirror", "Reach", "Median", "p90", "Zip", "Serves", "Fresh", "Sum DB"}

func mirrorCells(c *mirrors.Candidate, res *mirrors.Result) []string {
	ms := func(d time.Duration) string {
		if d < 10*time.Millisecond {
			return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
		}
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	reach := "ok"
	switch st := c.Reach.Status; {
	case !c.Reach.OK:
		reach = "✗ " + c.Reach.Stage
	case st != 200 && st != 404 && st != 410:
		// It answers, but not as a working proxy would (an allow-list
		// refusing, a server error): the code is the first thing to see.
		reach = fmt.Sprintf("HTTP %d", st)
	}
	median, p90, zip, serves, fresh, sumdb := "-", "-", "-", "-", "-", "-"
	if c.Answers > 0 {
		median, p90 = ms(c.Median), ms(c.P90)
	}
	if c.Zip != nil && c.Zip.Err == "" {
		zip = fmt.Sprintf("%s+%s", ms(c.Zip.TTFB), ms(c.Zip.Transfer))
	} else if c.Zip != nil {
		zip = "✗"
	}
	if c.Reach.OK {
		serves = fmt.Sprintf("%d/%d", c.Served, len(res.Requirements))
		switch {
		case len(c.Stale) > 0:
			fresh = fmt.Sprintf("✗ %d stale", len(c.Stale))
		case c.Fresh || len(res.Queries) == 0:
			fresh = "yes"
		case unanswered(c) > 0:
			fresh = fmt.Sprintf("✗ %d unanswered", unanswered(c))
		default:
			fresh = "yes"
		}
		sumdb = c.SumDB
		switch {
		case c.SumDB == "":
			sumdb = "-"
		case !c.SumDBOK:
			sumdb = "✗ error"
		}
	}
	return []string{fmt.Sprint(c.Rank), c.URL + "\n(" + c.Origin + ")", reach, median, p90, zip, serves, fresh, sumdb}
}

func sizeOf(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// mirrorProblems are the lines that say why a candidate is not
// recommended: each requirement it lacks, each stale answer with what
// the go command would get, a failure.
func mirrorProblems(c *mirrors.Candidate, res *mirrors.Result) []string {
	var out []string
	if !c.Reach.OK {
		return []string{fmt.Sprintf("does not answer: %s: %s", c.Reach.Stage, c.Reach.Detail)}
	}
	for _, l := range c.Lacks {
		out = append(out, fmt.Sprintf("lacks %s: %s", l.Module, l.Answer))
	}
	for _, s := range c.Stale {
		from := "another mirror (" + s.From + ")"
		if s.From == "origin" {
			from = "the origin"
		}
		out = append(out, fmt.Sprintf("stale: %s@latest is %s here, %s at %s: 'go get %s@latest' through it gets %s", s.Path, s.Got, s.Want, from, s.Path, s.Got))
	}
	for i, q := range res.Queries {
		if c.Latest[i] == "" && c.LatestErr[i] != "" && !lacks(c, q.Path) {
			out = append(out, fmt.Sprintf("%s@latest: %s", q.Path, c.LatestErr[i]))
		}
	}
	if c.SumDB != "" && !c.SumDBOK {
		out = append(out, "checksum database: "+c.SumDB)
	}
	if c.Zip != nil && c.Zip.Err != "" {
		out = append(out, fmt.Sprintf("zip of %s: %s", c.Zip.Module, c.Zip.Err))
	}
	if len(out) == 0 && !c.Fresh {
		out = append(out, c.Why)
	}
	return out
}

func lacks(c *mirrors.Candidate, path string) bool {
	for _, l := range c.Lacks {
		if strings.HasPrefix(l.Module, path+"@") {
			return true
		}
	}
	return false
}

// MirrorsText writes the measurement as one table, the problems of the
// candidates not recommended, and the recommendation with the exact
// command.
func MirrorsText(w io.Writer, res *mirrors.Result, opts TextOptions) (err error) {
	w, done := guarded(w, guardMode{color: opts.Color})
	defer done(&err)
	res = checks.Sanitized(res)
	p, wrap := textTools(w, opts)
	lg := layout(w)
	var b strings.Builder
	b.WriteString(wrap(0, mirrorsHeader(res)) + "\n")
	b.WriteString(wrap(0, "GOPROXY in force: "+res.GOPROXY) + "\n\n")
	rows := [][]string{}
	for _, c := range res.Candidates {
		rows = append(rows, mirrorCells(c, res))
	}
	t := table.New().Border(lipgloss.NormalBorder()).Headers(mirrorHeaders...).Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style { return lg.NewStyle().Padding(0, 1) })
	b.WriteString(t.Render() + "\n")
	b.WriteString(p.faint.Sprint(wrap(0, mirrorsLegend(res))) + "\n")

	for _, c := range res.Candidates {
		if c.Fresh {
			continue
		}
		b.WriteString("\n" + p.fail.Sprint("✗ ") + p.code.Sprint(c.URL) + p.faint.Sprint(" ("+c.Origin+")") + "\n")
		for _, line := range mirrorProblems(c, res) {
			b.WriteString(wrap(4, line) + "\n")
		}
	}
	if opts.Verbose {
		for _, c := range res.Candidates {
			if c.Via != "" {
				b.WriteString("\n" + wrap(0, fmt.Sprintf("%s: requests went through %s", c.URL, c.Via)) + "\n")
			}
		}
	}

	rec := res.Recommend
	b.WriteString("\n")
	switch {
	case rec.Mirror == nil:
		b.WriteString(p.fail.Sprint("✗ ") + strings.TrimPrefix(wrap(2, "No recommendation: "+rec.None), "  ") + "\n")
	case rec.Unchanged:
		b.WriteString(p.pass.Sprint("✓ ") + strings.TrimPrefix(wrap(2, fmt.Sprintf("Your GOPROXY already uses the fastest mirror that serves everything fresh: %s (%s).", rec.Mirror.URL, rec.Mirror.Origin)), "  ") + "\n")
	default:
		b.WriteString(p.pass.Sprint("✓ ") + strings.TrimPrefix(wrap(2, "Recommended: "+rec.Fix.Title), "  ") + "\n")
		b.WriteString("    " + p.cmd.Sprint(rec.Command) + "\n")
	}
	for _, n := range rec.Notes {
		b.WriteString("  · " + strings.TrimPrefix(wrap(4, n), "    ") + "\n")
	}
	if rec.Mirror != nil && len(res.Private) == 0 {
		b.WriteString("  · " + strings.TrimPrefix(wrap(4, "No requirement is private (GOPRIVATE, GONOPROXY, GONOSUMDB): nothing is routed differently for private modules."), "    ") + "\n")
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func mirrorsHeader(res *mirrors.Result) string {
	s := fmt.Sprintf("gomoddoctor mirrors · %d candidates · %d public requirements", len(res.Candidates), len(res.Requirements))
	if res.Unmeasured > 0 {
		s += fmt.Sprintf(" (%d more not measured)", res.Unmeasured)
	}
	s += fmt.Sprintf(" · %d @latest queries · at most %d requests a mirror · %s", len(res.Queries), res.MaxRequests, probeMillis(res.DurationMS))
	return s
}

func probeMillis(ms int64) string {
	if ms >= 10000 {
		return fmt.Sprintf("%.1fs", float64(ms)/1000)
	}
	return fmt.Sprintf("%dms", ms)
}

func mirrorsLegend(res *mirrors.Result) string {
	s := "Median, p90: over every answered request (headers and body). Zip: time to first byte + transfer of one module zip"
	if z := firstZip(res); z != nil {
		size := sizeOf(z.Bytes)
		if z.Truncated {
			size = "timed over its first " + size
		}
		s += fmt.Sprintf(" (%s, %s)", z.Module, size)
	}
	s += ". Serves: public requirements whose .mod and .info it serves. Fresh: its @latest answers"
	var qs []string
	for _, q := range res.Queries {
		qs = append(qs, q.Path)
	}
	if len(qs) > 0 {
		s += " (" + strings.Join(qs, ", ") + ")"
	}
	s += " match the newest of every candidate"
	if slicesAnyOrigin(res) {
		s += " and of the origin"
	}
	s += "."
	if answering(res) < 2 && !slicesAnyOrigin(res) && len(res.Queries) > 0 {
		s += " Only one candidate answers: its freshness is compared with nothing (--origin compares it with the origins)."
	}
	if res.SumDB != "" {
		s += " Sum DB: its answer for the checksum database " + res.SumDB + " (proxied, or not proxied: then the go command asks the database directly)."
	}
	return s
}

func slicesAnyOrigin(res *mirrors.Result) bool {
	for _, q := range res.Queries {
		if q.Origin != "" || q.OriginErr != "" {
			return true
		}
	}
	return false
}

// MirrorsMarkdown writes the measurement as a paste-ready Markdown
// section: the table, the problems, the recommendation.
func MirrorsMarkdown(w io.Writer, tool checks.Tool, res *mirrors.Result) (err error) {
	w, done := guarded(w, guardMode{})
	defer done(&err)
	res = checks.Sanitized(res)
	var b strings.Builder
	b.WriteString("## gomoddoctor mirrors\n\n")
	b.WriteString(mdText(mirrorsHeader(res)) + "\n\n")
	b.WriteString("GOPROXY in force: " + mdCode(res.GOPROXY) + "\n\n")
	b.WriteString("| " + strings.Join(mirrorHeaders, " | ") + " |\n|" + strings.Repeat("---|", len(mirrorHeaders)) + "\n")
	for _, c := range res.Candidates {
		cells := mirrorCells(c, res)
		for i := range cells {
			cells[i] = mdCell(strings.ReplaceAll(cells[i], "\n", " "))
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	b.WriteString("\n" + mdText(mirrorsLegend(res)) + "\n\n")
	for _, c := range res.Candidates {
		if c.Fresh {
			continue
		}
		b.WriteString("- " + mdCode(c.URL) + " (" + mdText(c.Origin) + ")\n")
		for _, line := range mirrorProblems(c, res) {
			b.WriteString("  - " + mdText(line) + "\n")
		}
	}
	rec := res.Recommend
	b.WriteString("\n### Recommendation\n\n")
	switch {
	case rec.Mirror == nil:
		b.WriteString("No recommendation: " + mdText(rec.None) + "\n\n")
	case rec.Unchanged:
		b.WriteString("The GOPROXY in force already uses the fastest mirror that serves everything fresh: " + mdCode(rec.Mirror.URL) + ".\n\n")
	default:
		b.WriteString(mdText(rec.Fix.Title) + "\n\n" + mdBlock(rec.Command, "sh") + "\n")
	}
	for _, n := range rec.Notes {
		b.WriteString("- " + mdText(n) + "\n")
	}
	if len(rec.Notes) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("<sub>Generated by " + mdText(tool.Name+" "+tool.Version) + ".</sub>\n")
	_, err = io.WriteString(w, b.String())
	return err
}

func firstZip(res *mirrors.Result) *mirrors.ZipTiming {
	for _, c := range res.Candidates {
		if c.Zip != nil && c.Zip.Err == "" {
			return c.Zip
		}
	}
	return nil
}

func answering(res *mirrors.Result) int {
	n := 0
	for _, c := range res.Candidates {
		if c.Reach.OK {
			n++
		}
	}
	return n
}

func unanswered(c *mirrors.Candidate) int {
	n := 0
	for _, v := range c.Latest {
		if v == "" {
			n++
		}
	}
	return n
}
