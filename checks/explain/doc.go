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
//     binary input (*NotTextError), strips colour escapes and the
//     prefixes CI systems, Docker builds and Markdown quoting put before
//     lines, decodes UTF-16, groups each error line with its continuation
//     lines into an entry (joining lines a console hard-wrapped), reads
//     the errors out of JSON output, and skips -x trace lines and
//     progress lines. The first rule of the catalog that matches an entry
//     and whose evidence holds (rule.When, evidence.go: which Go release
//     added a standard-library package, whether a module is on a public
//     host, whether the failing request went to a proxy) explains it; an
//     error-shaped entry no rule matches is kept as unrecognised, never
//     dropped. The catalog knows the operating systems' words for network
//     failures (Windows' and their Chinese translations) and the go
//     command's wordings back to Go 1.11 and GOPATH mode.
//   - Explain turns the result into the log section of a checks.Report,
//     the cause that blocks the others first (configuration, then the
//     network and servers, then module content, then what the go command
//     could not record once a fetch failed), with fixes aimed at this
//     machine's environment the way the env check aims its own (go env -w
//     where the GOENV file or the toolchain default sets a value, the
//     shell where the process environment does), and every string
//     scrubbed of credentials. A fix command built from a log is offered
//     only when it can run: every path it gives the go command is a valid
//     module or import path, and no privacy or verification switch is
//     offered for a module of a public host unless the log shows it is
//     private.
//
// testdata/reallogs holds real users' go-command output from public
// threads, labelled with the cause and the fix the threads established;
// TestRealLogs scores explain on it, on a held-out part split by name
// before any tuning.
//   - Confirm runs the live checks that can confirm or rule out each
//     cause (only those registered) and records the verdicts.
//
// Nothing here renders: the report package does, in every format.
package explain
