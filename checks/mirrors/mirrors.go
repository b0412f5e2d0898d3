// Package mirrors is 'gomoddoctor mirrors': which module mirror to use
// from this machine, measured on the main module's own requirements.
//
// Measure asks every candidate (the GOPROXY entries in force, the
// toolchain's default, the well-known public mirrors, the user's
// additions; see Candidates) the questions the go command would ask it,
// concurrently and through the HTTP proxy in force (checks/netenv):
//
//   - whether it answers at all, and if not where it fails (DNS, TCP,
//     TLS, the HTTP proxy, HTTP);
//   - the .mod and .info of every public requirement (coverage, and
//     which it lacks, with its answer);
//   - @latest, as 'go get path@latest' resolves it (@v/list, then
//     @latest when the list is empty), for requirements on
//     pseudo-versions (a branch's tip) and direct ones (freshness: an
//     answer older than another candidate's, or than the origin's with
//     Options.Origin, is stale, and names what the go command would get);
//   - /sumdb/<name>/supported for the checksum database in force;
//   - one zip, with the time to its first byte apart from its transfer.
//
// Every request counts towards a bound of MaxRequests per candidate, and
// everything runs under the caller's deadline. Recommend then picks the
// fastest candidate (median time per request) that serves everything,
// fresh, and words the GOPROXY value that switches to it, keeping the
// user's private entries first and ',direct' when it was there.
//
// Privacy: a requirement that GOPRIVATE, GONOPROXY or GONOSUMDB covers
// is never named to any candidate (the go command fetches the first two
// directly; the third usually names modules a team's own proxy serves).
// Only the name of the checksum database in force is sent besides public
// module paths.
package mirrors

import (
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// Bounds of the measurement of one candidate.
const (
	// MaxRequirements is how many public requirements are asked about
	// (direct ones first): two requests each, .mod and .info.
	MaxRequirements = 20
	// MaxLatest is how many @latest queries are made: at most two
	// requests each (@v/list, then @latest when it lists nothing).
	MaxLatest = 4
	// MaxRequests bounds the requests sent to one candidate: the first
	// (reachability and the checksum database), the requirements, the
	// @latest queries and one zip.
	MaxRequests = 1 + 2*MaxRequirements + 2*MaxLatest + 1
	// perCandidate is how many requests to one candidate are in flight
	// at once.
	perCandidate = 4
	// zipLimit bounds the zip read (its transfer is timed up to there,
	// and Truncated says so).
	zipLimit = 16 << 20
)

// FirstAnswer bounds the wait for a candidate's first answer: one that
// says nothing by then is reported as not answering and asked nothing
// more (the go command, which sets no deadline, would wait for ever).
var FirstAnswer = 5 * time.Second

// Options say what to measure.
type Options struct {
	Candidates []checks.Mirror
	// Origin also resolves the @latest queries at the origin servers, as
	// GOPROXY=direct would (the go command, run with GOPROXY=direct).
	Origin bool
}

// A Result is the outcome of a measurement.
type Result struct {
	// Candidates, ranked: those that serve everything fresh first,
	// fastest first; then the others (reachable ones by coverage and
	// speed, then those that do not answer).
	Candidates []*Candidate `json:"candidates"`
	// Requirements are the public requirements asked about
	// (path@version), and Unmeasured how many more were left out
	// (over MaxRequirements).
	Requirements []string `json:"requirements"`
	Unmeasured   int      `json:"unmeasured,omitempty"`
	// Queries are the @latest queries, with the freshest answer.
	Queries []*Query `json:"queries"`
	// Private are the requirements named to no candidate.
	Private []Private `json:"private"`
	// SumDB is the name of the checksum database in force ("" when off
	// or given by URL, which no proxy serves).
	SumDB       string         `json:"sumdb,omitempty"`
	MaxRequests int            `json:"max_requests"`
	Recommend   Recommendation `json:"recommendation"`
	DurationMS  int64          `json:"duration_ms"`
	// GOPROXY is the value in force, credentials redacted.
	GOPROXY string `json:"goproxy"`
}

// A Private requirement is never named to a candidate.
type Private struct {
	Path    string `json:"path"`
	Var     string `json:"var"` // GOPRIVATE, GONOPROXY or GONOSUMDB
	Pattern string `json:"pattern"`
	// ViaProxy is true when the go command still fetches it through
	// GOPROXY (only GONOSUMDB covers it).
	ViaProxy bool `json:"via_proxy,omitempty"`
}

// A Query is a module@latest question and its freshest answer.
type Query struct {
	Path string `json:"path"`
	// Why it is asked: "pseudo-version" (a requirement on a branch's
	// commit) or "direct" (a direct requirement).
	Why string `json:"why"`
	// Required is the version the main module requires.
	Required string `json:"required"`
	// Freshest is the newest answer of any candidate (or of the origin).
	Freshest string `json:"freshest,omitempty"`
	// Origin is the origin's answer with Options.Origin ("" otherwise),
	// OriginErr why there is none.
	Origin    string `json:"origin,omitempty"`
	OriginErr string `json:"origin_error,omitempty"`
}

// A Candidate is one mirror and how it answered.
type Candidate struct {
	checks.Mirror
	Rank int `json:"rank"`
	// Reach says whether it answers: Stage is "" when it does, else
	// where it fails ("url", "DNS", "TCP", "TLS", "HTTP proxy",
	// "timeout", "HTTP"); Detail is the evidence.
	Reach Reach `json:"reach"`
	// Via is the HTTP proxy requests went through ("" for none).
	Via string `json:"via,omitempty"`
	// Requests is how many were sent (at most MaxRequests).
	Requests int `json:"requests"`
	// Answers is how many got an HTTP response; Median and P90 are over
	// their times (headers and body).
	Answers int           `json:"answers"`
	Median  time.Duration `json:"median_ns"`
	P90     time.Duration `json:"p90_ns"`
	Zip     *ZipTiming    `json:"zip,omitempty"`
	// Served is how many requirements it serves (.mod and .info); Lacks
	// the others, with its answer.
	Served int    `json:"served"`
	Lacks  []Lack `json:"lacks"`
	// Latest are its answers to the queries, in the order of
	// Result.Queries ("" when it gave none; LatestErr says why).
	Latest    []string `json:"latest"`
	LatestErr []string `json:"latest_errors"`
	// Stale are the queries it answers with an older version.
	Stale []Stale `json:"stale"`
	// SumDB is its answer to /sumdb/<name>/supported: "proxied" (200),
	// "not proxied" (404, 410: the go command asks the database
	// directly), or the answer that makes the go command fail every
	// checksum lookup; "" when not asked.
	SumDB   string `json:"sumdb,omitempty"`
	SumDBOK bool   `json:"sumdb_ok"`
	// Fresh is true when it serves every requirement and every query,
	// none stale, and does not break the checksum database: a candidate
	// to recommend. Why says what it lacks otherwise.
	Fresh bool   `json:"fresh"`
	Why   string `json:"why,omitempty"`
}

// Reach is whether a candidate answers.
type Reach struct {
	OK bool `json:"ok"`
	// Status is the HTTP status of the first answer (0 for none).
	Status int    `json:"status,omitempty"`
	Stage  string `json:"stage,omitempty"`
	Detail string `json:"detail"`
}

// A Lack is a requirement a candidate does not serve.
type Lack struct {
	Module string `json:"module"` // path@version
	Answer string `json:"answer"` // "404 Not Found", "403 Forbidden", a failure
}

// Stale is a query a candidate answers with an older version than
// another candidate or the origin: 'go get path@latest' through it gets
// Got instead of Want.
type Stale struct {
	Path string `json:"path"`
	Got  string `json:"got"`
	Want string `json:"want"`
	// From says who serves Want: "origin" or the URL of a candidate.
	From string `json:"from"`
}

// ZipTiming is the download of one zip.
type ZipTiming struct {
	Module   string        `json:"module"`
	TTFB     time.Duration `json:"ttfb_ns"`
	Transfer time.Duration `json:"transfer_ns"`
	Bytes    int           `json:"bytes"`
	// Truncated is true when it is larger than the bytes read (16 MB).
	Truncated bool `json:"truncated,omitempty"`
	// Err is set when it did not arrive.
	Err string `json:"error,omitempty"`
}
