package explain

import (
	"fmt"
	"sort"
	"strings"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// Explain turns what Parse found into the log section of a report: a
// finding for each cause, with fixes aimed at this machine's environment
// (env), and every string scrubbed of credentials, those of the log's
// own URLs included.
func Explain(l *Log, env *checks.Env, source string) *checks.LogReport {
	if env == nil {
		env = checks.NewEnv("", goenv.New(nil, nil, nil), nil)
	}
	lr := &checks.LogReport{
		Source:              source,
		Lines:               l.Lines,
		Bytes:               l.Bytes,
		Truncated:           l.Truncated,
		Errors:              l.Errors,
		Causes:              []checks.Cause{},
		Unrecognised:        []checks.LogEntry{},
		UnrecognisedOmitted: l.UnrecognisedOmitted,
	}
	// Register the log's own credentials first, so that a token seen in
	// one line is scrubbed from every other.
	for _, m := range l.causes {
		for _, e := range m.evidence {
			env.AddSecretsIn(e.Text)
		}
		for _, v := range m.vars {
			env.AddSecretsIn(v)
		}
	}
	for _, e := range l.Unrecognised {
		env.AddSecretsIn(e.Text)
	}

	for _, m := range rootFirst(l.causes) {
		r := m.rule
		msg, _ := expand(r.Message, m.vars, nil)
		c := checks.Cause{
			Finding: checks.Finding{
				Code:     r.Code,
				Severity: checks.SevFail,
				Subject:  env.Scrub(m.subject),
				Message:  env.Scrub(tidy(msg)),
				Fixes:    []checks.Fix{},
			},
			Checks: append([]string{r.Check}, r.Also...),
			Count:  m.count,
		}
		// A spec whose title repeats an earlier one is its fallback
		// (say, without the version): used only when that one did not apply.
		seen := map[string]bool{}
		for _, spec := range r.Fixes {
			if seen["title:"+spec.title] {
				continue
			}
			f, ok := buildFix(spec, m.vars, env.Go)
			if !ok || seen[f.Command] {
				continue
			}
			seen[f.Command] = true
			seen["title:"+spec.title] = true
			f.Title = env.Scrub(tidy(f.Title))
			f.Command = env.Scrub(f.Command)
			f.Value = env.Scrub(f.Value)
			c.Fixes = append(c.Fixes, f)
		}
		for _, e := range m.evidence {
			c.Evidence = append(c.Evidence, checks.LogEntry{Line: e.Line, Text: env.Scrub(e.Text)})
		}
		lr.Causes = append(lr.Causes, c)
	}
	for _, e := range l.Unrecognised {
		lr.Unrecognised = append(lr.Unrecognised, checks.LogEntry{Line: e.Line, Text: env.Scrub(e.Text)})
	}
	return lr
}

// rootFirst orders causes so that the one that blocks the others comes
// first: the configuration, then the network, the servers and
// verification, then module content, and last the consequences the go
// command reports once a fetch failed (a requirement or go.sum line it
// could not add). The order is stable: within a rank, log order.
func rootFirst(causes []*match) []*match {
	out := append([]*match(nil), causes...)
	sort.SliceStable(out, func(i, j int) bool { return causeRank(out[i].rule) < causeRank(out[j].rule) })
	return out
}

func causeRank(r *rule) int {
	switch {
	case r.Code == "MODULE_MISSING_REQUIREMENT", r.Code == "MODULE_MISSING_GOSUM", r.Code == "MODULE_NOT_TIDY":
		return 3
	case r.Check == "env":
		return 0
	case r.Check == "module" || r.Check == "modcache":
		return 2
	}
	return 1
}

// tidy collapses the double spaces an empty template variable leaves.
func tidy(s string) string {
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return strings.ReplaceAll(strings.TrimSpace(s), " :", ":")
}

// Status is the verdict of a log: fail when it holds go errors.
func Status(lr *checks.LogReport) checks.Status {
	if lr.Errors > 0 {
		return checks.StatusFail
	}
	return checks.StatusPass
}

// ExitCode is explain's exit code: 0 when the log holds no go error, 1
// when it holds some (recognised causes, or errors listed as
// unrecognised: either way the command failed).
func ExitCode(lr *checks.LogReport) int {
	if lr.Errors > 0 {
		return checks.ExitFail
	}
	return checks.ExitOK
}

// buildFix fills in one fix spec. ok is false when the spec does not
// apply (a variable it needs is missing or unsafe, or this machine's
// environment gives nothing to change).
func buildFix(s fixSpec, vars map[string]string, g *goenv.Env) (checks.Fix, bool) {
	if s.needs != "" && !rulePredicates[s.needs](vars) {
		return checks.Fix{}, false
	}
	title, tok := expand(s.title, vars, nil)
	if !tok {
		return checks.Fix{}, false
	}
	f, ok := buildFixKind(s, title, vars, g)
	if ok && s.noAuto {
		f.Auto = false
	}
	return f, ok
}

func buildFixKind(s fixSpec, title string, vars map[string]string, g *goenv.Env) (checks.Fix, bool) {
	switch s.kind {
	case fixStep, fixCache:
		cmd, ok := expand(s.cmd, vars, shellSafeVar)
		if !ok || strings.TrimSpace(cmd) == "" || !goArgsValid(cmd) {
			return checks.Fix{}, false
		}
		f := checks.Manual(title, cmd)
		if s.kind == fixCache {
			f.Kind = checks.FixCache
		}
		return f, true
	case fixSuggested:
		cmd := vars["suggest"]
		for _, w := range strings.Fields(cmd) {
			if !shellSafe(w) {
				return checks.Fix{}, false
			}
		}
		if !strings.HasPrefix(cmd, "go ") || !goArgsValid(cmd) {
			return checks.Fix{}, false
		}
		return checks.Manual(title, cmd), true
	case fixRestore, fixUnset, fixSet:
		return envFix(s, title, g), true
	case fixAddPattern:
		return patternFix(s, title, vars, g)
	case fixProxyRepair:
		return proxyRepairFix(title, vars, g)
	case fixBarFallback:
		return barFallbackFix(title, g)
	case fixDropFlag:
		return dropFlagFix(s, title, g)
	}
	return checks.Fix{}, false
}

// predicates say whether this machine's environment has the problem a
// fix repairs (named by fixSpec.when).
var predicates = map[string]func(v string) bool{
	"always": func(string) bool { return true },
	"goproxyOff": func(v string) bool {
		a := goenv.ParseProxyList(v).Active()
		return len(a) > 0 && a[0].Kind == goenv.ProxyOff
	},
	"goproxyEmpty": func(v string) bool {
		return strings.TrimSpace(strings.NewReplacer(",", "", "|", "").Replace(v)) == ""
	},
	"goproxyInvalid":     func(v string) bool { return goenv.ParseProxyList(v).Err != nil },
	"gosumdbInvalid":     func(v string) bool { db := goenv.ParseSumDB(v); return !db.Off && db.Err != nil },
	"gosumdbOff":         func(v string) bool { return goenv.ParseSumDB(v).Off },
	"go111moduleSet":     func(v string) bool { return v != "" },
	"go111moduleOff":     func(v string) bool { return v == "off" || v == "auto" },
	"goflagsSet":         func(v string) bool { return strings.TrimSpace(v) != "" },
	"gotoolchainInvalid": func(v string) bool { return goenv.ParseToolchain(v).Err != nil },
	"gotoolchainLocal": func(v string) bool {
		t := goenv.ParseToolchain(v)
		return t.Err == nil && t.Mode == ""
	},
}

// envFix aims a change of a Go setting where this machine sets it, like
// the env check does. When the setting here does not have the problem,
// the failing command ran with another environment (a CI job, a
// container): the fix then says to change it there.
func envFix(s fixSpec, title string, g *goenv.Env) checks.Fix {
	v := g.Var(s.key)
	pred := predicates[s.when]
	if pred == nil {
		panic("explain: unknown predicate " + s.when)
	}
	if !pred(v.Value) {
		var cmd string
		switch s.kind {
		case fixSet:
			cmd = "export " + s.key + "=" + s.value
		default:
			cmd = "unset " + s.key
		}
		shown := v.Value
		if shown == "" {
			shown = "(unset)"
		}
		return checks.Manual(fmt.Sprintf("%s: here %s=%s does not have the problem, so the failing command ran with another environment; change %s where that command gets it (CI job settings, container, shell profile)",
			title, s.key, checks.RedactString(shown), s.key), cmd)
	}
	switch s.kind {
	case fixUnset:
		return checks.UnsetVar(g, v, title)
	case fixSet:
		return checks.SetVar(g, v, s.value, title)
	}
	def := v.GOROOTValue
	if !v.InGOROOT {
		def = ""
	}
	if def == "" {
		return checks.UnsetVar(g, v, title)
	}
	return checks.RestoreVar(g, v, def, title+" ("+checks.RedactString(def)+")")
}

// privatePattern is the GOPRIVATE-style pattern that covers a module and
// nothing else: its path without the major version suffix (a prefix
// pattern also covers its /vN siblings and packages).
func privatePattern(mod string) (string, bool) {
	if module.CheckImportPath(mod) != nil || !shellSafe(mod) {
		return "", false
	}
	if prefix, _, ok := module.SplitPathVersion(mod); ok && prefix != "" {
		mod = prefix
	}
	return mod, true
}

// patternFix adds the module's pattern to key, merged with the entries
// already there (never replacing them). For GOPRIVATE, an explicitly set
// GONOPROXY or GONOSUMDB does not follow GOPRIVATE, so it is extended too.
func patternFix(s fixSpec, title string, vars map[string]string, g *goenv.Env) (checks.Fix, bool) {
	pat, ok := privatePattern(vars["module"])
	if !ok {
		return checks.Fix{}, false
	}
	v := g.Var(s.key)
	if p := goenv.MatchingPattern(v.Value, vars["module"]); p != "" {
		return checks.Manual(fmt.Sprintf("%s: here %s=%s already covers %s, so the failing command ran with another environment; set it where that command gets its environment", title, s.key, v.Value, vars["module"]),
			"export "+s.key+"="+checks.ShellQuote(v.Value)), true
	}
	f := checks.SetVar(g, v, goenv.UnionPatterns(v.Value, pat), title)
	if s.key == "GOPRIVATE" {
		var also []string
		for _, k := range []string{"GONOPROXY", "GONOSUMDB"} {
			kv := g.Var(k)
			if !g.FollowsGOPRIVATE(k) && goenv.MatchingPattern(kv.Value, vars["module"]) == "" {
				also = append(also, k+"="+goenv.UnionPatterns(kv.Value, pat))
			}
		}
		if len(also) > 0 {
			f.Title += "; " + strings.Join(also, " and ") + " too, since they are set and do not follow GOPRIVATE"
		}
	}
	return f, true
}

// proxyRepairFix corrects the invalid entries of this machine's GOPROXY,
// when it has them and the corrections are known.
func proxyRepairFix(title string, vars map[string]string, g *goenv.Env) (checks.Fix, bool) {
	v := g.Var("GOPROXY")
	l := goenv.ParseProxyList(v.Value)
	if l.Err == nil {
		// Here GOPROXY is valid: name the correction of the logged entry.
		if bad := vars["value"]; bad != "" {
			if e := goenv.ParseProxyList(bad); len(e.Entries) == 1 && e.Entries[0].Suggest != "" && shellSafe(e.Entries[0].Suggest) {
				return checks.Manual(fmt.Sprintf("%s: write %s as %s where the failing command gets GOPROXY", title, checks.RedactString(bad), checks.RedactString(e.Entries[0].Suggest)),
					"export GOPROXY="+checks.RedactString(e.Entries[0].Suggest)+",direct"), true
			}
		}
		return checks.Fix{}, false
	}
	var parts []string
	sep := ""
	for _, e := range l.Entries {
		if e.Ignored {
			continue
		}
		text := strings.TrimSpace(e.Raw)
		if e.Err != nil || e.Suspect != "" {
			if e.Suggest == "" {
				return checks.Fix{}, false
			}
			text = e.Suggest
		}
		parts = append(parts, sep+text)
		sep = ","
		if e.FallBackOnError {
			sep = "|"
		}
	}
	if len(parts) == 0 {
		return checks.Fix{}, false
	}
	return checks.SetVar(g, v, strings.Join(parts, ""), title), true
}

// barFallbackFix rewrites this machine's GOPROXY with '|' between
// entries, when it has several joined by ','. It is never automatic: a
// module a corporate proxy refuses would then be asked of the next one.
func barFallbackFix(title string, g *goenv.Env) (checks.Fix, bool) {
	v := g.Var("GOPROXY")
	l := goenv.ParseProxyList(v.Value)
	active := l.Active()
	if l.Err != nil || len(active) < 2 {
		return checks.Fix{}, false
	}
	comma := false
	var parts []string
	for i, e := range active {
		if i < len(active)-1 && !e.FallBackOnError {
			comma = true
		}
		parts = append(parts, strings.TrimSpace(e.Raw))
	}
	if !comma {
		return checks.Fix{}, false
	}
	f := checks.SetVar(g, v, strings.Join(parts, "|"), title)
	f.Auto = false
	return f, true
}

// dropFlagFix removes a flag from this machine's GOFLAGS, when it is
// there (for "mod", only -mod=vendor).
func dropFlagFix(s fixSpec, title string, g *goenv.Env) (checks.Fix, bool) {
	v := g.Var("GOFLAGS")
	flags, err := goenv.ParseGOFLAGS(v.Value)
	if err != nil {
		return checks.Fix{}, false
	}
	var rest []goenv.GoFlag
	found := false
	for _, f := range flags {
		if f.Name == s.value && (s.value != "mod" || f.Value == "vendor") {
			found = true
			continue
		}
		rest = append(rest, f)
	}
	if !found {
		return checks.Fix{}, false
	}
	if len(rest) == 0 {
		return checks.UnsetVar(g, v, title), true
	}
	return checks.SetVar(g, v, goenv.JoinGOFLAGS(rest), title), true
}

// CodeInfo describes one finding code of the catalog.
type CodeInfo struct {
	Code  string
	Check string   // the check that owns the code
	Also  []string // other checks that can confirm the cause
	// NoRuleOut: the owning check can confirm the cause, never rule it out.
	NoRuleOut bool
}

// Codes lists the catalog's codes, once each, in catalog order.
func Codes() []CodeInfo {
	var out []CodeInfo
	seen := map[string]bool{}
	for _, r := range cat().rules {
		if seen[r.Code] {
			continue
		}
		seen[r.Code] = true
		out = append(out, CodeInfo{Code: r.Code, Check: r.Check, Also: r.Also, NoRuleOut: r.NoRuleOut})
	}
	return out
}
