package module

import "github.com/gomoddoctor/gomoddoctor/checks"

// codes are the findings the check may report (checks.Code).
var codes = []checks.Code{
	{Code: "MODULE_REQUIRES_NEWER_GO", Auto: true},
	{Code: "MODULE_TOOLCHAIN_UNAVAILABLE", Auto: true},
}
