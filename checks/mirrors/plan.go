package mirrors

import (
	"strings"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"
)

// A target is a public requirement asked about.
type target struct {
	mod    module.Version
	direct bool
}

func (t target) String() string { return t.mod.Path + "@" + t.mod.Version }

// Candidates are the mirrors to measure: the HTTP entries of the GOPROXY
// in force (origin checks.MirrorGOPROXY), then those of
// checks.CandidateMirrors (the --mirror flags, then the toolchain's
// default and the public mirrors, or the list replacing them).
func Candidates(g *goenv.Env, flags []string, replace, replaceVar string) []checks.Mirror {
	var out []checks.Mirror
	seen := map[string]int{}
	add := func(m checks.Mirror) {
		if i, ok := seen[m.URL]; ok {
			// Named twice (the GOPROXY in force is the toolchain's
			// default): measured once, both origins said.
			if !strings.Contains(out[i].Origin, m.Origin) {
				out[i].Origin += ", " + m.Origin
			}
			return
		}
		seen[m.URL] = len(out)
		out = append(out, m)
	}
	l := goenv.ParseProxyList(g.Get("GOPROXY"))
	if l.Err == nil {
		for _, en := range l.Active() {
			if en.IsHTTP() && en.Err == nil {
				add(checks.Mirror{URL: strings.TrimSuffix(en.URL, "/"), Origin: checks.MirrorGOPROXY})
			}
		}
	}
	for _, m := range checks.CandidateMirrors(g, flags, replace, replaceVar) {
		add(m)
	}
	return out
}

// privateBy returns the variable and pattern that keep path from every
// candidate: GONOPROXY or GOPRIVATE (the go command fetches it
// directly), or GONOSUMDB (it goes through GOPROXY, but a module kept
// from the checksum database is most likely one a team's own proxy
// serves: the doctor does not name it to a mirror the user did not
// choose). viaProxy is true in the last case.
func privateBy(e *checks.Env, path string) (key, pattern string, viaProxy bool) {
	if k, p := probe.PrivateBy(e, path); k != "" {
		return k, p, false
	}
	if p := goenv.MatchingPattern(e.Go.Get("GONOSUMDB"), path); p != "" {
		return "GONOSUMDB", p, true
	}
	return "", "", false
}

// plan chooses what to ask: the public requirements (direct ones first,
// at most MaxRequirements), the @latest queries (requirements on
// pseudo-versions first, then direct ones, at most MaxLatest) and the
// private requirements named to nobody. Outside a module, or without
// public requirements, the query is probe.DefaultProbeModule@latest.
func plan(e *checks.Env, res *Result) (targets []target, queries []*Query) {
	seen := map[string]bool{}
	for _, r := range reqs.Requirements(e) {
		m := r.Fetched
		if r.Local() || module.Check(m.Path, m.Version) != nil || seen[m.Path] {
			continue
		}
		seen[m.Path] = true
		if k, p, via := privateBy(e, m.Path); k != "" {
			res.Private = append(res.Private, Private{Path: m.Path, Var: k, Pattern: p, ViaProxy: via})
			continue
		}
		if len(targets) == MaxRequirements {
			res.Unmeasured++
			continue
		}
		targets = append(targets, target{mod: m, direct: !r.Indirect})
	}
	for _, pseudo := range []bool{true, false} {
		for _, t := range targets {
			if len(queries) == MaxLatest {
				break
			}
			isPseudo := module.IsPseudoVersion(t.mod.Version)
			if pseudo && isPseudo {
				queries = append(queries, &Query{Path: t.mod.Path, Why: "pseudo-version", Required: t.mod.Version})
			} else if !pseudo && !isPseudo && t.direct {
				queries = append(queries, &Query{Path: t.mod.Path, Why: "direct", Required: t.mod.Version})
			}
		}
	}
	if len(targets) == 0 && len(queries) == 0 {
		if k, _, _ := privateBy(e, probe.DefaultProbeModule); k == "" {
			queries = append(queries, &Query{Path: probe.DefaultProbeModule, Why: "default"})
		}
	}
	for _, t := range targets {
		res.Requirements = append(res.Requirements, t.String())
	}
	return targets, queries
}
