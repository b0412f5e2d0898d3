package proxy

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
)

// mirrorAdvice measures the candidates when the chain failed for some
// probe module, and returns the fix that switches to the fastest working
// one (or the manual step saying none works) and the finding with the
// measurements. ok is false when nothing was measured.
func mirrorAdvice(ctx context.Context, e *checks.Env, s *probe.Scope, rep *probe.ChainReport) (checks.Fix, checks.Finding, bool) {
	failed := slices.ContainsFunc(rep.Modules, func(mc *probe.ModuleChain) bool { return !mc.OK })
	if !failed || len(e.Options.Mirrors) == 0 || len(s.Probes) == 0 || ctx.Err() != nil {
		return checks.Fix{}, checks.Finding{}, false
	}
	results := probe.MeasureMirrors(ctx, e, s.Probes, e.Options.Mirrors)
	// Working ones first, fastest first; then those stopped as slower;
	// then those that do not work.
	rank := func(r probe.MirrorResult) int {
		switch {
		case r.OK:
			return 0
		case r.Stopped:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(results, func(a, b probe.MirrorResult) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 || !a.OK {
			return c
		}
		return cmp.Compare(a.Latency, b.Latency)
	})
	var mods []string
	for _, p := range s.Probes {
		mods = append(mods, p.String())
	}
	var lines []string
	for _, r := range results {
		verdict := fmt.Sprintf("serves all %d probe module(s) in %s", len(s.Probes), probe.Millis(r.Latency))
		switch {
		case r.Stopped:
			verdict = r.Err
		case !r.OK:
			verdict = fmt.Sprintf("does not work: %s", r.Err)
			if r.Served > 0 {
				verdict = fmt.Sprintf("serves %d of %d probe modules; %s", r.Served, len(s.Probes), r.Err)
			}
		}
		lines = append(lines, fmt.Sprintf("%s (%s): %s", checks.RedactString(r.URL), r.Origin, verdict))
	}
	finding := checks.Finding{
		Code: "PROXY_MIRRORS", Severity: checks.SevInfo, Subject: "GOPROXY",
		Detail: strings.Join(lines, "\n"),
	}
	g := e.Go
	v := g.Var("GOPROXY")
	if len(results) == 0 || !results[0].OK {
		finding.Message = fmt.Sprintf("the GOPROXY chain fails, and none of the %d candidate mirrors serves %s either", len(results), strings.Join(mods, ", "))
		fix := checks.Manual(fmt.Sprintf("none of the %d candidate mirrors serves %s from here: ask your network team which module proxy this network allows, then check it with --mirror", len(results), strings.Join(mods, ", ")),
			"gomoddoctor --mirror https://goproxy.corp.example")
		return fix, finding, true
	}
	best := results[0]
	value := best.URL
	keep := s.List.HasDirect() || len(s.Private) > 0
	if keep {
		value += ",direct"
	}
	finding.Message = fmt.Sprintf("the GOPROXY chain fails; of %d candidate mirrors, %s (%s) is the fastest that serves %s (%s)", len(results), checks.RedactString(best.URL), best.Origin, strings.Join(mods, ", "), probe.Millis(best.Latency))
	title := fmt.Sprintf("use %s (%s), the fastest of %d candidate mirrors that serves the probe modules (%s)", checks.RedactString(best.URL), best.Origin, len(results), probe.Millis(best.Latency))
	if keep {
		title += "; ',direct' stays, for modules the mirror does not serve and private ones"
	}
	fix := checks.RestoreVar(g, v, value, title)
	if best.Origin == checks.MirrorPublic {
		fix.Auto = false // a third party would see the modules fetched: the user decides
		fix.Title += " (a third-party mirror: it sees which public modules you fetch)"
	}
	if host, why := teamProxy(e, s, rep); host != "" && fix.Auto {
		// Someone set that proxy up for this team, perhaps for modules
		// or rules the mirror knows nothing of: a person decides. (A
		// shell change is never applied by --fix: nothing to say.)
		fix.Auto = false
		fix.Title += fmt.Sprintf(" (not applied by --fix: GOPROXY names %s, your team's own proxy (%s); replacing it is a decision for a person)", host, why)
	}
	return fix, finding, true
}

// teamProxy returns the host of the first GOPROXY entry that is clearly
// a team's own infrastructure, and why: it has credentials (in its URL
// or in ~/.netrc), it asked for them (401, or 407 from the HTTP proxy in
// front of it), or its host is not a public name (goproxy.corp.example,
// a single label, an address of a private network). A loopback address
// is this machine, not a team's server, and a public IP address says
// nothing either way.
func teamProxy(e *checks.Env, s *probe.Scope, rep *probe.ChainReport) (host, why string) {
	nr := e.Net().Netrc()
	for i, en := range s.Entries {
		if en.Kind != goenv.ProxyURL {
			continue
		}
		u, err := url.Parse(en.URL)
		if err != nil || u.Host == "" {
			continue
		}
		host = u.Hostname()
		switch {
		case u.User != nil:
			return host, "credentials in its URL"
		case nr.Enabled && slices.ContainsFunc(nr.Lines, func(l netenv.NetrcLine) bool { return netrcHost(l.Machine) == u.Host || netrcHost(l.Machine) == host }):
			return host, "credentials for it in " + nr.Path
		}
		for _, mc := range rep.Modules {
			for _, st := range mc.Steps {
				if st.Entry == i && (st.Code == "PROXY_UNAUTHORIZED" || st.Code == "PROXY_AUTH_REQUIRED") {
					return host, "it asks for credentials"
				}
			}
		}
		if ip := net.ParseIP(host); ip != nil {
			if ip.IsPrivate() || ip.IsLinkLocalUnicast() {
				return host, "an address of a private network"
			}
			continue
		}
		if !e.Net().IsPublicName(host) {
			return host, "not a public host name"
		}
	}
	return "", ""
}

// netrcHost is the host (with its port, if any) of a .netrc machine
// name, which may carry a scheme and a path.
func netrcHost(machine string) string {
	m := strings.TrimPrefix(machine, "https://")
	m, _, _ = strings.Cut(m, "/")
	return m
}
