package private

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

func TestMinimalPatterns(t *testing.T) {
	for _, tc := range []struct {
		private, public []string
		want            string
	}{
		{[]string{"git.corp.test/a", "git.corp.test/b/c"}, []string{"example.test/x"}, "git.corp.test"},
		{[]string{"github.com/corp/a", "github.com/corp/b"}, []string{"github.com/pub/x"}, "github.com/corp"},
		{[]string{"github.com/corp/a"}, nil, "github.com/corp"},
		{[]string{"corp.test/team/a", "corp.test/other/b"}, []string{"corp.test/public/x"}, "corp.test/other,corp.test/team"},
		{[]string{"corp.test/x"}, []string{"corp.test/x/sub"}, "corp.test/x"},
		{[]string{"a.test/m", "b.test/n/o", "a.test/m/v2"}, []string{"c.test/p", "b.test/q"}, "a.test,b.test/n"},
	} {
		got := goenv.MinimalPatterns(tc.private, tc.public)
		if strings.Join(got, ",") != tc.want {
			t.Errorf("goenv.MinimalPatterns(%q, %q) = %q, want %s", tc.private, tc.public, got, tc.want)
		}
		list := strings.Join(got, ",")
		for _, p := range tc.private {
			if !module.MatchPrefixPatterns(list, p) {
				t.Errorf("%s does not cover private %s", list, p)
			}
		}
		for _, p := range tc.public {
			if module.MatchPrefixPatterns(list, p) && !slices.ContainsFunc(tc.private, func(q string) bool { return strings.HasPrefix(p, q+"/") }) {
				t.Errorf("%s covers public %s", list, p)
			}
		}
	}
}

// TestPrivatePatternIsMinimal builds a module with private requirements
// on two hosts (one a shared code host) and public ones beside them, and
// checks that the pattern the doctor suggests covers every private
// requirement and no public one.
func TestPrivatePatternIsMinimal(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	gomod := `module example.test/app

go 1.21

require (
	example.test/hello v1.0.0
	example.test/greet v0.1.0
	corp.test/team/a v1.0.0
	corp.test/team/b/v2 v2.0.0
	github.com/acme/secret v1.0.0
	github.com/acme/other v0.1.0 // indirect
	github.com/public/lib v1.0.0 // indirect
)
`
	// The proxy has the public modules (404 for the others).
	dir := t.TempDir()
	var mods []fixtures.Module
	for _, p := range []string{"github.com/public/lib"} {
		mods = append(mods, fixtures.Module{Path: p, Version: "v1.0.0", Files: checktest.LibFiles(p)})
	}
	if err := fixtures.WriteModules(dir, mods); err != nil {
		t.Fatal(err)
	}
	public := fixtures.ServeModules(t, dir)
	// The second proxy stands for the toolchain's default one: its "not
	// found" is evidence for modules of a shared code host, but only for
	// each module itself (no organization-wide pattern without the
	// origin's word).
	def := map[string]string{"GOPROXY": proxy.URL + ",direct"}
	env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": public.URL + "," + proxy.URL}, GoMod: gomod, Defaults: def})
	r := checktest.Run(t, env, Check, 10*time.Second)
	checktest.Want(t, r, "PRIVATE_MODULE_NOT_EXCLUDED fail")
	f := checktest.Finding(r, "PRIVATE_MODULE_NOT_EXCLUDED")
	if f == nil {
		return
	}
	if f.Subject != "corp.test,github.com/acme/other,github.com/acme/secret" {
		t.Errorf("pattern %q, want corp.test,github.com/acme/other,github.com/acme/secret", f.Subject)
	}
	for _, p := range []string{"corp.test/team/a", "corp.test/team/b/v2", "github.com/acme/secret", "github.com/acme/other"} {
		if !module.MatchPrefixPatterns(f.Subject, p) {
			t.Errorf("%s does not cover %s", f.Subject, p)
		}
	}
	for _, p := range []string{"example.test/hello", "example.test/greet", "github.com/public/lib"} {
		if module.MatchPrefixPatterns(f.Subject, p) {
			t.Errorf("%s covers the public %s", f.Subject, p)
		}
	}
	if cmds := checktest.FixCommands(r, "PRIVATE_MODULE_NOT_EXCLUDED"); cmds != "go env -w GOPRIVATE=corp.test,github.com/acme/other,github.com/acme/secret" {
		t.Errorf("fix %q", cmds)
	}

	// Merged with the user's patterns, never replacing them.
	env = checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": public.URL + "," + proxy.URL, "GOPRIVATE": "other.test/x"}, GoMod: gomod, Defaults: def})
	r = checktest.Run(t, env, Check, 10*time.Second)
	if cmds := checktest.FixCommands(r, "PRIVATE_MODULE_NOT_EXCLUDED"); cmds != "export GOPRIVATE=other.test/x,corp.test,github.com/acme/other,github.com/acme/secret" {
		t.Errorf("fix %q", cmds)
	}
}

// gitCase is a sandbox with a git server and the public fixture proxy.
type gitCase struct {
	sb    *fixtures.Sandbox
	gs    *fixtures.GitServer
	dir   string
	extra []string
}

func newGitCase(t *testing.T, user, password string, env ...string) *gitCase {
	t.Helper()
	proxy := fixtures.GoProxy(t)
	gs := fixtures.NewGitServer(t, "git.corp.test", user, password)
	gs.AddModule(t, "lib", checktest.LibFiles("git.corp.test/lib"), "v1.0.0")
	sb := fixtures.NewSandbox(t, proxy.URL)
	return &gitCase{sb: sb, gs: gs, dir: privateApp(t, "git.corp.test/lib"), extra: append(gs.Environ(), env...)}
}

func (c *gitCase) goDownload(t *testing.T, more ...string) (string, bool) {
	return checktest.GoModDownload(t, c.sb, c.dir, append(slices.Clone(c.extra), more...), time.Minute)
}

func (c *gitCase) doctor(t *testing.T, more ...string) checks.CheckResult {
	return checktest.Doctor(t, c.sb, c.dir, append(slices.Clone(c.extra), more...), Check)
}

// TestPrivateDirectModules: for modules the go command fetches directly,
// each problem of the origin is found, and agrees with the real go
// command.
func TestPrivateDirectModules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	fixtures.NeedGit(t)

	t.Run("credentials missing: terminal prompts disabled", func(t *testing.T) {
		c := newGitCase(t, "alice", "s3cret-pw-6", "GOPRIVATE=git.corp.test")
		out, ok := c.goDownload(t)
		if ok || !strings.Contains(out, "terminal prompts disabled") {
			t.Fatalf("go mod download: ok=%v\n%s", ok, out)
		}
		r := c.doctor(t)
		checktest.Want(t, r, "PRIVATE_TERMINAL_PROMPTS_DISABLED fail")
		if !strings.Contains(checktest.FixCommands(r, "PRIVATE_TERMINAL_PROMPTS_DISABLED"), "machine git.corp.test") {
			t.Errorf("no .netrc fix:\n%s", checktest.Dump(r))
		}

		// With a ~/.netrc entry, git authenticates; the secret never shows.
		netrc := filepath.Join(c.sb.Vars["HOME"], ".netrc")
		if err := os.WriteFile(netrc, []byte("machine git.corp.test login alice password s3cret-pw-6\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, ok := c.goDownload(t); !ok {
			t.Fatalf("go mod download with ~/.netrc:\n%s", out)
		}
		r = c.doctor(t)
		if r.Status != checks.StatusPass {
			t.Errorf("with ~/.netrc: %s", checktest.Dump(r))
		}
		if f := checktest.Finding(r, "PRIVATE_ROUTES"); f == nil || !strings.Contains(f.Detail, "~/.netrc machine git.corp.test") {
			t.Errorf("the table does not name the credentials:\n%s", checktest.Dump(r))
		}
		if strings.Contains(checktest.Dump(r), "s3cret-pw-6") {
			t.Errorf("the password leaked:\n%s", checktest.Dump(r))
		}

		// A wrong password: refused (on a clean module cache).
		if out, err := c.sb.Go(t, c.dir, c.extra, "clean", "-modcache"); err != nil {
			t.Fatal(out)
		}
		if err := os.WriteFile(netrc, []byte("machine git.corp.test login alice password wrong-pw-7\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, ok := c.goDownload(t); ok {
			t.Fatalf("go mod download with a wrong password succeeded:\n%s", out)
		}
		r = c.doctor(t)
		checktest.Want(t, r, "PRIVATE_AUTH_FAILED fail")
		if strings.Contains(checktest.Dump(r), "wrong-pw-7") {
			t.Errorf("the password leaked:\n%s", checktest.Dump(r))
		}
	})

	t.Run("git missing", func(t *testing.T) {
		c := newGitCase(t, "", "", "GOPRIVATE=git.corp.test")
		bin := t.TempDir()
		goBin, err := exec.LookPath("go")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(goBin, filepath.Join(bin, "go")); err != nil {
			t.Fatal(err)
		}
		c.extra = append(c.extra, "PATH="+bin)
		out, ok := c.goDownload(t)
		if ok || !strings.Contains(out, `"git": executable file not found`) {
			t.Fatalf("go mod download: ok=%v\n%s", ok, out)
		}
		checktest.Want(t, c.doctor(t), "PRIVATE_VCS_MISSING fail")
	})

	t.Run("GOVCS forbids git", func(t *testing.T) {
		c := newGitCase(t, "", "", "GOPRIVATE=git.corp.test")
		if out, err := c.sb.Go(t, c.dir, c.extra, "env", "-w", "GOVCS=private:hg"); err != nil {
			t.Fatal(out)
		}
		out, ok := c.goDownload(t)
		if ok || !strings.Contains(out, "GOVCS disallows using git for private git.corp.test/lib") {
			t.Fatalf("go mod download: ok=%v\n%s", ok, out)
		}
		r := c.doctor(t)
		checktest.Want(t, r, "PRIVATE_GOVCS_DISALLOWED fail")
		checktest.ApplyFixes(t, c.sb, c.dir, c.extra, r, "PRIVATE_GOVCS_DISALLOWED")
		if out, ok := c.goDownload(t); !ok {
			t.Fatalf("go mod download after the fix:\n%s", out)
		}
		if r := c.doctor(t); r.Status != checks.StatusPass {
			t.Errorf("after the fix: %s", checktest.Dump(r))
		}
	})

	t.Run("repository not found", func(t *testing.T) {
		c := newGitCase(t, "", "", "GOPRIVATE=git.corp.test")
		c.dir = privateApp(t, "git.corp.test/missing")
		if out, ok := c.goDownload(t); ok {
			t.Fatalf("go mod download succeeded:\n%s", out)
		}
		checktest.Want(t, c.doctor(t), "PRIVATE_REPO_NOT_FOUND fail")
	})

	t.Run("origin unreachable", func(t *testing.T) {
		c := newGitCase(t, "", "", "GOPRIVATE=git.corp.test", "HTTPS_PROXY=http://"+fixtures.ClosedAddr(t))
		if out, ok := c.goDownload(t); ok {
			t.Fatalf("go mod download succeeded:\n%s", out)
		}
		checktest.Want(t, c.doctor(t), "PRIVATE_ORIGIN_UNREACHABLE fail")
	})

	t.Run("GONOPROXY without GONOSUMDB", func(t *testing.T) {
		c := newGitCase(t, "", "", "GONOPROXY=git.corp.test")
		out, ok := c.goDownload(t)
		if ok || !strings.Contains(out, "verifying") {
			t.Fatalf("go mod download: ok=%v\n%s", ok, out)
		}
		r := c.doctor(t)
		checktest.Want(t, r, "PRIVATE_GONOSUMDB_MISSING fail")
		if cmds := checktest.FixCommands(r, "PRIVATE_GONOSUMDB_MISSING"); cmds != "go env -w GONOSUMDB=git.corp.test" {
			t.Errorf("fix %q", cmds)
		}
		if out, ok := c.goDownload(t, "GONOSUMDB=git.corp.test"); !ok {
			t.Fatalf("go mod download with GONOSUMDB:\n%s", out)
		}
	})

	t.Run("privacy", func(t *testing.T) {
		// A logging front of the public proxy and database: with
		// GOPRIVATE set, neither hears the private module's name from the
		// doctor, and its origin is the only host asked about it.
		var log checktest.RequestLog
		proxy := fixtures.GoProxy(t)
		front := fixtures.HTTPServer(t, log.Wrap(fixtures.Forward(proxy.URL)))
		c := newGitCase(t, "", "", "GOPRIVATE=git.corp.test", "GOPROXY="+front.URL+"/mod")
		r := c.doctor(t)
		if r.Status != checks.StatusPass {
			t.Errorf("%s", checktest.Dump(r))
		}
		if strings.Contains(log.All(), "corp.test") {
			t.Errorf("the proxy was asked about the private module:\n%s", log.All())
		}
		if hits := strings.Join(c.gs.Hits(), "\n"); !strings.Contains(hits, "/lib") {
			t.Errorf("the origin was not asked: %q", hits)
		}
	})
}

// TestPrivateConfigurationFindings covers the findings that need no
// origin: patterns too broad, and public modules the proxies lack while
// GOPROXY has no direct.
func TestPrivateConfigurationFindings(t *testing.T) {
	proxy := fixtures.GoProxy(t)
	gomod := "module example.test/app\n\ngo 1.21\n\nrequire (\n\texample.test/hello v1.0.0\n\texample.test/secret v1.0.0\n)\n"
	cache := t.TempDir()
	// The module cache shows that the checksum database knows hello.
	lookup := filepath.Join(cache, "cache", "download", "sumdb", checktest.KnownSumDB(), "lookup", "example.test", "hello@v1.0.0")
	if err := os.MkdirAll(filepath.Dir(lookup), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lookup, []byte("1\nexample.test/hello v1.0.0 h1:x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	closed := "http://" + fixtures.ClosedAddr(t)

	t.Run("too broad", func(t *testing.T) {
		env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": proxy.URL, "GOPRIVATE": "example.test", "GOMODCACHE": cache, "HTTPS_PROXY": closed, "GOSUMDB": checktest.KnownSumDB()}, GoMod: gomod})
		r := checktest.Run(t, env, Check, 10*time.Second)
		checktest.Want(t, r, "PRIVATE_PATTERN_TOO_BROAD warn")
		if cmds := checktest.FixCommands(r, "PRIVATE_PATTERN_TOO_BROAD"); cmds != "export GOPRIVATE=example.test/secret" {
			t.Errorf("fix %q", cmds)
		}
		env = checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": proxy.URL, "GONOSUMDB": "github.com,example.test/secret", "HTTPS_PROXY": closed}, GoMod: gomod})
		r = checktest.Run(t, env, Check, 10*time.Second)
		checktest.Want(t, r, "PRIVATE_PATTERN_TOO_BROAD warn")
		if cmds := checktest.FixCommands(r, "PRIVATE_PATTERN_TOO_BROAD"); cmds != "export GONOSUMDB=example.test/secret" {
			t.Errorf("fix %q", cmds)
		}
	})

	t.Run("public module the proxy lacks, no direct", func(t *testing.T) {
		gomod := "module example.test/app\n\ngo 1.21\n\nrequire example.test/hello v1.0.0\n"
		notFound := fixtures.HTTPServer(t, fixtures.Status(http.StatusNotFound, "text/plain", "not mirrored"))
		env := checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": notFound.URL, "GOMODCACHE": cache, "GOSUMDB": checktest.KnownSumDB()}, GoMod: gomod})
		r := checktest.Run(t, env, Check, 10*time.Second)
		checktest.Want(t, r, "PRIVATE_NEEDS_DIRECT fail")
		checktest.Absent(t, r, "PRIVATE_MODULE_NOT_EXCLUDED")
		if cmds := checktest.FixCommands(r, "PRIVATE_NEEDS_DIRECT"); !strings.HasSuffix(strings.Split(cmds, "\n")[0], notFound.URL+",direct") {
			t.Errorf("fix %q", cmds)
		}

		// With direct, the go command fetches it from its origin: a
		// public module is not called private.
		env = checktest.Env(t, checktest.Case{Process: map[string]string{"GOPROXY": notFound.URL + ",direct", "GOMODCACHE": cache, "GOSUMDB": checktest.KnownSumDB(), "HTTPS_PROXY": closed}, GoMod: gomod})
		r = checktest.Run(t, env, Check, 10*time.Second)
		checktest.Absent(t, r, "PRIVATE_MODULE_NOT_EXCLUDED", "PRIVATE_NEEDS_DIRECT")
	})
}
