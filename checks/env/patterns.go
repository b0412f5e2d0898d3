package env

import (
	"fmt"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// patternKeys are the variables holding module path patterns, with what
// a pattern that matches nothing costs.
var patternKeys = []struct{ key, consequence string }{
	{"GOPRIVATE", "modules it was meant to cover are requested from the public proxy and checksum database: their names leak and fetching them fails (404/410)"},
	{"GONOPROXY", "modules it was meant to cover are requested from the proxies in GOPROXY instead of their origin"},
	{"GONOSUMDB", "modules it was meant to cover are looked up in the checksum database: their names leak and private ones fail to verify (404/410)"},
	{"GOINSECURE", "it has no effect"},
}

// patterns validates GOPRIVATE, GONOPROXY, GONOSUMDB and GOINSECURE with
// module.MatchPrefixPatterns semantics.
func (r *envRules) patterns() {
	g := r.g
	for _, pk := range patternKeys {
		v := g.Var(pk.key)
		if v.Source == goenv.SourceDefault || v.Value == "" {
			continue // derived from GOPRIVATE, reported there
		}
		probs := goenv.CheckPatterns(v.Value)
		// One repaired list for all of the key's bad patterns, so that any
		// one fix corrects them all.
		repaired := v.Value
		for _, p := range probs {
			if p.Suggest != "" {
				repaired = replacePattern(repaired, p.Pattern, p.Suggest)
			}
		}
		for _, p := range probs {
			f := checks.Finding{
				Code: pk.key + "_BAD_PATTERN", Severity: checks.SevWarn, Subject: pk.key,
				Message: fmt.Sprintf("%s pattern %q can never match a module path (%s): %s", pk.key, checks.RedactString(p.Pattern), p.Reason, pk.consequence),
				Detail:  r.evidence(v, "patterns are comma-separated path prefixes with glob elements, such as corp.example/* or github.com/corp"),
			}
			if p.Suggest != "" {
				f.Fixes = []checks.Fix{checks.SetVar(g, v, repaired, fmt.Sprintf("write the pattern as %s", p.Suggest))}
			} else {
				f.Fixes = []checks.Fix{checks.Manual("rewrite the pattern as a module path prefix", "go env -w "+pk.key+"=corp.example/*")}
			}
			r.add(f)
		}
	}

	for _, p := range goenv.Patterns(g.Get("GOPRIVATE")) {
		if first, _, _ := strings.Cut(strings.TrimSpace(p), "/"); first == "*" {
			r.add(checks.Finding{
				Code: "GOPRIVATE_TOO_BROAD", Severity: checks.SevWarn, Subject: "GOPRIVATE",
				Message: fmt.Sprintf("GOPRIVATE pattern %q matches every module: nothing goes through the module proxy and nothing is checked against the checksum database", p),
				Detail:  r.evidence(g.Var("GOPRIVATE")),
				Fixes:   []checks.Fix{checks.Manual("list only your own hosts or organisations", "go env -w GOPRIVATE=git.corp.example,github.com/corp")},
			})
		}
	}

	if v := g.Var("GOINSECURE"); v.Value != "" {
		r.add(checks.Finding{
			Code: "GOINSECURE_SET", Severity: checks.SevWarn, Subject: "GOINSECURE",
			Message: fmt.Sprintf("modules matching GOINSECURE=%s are fetched over plain HTTP or without certificate checks; if a TLS-intercepting proxy is the reason, trust its CA instead", checks.RedactString(v.Value)),
			Detail:  r.evidence(v),
			Fixes:   []checks.Fix{checks.Manual("add the proxy's CA certificate to the trusted roots instead", "export SSL_CERT_FILE=/path/to/corp-ca-bundle.pem")},
		})
	}

	r.privateCoverage("GONOPROXY", checks.SevInfo, "are sent to the proxies in GOPROXY (right when a private proxy serves them)")
	r.privateCoverage("GONOSUMDB", checks.SevWarn, "are looked up in the checksum database: their names leak and, unknown to it, they fail to verify")
}

// privateCoverage reports GOPRIVATE patterns that an explicitly set
// GONOPROXY or GONOSUMDB no longer covers (setting either replaces the
// GOPRIVATE default instead of extending it).
func (r *envRules) privateCoverage(key string, sev checks.Severity, consequence string) {
	g := r.g
	v := g.Var(key)
	uncovered := g.NotCovered(key, goenv.Patterns(g.Get("GOPRIVATE")))
	if len(uncovered) == 0 {
		return
	}
	fix := checks.SetVar(g, v, goenv.UnionPatterns(v.Value, strings.Join(uncovered, ",")), "extend "+key+" to cover GOPRIVATE")
	fix.Auto = false // GONOPROXY=none with a private proxy is a deliberate setup
	r.add(checks.Finding{
		Code: key + "_NARROWS_GOPRIVATE", Severity: sev, Subject: key,
		Message: fmt.Sprintf("%s is set, which replaces the GOPRIVATE default: modules matching %s %s", key, strings.Join(uncovered, ","), consequence),
		Detail:  r.evidence(v) + "\nGOPRIVATE=" + g.Get("GOPRIVATE"),
		Fixes:   []checks.Fix{fix},
	})
}

// replacePattern replaces one element of a comma-separated list.
func replacePattern(list, old, repl string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		if p == old {
			parts[i] = repl
		}
	}
	return strings.Join(parts, ",")
}
