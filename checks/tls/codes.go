package tls

import "github.com/gomoddoctor/gomoddoctor/checks"

// codes are the findings the check may report (checks.Code). A problem
// with a host is a failure when the go command needs that host for the
// probe modules, a warning when it is only a fallback it does not reach.
var codes = []checks.Code{
	// The trusted roots.
	{Code: "TLS_ROOTS_PROBLEM", Severities: checks.WarnOnly, Meaning: "part of the trusted certificates (SSL_CERT_FILE, SSL_CERT_DIR or the system bundle) cannot be loaded"},
	{Code: "TLS_NO_ROOTS", Severities: checks.FailOnly, Meaning: "no trusted certificate authority is loaded: every https connection of the go command fails with \"certificate signed by unknown authority\""},

	// One handshake per https host.
	{Code: "TLS_NOT_CHECKED", Severities: checks.InfoOnly, Meaning: "no TLS handshake could be made with a host (no connection, or the run's deadline): the dns and proxy checks say why"},
	{Code: "TLS_OK", Severities: checks.InfoOnly, Meaning: "a host presents a valid certificate, trusted through the root named"},
	{Code: "TLS_EXPIRES_SOON", Severities: checks.WarnOnly, Meaning: "a host's certificate is valid but expires within 7 days"},
	{Code: "TLS_UNKNOWN_AUTHORITY", Severities: checks.WarnOrFail, Meaning: "a host's certificate is self-signed or issued by a CA this machine does not trust, usually a TLS-intercepting proxy's: \"x509: certificate signed by unknown authority\""},
	{Code: "TLS_EXPIRED", Severities: checks.WarnOrFail, Meaning: "a host's certificate has expired by this machine's clock (a stale certificate or clock skew)"},
	{Code: "TLS_NOT_YET_VALID", Severities: checks.WarnOrFail, Meaning: "a host's certificate is not valid yet by this machine's clock: the clock is probably behind"},
	{Code: "TLS_HOSTNAME_MISMATCH", Severities: checks.WarnOrFail, Meaning: "a host's certificate does not name that host: \"x509: certificate is valid for ..., not ...\""},
	{Code: "TLS_PROTOCOL_VERSION", Severities: checks.WarnOrFail, Meaning: "a host and the go command share no TLS version (Go needs TLS 1.2 or later)"},
	{Code: "TLS_NOT_TLS", Severities: checks.WarnOrFail, Meaning: "a host does not speak TLS on that port: the URL is probably http:// rather than https://, or the port is wrong"},
	{Code: "TLS_HANDSHAKE_FAILED", Severities: checks.WarnOrFail, Meaning: "the TLS handshake with a host fails (the server or a firewall interferes)"},
	{Code: "TLS_INVALID_CERTIFICATE", Severities: checks.WarnOrFail, Meaning: "a host's certificate fails verification for a reason other than its authority, validity dates or name"},
}
