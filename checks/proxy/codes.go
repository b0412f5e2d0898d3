package proxy

import "github.com/gomoddoctor/gomoddoctor/checks"

// codes are the findings the check may report (checks.Code).
var codes = []checks.Code{
	{Code: "PROXY_MODULE_UNAVAILABLE", Auto: true},
	{Code: "PROXY_MODULE_NOT_FOUND", Auto: true},
}
