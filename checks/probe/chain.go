package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// Body limits of the proxy protocol's answers: enough for any real
// answer, small enough that a hostile server cannot exhaust memory.
const (
	limitList = 1 << 20
	LimitInfo = 64 << 10
	limitMod  = 1 << 20
	limitTiny = 4 << 10
)

// A Step is what one GOPROXY entry answered to one request of the go
// command.
type Step struct {
	Entry int              // index in Scope.Entries
	Op    string           // "@v/list", "@latest", "<version>.info", "<version>.mod", "supported"
	Resp  *netenv.Response // nil for direct and off
	OK    bool
	// NotExist is true for the answers after which ',' moves on: 404,
	// 410 (and, for direct and off, the go command's own "not here").
	NotExist bool
	Code     string // the classification, PROXY_...; "" when OK
	What     string // the classification in words
	Err      string // the error the go command reports, in its words
	Version  string // for a version query: the version found
	// Invalid is true for an answer the go command accepts (so the walk
	// stops there, OK set) but that fails later: a go.mod that is not one.
	Invalid bool
	// Hang is true when no answer came before the run's deadline: the go
	// command, which sets no deadline of its own, would still be waiting,
	// so no separator moves it on.
	Hang bool
}

// tryProxies walks the entries the way modfetch.TryProxies does: it
// stops at the first success, moves on after a "not found" (404, 410),
// or after any error when the entry is followed by '|', and reports the
// error the go command reports: that of direct if it was reached, else
// the last error that was not "not found", else the last one.
func tryProxies(entries []goenv.ProxyEntry, try func(i int, en goenv.ProxyEntry) Step) (steps []Step, okAt int, final *Step) {
	const (
		notExistRank = iota
		proxyRank
		directRank
	)
	best, bestRank := -1, notExistRank
	for i, en := range entries {
		st := try(i, en)
		steps = append(steps, st)
		if st.OK {
			return steps, i, nil
		}
		j := len(steps) - 1
		if st.Hang {
			return steps, -1, &steps[j]
		}
		switch {
		case en.Kind == goenv.ProxyDirect:
			best, bestRank = j, directRank
		case bestRank <= proxyRank && !st.NotExist:
			best, bestRank = j, proxyRank
		case bestRank == notExistRank:
			best = j
		}
		if !en.FallBackOnError && !st.NotExist {
			break
		}
	}
	if best < 0 {
		return steps, -1, &Step{Entry: -1, Err: "GOPROXY list is empty", Code: "PROXY_LIST_EMPTY"}
	}
	return steps, -1, &steps[best]
}

// MaxSilence is how long a module proxy request waits, once sent, for
// the first byte of the answer before the doctor calls the server
// silent. Real module proxies answer the protocol's small requests well
// within it (a proxy taking more than slowProxy, 2s, is already
// reported as slow), so a proxy silent that long is hanging: the go
// command, which sets no timeout on proxy requests, would wait forever.
// Waiting longer proves nothing more and takes the time that measuring
// the alternatives needs.
var MaxSilence = 3 * time.Second

// SilenceBound is how long a request under ctx waits for the first
// byte: MaxSilence, and never more than a third of what is left of the
// run's deadline, so that two thirds remain for the rest (the checksum
// database's route, then the candidate mirrors, MeasureMirrors).
func SilenceBound(ctx context.Context) time.Duration {
	d := MaxSilence
	if dl, ok := ctx.Deadline(); ok {
		d = min(d, time.Until(dl)/3)
	}
	return d
}

// silenced bounds the silence of the module proxy requests made under
// it (the GOPROXY walk, the checksum database's route through the
// proxies): an answer that does not start within SilenceBound is a hang
// (Response.Silent).
func silenced(ctx context.Context) context.Context {
	return netenv.WithSilenceBound(ctx, SilenceBound(ctx))
}

// Fetch GETs base/rel once per run; a request that outlives ctx is a
// timeout.
func Fetch(ctx context.Context, e *checks.Env, base, rel string, limit int64) *netenv.Response {
	u, err := url.Parse(strings.TrimSuffix(base, "/") + "/" + rel)
	if err != nil {
		return &netenv.Response{URL: checks.RedactString(base + "/" + rel), Kind: netenv.KindOther, Err: err}
	}
	r, ok := Get(ctx, e, u, limit)
	if !ok {
		return &netenv.Response{URL: checks.RedactString(u.String()), Kind: netenv.KindTimeout, Err: ctx.Err()}
	}
	return r
}

// hung reports whether a request was cut by the run's deadline or by
// the silence bound rather than failing by itself (a dial or TLS
// handshake timeout of the go command's transport is an error it moves
// on after).
func hung(ctx context.Context, r *netenv.Response) bool {
	if r.Silent > 0 {
		return true
	}
	if ctx.Err() == nil {
		return false
	}
	return r.Kind == netenv.KindTimeout || r.Kind == netenv.KindOK && r.BodyErr != nil
}

// SumDBRoute is how the go command reaches the checksum database
// (cmd/go/internal/modfetch: dbClient.initBase).
type SumDBRoute struct {
	DB *goenv.SumDB
	// Entry is the index in Scope.Entries of the proxy that serves the
	// database (its /sumdb/<name>/supported answered 200), or -1.
	Entry int
	// URL is where the go command reads the database: <proxy>/sumdb/<name>,
	// the URL given in GOSUMDB, or https://<name>; "" when unavailable.
	URL      string
	Direct   bool // at the database's own host (or GOSUMDB's URL)
	Explicit bool // GOSUMDB gives the URL: proxies are not asked
	// Err says why the database is unavailable: a /supported answer
	// other than 200, 404 or 410 (the go command then fails every lookup).
	Err   string
	Steps []Step
}

// SumDBRoute returns the checksum database's route, probed once per run;
// nil when GOSUMDB is off or invalid or nothing is downloaded at all.
// ok is false when ctx ended first.
func SumDB(ctx context.Context, e *checks.Env) (*SumDBRoute, bool) {
	s := ScopeOf(e)
	if s.SumDB == nil || s.Blocked != "" {
		return nil, true
	}
	return state(e).sumdb.Do(ctx, "route", func() *SumDBRoute {
		db := s.SumDB
		r := &SumDBRoute{DB: db, Entry: -1}
		if db.URL != "" {
			r.URL, r.Direct, r.Explicit = db.URL, true, true
			recordSumDB(e, s, r)
			return r
		}
		steps, okAt, final := tryProxies(s.Entries, func(i int, en goenv.ProxyEntry) Step {
			st := Step{Entry: i, Op: "sumdb/" + db.Name + "/supported"}
			if en.Kind != goenv.ProxyURL {
				st.NotExist, st.Err = true, "module lookup disabled by GOPROXY=off"
				return st
			}
			st.Resp = Fetch(silenced(ctx), e, en.URL, "sumdb/"+db.Name+"/supported", limitTiny)
			st.OK = st.Resp.OK()
			st.Hang = hung(ctx, st.Resp)
			if !st.OK {
				st.NotExist = st.Resp.NotExist()
				st.Code, st.What = classifyResponse(st.Resp)
				st.Err = goError(st.Resp)
			}
			return st
		})
		r.Steps = steps
		switch {
		case okAt >= 0:
			r.Entry = okAt
			r.URL = strings.TrimSuffix(s.Entries[okAt].URL, "/") + "/sumdb/" + db.Name
		case final.NotExist:
			r.URL, r.Direct = db.DirectURL(), true
		default:
			r.Err = final.Err
		}
		recordSumDB(e, s, r)
		return r
	})
}

// A ModuleChain is the go command's path to one probe module through
// the GOPROXY list.
type ModuleChain struct {
	Probe   ProbeModule
	Version string // the version fetched (the latest one for a query)
	OK      bool   // the go command obtains it (from an entry, or directly)
	Entry   int    // the entry that served the last request, -1 otherwise
	Direct  bool   // the list reached direct: fetched from the origin (not probed)
	Steps   []Step // every request, in order
	// Final is the failure the go command reports, when not OK.
	Final *Step
}

// A ChainReport is the chain outcome of every probe module.
type ChainReport struct {
	Modules []*ModuleChain
}

// Chains walks the GOPROXY list for every probe module, once per run,
// with the go command's ',' and '|' semantics; ok is false when ctx
// ended first. Modules are walked concurrently; within a module, each
// request walks the list in order, so that an entry is asked about a
// module only when the go command would ask it.
func Chains(ctx context.Context, e *checks.Env) (*ChainReport, bool) {
	s := ScopeOf(e)
	if s.Blocked != "" {
		return &ChainReport{}, true
	}
	return state(e).chains.Do(ctx, "chains", func() *ChainReport {
		rep := &ChainReport{Modules: make([]*ModuleChain, len(s.Probes))}
		var wg sync.WaitGroup
		sem := make(chan struct{}, 4)
		for i, p := range s.Probes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				rep.Modules[i] = WalkModule(ctx, e, s.Entries, p)
			}()
		}
		wg.Wait()
		recordChains(e, s, rep)
		return rep
	})
}

// WalkModule performs the requests the go command makes for one module:
// for a known version, its .mod then its .info; for the latest version, the
// version list (or @latest when the list is empty), then the .info.
func WalkModule(ctx context.Context, e *checks.Env, entries []goenv.ProxyEntry, p ProbeModule) *ModuleChain {
	mc := &ModuleChain{Probe: p, Version: p.Version, Entry: -1}
	esc, err := module.EscapePath(p.Path)
	if err != nil {
		mc.Final = &Step{Entry: -1, Err: err.Error(), Code: "PROXY_BAD_PROBE"}
		return mc
	}
	ops := []string{".mod", ".info"} // what 'go mod download' asks for first
	if p.Version == "" {
		ops = []string{"@v/list", ".info"} // what 'go get m@latest' needs
	}
	for _, op := range ops {
		steps, okAt, final := tryProxies(entries, func(i int, en goenv.ProxyEntry) Step {
			return moduleStep(ctx, e, i, en, esc, mc.Version, op)
		})
		mc.Steps = append(mc.Steps, steps...)
		if final != nil {
			mc.Final = final
			return mc
		}
		last := steps[len(steps)-1]
		if last.Invalid {
			mc.Final = &last
			return mc
		}
		if entries[okAt].Kind == goenv.ProxyDirect {
			mc.OK, mc.Direct = true, true
			return mc
		}
		mc.Entry = okAt
		if op == "@v/list" {
			mc.Version = last.Version
		}
	}
	mc.OK = true
	return mc
}

// entryStep is the step of an entry that answers without a request:
// direct (the walk ends there: the go command fetches from the origin)
// and off (the go command refuses); settled is false for a proxy.
func entryStep(i int, en goenv.ProxyEntry, op string) (st Step, settled bool) {
	st = Step{Entry: i, Op: op}
	switch en.Kind {
	case goenv.ProxyDirect:
		st.OK = true
		return st, true
	case goenv.ProxyOff:
		st.NotExist, st.Err, st.Code = true, "module lookup disabled by GOPROXY=off", "PROXY_OFF"
		return st, true
	}
	return st, false
}

// moduleStep asks one entry for one thing about a module.
func moduleStep(ctx context.Context, e *checks.Env, i int, en goenv.ProxyEntry, esc, version, op string) Step {
	st, settled := entryStep(i, en, op)
	if settled {
		return st
	}
	base := strings.TrimSuffix(en.URL, "/") + "/" + esc
	var rel string
	var limit int64
	switch op {
	case "@v/list":
		rel, limit = "@v/list", limitList
	case ".info", ".mod":
		ev, err := module.EscapeVersion(version)
		if err != nil {
			st.Err, st.Code = err.Error(), "PROXY_BAD_PROBE"
			return st
		}
		st.Op = version + op
		rel, limit = "@v/"+ev+op, LimitInfo
		if op == ".mod" {
			limit = limitMod
		}
	}
	st.Resp = Fetch(silenced(ctx), e, base, rel, limit)
	st.Hang = hung(ctx, st.Resp)
	if !st.Resp.OK() {
		st.NotExist = st.Resp.NotExist()
		st.Code, st.What = classifyResponse(st.Resp)
		st.Err = goError(st.Resp)
		return st
	}
	// The answer arrived; does it say what the protocol says? A web
	// page means a captive portal or a login page, anything else that
	// does not parse means this is not a module proxy.
	body := st.Resp.Body
	bad, what := "", ""
	switch op {
	case "@v/list":
		versions := listVersions(body)
		if len(versions) == 0 {
			// The go command then asks for @latest.
			lr := Fetch(silenced(ctx), e, base, "@latest", LimitInfo)
			v, err := infoVersion(lr, "")
			if err != nil {
				bad = fmt.Sprintf("%s: no matching versions for query \"latest\"", checks.RedactString(st.Resp.URL))
				if plausibleList(body) && !looksHTML(lr) {
					st.Code, st.What, st.NotExist, st.Err = "PROXY_NO_VERSIONS", "lists no version and has no @latest", true, bad
					return st
				}
				what = "answers @v/list with something that is not a version list"
				break
			}
			versions = []string{v}
		}
		st.Version = latestOf(versions)
	case ".info":
		if _, err := infoVersion(st.Resp, version); err != nil {
			bad, what = err.Error(), "answers .info with something that is not the JSON of a version"
		}
	case ".mod":
		if !goModValid(body) {
			bad = fmt.Sprintf("verifying %s@%s/go.mod: not a go.mod file (the go command reports a checksum mismatch or a parse error)", checks.RedactString(st.Resp.URL), version)
			what = "answers .mod with something that is not a go.mod file"
			// The go command takes any 200 as the go.mod and fails
			// later, verifying it: the list is not walked further.
			st.OK, st.Invalid = true, true
		}
	}
	if bad == "" {
		st.OK = true
		return st
	}
	st.Err = bad
	st.Code, st.What = "PROXY_NOT_A_PROXY", what
	if looksHTML(st.Resp) {
		st.Code, st.What = "PROXY_CAPTIVE_PORTAL", "answers 200 with an HTML page instead of the module proxy protocol"
		if n := len(st.Resp.Redirects); n > 0 {
			st.What = "redirects to an HTML page (" + st.Resp.Redirects[n-1] + ") instead of answering the module proxy protocol"
		}
	}
	return st
}

// infoVersion decodes an .info or @latest answer as proxyRepo.Stat does.
func infoVersion(r *netenv.Response, want string) (string, error) {
	if !r.OK() {
		return "", fmt.Errorf("%s", goError(r))
	}
	var info struct {
		Version string
		Time    time.Time
	}
	if err := json.Unmarshal(r.Body, &info); err != nil {
		return "", fmt.Errorf("invalid response from proxy %q: %v", r.URL, err)
	}
	if want != "" && info.Version != want {
		return "", fmt.Errorf("proxy returned info for version %s instead of requested version", info.Version)
	}
	if want == "" && !semver.IsValid(info.Version) {
		return "", fmt.Errorf("invalid response from proxy %q: no version", r.URL)
	}
	return info.Version, nil
}

// listVersions parses @v/list as proxyRepo.Versions does: the first
// field of each line, valid semantic versions that are not
// pseudo-versions.
func listVersions(body []byte) []string {
	var out []string
	for _, line := range strings.Split(string(body), "\n") {
		f := strings.Fields(line)
		if len(f) >= 1 && semver.IsValid(f[0]) && !module.IsPseudoVersion(f[0]) {
			out = append(out, f[0])
		}
	}
	return out
}

// plausibleList reports whether a @v/list body looks like one: every
// non-empty line starts with a version.
func plausibleList(body []byte) bool {
	for _, line := range strings.Split(string(body), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && !semver.IsValid(f[0]) {
			return false
		}
	}
	return true
}

// latestOf picks the version 'latest' means: the highest release, else
// the highest pre-release.
func latestOf(versions []string) string {
	best, bestPre := "", ""
	for _, v := range versions {
		if semver.Prerelease(v) == "" {
			if best == "" || semver.Compare(v, best) > 0 {
				best = v
			}
		} else if bestPre == "" || semver.Compare(v, bestPre) > 0 {
			bestPre = v
		}
	}
	if best != "" {
		return best
	}
	return bestPre
}

// looksHTML reports whether a response is a web page.
func looksHTML(r *netenv.Response) bool {
	if r.MediaType() == "text/html" || r.MediaType() == "application/xhtml+xml" {
		return true
	}
	head := bytes.ToLower(bytes.TrimSpace(r.Body[:min(len(r.Body), 512)]))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))
}

// classifyResponse names what went wrong with a response that is not a
// usable 200.
func classifyResponse(r *netenv.Response) (code, what string) {
	switch r.Kind {
	case netenv.KindRefusedLocally:
		return "PROXY_HTTP_CREDENTIALS", "carries credentials over plain HTTP: the go command refuses to send the request"
	case netenv.KindRefused:
		return "PROXY_REFUSED", "refuses connections (nothing listens there)"
	case netenv.KindTimeout:
		if r.Silent > 0 {
			return "PROXY_TIMEOUT", fmt.Sprintf("accepts the request but sends no answer within %s (the go command sets no timeout on proxy requests: it would wait forever)", Millis(r.Silent))
		}
		return "PROXY_TIMEOUT", "does not answer before the deadline (the go command sets none on proxy requests: it would keep waiting)"
	case netenv.KindReset:
		return "PROXY_RESET", "drops the connection mid-request"
	case netenv.KindDNS:
		return "PROXY_DNS", "has a host name that does not resolve"
	case netenv.KindTLS:
		return "PROXY_TLS", "fails the TLS handshake or certificate check"
	case netenv.KindUnreach:
		return "PROXY_UNREACHABLE", "is unreachable (no route to the host)"
	case netenv.KindProxy:
		return "PROXY_HTTP_PROXY_UNREACHABLE", "is behind an HTTP proxy (" + r.ViaVar + ") that cannot be reached"
	case netenv.KindProxyAns:
		if r.ProxyStatus == http.StatusProxyAuthRequired {
			return "PROXY_AUTH_REQUIRED", "is behind an HTTP proxy (" + r.ViaVar + ") that demands credentials (407)"
		}
		return "PROXY_HTTP_PROXY_ERROR", "is behind an HTTP proxy (" + r.ViaVar + ") that refuses to connect to it (" + r.ProxyStatusText + ")"
	case netenv.KindRedirects:
		return "PROXY_REDIRECT_LOOP", "redirects endlessly, or from https to plain http, which the go command refuses"
	case netenv.KindFile:
		return "PROXY_FILE_INVALID", "is a file:// URL the go command cannot read"
	case netenv.KindOther:
		return "PROXY_ERROR", "fails: " + r.Describe()
	}
	if r.BodyErr != nil {
		if strings.Contains(r.BodyErr.Error(), "deadline") || strings.Contains(r.BodyErr.Error(), "canceled") {
			return "PROXY_TIMEOUT", "answers, but its body trickles in and is not complete before the deadline"
		}
		return "PROXY_RESET", "drops the connection while sending the body"
	}
	switch c := r.StatusCode; {
	case c == http.StatusUnauthorized:
		return "PROXY_UNAUTHORIZED", "demands credentials (401)"
	case c == http.StatusForbidden:
		return "PROXY_FORBIDDEN", "refuses (403 Forbidden): blocked, or an allow-list that does not include the module"
	case c == http.StatusNotFound || c == http.StatusGone:
		if strings.HasPrefix(r.URL, "file:") {
			return "PROXY_FILE_MISSING", "is a file:// directory that does not hold the module"
		}
		return "PROXY_NOT_FOUND", "does not have the module (" + r.Status + ")"
	case c == http.StatusProxyAuthRequired:
		return "PROXY_AUTH_REQUIRED", "is behind an HTTP proxy (" + r.ViaVar + ") that demands credentials (407)"
	case c >= 500:
		return "PROXY_SERVER_ERROR", "fails on the server side (" + r.Status + ")"
	case c >= 300 && c < 400:
		return "PROXY_REDIRECT_LOOP", "answers with a redirect that cannot be followed (" + r.Status + ")"
	}
	return "PROXY_HTTP_ERROR", "answers " + r.Status
}

// goError words a failed response the way the go command does.
func goError(r *netenv.Response) string {
	switch {
	case r.Kind == netenv.KindOK && r.BodyErr != nil:
		return fmt.Sprintf("reading %s: %v", r.URL, r.BodyErr)
	case r.Kind == netenv.KindOK && strings.HasPrefix(r.URL, "file:") && r.Err != nil:
		return fmt.Sprintf("reading %s: %v", r.URL, r.Err)
	case r.Kind == netenv.KindOK:
		return fmt.Sprintf("reading %s: %s", r.URL, r.Status)
	case r.Kind == netenv.KindRefusedLocally:
		return r.Err.Error()
	case r.Kind == netenv.KindTimeout && r.Silent > 0:
		return fmt.Sprintf("Get %q: no answer %s after the request was sent (the go command would wait forever)", r.URL, Millis(r.Silent))
	case r.Kind == netenv.KindTimeout:
		return fmt.Sprintf("Get %q: no answer before the deadline (the go command would keep waiting)", r.URL)
	case r.Err != nil:
		return fmt.Sprintf("Get %q: %v", r.URL, r.Err)
	}
	return r.URL + ": " + string(r.Kind)
}

// LatestFromList is the version 'latest' means for a @v/list answer, read
// as the go command reads it (pseudo-versions ignored); "" when it lists
// no version (the go command then asks @latest).
func LatestFromList(body []byte) string { return latestOf(listVersions(body)) }

// InfoVersion decodes an .info or @latest answer as the go command does;
// want, when not "", is the version asked for.
func InfoVersion(r *netenv.Response, want string) (string, error) { return infoVersion(r, want) }

// recordSumDB adds the checksum database's route to the run's facts.
func recordSumDB(e *checks.Env, s *Scope, r *SumDBRoute) {
	f := &checks.SumDBFact{Name: r.DB.Name, URL: r.URL, Direct: r.Direct, Explicit: r.Explicit, Entry: r.Entry, Error: r.Err}
	facts := stepFacts(s, r.DB.Name, r.Steps)
	e.RecordFacts(func(all *checks.Facts) {
		all.SumDB = f
		all.Proxy = append(all.Proxy, facts...)
	})
}

// recordChains adds every request of the chain walk to the run's facts.
func recordChains(e *checks.Env, s *Scope, rep *ChainReport) {
	var facts []checks.ProxyFact
	for _, m := range rep.Modules {
		if m != nil {
			facts = append(facts, stepFacts(s, m.Probe.Path, m.Steps)...)
		}
	}
	e.RecordFacts(func(all *checks.Facts) { all.Proxy = append(all.Proxy, facts...) })
}

func stepFacts(s *Scope, module string, steps []Step) []checks.ProxyFact {
	var out []checks.ProxyFact
	for _, st := range steps {
		pf := checks.ProxyFact{Entry: st.Entry, Module: module, Op: st.Op, Code: st.Code}
		if st.Entry >= 0 && st.Entry < len(s.Entries) {
			en := s.Entries[st.Entry]
			pf.Proxy = en.URL
			switch en.Kind {
			case goenv.ProxyDirect:
				pf.Proxy = "direct"
			case goenv.ProxyOff:
				pf.Proxy = "off"
			}
		}
		if st.Resp != nil {
			pf.Status = st.Resp.StatusCode
		}
		switch {
		case st.Invalid:
			pf.Outcome = checks.OutcomeInvalid
		case st.OK:
			pf.Outcome = checks.OutcomeOK
		case st.Hang:
			pf.Outcome = checks.OutcomeHang
		case st.NotExist:
			pf.Outcome = checks.OutcomeNotFound
		default:
			pf.Outcome = checks.OutcomeError
		}
		out = append(out, pf)
	}
	return out
}
