package private

import "github.com/gomoddoctor/gomoddoctor/checks"

// codes are the findings the check may report (checks.Code). A problem
// is a warning when the module cache already holds what this module
// needs (it works here; a clean machine or CI fails), else a failure.
var codes = []checks.Code{
	// How requirements are routed (notExcluded, noSumDB, tooBroad, table).
	{Code: "PRIVATE_MODULE_NOT_EXCLUDED", Severities: checks.WarnOrFail, Meaning: "requirements that look private are sent to the proxies or the checksum database (404/410 there): GOPRIVATE or GONOSUMDB does not cover them", Auto: true},
	{Code: "PRIVATE_MIRROR_GAP", Severities: checks.WarnOrFail, Meaning: "requirements that no GOPROXY entry serves (404/410), with nothing to fall back to, while nothing says they are private (a public host, an origin not asked, not the toolchain's default proxy): the mirror lacks them; the remedy is about the mirror (a fallback, another proxy, filling a file:// directory), never GOPRIVATE"},
	{Code: "PRIVATE_NEEDS_DIRECT", Severities: checks.WarnOrFail, Meaning: "public requirements that no GOPROXY entry serves (404/410) cannot be fetched from their origin: GOPROXY has no direct"},
	{Code: "PRIVATE_GONOSUMDB_MISSING", Severities: checks.WarnOrFail, Meaning: "GONOPROXY sends modules directly to their origin, but GONOSUMDB does not exempt them: their names go to the checksum database, which does not know them", Auto: true},
	{Code: "PRIVATE_PATTERN_TOO_BROAD", Severities: checks.WarnOnly, Meaning: "a GOPRIVATE, GONOPROXY, GONOSUMDB or GOINSECURE pattern covers public modules or a whole shared code host"},
	{Code: "PRIVATE_ROUTES", Severities: checks.InfoOnly, Meaning: "the routing table: how the go command fetches and verifies each requirement, and which pattern decides"},

	// The origin of a module fetched directly (probe.Origin).
	{Code: "PRIVATE_NO_META", Severities: checks.WarnOrFail, Meaning: "the origin of a module fetched directly gives no usable repository: no go-import meta tag for its path, or an invalid one"},
	{Code: "PRIVATE_GOVCS_DISALLOWED", Severities: checks.WarnOrFail, Meaning: "GOVCS forbids the version control tool a module fetched directly needs, or GOVCS is invalid", Auto: true},
	{Code: "PRIVATE_VCS_MISSING", Severities: checks.WarnOrFail, Meaning: "the version control tool (git, hg...) a module fetched directly needs is not on PATH"},
	{Code: "PRIVATE_ORIGIN_UNREACHABLE", Severities: checks.WarnOrFail, Meaning: "the origin host of a module fetched directly cannot be reached (DNS, TLS, network, or no answer in time), by the go command or by git"},
	{Code: "PRIVATE_AUTH_FAILED", Severities: checks.WarnOrFail, Meaning: "the origin of a module fetched directly wants credentials (401/403) or refuses those git offers"},
	{Code: "PRIVATE_TERMINAL_PROMPTS_DISABLED", Severities: checks.WarnOrFail, Meaning: "git needs credentials for the origin and no ~/.netrc, credential helper or ssh rewrite gives them: \"terminal prompts disabled\""},
	{Code: "PRIVATE_REPO_NOT_FOUND", Severities: checks.WarnOrFail, Meaning: "the origin says the repository of a module fetched directly does not exist (hosts say so to requests without access, too)"},
	{Code: "PRIVATE_VCS_FETCH_FAILED", Severities: checks.WarnOrFail, Meaning: "'git ls-remote' of the repository of a module fetched directly fails for a reason no other code classifies"},
}
