package checks

// FixResult says how 'gomoddoctor --fix' ended.
type FixResult string

const (
	FixApplied      FixResult = "applied"          // the plan's changes were made and verified
	FixNothingToDo  FixResult = "nothing-to-apply" // no step of the plan is one --fix applies
	FixDryRun       FixResult = "dry-run"          // --dry-run: shown, nothing changed
	FixDeclined     FixResult = "declined"         // the user answered no
	FixNotConfirmed FixResult = "not-confirmed"    // no terminal to ask, and no --yes
	FixFailed       FixResult = "failed"           // an error stopped it; see Error
	FixInterrupted  FixResult = "interrupted"      // a signal stopped it
)

// FixOutcome is what 'gomoddoctor --fix' did. It is part of the report
// of the run that verified the change: that report's checks and plan
// are those after the change, Before holds the statuses before it.
type FixOutcome struct {
	Result FixResult `json:"result"`
	// File is the GOENV file, Diff the change to it as a unified diff
	// (credentials redacted), Backup where the file was saved before the
	// change ('gomoddoctor undo' restores it).
	File   string `json:"file,omitempty"`
	Diff   string `json:"diff,omitempty" sanitize:"lines"`
	Backup string `json:"backup,omitempty"`
	// Applied are the steps carried out; Left those of the plan that were
	// not (yours, cache repairs without --fix-cache, or all of them when
	// nothing was applied).
	Applied []PlanStep `json:"applied"`
	Left    []PlanStep `json:"left"`
	// Before is the status of each check before the fix. Fixed are the
	// problems (warn and fail findings) found before and gone after, New
	// those found after only (set once the checks ran again).
	Before []CheckStatus `json:"before"`
	Fixed  []FindingRef  `json:"fixed,omitempty"`
	New    []FindingRef  `json:"new,omitempty"`
	// Error says what stopped --fix (with result failed or interrupted).
	Error string `json:"error,omitempty" sanitize:"lines"`
	// Rounds, when --fix repaired in more than one round (the checks
	// run again showed steps it may apply that the plan did not have),
	// are the rounds in order. Applied and Diff above are those of all
	// rounds together; Backup is the one backup of the run.
	Rounds []FixRound `json:"rounds,omitempty"`
}

// FixRound is one round of a --fix run that took several.
type FixRound struct {
	Round   int           `json:"round"`                           // 1, 2, ...
	Diff    string        `json:"diff,omitempty" sanitize:"lines"` // this round's change of the file
	Applied []PlanStep    `json:"applied"`                         // the steps of this round
	After   []CheckStatus `json:"after"`                           // the checks' statuses after it
}

// CheckStatus is the status of one check at one moment.
type CheckStatus struct {
	ID       string `json:"id"`
	Status   Status `json:"status"`
	Problems int    `json:"problems"` // warn and fail findings
}

// Statuses returns the status of every check of the report.
func (r *Report) Statuses() []CheckStatus {
	out := make([]CheckStatus, 0, len(r.Checks))
	for _, c := range r.Checks {
		n := 0
		for _, f := range c.Findings {
			if f.Severity != SevInfo {
				n++
			}
		}
		out = append(out, CheckStatus{ID: c.ID, Status: c.Status, Problems: n})
	}
	return out
}

// Problems lists the warn and fail findings of the report.
func (r *Report) Problems() []FindingRef {
	var out []FindingRef
	for _, c := range r.Checks {
		for _, f := range c.Findings {
			if f.Severity != SevInfo {
				out = append(out, FindingRef{Check: c.ID, Code: f.Code, Severity: f.Severity, Subject: f.Subject})
			}
		}
	}
	return out
}

// CompareProblems returns the problems of before that after no longer
// has, and those of after that before did not have, by check, code and
// subject.
func CompareProblems(before, after []FindingRef) (fixed, added []FindingRef) {
	key := func(r FindingRef) string { return r.Check + "\x00" + r.Code + "\x00" + r.Subject }
	in := func(list []FindingRef, r FindingRef) bool {
		for _, x := range list {
			if key(x) == key(r) {
				return true
			}
		}
		return false
	}
	for _, r := range before {
		if !in(after, r) && !in(fixed, r) {
			fixed = append(fixed, r)
		}
	}
	for _, r := range after {
		if !in(before, r) && !in(added, r) {
			added = append(added, r)
		}
	}
	return fixed, added
}
