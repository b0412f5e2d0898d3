package private

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
	"golang.org/x/mod/module"
)

// privateEvidence says why a requirement that the proxies answered "not
// found" for is taken for private, "" when nothing says so: one mirror
// lacking a module (a file:// directory, a team's proxy) is a mirror
// gap, not evidence. What counts: its host is not a public name; its
// origin refuses anonymous requests or answers only with credentials
// (when the go command goes there, so did the origin probe); or the
// toolchain's default proxy, which fetches public modules from their
// origin, lacks it too, and the checksum database does not know it.
func (r *privateRun) privateEvidence(rt *route) string {
	if why := r.originEvidence(rt); why != "" {
		return why
	}
	if rt.DB != nil && rt.DB.Known {
		return ""
	}
	return probe.PrivateEvidence(r.env, r.s, rt.Chain)
}

// originEvidence is what the origin itself said about being private: ""
// when it was not asked, could not be reached or answered anonymously.
func (r *privateRun) originEvidence(rt *route) string {
	o := rt.Origin
	if o == nil {
		return ""
	}
	switch o.Problem {
	case "PRIVATE_AUTH_FAILED", "PRIVATE_TERMINAL_PROMPTS_DISABLED", "PRIVATE_REPO_NOT_FOUND":
		return "its origin refuses anonymous requests: " + o.What
	}
	if o.Reached && len(o.Creds) > 0 {
		return "its origin answers git with credentials (" + strings.Join(o.Creds, ", ") + ")"
	}
	return ""
}

// narrowPaths are the requirements whose private evidence says nothing
// beyond the module itself: a public host, and only the default proxy's
// "not found". A pattern for them is their own path, never their
// organization or host on a shared code host.
func (r *privateRun) narrowPaths(rts []*route) map[string]bool {
	out := map[string]bool{}
	for _, rt := range rts {
		host, _, _ := strings.Cut(rt.Mod.Path, "/")
		if r.env.Net().IsPublicName(host) && r.originEvidence(rt) == "" {
			out[rt.Mod.Path] = true
		}
	}
	return out
}

// patternsFor is the smallest set of patterns covering the routes and
// none of the other requirements, no wider than the evidence.
func (r *privateRun) patternsFor(rts []*route) []string {
	narrow := r.narrowPaths(rts)
	var wide, exact []string
	for _, rt := range rts {
		if narrow[rt.Mod.Path] {
			exact = append(exact, rt.Mod.Path)
		} else {
			wide = append(wide, rt.Mod.Path)
		}
	}
	var out []string
	if len(wide) > 0 {
		out = goenv.MinimalPatterns(wide, append(r.publicPaths(rts), exact...))
	}
	slices.Sort(exact)
	for _, p := range exact {
		if !module.MatchPrefixPatterns(strings.Join(out, ","), p) {
			out = append(out, p)
		}
	}
	return out
}

// reportGap reports requirements that no GOPROXY entry has, with no
// fallback after them, while nothing says they are private: the mirror
// lacks them. The remedy is about the mirror, never GOPRIVATE (which
// would send every module of the pattern to its origin, unverified).
func (r *privateRun) reportGap(rts []*route) {
	var names, evidence []string
	var chains []*probe.ModuleChain
	fail := false
	for _, rt := range rts {
		names = append(names, rt.Mod.String())
		evidence = append(evidence, r.evidence(rt)...)
		chains = append(chains, rt.Chain)
		fail = fail || !rt.Cached
	}
	sev := checks.SevWarn
	if fail {
		sev = checks.SevFail
	}
	where := "a GOPROXY entry"
	if i := probe.GapEntry(r.s, chains); i >= 0 {
		where = probe.DescribeEntry(r.s.Entries[i], i)
	}
	msg := fmt.Sprintf("no GOPROXY entry has %s (404/410) and GOPROXY has nothing to fall back to: %s lacks %s. Nothing says %s private (a public host, its origin not asked, not the toolchain's default proxy): a mirror gap, which GOPRIVATE would not fix",
		strings.Join(names, ", "), where, pick(len(rts) == 1, "it", "them"), pick(len(rts) == 1, "it is", "they are"))
	if !fail {
		msg += " (the module cache holds what this module needs, so it works here; a clean machine or CI fails)"
	}
	r.out = append(r.out, checks.Finding{
		Code: "PRIVATE_MIRROR_GAP", Severity: sev, Subject: "GOPROXY",
		Message: msg,
		Detail:  strings.Join(evidence, "\n"),
		Fixes:   probe.GapFixes(r.env, r.s, chains),
	})
}

func pick(one bool, single, plural string) string {
	if one {
		return single
	}
	return plural
}
