package sumdb

import "github.com/gomoddoctor/gomoddoctor/checks"

// codes are the findings the check may report (checks.Code).
var codes = []checks.Code{
	{Code: "SUMDB_CONFIG_INVALID", Auto: true},
	{Code: "SUMDB_WRONG_KEY", Auto: true},
}
