// Package dns is the dns check: every host name the go command itself
// would resolve with this environment (probe.Endpoints), asked of every
// nameserver and of Go's resolver (probe.Lookup), judged name by name:
// failures by kind, sinkholes, IPv6-only answers, disagreeing or slow
// resolvers.
package dns

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"

	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// DNSCheck resolves the hosts the go command would contact.
var Check = &checks.Check{
	ID:    "dns",
	Title: "Name resolution",
	Doc: `Resolves every host name the go command itself would look up with this
environment and module: the GOPROXY hosts, the HTTP(S)_PROXY in force for
them (a host reached through a proxy is resolved by the proxy, not by the
go command), the checksum database when no proxy serves it (the
/sumdb/<name>/supported rule), and the origins of modules fetched directly.
Each name is queried for A and AAAA at every nameserver of
/etc/resolv.conf (or at --resolver), and resolved with Go's resolver as the
go command would. Reports NXDOMAIN, SERVFAIL, REFUSED, timeouts, missing
nameservers, resolvers that disagree, public names answered with loopback,
private, link-local or documentation-range addresses (a sinkhole or
split-horizon DNS: a warning, a failure when the address is then
unreachable), IPv6-only answers on a machine without IPv6, and the latency
of each resolver.`,
	Codes: codes,
	Run:   runDNS,
}

// slowDNS is the latency above which a resolver is called slow.
var slowDNS = time.Second

func runDNS(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
	s := probe.ScopeOf(env)
	if s.Blocked != "" {
		return nil, checks.Skip("%s", s.Blocked)
	}
	probe.Start(ctx, env)
	eps, complete := probe.ForEachEndpoint(ctx, env, (*probe.Endpoint).Resolved, func(name string) { probe.Lookup(ctx, env, name) })
	names, byName := probe.GroupEndpoints(eps, (*probe.Endpoint).Resolved)

	var out []checks.Finding
	if route, ok := probe.SumDB(ctx, env); ok && route != nil && route.Entry >= 0 {
		out = append(out, checks.Finding{
			Code: "DNS_SUMDB_VIA_PROXY", Severity: checks.SevInfo, Subject: route.DB.Name,
			Message: fmt.Sprintf("the checksum database %s is read through %s: the go command never resolves %s itself", route.DB.Name, checks.RedactString(route.URL), route.DB.Name),
			Detail:  fmt.Sprintf("%s/supported answered %s", checks.RedactString(route.URL), route.Steps[len(route.Steps)-1].Resp.Status),
		})
	}
	if !complete {
		out = append(out, checks.Finding{
			Code: "DNS_INCOMPLETE", Severity: checks.SevInfo, Subject: "scope",
			Message: "the deadline passed before the proxy probes finished: hosts that only they would reveal (the checksum database's route, origins of modules the proxies do not serve) were not resolved",
		})
	}
	if len(names) == 0 {
		out = append(out, checks.Finding{
			Code: "DNS_NOTHING_TO_RESOLVE", Severity: checks.SevInfo, Subject: "scope",
			Message: "the go command resolves no host name here: every host it contacts is an IP address or reached through an HTTP proxy",
		})
		return out, checks.Skip("no host name to resolve")
	}

	ns := env.Net().Nameservers()
	anyFailed := false
	var reps []*probe.NameReport
	for _, name := range names {
		rep := probe.Lookup(ctx, env, name)
		reps = append(reps, rep)
		fs, failed := judgeName(ctx, env, rep, byName[name])
		anyFailed = anyFailed || failed
		out = append(out, fs...)
	}
	if !env.Net().CustomResolver() && (ns.Err != nil || len(ns.Servers) == 0) {
		f := checks.Finding{
			Code: "DNS_NO_NAMESERVERS", Severity: checks.SevWarn, Subject: ns.From,
			Message: "no nameserver is configured: Go's resolver falls back to 127.0.0.1:53 and [::1]:53",
			Fixes:   []checks.Fix{checks.Manual("configure a nameserver (or ask your network team which one to use)", "echo 'nameserver <address>' | sudo tee -a "+checks.ShellQuote(ns.From))},
		}
		if ns.Err != nil {
			f.Detail = ns.Err.Error()
		}
		if anyFailed {
			f.Severity = checks.SevFail
		}
		out = append(out, f)
	}
	out = append(out, resolverLatency(ns, reps)...)
	return out, nil
}

// A serverView is one nameserver's verdict on one name, A and AAAA
// combined.
type serverView struct {
	Server string
	Status string // ok, nodata, NXDOMAIN, SERVFAIL, REFUSED, other rcodes, timeout, error
	Addrs  []net.IP
	RTT    time.Duration
	Err    error
}

func viewsOf(rep *probe.NameReport) []serverView {
	var views []serverView
	for i := 0; i+1 < len(rep.Answers); i += 2 {
		a, aaaa := rep.Answers[i], rep.Answers[i+1]
		v := serverView{Server: a.Server, RTT: max(a.RTT, aaaa.RTT)}
		v.Addrs = append(append(v.Addrs, a.Addrs...), aaaa.Addrs...)
		switch {
		case len(v.Addrs) > 0:
			v.Status = "ok"
		case a.Rcode == netenv.RcodeSuccess && aaaa.Rcode == netenv.RcodeSuccess:
			v.Status = "nodata"
		case a.Rcode >= 0:
			v.Status = netenv.RcodeName(a.Rcode)
		case aaaa.Rcode >= 0 && aaaa.Rcode != netenv.RcodeSuccess:
			v.Status = netenv.RcodeName(aaaa.Rcode)
		case a.Timeout():
			v.Status, v.Err = "timeout", a.Err
		default:
			v.Status, v.Err = "error", a.Err
		}
		views = append(views, v)
	}
	return views
}

func (v serverView) describe() string {
	switch v.Status {
	case "ok":
		return fmt.Sprintf("%s: %s (%s)", v.Server, joinIPs(v.Addrs), probe.Millis(v.RTT))
	case "nodata":
		return fmt.Sprintf("%s: no address records (%s)", v.Server, probe.Millis(v.RTT))
	case "timeout":
		return fmt.Sprintf("%s: no answer within %s", v.Server, probe.Millis(v.RTT))
	case "error":
		return fmt.Sprintf("%s: %v", v.Server, v.Err)
	}
	return fmt.Sprintf("%s: %s (%s)", v.Server, v.Status, probe.Millis(v.RTT))
}

// A need is what the go command needs a name for: the endpoints it
// reaches through the name, combined.
type need struct {
	eps       []*probe.Endpoint
	required  bool     // the go command needs it (not only a fallback)
	onlyProxy bool     // it names HTTP proxies only
	roles     []string // what for, in words
	port      string   // the port the go command connects to
	sev       checks.Severity
	// notRequired ends a message about a name only a fallback needs.
	notRequired string
}

func needOf(eps []*probe.Endpoint) need {
	nd := need{eps: eps, onlyProxy: true, sev: checks.SevFail}
	for _, p := range eps {
		nd.required = nd.required || p.Required
		nd.onlyProxy = nd.onlyProxy && p.IsProxy
		for _, r := range p.Roles {
			if !slices.Contains(nd.roles, r) {
				nd.roles = append(nd.roles, r)
			}
		}
		if nd.port == "" {
			nd.port = p.Port
			if p.Via != nil {
				nd.port = viaPort(p)
			}
		}
	}
	if !nd.required {
		nd.sev = checks.SevWarn
		nd.notRequired = " (a fallback the go command does not reach with the probe modules)"
	}
	return nd
}

// judgeName turns what was learnt about a name into findings; failed
// reports whether the go command could not resolve it.
func judgeName(ctx context.Context, e *checks.Env, rep *probe.NameReport, eps []*probe.Endpoint) ([]checks.Finding, bool) {
	nd := needOf(eps)
	views := viewsOf(rep)
	detail := nameEvidence(rep, views, nd.roles)
	if rep.GoErr != nil {
		return []checks.Finding{lookupFailure(ctx, e, rep, views, nd, detail)}, nd.required
	}
	var out []checks.Finding
	for _, judge := range []func() *checks.Finding{
		func() *checks.Finding { return ipv6Only(e, rep, nd, detail) },
		func() *checks.Finding { return sinkhole(ctx, e, rep, nd, detail) },
		func() *checks.Finding { return disagreement(rep.Name, views, detail) },
		func() *checks.Finding { return hostsFile(rep.Name, views, detail) },
		func() *checks.Finding { return slowName(rep.Name, views, detail) },
	} {
		if f := judge(); f != nil {
			out = append(out, *f)
		}
	}
	if len(out) == 0 {
		out = append(out, checks.Finding{
			Code: "DNS_OK", Severity: checks.SevInfo, Subject: rep.Name,
			Message: fmt.Sprintf("%s resolves to %s", rep.Name, joinIPs(rep.GoAddrs)),
			Detail:  detail,
		})
	}
	return out, false
}

// nameEvidence is the detail of every finding about a name: what it is
// needed for, each nameserver's answer and the go command's resolver's.
func nameEvidence(rep *probe.NameReport, views []serverView, roles []string) string {
	evidence := []string{"needed as: " + strings.Join(roles, "; ")}
	for _, v := range views {
		evidence = append(evidence, v.describe())
	}
	if rep.GoErr == nil {
		evidence = append(evidence, fmt.Sprintf("Go's resolver: %s (%s)", joinIPs(rep.GoAddrs), probe.Millis(rep.GoRTT)))
	} else {
		evidence = append(evidence, fmt.Sprintf("Go's resolver: %v", rep.GoErr))
	}
	return strings.Join(evidence, "\n")
}

// lookupFailure is the finding about a name the go command's resolver
// cannot resolve, named after what the nameservers answered.
func lookupFailure(ctx context.Context, e *checks.Env, rep *probe.NameReport, views []serverView, nd need, detail string) checks.Finding {
	code, why := "DNS_LOOKUP_FAILED", "the go command's resolver fails"
	statuses := map[string]int{}
	for _, v := range views {
		statuses[v.Status]++
	}
	all := func(s string) bool { return len(views) > 0 && statuses[s] == len(views) }
	switch {
	case !rep.Complete || ctx.Err() != nil && len(views) == 0:
		code, why = "DNS_TIMEOUT", "no answer before the deadline"
	case all("NXDOMAIN"):
		code, why = "DNS_NXDOMAIN", "the name does not exist (NXDOMAIN)"
	case statuses["SERVFAIL"] > 0:
		code, why = "DNS_SERVFAIL", "the resolver fails to resolve it (SERVFAIL)"
	case statuses["REFUSED"] > 0:
		code, why = "DNS_REFUSED", "the resolver refuses the query (REFUSED)"
	case all("timeout"):
		code, why = "DNS_TIMEOUT", "no resolver answers"
	case statuses["nodata"] > 0 && statuses["ok"] == 0:
		code, why = "DNS_NO_ADDRESS", "the name exists but has no address"
	case statuses["error"] > 0 && statuses["ok"] == 0:
		code, why = "DNS_RESOLVER_UNREACHABLE", "the resolver cannot be reached"
	case statuses["NXDOMAIN"] > 0:
		code, why = "DNS_NXDOMAIN", "the name does not exist (NXDOMAIN)"
	}
	name := rep.Name
	return checks.Finding{
		Code: code, Severity: nd.sev, Subject: name,
		Message: fmt.Sprintf("%s does not resolve: %s; the go command fails with \"lookup %s: ...\"%s", name, why, name, nd.notRequired),
		Detail:  detail,
		Fixes:   dnsFixes(e, name, code, nd.eps),
	}
}

// ipv6Only: a name with IPv6 addresses only, on a machine without IPv6.
func ipv6Only(e *checks.Env, rep *probe.NameReport, nd need, detail string) *checks.Finding {
	if !only6(rep.GoAddrs) || e.Net().HasIPv6() {
		return nil
	}
	name := rep.Name
	return &checks.Finding{
		Code: "DNS_AAAA_ONLY", Severity: nd.sev, Subject: name,
		Message: fmt.Sprintf("%s has only IPv6 addresses and this machine has no IPv6 connectivity: the go command cannot connect%s", name, nd.notRequired),
		Detail:  detail,
		Fixes:   []checks.Fix{checks.Manual("ask your network team for IPv6 connectivity or an IPv4 address for "+name, "getent ahosts "+name)},
	}
}

// sinkhole: a public name answered with loopback, private or other
// special addresses; a failure when nothing answers there.
func sinkhole(ctx context.Context, e *checks.Env, rep *probe.NameReport, nd need, detail string) *checks.Finding {
	name := rep.Name
	if !e.Net().IsPublicName(name) || nd.onlyProxy {
		return nil
	}
	var odd []string
	for _, ip := range rep.GoAddrs {
		if what := specialRange(ip); what != "" {
			odd = append(odd, ip.String()+" ("+what+")")
		}
	}
	if len(odd) == 0 {
		return nil
	}
	hp := net.JoinHostPort(rep.GoAddrs[0].String(), nd.port)
	err := probe.Reach(ctx, e, hp)
	f := &checks.Finding{
		Code: "DNS_SINKHOLE", Severity: checks.SevWarn, Subject: name,
		Message: fmt.Sprintf("%s is a public name but resolves to %s: a sinkhole or split-horizon DNS; %s answers, so the go command gets through", name, strings.Join(odd, ", "), hp),
		Detail:  detail,
	}
	if err != nil {
		f.Severity = nd.sev
		f.Message = fmt.Sprintf("%s is a public name but resolves to %s, where nothing answers (%v): a DNS sinkhole blocks it%s", name, strings.Join(odd, ", "), err, nd.notRequired)
		f.Fixes = []checks.Fix{checks.Manual("ask your network team why "+name+" is redirected, or to allow it", "getent ahosts "+name)}
	}
	return f
}

// resolvedBy counts the nameservers that resolve the name.
func resolvedBy(views []serverView) int {
	ok := 0
	for _, v := range views {
		if v.Status == "ok" {
			ok++
		}
	}
	return ok
}

// disagreement: some nameservers resolve the name and others do not.
func disagreement(name string, views []serverView, detail string) *checks.Finding {
	if ok := resolvedBy(views); ok == 0 || ok == len(views) {
		return nil
	}
	var bad []string
	for _, v := range views {
		if v.Status != "ok" {
			bad = append(bad, v.Server+" ("+v.Status+")")
		}
	}
	return &checks.Finding{
		Code: "DNS_RESOLVERS_DISAGREE", Severity: checks.SevWarn, Subject: name,
		Message: fmt.Sprintf("the nameservers disagree about %s: %s cannot resolve it while others can, so the go command's lookups may fail intermittently", name, strings.Join(bad, ", ")),
		Detail:  detail,
		Fixes:   []checks.Fix{checks.Manual("remove or fix the nameservers that fail, or ask your network team", "cat /etc/resolv.conf")},
	}
}

// hostsFile: no nameserver resolves the name, yet the go command does.
func hostsFile(name string, views []serverView, detail string) *checks.Finding {
	if len(views) == 0 || resolvedBy(views) > 0 {
		return nil
	}
	return &checks.Finding{
		Code: "DNS_HOSTS_FILE", Severity: checks.SevInfo, Subject: name,
		Message: fmt.Sprintf("%s is not in DNS but the go command's resolver finds it (from /etc/hosts or another local source)", name),
		Detail:  detail,
	}
}

// slowName: the slowest nameserver takes longer than slowDNS.
func slowName(name string, views []serverView, detail string) *checks.Finding {
	slowest := time.Duration(0)
	for _, v := range views {
		slowest = max(slowest, v.RTT)
	}
	if slowest <= slowDNS {
		return nil
	}
	return &checks.Finding{
		Code: "DNS_SLOW", Severity: checks.SevWarn, Subject: name,
		Message: fmt.Sprintf("resolving %s takes %s: every new connection of the go command waits that long", name, probe.Millis(slowest)),
		Detail:  detail,
	}
}

// dnsFixes proposes what to do about a name that does not resolve.
func dnsFixes(e *checks.Env, name, code string, eps []*probe.Endpoint) []checks.Fix {
	var fixes []checks.Fix
	for _, p := range eps {
		switch {
		case p.IsProxy:
			fixes = append(fixes, checks.Manual("check the host name of "+p.ViaVar+" with your network team", "echo \"$"+p.ViaVar+"\""))
		case p.Via == nil && p.IsGOPROXY && code == "DNS_NXDOMAIN":
			fixes = append(fixes, checks.Manual("check the host name in GOPROXY (a typo?)", "go env GOPROXY"))
		}
	}
	switch code {
	case "DNS_SERVFAIL", "DNS_REFUSED", "DNS_TIMEOUT", "DNS_RESOLVER_UNREACHABLE":
		fixes = append(fixes, checks.Manual("your resolver is failing: ask your network team, or configure a working one", "cat /etc/resolv.conf"))
	default:
		fixes = append(fixes, checks.Manual("ask your network team to make "+name+" resolvable (or reachable through a proxy)", "getent ahosts "+name))
	}
	return fixes
}

// resolverLatency summarises each nameserver's answers.
func resolverLatency(ns netenv.Nameservers, reps []*probe.NameReport) []checks.Finding {
	type agg struct {
		n, fail int
		slowest time.Duration
		total   time.Duration
	}
	per := map[string]*agg{}
	var order []string
	for _, rep := range reps {
		for _, a := range rep.Answers {
			g := per[a.Server]
			if g == nil {
				g = &agg{}
				per[a.Server] = g
				order = append(order, a.Server)
			}
			g.n++
			if a.Err != nil {
				g.fail++
			}
			g.total += a.RTT
			g.slowest = max(g.slowest, a.RTT)
		}
	}
	if len(order) == 0 {
		return nil
	}
	var lines []string
	for _, s := range order {
		g := per[s]
		line := fmt.Sprintf("%s: %d queries, average %s, slowest %s", s, g.n, probe.Millis(g.total/time.Duration(g.n)), probe.Millis(g.slowest))
		if g.fail > 0 {
			line += fmt.Sprintf(", %d unanswered", g.fail)
		}
		lines = append(lines, line)
	}
	return []checks.Finding{{
		Code: "DNS_RESOLVERS", Severity: checks.SevInfo, Subject: ns.From,
		Message: fmt.Sprintf("%d nameserver(s) from %s queried", len(order), ns.From),
		Detail:  strings.Join(lines, "\n"),
	}}
}

// specialRange names the special-purpose range of an address that a
// public name should never resolve to, or "".
func specialRange(ip net.IP) string {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return ""
	}
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return "loopback"
	case a.IsUnspecified():
		return "unspecified, a common sinkhole"
	case a.IsPrivate():
		return "private range"
	case a.IsLinkLocalUnicast():
		return "link-local"
	}
	for _, r := range specialPrefixes {
		if r.p.Contains(a) {
			return r.what
		}
	}
	return ""
}

var specialPrefixes = []struct {
	p    netip.Prefix
	what string
}{
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation range"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation range"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation range"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation range"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking range, used by fake-IP proxies"},
}

func only6(ips []net.IP) bool {
	if len(ips) == 0 {
		return false
	}
	for _, ip := range ips {
		if ip.To4() != nil {
			return false
		}
	}
	return true
}

func joinIPs(ips []net.IP) string {
	if len(ips) == 0 {
		return "no address"
	}
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return strings.Join(s, ", ")
}

// viaPort is the port of an endpoint's HTTP proxy.
func viaPort(p *probe.Endpoint) string {
	if port := p.Via.Port(); port != "" {
		return port
	}
	return map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[p.Via.Scheme]
}
