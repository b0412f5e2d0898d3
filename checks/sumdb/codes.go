package sumdb

import "github.com/gomoddoctor/gomoddoctor/checks"

// codes are the findings the check may report (checks.Code). A problem
// of the whole database is a failure when this module needs it (go.sum
// lacks hashes of its requirements), else a warning.
var codes = []checks.Code{
	// Configuration and route.
	{Code: "SUMDB_COVERAGE", Severities: checks.InfoOnly, Meaning: "which requirements the checksum database checks, which GONOSUMDB or GOPRIVATE exempts, and the settings that decide it"},
	{Code: "SUMDB_CONFIG_INVALID", Severities: checks.WarnOrFail, Meaning: "GOSUMDB is not usable: every checksum database lookup fails with \"verifying module: ...\"", Auto: true},
	{Code: "SUMDB_INCOMPLETE", Severities: checks.WarnOrFail, Meaning: "the run's deadline passed before the check finished; a failure when the go command needs those answers, since it sets no deadline and would hang"},
	{Code: "SUMDB_UNAVAILABLE", Severities: checks.WarnOrFail, Meaning: "a GOPROXY entry answers /sumdb/<name>/supported with an error other than 404/410, which the go command takes as \"database unavailable\""},
	{Code: "SUMDB_MEMORY_IGNORED", Severities: checks.InfoOnly, Meaning: "the doctor's own memory of records it proved in earlier runs is damaged, another user's, or its tree head could not be proven consistent: it was not used, and every record was looked up and proven again"},
	{Code: "SUMDB_ROUTE", Severities: checks.InfoOnly, Meaning: "how the go command reaches the checksum database: through a GOPROXY proxy, directly, or at GOSUMDB's URL"},

	// The signed tree head.
	{Code: "SUMDB_CACHED_HEAD_INVALID", Severities: checks.WarnOrFail, Meaning: "the tree head the go command keeps for the database does not verify with the key in force: its client cannot start, so every lookup fails"},
	{Code: "SUMDB_UNREACHABLE", Severities: checks.WarnOrFail, Meaning: "the checksum database cannot be reached over the network where the go command reads it"},
	{Code: "SUMDB_LATEST_FAILED", Severities: checks.WarnOnly, Meaning: "the database's /latest is not a signed tree head; the go command does not read it, so the lookups decide"},
	{Code: "SUMDB_WRONG_KEY", Severities: checks.WarnOrFail, Meaning: "the database's tree head is not signed by the key in GOSUMDB: the go command rejects every answer (\"note has no verifiable signatures\")", Auto: true},
	{Code: "SUMDB_SIGNATURE_INVALID", Severities: checks.WarnOrFail, Meaning: "the tree head carries a signature of the key in force that does not verify: answers are altered on the way, or it is not the database"},
	{Code: "SUMDB_FORK", Severities: checks.FailOnly, Meaning: "SECURITY: the database signed two inconsistent histories of its log; the go command stops with \"SECURITY ERROR\""},
	{Code: "SUMDB_ROLLBACK", Severities: checks.FailOnly, Meaning: "SECURITY: the database serves a smaller tree than the go command already verified, without proof it is the same log: every lookup fails"},
	{Code: "SUMDB_PROOF_FAILED", Severities: checks.WarnOrFail, Meaning: "a consistency or inclusion proof of the database's log could not be completed, so the go command's lookups fail too"},
	{Code: "SUMDB_TREE_BEHIND", Severities: checks.InfoOnly, Meaning: "the database serves an older tree head than the go command verified, proven consistent: a cache in between serves a stale /latest"},
	{Code: "SUMDB_TREE_OK", Severities: checks.InfoOnly, Meaning: "the database's signed tree head verifies with the key and is consistent with the one the go command kept"},

	// The lookups of go.sum lines and missing hashes.
	{Code: "SUMDB_GOSUM_MISMATCH", Severities: checks.WarnOrFail, Meaning: "a go.sum line disagrees with the checksum database: the go command rejects the download with \"checksum mismatch\" (a warning for content of a version nothing requires)"},
	{Code: "SUMDB_DOWNLOAD_MISMATCH", Severities: checks.FailOnly, Meaning: "the module cache holds content or a go.mod whose hash is not the database's: the go command's next verification of it fails"},
	{Code: "SUMDB_PROXY_MISMATCH", Severities: checks.WarnOrFail, Meaning: "a GOPROXY entry serves a go.mod or zip, whose hash go.sum lacks, that does not match the database's record: the go command stops with \"checksum mismatch\" and \"SECURITY ERROR\" (a warning while the module cache holds the go.mod)"},
	{Code: "SUMDB_NOT_FOUND", Severities: checks.WarnOrFail, Meaning: "the database does not know module versions (404/410): private modules that GONOSUMDB or GOPRIVATE must exempt, or versions never published"},
	{Code: "SUMDB_LOOKUP_FORBIDDEN", Severities: checks.WarnOrFail, Meaning: "the proxy serving the checksum database answers 403 Forbidden to lookups of some modules while serving the database otherwise: a proxy such as Athens does so by design for the modules its operator declared private (ATHENS_GONOSUM_PATTERNS), which GONOSUMDB must then exempt"},
	{Code: "SUMDB_LOOKUP_FAILED", Severities: checks.WarnOrFail, Meaning: "lookups of module versions in the database failed (a network error or an unexpected answer)"},
	{Code: "SUMDB_RECORD_INVALID", Severities: checks.WarnOrFail, Meaning: "the database's answer for module versions is not a valid, proven record"},
	{Code: "SUMDB_GOSUM_VERIFIED", Severities: checks.InfoOnly, Meaning: "the go.sum lines (and the hashes go.sum lacks) match the database's records, each proven in its signed tree"},
}
