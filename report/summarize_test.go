package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/report/schema/schematest"
)

// longLists is a report of 1,500 requirements lacking go.sum lines: a
// detail line for each, and a command naming each.
func longLists() *checks.Report {
	r := sample()
	const n = 1500
	var detail []string
	var cmd strings.Builder
	cmd.WriteString("go mod download")
	for i := range n {
		detail = append(detail, fmt.Sprintf("example.test/m%d@v1.0.0: no go.mod hash", i))
		fmt.Fprintf(&cmd, " example.test/m%d@v1.0.0", i)
	}
	fix := checks.Fix{Title: "add the missing lines", Command: cmd.String(), Kind: checks.FixManual}
	r.Checks = append(r.Checks, checks.CheckResult{ID: "module", Title: "Main module", Status: checks.StatusFail, Findings: []checks.Finding{{
		Code: "MODULE_MISSING_GOSUM", Severity: checks.SevFail, Subject: "go.sum",
		Message: "go.sum lacks lines for 1,500 requirement(s)", Detail: strings.Join(detail, "\n"),
		Fixes: []checks.Fix{fix},
	}}})
	r.Plan = []checks.PlanStep{{Fix: fix, AppliedBy: checks.ByYou, Because: []checks.FindingRef{{Check: "module", Code: "MODULE_MISSING_GOSUM", Severity: checks.SevFail, Subject: "go.sum"}}}}
	return r
}

// TestLongListsSummarized: text (with and without -v), Markdown and
// GitHub show the first items of a list of 1,500 and how many more, in
// a few lines; JSON keeps every one.
func TestLongListsSummarized(t *testing.T) {
	for _, format := range []string{"text", "markdown", "github"} {
		for _, verbose := range []bool{false, true} {
			var b bytes.Buffer
			if err := Render(&b, format, longLists(), Options{Verbose: verbose}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if n := strings.Count(out, "\n"); n > 150 || len(out) > 20000 {
				t.Errorf("%s (-v %v): %d lines, %d bytes:\n%.3000s", format, verbose, n, len(out), out)
			}
			if strings.Contains(out, "example.test/m1499@") {
				t.Errorf("%s (-v %v): the last module is listed", format, verbose)
			}
			want := "and 1,491 more (--json lists them all)" // the command: go mod download + 9 modules
			if !verbose && format == "text" {
				want = "… 1,496 more (-v shows some, --json all)" // 4 evidence lines
			}
			if !strings.Contains(out, want) {
				t.Errorf("%s (-v %v): no %q in:\n%.3000s", format, verbose, want, out)
			}
			if verbose && !strings.Contains(out, "… and 1,490 more (--json lists them all)") {
				t.Errorf("%s -v: the detail is not summarized after 10 lines:\n%.3000s", format, out)
			}
		}
	}
	var js bytes.Buffer
	if err := Render(&js, "json", longLists(), Options{}); err != nil {
		t.Fatal(err)
	}
	schematest.Check(t, js.Bytes())
	var rep checks.Report
	if err := json.Unmarshal(js.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	f := rep.Checks[len(rep.Checks)-1].Findings[0]
	if n := strings.Count(f.Detail, "\n") + 1; n != 1500 || len(strings.Fields(f.Fixes[0].Command)) != 1503 || len(strings.Fields(rep.Plan[0].Command)) != 1503 {
		t.Errorf("JSON lost items: %d detail lines, %d words in the command", n, len(strings.Fields(f.Fixes[0].Command)))
	}
}

// TestShortCommandsWhole: a command a person would type is never cut,
// however many words its shell syntax has.
func TestShortCommandsWhole(t *testing.T) {
	cmd := `awk '!($1 == "example.test/hello" && $2 == "v1.0.0")' go.sum > go.sum.new && mv go.sum.new go.sum && go mod download example.test/hello@v1.0.0`
	if got := summarizeCommand(cmd); got != cmd {
		t.Errorf("summarizeCommand cut %q to %q", cmd, got)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 49990: "49,990", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
		if got, ok := moreOf(moreLine(n)); n >= 0 && (!ok || got != n) {
			t.Errorf("moreOf(moreLine(%d)) = %d, %v", n, got, ok)
		}
	}
}
