package private

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// libFiles is a private module's content.
func libFiles(path string) map[string]string {
	return map[string]string{
		"go.mod": "module " + path + "\n\ngo 1.21\n",
		"lib.go": "package lib\n\nfunc Name() string { return \"lib\" }\n",
	}
}

// privateApp writes a main module that requires the public fixture
// module example.test/hello (in go.sum) and a private module (not in
// go.sum: it is being added, as after 'go get').
func privateApp(t *testing.T, private string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.test/app\n\ngo 1.21\n\nrequire (\n\texample.test/hello v1.0.0\n\t"+private+" v1.0.0\n)\n")
	write("go.sum", "example.test/hello v1.0.0 h1:BVE/VEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk=\n"+
		"example.test/hello v1.0.0/go.mod h1:YHfl4dlavpS8OenDISfCjpQKr/mG4alGoY1y+Y/B3qg=\n")
	return dir
}

// probeBranches is --probe-branches for doctor.
var probeBranches bool

// doctor runs one check on the environment the real go command reports
// for the sandbox, every DNS query sent to a fixture server.
func doctor(t *testing.T, sb *fixtures.Sandbox, dir string, extra []string, c *checks.Check) checks.CheckResult {
	t.Helper()
	env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: dir, Environ: sb.Environ(extra...)})
	env.Options.Resolver = fixtures.DNS(t, defaultZone()).Addr
	env.Options.ProbeBranches = probeBranches
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return checks.Runner{}.Run(ctx, env, []*checks.Check{c})[0]
}

// applyFixes runs, in a shell in dir with the sandbox's environment, the
// commands of the fixes of every finding with code.
func applyFixes(t *testing.T, sb *fixtures.Sandbox, dir string, extra []string, r checks.CheckResult, code string) {
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
		t.Fatalf("no fix for %s:\n%s", code, dump(r))
	}
}

func fixCommands(r checks.CheckResult, code string) string {
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

// TestPrivateAgreementGOPRIVATE: a private module on a git server that
// GOPRIVATE does not cover. The proxy does not have it and the go command
// falls back to direct, fetches it with git, then fails to verify it
// against the checksum database (404); the doctor says why and gives
// GOPRIVATE=git.corp.test; with it, the go command fetches the module
// from the git server and succeeds.
func TestPrivateAgreementGOPRIVATE(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	proxy := fixtures.GoProxy(t)
	gs := fixtures.NewGitServer(t, "git.corp.test", "", "")
	gs.AddModule(t, "lib", libFiles("git.corp.test/lib"), "v1.0.0")
	for _, tc := range []struct {
		name    string
		goproxy string
		goErr   string // what the go command says before the fix
	}{
		{"proxy then direct", proxy.URL + ",direct", "verifying go.mod: git.corp.test/lib@v1.0.0"},
		{"proxy alone", proxy.URL, "404 Not Found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb := fixtures.NewSandbox(t, tc.goproxy)
			dir := privateApp(t, "git.corp.test/lib")
			extra := gs.Environ()

			out, ok := goModDownload(t, sb, dir, extra, time.Minute)
			if ok || !strings.Contains(out, tc.goErr) {
				t.Fatalf("go mod download: ok=%v, want a failure with %q:\n%s", ok, tc.goErr, out)
			}
			r := doctor(t, sb, dir, extra, PrivateCheck)
			want(t, r, "PRIVATE_MODULE_NOT_EXCLUDED fail")
			if r.Status != checks.StatusFail {
				t.Errorf("status %s, want fail:\n%s", r.Status, dump(r))
			}
			if got := fixCommands(r, "PRIVATE_MODULE_NOT_EXCLUDED"); got != "go env -w GOPRIVATE=git.corp.test" {
				t.Errorf("fix %q, want go env -w GOPRIVATE=git.corp.test", got)
			}
			applyFixes(t, sb, dir, extra, r, "PRIVATE_MODULE_NOT_EXCLUDED")

			out, ok = goModDownload(t, sb, dir, extra, time.Minute)
			if !ok {
				t.Fatalf("go mod download fails after the fix:\n%s", out)
			}
			r = doctor(t, sb, dir, extra, PrivateCheck)
			if r.Status != checks.StatusPass {
				t.Errorf("after the fix: status %s, want pass:\n%s", r.Status, dump(r))
			}
			if f := finding(r, "PRIVATE_ROUTES"); f == nil || !strings.Contains(f.Detail, "git ls-remote works") {
				t.Errorf("the routing table does not show the probed origin:\n%s", dump(r))
			}
		})
	}
}

// TestPrivateAgreementGONOSUMDB: a private module that a private proxy
// of GOPROXY serves, unknown to the checksum database (410). GOPRIVATE
// would bypass that proxy (and fail: there is no origin to reach), so
// the doctor's fix is GONOSUMDB, and with it the go command succeeds.
func TestPrivateAgreementGONOSUMDB(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	proxy := fixtures.GoProxy(t)
	privDir := t.TempDir()
	if err := fixtures.WriteModules(privDir, []fixtures.Module{{Path: "corp.test/lib", Version: "v1.0.0", Files: libFiles("corp.test/lib")}}); err != nil {
		t.Fatal(err)
	}
	private := fixtures.ServeModules(t, privDir)
	gosumdb, asked := fixtures.UnknownSumDB(t)
	sb := fixtures.NewSandbox(t, proxy.URL+","+private.URL)
	dir := privateApp(t, "corp.test/lib")
	extra := append([]string{"GOSUMDB=" + gosumdb}, contain...)

	out, ok := goModDownload(t, sb, dir, extra, time.Minute)
	if ok || !strings.Contains(out, "410 Gone") {
		t.Fatalf("go mod download: ok=%v, want a 410 from the checksum database:\n%s", ok, out)
	}
	r := doctor(t, sb, dir, extra, PrivateCheck)
	want(t, r, "PRIVATE_MODULE_NOT_EXCLUDED fail")
	if got := fixCommands(r, "PRIVATE_MODULE_NOT_EXCLUDED"); got != "go env -w GONOSUMDB=corp.test" {
		t.Fatalf("fix %q, want go env -w GONOSUMDB=corp.test\n%s", got, dump(r))
	}

	// GOPRIVATE would be wrong: the module has no origin to fetch from.
	if out, ok := goModDownload(t, sb, dir, append(extra, "GOPRIVATE=corp.test"), time.Minute); ok {
		t.Errorf("with GOPRIVATE the go command should fail (no origin):\n%s", out)
	}

	applyFixes(t, sb, dir, extra, r, "PRIVATE_MODULE_NOT_EXCLUDED")
	before := len(asked())
	out, ok = goModDownload(t, sb, dir, extra, time.Minute)
	if !ok {
		t.Fatalf("go mod download fails after the fix:\n%s", out)
	}
	r = doctor(t, sb, dir, extra, PrivateCheck)
	if r.Status != checks.StatusPass {
		t.Errorf("after the fix: status %s, want pass:\n%s", r.Status, dump(r))
	}
	// Privacy: with GONOSUMDB, nobody asks the database about it again.
	for _, p := range asked()[before:] {
		if strings.Contains(p, "corp.test/lib") {
			t.Errorf("the checksum database was asked about the private module after the fix: %s", p)
		}
	}
}
