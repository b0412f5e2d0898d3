package private

import "github.com/gomoddoctor/gomoddoctor/checks"

// codes are the findings the check may report (checks.Code).
var codes = []checks.Code{
	{Code: "PRIVATE_MODULE_NOT_EXCLUDED", Auto: true},
	{Code: "PRIVATE_GONOSUMDB_MISSING", Auto: true},
	{Code: "PRIVATE_GOVCS_DISALLOWED", Auto: true},
}
