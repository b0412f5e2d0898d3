package dns

import "github.com/gomoddoctor/gomoddoctor/checks"

// codes are the findings the check may report (checks.Code). A problem
// with a name is a failure when the go command needs that name for the
// probe modules, a warning when it is only a fallback it does not reach.
var codes = []checks.Code{
	// Scope.
	{Code: "DNS_SUMDB_VIA_PROXY", Severities: checks.InfoOnly, Meaning: "the checksum database is read through a GOPROXY proxy, so the go command never resolves its host itself"},
	{Code: "DNS_INCOMPLETE", Severities: checks.InfoOnly, Meaning: "the deadline passed before the proxy probes finished: hosts only they would reveal were not resolved"},
	{Code: "DNS_NOTHING_TO_RESOLVE", Severities: checks.InfoOnly, Meaning: "the go command resolves no host name here: every host is an IP address or reached through an HTTP proxy"},

	// A name the go command's resolver cannot resolve.
	{Code: "DNS_LOOKUP_FAILED", Severities: checks.WarnOrFail, Meaning: "a host the go command contacts does not resolve with Go's resolver, for a reason the nameservers' answers do not show"},
	{Code: "DNS_TIMEOUT", Severities: checks.WarnOrFail, Meaning: "a host the go command contacts does not resolve: no nameserver answers, or none before the run's deadline"},
	{Code: "DNS_NXDOMAIN", Severities: checks.WarnOrFail, Meaning: "a host the go command contacts does not exist in DNS (NXDOMAIN): a typo, or a name only another network knows"},
	{Code: "DNS_SERVFAIL", Severities: checks.WarnOrFail, Meaning: "a host the go command contacts does not resolve: the nameserver fails to resolve it (SERVFAIL)"},
	{Code: "DNS_REFUSED", Severities: checks.WarnOrFail, Meaning: "a host the go command contacts does not resolve: the nameserver refuses the query (REFUSED)"},
	{Code: "DNS_NO_ADDRESS", Severities: checks.WarnOrFail, Meaning: "a host the go command contacts exists in DNS but has no A or AAAA record"},
	{Code: "DNS_RESOLVER_UNREACHABLE", Severities: checks.WarnOrFail, Meaning: "a host the go command contacts does not resolve because the nameservers cannot be reached"},

	// A name that resolves.
	{Code: "DNS_AAAA_ONLY", Severities: checks.WarnOrFail, Meaning: "a host the go command contacts has only IPv6 addresses and this machine has no IPv6 connectivity"},
	{Code: "DNS_SINKHOLE", Severities: checks.WarnOrFail, Meaning: "a public host resolves to a loopback, private or reserved address (a sinkhole or split-horizon DNS); a failure when nothing answers there"},
	{Code: "DNS_RESOLVERS_DISAGREE", Severities: checks.WarnOnly, Meaning: "some nameservers resolve a host and others fail to, so the go command's lookups may fail intermittently"},
	{Code: "DNS_HOSTS_FILE", Severities: checks.InfoOnly, Meaning: "a host is not in DNS, but Go's resolver finds it in /etc/hosts or another local source"},
	{Code: "DNS_SLOW", Severities: checks.WarnOnly, Meaning: "a nameserver takes over a second to resolve a host: every new connection of the go command waits that long"},
	{Code: "DNS_OK", Severities: checks.InfoOnly, Meaning: "a host the go command contacts resolves, with the addresses it resolves to"},

	// The resolvers.
	{Code: "DNS_NO_NAMESERVERS", Severities: checks.WarnOrFail, Meaning: "no nameserver is configured, so Go's resolver falls back to localhost:53 (a failure when a lookup then fails)"},
	{Code: "DNS_RESOLVERS", Severities: checks.InfoOnly, Meaning: "the nameservers queried, with their latency and unanswered queries"},
}
