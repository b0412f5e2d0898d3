package probe

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"golang.org/x/mod/modfile"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// appGoMod is the main module of the network tests: it requires a
// module the fixture proxy serves.
const appGoMod = "module example.test/app\n\ngo 1.21\n\nrequire example.test/hello v1.0.0\n"

// netCase describes the environment of a network check test. Every name
// is resolved by a fixture DNS server on 127.0.0.1 (zone, or one that
// knows only goproxy.corp.test); nothing is sent beyond 127.0.0.0/8.
type netCase struct {
	process map[string]string // the process environment (GOPROXY, HTTPS_PROXY, ...)
	file    map[string]string // the GOENV file; nil for none
	gomod   string            // the main module's go.mod; "" for none
	zone    *fixtures.DNSZone
	dns     string // a DNS server address to use instead of zone's
	// public is a name suffix treated as a public DNS name (the real
	// list of special-use names covers every test name).
	public string
	ipv6   bool
	now    time.Time
	probe  string // --probe-module
}

// defaultZone resolves the fixture names of the tests.
func defaultZone() fixtures.DNSZone {
	return fixtures.DNSZone{A: map[string][]string{
		"goproxy.corp.test":   {"127.0.0.1"},
		"goproxy.public.test": {"127.0.0.1"},
	}}
}

func netEnv(t testing.TB, c netCase) *checks.Env {
	t.Helper()
	process := map[string]string{"HOME": t.TempDir(), "GOSUMDB": "off"}
	for k, v := range c.process {
		process[k] = v
	}
	g := goenv.New(process, c.file, defaults)
	var m *mainmod.Module
	if c.gomod != "" {
		f, err := modfile.Parse("go.mod", []byte(c.gomod), nil)
		if err != nil {
			t.Fatal(err)
		}
		m = &mainmod.Module{Dir: "/work", GoMod: "/work/go.mod", File: f}
	}
	env := checks.NewEnv("/work", g, m)
	env.Options.ProbeModule = c.probe
	if c.dns != "" {
		env.Options.Resolver = c.dns
	} else {
		zone := defaultZone()
		if c.zone != nil {
			zone = *c.zone
		}
		env.Options.Resolver = fixtures.DNS(t, zone).Addr
	}
	if !c.now.IsZero() {
		env.Now = func() time.Time { return c.now }
	}
	cfg := env.NetConfig()
	cfg.HasIPv6 = func() bool { return c.ipv6 }
	if c.public != "" {
		cfg.IsPublicName = func(h string) bool { return strings.HasSuffix(h, c.public) || netenv.IsPublicName(h) }
	}
	env.Network = netenv.New(cfg)
	return env
}

// runCheck runs one check through the Runner (so that secrets are
// scrubbed) under a deadline.
func runCheck(t testing.TB, env *checks.Env, c *checks.Check, timeout time.Duration) checks.CheckResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return checks.Runner{}.Run(ctx, env, []*checks.Check{c})[0]
}

// want asserts that a result has a finding "CODE severity" for each entry.
func want(t testing.TB, r checks.CheckResult, entries ...string) {
	t.Helper()
	for _, w := range entries {
		code, sev, _ := strings.Cut(w, " ")
		found := false
		for _, f := range r.Findings {
			if f.Code == code && (sev == "" || string(f.Severity) == sev) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s finding; got:\n%s", w, dump(r))
		}
	}
}

// absent asserts that a result has no finding with these codes.
func absent(t testing.TB, r checks.CheckResult, codes ...string) {
	t.Helper()
	for _, f := range r.Findings {
		for _, c := range codes {
			if f.Code == c {
				t.Errorf("unexpected %s: %s", c, f.Message)
			}
		}
	}
}

func finding(r checks.CheckResult, code string) *checks.Finding {
	for i := range r.Findings {
		if r.Findings[i].Code == code {
			return &r.Findings[i]
		}
	}
	return nil
}

func dump(r checks.CheckResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  status %s %s%s\n", r.Status, r.SkipReason, r.Error)
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "  %s %s (%s): %s\n", f.Severity, f.Code, f.Subject, f.Message)
		for _, l := range strings.Split(f.Detail, "\n") {
			if l != "" {
				fmt.Fprintf(&b, "      %s\n", l)
			}
		}
		for _, x := range f.Fixes {
			fmt.Fprintf(&b, "    fix: %s\n", x.Command)
		}
	}
	return b.String()
}

// hostPortOf returns the host:port of a server URL.
func hostPortOf(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	hp, _, _ := strings.Cut(rest, "/")
	return hp
}

// portOf returns the port of a server URL.
func portOf(u string) string {
	_, p, _ := net.SplitHostPort(hostPortOf(u))
	return p
}
