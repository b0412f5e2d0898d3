package env

import "github.com/gomoddoctor/gomoddoctor/checks"

// codes are the findings the check may report (checks.Code).
var codes = []checks.Code{
	{Code: "GOPROXY_OFF", Auto: true},
	{Code: "GOPROXY_EMPTY", Auto: true},
	{Code: "GOPROXY_INVALID", Auto: true},
	{Code: "GOPROXY_TYPO", Auto: true},
	{Code: "GOPROXY_HTTP_CREDENTIALS", Auto: true},
	{Code: "GOPROXY_UNTIDY", Auto: true},
	{Code: "GOSUMDB_INVALID", Auto: true},
	{Code: "GOPRIVATE_BAD_PATTERN", Auto: true},
	{Code: "GONOPROXY_BAD_PATTERN", Auto: true},
	{Code: "GONOSUMDB_BAD_PATTERN", Auto: true},
	{Code: "GOINSECURE_BAD_PATTERN", Auto: true},
	{Code: "GOFLAGS_INVALID", Auto: true},
	{Code: "GOFLAGS_INSECURE", Auto: true},
	{Code: "GOFLAGS_MODFILE", Auto: true},
	{Code: "GOFLAGS_MOD_VENDOR", Auto: true},
	{Code: "GO111MODULE_OFF", Auto: true},
	{Code: "GO111MODULE_INVALID", Auto: true},
	{Code: "GOTOOLCHAIN_INVALID", Auto: true},
	{Code: "GOTOOLCHAIN_SWITCH", Auto: true},
	{Code: "GOPATH_RELATIVE", Auto: true},
	{Code: "GOPATH_IS_GOROOT", Auto: true},
	{Code: "GOMODCACHE_RELATIVE", Auto: true},
	{Code: "GOMODCACHE_NOT_DIR", Auto: true},
	{Code: "GOROOT_INVALID", Auto: true},
	{Code: "GOENV_FILE_IGNORED_LINE", Auto: true},
	{Code: "GOENV_FILE_UNKNOWN_KEY", Auto: true},
	{Code: "LEGACY_VAR", Auto: true},
}
