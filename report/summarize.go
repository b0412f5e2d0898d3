package report

import (
	"strconv"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// Long lists (the evidence lines of 50,000 requirements, a command that
// names each of them) are summarized in the formats people read: the
// first few, then how many more. The JSON report keeps all of them.
const (
	// maxListLines is how many lines of a finding's detail are shown.
	maxListLines = 10
	// maxCommandWords is how many words of a fix's command are shown
	// when it names a list: when it has more than longCommand words (a
	// shell command a person would type has far fewer).
	maxCommandWords = 12
	longCommand     = 40
	// summarizeSlack: a list is cut only when this many more would be
	// hidden, so that "and 1 more" never replaces the one line itself.
	summarizeSlack = 3
)

// moreLine is the line that stands for the hidden items of a list.
func moreLine(n int) string { return "… and " + thousands(n) + " more (--json lists them all)" }

// moreOf reads the number of a moreLine, or reports that line is not one.
func moreOf(line string) (int, bool) {
	s, ok := strings.CutPrefix(line, "… and ")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, " more (--json lists them all)")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	return n, err == nil
}

// thousands writes n with a comma between each group of three digits:
// 49990 is "49,990".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// summarizeDetail keeps the first maxListLines lines of a detail and
// says how many more there are.
func summarizeDetail(detail string) string {
	if strings.Count(detail, "\n") < maxListLines+summarizeSlack {
		return detail
	}
	lines := strings.SplitN(detail, "\n", maxListLines+1)
	more := strings.Count(lines[maxListLines], "\n") + 1
	return strings.Join(lines[:maxListLines], "\n") + "\n" + moreLine(more)
}

// summarizeCommand keeps the first maxCommandWords words of a long
// command (a 'go mod download' of every module lacking go.sum lines) and
// says how many more it names.
func summarizeCommand(cmd string) string {
	if strings.Count(cmd, " ") < longCommand || strings.Contains(cmd, "\n") {
		return cmd
	}
	words := strings.Fields(cmd)
	if len(words) <= longCommand {
		return cmd
	}
	return strings.Join(words[:maxCommandWords], " ") + " " + moreLine(len(words)-maxCommandWords)
}

// summarized returns a copy of r whose long lists are summarized, for
// the text, Markdown and GitHub formats; r itself is not changed.
func summarized(r *checks.Report) *checks.Report {
	c := *r
	c.Checks = make([]checks.CheckResult, len(r.Checks))
	for i, res := range r.Checks {
		if len(res.Findings) > 0 {
			fs := make([]checks.Finding, len(res.Findings))
			for j, f := range res.Findings {
				f.Detail = summarizeDetail(f.Detail)
				f.Fixes = summarizeFixes(f.Fixes)
				fs[j] = f
			}
			res.Findings = fs
		}
		c.Checks[i] = res
	}
	if r.Plan != nil {
		c.Plan = make([]checks.PlanStep, len(r.Plan))
		for i, s := range r.Plan {
			s.Command = summarizeCommand(s.Command)
			c.Plan[i] = s
		}
	}
	return &c
}

func summarizeFixes(fixes []checks.Fix) []checks.Fix {
	if len(fixes) == 0 {
		return fixes
	}
	out := make([]checks.Fix, len(fixes))
	for i, x := range fixes {
		x.Command = summarizeCommand(x.Command)
		out[i] = x
	}
	return out
}
