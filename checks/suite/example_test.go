package suite

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/advisor"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/report"
	"github.com/gomoddoctor/gomoddoctor/report/schema/schematest"
)

// gonoproxyCheck is what a new check looks like: a value with an ID, a
// title, a doc, its declared codes and a Run function. A real one is a
// package checks/<id> exporting it as Check, plus one line in the list of
// suite.go; nothing else changes (the runner, the advisor, explain's
// confirmations, 'gomoddoctor checks' and every renderer take it as it
// is). This one is an example and is not in the suite.
var gonoproxyCheck = &checks.Check{
	ID:    "example",
	Title: "GONOPROXY without GOPRIVATE",
	Doc:   "Warns when GONOPROXY is set but GOPRIVATE is not (an example check).",
	Codes: []checks.Code{
		{Code: "EXAMPLE_GONOPROXY_ALONE", Severities: []checks.Severity{checks.SevWarn}, Meaning: "GONOPROXY is set without GOPRIVATE", Auto: true},
		{Code: "EXAMPLE_OK", Severities: []checks.Severity{checks.SevInfo}, Meaning: "nothing to say"},
	},
	Run: func(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
		if env.Go.Get("GONOPROXY") != "" && env.Go.Get("GOPRIVATE") == "" {
			v := env.Go.Var("GOPRIVATE")
			return []checks.Finding{{
				Code: "EXAMPLE_GONOPROXY_ALONE", Severity: checks.SevWarn, Subject: "GONOPROXY",
				Message: "GONOPROXY is set but GOPRIVATE is not",
				Fixes:   []checks.Fix{checks.SetVar(env.Go, v, env.Go.Get("GONOPROXY"), "set GOPRIVATE too")},
			}}, nil
		}
		return []checks.Finding{{Code: "EXAMPLE_OK", Severity: checks.SevInfo, Subject: "GONOPROXY", Message: "fine"}}, nil
	},
}

// TestAddingACheck shows a check that is not in the suite going through
// everything a suite check goes through, with no change to any of it.
func TestAddingACheck(t *testing.T) {
	list := append(All(), gonoproxyCheck) // the one line of suite.go
	if err := checks.Validate(list); err != nil {
		t.Fatal(err)
	}
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GONOPROXY": "corp.example", "GOPROXY": "off"}})
	r := checktest.Run(t, env, gonoproxyCheck, 5*time.Second)
	checktest.Want(t, r, "EXAMPLE_GONOPROXY_ALONE warn")

	results := []checks.CheckResult{r}
	rep := checks.NewReport(env, "test", results, advisor.Advise(env, results), time.Millisecond)
	if s := checktest.StepFor(rep.Plan, checks.FixGoEnv, "GOPRIVATE"); s == nil {
		t.Errorf("the advisor did not plan the example's fix:\n%s", checktest.PlanDump(rep.Plan))
	}
	for _, format := range report.Formats {
		var b bytes.Buffer
		if err := report.Render(&b, format, rep, report.Options{}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if format == "json" {
			schematest.Check(t, b.Bytes())
		}
		if !strings.Contains(strings.ReplaceAll(b.String(), `\_`, "_"), "EXAMPLE_GONOPROXY_ALONE") {
			t.Errorf("%s does not name the example's finding:\n%s", format, b.String())
		}
	}
	var b bytes.Buffer
	if err := report.ChecksText(&b, list); err != nil || !strings.Contains(b.String(), "EXAMPLE_GONOPROXY_ALONE [warn] (--fix applies its fix)") {
		t.Errorf("'gomoddoctor checks' does not list the example's codes (%v):\n%s", err, b.String())
	}

	// A misdeclared check is rejected: a code used by two checks, a code
	// without meaning.
	dup := *gonoproxyCheck
	dup.ID = "example2"
	if err := checks.Validate(append(list, &dup)); err == nil || !strings.Contains(err.Error(), "EXAMPLE_OK is declared by example and example2") {
		t.Errorf("a duplicate code passed validation: %v", err)
	}
	bad := *gonoproxyCheck
	bad.Codes = []checks.Code{{Code: "EXAMPLE_X", Severities: []checks.Severity{checks.SevInfo}, Auto: true}}
	if err := checks.Validate([]*checks.Check{&bad}); err == nil || !strings.Contains(err.Error(), "no meaning") || !strings.Contains(err.Error(), "only information") {
		t.Errorf("a misdeclared code passed validation: %v", err)
	}

	// A finding with an undeclared code is an error of its check, for a
	// strict runner (tests).
	loose := *gonoproxyCheck
	loose.Codes = loose.Codes[1:]
	if r := checktest.Run(t, env, &loose, 5*time.Second); r.Status != checks.StatusError || !strings.Contains(r.Error, "EXAMPLE_GONOPROXY_ALONE warn") {
		t.Errorf("an undeclared code was accepted: %s %s", r.Status, r.Error)
	}
}
