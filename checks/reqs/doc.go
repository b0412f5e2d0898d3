// Package reqs is the main modules as the go command reads them, read
// once per run and shared by the checks: the modules of the workspace
// (WorkModules), their requirements with replacements applied
// (Requirements), their go.sum and go.work.sum lines (GoSumFiles,
// GoSums), and what the checksum database is and is not asked about
// them (SumDB: the privacy rule of GONOSUMDB in one place).
//
// Each function takes the run's snapshot (checks.Env) and keeps what it
// read in the snapshot's per-run store (checks.Shared), so a second
// caller in the same run reads nothing again.
package reqs
