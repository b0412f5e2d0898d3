package checks

import (
	"context"
	"errors"
	"fmt"
)

// A Check diagnoses one part of the module-fetching machinery.
type Check struct {
	ID    string // short, lower-case, stable: "env", "proxy", ...
	Title string // one line, for the report
	Doc   string // what it checks and how, for 'gomoddoctor checks'
	// Codes declares every code the check may report (see Code): the
	// public API of --json, listed by 'gomoddoctor checks'. The runner
	// turns Auto off in the fixes of a warning or failure whose code is
	// not declared Auto, and a strict runner (tests) makes a finding with
	// an undeclared code or severity an error of the check. Validate
	// rejects a misdeclared check.
	Codes []Code
	// Run inspects env and returns its findings. It must return when ctx
	// is done. It returns an error only when it could not do its job; a
	// problem it found is a Finding. Returning Skip(...) marks the check
	// as not applicable.
	Run func(ctx context.Context, env *Env) ([]Finding, error)
}

// A Code declares one kind of finding a check may report.
type Code struct {
	Code string `json:"code"` // UPPER_SNAKE, unique across the suite
	// Severities are those the finding may have, mildest first.
	Severities []Severity `json:"severities"`
	Meaning    string     `json:"meaning"` // one line: what it says about the machine
	// Auto says that 'gomoddoctor --fix' may apply the finding's fixes by
	// itself. Each such code has a script that shows its fix working end
	// to end (cmd/gomoddoctor/testdata/script/fix_*.txtar, kept so by
	// TestFixScriptsCoverAutoFixes) or is exempt from one, with a reason.
	Auto bool `json:"auto"`
}

// Severity sets of code declarations.
var (
	InfoOnly    = []Severity{SevInfo}
	WarnOnly    = []Severity{SevWarn}
	FailOnly    = []Severity{SevFail}
	InfoOrWarn  = []Severity{SevInfo, SevWarn}
	InfoOrFail  = []Severity{SevInfo, SevFail}
	WarnOrFail  = []Severity{SevWarn, SevFail}
	AnySeverity = []Severity{SevInfo, SevWarn, SevFail}
)

// Code returns the declaration of code, or nil when c does not declare it.
func (c *Check) Code(code string) *Code {
	for i := range c.Codes {
		if c.Codes[i].Code == code {
			return &c.Codes[i]
		}
	}
	return nil
}

// AutoFix lists the codes whose fixes --fix may apply by itself.
func (c *Check) AutoFix() []string {
	var out []string
	for _, d := range c.Codes {
		if d.Auto {
			out = append(out, d.Code)
		}
	}
	return out
}

// Severity grades a finding.
type Severity string

const (
	SevInfo Severity = "info" // context; nothing to do
	SevWarn Severity = "warn" // works, but risky, slow or insecure
	SevFail Severity = "fail" // the go command fails
)

// Rank orders severities: info 0, warn 1, fail 2.
func (s Severity) Rank() int {
	switch s {
	case SevFail:
		return 2
	case SevWarn:
		return 1
	}
	return 0
}

// Worse reports whether s is more severe than t.
func (s Severity) Worse(t Severity) bool { return s.Rank() > t.Rank() }

// A Finding is one diagnosed fact, good or bad.
type Finding struct {
	Code     string   `json:"code"`     // stable UPPER_SNAKE identifier, e.g. PROXY_FORBIDDEN
	Severity Severity `json:"severity"` // info, warn or fail
	Subject  string   `json:"subject"`  // the key, host, module or path it is about
	Message  string   `json:"message"`  // one line
	Detail   string   `json:"detail,omitempty" sanitize:"lines"`
	Fixes    []Fix    `json:"fixes"`
	// CausedBy names the finding this one follows from (the proxy entry
	// fails because its host does not resolve; a module cannot be
	// fetched because the entry that stops the walk fails), set by the
	// check that knows the link. A check may leave Code empty (and
	// Subject, to mean any problem of that check): the
	// runner links to the warning or failure of that check about that
	// subject, and drops a link to a finding that is not there (a check
	// not run, a problem not found), so that a finding whose cause is not
	// in the report stands as a cause itself.
	CausedBy *Ref `json:"caused_by,omitempty"`
	// CausedByAny are the links a check can name when it cannot know
	// which other check's problem stands in the way, in order: the
	// runner makes the first that resolves (as CausedBy does) the
	// finding's CausedBy. CausedBy, when set, comes first.
	CausedByAny []Ref `json:"-"`
}

// A Ref names a finding of a report.
type Ref struct {
	Check   string `json:"check"`
	Code    string `json:"code"`
	Subject string `json:"subject"`
}

// Problem reports whether the finding is a warning or a failure.
func (f Finding) Problem() bool { return f.Severity != SevInfo }

// Status is the outcome of one check, or of a whole run.
type Status string

const (
	StatusPass  Status = "pass"
	StatusWarn  Status = "warn"
	StatusFail  Status = "fail"
	StatusSkip  Status = "skip"  // not applicable here
	StatusError Status = "error" // the check could not run: a panic, an overrun, an internal error
)

// StatusOf is the status of a check that returned findings.
func StatusOf(fs []Finding) Status {
	worst := SevInfo
	for _, f := range fs {
		if f.Severity.Worse(worst) {
			worst = f.Severity
		}
	}
	switch worst {
	case SevFail:
		return StatusFail
	case SevWarn:
		return StatusWarn
	}
	return StatusPass
}

// SkipError is returned by a check that does not apply.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return "skipped: " + e.Reason }

// Skip returns the error that marks a check as not applicable, with the
// reason shown to the user.
func Skip(format string, args ...any) error {
	return &SkipError{Reason: fmt.Sprintf(format, args...)}
}

func skipReason(err error) (string, bool) {
	var s *SkipError
	if errors.As(err, &s) {
		return s.Reason, true
	}
	return "", false
}
