package dns

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/miekg/dns"

	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

func TestDNSCheck(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	ca := fixtures.NewCA(t, "Fixture CA")
	https := fixtures.HTTPSServer(t, fixtures.Forward(proxy.URL), ca.Leaf(t, fixtures.LeafOptions{Hosts: []string{"goproxy.public.test", "v6only.corp.test", "goproxy.corp.test"}}), nil)
	port := checktest.PortOf(https.URL)
	zone := checktest.DefaultZone()
	zone.AAAA = map[string][]string{"v6only.corp.test": {"::1"}}
	zone.Rcode = map[string]int{"broken.corp.test": dns.RcodeServerFailure, "refused.corp.test": dns.RcodeRefused}
	other := fixtures.DNS(t, fixtures.DNSZone{}) // knows nothing
	silent := fixtures.DNS(t, fixtures.DNSZone{Silent: true})
	notFound := fixtures.HTTPServer(t, fixtures.Status(404, "", "")).URL
	for _, tt := range []struct {
		name    string
		c       checktest.Case
		timeout time.Duration
		status  checks.Status
		want    []string
		absent  []string
	}{
		{name: "resolves", c: checktest.Case{Process: map[string]string{"GOPROXY": "https://goproxy.corp.test:" + port + "/mod", "SSL_CERT_FILE": ca.File}},
			status: checks.StatusPass, want: []string{"DNS_OK info", "DNS_RESOLVERS info"}},
		{name: "NXDOMAIN", c: checktest.Case{Process: map[string]string{"GOPROXY": "https://nowhere.corp.test"}},
			status: checks.StatusFail, want: []string{"DNS_NXDOMAIN fail"}},
		{name: "SERVFAIL", c: checktest.Case{Process: map[string]string{"GOPROXY": "https://broken.corp.test"}},
			status: checks.StatusFail, want: []string{"DNS_SERVFAIL fail"}},
		{name: "REFUSED", c: checktest.Case{Process: map[string]string{"GOPROXY": "https://refused.corp.test"}},
			status: checks.StatusFail, want: []string{"DNS_REFUSED fail"}},
		{name: "resolver never answers", c: checktest.Case{Process: map[string]string{"GOPROXY": "https://goproxy.corp.test"}, DNS: silent.Addr}, timeout: 500 * time.Millisecond,
			status: checks.StatusFail, want: []string{"DNS_TIMEOUT fail"}},
		{name: "resolvers disagree", c: checktest.Case{Process: map[string]string{"GOPROXY": "https://goproxy.corp.test:" + port + "/mod", "SSL_CERT_FILE": ca.File}, DNS: "ZONE," + other.Addr},
			status: checks.StatusWarn, want: []string{"DNS_RESOLVERS_DISAGREE warn"}},
		{name: "sinkhole, reachable", c: checktest.Case{Process: map[string]string{"GOPROXY": "https://goproxy.public.test:" + port + "/mod", "SSL_CERT_FILE": ca.File}, Public: ".public.test"},
			status: checks.StatusWarn, want: []string{"DNS_SINKHOLE warn"}},
		{name: "sinkhole, unreachable", c: checktest.Case{Process: map[string]string{"GOPROXY": "https://goproxy.public.test:" + checktest.PortOf("http://"+fixtures.ClosedAddr(t))}, Public: ".public.test"},
			status: checks.StatusFail, want: []string{"DNS_SINKHOLE fail"}},
		{name: "IPv6 only without IPv6", c: checktest.Case{Process: map[string]string{"GOPROXY": "https://v6only.corp.test:" + port + "/mod", "SSL_CERT_FILE": ca.File}},
			status: checks.StatusFail, want: []string{"DNS_AAAA_ONLY fail"}},
		{name: "IPv6 only with IPv6", c: checktest.Case{Process: map[string]string{"GOPROXY": "https://v6only.corp.test:" + port + "/mod", "SSL_CERT_FILE": ca.File}, IPv6: true},
			status: checks.StatusPass, want: []string{"DNS_OK info"}},
		{name: "behind an HTTP proxy the go command resolves nothing", c: checktest.Case{Process: map[string]string{"GOPROXY": "https://nowhere.corp.test", "HTTPS_PROXY": "http://127.0.0.1:1"}},
			status: checks.StatusSkip, want: []string{"DNS_NOTHING_TO_RESOLVE info"}, absent: []string{"DNS_NXDOMAIN"}},
		{name: "the HTTP proxy's name", c: checktest.Case{Process: map[string]string{"GOPROXY": "https://goproxy.corp.test", "HTTPS_PROXY": "http://squid.corp.test:3128"}},
			status: checks.StatusFail, want: []string{"DNS_NXDOMAIN fail"}},
		{name: "checksum database through the proxy", c: checktest.Case{Process: map[string]string{"GOPROXY": proxy.URL, "GOSUMDB": ""}},
			status: checks.StatusSkip, want: []string{"DNS_SUMDB_VIA_PROXY info"}},
		{name: "checksum database directly", c: checktest.Case{Process: map[string]string{"GOPROXY": notFound + ",direct", "GOSUMDB": ""}},
			status: checks.StatusFail, want: []string{"DNS_NXDOMAIN fail"}},
		{name: "a fallback the go command does not reach", c: checktest.Case{Process: map[string]string{"GOPROXY": proxy.URL + ",https://nowhere.corp.test"}},
			status: checks.StatusWarn, want: []string{"DNS_NXDOMAIN warn"}},
		{name: "origin of a private module", c: checktest.Case{Process: map[string]string{"GOPROXY": proxy.URL, "GOPRIVATE": "private.corp.test"},
			GoMod: checktest.AppGoMod + "require private.corp.test/lib v1.0.0\n"},
			status: checks.StatusFail, want: []string{"DNS_NXDOMAIN fail"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.timeout == 0 {
				tt.timeout = 5 * time.Second
			}
			if tt.c.GoMod == "" {
				tt.c.GoMod = checktest.AppGoMod
			}
			if strings.HasPrefix(tt.c.DNS, "ZONE,") {
				tt.c.DNS = fixtures.DNS(t, zone).Addr + strings.TrimPrefix(tt.c.DNS, "ZONE")
			} else if tt.c.DNS == "" {
				tt.c.Zone = &zone
			}
			env := checktest.Env(t, tt.c)
			r := checktest.Run(t, env, Check, tt.timeout)
			if r.Status != tt.status {
				t.Errorf("status %s, want %s\n%s", r.Status, tt.status, checktest.Dump(r))
			}
			checktest.Want(t, r, tt.want...)
			checktest.Absent(t, r, tt.absent...)
		})
	}
}

// The go command never resolves the checksum database's own name when a
// proxy serves it; nor does the doctor.
func TestDNSCheckOnlyResolvesWhatTheGoCommandResolves(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	srv := fixtures.DNS(t, checktest.DefaultZone())
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": "http://goproxy.corp.test:" + checktest.PortOf(proxy.URL) + "/mod", "GOSUMDB": ""}, GoMod: checktest.AppGoMod, DNS: srv.Addr})
	r := checktest.Run(t, env, Check, 5*time.Second)
	checktest.Want(t, r, "DNS_OK info", "DNS_SUMDB_VIA_PROXY info")
	for _, q := range srv.Queries() {
		if !strings.HasPrefix(q, "goproxy.corp.test ") {
			t.Errorf("unexpected query %q (the checksum database is %s)", q, checktest.KnownSumDB())
		}
	}
}

func TestDNSCheckNoNameservers(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	srv := fixtures.DNS(t, checktest.DefaultZone())
	empty := filepath.Join(t.TempDir(), "resolv.conf")
	if err := os.WriteFile(empty, []byte("# nothing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		goproxy string
		sev     string
	}{
		{"http://goproxy.corp.test:" + checktest.PortOf(proxy.URL) + "/mod", "warn"}, // Go's fallback resolver still answers
		{"https://nowhere.corp.test", "fail"},
	} {
		env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": tt.goproxy}, GoMod: checktest.AppGoMod})
		cfg := env.NetConfig()
		cfg.Resolver = ""
		cfg.ResolvConf = empty
		// Go's resolver falls back to a local server when none is
		// configured; here that is the fixture.
		cfg.GoResolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, srv.Addr)
		}}
		env.Network = netenv.New(cfg)
		r := checktest.Run(t, env, Check, 5*time.Second)
		checktest.Want(t, r, "DNS_NO_NAMESERVERS "+tt.sev)
	}
}

func TestSpecialRanges(t *testing.T) {
	for ip, want := range map[string]string{
		"127.0.0.1": "loopback", "10.1.2.3": "private range", "192.168.1.1": "private range", "169.254.1.1": "link-local",
		"192.0.2.10": "documentation range", "198.51.100.7": "documentation range", "203.0.113.80": "documentation range",
		"2001:db8::1": "documentation range", "0.0.0.0": "unspecified, a common sinkhole", "100.64.0.1": "shared address space",
		"198.18.0.1": "benchmarking range, used by fake-IP proxies", "11.22.33.44": "", "2a00:1::1": "", "::ffff:10.0.0.1": "private range",
	} { // addresses only: nothing is sent to them
		if got := specialRange(net.ParseIP(ip)); got != want {
			t.Errorf("specialRange(%s) = %q, want %q", ip, got, want)
		}
	}
}

func TestDNSCheckSlowResolver(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	zone := checktest.DefaultZone()
	zone.Delay = 150 * time.Millisecond
	old := slowDNS
	slowDNS = 100 * time.Millisecond
	defer func() { slowDNS = old }()
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": "http://goproxy.corp.test:" + checktest.PortOf(proxy.URL) + "/mod"}, GoMod: checktest.AppGoMod, Zone: &zone})
	r := checktest.Run(t, env, Check, 5*time.Second)
	checktest.Want(t, r, "DNS_SLOW warn", "DNS_RESOLVERS info")
	if f := checktest.Finding(r, "DNS_RESOLVERS"); f == nil || !strings.Contains(f.Detail, "slowest ") {
		t.Errorf("latency not reported:\n%s", checktest.Dump(r))
	}
}
