package proxy

import "github.com/gomoddoctor/gomoddoctor/checks"

// codes are the findings the check may report (checks.Code). An entry's
// problem (probe.classifyResponse and the protocol checks of
// probe.moduleStep) is a failure where the go command stops at it, a
// warning where it moves on after it ('|'); a "not found" is information.
var codes = []checks.Code{
	{Code: "PROXY_PRIVATE_NOT_PROBED", Severities: checks.InfoOnly, Meaning: "requirements that GOPRIVATE or GONOPROXY cover are never named to a proxy by the doctor"},

	// What one GOPROXY entry answered.
	{Code: "PROXY_OK", Severities: checks.InfoOnly, Meaning: "a GOPROXY entry answers the module proxy protocol for the probe modules"},
	{Code: "PROXY_SLOW", Severities: checks.WarnOnly, Meaning: "a GOPROXY entry works but takes over 2s per answer: every download waits that long"},
	{Code: "PROXY_REDIRECT", Severities: checks.InfoOnly, Meaning: "a GOPROXY entry redirects; the go command follows, and it works"},
	{Code: "PROXY_HTTP_CREDENTIALS", Severities: checks.WarnOrFail, Meaning: "the GOPROXY entry carries credentials over plain http://: the go command refuses to send the request"},
	{Code: "PROXY_REFUSED", Severities: checks.WarnOrFail, Meaning: "the GOPROXY entry refused the TCP connection: nothing listens at that address or a firewall rejects it"},
	{Code: "PROXY_TIMEOUT", Severities: checks.WarnOrFail, Meaning: "a GOPROXY entry does not answer (or finish its body) in time; where it sent no answer within 3s of a request (probe.SilenceBound) or the run's deadline cut it, the go command, which sets no timeout, would hang"},
	{Code: "PROXY_RESET", Severities: checks.WarnOrFail, Meaning: "the GOPROXY entry drops the connection mid-request or while sending the body"},
	{Code: "PROXY_DNS", Severities: checks.WarnOrFail, Meaning: "the host name of the GOPROXY entry does not resolve (see the dns check)"},
	{Code: "PROXY_TLS", Severities: checks.WarnOrFail, Meaning: "the TLS handshake or certificate check with the GOPROXY entry fails (see the tls check)"},
	{Code: "PROXY_UNREACHABLE", Severities: checks.WarnOrFail, Meaning: "the GOPROXY entry's host is unreachable: no route to it"},
	{Code: "PROXY_HTTP_PROXY_UNREACHABLE", Severities: checks.WarnOrFail, Meaning: "the HTTP proxy (HTTPS_PROXY or HTTP_PROXY) through which the go command reaches the GOPROXY entry cannot be reached"},
	{Code: "PROXY_AUTH_REQUIRED", Severities: checks.WarnOrFail, Meaning: "the HTTP proxy in front of the GOPROXY entry demands credentials (407 Proxy Authentication Required)"},
	{Code: "PROXY_HTTP_PROXY_ERROR", Severities: checks.WarnOrFail, Meaning: "the HTTP proxy in front of the GOPROXY entry refuses to connect to it"},
	{Code: "PROXY_REDIRECT_LOOP", Severities: checks.WarnOrFail, Meaning: "the GOPROXY entry redirects endlessly, from https to http, or with a redirect that cannot be followed"},
	{Code: "PROXY_FILE_INVALID", Severities: checks.WarnOrFail, Meaning: "a file:// GOPROXY entry cannot be read by the go command"},
	{Code: "PROXY_ERROR", Severities: checks.WarnOrFail, Meaning: "the request to the GOPROXY entry fails in a way no other code classifies"},
	{Code: "PROXY_UNAUTHORIZED", Severities: checks.WarnOrFail, Meaning: "the GOPROXY entry demands credentials (401), which the go command takes from ~/.netrc"},
	{Code: "PROXY_FORBIDDEN", Severities: checks.WarnOrFail, Meaning: "the GOPROXY entry refuses (403 Forbidden): blocked, or an allow-list that does not include the module"},
	{Code: "PROXY_FILE_MISSING", Severities: checks.InfoOnly, Meaning: "a file:// GOPROXY entry does not hold the module: the go command moves on after ',' as after a 404"},
	{Code: "PROXY_NOT_FOUND", Severities: checks.InfoOnly, Meaning: "the GOPROXY entry does not have the module (404 or 410): the go command moves on to the next entry after ',' or '|'"},
	{Code: "PROXY_SERVER_ERROR", Severities: checks.WarnOrFail, Meaning: "the GOPROXY entry fails on the server side (5xx)"},
	{Code: "PROXY_HTTP_ERROR", Severities: checks.WarnOrFail, Meaning: "the GOPROXY entry answers with an HTTP status the module proxy protocol does not use"},
	{Code: "PROXY_NO_VERSIONS", Severities: checks.InfoOnly, Meaning: "the GOPROXY entry lists no version of the module and has no @latest: the go command takes it as not found"},
	{Code: "PROXY_NOT_A_PROXY", Severities: checks.WarnOrFail, Meaning: "the GOPROXY entry answers 200 with something that is not the module proxy protocol (a version list, .info JSON or a go.mod)"},
	{Code: "PROXY_CAPTIVE_PORTAL", Severities: checks.WarnOrFail, Meaning: "the GOPROXY entry answers 200 with an HTML page (a captive portal or login page) instead of the module proxy protocol"},
	{Code: "PROXY_BAD_PROBE", Severities: checks.WarnOrFail, Meaning: "the probe module's version cannot be put in a proxy request (--probe-module names an invalid version)"},

	// What the entries serve, checked as the go command checks a
	// download (served.go).
	{Code: "PROXY_MOD_MISMATCH", Severities: checks.WarnOrFail, Meaning: "a GOPROXY entry serves a go.mod whose hash is not go.sum's: the go command stops with \"checksum mismatch\" and \"SECURITY ERROR\" (a warning while the module cache holds the go.mod, so nothing is downloaded)"},
	{Code: "PROXY_ZIP_INVALID", Severities: checks.FailOnly, Meaning: "a GOPROXY entry serves a module zip the go command cannot use (\"zip: not a valid zip file\", a file outside the module's prefix, over 500 MiB), for a module the module cache lacks"},
	{Code: "PROXY_ZIP_MISMATCH", Severities: checks.FailOnly, Meaning: "a GOPROXY entry serves a module zip whose hash is not go.sum's: the go command stops with \"checksum mismatch\" and \"SECURITY ERROR\""},
	{Code: "PROXY_ZIP_UNAVAILABLE", Severities: checks.FailOnly, Meaning: "the GOPROXY list serves a module's go.mod but not its zip (an error, a hang, or not found everywhere), for a module the module cache lacks: 'go mod download' fails"},
	{Code: "PROXY_ZIP_CHECKED", Severities: checks.InfoOnly, Meaning: "the zips of a few requirements the module cache lacks, asked for as the go command would (their end, with a Range request; small ones whole and hashed), look sound"},

	// The verdict of the chain for each probe module.
	{Code: "PROXY_MODULE_DIRECT", Severities: checks.InfoOnly, Meaning: "the GOPROXY list reaches direct for a probe module: the go command fetches it from its origin, which the doctor does not clone"},
	{Code: "PROXY_MODULE_UNAVAILABLE", Severities: checks.FailOnly, Meaning: "the go command cannot fetch a probe module through GOPROXY: an entry fails with an error it does not move on after", Auto: true},
	{Code: "PROXY_MODULE_NOT_FOUND", Severities: checks.FailOnly, Meaning: "no GOPROXY entry serves a probe module (404/410 everywhere) and the list has no direct fallback", Auto: true},
	{Code: "PROXY_CHAIN_OK", Severities: checks.InfoOnly, Meaning: "the probe modules the go command obtains through GOPROXY, and from which entry"},
	{Code: "PROXY_MIRRORS", Severities: checks.InfoOnly, Meaning: "the GOPROXY chain fails: the candidate mirrors measured with the same requests, fastest working one first"},

	// The checksum database's route.
	{Code: "PROXY_SUMDB_ROUTE", Severities: checks.InfoOnly, Meaning: "how the go command reaches the checksum database: through a GOPROXY proxy (/sumdb/<name>/supported), directly, or at GOSUMDB's URL"},
	{Code: "PROXY_SUMDB_UNAVAILABLE", Severities: checks.InfoOnly, Meaning: "a GOPROXY entry answers /sumdb/<name>/supported with an error: the go command takes the checksum database as unavailable (the sumdb check gives the verdict)"},
}
