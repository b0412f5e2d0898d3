package module

import "github.com/gomoddoctor/gomoddoctor/checks"

// codes are the findings the check may report (checks.Code).
var codes = []checks.Code{
	// go.mod and go.work that do not parse (parsed), and versions (versions).
	{Code: "MODULE_GOMOD_INVALID", Severities: checks.FailOnly, Meaning: "go.mod or go.work cannot be read or parsed: every go command fails"},
	{Code: "MODULE_MAJOR_VERSION_MISMATCH", Severities: checks.FailOnly, Meaning: "a required or replacement version's major version disagrees with its module path (from v2 on, a path ends in /vN): every go command fails"},
	{Code: "MODULE_MALFORMED_PATH", Severities: checks.FailOnly, Meaning: "go.mod or go.work names a module path that is not valid: every go command fails"},
	{Code: "MODULE_INVALID_VERSION", Severities: checks.FailOnly, Meaning: "a required or replacement version is not a valid semantic version for its module path: every go command fails"},

	// The toolchain (toolchain, toolchainSwitch).
	{Code: "MODULE_REQUIRES_NEWER_GO", Severities: checks.FailOnly, Meaning: "the go line asks for a newer Go than the toolchain GOTOOLCHAIN lets the go command run: every go command in the module fails", Auto: true},
	{Code: "MODULE_TOOLCHAIN_IGNORED", Severities: checks.InfoOnly, Meaning: "the toolchain line asks for a newer toolchain, which GOTOOLCHAIN ignores; the go line is satisfied"},
	{Code: "MODULE_TOOLCHAIN_SWITCH", Severities: checks.InfoOnly, Meaning: "the go or toolchain line makes the go command switch to another toolchain, found on PATH or downloaded through GOPROXY"},
	{Code: "MODULE_TOOLCHAIN_UNAVAILABLE", Severities: checks.FailOnly, Meaning: "the toolchain switch cannot happen: the toolchain is not on PATH (GOTOOLCHAIN=path) or GOPROXY does not serve golang.org/toolchain for it", Auto: true},

	// go.work (workspace) and replace directives (replacements).
	{Code: "MODULE_GOWORK_MISSING_DIR", Severities: checks.FailOnly, Meaning: "a use directive of go.work names a directory that does not exist or has no go.mod: every go command in the workspace fails"},
	{Code: "MODULE_GOWORK_OUTDATED", Severities: checks.FailOnly, Meaning: "a module of the workspace requires a newer go than go.work's go line: every go command in the workspace fails"},
	{Code: "MODULE_REPLACE_INVALID", Severities: checks.FailOnly, Meaning: "a replace directive points at a directory that does not exist or has no go.mod"},

	// Vendoring (vendor) and go.sum (goSum).
	{Code: "MODULE_VENDOR_INCONSISTENT", Severities: checks.FailOnly, Meaning: "builds use vendor/ but vendor/modules.txt is missing or disagrees with go.mod: every build fails with \"inconsistent vendoring\""},
	{Code: "MODULE_VENDOR_MODE", Severities: checks.InfoOnly, Meaning: "builds use vendor/ (nothing is downloaded), and vendor/modules.txt agrees with go.mod"},
	{Code: "MODULE_MISSING_GOSUM", Severities: checks.WarnOrFail, Meaning: "go.sum lacks hashes of requirements: builds that need them fail with \"missing go.sum entry\" (a warning for content hashes no imported package needs)"},

	// Pseudo-versions and their branches (branches, with --probe-branches).
	{Code: "MODULE_BRANCH_BEHIND", Severities: checks.InfoOnly, Meaning: "a requirement on a pseudo-version is behind its branch's tip; 'go get module@branch' updates it"},
	{Code: "MODULE_BRANCH_STALE", Severities: checks.WarnOnly, Meaning: "the module proxy still answers @branch with an older commit than the branch's tip (proxies cache branch queries): 'go get module@branch' does not update"},
}
