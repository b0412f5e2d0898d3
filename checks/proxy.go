package checks

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// ProxyCheck speaks the module proxy protocol with every GOPROXY entry
// the go command would reach, and computes the chain's outcome.
var ProxyCheck = register(&Check{
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
<proxy>/sumdb/<name>/supported rule). When the chain fails, measures
candidate mirrors (the toolchain default from $GOROOT/go.env, well-known
public mirrors, --mirror URLs) with the same requests for the same probe
modules, concurrently, and recommends the fastest that serves them all.`,
	AutoFix: []string{"PROXY_MODULE_UNAVAILABLE", "PROXY_MODULE_NOT_FOUND"},
	Run:     runProxy,
})

// slowProxy is the latency above which a proxy answer is called slow.
var slowProxy = 2 * time.Second

func runProxy(ctx context.Context, env *Env) ([]Finding, error) {
	s := env.Scope()
	if s.Blocked != "" {
		return nil, Skip("%s", s.Blocked)
	}
	env.startProbes(ctx)
	var out []Finding
	if len(s.Private) > 0 {
		var lines []string
		for _, p := range s.Private {
			how := "sent to the proxies by the go command, but never named by the doctor"
			if p.Direct {
				how = "fetched directly from its origin"
			}
			lines = append(lines, fmt.Sprintf("%s: %s=%s, %s", p.Path, p.Var, p.Pattern, how))
		}
		out = append(out, Finding{
			Code: "PROXY_PRIVATE_NOT_PROBED", Severity: SevInfo, Subject: "GOPRIVATE",
			Message: fmt.Sprintf("%d private requirement(s) are never named to a proxy", len(s.Private)),
			Detail:  strings.Join(lines, "\n"),
		})
	}
	if len(s.Probes) == 0 {
		return out, Skip("%s", s.NoProbe)
	}
	rep, ok := env.Chains(ctx)
	if !ok {
		return append(out, Finding{
			Code: "PROXY_TIMEOUT", Severity: SevFail, Subject: "GOPROXY",
			Message: "the module proxies gave no verdict before the deadline (--timeout): the go command would be waiting too",
		}), nil
	}
	out = append(out, env.entryFindings(ctx, s, rep)...)
	chain := env.chainFindings(s, rep)
	if fix, measured, ok := env.mirrorAdvice(ctx, s, rep); ok {
		// The fix belongs to the findings that say the chain fails.
		for i := range chain {
			if chain[i].Severity == SevFail {
				chain[i].Fixes = append(chain[i].Fixes, fix)
			}
		}
		chain = append(chain, measured)
	}
	out = append(out, chain...)
	out = append(out, env.sumdbRouteFindings(ctx, s)...)
	return out, nil
}

// stepRef is a step with the module it was about.
type stepRef struct {
	mc *ModuleChain
	st Step
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
func (e *Env) entryFindings(ctx context.Context, s *Scope, rep *ChainReport) []Finding {
	var out []Finding
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
				out = append(out, e.entryOK(s, i, refs)...)
				continue
			}
			out = append(out, e.entryProblem(ctx, s, i, code, refs))
		}
	}
	return out
}

// entryOK reports an entry that served the probe modules.
func (e *Env) entryOK(s *Scope, i int, refs []stepRef) []Finding {
	en := s.Entries[i]
	var mods []string
	slowest := time.Duration(0)
	var evidence, redirects []string
	for _, r := range refs {
		if !slices.Contains(mods, r.mc.Probe.String()) {
			mods = append(mods, r.mc.Probe.String())
		}
		slowest = max(slowest, r.st.Resp.Total)
		evidence = append(evidence, stepEvidence(r.st))
		if n := len(r.st.Resp.Redirects); n > 0 {
			redirects = append(redirects, r.st.Resp.Redirects[n-1])
		}
	}
	subject := RedactString(en.URL)
	f := Finding{
		Code: "PROXY_OK", Severity: SevInfo, Subject: subject,
		Message: fmt.Sprintf("GOPROXY entry %d answers the module proxy protocol for %s (slowest answer %s)", i+1, strings.Join(mods, ", "), ms(slowest)),
		Detail:  strings.Join(append(viaEvidence(refs[0].st.Resp), evidence...), "\n"),
	}
	out := []Finding{f}
	if slowest > slowProxy {
		out = append(out, Finding{
			Code: "PROXY_SLOW", Severity: SevWarn, Subject: subject,
			Message: fmt.Sprintf("GOPROXY entry %d takes up to %s per answer: every download waits that long", i+1, ms(slowest)),
			Detail:  f.Detail,
		})
	}
	if len(redirects) > 0 {
		out = append(out, Finding{
			Code: "PROXY_REDIRECT", Severity: SevInfo, Subject: subject,
			Message: fmt.Sprintf("GOPROXY entry %d redirects (to %s); the go command follows, and it works", i+1, redirects[0]),
			Detail:  f.Detail,
		})
	}
	return out
}

// entryProblem reports one kind of failure of one entry.
func (e *Env) entryProblem(ctx context.Context, s *Scope, i int, code string, refs []stepRef) Finding {
	en := s.Entries[i]
	subject := RedactString(en.URL)
	var mods, evidence []string
	stops, falls := false, false
	for _, r := range refs {
		if !slices.Contains(mods, r.mc.Probe.String()) {
			mods = append(mods, r.mc.Probe.String())
		}
		evidence = append(evidence, stepEvidence(r.st))
		if r.stopped() {
			stops = true
		} else {
			falls = true
		}
	}
	first := refs[0].st
	msg := fmt.Sprintf("GOPROXY entry %d %s (asked about %s)", i+1, first.What, strings.Join(mods, ", "))
	sev := SevWarn
	next := ""
	if i+1 < len(s.Entries) {
		next = describeEntry(s.Entries[i+1], i+1)
	}
	switch {
	case notFoundCode(code) && !stops:
		sev = SevInfo
		msg += fmt.Sprintf("; the go command moves on to %s", next)
	case notFoundCode(code):
		sev = SevInfo
		msg += "; it is the last entry"
	case stops && code == "PROXY_TIMEOUT":
		sev = SevFail
		msg += ": the go command hangs here, whatever the separator, since no error comes to move on after"
	case stops && next != "" && !en.FallBackOnError:
		sev = SevFail
		msg += fmt.Sprintf(": the go command stops here, because after ',' it moves on to %s only after a 404 or 410", next)
	case stops:
		sev = SevFail
		msg += ": the go command fails here"
		if next == "" {
			msg += " (it is the last entry)"
		}
	case falls && en.FallBackOnError:
		msg += fmt.Sprintf("; the go command moves on to %s (after '|'), so it works, more slowly", next)
	}
	detail := append(viaEvidence(first.Resp), evidence...)
	if code == "PROXY_TLS" {
		if u, err := url.Parse(en.URL); err == nil {
			if hs, ok := e.Net().Handshake(ctx, hostPort(u)); ok && hs.Reachable() {
				detail = append(detail, "TLS: "+tlsSummary(hs)+" (see the tls check)")
			}
		}
	}
	return Finding{
		Code: code, Severity: sev, Subject: subject,
		Message: msg,
		Detail:  strings.Join(detail, "\n"),
		Fixes:   e.proxyFixes(s, i, code, first, stops),
	}
}

// proxyFixes proposes remedies for an entry's problem.
func (e *Env) proxyFixes(s *Scope, i int, code string, st Step, stops bool) []Fix {
	g := e.Go
	v := g.Var("GOPROXY")
	en := s.Entries[i]
	var fixes []Fix
	pipe := func() {
		if stops && !en.FallBackOnError && i+1 < len(s.Entries) {
			fix := SetVar(g, v, withPipeAfter(s.List, i), fmt.Sprintf("let the go command try %s after any error of this entry ('|' instead of ',')", describeEntry(s.Entries[i+1], i+1)))
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
		fixes = append(fixes, Manual("ask the administrators of "+host+" to allow these modules (the proxy answers 403 Forbidden)", "curl -sS -o /dev/null -w '%{http_code}\\n' "+ShellQuote(r.URL)))
	case "PROXY_UNAUTHORIZED":
		fixes = append(fixes, Manual("give the go command credentials for "+host+" in ~/.netrc (GOAUTH=netrc is the default)",
			netrcCommand(host)))
	case "PROXY_AUTH_REQUIRED":
		via := r.Via
		if via != nil {
			withUser := *via
			withUser.User = url.UserPassword("USER", "PASSWORD")
			fix := SetVar(g, g.Var(r.ViaVar), withUser.String(), "put your proxy credentials in "+r.ViaVar+", as user:password@ before the host (replace USER and xxxxx; percent-encode special characters)")
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
			fix := SetVar(g, g.Var(noName), val, fmt.Sprintf("if %s is reachable without the proxy, bypass the proxy for it", host))
			fixes = append(fixes, fix)
			fixes = append(fixes, Manual(fmt.Sprintf("otherwise fix %s (the proxy %s does not work)", r.ViaVar, r.Via.Redacted()), "echo \"$"+r.ViaVar+"\""))
		}
	case "PROXY_CAPTIVE_PORTAL":
		fixes = append(fixes, Manual("this network shows a login page (a captive portal): sign in with a browser, then run the doctor again", "xdg-open "+ShellQuote(r.URL)))
	case "PROXY_NOT_A_PROXY":
		fixes = append(fixes, e.defaultProxyFix(v, "this URL is not a module proxy: correct GOPROXY"))
	case "PROXY_TLS":
		fixes = append(fixes, Manual("see the tls check for the certificate problem and its fix", "gomoddoctor --check tls -v"))
	case "PROXY_DNS":
		fixes = append(fixes, Manual("see the dns check for why "+host+" does not resolve", "gomoddoctor --check dns -v"))
		fixes = append(fixes, e.defaultProxyFix(v, "or, if this proxy is not meant for this network, use the toolchain default (not probed by the doctor)"))
	case "PROXY_REFUSED", "PROXY_TIMEOUT", "PROXY_RESET", "PROXY_SERVER_ERROR", "PROXY_UNREACHABLE":
		if code == "PROXY_TIMEOUT" {
			// '|' does not help: a request that hangs never fails.
			if stops && i+1 < len(s.Entries) {
				fix := SetVar(g, v, withoutEntry(s.List, i), "leave this entry out of GOPROXY until it answers again")
				fix.Auto = false
				fixes = append(fixes, fix)
			}
		} else {
			pipe()
		}
		fixes = append(fixes, Manual("ask the operators of "+host+" whether the proxy is up, and your network team whether it is reachable from here", "curl -sS -o /dev/null -w '%{http_code} %{time_total}s\\n' "+ShellQuote(r.URL)))
		if code == "PROXY_REFUSED" {
			fixes = append(fixes, e.defaultProxyFix(v, "or, if this proxy is not meant for this network, use the toolchain default (not probed by the doctor)"))
		}
	case "PROXY_REDIRECT_LOOP", "PROXY_HTTP_ERROR", "PROXY_ERROR":
		pipe()
		fixes = append(fixes, Manual("check the GOPROXY URL with its operators", "curl -sSIL "+ShellQuote(r.URL)))
	case "PROXY_FILE_MISSING", "PROXY_FILE_INVALID":
		if u, err := url.Parse(en.URL); err == nil {
			fixes = append(fixes, Manual("a file:// GOPROXY must be a directory in the module proxy layout (<module>/@v/list, .info, .mod, .zip)", "ls "+ShellQuote(filepath.FromSlash(u.Path))))
		}
	case "PROXY_HTTP_CREDENTIALS":
		// The env check reports it with the fix.
	}
	return fixes
}

// defaultProxyFix restores the toolchain's default GOPROXY, when it is
// not the value in force already.
func (e *Env) defaultProxyFix(v goenv.Var, title string) Fix {
	def := e.Go.Var("GOPROXY")
	if def.InGOROOT && def.GOROOTValue != "" && def.GOROOTValue != v.Value {
		fix := RestoreVar(e.Go, v, def.GOROOTValue, title)
		fix.Auto = false
		return fix
	}
	return Manual("correct GOPROXY", "go env GOPROXY")
}

// chainFindings state the verdict for each probe module.
func (e *Env) chainFindings(s *Scope, rep *ChainReport) []Finding {
	var out []Finding
	var served, failKeys []string
	failed := map[string][]*ModuleChain{}
	for _, mc := range rep.Modules {
		switch {
		case mc.OK && mc.Direct:
			host, _, _ := strings.Cut(mc.Probe.Path, "/")
			why := "it is the first entry"
			if len(mc.Steps) > 1 {
				why = "the proxies before it do not serve the module"
			}
			out = append(out, Finding{
				Code: "PROXY_MODULE_DIRECT", Severity: SevInfo, Subject: mc.Probe.String(),
				Message: fmt.Sprintf("the go command fetches %s directly from its origin (%s): GOPROXY reaches direct and %s; the doctor does not clone it (see the dns and tls checks for %s)", mc.Probe.Path, host, why, host),
				Detail:  strings.Join(chainEvidence(s, mc), "\n"),
			})
		case mc.OK:
			served = append(served, fmt.Sprintf("%s@%s from %s", mc.Probe.Path, mc.Version, describeEntry(s.Entries[mc.Entry], mc.Entry)))
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
		for _, mc := range mcs {
			names = append(names, mc.Probe.String())
			if mc.Probe.From != "default" { // the well-known public module is never private
				paths = append(paths, mc.Probe.Path)
			}
			evidence = append(evidence, chainEvidence(s, mc)...)
		}
		final := mcs[0].Final
		code := "PROXY_MODULE_UNAVAILABLE"
		msg := fmt.Sprintf("the go command cannot fetch %s: %s", strings.Join(names, ", "), RedactString(final.Err))
		var fixes []Fix
		if final.NotExist {
			code = "PROXY_MODULE_NOT_FOUND"
			msg = fmt.Sprintf("no GOPROXY entry serves %s and the list has no direct fallback after them: %s", strings.Join(names, ", "), RedactString(final.Err))
		}
		if final.NotExist && len(paths) > 0 {
			// The same smallest pattern the private check suggests.
			var others []string
			for _, req := range e.Requirements() {
				if !req.Local() && !slices.Contains(paths, req.Fetched.Path) {
					others = append(others, req.Fetched.Path)
				}
			}
			fix := SetVar(e.Go, e.Go.Var("GOPRIVATE"), goenv.UnionPatterns(e.Go.Get("GOPRIVATE"), strings.Join(MinimalPatterns(paths, others), ",")), "if these modules are private, fetch them directly instead (and keep their names from the proxies)")
			fix.Auto = false
			fixes = append(fixes, fix)
		}
		out = append(out, Finding{
			Code: code, Severity: SevFail, Subject: strings.Join(names, ", "),
			Message: msg,
			Detail:  strings.Join(evidence, "\n"),
			Fixes:   fixes,
		})
	}
	if len(served) > 0 {
		out = append(out, Finding{
			Code: "PROXY_CHAIN_OK", Severity: SevInfo, Subject: "GOPROXY",
			Message: fmt.Sprintf("the go command obtains %d of %d probe module(s) through GOPROXY", len(served), len(rep.Modules)),
			Detail:  strings.Join(served, "\n"),
		})
	}
	return out
}

// describe says how the go command reads the checksum database on a
// working route: at GOSUMDB's URL, through a proxy, or directly.
func (route *SumDBRoute) describe(s *Scope) string {
	name := route.DB.Name
	switch {
	case route.Explicit:
		return fmt.Sprintf("the go command reads the checksum database %s at %s, the URL GOSUMDB gives (no proxy is asked)", name, RedactString(route.URL))
	case route.Entry >= 0:
		return fmt.Sprintf("the go command reads the checksum database %s through %s (its /sumdb/%s/supported answers 200), and only there", name, describeEntry(s.Entries[route.Entry], route.Entry), name)
	}
	return fmt.Sprintf("no GOPROXY entry serves the checksum database %s: the go command reads it at %s", name, RedactString(route.URL))
}

// sumdbRouteFindings say how the checksum database is reached.
func (e *Env) sumdbRouteFindings(ctx context.Context, s *Scope) []Finding {
	route, ok := e.SumDBRoute(ctx)
	if !ok || route == nil {
		return nil
	}
	var ev []string
	for _, st := range route.Steps {
		if st.Resp != nil {
			ev = append(ev, stepEvidence(st))
		}
	}
	f := Finding{Code: "PROXY_SUMDB_ROUTE", Severity: SevInfo, Subject: route.DB.Name, Detail: strings.Join(ev, "\n")}
	switch {
	case route.Explicit || route.Entry >= 0 || route.Direct:
		f.Message = route.describe(s)
	default:
		// The sumdb check owns the verdict on the database (a failure
		// only when this module needs it): here it is context.
		f.Code = "PROXY_SUMDB_UNAVAILABLE"
		f.Message = fmt.Sprintf("the checksum database %s is unavailable through GOPROXY: %s; modules missing from go.sum fail to verify (the sumdb check says whether this module needs it)", route.DB.Name, RedactString(route.Err))
	}
	return []Finding{f}
}

// describeEntry names an entry for a sentence.
func describeEntry(en goenv.ProxyEntry, i int) string {
	switch en.Kind {
	case goenv.ProxyDirect:
		return "direct (the origin servers)"
	case goenv.ProxyOff:
		return "off"
	}
	return fmt.Sprintf("entry %d (%s)", i+1, RedactString(en.URL))
}

// withoutEntry renders the list without entry i.
func withoutEntry(l *goenv.ProxyList, i int) string {
	return rebuildProxyList(l, func(j int, en goenv.ProxyEntry) (string, bool) {
		return strings.TrimSpace(en.Raw), !en.Ignored && j != i
	})
}

// withPipeAfter renders the list with '|' after entry i.
func withPipeAfter(l *goenv.ProxyList, i int) string {
	c := *l
	c.Entries = slices.Clone(l.Entries)
	c.Entries[i].FallBackOnError = true
	return rebuildProxyList(&c, func(_ int, en goenv.ProxyEntry) (string, bool) {
		return strings.TrimSpace(en.Raw), !en.Ignored
	})
}

// stepEvidence is one line: the request and what came back.
func stepEvidence(st Step) string {
	r := st.Resp
	if r == nil {
		return st.Op + ": " + st.Err
	}
	line := fmt.Sprintf("GET %s: %s (%s)", r.URL, r.Describe(), ms(r.Total))
	if r.Kind == netenv.KindOK && r.StatusCode != 200 {
		if body := bodyFirstLine(r.Body); body != "" {
			line += fmt.Sprintf(": %q", body)
		}
	}
	if len(r.Redirects) > 0 {
		line += " after redirects to " + strings.Join(r.Redirects, " → ")
	}
	return line + credNote(r)
}

// viaEvidence says which HTTP proxy a request went through.
func viaEvidence(r *netenv.Response) []string {
	if r == nil || r.Via == nil {
		return nil
	}
	line := fmt.Sprintf("through %s=%s", r.ViaVar, r.Via.Redacted())
	if r.ProxyStatus != 0 {
		line += fmt.Sprintf(", which answered CONNECT with %s", r.ProxyStatusText)
		if r.ProxyAuth != "" {
			line += " (Proxy-Authenticate: " + r.ProxyAuth + ")"
		}
	}
	return []string{line}
}

// chainEvidence lists the steps of a module's walk.
func chainEvidence(s *Scope, mc *ModuleChain) []string {
	var out []string
	for _, st := range mc.Steps {
		en := s.Entries[st.Entry]
		switch {
		case en.Kind == goenv.ProxyDirect:
			out = append(out, "direct: fetch from the origin")
		case st.Resp == nil:
			out = append(out, fmt.Sprintf("%s: %s", describeEntry(en, st.Entry), st.Err))
		default:
			out = append(out, describeEntry(en, st.Entry)+": "+stepEvidence(st))
		}
	}
	return out
}

// bodyFirstLine is the first line of a body, if it is short printable text.
func bodyFirstLine(b []byte) string {
	line, _, _ := strings.Cut(string(b[:min(len(b), 200)]), "\n")
	line = strings.TrimSpace(line)
	for _, r := range line {
		if r < ' ' || r == 0x7f || r == '\uFFFD' {
			return ""
		}
	}
	return line
}

// hostPort is the host:port a URL connects to.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return net.JoinHostPort(strings.TrimSuffix(u.Hostname(), "."), port)
}
