package env

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"golang.org/x/net/http/httpproxy"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// httpProxies validates the proxy variables as net/http reads them
// (golang.org/x/net/http/httpproxy): the upper-case name wins, ALL_PROXY
// is not read, NO_PROXY entries are host names, domains, IPs or CIDRs.
func (r *envRules) httpProxies() {
	g := r.g
	get := func(upper, lower string) (string, string) {
		if v, _ := g.Getenv(upper); v != "" {
			return upper, v
		}
		if v, _ := g.Getenv(lower); v != "" {
			return lower, v
		}
		return "", ""
	}
	for _, p := range [][2]string{{"HTTP_PROXY", "http_proxy"}, {"HTTPS_PROXY", "https_proxy"}, {"NO_PROXY", "no_proxy"}} {
		u, _ := g.Getenv(p[0])
		l, _ := g.Getenv(p[1])
		if u != "" && l != "" && u != l {
			r.add(checks.Finding{
				Code: "PROXY_VAR_CONFLICT", Severity: checks.SevWarn, Subject: p[0],
				Message: fmt.Sprintf("%s and %s differ: Go uses %s, while curl and git may use %s, so they reach the network differently", p[0], p[1], p[0], p[1]),
				Detail:  fmt.Sprintf("%s=%s\n%s=%s", p[0], u, p[1], l),
				Fixes:   []checks.Fix{checks.SetVar(g, g.Var(p[1]), u, "make them agree")},
			})
		}
	}

	httpsName, httpsVal := get("HTTPS_PROXY", "https_proxy")
	httpName, httpVal := get("HTTP_PROXY", "http_proxy")
	for _, pv := range []struct {
		name, value, target string
		sev                 checks.Severity
	}{
		{httpsName, httpsVal, "https", checks.SevFail},
		{httpName, httpVal, "http", checks.SevWarn},
	} {
		if pv.value == "" {
			continue
		}
		cfg := httpproxy.Config{HTTPProxy: httpVal, HTTPSProxy: httpsVal}
		u, err := cfg.ProxyFunc()(&url.URL{Scheme: pv.target, Host: "proxy.invalid"})
		problem := ""
		switch {
		case err != nil:
			problem = err.Error()
		case u == nil:
		case u.Host == "" || u.Hostname() == "":
			problem = "it has no host name"
		case u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5" && u.Scheme != "socks5h":
			problem = fmt.Sprintf("Go supports only http, https, socks5 and socks5h proxies, not %q", u.Scheme)
		}
		if problem == "" {
			continue
		}
		r.add(checks.Finding{
			Code: "HTTP_PROXY_INVALID", Severity: pv.sev, Subject: pv.name,
			Message: fmt.Sprintf("%s is not a usable proxy URL (%s): every %s request of the go command fails", pv.name, problem, pv.target),
			Detail:  pv.name + "=" + pv.value,
			Fixes:   []checks.Fix{checks.Manual("write it as scheme://host:port", "export "+pv.name+"=http://proxy.corp.example:3128")},
		})
	}

	if httpsVal == "" {
		if allName, allVal := get("ALL_PROXY", "all_proxy"); allVal != "" {
			r.add(checks.Finding{
				Code: "ALL_PROXY_IGNORED", Severity: checks.SevWarn, Subject: allName,
				Message: fmt.Sprintf("%s is set but Go ignores it (git and curl honour it): the go command's HTTPS requests bypass that proxy", allName),
				Detail:  allName + "=" + allVal,
				Fixes:   []checks.Fix{checks.SetVar(g, g.Var("HTTPS_PROXY"), allVal, "set HTTPS_PROXY to the same proxy")},
			})
		} else if httpVal != "" {
			r.add(checks.Finding{
				Code: "HTTPS_PROXY_MISSING", Severity: checks.SevWarn, Subject: httpName,
				Message: fmt.Sprintf("%s is set but HTTPS_PROXY is not: %s applies only to http:// URLs, so the go command reaches https module proxies and the checksum database directly", httpName, httpName),
				Detail:  httpName + "=" + httpVal,
				Fixes:   []checks.Fix{checks.SetVar(g, g.Var("HTTPS_PROXY"), httpVal, "send HTTPS through the same proxy, if that is intended")},
			})
		}
	}

	if noName, noVal := get("NO_PROXY", "no_proxy"); noVal != "" {
		var bad, good []string
		for _, e := range strings.Split(noVal, ",") {
			e = strings.TrimSpace(e)
			if e == "" {
				continue
			}
			if netenv.NoProxyEntryOK(e) {
				good = append(good, e)
				continue
			}
			bad = append(bad, e)
			if fixed := fixNoProxyEntry(e); fixed != "" {
				good = append(good, fixed)
			}
		}
		if len(bad) > 0 {
			r.add(checks.Finding{
				Code: "NO_PROXY_BAD_ENTRY", Severity: checks.SevWarn, Subject: noName,
				Message: fmt.Sprintf("%s entries %s never match: entries are host names, .domains, IP addresses or CIDR ranges, without scheme or path", noName, strings.Join(bad, ", ")),
				Detail:  noName + "=" + noVal,
				Fixes:   []checks.Fix{checks.SetVar(g, g.Var(noName), strings.Join(good, ","), "write host names only")},
			})
		}
	}
}

// fixNoProxyEntry strips a scheme and path from a NO_PROXY entry.
func fixNoProxyEntry(e string) string {
	if u, err := url.Parse(e); err == nil && u.Host != "" {
		e = u.Host
	}
	e, _, _ = strings.Cut(e, "/")
	if netenv.NoProxyEntryOK(e) {
		return e
	}
	return ""
}

// gitPrompt reports GIT_TERMINAL_PROMPT=1 where nobody can answer: the go
// command sets it to 0 itself unless it is set.
func (r *envRules) gitPrompt() {
	v, ok := r.g.Getenv("GIT_TERMINAL_PROMPT")
	if !ok || v == "" || v == "0" || strings.EqualFold(v, "false") || strings.EqualFold(v, "no") {
		return
	}
	f := checks.Finding{
		Code: "GIT_TERMINAL_PROMPT_ON", Severity: checks.SevInfo, Subject: "GIT_TERMINAL_PROMPT",
		Message: "GIT_TERMINAL_PROMPT=" + v + ": git may ask for a user name and password when the go command fetches a module directly",
		Detail:  "GIT_TERMINAL_PROMPT=" + v + " (set in the process environment)",
	}
	if !r.env.StdinTerminal {
		f.Severity = checks.SevWarn
		f.Message += "; with no terminal to answer, a fetch that needs credentials hangs instead of failing"
		f.Fixes = []checks.Fix{checks.SetVar(r.g, r.g.Var("GIT_TERMINAL_PROMPT"), "0", "let git fail fast; give credentials with ~/.netrc or a git credential helper")}
	}
	r.add(f)
}

// legacyVars reports variables from early module proposals that the go
// command never read.
func (r *envRules) legacyVars() {
	for _, k := range []string{"GONOSUMCHECK", "GONOVERIFY"} {
		if v, _ := r.g.Getenv(k); v != "" {
			r.add(checks.Finding{
				Code: "LEGACY_VAR", Severity: checks.SevWarn, Subject: k,
				Message: fmt.Sprintf("%s is not read by the go command: modules it was meant to exempt are still checked against the checksum database; use GONOSUMDB", k),
				Detail:  k + "=" + v,
				Fixes:   []checks.Fix{checks.SetVar(r.g, r.g.Var("GONOSUMDB"), goenv.UnionPatterns(r.g.Get("GONOSUMDB"), v), "use GONOSUMDB")},
			})
		}
	}
}
