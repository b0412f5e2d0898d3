// Package checktest is to the checks what analysistest is to analyzers:
// every check's tests build their environment and read their results the
// same way.
//
// Env builds a snapshot from a small description (Case: process
// environment, GOENV file, go.mod, a fixture DNS zone, the clock), with
// every name resolved by a DNS server on 127.0.0.1, so that nothing is
// sent beyond 127.0.0.0/8. Run runs one check through the Runner, as the
// doctor does: under a deadline, secrets scrubbed, and strictly (an
// undeclared code or automatic fix is an error of the check, see
// checks.Check.Codes). Want, Absent, Finding and Dump read the result.
// Doctor runs a check on a fixtures.Sandbox as the real go command sees
// it; GoModDownload, GoCmd and ApplyFixes run the real go command and a
// check's fixes beside it, for the agreement tests.
package checktest

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
	"golang.org/x/mod/modfile"
)

// AppGoMod is the main module of the network tests: it requires a
// module the fixture proxy serves.
const AppGoMod = "module example.test/app\n\ngo 1.21\n\nrequire example.test/hello v1.0.0\n"

// Case describes the environment of a network check test. Every name
// is resolved by a fixture DNS server on 127.0.0.1 (zone, or one that
// knows only goproxy.corp.test); nothing is sent beyond 127.0.0.0/8.
type Case struct {
	Process map[string]string // the process environment (GOPROXY, HTTPS_PROXY, ...)
	File    map[string]string // the GOENV file; nil for none
	GoMod   string            // the main module's go.mod; "" for none
	Zone    *fixtures.DNSZone
	DNS     string // a DNS server address to use instead of zone's
	// Public is a name suffix treated as a public DNS name (the real
	// list of special-use names covers every test name).
	Public string
	IPv6   bool
	Now    time.Time
	Probe  string // --probe-module
	// Defaults overrides entries of Defaults ($GOROOT/go.env) for this
	// case: a fixture proxy standing for the toolchain's default one.
	Defaults map[string]string
}

// DefaultZone resolves the fixture names of the tests.
func DefaultZone() fixtures.DNSZone {
	return fixtures.DNSZone{A: map[string][]string{
		"goproxy.corp.test":   {"127.0.0.1"},
		"goproxy.public.test": {"127.0.0.1"},
	}}
}

// Env builds the snapshot c describes, its network seam reaching the
// fixtures only.
func Env(t testing.TB, c Case) *checks.Env {
	t.Helper()
	process := map[string]string{"HOME": t.TempDir(), "GOSUMDB": "off"}
	for k, v := range c.Process {
		process[k] = v
	}
	defaults := Defaults
	if c.Defaults != nil {
		defaults = maps.Clone(Defaults)
		maps.Copy(defaults, c.Defaults)
	}
	g := goenv.New(process, c.File, defaults)
	var m *mainmod.Module
	if c.GoMod != "" {
		f, err := modfile.Parse("go.mod", []byte(c.GoMod), nil)
		if err != nil {
			t.Fatal(err)
		}
		m = &mainmod.Module{Dir: "/work", GoMod: "/work/go.mod", File: f}
	}
	env := checks.NewEnv("/work", g, m)
	env.Options.ProbeModule = c.Probe
	if c.DNS != "" {
		env.Options.Resolver = c.DNS
	} else {
		zone := DefaultZone()
		if c.Zone != nil {
			zone = *c.Zone
		}
		env.Options.Resolver = fixtures.DNS(t, zone).Addr
	}
	if !c.Now.IsZero() {
		env.Now = func() time.Time { return c.Now }
	}
	cfg := env.NetConfig()
	cfg.HasIPv6 = func() bool { return c.IPv6 }
	if c.Public != "" {
		cfg.IsPublicName = func(h string) bool { return strings.HasSuffix(h, c.Public) || netenv.IsPublicName(h) }
	}
	env.Network = netenv.New(cfg)
	return env
}

// Run runs one check through the Runner (so that secrets are
// scrubbed) under a deadline.
func Run(t testing.TB, env *checks.Env, c *checks.Check, timeout time.Duration) checks.CheckResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return checks.Runner{Strict: true}.Run(ctx, env, []*checks.Check{c})[0]
}

// Findings runs c on env through a strict Runner, without a deadline
// of its own, and returns its findings. A check that could not run
// (status error: a panic, an undeclared code) fails the test.
func Findings(t testing.TB, env *checks.Env, c *checks.Check) []checks.Finding {
	t.Helper()
	r := checks.Runner{Strict: true}.Run(context.Background(), env, []*checks.Check{c})[0]
	if r.Status == checks.StatusError {
		t.Fatalf("the %s check could not run: %s", c.ID, r.Error)
	}
	return r.Findings
}

// Want asserts that a result has a finding "CODE severity" for each entry.
func Want(t testing.TB, r checks.CheckResult, entries ...string) {
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
			t.Errorf("no %s finding; got:\n%s", w, Dump(r))
		}
	}
}

// Absent asserts that a result has no finding with these codes.
func Absent(t testing.TB, r checks.CheckResult, codes ...string) {
	t.Helper()
	for _, f := range r.Findings {
		for _, c := range codes {
			if f.Code == c {
				t.Errorf("unexpected %s: %s", c, f.Message)
			}
		}
	}
}

// Finding returns the first finding of r with code, or nil.
func Finding(r checks.CheckResult, code string) *checks.Finding {
	for i := range r.Findings {
		if r.Findings[i].Code == code {
			return &r.Findings[i]
		}
	}
	return nil
}

// Dump lists a result's findings, evidence and fixes, for failure messages.
func Dump(r checks.CheckResult) string {
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

// HostPortOf returns the host:port of a server URL.
func HostPortOf(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	hp, _, _ := strings.Cut(rest, "/")
	return hp
}

// PortOf returns the port of a server URL.
func PortOf(u string) string {
	_, p, _ := net.SplitHostPort(HostPortOf(u))
	return p
}

// Defaults stand for $GOROOT/go.env, with the database whose key the go
// command carries.
var Defaults = map[string]string{
	"GOPROXY":     "https://proxy.example.test,direct",
	"GOSUMDB":     KnownSumDB(),
	"GOTOOLCHAIN": "auto",
}

// KnownSumDB is the checksum database whose key the go command carries.
func KnownSumDB() string {
	names, _ := goenv.KnownSumDBs()
	return names[0]
}

// GoModDownload runs the real 'go mod download' in dir with the
// sandbox's environment; a go command that has not finished within
// bound is killed, which counts as failing.
func GoModDownload(t *testing.T, sb *fixtures.Sandbox, dir string, extra []string, bound time.Duration) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "mod", "download")
	cmd.Dir = dir
	cmd.Env = sb.Environ(extra...)
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(out) + "\n(killed after " + bound.String() + ")", false
	}
	return string(out), err == nil
}

// WriteTree writes files (slash-separated names) under dir.
func WriteTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// GoCmd runs the real go command in dir with the sandbox's environment.
func GoCmd(t *testing.T, sb *fixtures.Sandbox, dir string, extra []string, args ...string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = sb.Environ(extra...)
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// ReadFile returns the content of p.
func ReadFile(t testing.TB, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// LibFiles is a private module's content.
func LibFiles(path string) map[string]string {
	return map[string]string{
		"go.mod": "module " + path + "\n\ngo 1.21\n",
		"lib.go": "package lib\n\nfunc Name() string { return \"lib\" }\n",
	}
}

// Doctor runs one check on the environment the real go command reports
// for the sandbox, every DNS query sent to a fixture server.
func Doctor(t *testing.T, sb *fixtures.Sandbox, dir string, extra []string, c *checks.Check, opts ...func(*checks.Options)) checks.CheckResult {
	t.Helper()
	env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(extra...)})
	env.Options.Resolver = fixtures.DNS(t, DefaultZone()).Addr
	for _, o := range opts {
		o(&env.Options)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return checks.Runner{Strict: true}.Run(ctx, env, []*checks.Check{c})[0]
}

// ApplyFixes runs, in a shell in dir with the sandbox's environment, the
// commands of the fixes of every finding with code.
func ApplyFixes(t *testing.T, sb *fixtures.Sandbox, dir string, extra []string, r checks.CheckResult, code string) {
	t.Helper()
	n := 0
	for _, f := range r.Findings {
		if f.Code != code {
			continue
		}
		for _, x := range f.Fixes {
			cmd := exec.Command("sh", "-c", x.Command)
			cmd.Dir = dir
			cmd.Env = sb.Environ(extra...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", x.Command, err, out)
			}
			t.Logf("applied: %s", x.Command)
			n++
		}
	}
	if n == 0 {
		t.Fatalf("no fix for %s:\n%s", code, Dump(r))
	}
}

// FixCommands lists the commands of the fixes of the findings with code.
func FixCommands(r checks.CheckResult, code string) string {
	var cmds []string
	for _, f := range r.Findings {
		if f.Code == code {
			for _, x := range f.Fixes {
				cmds = append(cmds, x.Command)
			}
		}
	}
	return strings.Join(cmds, "\n")
}

// RequestLog records the paths a fixture server is asked for.
type RequestLog struct {
	mu    sync.Mutex
	paths []string
}

// Wrap returns h, recording each request's path.
func (l *RequestLog) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.paths = append(l.paths, r.URL.Path)
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// All returns the recorded paths, one a line.
func (l *RequestLog) All() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.paths, "\n")
}

// HasFix reports whether some fix command of r contains sub.
func HasFix(r checks.CheckResult, sub string) bool {
	for _, f := range r.Findings {
		for _, x := range f.Fixes {
			if strings.Contains(x.Command, sub) {
				return true
			}
		}
	}
	return false
}

// Contain keeps any traffic of the go command that is not for loopback
// on loopback: an HTTP proxy that refuses connections (requests to
// 127.0.0.1 never go through it).
var Contain = []string{"HTTPS_PROXY=http://127.0.0.1:1", "HTTP_PROXY=http://127.0.0.1:1"}

const (
	HelloSum = "example.test/hello v1.0.0 h1:BVE/VEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk=\n" +
		"example.test/hello v1.0.0/go.mod h1:YHfl4dlavpS8OenDISfCjpQKr/mG4alGoY1y+Y/B3qg=\n"
	HelloMain = "package main\n\nimport \"example.test/hello\"\n\nfunc main() { _ = hello.Hello }\n"
	HelloReq  = "module example.test/app\n\ngo 1.21\n\nrequire example.test/hello v1.0.0\n"
)

// PlanDump renders a plan for failure messages and comparisons.
func PlanDump(plan []checks.PlanStep) string {
	var b strings.Builder
	for i, s := range plan {
		var codes []string
		for _, r := range s.Because {
			codes = append(codes, r.Check+"/"+r.Code)
		}
		fmt.Fprintf(&b, "%d. [%s] %s: %s (%s)\n", i+1, s.AppliedBy, s.Kind, s.Command, strings.Join(codes, " "))
		for _, n := range s.Notes {
			fmt.Fprintf(&b, "     note: %s\n", n)
		}
	}
	return b.String()
}

// StepFor returns the step of plan that sets key with a fix of kind, or nil.
func StepFor(plan []checks.PlanStep, kind checks.FixKind, key string) *checks.PlanStep {
	for i := range plan {
		if plan[i].Kind == kind && plan[i].Key == key {
			return &plan[i]
		}
	}
	return nil
}
