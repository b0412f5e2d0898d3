package private

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
	"golang.org/x/mod/module"
)

// gapGoMod requires a module on a public code host and one on a host
// that is not a public name.
const gapGoMod = "module example.test/app\n\ngo 1.21\n\nrequire (\n\tgithub.com/google/uuid v1.6.0\n\tcorp.test/lib v1.0.0\n)\n"

// TestPrivateMirrorGapIsNotPrivate: a file:// GOPROXY directory that
// lacks a module of a public code host says that directory does not
// have it, not that the module is private: the advice is about the
// mirror (a fallback, filling the directory), never GOPRIVATE for the
// host or its organization. A module whose host is not a public name is
// still taken for private.
func TestPrivateMirrorGapIsNotPrivate(t *testing.T) {
	dir := t.TempDir() // an empty file:// mirror
	mirror := "file://" + filepath.ToSlash(dir)
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": mirror}, GoMod: gapGoMod})
	r := checktest.Run(t, env, Check, 5*time.Second)
	checktest.Want(t, r, "PRIVATE_MIRROR_GAP fail", "PRIVATE_MODULE_NOT_EXCLUDED fail")
	if f := checktest.Finding(r, "PRIVATE_MODULE_NOT_EXCLUDED"); f != nil && f.Subject != "corp.test" {
		t.Errorf("private pattern %q, want corp.test only:\n%s", f.Subject, checktest.Dump(r))
	}
	if strings.Contains(checktest.FixCommands(r, "PRIVATE_MODULE_NOT_EXCLUDED"), "github.com") {
		t.Errorf("GOPRIVATE advised for a public code host on a mirror gap:\n%s", checktest.Dump(r))
	}
	gap := checktest.FixCommands(r, "PRIVATE_MIRROR_GAP")
	for _, want := range []string{
		"GOPROXY=" + mirror + "," + checktest.Defaults["GOPROXY"],
		"go mod download github.com/google/uuid@v1.6.0",
		"cp -R",
	} {
		if !strings.Contains(gap, want) {
			t.Errorf("mirror gap fixes lack %q:\n%s", want, checktest.Dump(r))
		}
	}
	if strings.Contains(gap, "GOPRIVATE") {
		t.Errorf("mirror gap fixes advise GOPRIVATE:\n%s", gap)
	}
}

// TestPrivateDefaultProxyEvidence: when the toolchain's default proxy,
// which fetches public modules from their origin, lacks a module of a
// public code host too, it is taken for private, but the pattern is the
// module's own path, no wider than that evidence.
func TestPrivateDefaultProxyEvidence(t *testing.T) {
	proxy := fixtures.GoProxy(t) // stands for the toolchain's default proxy
	dir := t.TempDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod := "module example.test/app\n\ngo 1.21\n\nrequire (\n\texample.test/hello v1.0.0\n\tgithub.com/acme/secret v1.0.0\n\tgithub.com/acme/public v1.0.0 // indirect\n)\n"
	env := checktest.Env(t, checktest.Case{
		Process:  map[string]string{"GOPROXY": "file://" + filepath.ToSlash(dir) + "," + proxy.URL},
		Defaults: map[string]string{"GOPROXY": proxy.URL + ",direct"},
		GoMod:    gomod,
	})
	r := checktest.Run(t, env, Check, 5*time.Second)
	checktest.Want(t, r, "PRIVATE_MODULE_NOT_EXCLUDED fail")
	checktest.Absent(t, r, "PRIVATE_MIRROR_GAP")
	f := checktest.Finding(r, "PRIVATE_MODULE_NOT_EXCLUDED")
	if f == nil {
		return
	}
	if f.Subject != "github.com/acme/public,github.com/acme/secret" {
		t.Errorf("pattern %q, want the modules' own paths:\n%s", f.Subject, checktest.Dump(r))
	}
	if !strings.Contains(f.Detail, "default proxy") {
		t.Errorf("the evidence is not shown:\n%s", f.Detail)
	}
}

// TestPrivateOriginEvidence: on a public host, the origin's word decides.
// An origin that refuses anonymous requests makes the module private,
// with the pattern the private check always gave (its organization on a
// shared code host); an origin that answered anonymously, or was not
// asked, is no evidence, and without the default proxy's word either the
// module is not taken for private.
func TestPrivateOriginEvidence(t *testing.T) {
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": "file:///nonexistent"}, GoMod: checktest.AppGoMod})
	r := &privateRun{env: env, g: env.Go, s: probe.ScopeOf(env)}
	missing := func(path string) *route {
		mv := module.Version{Path: path, Version: "v1.0.0"}
		return &route{Req: &reqs.Requirement{Mod: mv, Fetched: mv}, Mod: mv, Chain: &probe.ModuleChain{
			Probe: probe.ProbeModule{Path: path, Version: "v1.0.0"}, OK: true, Direct: true, Entry: -1,
			Steps: []probe.Step{{Entry: 0, NotExist: true, Resp: &netenv.Response{StatusCode: 404}}},
		}}
	}
	refused := missing("github.com/acme/secret")
	refused.Origin = &probe.OriginReport{Problem: "PRIVATE_TERMINAL_PROMPTS_DISABLED", What: "git needs credentials"}
	withCreds := missing("github.com/acme/tools")
	withCreds.Origin = &probe.OriginReport{Reached: true, Creds: []string{"~/.netrc machine github.com"}}
	anonymous := missing("github.com/acme/public")
	anonymous.Origin = &probe.OriginReport{Reached: true}
	unasked := missing("github.com/acme/other")
	for _, rt := range []*route{refused, withCreds} {
		if r.privateEvidence(rt) == "" {
			t.Errorf("%s: no evidence from its origin (%+v)", rt.Mod.Path, rt.Origin)
		}
	}
	for _, rt := range []*route{anonymous, unasked} {
		if why := r.privateEvidence(rt); why != "" {
			t.Errorf("%s: taken for private: %s", rt.Mod.Path, why)
		}
	}
	r.routes = []*route{refused, anonymous}
	if got := strings.Join(r.patternsFor([]*route{refused}), ","); got != "github.com/acme/secret" {
		// The public github.com/acme/public is beside it: the organization would cover it.
		t.Errorf("pattern %q, want github.com/acme/secret", got)
	}
	r.routes = []*route{refused}
	if got := strings.Join(r.patternsFor([]*route{refused}), ","); got != "github.com/acme" {
		t.Errorf("pattern %q, want github.com/acme (origin evidence)", got)
	}
}

// TestPrivateOriginDecidesOnAPublicHost: git.corp.test stands for a
// public code host here. The proxy lacks git.corp.test/lib and the go
// command goes direct: a repository that wants credentials (git ls-remote
// over loopback, prompts off) is evidence that the module is private.
// (An origin that answers anonymously is no evidence:
// TestPrivateOriginEvidence.)
func TestPrivateOriginDecidesOnAPublicHost(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	gomod := "module example.test/app\n\ngo 1.21\n\nrequire (\n\texample.test/hello v1.0.0\n\tgit.corp.test/lib v1.0.0\n)\n"
	gs := fixtures.NewGitServer(t, "git.corp.test", "alice", "s3cret-pw-8")
	gs.AddModule(t, "lib", checktest.LibFiles("git.corp.test/lib"), "v1.0.0")
	process := map[string]string{"GOPROXY": proxy.URL + ",direct", "PATH": os.Getenv("PATH")}
	for _, kv := range gs.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		process[k] = v
	}
	env := checktest.Env(t, checktest.Case{Process: process, GoMod: gomod, Public: "corp.test"})
	r := checktest.Run(t, env, Check, 20*time.Second)
	checktest.Want(t, r, "PRIVATE_MODULE_NOT_EXCLUDED", "PRIVATE_TERMINAL_PROMPTS_DISABLED")
	if f := checktest.Finding(r, "PRIVATE_MODULE_NOT_EXCLUDED"); f == nil || !strings.Contains(f.Detail, "its origin refuses anonymous requests") {
		t.Errorf("origin evidence not shown:\n%s", checktest.Dump(r))
	}
}
