package checks

import (
	"runtime"
	"time"
)

// SchemaVersion is the version of the JSON contract. Fields may be added
// freely; renaming or removing one bumps it.
const SchemaVersion = 1

// Report is the whole outcome of a run: what every renderer renders.
type Report struct {
	SchemaVersion int           `json:"schema_version"`
	Tool          Tool          `json:"tool"`
	Go            GoInfo        `json:"go"`
	Module        *ModuleInfo   `json:"module,omitempty"`
	Status        Status        `json:"status"` // pass, warn or fail
	DurationMS    int64         `json:"duration_ms"`
	Checks        []CheckResult `json:"checks"`
	// RootCauses are the problems that follow from no other problem
	// (Finding.CausedBy): what a person has to act on. Always present,
	// empty when nothing is wrong.
	RootCauses []Ref `json:"root_causes"`
	// Environment is the Go environment that decides how modules are
	// fetched, credentials redacted.
	Environment []EnvVar `json:"environment,omitempty"`
	// Plan is the advisor's merged, ordered plan of the fixes of every
	// problem (see Advise): what 'gomoddoctor --fix' would apply, and
	// what only a person can do. Present, possibly empty, in every report.
	Plan []PlanStep `json:"plan"`
	// Fix is set by 'gomoddoctor --fix': what it changed, and the status
	// of each check before the change (Checks and Plan are then those of
	// the run that verified it).
	Fix *FixOutcome `json:"fix,omitempty"`
	// Log is set by 'gomoddoctor explain': what it found in the log of a
	// failed go command. Checks then holds the live checks run with
	// --check (none without it), and Status describes the log.
	Log *LogReport `json:"log,omitempty"`
	// Facts are what the run observed, as data: resolvers, the GOPROXY
	// chain's answers, TLS roots and issuers, the checksum database's
	// route, the module cache. 'gomoddoctor diff' compares them.
	Facts *Facts `json:"facts,omitempty"`
	// Run is set by 'gomoddoctor run': the command that failed. Log then
	// explains its output and Checks are the live checks of its causes.
	Run *RunInfo `json:"run,omitempty"`

	// secrets are the credentials the run knows of, scrubbed again from
	// every string by Output.
	secrets *scrubber
}

// RunInfo is the command 'gomoddoctor run' ran.
type RunInfo struct {
	Command    string `json:"command"` // as given, credentials redacted
	ExitCode   int    `json:"exit_code"`
	DurationMS int64  `json:"duration_ms"`
	Killed     bool   `json:"killed,omitempty"` // --kill-after ended it
}

// Tool names the doctor.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// GoInfo describes the toolchain the doctor asked.
type GoInfo struct {
	Version string `json:"version"` // "" when the go command could not run
	GOROOT  string `json:"goroot"`
	Path    string `json:"path"` // the go command's path
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

// ModuleInfo names the main module.
type ModuleInfo struct {
	Path  string `json:"path"`
	GoMod string `json:"gomod"`
}

// NewReport assembles the report of a run, with the advisor's plan for
// its results (nil for none).
func NewReport(env *Env, version string, results []CheckResult, plan []PlanStep, elapsed time.Duration) *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "gomoddoctor", Version: version},
		Go: GoInfo{
			Version: env.Go.GoVersion, GOROOT: env.Go.GOROOT, Path: env.Go.GoBin,
			OS: runtime.GOOS, Arch: runtime.GOARCH,
		},
		Checks:      results,
		RootCauses:  RootCauses(results),
		Environment: env.Summary(),
		DurationMS:  elapsed.Milliseconds(),
		Facts:       env.Facts(),
	}
	r.Plan = plan
	r.secrets = &env.secrets
	if r.Plan == nil {
		r.Plan = []PlanStep{}
	}
	if env.Module != nil && env.Module.GoMod != "" {
		r.Module = &ModuleInfo{Path: env.Module.Path(), GoMod: env.Module.GoMod}
	}
	r.Status = StatusPass
	for _, c := range results {
		switch c.Status {
		case StatusFail:
			r.Status = StatusFail
		case StatusWarn, StatusError:
			if r.Status == StatusPass {
				r.Status = StatusWarn
			}
		}
	}
	return r
}

// Exit codes, the same for every output format.
const (
	ExitOK       = 0 // nothing failed (warnings allowed)
	ExitFail     = 1 // at least one check failed
	ExitInternal = 2 // usage or internal error
)

// ExitCode is the process exit code for the report: 1 when a check
// failed, else 2 when a check could not run, else 0.
func (r *Report) ExitCode() int {
	code := ExitOK
	for _, c := range r.Checks {
		switch c.Status {
		case StatusFail:
			return ExitFail
		case StatusError:
			code = ExitInternal
		}
	}
	return code
}
