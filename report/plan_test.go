package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/report/schema/schematest"
)

func withPlan() *checks.Report {
	r := sample()
	ref := checks.FindingRef{Check: "proxy", Code: "PROXY_FORBIDDEN", Severity: checks.SevFail, Subject: "https://proxy.example.test"}
	r.Plan = []checks.PlanStep{
		{Fix: checks.Fix{Title: "use a mirror that serves the probe modules, measured among the candidates given", Command: "go env -w GOPROXY=https://mirror.example.test/with/a/very/long/path/that/goes/beyond/eighty/columns,direct", Kind: checks.FixGoEnv, Auto: true, Key: "GOPROXY"},
			AppliedBy: checks.ByFix, Because: []checks.FindingRef{ref},
			Notes: []string{"GOPROXY: chose GOPROXY=https://mirror.example.test (PROXY_FORBIDDEN) over GOPROXY=off (X): a long explanation of why that must wrap at eighty columns"}},
		{Fix: checks.Fix{Title: "turn checksum verification back on", Command: "go env -u GOSUMDB", Kind: checks.FixGoEnv, Key: "GOSUMDB", Unset: true},
			AppliedBy: checks.ByYou, Because: []checks.FindingRef{{Check: "env", Code: "GOSUMDB_OFF", Severity: checks.SevWarn, Subject: "GOSUMDB"}}},
		{Fix: checks.Fix{Title: "remove only this entry", Command: "rm -rf /x", Kind: checks.FixCache}, AppliedBy: checks.ByFixCache, Because: []checks.FindingRef{ref}},
	}
	return r
}

func TestTextPlan(t *testing.T) {
	// Without -v, each step is under the cause it answers, and the plan
	// is its title.
	var b bytes.Buffer
	if err := Text(&b, withPlan(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Plan: 3 steps (1 by 'gomoddoctor --fix', 1 by --fix --fix-cache, 1 for you)\n",
		"✗ PROXY_FORBIDDEN (https://proxy.example.test)",
		"  [--fix] fix: use a mirror that serves the probe modules, measured among the\n  candidates given\n    $ go env -w GOPROXY=https://mirror.example.test/with/a/very/long/path/that/goes/beyond/eighty/columns,direct\n",
		"  [--fix-cache] fix: remove only this entry\n    $ rm -rf /x\n",
		"! GOSUMDB_OFF (GOSUMDB)\n    checksums off\n  fix: turn checksum verification back on\n    $ go env -u GOSUMDB\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in:\n%s", want, b.String())
		}
	}
	// With -v, every finding in full and the plan as a numbered list.
	b.Reset()
	if err := Text(&b, withPlan(), TextOptions{Verbose: true}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Plan: 3 steps (1 by 'gomoddoctor --fix', 1 by --fix --fix-cache, 1 for you);\n'gomoddoctor --fix --dry-run' shows the change",
		"  1. [--fix] use a mirror that serves the probe modules, measured among the\n     candidates given (PROXY_FORBIDDEN)\n",
		"     $ go env -w GOPROXY=https://mirror.example.test/with/a/very/long/path/that/goes/beyond/eighty/columns,direct\n",
		"     note: GOPROXY: chose",
		"  2. [you] turn checksum verification back on (GOSUMDB_OFF)",
		"  3. [--fix-cache] remove only this entry (PROXY_FORBIDDEN)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Index(out, "Plan:") > strings.Index(out, "4 checks (") {
		t.Errorf("the plan comes after the summary:\n%s", out)
	}
	for i, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "$ ") && utf8.RuneCountInString(line) > 80 {
			t.Errorf("line %d is too wide: %q", i+1, line)
		}
	}
	b.Reset()
	Text(&b, withPlan(), TextOptions{HidePlan: true, Verbose: true})
	if strings.Contains(b.String(), "Plan:") {
		t.Errorf("HidePlan shows the plan")
	}
}

func TestPlanFormats(t *testing.T) {
	r := withPlan()
	r.Fix = &checks.FixOutcome{Result: checks.FixApplied, Diff: "--- env (now)\n+++ env (after --fix)\n-GOPROXY=off\n", Backup: "/home/gopher/.config/go/env.gomoddoctor/backup-1.env",
		Applied: []checks.PlanStep{r.Plan[0]}, Left: []checks.PlanStep{}, Before: []checks.CheckStatus{}, Fixed: []checks.FindingRef{{Check: "env", Code: "GOPROXY_OFF", Severity: checks.SevFail, Subject: "GOPROXY"}}}
	var js bytes.Buffer
	if err := JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	schematest.Check(t, js.Bytes())
	var md bytes.Buffer
	if err := Markdown(&md, r, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### gomoddoctor --fix", "```diff\n--- env (now)", "### Still to do", "1. **\\[--fix\\]** use a mirror", "   ```sh\n   go env -u GOSUMDB\n   ```"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	var gh bytes.Buffer
	if err := GitHub(&gh, r, GitHubOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"::notice title=gomoddoctor --fix::applied 1 step", "%0Afixed: GOPROXY_OFF (GOPROXY)", "::notice title=gomoddoctor plan::3 steps"} {
		if !strings.Contains(gh.String(), want) {
			t.Errorf("github lacks %q:\n%s", want, gh.String())
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(gh.String(), "\n"), "\n") {
		if !strings.HasPrefix(line, "::") {
			t.Errorf("not a workflow command: %q", line)
		}
	}
	var txt bytes.Buffer
	Text(&txt, r, TextOptions{})
	for _, want := range []string{"Still to do: 3 steps", "gomoddoctor --fix: applied 1 step, then ran the checks again", "fixed: GOPROXY_OFF (GOPROXY)", "backup: /home/gopher"} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, txt.String())
		}
	}
}

func TestFixPreviewText(t *testing.T) {
	r := withPlan()
	var b bytes.Buffer
	err := FixPreviewText(&b, FixPreview{File: "/home/gopher/.config/go/env", Diff: "--- env (now)\n+++ env (after --fix)\n@@ -1,1 +1,1 @@\n-GOPROXY=off\n+GOPROXY=https://mirror.example.test\n",
		Apply: r.Plan[:1], Cache: r.Plan[2:], Left: r.Plan[1:2], Notes: []string{"1 repair deletes module cache entries."}}, TextOptions{Color: true})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"Changes to the GOENV file /home/gopher/.config/go/env", "-GOPROXY=off", "Module cache repairs (--fix-cache)", "Left to you", "1 repair deletes"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "\x1b[") {
		t.Errorf("no colour with Color")
	}
}

// A --fix that took two rounds: every format says so, text lists each
// round's commands, JSON records the rounds in the fix object, and the
// Round event is rendered by the text and the machine handlers.
func TestFixRoundsFormats(t *testing.T) {
	r := withPlan()
	one, two := r.Plan[0], r.Plan[1]
	r.Fix = &checks.FixOutcome{Result: checks.FixApplied, Applied: []checks.PlanStep{one, two},
		Rounds: []checks.FixRound{{Round: 1, Applied: []checks.PlanStep{one}}, {Round: 2, Applied: []checks.PlanStep{two}}}}
	var txt bytes.Buffer
	Text(&txt, r, TextOptions{})
	out := txt.String()
	if !strings.Contains(out, "applied 2 steps in 2 rounds") || !strings.Contains(out, "  round 1:\n    $ "+one.Command) || !strings.Contains(out, "  round 2:\n    $ "+two.Command) {
		t.Errorf("text:\n%s", out)
	}
	var js bytes.Buffer
	if err := JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"rounds": [`) || !strings.Contains(js.String(), `"round": 2,`) {
		t.Errorf("json:\n%s", js.String())
	}
	var md, gh bytes.Buffer
	Markdown(&md, r, MarkdownOptions{})
	GitHub(&gh, r, GitHubOptions{})
	if !strings.Contains(md.String(), "in 2 rounds") || !strings.Contains(gh.String(), "in 2 rounds") {
		t.Errorf("markdown:\n%s\ngithub:\n%s", md.String(), gh.String())
	}
	for _, format := range Formats {
		var out, errOut bytes.Buffer
		if err := FixHandler(format, &out, &errOut, Options{}).Round(2, r); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String()+errOut.String(), "Round 2:") {
			t.Errorf("%s: the round is not shown", format)
		}
	}
}
