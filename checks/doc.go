// Package checks is the core of gomoddoctor: the model and the runner,
// and nothing about any one check.
//
// The model follows golang.org/x/tools/go/analysis:
//
//   - A Check is a value: an ID, a Title, a Doc, the Codes it declares and
//     a Run function. Each check is a package checks/<id> exporting it as
//     Check; the suite (checks/suite) lists them in report order.
//   - A Finding is data with a stable UPPER_SNAKE code, a Severity, a
//     subject, a message, evidence and Fixes. Codes are declared (Code:
//     severities, meaning, whether --fix may apply the fix), and Validate
//     rejects a misdeclared check, as analysis.Validate does.
//   - A Fix is data too (SetVar, UnsetVar, RestoreVar, Manual), so that
//     the advisor (checks/advisor), --fix (checks/repair) and the
//     renderers (package report) act on it without knowing its check.
//   - Env is the snapshot every check reads, built once per run: the Go
//     environment with the source of each value, the main module, the
//     network seam (Net), the user's Options, and a per-run store
//     (Shared) where shared packages keep what they compute once.
//   - The Runner runs checks concurrently under one deadline, turns a
//     panic or an overrun into status error without touching the others,
//     gates automatic fixes by the declarations, and scrubs every
//     credential it knows of (redaction is done here, in one place).
//   - Report is what every renderer renders.
//
// Three rules bind every check. Truth: a fail means the go command would
// fail with this environment, a warn that it works but is risky, slow or
// insecure. Privacy: a check sends no request the go command would not
// send, and credentials never reach a finding. Bounded time: every
// operation honours the run's context.
package checks
