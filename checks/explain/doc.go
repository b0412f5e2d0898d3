// Package explain recognises module-related errors in the output of a
// failed go command (go build, go mod tidy, go mod download, go get, go
// install; plain, with -x traces, or as -json output) and explains each
// with a finding: the code the live checks use for the same cause, a
// plain explanation, the fixes, and the log lines it came from.
//
// The recogniser is a table of patterns, kept as data in catalog.go; the
// rest of the package reads the log and applies the table:
//
//   - Parse reads a log with bounded memory and time (Limits): it refuses
//     binary input (*NotTextError), strips colour escapes and CI
//     prefixes, decodes UTF-16, groups each error line with its
//     continuation lines into an entry, reads the errors out of JSON
//     output, and skips -x trace lines and progress lines. The first rule
//     of the catalog that matches an entry explains it; an error-shaped
//     entry no rule matches is kept as unrecognised, never dropped.
//   - Explain turns the result into the log section of a checks.Report,
//     with fixes aimed at this machine's environment the way the env
//     check aims its own (go env -w where the GOENV file or the toolchain
//     default sets a value, the shell where the process environment
//     does), and every string scrubbed of credentials.
//   - Confirm runs the live checks that can confirm or rule out each
//     cause (only those registered) and records the verdicts.
//
// Nothing here renders: the report package does, in every format.
package explain
