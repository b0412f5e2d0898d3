package checks

// AppliedBy says who carries out a step of the plan.
type AppliedBy string

const (
	ByFix      AppliedBy = "fix"       // 'gomoddoctor --fix' applies it (with 'go env -w' or 'go env -u')
	ByFixCache AppliedBy = "fix-cache" // 'gomoddoctor --fix --fix-cache' applies it: it deletes module cache entries
	ByYou      AppliedBy = "you"       // a shell change, a manual step, or a choice only a person can make
)

// A PlanStep is one step of the plan: a fix (possibly merged from the
// fixes of several findings), who applies it, the findings it answers,
// and notes explaining what the advisor merged, chose or left out.
type PlanStep struct {
	Fix
	AppliedBy AppliedBy    `json:"applied_by"`
	Because   []FindingRef `json:"because"`
	Notes     []string     `json:"notes,omitempty"`
	// Verified is what trying the step changed (see advisor.Plan): nil
	// when it was not tried (steps that are not a setting, or a plan
	// made without trying).
	Verified *Verification `json:"verified,omitempty"`
}

// A Verification is what a plan step was seen to change when the
// advisor tried it: the checks run again on the environment the step
// would make (in memory; nothing written), under the run's deadline.
type Verification struct {
	// Works is true when the step removes at least one root cause and
	// brings no new failure.
	Works bool `json:"works"`
	// Changes are the checks whose status changed, as "proxy: fail → pass".
	Changes []string `json:"changes"`
	// Fixed are the root causes of the report that are gone; New the
	// problems that appear.
	Fixed []Ref `json:"fixed"`
	New   []Ref `json:"new"`
	// Incomplete is set when the deadline cut the trial short: what it
	// says may be partial.
	Incomplete bool `json:"incomplete,omitempty"`
	// Breaks is set when a new failure was seen: the step does not work,
	// whatever the deadline left unseen.
	Breaks bool `json:"-"`
}

// A FindingRef names a finding of a report.
type FindingRef struct {
	Check    string   `json:"check"`
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Subject  string   `json:"subject"`
}
