package checks

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// A CheckResult is what one check produced in one run.
type CheckResult struct {
	ID         string        `json:"id"`
	Title      string        `json:"title"`
	Status     Status        `json:"status"`
	DurationMS int64         `json:"duration_ms"`
	Findings   []Finding     `json:"findings"`
	SkipReason string        `json:"skip_reason,omitempty"`
	Error      string        `json:"error,omitempty" sanitize:"lines"` // with status error: what went wrong
	Duration   time.Duration `json:"-"`
}

// Runner runs checks concurrently under the deadline of the context it is
// given. A check that panics, or that has not returned Grace after the
// deadline, gets status error; the others are not affected.
type Runner struct {
	// Grace is how long after the deadline a check may take to notice it
	// and return its timeout findings. Zero means DefaultGrace.
	Grace time.Duration
	// Strict makes an automatic fix that its check does not declare an
	// error of the check rather than a quiet suggestion, so that a new one
	// cannot go unnoticed. Tests set it (checktest does); so does
	// GOMODDOCTOR_TEST_STRICT_AUTOFIX=1, which the scripts set for the
	// doctor they run.
	Strict bool
}

// DefaultGrace keeps a whole run within its deadline plus half a second.
const DefaultGrace = 250 * time.Millisecond

// Run runs the checks on env and returns their results in the order of
// list, with credentials scrubbed from every string.
func (r Runner) Run(ctx context.Context, env *Env, list []*Check) []CheckResult {
	grace := r.Grace
	if grace <= 0 {
		grace = DefaultGrace
	}
	type done struct {
		i   int
		res CheckResult
	}
	ch := make(chan done, len(list))
	start := time.Now() // every check starts now
	for i, c := range list {
		go func() { ch <- done{i, runOne(ctx, env, c, r.strict())} }()
	}

	results := make([]CheckResult, len(list))
	finished := make([]bool, len(list))
	ctxDone := ctx.Done()
	var overrun <-chan time.Time
	for remaining := len(list); remaining > 0; {
		select {
		case d := <-ch:
			results[d.i], finished[d.i] = d.res, true
			remaining--
		case <-ctxDone:
			ctxDone, overrun = nil, time.After(grace)
		case <-overrun:
			for i, c := range list {
				if finished[i] {
					continue
				}
				elapsed := time.Since(start)
				results[i] = CheckResult{
					ID: c.ID, Title: c.Title, Status: StatusError,
					Error:    fmt.Sprintf("did not return within %v of the deadline (%v); its work was abandoned", grace, context.Cause(ctx)),
					Findings: []Finding{},
					Duration: elapsed, DurationMS: elapsed.Milliseconds(),
				}
			}
			remaining = 0
		}
	}
	linkCauses(results)
	env.Redact(results)
	return results
}

// runOne runs one check, turning a panic into status error.
func runOne(ctx context.Context, env *Env, c *Check, strict bool) (res CheckResult) {
	start := time.Now()
	res = CheckResult{ID: c.ID, Title: c.Title}
	defer func() {
		if p := recover(); p != nil {
			res.Status = StatusError
			res.Error = fmt.Sprintf("internal error: panic: %v\n%s", p, debug.Stack())
			res.Findings = nil
		}
		res.Duration = time.Since(start)
		res.DurationMS = res.Duration.Milliseconds()
		res.Findings = normalize(res.Findings)
	}()
	findings, err := c.Run(ctx, env)
	res.Findings = findings
	undeclared := gateAutoFixes(c, findings)
	if problems := undeclaredCodes(c, findings); strict && len(problems) > 0 {
		res.Status = StatusError
		res.Error = "findings the check does not declare (see Check.Codes): " + strings.Join(problems, ", ")
		return res
	}
	if len(undeclared) > 0 && strict {
		res.Status = StatusError
		res.Error = fmt.Sprintf("automatic fixes of %s, which the check does not declare Auto (see Check.Codes)", strings.Join(undeclared, ", "))
		return res
	}
	if reason, ok := skipReason(err); ok {
		res.Status, res.SkipReason = StatusSkip, reason
		return res
	}
	if err != nil {
		res.Status, res.Error = StatusError, err.Error()
		return res
	}
	res.Status = StatusOf(findings)
	return res
}

// gateAutoFixes turns Auto off in the fixes of the warnings and failures
// whose codes c does not declare Auto, and returns those codes:
// --fix applies only what a check declares (information is never in
// the plan, so its fixes stay as they are).
func gateAutoFixes(c *Check, fs []Finding) (undeclared []string) {
	for i := range fs {
		f := &fs[i]
		if d := c.Code(f.Code); f.Severity == SevInfo || d != nil && d.Auto {
			continue
		}
		for j := range f.Fixes {
			if f.Fixes[j].Auto {
				f.Fixes[j].Auto = false
				if !slices.Contains(undeclared, f.Code) {
					undeclared = append(undeclared, f.Code)
				}
			}
		}
	}
	return undeclared
}

// undeclaredCodes lists the findings whose code c does not declare, or
// whose severity its declaration does not allow, as "CODE severity".
func undeclaredCodes(c *Check, fs []Finding) []string {
	var out []string
	for _, f := range fs {
		if d := c.Code(f.Code); d == nil || !slices.Contains(d.Severities, f.Severity) {
			if p := f.Code + " " + string(f.Severity); !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// StrictEnv, set to 1, makes every Runner strict (see Runner.Strict).
const StrictEnv = "GOMODDOCTOR_TEST_STRICT_AUTOFIX"

func (r Runner) strict() bool { return r.Strict || os.Getenv(StrictEnv) == "1" }

// normalize gives every finding a non-nil fix list, so that JSON
// consumers always see arrays.
func normalize(fs []Finding) []Finding {
	if fs == nil {
		return []Finding{}
	}
	for i := range fs {
		if fs[i].Fixes == nil {
			fs[i].Fixes = []Fix{}
		}
	}
	return fs
}
