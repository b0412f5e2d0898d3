package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// byTag is how each kind of step is marked in text.
func byTag(s checks.PlanStep) string {
	switch s.AppliedBy {
	case checks.ByFix:
		return "[--fix]"
	case checks.ByFixCache:
		return "[--fix-cache]"
	}
	return "[you]"
}

// codes lists the finding codes a step answers, once each.
func codes(s checks.PlanStep) string {
	var cs []string
	for _, r := range s.Because {
		if !slices.Contains(cs, r.Code) {
			cs = append(cs, r.Code)
		}
	}
	return strings.Join(cs, ", ")
}

// planCounts says how many steps each party takes.
func planCounts(plan []checks.PlanStep) string {
	n := map[checks.AppliedBy]int{}
	for _, s := range plan {
		n[s.AppliedBy]++
	}
	var parts []string
	if n[checks.ByFix] > 0 {
		parts = append(parts, fmt.Sprintf("%d by 'gomoddoctor --fix'", n[checks.ByFix]))
	}
	if n[checks.ByFixCache] > 0 {
		parts = append(parts, fmt.Sprintf("%d by --fix --fix-cache", n[checks.ByFixCache]))
	}
	if n[checks.ByYou] > 0 {
		parts = append(parts, fmt.Sprintf("%d for you", n[checks.ByYou]))
	}
	return fmt.Sprintf("%s (%s)", Plural(len(plan), "step"), strings.Join(parts, ", "))
}

// planSteps renders steps as a numbered list: the tag and title, the
// command (never wrapped), and the notes.
func planSteps(b *strings.Builder, steps []checks.PlanStep, p palette, wrap func(int, string) string) {
	for i, s := range steps {
		num := fmt.Sprintf("  %d. ", i+1)
		indent := len(num)
		head := byTag(s) + " " + s.Title
		if c := codes(s); c != "" {
			head += " (" + c + ")"
		}
		// A hanging indent: the number stands out on the first line.
		b.WriteString(num + strings.TrimLeft(wrap(indent, head), " ") + "\n")
		pad := strings.Repeat(" ", indent)
		b.WriteString(pad + p.cmd.Sprint("$ "+s.Command) + "\n")
		for _, n := range s.Notes {
			b.WriteString(p.faint.Sprint(wrap(indent, "note: "+n)) + "\n")
		}
	}
}

// planText renders the plan section of a report: steps, every step of
// the plan (-v), or those no cause shows, under a title that says who
// applies them; without steps to show, the title only when --fix has
// something to say.
func planText(b *strings.Builder, r *checks.Report, steps []checks.PlanStep, p palette, wrap func(int, string) string) {
	if len(r.Plan) == 0 {
		return
	}
	applicable := slices.ContainsFunc(r.Plan, func(s checks.PlanStep) bool { return s.AppliedBy != checks.ByYou })
	// A single step the causes show needs no title of its own.
	if len(steps) == 0 && r.Fix == nil && (!applicable || len(r.Plan) == 1) {
		return
	}
	title := "Plan: " + planCounts(r.Plan)
	switch {
	case r.Fix != nil:
		title = "Still to do: " + planCounts(r.Plan)
	case applicable && len(steps) > 0:
		title += "; 'gomoddoctor --fix --dry-run' shows the change"
	}
	b.WriteString("\n" + p.code.Sprint(wrap(0, title)) + "\n")
	if len(steps) < len(r.Plan) && len(steps) > 0 {
		b.WriteString(p.faint.Sprint(wrap(0, "(the other steps are under their causes above; -v lists them all)")) + "\n")
	}
	planSteps(b, steps, p, wrap)
}

// A FixPreview is what 'gomoddoctor --fix' is about to do, shown before
// it asks.
type FixPreview struct {
	File  string            // the GOENV file
	Diff  string            `sanitize:"lines"` // its change, credentials redacted
	Apply []checks.PlanStep // go env steps --fix applies
	Cache []checks.PlanStep // cache repairs it runs (with --fix-cache)
	Left  []checks.PlanStep // steps it leaves to you
	Notes []string          // anything else to say, such as cache repairs left for want of --fix-cache
}

// FixPreviewText writes the change --fix is about to make: the diff of
// the GOENV file with the commands that make it, the cache repairs, and
// what is left to the user.
func FixPreviewText(w io.Writer, f FixPreview, opts TextOptions) (err error) {
	w, done := guarded(w, guardMode{color: opts.Color})
	defer done(&err)
	f = *checks.Sanitized(&f)
	p, wrap := textTools(w, opts)
	var b strings.Builder
	b.WriteString("\n" + p.code.Sprint("gomoddoctor --fix") + "\n")
	if len(f.Apply) > 0 {
		b.WriteString(wrap(0, "Changes to the GOENV file "+f.File+", made with the go command on a copy that then replaces the file:") + "\n")
		for _, line := range strings.Split(strings.TrimRight(f.Diff, "\n"), "\n") {
			c := p.faint
			switch {
			case strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "+++"):
				c = p.pass
			case strings.HasPrefix(line, "-") && !strings.HasPrefix(line, "---"):
				c = p.fail
			}
			// Diff lines are never wrapped: they are the file.
			b.WriteString("    " + c.Sprint(line) + "\n")
		}
		planSteps(&b, f.Apply, p, wrap)
	}
	if len(f.Cache) > 0 {
		b.WriteString(wrap(0, "Module cache repairs (--fix-cache), run in this order:") + "\n")
		planSteps(&b, f.Cache, p, wrap)
	}
	for _, n := range f.Notes {
		b.WriteString(wrap(0, n) + "\n")
	}
	if len(f.Left) > 0 {
		b.WriteString(wrap(0, "Left to you (--fix does not do these):") + "\n")
		planSteps(&b, f.Left, p, wrap)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// fixText renders, in the report of the run that verified a fix, what
// --fix did.
func fixText(b *strings.Builder, r *checks.Report, p palette, wrap func(int, string) string) {
	f := r.Fix
	if f == nil {
		return
	}
	before := map[string]checks.CheckStatus{}
	for _, c := range f.Before {
		before[c.ID] = c
	}
	var fixed, worse []string
	for _, c := range r.Checks {
		was, ok := before[c.ID]
		if !ok || statusRank(was.Status) == statusRank(c.Status) {
			continue
		}
		line := fmt.Sprintf("%s: %s → %s", c.ID, was.Status, c.Status)
		if statusRank(c.Status) < statusRank(was.Status) {
			fixed = append(fixed, line)
		} else {
			worse = append(worse, line)
		}
	}
	b.WriteString("\n" + p.code.Sprint("gomoddoctor --fix: "+fixResultText(f)) + "\n")
	if len(f.Rounds) > 1 {
		for _, rd := range f.Rounds {
			b.WriteString(fmt.Sprintf("  round %d:\n", rd.Round))
			for _, s := range rd.Applied {
				b.WriteString("    " + p.cmd.Sprint("$ "+s.Command) + "\n")
			}
		}
	} else {
		for _, s := range f.Applied {
			// Commands are never wrapped, so that they can be copied whole.
			b.WriteString("    " + p.cmd.Sprint("$ "+s.Command) + "\n")
		}
	}
	if f.Backup != "" {
		b.WriteString(wrap(2, "backup: "+f.Backup+" ('gomoddoctor undo' restores it)") + "\n")
	}
	if len(fixed) > 0 {
		b.WriteString(wrap(2, "better: "+strings.Join(fixed, ", ")) + "\n")
	}
	if len(worse) > 0 {
		b.WriteString(wrap(2, "worse: "+strings.Join(worse, ", ")) + "\n")
	}
	if len(f.Fixed) > 0 {
		b.WriteString(wrap(2, "fixed: "+refList(f.Fixed)) + "\n")
	}
	if len(f.New) > 0 {
		b.WriteString(wrap(2, "new: "+refList(f.New)) + "\n")
	}
	if f.Error != "" {
		b.WriteString(wrap(2, "error: "+f.Error) + "\n")
	}
}

func fixResultText(f *checks.FixOutcome) string {
	switch f.Result {
	case checks.FixApplied:
		if len(f.Rounds) > 1 {
			return fmt.Sprintf("applied %s in %d rounds, running the checks again after each", Plural(len(f.Applied), "step"), len(f.Rounds))
		}
		return fmt.Sprintf("applied %s, then ran the checks again", Plural(len(f.Applied), "step"))
	case checks.FixNothingToDo:
		return "nothing it can apply"
	case checks.FixDryRun:
		return "dry run, nothing changed"
	case checks.FixDeclined:
		return "not applied (declined)"
	case checks.FixNotConfirmed:
		return "not applied (no terminal to confirm on; --yes applies without asking)"
	case checks.FixInterrupted:
		return "interrupted, nothing changed"
	}
	return "failed, nothing changed"
}

// roundText announces round n of --fix, started from the report of the
// checks run after the round before.
func roundText(n int, rep *checks.Report) string {
	var steps []string
	for _, s := range rep.Plan {
		if s.AppliedBy == checks.ByFix {
			steps = append(steps, codes(s))
		}
	}
	return fmt.Sprintf("Round %d: the checks run again show what the last change revealed; --fix can repair more (%s).", n, strings.Join(steps, "; "))
}

// statusRank orders statuses from good to bad; a check that passes and
// one that does not apply are equally fine.
func statusRank(s checks.Status) int {
	switch s {
	case checks.StatusFail:
		return 3
	case checks.StatusError:
		return 2
	case checks.StatusWarn:
		return 1
	}
	return 0
}

// Say writes a message of the CLI as wrapped prose.
func Say(w io.Writer, msg string, opts TextOptions) (err error) {
	w, done := guarded(w, guardMode{})
	defer done(&err)
	_, wrap := textTools(w, opts)
	_, err = io.WriteString(w, wrap(0, checks.SanitizeText(msg))+"\n")
	return err
}

// mdPlan renders the plan in Markdown.
func mdPlan(b *strings.Builder, r *checks.Report) {
	if f := r.Fix; f != nil {
		b.WriteString("### gomoddoctor --fix\n\n" + mdText(fixResultText(f)) + "\n\n")
		if f.Diff != "" {
			b.WriteString(mdBlock(f.Diff, "diff"))
			b.WriteString("\n")
		}
		if f.Backup != "" {
			b.WriteString("Backup: " + mdCode(f.Backup) + " (`gomoddoctor undo` restores it)\n\n")
		}
	}
	if len(r.Plan) == 0 {
		return
	}
	title := "### Plan"
	if r.Fix != nil {
		title = "### Still to do"
	}
	b.WriteString(title + "\n\n" + mdText(planCounts(r.Plan)) + "\n\n")
	for i, s := range r.Plan {
		fmt.Fprintf(b, "%d. **%s** %s", i+1, mdText(byTag(s)), mdText(s.Title))
		if c := codes(s); c != "" {
			b.WriteString(" (" + mdText(c) + ")")
		}
		b.WriteString("\n\n")
		for _, line := range strings.Split(strings.TrimRight(mdBlock(s.Command, "sh"), "\n"), "\n") {
			b.WriteString("   " + line + "\n")
		}
		for _, n := range s.Notes {
			b.WriteString("\n   " + mdText("note: "+n) + "\n")
		}
		b.WriteString("\n")
	}
}

// ghPlan renders what --fix did, and the plan, as one notice each.
func ghPlan(b *strings.Builder, r *checks.Report) {
	if f := r.Fix; f != nil {
		body := fixResultText(f)
		for _, s := range f.Applied {
			body += "\n  $ " + s.Command
		}
		if len(f.Fixed) > 0 {
			body += "\nfixed: " + refList(f.Fixed)
		}
		if len(f.New) > 0 {
			body += "\nnew: " + refList(f.New)
		}
		if f.Backup != "" {
			body += "\nbackup: " + f.Backup + " ('gomoddoctor undo' restores it)"
		}
		ghCommand(b, "notice", ghProps{title: "gomoddoctor --fix"}, body)
	}
	if len(r.Plan) == 0 {
		return
	}
	var body strings.Builder
	body.WriteString(planCounts(r.Plan))
	for i, s := range r.Plan {
		fmt.Fprintf(&body, "\n%d. %s %s\n  $ %s", i+1, byTag(s), s.Title, s.Command)
	}
	ghCommand(b, "notice", ghProps{title: "gomoddoctor plan"}, body.String())
}

// refList names findings: CODE (subject), ...
func refList(refs []checks.FindingRef) string {
	var parts []string
	for _, r := range refs {
		p := r.Code
		if r.Subject != "" {
			p += " (" + r.Subject + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}
