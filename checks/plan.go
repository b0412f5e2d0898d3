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
}

// A FindingRef names a finding of a report.
type FindingRef struct {
	Check    string   `json:"check"`
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Subject  string   `json:"subject"`
}
