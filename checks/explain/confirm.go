package explain

import (
	"context"
	"fmt"
	"slices"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/suite"
)

// ChecksFor returns the ids of the registered checks that can confirm or
// rule out the causes of lr, in report order. Checks of the catalog that
// are not registered (not landed yet) are left out.
func ChecksFor(lr *checks.LogReport) []string {
	want := map[string]bool{}
	for _, c := range lr.Causes {
		for _, id := range c.Checks {
			want[id] = true
		}
	}
	var ids []string
	for _, c := range suite.All() {
		if want[c.ID] {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// Confirm runs the live checks that can confirm or rule out the causes
// of lr on this machine and sets each cause's verdict: confirmed when a
// check reports one of the codes that confirm it; ruled out when the
// check that owns the cause ran and reports none of them; not checked
// otherwise (the owning check is not available, was skipped or could
// not run). It returns the checks' results for the report.
func Confirm(ctx context.Context, env *checks.Env, lr *checks.LogReport, runner checks.Runner) []checks.CheckResult {
	lr.Checked = true
	ids := ChecksFor(lr)
	var results []checks.CheckResult
	if len(ids) > 0 {
		list, err := suite.Select(ids)
		if err == nil {
			results = runner.Run(ctx, env, list)
		}
	}
	byID := map[string]checks.CheckResult{}
	for _, r := range results {
		byID[r.ID] = r
	}
	for i := range lr.Causes {
		c := &lr.Causes[i]
		c.Verdict, c.VerdictDetail = verdict(c, byID)
	}
	if results == nil {
		results = []checks.CheckResult{}
	}
	return results
}

func verdict(c *checks.Cause, byID map[string]checks.CheckResult) (checks.Verdict, string) {
	r := cat().byCode[c.Code]
	confirms := []string{c.Code}
	if r != nil && len(r.Confirms) > 0 {
		confirms = r.Confirms
	}
	for _, id := range c.Checks {
		res, ok := byID[id]
		if !ok {
			continue
		}
		for _, f := range res.Findings {
			if slices.Contains(confirms, f.Code) && f.Severity != checks.SevInfo {
				return checks.VerdictConfirmed, fmt.Sprintf("the %s check finds it on this machine: %s", id, f.Message)
			}
		}
	}
	owner := c.Checks[0]
	res, ok := byID[owner]
	switch {
	case !ok:
		return checks.VerdictNotChecked, fmt.Sprintf("the %s check, which can confirm it, is not available in this version", owner)
	case res.Status == checks.StatusSkip:
		return checks.VerdictNotChecked, fmt.Sprintf("the %s check was skipped here: %s", owner, res.SkipReason)
	case res.Status == checks.StatusError:
		return checks.VerdictNotChecked, fmt.Sprintf("the %s check could not run here", owner)
	}
	if r != nil && r.NoRuleOut {
		return checks.VerdictNotChecked, fmt.Sprintf("the %s check ran on this machine and does not see it, which does not rule it out: the cause may lie in what the failing command asked for rather than in this module", owner)
	}
	return checks.VerdictRuledOut, fmt.Sprintf("the %s check ran on this machine and does not find it: the failing command probably ran with another environment (a CI job's settings, a container) or the problem is gone", owner)
}
