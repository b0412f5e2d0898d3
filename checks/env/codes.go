package env

import "github.com/gomoddoctor/gomoddoctor/checks"

// codes are the findings the check may report (checks.Code).
var codes = []checks.Code{
	// The GOENV file (envFile).
	{Code: "GOENV_OFF", Severities: checks.InfoOnly, Meaning: "GOENV=off: the go command reads no GOENV file, and 'go env -w' cannot save settings"},
	{Code: "GOENV_FILE_UNREADABLE", Severities: checks.WarnOnly, Meaning: "the GOENV file cannot be read: the go command silently ignores it, so settings made with 'go env -w' are not in effect"},
	{Code: "GOENV_FILE_NOT_TEXT", Severities: checks.WarnOnly, Meaning: "the GOENV file holds binary data or NUL bytes: the go command silently skips what it cannot read in it"},
	{Code: "GOENV_FILE_UNKNOWN_KEY", Severities: checks.WarnOnly, Meaning: "the GOENV file sets a variable that is not a Go setting, which the go command never reads from that file (--fix keeps the line, as 'go env -w' does)"},
	{Code: "GOENV_FILE_DUPLICATE", Severities: checks.InfoOnly, Meaning: "the GOENV file sets the same key more than once: the last line wins"},
	{Code: "GOENV_FILE_IGNORED_LINE", Severities: checks.WarnOnly, Meaning: "a line of the GOENV file is not KEY=VALUE with an upper-case key, so the go command silently ignores it", Auto: true},
	{Code: "GOENV_FILE_CRLF", Severities: checks.WarnOnly, Meaning: "the GOENV file has Windows (CRLF) line endings: every value it sets ends in a carriage return the go command keeps"},
	{Code: "ENV_OVERRIDES_GOENV_FILE", Severities: checks.InfoOnly, Meaning: "a variable of the process environment overrides the GOENV file, so 'go env -w' of it has no effect while it is set"},

	// GOPROXY (goproxy).
	{Code: "GOPROXY_EMPTY", Severities: checks.FailOnly, Meaning: "GOPROXY has no entries (only commas, bars or spaces, or an empty GOENV line hiding the default): every module download fails", Auto: true},
	{Code: "GOPROXY_INVALID", Severities: checks.FailOnly, Meaning: "a GOPROXY entry is rejected by the go command (no scheme, an unknown scheme, a bad file:// URL): every module download fails", Auto: true},
	{Code: "GOPROXY_TYPO", Severities: checks.FailOnly, Meaning: "a GOPROXY entry is a typo (of direct, off or a URL) that the go command accepts but that cannot be a module proxy", Auto: true},
	{Code: "GOPROXY_HTTP_CREDENTIALS", Severities: checks.FailOnly, Meaning: "a GOPROXY entry carries credentials over plain http://, which the go command refuses to send: every download through it fails", Auto: true},
	{Code: "GOPROXY_PLAIN_HTTP", Severities: checks.WarnOnly, Meaning: "a GOPROXY entry (not on loopback) is plain http://: module paths and contents cross the network unencrypted"},
	{Code: "GOPROXY_OFF", Severities: checks.AnySeverity, Meaning: "GOPROXY=off (or starts with off): the go command downloads nothing; a failure unless the module builds from vendor/ or the module cache has all it needs", Auto: true},
	{Code: "GOPROXY_DIRECT_ONLY", Severities: checks.WarnOnly, Meaning: "GOPROXY=direct: every module comes from its version control host, which needs git and access to every origin, and is slow"},
	{Code: "GOPROXY_NO_DIRECT", Severities: checks.InfoOnly, Meaning: "GOPROXY has no direct fallback: a module its proxies do not serve cannot be fetched from its origin"},
	{Code: "GOPROXY_UNTIDY", Severities: checks.WarnOnly, Meaning: "GOPROXY works but has empty elements, stray spaces, duplicates or entries the go command never reaches", Auto: true},
	{Code: "GOPROXY_CHAIN", Severities: checks.InfoOnly, Meaning: "the order in which the go command tries the GOPROXY entries, and after which errors it moves on"},

	// GOSUMDB (gosumdb).
	{Code: "GOSUMDB_OFF", Severities: checks.WarnOnly, Meaning: "GOSUMDB=off: modules missing from go.sum are accepted without checking them against a checksum database"},
	{Code: "GOSUMDB_INVALID", Severities: checks.WarnOrFail, Meaning: "GOSUMDB cannot be parsed: every module missing from go.sum fails to verify (a warning when go.sum already has every hash this module needs)", Auto: true},
	{Code: "GOSUMDB_CUSTOM", Severities: checks.InfoOnly, Meaning: "checksums are verified against a database other than the toolchain default"},
	{Code: "GOSUMDB_PLAIN_HTTP", Severities: checks.InfoOnly, Meaning: "the checksum database is reached over plain http://; its answers are still signed and verified with the key"},

	// Module path patterns (patterns).
	{Code: "GOPRIVATE_BAD_PATTERN", Severities: checks.WarnOnly, Meaning: "a GOPRIVATE pattern can never match a module path: the modules it was meant for go to the public proxy and checksum database", Auto: true},
	{Code: "GONOPROXY_BAD_PATTERN", Severities: checks.WarnOnly, Meaning: "a GONOPROXY pattern can never match a module path: the modules it was meant for are requested from the GOPROXY proxies", Auto: true},
	{Code: "GONOSUMDB_BAD_PATTERN", Severities: checks.WarnOnly, Meaning: "a GONOSUMDB pattern can never match a module path: the modules it was meant for are looked up in the checksum database", Auto: true},
	{Code: "GOINSECURE_BAD_PATTERN", Severities: checks.WarnOnly, Meaning: "a GOINSECURE pattern can never match a module path, so it has no effect", Auto: true},
	{Code: "GOPRIVATE_TOO_BROAD", Severities: checks.WarnOnly, Meaning: "a GOPRIVATE pattern matches every module: nothing goes through the module proxy or is checked against the checksum database"},
	{Code: "GOINSECURE_SET", Severities: checks.WarnOnly, Meaning: "GOINSECURE is set: the modules it matches are fetched over plain HTTP or without certificate checks"},
	{Code: "GONOPROXY_NARROWS_GOPRIVATE", Severities: checks.InfoOnly, Meaning: "GONOPROXY is set and so replaces the GOPRIVATE default: some GOPRIVATE modules are sent to the GOPROXY proxies"},
	{Code: "GONOSUMDB_NARROWS_GOPRIVATE", Severities: checks.WarnOnly, Meaning: "GONOSUMDB is set and so replaces the GOPRIVATE default: some GOPRIVATE modules are looked up in the checksum database, leaking their names and failing to verify"},

	// GOFLAGS, GO111MODULE and GOTOOLCHAIN (goflags, go111module, gotoolchain).
	{Code: "GOFLAGS_INVALID", Severities: checks.FailOnly, Meaning: "GOFLAGS does not parse, names a flag no go command knows or an unsupported -mod value: every go command fails", Auto: true},
	{Code: "GOFLAGS_INSECURE", Severities: checks.FailOnly, Meaning: "GOFLAGS sets -insecure, which the go command no longer supports: 'go get' fails", Auto: true},
	{Code: "GOFLAGS_MODFILE", Severities: checks.WarnOnly, Meaning: "GOFLAGS sets -modfile: every module on this machine is built from that file instead of its own go.mod", Auto: true},
	{Code: "GOFLAGS_MOD_VENDOR", Severities: checks.WarnOrFail, Meaning: "GOFLAGS sets -mod=vendor for every module: nothing is downloaded, and modules without an up-to-date vendor/ fail (a failure when this one has no vendor/modules.txt)", Auto: true},
	{Code: "GOFLAGS_MOD_MOD", Severities: checks.InfoOnly, Meaning: "GOFLAGS sets -mod=mod: every go command may rewrite go.mod and go.sum silently and fetch missing requirements"},
	{Code: "GOFLAGS_MOD_READONLY", Severities: checks.InfoOnly, Meaning: "GOFLAGS sets -mod=readonly, which is already the default"},
	{Code: "GO111MODULE_ON", Severities: checks.InfoOnly, Meaning: "GO111MODULE=on is the default: the setting is redundant"},
	{Code: "GO111MODULE_OFF", Severities: checks.FailOnly, Meaning: "GO111MODULE=off disables module mode: go.mod is ignored and module commands fail", Auto: true},
	{Code: "GO111MODULE_AUTO", Severities: checks.InfoOnly, Meaning: "GO111MODULE=auto: module mode only inside a module, legacy GOPATH mode outside one"},
	{Code: "GO111MODULE_INVALID", Severities: checks.FailOnly, Meaning: "GO111MODULE is not on, off or auto: every go command fails", Auto: true},
	{Code: "GOTOOLCHAIN_INVALID", Severities: checks.FailOnly, Meaning: "GOTOOLCHAIN is not a form the go command accepts: every go command fails", Auto: true},
	{Code: "GOTOOLCHAIN_SWITCH", Severities: checks.InfoOrFail, Meaning: "GOTOOLCHAIN names another toolchain, which every go command downloads through GOPROXY and runs (a failure when GOPROXY=off forbids the download, the module proxy does not have or refuses that toolchain, or GOTOOLCHAIN=<name>+path finds it nowhere on PATH: then even 'go env -u GOTOOLCHAIN' fails, and the fix runs it with GOTOOLCHAIN=local)", Auto: true},

	// GOPATH and GOMODCACHE (gopath).
	{Code: "GOPATH_UNSET", Severities: checks.FailOnly, Meaning: "neither GOMODCACHE nor GOPATH is set (nor HOME): module downloads fail with \"module cache not found\""},
	{Code: "GOPATH_RELATIVE", Severities: checks.FailOnly, Meaning: "a GOPATH entry is not an absolute path (often an unexpanded ~): every go command fails", Auto: true},
	{Code: "GOPATH_IS_GOROOT", Severities: checks.WarnOnly, Meaning: "GOPATH is the Go installation directory: downloaded modules land inside the installation", Auto: true},
	{Code: "GOMODCACHE_RELATIVE", Severities: checks.FailOnly, Meaning: "GOMODCACHE is not an absolute path: module downloads fail", Auto: true},
	{Code: "GOMODCACHE_NOT_DIR", Severities: checks.FailOnly, Meaning: "GOMODCACHE, or a parent of it, is a file rather than a directory: the module cache cannot be created and downloads fail", Auto: true},
	{Code: "GOMODCACHE_NOT_WRITABLE", Severities: checks.FailOnly, Meaning: "the module cache directory (or the parent it would be created in) cannot be written or inspected by this user: every download fails"},

	// HTTP proxy variables and git (httpProxies, gitPrompt).
	{Code: "PROXY_VAR_CONFLICT", Severities: checks.WarnOnly, Meaning: "the upper- and lower-case forms of an HTTP proxy variable differ: Go uses the upper-case one, while curl and git may use the other"},
	{Code: "HTTP_PROXY_INVALID", Severities: checks.WarnOrFail, Meaning: "HTTPS_PROXY (a failure) or HTTP_PROXY (a warning) is not a usable proxy URL: every request of the go command with that scheme fails"},
	{Code: "ALL_PROXY_IGNORED", Severities: checks.WarnOnly, Meaning: "ALL_PROXY is set without HTTPS_PROXY: Go ignores it (git and curl honour it), so the go command's HTTPS requests bypass that proxy"},
	{Code: "HTTPS_PROXY_MISSING", Severities: checks.WarnOnly, Meaning: "HTTP_PROXY is set but HTTPS_PROXY is not: the go command reaches https module proxies and the checksum database without the proxy"},
	{Code: "NO_PROXY_BAD_ENTRY", Severities: checks.WarnOnly, Meaning: "a NO_PROXY entry has a scheme, a path or another form that never matches a host, so it bypasses nothing"},
	{Code: "GIT_TERMINAL_PROMPT_ON", Severities: checks.InfoOrWarn, Meaning: "GIT_TERMINAL_PROMPT lets git ask for credentials during a direct fetch; a warning when no terminal can answer, so the fetch hangs"},
	{Code: "LEGACY_VAR", Severities: checks.WarnOnly, Meaning: "GONOSUMCHECK or GONOVERIFY is set, which the go command never read: the modules meant to be exempt are still checked against the checksum database", Auto: true},

	// The go command itself (toolchain).
	{Code: "GO_NOT_FOUND", Severities: checks.FailOnly, Meaning: "there is no go command on PATH: nothing can build or fetch modules"},
	{Code: "GOROOT_INVALID", Severities: checks.FailOnly, Meaning: "GOROOT points to a directory that is not a Go installation: the go command refuses to run", Auto: true},
	{Code: "GO_VERSION_FAILED", Severities: checks.FailOnly, Meaning: "'go version' fails: the go command cannot run with this environment"},
	{Code: "GO_DIR_UNREADABLE", Severities: checks.FailOnly, Meaning: "the directory the doctor runs in cannot be entered by this user (its permissions): no go command can run there"},
	{Code: "GO_ENV_FAILED", Severities: checks.FailOnly, Meaning: "'go env -json' fails: the go command cannot run with this environment"},
}
