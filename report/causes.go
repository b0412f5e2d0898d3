package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// A causeView is one root cause of a report with what follows from it
// and the steps of the plan that answer it.
type causeView struct {
	ref          checks.Ref
	finding      checks.Finding
	consequences []checks.Finding
	steps        []checks.PlanStep // seen to remove it, or answering it
	indirect     []checks.PlanStep // answering only its consequences
}

// causeViews groups the problems of a report by root cause, worst
// first, and gives each the plan steps that answer it: those seen to
// remove it, else those that answer its findings. The steps that answer
// no root cause are returned apart.
func causeViews(r *checks.Report) ([]causeView, []checks.PlanStep) {
	var views []causeView
	index := map[checks.Ref]int{}
	rootOf := checks.Roots(r.Checks)
	for _, sev := range []checks.Severity{checks.SevFail, checks.SevWarn} {
		for _, c := range r.Checks {
			for _, f := range c.Findings {
				ref := checks.Ref{Check: c.ID, Code: f.Code, Subject: f.Subject}
				if f.Severity == sev && f.CausedBy == nil {
					index[ref] = len(views)
					views = append(views, causeView{ref: ref, finding: f})
				}
			}
		}
	}
	for _, c := range r.Checks {
		for _, f := range c.Findings {
			if !f.Problem() || f.CausedBy == nil {
				continue
			}
			root := rootOf(checks.Ref{Check: c.ID, Code: f.Code, Subject: f.Subject})
			if i, ok := index[root]; ok {
				views[i].consequences = append(views[i].consequences, f)
			}
		}
	}
	var rest []checks.PlanStep
	for _, s := range r.Plan {
		placed := false
		if s.Verified != nil && s.Verified.Works {
			for _, fixed := range s.Verified.Fixed {
				if i, ok := index[fixed]; ok {
					views[i].steps = append(views[i].steps, s)
					placed = true
				}
			}
		}
		if !placed {
			var roots []int
			for _, b := range s.Because {
				root := rootOf(checks.Ref{Check: b.Check, Code: b.Code, Subject: b.Subject})
				if i, ok := index[root]; ok && !slices.Contains(roots, i) {
					roots = append(roots, i)
				}
			}
			for _, i := range roots {
				direct := slices.ContainsFunc(s.Because, func(b checks.FindingRef) bool {
					return checks.Ref{Check: b.Check, Code: b.Code, Subject: b.Subject} == views[i].ref
				})
				if direct {
					views[i].steps = append(views[i].steps, s)
				} else {
					views[i].indirect = append(views[i].indirect, s)
				}
				placed = true
			}
		}
		if !placed {
			rest = append(rest, s)
		}
	}
	return views, rest
}

// maxEvidence is how many lines of a cause's evidence the report shows
// without -v, as wrapped on the screen.
const maxEvidence = 4

// capEvidence keeps the first lines of detail that fit in maxEvidence
// screen lines, and says how many more -v shows.
func capEvidence(detail string, wrap func(int, string) string) string {
	if detail == "" {
		return ""
	}
	lines := strings.Split(detail, "\n")
	used := 0
	for i, l := range lines {
		n := strings.Count(wrap(6, l), "\n") + 1
		if used+n > maxEvidence || i == len(lines)-1 && used+n > maxEvidence {
			if i == 0 {
				return l
			}
			more, shows := len(lines)-i, "them"
			if n, ok := moreOf(lines[len(lines)-1]); ok {
				// the line saying how many more -v does not show
				more, shows = more-1+n, "some, --json all"
			}
			return strings.Join(lines[:i], "\n") + fmt.Sprintf("\n… %s more (-v shows %s)", thousands(more), shows)
		}
		used += n
	}
	return detail
}

// maxCauseSteps is how many steps are shown under a cause without -v.
const maxCauseSteps = 2

// causesText writes the problems as causes: each root cause once, with
// its evidence (cut short without -v), its consequences one line each,
// and the steps that answer it. It returns the steps of the plan that
// answer no cause.
func causesText(b *strings.Builder, r *checks.Report, p palette, wrap func(int, string) string, width int) []checks.PlanStep {
	views, rest := causeViews(r)
	for _, v := range views {
		f := v.finding
		f.Detail = capEvidence(f.Detail, wrap)
		f.Fixes = nil
		b.WriteString("\n" + finding(f, p, wrap))
		for _, c := range v.consequences {
			line := "→ " + c.Code
			if c.Subject != "" {
				line += " (" + c.Subject + ")"
			}
			b.WriteString(p.faint.Sprint(cut("    "+line+": "+c.Message, width)) + "\n")
		}
		// The steps that remove the cause itself; those about its
		// consequences only when nothing answers the cause (-v shows all).
		steps := v.steps
		if len(steps) == 0 {
			steps = v.indirect
		}
		if len(steps) == 0 {
			for _, x := range v.finding.Fixes {
				steps = append(steps, checks.PlanStep{Fix: x})
			}
		}
		for i, s := range steps {
			if i == maxCauseSteps {
				b.WriteString(p.faint.Sprint(wrap(2, fmt.Sprintf("(%d more in the plan: -v shows them)", len(steps)-i))) + "\n")
				break
			}
			// Under its cause a step stands alone: "or, ..." alternatives
			// of a finding read as the step they are.
			title := "fix: " + strings.TrimPrefix(strings.TrimPrefix(s.Title, "or, "), "or ")
			switch v := s.Verified; {
			case v != nil && v.Works:
				title = "fix, tried (" + triedChanges(v) + "): " + strings.TrimPrefix(title, "fix: ")
			case v != nil && !v.Incomplete:
				title = "fix, tried (it does not work from here): " + strings.TrimPrefix(title, "fix: ")
			}
			if s.AppliedBy == checks.ByFix || s.AppliedBy == checks.ByFixCache {
				title = byTag(s) + " " + title
			}
			b.WriteString(wrap(2, title) + "\n")
			b.WriteString("    " + p.cmd.Sprint("$ "+s.Command) + "\n")
		}
	}
	return rest
}

// cut shortens a line to width columns, ending it with "…".
func cut(s string, width int) string {
	if width <= 0 {
		width = 80
	}
	r := []rune(s)
	if len(r) <= width {
		return s
	}
	return string(r[:width-1]) + "…"
}

// triedChanges says briefly what trying a step changed: the checks that
// had problems and what they became.
func triedChanges(v *checks.Verification) string {
	var out []string
	for _, c := range v.Changes {
		id, change, _ := strings.Cut(c, ": ")
		from, to, _ := strings.Cut(change, " → ")
		if from == string(checks.StatusSkip) || from == string(checks.StatusPass) {
			continue
		}
		out = append(out, id+" "+from+"→"+to)
	}
	if len(out) == 0 {
		return Plural(len(v.Fixed), "cause") + " gone"
	}
	return strings.Join(out, ", ")
}
