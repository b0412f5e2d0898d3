package private

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

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
	gs.AddModule(t, "lib", checktest.LibFiles("git.corp.test/lib"), "v1.0.0")
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

			out, ok := checktest.GoModDownload(t, sb, dir, extra, time.Minute)
			if ok || !strings.Contains(out, tc.goErr) {
				t.Fatalf("go mod download: ok=%v, want a failure with %q:\n%s", ok, tc.goErr, out)
			}
			r := checktest.Doctor(t, sb, dir, extra, Check)
			checktest.Want(t, r, "PRIVATE_MODULE_NOT_EXCLUDED fail")
			if r.Status != checks.StatusFail {
				t.Errorf("status %s, want fail:\n%s", r.Status, checktest.Dump(r))
			}
			if got := checktest.FixCommands(r, "PRIVATE_MODULE_NOT_EXCLUDED"); got != "go env -w GOPRIVATE=git.corp.test" {
				t.Errorf("fix %q, want go env -w GOPRIVATE=git.corp.test", got)
			}
			checktest.ApplyFixes(t, sb, dir, extra, r, "PRIVATE_MODULE_NOT_EXCLUDED")

			out, ok = checktest.GoModDownload(t, sb, dir, extra, time.Minute)
			if !ok {
				t.Fatalf("go mod download fails after the fix:\n%s", out)
			}
			r = checktest.Doctor(t, sb, dir, extra, Check)
			if r.Status != checks.StatusPass {
				t.Errorf("after the fix: status %s, want pass:\n%s", r.Status, checktest.Dump(r))
			}
			if f := checktest.Finding(r, "PRIVATE_ROUTES"); f == nil || !strings.Contains(f.Detail, "git ls-remote works") {
				t.Errorf("the routing table does not show the probed origin:\n%s", checktest.Dump(r))
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
	if err := fixtures.WriteModules(privDir, []fixtures.Module{{Path: "corp.test/lib", Version: "v1.0.0", Files: checktest.LibFiles("corp.test/lib")}}); err != nil {
		t.Fatal(err)
	}
	private := fixtures.ServeModules(t, privDir)
	gosumdb, asked := fixtures.UnknownSumDB(t)
	sb := fixtures.NewSandbox(t, proxy.URL+","+private.URL)
	dir := privateApp(t, "corp.test/lib")
	extra := append([]string{"GOSUMDB=" + gosumdb}, checktest.Contain...)

	out, ok := checktest.GoModDownload(t, sb, dir, extra, time.Minute)
	if ok || !strings.Contains(out, "410 Gone") {
		t.Fatalf("go mod download: ok=%v, want a 410 from the checksum database:\n%s", ok, out)
	}
	r := checktest.Doctor(t, sb, dir, extra, Check)
	checktest.Want(t, r, "PRIVATE_MODULE_NOT_EXCLUDED fail")
	if got := checktest.FixCommands(r, "PRIVATE_MODULE_NOT_EXCLUDED"); got != "go env -w GONOSUMDB=corp.test" {
		t.Fatalf("fix %q, want go env -w GONOSUMDB=corp.test\n%s", got, checktest.Dump(r))
	}

	// GOPRIVATE would be wrong: the module has no origin to fetch from.
	if out, ok := checktest.GoModDownload(t, sb, dir, append(extra, "GOPRIVATE=corp.test"), time.Minute); ok {
		t.Errorf("with GOPRIVATE the go command should fail (no origin):\n%s", out)
	}

	checktest.ApplyFixes(t, sb, dir, extra, r, "PRIVATE_MODULE_NOT_EXCLUDED")
	before := len(asked())
	out, ok = checktest.GoModDownload(t, sb, dir, extra, time.Minute)
	if !ok {
		t.Fatalf("go mod download fails after the fix:\n%s", out)
	}
	r = checktest.Doctor(t, sb, dir, extra, Check)
	if r.Status != checks.StatusPass {
		t.Errorf("after the fix: status %s, want pass:\n%s", r.Status, checktest.Dump(r))
	}
	// Privacy: with GONOSUMDB, nobody asks the database about it again.
	for _, p := range asked()[before:] {
		if strings.Contains(p, "corp.test/lib") {
			t.Errorf("the checksum database was asked about the private module after the fix: %s", p)
		}
	}
}

// TestPrivateAgreementMirrorGap: a file:// GOPROXY directory that lacks
// a module of a public code host. The go command fails ("no such file
// or directory"); the doctor calls it a mirror gap, never advises
// GOPRIVATE, and its two remedies work: the directory followed by a
// proxy that has the module (a fixture proxy stands for the toolchain's
// default list the fix names), and filling the directory with the
// command it gives (from that proxy).
func TestPrivateAgreementMirrorGap(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	goodDir := t.TempDir()
	if err := fixtures.WriteModules(goodDir, []fixtures.Module{{Path: "github.com/google/uuid", Version: "v1.6.0", Files: checktest.LibFiles("github.com/google/uuid")}}); err != nil {
		t.Fatal(err)
	}
	good := fixtures.ServeModules(t, goodDir)
	mirrorDir := t.TempDir()
	mirror := "file://" + filepath.ToSlash(mirrorDir)
	sb := fixtures.NewSandbox(t, mirror)
	dir := t.TempDir()
	checktest.WriteTree(t, dir, map[string]string{"go.mod": "module example.test/app\n\ngo 1.21\n\nrequire github.com/google/uuid v1.6.0\n"})
	extra := []string{"GOSUMDB=off", "GOFLAGS=-mod=mod"}

	out, ok := checktest.GoModDownload(t, sb, dir, extra, time.Minute)
	if ok || !strings.Contains(out, "github.com/google/uuid/@v/v1.6.0") {
		t.Fatalf("go mod download: ok=%v, want a failure reading the directory:\n%s", ok, out)
	}
	r := checktest.Doctor(t, sb, dir, extra, Check)
	checktest.Want(t, r, "PRIVATE_MIRROR_GAP fail")
	checktest.Absent(t, r, "PRIVATE_MODULE_NOT_EXCLUDED")
	if checktest.HasFix(r, "GOPRIVATE") {
		t.Fatalf("GOPRIVATE advised for a mirror gap:\n%s", checktest.Dump(r))
	}
	cmds := checktest.FixCommands(r, "PRIVATE_MIRROR_GAP")
	fallback := regexp.MustCompile(`GOPROXY=` + regexp.QuoteMeta(mirror) + `,(\S+)`).FindStringSubmatch(cmds)
	fill := regexp.MustCompile(`GOPROXY=(\S+) go mod download`).FindStringSubmatch(cmds)
	if fallback == nil || fill == nil {
		t.Fatalf("no fallback or fill fix:\n%s", checktest.Dump(r))
	}

	// The fallback, with a proxy that has the module in the place of the
	// toolchain's default list.
	if out, ok := checktest.GoModDownload(t, sb, dir, append(slices.Clone(extra), "GOPROXY="+mirror+","+good.URL), time.Minute); !ok {
		t.Errorf("go mod download with %s after the directory fails:\n%s", fallback[1], out)
	}

	// Filling the directory with the fix's own command.
	fillCmd := ""
	for _, line := range strings.Split(cmds, "\n") {
		if strings.Contains(line, "go mod download") {
			fillCmd = strings.Replace(line, "GOPROXY="+fill[1], "GOPROXY="+good.URL, 1)
		}
	}
	sh := exec.Command("sh", "-c", fillCmd)
	sh.Dir = dir
	sh.Env = sb.Environ("GOSUMDB=off")
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", fillCmd, err, out)
	}
	sb.Vars["GOMODCACHE"] = filepath.Join(t.TempDir(), "modcache") // nothing cached from before
	if out, ok := checktest.GoModDownload(t, sb, dir, extra, time.Minute); !ok {
		t.Errorf("go mod download from the filled directory fails:\n%s", out)
	}
	t.Cleanup(func() { fixtures.MakeWritable(sb.Vars["GOMODCACHE"]) })
	r = checktest.Doctor(t, sb, dir, extra, Check)
	checktest.Absent(t, r, "PRIVATE_MIRROR_GAP", "PRIVATE_MODULE_NOT_EXCLUDED")
}
