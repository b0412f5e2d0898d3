// Package proxy is the proxy check: the GOPROXY chain walked as the go
// command walks it (probe.Chains: ',' and '|', 404/410 and other
// answers), each entry judged, the checksum database's route through the
// proxies (probe.SumDB), and, when the chain fails, the fastest candidate
// mirror that serves the probe modules (mirror.go).
package proxy

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"golang.org/x/mod/module"
)

// ProxyCheck speaks the module proxy protocol with every GOPROXY entry
// the go command would reach, and computes the chain's outcome.
var Check = &checks.Check{
	ID:    "proxy",
	Title: "Module proxy",
	Doc: `Speaks the module proxy protocol (<base>/<module>/@v/list, @latest, .info,
.mod) with the GOPROXY entries, exactly as the go command would: through
the HTTP(S)_PROXY in force (never for loopback), with the credentials of
the URL or ~/.netrc, refusing credentials over plain http, following at
most 10 redirects and never from https to http. The probe modules are up
to 5 of the main module's requirements (direct ones first) that
GOPRIVATE/GONOPROXY do not cover (those are never named to a proxy);
outside a module, one public module; or --probe-module path[@version]. Classifies each answer: refused, timeout, reset, name or
TLS failure, 401, 403, 404/410, 407 (proxy credentials), 5xx, redirect
loops, login pages and other HTML (captive portal), bodies that are not
the protocol (not a module proxy), slow answers, and missing or unreadable
file:// directories. Then walks the list with the go command's rules
(',' moves on only after 404 or 410, '|' after any error) and says, for
each probe module, which entry serves it or why the go command fails: that
is the verdict. Also reports how the checksum database is reached (the
<proxy>/sumdb/<name>/supported rule). What the proxies serve is checked as
the go command checks a download before keeping it: each go.mod fetched
is hashed (dirhash, as modfetch.checkGoMod) and compared with go.sum's
/go.mod line (the sumdb check compares with the checksum database where
go.sum has none); the zips of up to 2 requirements the module cache lacks
are asked for with a Range request for their last 128 KiB (their end
record must be sound: "zip: not a valid zip file" otherwise), and one of
at most 1 MiB is read whole, checked like the go command's download
(names under <path>@<version>/) and hashed against go.sum. A proxy that
sends no answer within
3s of a request (at most a third of what is left of --timeout) is
hanging: the go command sets no timeout there and would wait forever, so
the doctor gives up and leaves the rest of the deadline to the
alternatives. When the chain fails, measures
candidate mirrors (the toolchain default from $GOROOT/go.env, well-known
public mirrors, --mirror URLs) with the same requests for the same probe
modules, concurrently, and recommends the fastest that serves them all.
--fix never applies that switch by itself when it would replace a team's
own proxy (credentials in its URL or ~/.netrc, a 401 or 407 answer, a
host name that is not public, a private network address) or when the
mirror is a third party's: a person decides.`,
	Codes: codes,
	Run:   runProxy,
}

// slowProxy is the latency above which a proxy answer is called slow.
var slowProxy = 2 * time.Second

func runProxy(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
	s := probe.ScopeOf(env)
	if s.Blocked != "" {
		return nil, checks.Skip("%s", s.Blocked)
	}
	probe.Start(ctx, env)
	var out []checks.Finding
	if len(s.Private) > 0 {
		var lines []string
		for _, p := range s.Private {
			how := "sent to the proxies by the go command, but never named by the doctor"
			if p.Direct {
				how = "fetched directly from its origin"
			}
			lines = append(lines, fmt.Sprintf("%s: %s=%s, %s", p.Path, p.Var, p.Pattern, how))
		}
		out = append(out, checks.Finding{
			Code: "PROXY_PRIVATE_NOT_PROBED", Severity: checks.SevInfo, Subject: "GOPRIVATE",
			Message: fmt.Sprintf("%d private requirement(s) are never named to a proxy", len(s.Private)),
			Detail:  strings.Join(lines, "\n"),
		})
	}
	if len(s.Probes) == 0 {
		return out, checks.Skip("%s", s.NoProbe)
	}
	rep, ok := probe.Chains(ctx, env)
	if !ok {
		return append(out, checks.Finding{
			Code: "PROXY_TIMEOUT", Severity: checks.SevFail, Subject: "GOPROXY",
			Message: "the module proxies gave no verdict before the deadline (--timeout): the go command would be waiting too",
		}), nil
	}
	out = append(out, entryFindings(ctx, env, s, rep)...)
	out = append(out, servedFindings(ctx, env, s, rep)...)
	chain := chainFindings(env, s, rep)
	if fix, measured, ok := mirrorAdvice(ctx, env, s, rep); ok {
		// The fix belongs to the findings that say the chain fails.
		for i := range chain {
			if chain[i].Severity == checks.SevFail {
				chain[i].Fixes = append(chain[i].Fixes, fix)
			}
		}
		chain = append(chain, measured)
	}
	out = append(out, chain...)
	out = append(out, sumdbRouteFindings(ctx, env, s)...)
	return out, nil
}

// stepRef is a step with the module it was about.
type stepRef struct {
	mc *probe.ModuleChain
	st probe.Step
}

// stopped reports whether the go command gave up at this step.
func (r stepRef) stopped() bool {
	f := r.mc.Final
	return f != nil && f.Entry == r.st.Entry && f.Op == r.st.Op
}

func notFoundCode(code string) bool {
	return code == "PROXY_NOT_FOUND" || code == "PROXY_FILE_MISSING" || code == "PROXY_NO_VERSIONS"
}

// entryFindings reports, for each entry the probes reached, what it
// answered: one finding per kind of problem, and one for what worked.
func entryFindings(ctx context.Context, e *checks.Env, s *probe.Scope, rep *probe.ChainReport) []checks.Finding {
	var out []checks.Finding
	for i, en := range s.Entries {
		if en.Kind != goenv.ProxyURL {
			continue
		}
		byCode := map[string][]stepRef{}
		var codes []string
		for _, mc := range rep.Modules {
			for _, st := range mc.Steps {
				if st.Entry != i || st.Resp == nil && st.Code == "" {
					continue
				}
				if byCode[st.Code] == nil {
					codes = append(codes, st.Code)
				}
				byCode[st.Code] = append(byCode[st.Code], stepRef{mc, st})
			}
		}
		for _, code := range codes {
			refs := byCode[code]
			if code == "" {
				out = append(out, entryOK(e, s, i, refs)...)
				continue
			}
			out = append(out, entryProblem(ctx, e, s, i, code, refs))
		}
	}
	return out
}

// entryOK reports an entry that served the probe modules.
func entryOK(e *checks.Env, s *probe.Scope, i int, refs []stepRef) []checks.Finding {
	en := s.Entries[i]
	var mods []string
	slowest := time.Duration(0)
	var evidence, redirects []string
	for _, r := range refs {
		if !slices.Contains(mods, r.mc.Probe.String()) {
			mods = append(mods, r.mc.Probe.String())
		}
		slowest = max(slowest, r.st.Resp.Total)
		evidence = append(evidence, probe.StepEvidence(r.st))
		if n := len(r.st.Resp.Redirects); n > 0 {
			redirects = append(redirects, r.st.Resp.Redirects[n-1])
		}
	}
	subject := checks.RedactString(en.URL)
	f := checks.Finding{
		Code: "PROXY_OK", Severity: checks.SevInfo, Subject: subject,
		Message: fmt.Sprintf("GOPROXY entry %d answers the module proxy protocol for %s (slowest answer %s)", i+1, strings.Join(mods, ", "), probe.Millis(slowest)),
		Detail:  strings.Join(append(probe.ViaEvidence(refs[0].st.Resp), evidence...), "\n"),
	}
	out := []checks.Finding{f}
	if slowest > slowProxy {
		out = append(out, checks.Finding{
			Code: "PROXY_SLOW", Severity: checks.SevWarn, Subject: subject,
			Message: fmt.Sprintf("GOPROXY entry %d takes up to %s per answer: every download waits that long", i+1, probe.Millis(slowest)),
			Detail:  f.Detail,
		})
	}
	if len(redirects) > 0 {
		out = append(out, checks.Finding{
			Code: "PROXY_REDIRECT", Severity: checks.SevInfo, Subject: subject,
			Message: fmt.Sprintf("GOPROXY entry %d redirects (to %s); the go command follows, and it works", i+1, redirects[0]),
			Detail:  f.Detail,
		})
	}
	return out
}

// entryProblem reports one kind of failure of one entry.
func entryProblem(ctx context.Context, e *checks.Env, s *probe.Scope, i int, code string, refs []stepRef) checks.Finding {
	en := s.Entries[i]
	subject := checks.RedactString(en.URL)
	var mods, evidence []string
	stops, falls := false, false
	for _, r := range refs {
		if !slices.Contains(mods, r.mc.Probe.String()) {
			mods = append(mods, r.mc.Probe.String())
		}
		evidence = append(evidence, probe.StepEvidence(r.st))
		if r.stopped() {
			stops = true
		} else {
			falls = true
		}
	}
	first := refs[0].st
	msg := fmt.Sprintf("GOPROXY entry %d %s (asked about %s)", i+1, first.What, probe.ListSome(mods, 1))
	sev := checks.SevWarn
	next := ""
	if i+1 < len(s.Entries) {
		next = probe.DescribeEntry(s.Entries[i+1], i+1)
	}
	switch {
	case notFoundCode(code) && !stops:
		sev = checks.SevInfo
		msg += fmt.Sprintf("; the go command moves on to %s", next)
	case notFoundCode(code):
		sev = checks.SevInfo
		msg += "; it is the last entry"
	case stops && code == "PROXY_TIMEOUT":
		sev = checks.SevFail
		msg += ": the go command hangs here, whatever the separator, since no error comes to move on after"
	case stops && next != "" && !en.FallBackOnError:
		sev = checks.SevFail
		msg += fmt.Sprintf(": the go command stops here, because after ',' it moves on to %s only after a 404 or 410", next)
	case stops:
		sev = checks.SevFail
		msg += ": the go command fails here"
		if next == "" {
			msg += " (it is the last entry)"
		}
	case falls && en.FallBackOnError:
		msg += fmt.Sprintf("; the go command moves on to %s (after '|'), so it works, more slowly", next)
	}
	detail := append(probe.ViaEvidence(first.Resp), evidence...)
	if code == "PROXY_UNAUTHORIZED" {
		if u, err := url.Parse(en.URL); err == nil {
			why, _ := probe.NetrcAdvice(e, u, first.Resp)
			msg += "; " + why
		}
	}
	if code == "PROXY_TLS" {
		if u, err := url.Parse(en.URL); err == nil {
			if hs, ok := e.Net().Handshake(ctx, probe.HostPort(u)); ok && hs.Reachable() {
				detail = append(detail, "TLS: "+probe.TLSSummary(hs)+" (see the tls check)")
			}
		}
	}
	return checks.Finding{
		Code: code, Severity: sev, Subject: subject,
		Message:  msg,
		Detail:   strings.Join(detail, "\n"),
		Fixes:    proxyFixes(e, s, i, code, first, stops),
		CausedBy: entryCause(en, code, first),
	}
}

// entryCause is the finding of another check an entry's failure follows
// from: the dns check's about its host name, the tls check's about its
// certificate, when the go command connects to it itself (through an
// HTTP proxy, the proxy resolves the name and the handshake is with the
// proxy's view).
func entryCause(en goenv.ProxyEntry, code string, st probe.Step) *checks.Ref {
	u := probe.EntryURL(en)
	if u == nil || st.Resp != nil && st.Resp.Via != nil {
		return nil
	}
	switch code {
	case "PROXY_DNS":
		return &checks.Ref{Check: "dns", Subject: u.Hostname()}
	case "PROXY_TLS":
		return &checks.Ref{Check: "tls", Subject: probe.HostPort(u)}
	}
	return nil
}

// proxyFixes proposes remedies for an entry's problem.
func proxyFixes(e *checks.Env, s *probe.Scope, i int, code string, st probe.Step, stops bool) []checks.Fix {
	g := e.Go
	v := g.Var("GOPROXY")
	en := s.Entries[i]
	var fixes []checks.Fix
	pipe := func() {
		if stops && !en.FallBackOnError && i+1 < len(s.Entries) {
			fix := checks.SetVar(g, v, probe.WithPipeAfter(s.List, i), fmt.Sprintf("let the go command try %s after any error of this entry ('|' instead of ',')", probe.DescribeEntry(s.Entries[i+1], i+1)))
			fix.Auto = false
			fixes = append(fixes, fix)
		}
	}
	host := ""
	if u, err := url.Parse(en.URL); err == nil {
		host = u.Hostname()
	}
	r := st.Resp
	switch code {
	case "PROXY_FORBIDDEN":
		pipe()
		fixes = append(fixes, checks.Manual("ask the administrators of "+host+" to allow these modules (the proxy answers 403 Forbidden)", "curl -sS -o /dev/null -w '%{http_code}\\n' "+checks.ShellQuote(r.URL)))
	case "PROXY_UNAUTHORIZED":
		if u, err := url.Parse(en.URL); err == nil {
			_, advice := probe.NetrcAdvice(e, u, r)
			fixes = append(fixes, advice...)
		}
	case "PROXY_AUTH_REQUIRED":
		via := r.Via
		if via != nil {
			withUser := *via
			withUser.User = url.UserPassword("USER", "PASSWORD")
			fix := checks.SetVar(g, g.Var(r.ViaVar), withUser.String(), "put your proxy credentials in "+r.ViaVar+", as user:password@ before the host (replace USER and xxxxx; percent-encode special characters)")
			fixes = append(fixes, fix)
		}
	case "PROXY_HTTP_PROXY_UNREACHABLE", "PROXY_HTTP_PROXY_ERROR":
		if r.Via != nil {
			noName := e.Net().Proxy().NoProxyVar
			if noName == "" {
				noName = "NO_PROXY"
			}
			cur := g.Get(noName)
			val := host
			if cur != "" {
				val = cur + "," + host
			}
			fix := checks.SetVar(g, g.Var(noName), val, fmt.Sprintf("if %s is reachable without the proxy, bypass the proxy for it", host))
			fixes = append(fixes, fix)
			fixes = append(fixes, checks.Manual(fmt.Sprintf("otherwise fix %s (the proxy %s does not work)", r.ViaVar, r.Via.Redacted()), "echo \"$"+r.ViaVar+"\""))
		}
	case "PROXY_CAPTIVE_PORTAL":
		fixes = append(fixes, checks.Manual("this network shows a login page (a captive portal): sign in with a browser, then run the doctor again", "xdg-open "+checks.ShellQuote(r.URL)))
	case "PROXY_NOT_A_PROXY":
		fixes = append(fixes, defaultProxyFix(e, v, "this URL is not a module proxy: correct GOPROXY"))
	case "PROXY_TLS":
		fixes = append(fixes, checks.Manual("see the tls check for the certificate problem and its fix", "gomoddoctor --check tls -v"))
	case "PROXY_DNS":
		fixes = append(fixes, checks.Manual("see the dns check for why "+host+" does not resolve", "gomoddoctor --check dns -v"))
		fixes = append(fixes, defaultProxyFix(e, v, "or, if this proxy is not meant for this network, use the toolchain default"))
	case "PROXY_REFUSED", "PROXY_TIMEOUT", "PROXY_RESET", "PROXY_SERVER_ERROR", "PROXY_UNREACHABLE":
		if code == "PROXY_TIMEOUT" {
			// '|' does not help: a request that hangs never fails.
			if stops && i+1 < len(s.Entries) {
				fix := checks.SetVar(g, v, probe.WithoutEntry(s.List, i), "leave this entry out of GOPROXY until it answers again")
				fix.Auto = false
				fixes = append(fixes, fix)
			}
		} else {
			pipe()
		}
		fixes = append(fixes, checks.Manual("ask the operators of "+host+" whether the proxy is up, and your network team whether it is reachable from here", "curl -sS -o /dev/null -w '%{http_code} %{time_total}s\\n' "+checks.ShellQuote(r.URL)))
		if code == "PROXY_REFUSED" {
			fixes = append(fixes, defaultProxyFix(e, v, "or, if this proxy is not meant for this network, use the toolchain default"))
		}
	case "PROXY_REDIRECT_LOOP", "PROXY_HTTP_ERROR", "PROXY_ERROR":
		pipe()
		fixes = append(fixes, checks.Manual("check the GOPROXY URL with its operators", "curl -sSIL "+checks.ShellQuote(r.URL)))
	case "PROXY_FILE_MISSING", "PROXY_FILE_INVALID":
		if u, err := url.Parse(en.URL); err == nil {
			fixes = append(fixes, checks.Manual("a file:// GOPROXY must be a directory in the module proxy layout (<module>/@v/list, .info, .mod, .zip)", "ls "+checks.ShellQuote(filepath.FromSlash(u.Path))))
		}
	case "PROXY_HTTP_CREDENTIALS":
		// The env check reports it with the fix.
	}
	return fixes
}

// defaultProxyFix restores the toolchain's default GOPROXY, when it is
// not the value in force already.
func defaultProxyFix(e *checks.Env, v goenv.Var, title string) checks.Fix {
	def := e.Go.Var("GOPROXY")
	if def.InGOROOT && def.GOROOTValue != "" && def.GOROOTValue != v.Value {
		fix := checks.RestoreVar(e.Go, v, def.GOROOTValue, title)
		fix.Auto = false
		return fix
	}
	return checks.Manual("correct GOPROXY", "go env GOPROXY")
}

// chainFindings state the verdict for each probe module.
func chainFindings(e *checks.Env, s *probe.Scope, rep *probe.ChainReport) []checks.Finding {
	var out []checks.Finding
	var served, failKeys []string
	failed := map[string][]*probe.ModuleChain{}
	for _, mc := range rep.Modules {
		switch {
		case mc.OK && mc.Direct:
			host, _, _ := strings.Cut(mc.Probe.Path, "/")
			why := "it is the first entry"
			if len(mc.Steps) > 1 {
				why = "the proxies before it do not serve the module"
			}
			out = append(out, checks.Finding{
				Code: "PROXY_MODULE_DIRECT", Severity: checks.SevInfo, Subject: mc.Probe.String(),
				Message: fmt.Sprintf("the go command fetches %s directly from its origin (%s): GOPROXY reaches direct and %s; the doctor does not clone it (see the dns and tls checks for %s)", mc.Probe.Path, host, why, host),
				Detail:  strings.Join(probe.ChainEvidence(s, mc), "\n"),
			})
		case mc.OK:
			served = append(served, fmt.Sprintf("%s@%s from %s", mc.Probe.Path, mc.Version, probe.DescribeEntry(s.Entries[mc.Entry], mc.Entry)))
		default:
			key := fmt.Sprintf("%d %s %v", mc.Final.Entry, mc.Final.Code, mc.Final.NotExist)
			if failed[key] == nil {
				failKeys = append(failKeys, key)
			}
			failed[key] = append(failed[key], mc)
		}
	}
	// Modules that fail the same way are reported together.
	for _, key := range failKeys {
		mcs := failed[key]
		var names, paths, evidence []string
		gap := false
		for _, mc := range mcs {
			names = append(names, mc.Probe.String())
			evidence = append(evidence, probe.ChainEvidence(s, mc)...)
			// One mirror lacking a module is no evidence that it is
			// private; the well-known public module never is.
			why := ""
			if mc.Probe.From != "default" {
				why = probe.PrivateEvidence(e, s, mc)
			}
			if why == "" {
				gap = true
				continue
			}
			paths = append(paths, mc.Probe.Path)
			evidence = append(evidence, mc.Probe.String()+": may be private: "+why)
		}
		final := mcs[0].Final
		code := "PROXY_MODULE_UNAVAILABLE"
		msg := fmt.Sprintf("the go command cannot fetch %s: %s", strings.Join(names, ", "), checks.RedactString(final.Err))
		var fixes []checks.Fix
		if final.NotExist {
			code = "PROXY_MODULE_NOT_FOUND"
			msg = fmt.Sprintf("no GOPROXY entry serves %s and the list has no direct fallback after them: %s", strings.Join(names, ", "), checks.RedactString(final.Err))
		}
		if final.NotExist && len(paths) > 0 {
			// The same smallest pattern the private check suggests.
			var others []string
			for _, req := range reqs.Requirements(e) {
				if !req.Local() && !slices.Contains(paths, req.Fetched.Path) {
					others = append(others, req.Fetched.Path)
				}
			}
			fix := checks.SetVar(e.Go, e.Go.Var("GOPRIVATE"), goenv.UnionPatterns(e.Go.Get("GOPRIVATE"), strings.Join(privatePatterns(e, paths, others), ",")), "if these modules are private, fetch them directly instead (and keep their names from the proxies)")
			fix.Auto = false
			fixes = append(fixes, fix)
		}
		if final.NotExist && gap {
			var gapped []*probe.ModuleChain
			for _, mc := range mcs {
				if mc.Probe.From == "default" || !slices.Contains(paths, mc.Probe.Path) {
					gapped = append(gapped, mc)
				}
			}
			fixes = append(fixes, probe.GapFixes(e, s, gapped)...)
		}
		f := checks.Finding{
			Code: code, Severity: checks.SevFail, Subject: strings.Join(names, ", "),
			Message: msg,
			Detail:  strings.Join(evidence, "\n"),
			Fixes:   fixes,
		}
		// The modules fail because of the entry that stopped the walk.
		// Modules no entry has may be private ones GOPRIVATE misses:
		// when the private check says so, they follow from that.
		switch {
		case final.Entry >= 0 && final.Entry < len(s.Entries) && s.Entries[final.Entry].Kind == goenv.ProxyURL && !final.NotExist:
			f.CausedBy = &checks.Ref{Check: "proxy", Code: final.Code, Subject: checks.RedactString(s.Entries[final.Entry].URL)}
		case final.NotExist && len(paths) > 0:
			f.CausedBy = &checks.Ref{Check: "private"}
		case final.NotExist:
			f.CausedBy = &checks.Ref{Check: "private", Code: "PRIVATE_MIRROR_GAP"}
		}
		out = append(out, f)
	}
	if len(served) > 0 {
		out = append(out, checks.Finding{
			Code: "PROXY_CHAIN_OK", Severity: checks.SevInfo, Subject: "GOPROXY",
			Message: fmt.Sprintf("the go command obtains %d of %d probe module(s) through GOPROXY", len(served), len(rep.Modules)),
			Detail:  strings.Join(served, "\n"),
		})
	}
	return out
}

// sumdbRouteFindings say how the checksum database is reached.
func sumdbRouteFindings(ctx context.Context, e *checks.Env, s *probe.Scope) []checks.Finding {
	route, ok := probe.SumDB(ctx, e)
	if !ok || route == nil {
		return nil
	}
	var ev []string
	for _, st := range route.Steps {
		if st.Resp != nil {
			ev = append(ev, probe.StepEvidence(st))
		}
	}
	f := checks.Finding{Code: "PROXY_SUMDB_ROUTE", Severity: checks.SevInfo, Subject: route.DB.Name, Detail: strings.Join(ev, "\n")}
	switch {
	case route.Explicit || route.Entry >= 0 || route.Direct:
		f.Message = route.Describe(s)
	default:
		// The sumdb check owns the verdict on the database (a failure
		// only when this module needs it): here it is context.
		f.Code = "PROXY_SUMDB_UNAVAILABLE"
		f.Message = fmt.Sprintf("the checksum database %s is unavailable through GOPROXY: %s; modules missing from go.sum fail to verify (the sumdb check says whether this module needs it)", route.DB.Name, checks.RedactString(route.Err))
	}
	return []checks.Finding{f}
}

// privatePatterns is the smallest set of GOPRIVATE patterns for paths
// that stays no wider than the evidence: a module of a public host
// (whose only evidence is the default proxy's "not found") gets its own
// path, never its organization's or its host's.
func privatePatterns(e *checks.Env, paths, others []string) []string {
	var wide, exact []string
	for _, p := range paths {
		host, _, _ := strings.Cut(p, "/")
		if e.Net().IsPublicName(host) {
			exact = append(exact, p)
		} else {
			wide = append(wide, p)
		}
	}
	var out []string
	if len(wide) > 0 {
		out = goenv.MinimalPatterns(wide, append(others, exact...))
	}
	slices.Sort(exact)
	for _, p := range exact {
		if !module.MatchPrefixPatterns(strings.Join(out, ","), p) {
			out = append(out, p)
		}
	}
	return out
}
