package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/reportdiff"
)

// RenderDiff writes the comparison of two reports in format, one of
// Formats.
func RenderDiff(w io.Writer, format string, d *reportdiff.Diff, o Options) (err error) {
	w, done := guarded(w, formatMode(format, o))
	defer done(&err)
	d = checks.Sanitized(d)
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(d)
	case "markdown":
		return diffMarkdown(w, d)
	case "github":
		return diffGitHub(w, d)
	case "text":
		return diffText(w, d, o)
	}
	return fmt.Errorf("unknown format %q", format)
}

// diffGroups splits the differences by tier, in order.
func diffGroups(d *reportdiff.Diff) (cause, symptom, other []reportdiff.Difference) {
	for _, x := range d.Differences {
		switch x.Tier {
		case reportdiff.TierCause:
			cause = append(cause, x)
		case reportdiff.TierSymptom:
			symptom = append(symptom, x)
		default:
			other = append(other, x)
		}
	}
	return
}

func sideValue(v *string) string {
	if v == nil {
		return "(absent)"
	}
	return *v
}

func diffLabel(x reportdiff.Difference) string {
	switch x.Area {
	case reportdiff.AreaSetting:
		return x.Key
	case reportdiff.AreaGo:
		return "Go " + x.Key
	case reportdiff.AreaCheck:
		return x.Key + " check"
	}
	return x.Area + " " + x.Key
}

func diffText(w io.Writer, d *reportdiff.Diff, o Options) error {
	p, wrap := textTools(w, TextOptions{Color: o.Color, Width: o.Width})
	var b strings.Builder
	fmt.Fprintf(&b, "A: %s (%s, %s)\nB: %s (%s, %s)\n", d.A.Name, d.A.Status, d.A.GoVersion, d.B.Name, d.B.Status, d.B.GoVersion)
	if len(d.Differences) == 0 {
		b.WriteString("\nNo difference.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	cause, symptom, other := diffGroups(d)
	section := func(title string, xs []reportdiff.Difference, mark string, why bool) {
		if len(xs) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s (%d):\n", p.code.Sprint(title), len(xs))
		for _, x := range xs {
			fmt.Fprintf(&b, "%s %s\n", mark, p.code.Sprint(diffLabel(x)))
			b.WriteString(wrap(4, "A: "+sideValue(x.A)) + "\n")
			b.WriteString(wrap(4, "B: "+sideValue(x.B)) + "\n")
			if why && x.Why != "" {
				b.WriteString(p.faint.Sprint(wrap(4, x.Why)) + "\n")
			}
		}
	}
	section("What explains the difference", cause, p.fail.Sprint("✗"), true)
	section("Checks and findings that differ", symptom, p.warn.Sprint("!"), false)
	if o.Verbose || len(cause) == 0 {
		section("Other differences", other, p.skip.Sprint("·"), false)
	} else if len(other) > 0 {
		fmt.Fprintf(&b, "\n%s (-v shows them)\n", Plural(len(other), "other difference"))
	}
	if len(cause) == 0 && len(symptom) > 0 {
		b.WriteString("\nNo difference in the reports decides the checks that differ: compare what the reports do not record (the network between each machine and its servers).\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func diffMarkdown(w io.Writer, d *reportdiff.Diff) error {
	var b strings.Builder
	b.WriteString("## gomoddoctor diff\n\n")
	b.WriteString("| | report | status | Go |\n|---|---|---|---|\n")
	fmt.Fprintf(&b, "| A | %s | %s | %s |\n", mdCell(d.A.Name), d.A.Status, mdCell(d.A.GoVersion))
	fmt.Fprintf(&b, "| B | %s | %s | %s |\n", mdCell(d.B.Name), d.B.Status, mdCell(d.B.GoVersion))
	if len(d.Differences) == 0 {
		b.WriteString("\nNo difference.\n")
	}
	cause, symptom, other := diffGroups(d)
	table := func(title string, xs []reportdiff.Difference) {
		if len(xs) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n### %s (%d)\n\n| what | A | B |\n|---|---|---|\n", title, len(xs))
		for _, x := range xs {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdCell(diffLabel(x)), mdCell(sideValue(x.A)), mdCell(sideValue(x.B)))
		}
	}
	table("What explains the difference", cause)
	table("Checks and findings that differ", symptom)
	table("Other differences", other)
	_, err := io.WriteString(w, b.String())
	return err
}

func diffGitHub(w io.Writer, d *reportdiff.Diff) error {
	var b strings.Builder
	cause, symptom, other := diffGroups(d)
	for _, x := range cause {
		ghCommand(&b, "error", ghProps{title: "gomoddoctor diff: " + diffLabel(x)},
			fmt.Sprintf("A (%s): %s\nB (%s): %s\n%s", d.A.Name, sideValue(x.A), d.B.Name, sideValue(x.B), x.Why))
	}
	for _, x := range symptom {
		ghCommand(&b, "warning", ghProps{title: "gomoddoctor diff: " + diffLabel(x)},
			fmt.Sprintf("A: %s\nB: %s", sideValue(x.A), sideValue(x.B)))
	}
	fmt.Fprintf(&b, "gomoddoctor diff: %d differences explain it, %d checks or findings differ, %d other differences\n",
		len(cause), len(symptom), len(other))
	_, err := io.WriteString(w, b.String())
	return err
}
