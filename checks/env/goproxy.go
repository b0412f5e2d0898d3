package env

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// goproxy validates GOPROXY as modfetch.proxyList parses it.
func (r *envRules) goproxy() {
	g := r.g
	v := g.Var("GOPROXY")
	def := r.goDefault("GOPROXY", "")
	l := goenv.ParseProxyList(v.Value)

	if strings.TrimSpace(strings.NewReplacer(",", "", "|", "").Replace(v.Value)) == "" {
		f := checks.Finding{
			Code: "GOPROXY_EMPTY", Severity: checks.SevFail, Subject: "GOPROXY",
			Message: `GOPROXY has no entries: every module download fails with "GOPROXY list is not the empty string, but contains no entries"`,
			Detail:  r.evidence(v),
		}
		if v.Value == "" && v.Source == goenv.SourceFile {
			f.Message = `an empty GOPROXY= line in the GOENV file hides the toolchain default: every module download fails with "GOPROXY list is not the empty string, but contains no entries"`
		}
		if def != "" {
			f.Fixes = []checks.Fix{checks.RestoreVar(r.g, v, def, "restore the toolchain default GOPROXY="+checks.RedactString(def))}
		} else {
			f.Fixes = []checks.Fix{checks.Manual("set GOPROXY to your module proxy followed by ,direct", "go env -w GOPROXY=https://proxy.example,direct")}
		}
		r.add(f)
		return
	}

	active := l.Active()
	schemes := r.measureSchemes(l)
	repair := r.repairProxyList(v, l, def, schemes)
	broken := false
	for i, e := range l.Entries {
		if e.Ignored {
			continue
		}
		switch {
		case e.Err != nil:
			broken = true
			f := checks.Finding{
				Code: "GOPROXY_INVALID", Severity: checks.SevFail, Subject: "GOPROXY",
				Message: fmt.Sprintf("GOPROXY entry %q is rejected by the go command: every module download fails", checks.RedactString(strings.TrimSpace(e.Raw))),
				Detail:  r.evidence(v, "go: "+e.Err.Error()),
			}
			if e.Suspect != "" {
				f.Detail += "\n" + e.Suspect
			}
			if c, ok := schemes[i]; ok {
				f.Detail += "\n" + c.Evidence
			}
			f.Fixes = []checks.Fix{repair}
			r.add(f)
		case e.Suspect != "":
			broken = true
			r.add(checks.Finding{
				Code: "GOPROXY_TYPO", Severity: checks.SevFail, Subject: "GOPROXY",
				Message: fmt.Sprintf("GOPROXY entry %q is a typo: the go command accepts it as %s, which cannot be a module proxy", checks.RedactString(strings.TrimSpace(e.Raw)), checks.RedactString(e.URL)),
				Detail:  r.evidence(v, e.Suspect) + schemeEvidence(schemes, i),
				Fixes:   []checks.Fix{repair},
			})
		case strings.HasPrefix(e.URL, "http://"):
			broken = r.plainHTTP(v, l, i, e, repair) || broken
		}
	}
	if broken {
		return
	}

	switch {
	case len(active) > 0 && active[0].Kind == goenv.ProxyOff:
		f := checks.Finding{
			Code: "GOPROXY_OFF", Severity: checks.SevFail, Subject: "GOPROXY",
			Message: `GOPROXY=off: the go command downloads nothing, and any module missing from the module cache fails with "module lookup disabled by GOPROXY=off"`,
			Detail:  r.evidence(v),
		}
		switch missing, known := r.missingFromCache(); {
		case r.env.Module.DefaultVendor():
			f.Severity = checks.SevInfo
			f.Message = "GOPROXY=off: module downloads are disabled; this module builds from its vendor directory, so builds work, but 'go get' and 'go mod tidy' cannot fetch"
		case known && len(missing) == 0:
			f.Severity = checks.SevWarn
			f.Message = "GOPROXY=off: module downloads are disabled; every requirement of this module is already in the module cache, so its builds work offline, but 'go get', 'go mod tidy' and any new requirement fail with \"module lookup disabled by GOPROXY=off\""
		case known:
			f.Detail += "\nnot in the module cache: " + strings.Join(missing, ", ")
		}
		if v.Value != "off" {
			f.Message = fmt.Sprintf("GOPROXY starts with off (%s): the go command never reads past it and downloads nothing", checks.RedactString(v.Value))
		}
		if def != "" && def != v.Value {
			f.Fixes = []checks.Fix{checks.RestoreVar(r.g, v, def, "restore the toolchain default GOPROXY="+checks.RedactString(def))}
		}
		r.add(f)
	case len(active) == 1 && active[0].Kind == goenv.ProxyDirect:
		f := checks.Finding{
			Code: "GOPROXY_DIRECT_ONLY", Severity: checks.SevWarn, Subject: "GOPROXY",
			Message: "GOPROXY=direct: every module is fetched from its version control host; this needs git (or another VCS) and network access to every origin, is slow, and breaks when an origin disappears",
			Detail:  r.evidence(v),
		}
		if def != "" && def != "direct" {
			fix := checks.RestoreVar(r.g, v, def, "use the toolchain default, which keeps direct as the fallback")
			fix.Auto = false // direct-only is sometimes a deliberate choice
			f.Fixes = []checks.Fix{fix}
		}
		r.add(f)
	case !l.HasDirect():
		msg := "GOPROXY has no direct fallback: a module that its proxies do not serve cannot be fetched from its origin"
		if np := g.Get("GONOPROXY"); np != "" {
			msg += fmt.Sprintf("; modules matching GONOPROXY=%s are still fetched directly", np)
		}
		fix := checks.SetVar(g, v, v.Value+",direct", "add direct as the last resort, if your network allows it")
		fix.Auto = false
		r.add(checks.Finding{
			Code: "GOPROXY_NO_DIRECT", Severity: checks.SevInfo, Subject: "GOPROXY",
			Message: msg, Detail: r.evidence(v), Fixes: []checks.Fix{fix},
		})
	}

	r.proxyListHygiene(v, l, repair)
	if len(active) > 1 {
		r.add(checks.Finding{
			Code: "GOPROXY_CHAIN", Severity: checks.SevInfo, Subject: "GOPROXY",
			Message: "the go command tries " + describeChain(active),
			Detail:  "after ',' the next entry is tried only when a proxy answers 404 or 410; after '|' it is tried after any error (a 403, a 5xx, a timeout)",
		})
	}
}

// repairProxyList returns the one fix that repairs every problem of the
// list: typos corrected, credentials moved off plain HTTP, stray spaces,
// empty elements, duplicates and unreachable entries dropped. A scheme
// typo is corrected to the scheme measured (schemes), or to https,
// unverified. When an invalid entry has no known correction, it
// restores the default.
func (r *envRules) repairProxyList(v goenv.Var, l *goenv.ProxyList, def string, schemes map[int]schemeChoice) checks.Fix {
	unknown := false
	seen := map[string]bool{}
	var notes []string
	fixed := probe.RebuildProxyList(l, func(i int, e goenv.ProxyEntry) (string, bool) {
		if e.Ignored {
			return "", false
		}
		text := strings.TrimSpace(e.Raw)
		if e.Err != nil || e.Suspect != "" {
			if e.Suggest == "" {
				unknown = true
			}
			text = e.Suggest
			if c, ok := schemes[i]; ok {
				text = c.URL
				switch {
				case !c.Verified:
					notes = append(notes, checks.RedactString(c.URL)+" unverified: it answered neither https nor http from here")
				case c.BadCert:
					notes = append(notes, checks.RedactString(c.URL)+": measured, the server speaks TLS, but its certificate fails here (see the tls check)")
				case strings.HasPrefix(c.URL, "http://"):
					notes = append(notes, checks.RedactString(c.URL)+": measured, the server speaks plain http, not TLS")
				default:
					notes = append(notes, checks.RedactString(c.URL)+": measured, the server answers over https")
				}
			}
		}
		if u, err := url.Parse(text); err == nil && u.Scheme == "http" && u.User != nil {
			text = "https://" + strings.TrimPrefix(text, "http://")
		}
		if seen[text] {
			return "", false
		}
		seen[text] = true
		return text, true
	})
	switch {
	case !unknown && fixed != "":
		title := "correct GOPROXY"
		if len(notes) > 0 {
			title += " (" + strings.Join(notes, "; ") + ")"
		}
		return checks.SetVar(r.g, v, fixed, title)
	case def != "":
		return checks.RestoreVar(r.g, v, def, "restore the toolchain default GOPROXY="+checks.RedactString(def))
	}
	return checks.Manual("correct GOPROXY", "go env -w GOPROXY=https://proxy.example,direct")
}

// schemeEvidence is the measurement of entry i's scheme, as lines to
// append to a detail.
func schemeEvidence(schemes map[int]schemeChoice, i int) string {
	if c, ok := schemes[i]; ok {
		return "\n" + c.Evidence
	}
	return ""
}

// plainHTTP reports an http:// proxy: refused outright with credentials
// (it returns true: every download through it fails), unencrypted
// otherwise (loopback excepted).
func (r *envRules) plainHTTP(v goenv.Var, l *goenv.ProxyList, i int, e goenv.ProxyEntry, repair checks.Fix) bool {
	u, err := url.Parse(e.URL)
	if err != nil {
		return false
	}
	if u.User != nil {
		r.add(checks.Finding{
			Code: "GOPROXY_HTTP_CREDENTIALS", Severity: checks.SevFail, Subject: "GOPROXY",
			Message: fmt.Sprintf("GOPROXY entry %s carries credentials over plain HTTP: the go command refuses to send them (\"refusing to pass credentials to insecure URL\"), so every download through it fails", checks.RedactString(e.URL)),
			Detail:  r.evidence(v),
			Fixes:   []checks.Fix{repair},
		})
		return true
	}
	if isLoopbackHost(u.Hostname()) {
		return false
	}
	https := probe.RebuildProxyList(l, func(j int, x goenv.ProxyEntry) (string, bool) {
		if j == i {
			return "https://" + strings.TrimPrefix(x.URL, "http://"), true
		}
		return strings.TrimSpace(x.Raw), !x.Ignored
	})
	fix := checks.SetVar(r.g, v, https, "use https for this proxy, if it serves https")
	fix.Auto = false
	r.add(checks.Finding{
		Code: "GOPROXY_PLAIN_HTTP", Severity: checks.SevWarn, Subject: "GOPROXY",
		Message: fmt.Sprintf("GOPROXY entry %s is plain HTTP: module paths and contents cross the network unencrypted (go.sum and the checksum database still verify contents)", checks.RedactString(e.URL)),
		Detail:  r.evidence(v),
		Fixes:   []checks.Fix{fix},
	})
	return false
}

// proxyListHygiene reports what the go command tolerates but is almost
// certainly not meant: empty elements, stray spaces, entries it never
// reaches, duplicates.
func (r *envRules) proxyListHygiene(v goenv.Var, l *goenv.ProxyList, repair checks.Fix) {
	var probs []string
	if l.Empty > 0 {
		probs = append(probs, fmt.Sprintf("%d empty element(s), which the go command skips", l.Empty))
	}
	seen := map[string]bool{}
	var ignored []string
	for _, e := range l.Entries {
		if e.Raw != strings.TrimSpace(e.Raw) && !e.Ignored {
			probs = append(probs, fmt.Sprintf("spaces around %q, which the go command trims", checks.RedactString(strings.TrimSpace(e.Raw))))
		}
		if e.Ignored {
			ignored = append(ignored, checks.RedactString(strings.TrimSpace(e.Raw)))
			continue
		}
		if seen[e.URL] {
			probs = append(probs, fmt.Sprintf("%s listed twice", checks.RedactString(e.URL)))
		}
		seen[e.URL] = true
	}
	if len(ignored) > 0 {
		last := l.Active()[len(l.Active())-1]
		probs = append(probs, fmt.Sprintf("entries after %q that the go command never reaches: %s", last.URL, strings.Join(ignored, ", ")))
	}
	if len(probs) == 0 {
		return
	}
	r.add(checks.Finding{
		Code: "GOPROXY_UNTIDY", Severity: checks.SevWarn, Subject: "GOPROXY",
		Message: "GOPROXY works but is not what it looks like: " + strings.Join(probs, "; "),
		Detail:  r.evidence(v),
		Fixes:   []checks.Fix{repair},
	})
}

// describeChain renders the proxy chain in words.
func describeChain(active []goenv.ProxyEntry) string {
	var b strings.Builder
	for i, e := range active {
		if i > 0 {
			if active[i-1].FallBackOnError {
				b.WriteString(" → (after any error) → ")
			} else {
				b.WriteString(" → (after 404/410 only) → ")
			}
		}
		switch e.Kind {
		case goenv.ProxyDirect:
			b.WriteString("direct (the origin VCS)")
		case goenv.ProxyOff:
			b.WriteString("off (stop)")
		default:
			b.WriteString(checks.RedactString(e.URL))
		}
	}
	return b.String()
}

// isLoopbackHost reports whether a host name or address is loopback; Go
// never sends such requests through an HTTP proxy, and plain HTTP to them
// crosses no network.
func isLoopbackHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// missingFromCache lists the main module's fetched requirements that the
// module cache lacks (no .mod file, or neither zip nor extracted
// directory): what a build with downloads disabled would fail on. known
// is false outside a module or when go.mod does not parse.
func (r *envRules) missingFromCache() (missing []string, known bool) {
	m := r.env.Module
	cache := r.g.Get("GOMODCACHE")
	if m == nil || m.File == nil || cache == "" {
		return nil, false
	}
	for i, req := range reqs.Requirements(r.env) {
		if reqs.Expired(r.ctx, i) {
			return nil, false // not known: the deadline cut the list
		}
		mv := req.Fetched
		if mv.Path == "" {
			continue // replaced by a directory
		}
		ep, err1 := module.EscapePath(mv.Path)
		ev, err2 := module.EscapeVersion(mv.Version)
		if err1 != nil || err2 != nil {
			missing = append(missing, mv.String())
			continue
		}
		dl := filepath.Join(cache, "cache", "download", ep, "@v", ev)
		_, modErr := os.Stat(dl + ".mod")
		_, zipErr := os.Stat(dl + ".zip")
		_, dirErr := os.Stat(filepath.Join(cache, ep+"@"+ev))
		if modErr != nil || (zipErr != nil && dirErr != nil) {
			missing = append(missing, mv.String())
		}
	}
	return missing, true
}
