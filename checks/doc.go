// Package checks is the engine of gomoddoctor: independent checks that
// each diagnose one part of what the go command needs to fetch modules, the
// data they produce (findings with exact fixes), the Env snapshot they all
// read, and the Runner that runs them concurrently under one deadline.
//
// The model follows golang.org/x/tools/go/analysis: a Check is a value
// with an ID, a Title, a Doc and a Run function; a Finding is data with a
// stable UPPER_SNAKE code; a Fix is data too, so that renderers and --fix
// can act on it without knowing the check that made it. Adding a check is
// adding one file (which registers it) and its test.
//
// Three rules bind every check. Truth: a fail means the go command would
// fail with this environment, a warn that it works but is risky, slow or
// insecure. Privacy: a check sends no request the go command would not
// send, and credentials never reach a finding. Bounded time: every
// operation honours the run's context.
package checks
