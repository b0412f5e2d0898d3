// Package private is the private check: which of the main module's
// requirements look private, by what route the go command fetches each
// (proxy or direct, with GOPRIVATE, GONOPROXY, GONOSUMDB), whether that
// route works (origin.go: go-import meta tags, git ls-remote, credentials)
// and whether the patterns are missing, too broad or too narrow.
package private

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// PrivateCheck computes how the go command fetches every requirement and
// finds private modules that are not configured as such.
var Check = &checks.Check{
	ID:    "private",
	Title: "Private modules",
	Doc: `Reads every requirement (direct and indirect) and replacement of go.mod and
go.work and computes, with module.MatchPrefixPatterns, how the go command
fetches each: through which GOPROXY entries or directly from its origin,
verified by the checksum database or not, over an insecure connection or
not, and which GONOPROXY/GONOSUMDB/GOINSECURE/GOPRIVATE pattern decided
(-v prints this routing table). Then asks, as the go command would: the
proxies about up to 24 requirements that no pattern keeps from them, the
checksum database about those go.sum lacks (never a module GONOSUMDB
covers), and, for modules fetched directly, their own host (the go-import
meta tag, then 'git ls-remote' when the repository is on that host).
Reports private modules not excluded (the proxies answer 404/410, the
database does not know them) with the smallest GOPRIVATE pattern (or
GONOSUMDB when a proxy of GOPROXY serves them) merged with the existing
patterns; patterns that cover public modules; GONOPROXY without
GONOSUMDB; public modules the proxies lack with no direct in GOPROXY; and,
for direct modules, a missing or forbidden (GOVCS) version control tool,
hosts that cannot be reached, and missing credentials (~/.netrc, a git
credential helper, an insteadOf rewrite to ssh) that make git fail with
"terminal prompts disabled". No secret is ever printed.`,
	Codes: codes,
	Run:   runPrivate,
}

// maxRouteProbes bounds how many requirements the proxies are asked
// about; maxOrigins how many origins are probed.
const (
	maxRouteProbes = 24
	maxOrigins     = 8
)

// A route is how the go command fetches one requirement.
type route struct {
	Req     *reqs.Requirement // in the run's shared list: read-only
	Mod     module.Version    // what is fetched
	Private string            // the GOPRIVATE pattern that matches, if any
	// NoProxy is the GONOPROXY pattern that sends it direct; NoSum the
	// GONOSUMDB pattern that exempts it from the checksum database;
	// Insecure the GOINSECURE pattern.
	NoProxy, NoSum, Insecure string
	InGoSum                  bool // go.sum has both its lines
	Cached                   bool // the module cache holds it: no fetch is needed here
	Chain                    *probe.ModuleChain
	DB                       *dbAnswer
	Origin                   *probe.OriginReport
}

// direct reports whether the go command fetches it from its origin.
func (r *route) direct() bool {
	return r.NoProxy != "" || r.Chain != nil && r.Chain.OK && r.Chain.Direct
}

// proxyMissing reports whether every proxy the walk reached answered
// "not found".
func (r *route) proxyMissing() bool {
	mc := r.Chain
	if mc == nil {
		return false
	}
	if mc.OK {
		if !mc.Direct {
			return false
		}
		for _, st := range mc.Steps {
			if st.Resp != nil && st.NotExist {
				return true
			}
		}
		return false
	}
	return mc.Final != nil && mc.Final.NotExist && mc.Final.Entry >= 0
}

// dbAnswer is what the checksum database said about a module version.
type dbAnswer struct {
	Known   bool
	Unknown bool // 404 or 410
	Resp    *netenv.Response
}

// privateRun is one run of the private check.
type privateRun struct {
	ctx    context.Context
	env    *checks.Env
	g      *goenv.Env
	s      *probe.Scope
	cut    string // set when the deadline cut the list of requirements
	routes []*route
	sumdb  *probe.SumDBRoute
	out    []checks.Finding
}

func runPrivate(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
	s := probe.ScopeOf(env)
	if s.Blocked != "" {
		return nil, checks.Skip("%s", s.Blocked)
	}
	if env.Module == nil || len(reqs.WorkModules(env)) == 0 {
		return nil, checks.Skip("not in a module")
	}
	probe.Start(ctx, env)
	r := &privateRun{ctx: ctx, env: env, g: env.Go, s: s}
	r.buildRoutes()
	if len(r.routes) == 0 {
		return []checks.Finding{{Code: "PRIVATE_ROUTES", Severity: checks.SevInfo, Subject: "go.mod",
			Message: "the main module requires no other module: nothing is fetched"}}, nil
	}
	r.probeProxies()
	r.probeDatabase()
	r.probeOrigins()
	r.notExcluded()
	r.noSumDB()
	r.tooBroad()
	r.originFindings()
	r.out = append(r.out, r.table())
	if r.cut != "" {
		return r.out, errors.New(r.cut)
	}
	return r.out, nil
}

// buildRoutes computes the static part of every route.
func (r *privateRun) buildRoutes() {
	g := r.g
	sums := reqs.GoSums(r.env)
	all := reqs.Requirements(r.env)
	// Without a download cache, no module version is in it: no need
	// to look for each.
	_, err := os.Stat(filepath.Join(r.env.Go.Get("GOMODCACHE"), "cache", "download"))
	noCache := err != nil
	for i := range all {
		req := &all[i]
		if reqs.Expired(r.ctx, i) {
			r.cut = reqs.CutNote(i, len(all), "requirements")
			return
		}
		rt := &route{Req: req, Mod: req.Fetched}
		if req.Local() {
			r.routes = append(r.routes, rt)
			continue
		}
		p := rt.Mod.Path
		rt.Private = goenv.MatchingPattern(g.Get("GOPRIVATE"), p)
		rt.NoProxy = goenv.MatchingPattern(g.Get("GONOPROXY"), p)
		rt.NoSum = goenv.MatchingPattern(g.Get("GONOSUMDB"), p)
		rt.Insecure = goenv.MatchingPattern(g.Get("GOINSECURE"), p)
		rt.InGoSum = sums.H1(p, rt.Mod.Version, false) != "" && sums.H1(p, rt.Mod.Version, true) != ""
		rt.Cached = !noCache && inModCache(r.env, rt.Mod)
		r.routes = append(r.routes, rt)
	}
}

// inModCache reports whether the module cache holds a module version
// completely (its go.mod and its zip), so that the go command needs no
// network for it.
func inModCache(e *checks.Env, mv module.Version) bool {
	root := e.Go.Get("GOMODCACHE")
	ep, err1 := module.EscapePath(mv.Path)
	ev, err2 := module.EscapeVersion(mv.Version)
	if root == "" || err1 != nil || err2 != nil {
		return false
	}
	base := filepath.Join(root, "cache", "download", filepath.FromSlash(ep), "@v", ev)
	for _, ext := range []string{".mod", ".zip"} {
		if fi, err := os.Stat(base + ext); err != nil || fi.Size() == 0 {
			return false
		}
	}
	return true
}

// probeProxies walks the GOPROXY list for the requirements no pattern
// keeps from the proxies, as the go command would (never one GONOPROXY
// or GOPRIVATE covers: probe.Scope.Private).
func (r *privateRun) probeProxies() {
	var todo []*route
	for _, rt := range r.routes {
		if rt.Req.Local() || rt.NoProxy != "" || module.Check(rt.Mod.Path, rt.Mod.Version) != nil {
			continue
		}
		if k, _ := probe.PrivateBy(r.env, rt.Mod.Path); k != "" {
			continue
		}
		todo = append(todo, rt)
	}
	// The modules most likely to matter first: those go.sum lacks (the
	// go command must fetch and verify them), then those on hosts that
	// are not public names, then direct requirements.
	rank := func(rt *route) int {
		n := 0
		if rt.InGoSum {
			n += 4
		}
		host, _, _ := strings.Cut(rt.Mod.Path, "/")
		if r.env.Net().IsPublicName(host) {
			n += 2
		}
		if rt.Req.Indirect {
			n++
		}
		return n
	}
	ranks := make(map[*route]int, len(todo)) // once each, not once per comparison
	for _, rt := range todo {
		ranks[rt] = rank(rt)
	}
	slices.SortStableFunc(todo, func(a, b *route) int { return ranks[a] - ranks[b] })
	if len(todo) > maxRouteProbes {
		todo = todo[:maxRouteProbes]
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 6)
	for _, rt := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rt.Chain = probe.WalkModule(r.ctx, r.env, r.s.Entries, probe.ProbeModule{Path: rt.Mod.Path, Version: rt.Mod.Version, From: "go.mod"})
		}()
	}
	wg.Wait()
}

// probeDatabase asks the checksum database about the modules the go
// command would verify: obtained (from a proxy or directly), not covered
// by GONOSUMDB, and missing from go.sum.
func (r *privateRun) probeDatabase() {
	if r.s.SumDB == nil {
		return
	}
	route, ok := probe.SumDB(r.ctx, r.env)
	if !ok || route == nil || route.URL == "" || route.Err != "" {
		return
	}
	r.sumdb = route
	var wg sync.WaitGroup
	sem := make(chan struct{}, 6)
	for _, rt := range r.routes {
		if rt.Req.Local() || rt.NoSum != "" || rt.InGoSum {
			continue
		}
		if !rt.direct() && (rt.Chain == nil || !rt.Chain.OK) {
			continue // the go command never gets as far as verifying it
		}
		ep, err1 := module.EscapePath(rt.Mod.Path)
		ev, err2 := module.EscapeVersion(rt.Mod.Version)
		if err1 != nil || err2 != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			resp := probe.Fetch(r.ctx, r.env, route.URL, "lookup/"+ep+"@"+ev, probe.LimitInfo)
			rt.DB = &dbAnswer{Resp: resp, Known: resp.OK(), Unknown: resp.NotExist()}
		}()
	}
	wg.Wait()
}

// notExcluded reports likely-private modules that the go command sends
// to the proxies or to the checksum database.
func (r *privateRun) notExcluded() {
	var needPrivate, needNoSum, needDirect, gaps []*route
	for _, rt := range r.routes {
		switch {
		case rt.Req.Local() || rt.NoProxy != "":
		case rt.Chain != nil && rt.Chain.OK && !rt.Chain.Direct && rt.DB != nil && rt.DB.Unknown:
			needNoSum = append(needNoSum, rt) // a private proxy serves it
		case rt.proxyMissing() && !rt.Chain.OK && r.knownPublic(rt.Mod.Path):
			needDirect = append(needDirect, rt)
		case rt.proxyMissing() && (rt.DB != nil && rt.DB.Known || r.knownPublic(rt.Mod.Path)):
			// A public module the proxies lack, fetched from its origin.
		case rt.proxyMissing() && r.privateEvidence(rt) != "":
			needPrivate = append(needPrivate, rt)
		case rt.proxyMissing() && !rt.Chain.OK:
			// One mirror lacking a module says nothing more than that.
			gaps = append(gaps, rt)
		}
	}
	if len(needPrivate) > 0 {
		r.reportNotExcluded(needPrivate, "GOPRIVATE")
	}
	if len(gaps) > 0 {
		r.reportGap(gaps)
	}
	if len(needNoSum) > 0 {
		r.reportNotExcluded(needNoSum, "GONOSUMDB")
	}
	if len(needDirect) > 0 {
		r.reportNeedsDirect(needDirect)
	}
}

// publicPaths are the requirements that are not in the given set: what a
// new pattern must not match.
func (r *privateRun) publicPaths(except []*route) []string {
	skip := make(map[*route]bool, len(except))
	for _, rt := range except {
		skip[rt] = true
	}
	out := make([]string, 0, max(0, len(r.routes)-len(skip)))
	for _, rt := range r.routes {
		if rt.Req.Local() || skip[rt] {
			continue
		}
		if rt.Private != "" || rt.NoProxy != "" {
			continue // already private: matching it again costs nothing
		}
		out = append(out, rt.Mod.Path)
	}
	return out
}

// patternFixes returns the fixes that add patterns to key, merged with
// its value in force, and to the variables that an explicit setting
// keeps GOPRIVATE from reaching.
func (r *privateRun) patternFixes(key string, patterns []string, title string) []checks.Fix {
	g := r.g
	add := strings.Join(patterns, ",")
	fixes := []checks.Fix{checks.SetVar(g, g.Var(key), goenv.UnionPatterns(g.Get(key), add), title)}
	if key == "GOPRIVATE" {
		// GONOPROXY and GONOSUMDB default to GOPRIVATE only when empty.
		for _, k := range []string{"GONOPROXY", "GONOSUMDB"} {
			v := g.Var(k)
			if missing := g.NotCovered(k, patterns); len(missing) > 0 {
				fixes = append(fixes, checks.SetVar(g, v, goenv.UnionPatterns(v.Value, strings.Join(missing, ",")),
					fmt.Sprintf("and %s, which is set explicitly and so does not follow GOPRIVATE", k)))
			}
		}
	}
	return fixes
}

func (r *privateRun) reportNotExcluded(rts []*route, key string) {
	var paths, names, evidence []string
	fail, public := false, true
	for _, rt := range rts {
		paths = append(paths, rt.Mod.Path)
		names = append(names, rt.Mod.String())
		host, _, _ := strings.Cut(rt.Mod.Path, "/")
		if !r.env.Net().IsPublicName(host) {
			public = false
		}
		evidence = append(evidence, r.evidence(rt)...)
		if key == "GOPRIVATE" {
			evidence = append(evidence, rt.Mod.String()+": taken for private: "+r.privateEvidence(rt))
		}
		if r.failsNow(rt) {
			fail = true
		}
	}
	var patterns []string
	if key == "GOPRIVATE" {
		patterns = r.patternsFor(rts)
	} else {
		patterns = goenv.MinimalPatterns(paths, r.publicPaths(rts))
	}
	sev := checks.SevWarn
	if fail {
		sev = checks.SevFail
	}
	one := len(rts) == 1
	pick := func(single, plural string) string {
		if one {
			return single
		}
		return plural
	}
	var msg, title string
	switch key {
	case "GOPRIVATE":
		msg = fmt.Sprintf("%s %s private: no GOPROXY entry has %s (404/410)", strings.Join(names, ", "), pick("looks", "look"), pick("it", "them"))
		if !public {
			msg += pick(", and its host is not a public name", ", and their hosts are not public names")
		}
		if fail {
			msg += pick("; the go command fails to fetch or verify it", "; the go command fails to fetch or verify them")
		} else {
			msg += "; the go command still works here (module cache, go.sum or a direct fallback), but sends " + pick("its name", "their names") + " to the proxies"
		}
		msg += ": GOPRIVATE does not cover " + pick("it", "them")
		title = "fetch " + pick("it", "them") + " directly from the origin, and keep " + pick("its name", "their names") + " from the proxies and the checksum database"
	default:
		msg = fmt.Sprintf("%s %s served by a proxy of GOPROXY but unknown to the checksum database %s (404/410): the go command fails to verify %s; GONOSUMDB (not GOPRIVATE, which would bypass that proxy) does not cover %s",
			strings.Join(names, ", "), pick("is", "are"), r.sumdb.DB.Name, pick("it", "them"), pick("it", "them"))
		title = "keep fetching " + pick("it", "them") + " through your proxy, without looking " + pick("it", "them") + " up in the public checksum database"
	}
	fixes := r.patternFixes(key, patterns, title)
	if public && key == "GOPRIVATE" {
		for i := range fixes {
			fixes[i].Auto = false // a public name: it may be a typo rather than a private module
		}
	}
	r.out = append(r.out, checks.Finding{
		Code: "PRIVATE_MODULE_NOT_EXCLUDED", Severity: sev, Subject: strings.Join(patterns, ","),
		Message: msg,
		Detail:  strings.Join(append(evidence, fmt.Sprintf("smallest pattern covering exactly these requirements: %s", strings.Join(patterns, ","))), "\n"),
		Fixes:   fixes,
	})
}

// failsNow reports whether the go command fails for a route now: it must
// fetch the module (not in the module cache) and the walk failed, or the
// database would have to verify it and does not know it.
func (r *privateRun) failsNow(rt *route) bool {
	if rt.Chain != nil && !rt.Chain.OK {
		return !rt.Cached
	}
	return rt.DB != nil && rt.DB.Unknown
}

// knownPublic reports local evidence that a module is public: the checksum
// database's answer about it is in the module cache (the go command
// verified it there once).
func (r *privateRun) knownPublic(path string) bool {
	db := r.s.SumDB
	if db == nil {
		if d := goenv.ParseSumDB(r.g.Var("GOSUMDB").GOROOTValue); d.Err == nil && !d.Off {
			db = d
		}
	}
	if db == nil {
		return false
	}
	ep, err := module.EscapePath(path)
	if err != nil {
		return false
	}
	dir := filepath.Join(r.g.Get("GOMODCACHE"), "cache", "download", "sumdb", db.Name, "lookup", filepath.FromSlash(filepath.Dir(ep)))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	base := filepath.Base(ep) + "@"
	for _, de := range entries {
		if strings.HasPrefix(de.Name(), base) {
			return true
		}
	}
	return false
}

func (r *privateRun) reportNeedsDirect(rts []*route) {
	g := r.g
	v := g.Var("GOPROXY")
	var names, evidence []string
	fail := false
	for _, rt := range rts {
		names = append(names, rt.Mod.String())
		evidence = append(evidence, r.evidence(rt)...)
		fail = fail || !rt.Cached
	}
	sev := checks.SevWarn
	if fail {
		sev = checks.SevFail
	}
	fix := checks.SetVar(g, v, strings.TrimSpace(v.Value)+",direct", "let the go command fetch what the proxies lack from its origin, if your network allows it")
	fix.Auto = false
	r.out = append(r.out, checks.Finding{
		Code: "PRIVATE_NEEDS_DIRECT", Severity: sev, Subject: "GOPROXY",
		Message: fmt.Sprintf("no GOPROXY entry has %s (404/410), which the checksum database knows (a public module), and GOPROXY has no direct to fall back to", strings.Join(names, ", ")),
		Detail:  strings.Join(evidence, "\n"),
		Fixes:   []checks.Fix{fix, checks.Manual("or ask the proxy's administrators to serve these modules", "go env GOPROXY")},
	})
}

// noSumDB reports modules GONOPROXY sends direct while the checksum
// database still verifies them (GONOPROXY without GONOSUMDB). Modules
// GOPRIVATE covers are the env check's (GONOSUMDB_NARROWS_GOPRIVATE).
func (r *privateRun) noSumDB() {
	var rts []*route
	fail := false
	for _, rt := range r.routes {
		if rt.Req.Local() || rt.NoProxy == "" || rt.NoSum != "" || rt.Private != "" || r.s.SumDB == nil {
			continue
		}
		if rt.DB != nil && rt.DB.Known {
			continue // a public module fetched directly on purpose
		}
		rts = append(rts, rt)
		if rt.DB != nil && rt.DB.Unknown {
			fail = true
		}
	}
	if len(rts) == 0 {
		return
	}
	var names, noproxy, evidence []string
	for _, rt := range rts {
		names = append(names, rt.Mod.String())
		if !slices.Contains(noproxy, rt.NoProxy) {
			noproxy = append(noproxy, rt.NoProxy)
		}
		evidence = append(evidence, r.evidence(rt)...)
	}
	sev := checks.SevWarn
	msg := fmt.Sprintf("GONOPROXY sends %s directly to their origin, but GONOSUMDB does not cover them: their names go to the checksum database %s, which does not know private modules", strings.Join(names, ", "), r.s.SumDB.Name)
	if fail {
		sev = checks.SevFail
		msg += ": it answers 404/410 and the go command fails to verify them"
	} else {
		msg += " (go.sum has them for now: the next new version fails with 404/410)"
	}
	v := r.g.Var("GONOSUMDB")
	r.out = append(r.out, checks.Finding{
		Code: "PRIVATE_GONOSUMDB_MISSING", Severity: sev, Subject: "GONOSUMDB",
		Message: msg,
		Detail:  strings.Join(append(evidence, "GONOPROXY="+r.g.Get("GONOPROXY"), "GONOSUMDB="+r.g.Get("GONOSUMDB")), "\n"),
		Fixes:   []checks.Fix{checks.SetVar(r.g, v, goenv.UnionPatterns(r.g.Get("GONOSUMDB"), strings.Join(noproxy, ",")), "exempt the same modules from the checksum database (or set GOPRIVATE, which sets both)")},
	})
}

// tooBroad reports patterns that cover modules with local evidence of
// being public (the checksum database's answer is in the module cache),
// and patterns that cover a whole shared code host.
func (r *privateRun) tooBroad() {
	g := r.g
	lose := map[string]string{
		"GOPRIVATE":  "are fetched without the proxy and without checksum verification",
		"GONOPROXY":  "are fetched directly from their origins instead of the proxy",
		"GONOSUMDB":  "lose checksum verification by the database",
		"GOINSECURE": "may be fetched over plain HTTP or without certificate checks",
	}
	for _, key := range []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE"} {
		v := g.Var(key)
		if v.Value == "" || key != "GOPRIVATE" && v.Source == goenv.SourceDefault {
			continue // GONOPROXY/GONOSUMDB default to GOPRIVATE: reported there
		}
		for _, p := range goenv.Patterns(v.Value) {
			first, _, _ := strings.Cut(strings.TrimSpace(p), "/")
			if strings.Contains(first, "*") && key == "GOPRIVATE" {
				continue // the env check's GOPRIVATE_TOO_BROAD
			}
			_, wholeHost := goenv.CodeHosts[strings.TrimSuffix(strings.TrimSpace(p), "/")]
			pat := goenv.ParsePattern(p)
			var public []string
			for _, rt := range r.routes {
				if !rt.Req.Local() && pat.Match(rt.Mod.Path) && r.knownPublic(rt.Mod.Path) {
					public = append(public, rt.Mod.Path)
				}
			}
			if !wholeHost && len(public) == 0 {
				continue
			}
			// What the pattern covers, and what a narrower one must not.
			var covered, others []string
			for _, rt := range r.routes {
				switch {
				case rt.Req.Local():
				case !pat.Match(rt.Mod.Path) || r.knownPublic(rt.Mod.Path):
					others = append(others, rt.Mod.Path)
				default:
					covered = append(covered, rt.Mod.Path)
				}
			}
			what := fmt.Sprintf("pattern %q of %s covers a whole shared code host", p, key)
			if len(public) > 0 {
				what = fmt.Sprintf("pattern %q of %s covers public modules (%s: the checksum database knows them, as the module cache shows)", p, key, strings.Join(public, ", "))
			}
			var keep []string
			for _, q := range goenv.Patterns(v.Value) {
				if q != p {
					keep = append(keep, q)
				}
			}
			narrowed := goenv.UnionPatterns(strings.Join(keep, ","), strings.Join(goenv.MinimalPatterns(covered, others), ","))
			fix := checks.UnsetVar(g, v, "no requirement needs the pattern: remove it")
			if narrowed != "" {
				fix = checks.SetVar(g, v, narrowed, "cover only the private requirements (this replaces the broad pattern: review it first)")
			}
			fix.Auto = false
			r.out = append(r.out, checks.Finding{
				Code: "PRIVATE_PATTERN_TOO_BROAD", Severity: checks.SevWarn, Subject: key,
				Message: what + ": the modules it covers " + lose[key],
				Detail:  fmt.Sprintf("%s=%s\nrequirements it covers that look private: %s", key, checks.RedactString(v.Value), probe.OrNone(covered)),
				Fixes:   []checks.Fix{fix},
			})
		}
	}
}

// evidence describes what was learned about a route.
func (r *privateRun) evidence(rt *route) []string {
	var out []string
	if rt.Chain != nil {
		for _, line := range probe.ChainEvidence(r.s, rt.Chain) {
			out = append(out, rt.Mod.String()+": "+line)
		}
	}
	if rt.DB != nil && rt.DB.Resp != nil {
		out = append(out, fmt.Sprintf("%s: checksum database: GET %s: %s", rt.Mod.String(), rt.DB.Resp.URL, rt.DB.Resp.Describe()))
	}
	if rt.Cached {
		out = append(out, rt.Mod.String()+": in the module cache")
	}
	return out
}

// table is the routing table: one info finding whose detail says, for
// every requirement, how the go command fetches and verifies it.
func (r *privateRun) table() checks.Finding {
	var lines []string
	nProxy, nDirect, nLocal := 0, 0, 0
	g := r.g
	decided := func(key, pattern string) string {
		v := g.Var(key)
		if v.Source == goenv.SourceDefault {
			return fmt.Sprintf("%s=%s, from GOPRIVATE", key, pattern)
		}
		return key + "=" + pattern
	}
	proxies := describeProxies(r.s)
	unlisted := 0
	for i, rt := range r.routes {
		// A table of 50,000 routes is megabytes no one reads: the first
		// ones, and every one whose origin was probed; the counts of the
		// message cover all of them.
		listed := i < maxTableRoutes || rt.Origin != nil
		if !listed {
			unlisted++
		}
		name := rt.Req.Mod.String()
		if rt.Req.Indirect {
			name += " (indirect)"
		}
		if rt.Req.Local() {
			nLocal++
			if listed {
				lines = append(lines, name, "    local directory "+rt.Req.Dir+" (replace): nothing is fetched")
			}
			continue
		}
		if rt.Mod != rt.Req.Mod {
			name += " => " + rt.Mod.String()
		}
		var fetch string
		switch {
		case rt.NoProxy != "":
			nDirect++
			fetch = "direct from its origin (" + decided("GONOPROXY", rt.NoProxy) + ")"
		case rt.Chain != nil && rt.Chain.OK && rt.Chain.Direct:
			nDirect++
			fetch = "direct from its origin: the proxies do not have it"
		case rt.Chain != nil && rt.Chain.OK:
			nProxy++
			fetch = "proxy: " + probe.DescribeEntry(r.s.Entries[rt.Chain.Entry], rt.Chain.Entry) + " serves it"
		case rt.Chain != nil:
			nProxy++
			fetch = "proxy: FAILS: " + checks.RedactString(rt.Chain.Final.Err)
		default:
			nProxy++
			fetch = "proxy: " + proxies + " (not probed)"
		}
		if !listed {
			continue
		}
		var sum string
		switch {
		case r.s.SumDB == nil:
			sum = "no checksum database (GOSUMDB=" + g.Get("GOSUMDB") + ")"
		case rt.NoSum != "":
			sum = "not in the checksum database (" + decided("GONOSUMDB", rt.NoSum) + ")"
		default:
			sum = "checksum database " + r.s.SumDB.Name
			switch {
			case rt.DB != nil && rt.DB.Known:
				sum += " (knows it)"
			case rt.DB != nil && rt.DB.Unknown:
				sum += " (does NOT know it)"
			}
		}
		if rt.InGoSum {
			sum += "; go.sum has it"
		} else {
			sum += "; not in go.sum"
		}
		lines = append(lines, name, "    "+fetch, "    "+sum)
		if rt.Insecure != "" {
			lines = append(lines, "    insecure: no certificate check, plain http allowed (GOINSECURE="+rt.Insecure+")")
		}
		if o := rt.Origin; o != nil {
			lines = append(lines, "    origin: "+o.Summary())
		}
	}
	if unlisted > 0 {
		lines = append(lines, fmt.Sprintf("… and %s more requirement(s), not listed (the counts above include them)", reqs.Thousands(unlisted)))
	}
	return checks.Finding{
		Code: "PRIVATE_ROUTES", Severity: checks.SevInfo, Subject: "go.mod",
		Message: fmt.Sprintf("how the go command fetches the %d requirement(s): %d through GOPROXY, %d directly from their origins, %d from local directories", len(r.routes), nProxy, nDirect, nLocal),
		Detail:  strings.Join(lines, "\n"),
	}
}

// maxTableRoutes is how many requirements the routing table lists one
// by one.
const maxTableRoutes = 1000

// describeProxies is the GOPROXY list in a few words.
func describeProxies(s *probe.Scope) string {
	var parts []string
	for _, en := range s.Entries {
		switch en.Kind {
		case goenv.ProxyDirect:
			parts = append(parts, "direct")
		case goenv.ProxyOff:
			parts = append(parts, "off")
		default:
			u := checks.RedactString(en.URL)
			if pu, err := url.Parse(en.URL); err == nil && pu.Host != "" {
				u = pu.Host
			}
			parts = append(parts, u)
		}
	}
	return strings.Join(parts, ", then ")
}
