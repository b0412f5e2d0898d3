//go:build linux

package modcache

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// Permission problems are about which user runs the go command. As root
// (CI machines) the tests make the cache root's and run both the doctor
// and the go command as another user, nobody (65534), for real: the test
// binary re-runs itself as that user to run the check. As any other user
// they damage permissions with chmod and run as themselves; only what
// needs files of another user is skipped then.

// TestModcacheHelperProcess is not a test: run by asUser, it runs the
// modcache check in its working directory and prints the findings.
func TestModcacheHelperProcess(t *testing.T) {
	if os.Getenv("GOMODDOCTOR_HELPER") != "modcache" {
		return
	}
	ctx := context.Background()
	dir, _ := os.Getwd()
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: dir, Environ: os.Environ()})
	r := checks.Runner{Strict: true}.Run(ctx, env, []*checks.Check{Check})[0]
	if r.Status == checks.StatusError || r.Status == checks.StatusSkip {
		fmt.Fprintln(os.Stderr, r.Error, r.SkipReason)
		os.Exit(3)
	}
	json.NewEncoder(os.Stdout).Encode(r.Findings)
	os.Exit(0)
}

// permCache is a module cache with a way to run commands as its user.
type permCache struct {
	*fixtures.ModCache
	asNobody bool
	testBin  string
	goCache  string
}

func newPermCache(t *testing.T, proxy string) *permCache {
	t.Helper()
	c := &permCache{ModCache: fixtures.NewModCache(t, proxy), asNobody: fixtures.AsNobody()}
	if !c.asNobody {
		return c
	}
	fixtures.OpenUp(c.Root)
	c.testBin = fixtures.CopyTestBinary(t, filepath.Join(c.Sandbox.Root, "checks.test"))
	c.goCache = filepath.Join(c.Sandbox.Root, "nobody-gocache")
	if err := os.MkdirAll(c.goCache, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chown(c.goCache, fixtures.Nobody, fixtures.Nobody)
	return c
}

// command prepares a command run as the cache's user in the app.
func (c *permCache) command(extra []string, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.App
	env := c.Environ(extra...)
	if c.asNobody {
		// GORACE: a race-enabled test binary otherwise sleeps a second
		// at exit, each time it runs the check as nobody.
		env = append(env, "GOCACHE="+c.goCache, "GORACE=atexit_sleep_ms=0")
	}
	cmd.Env = env
	return fixtures.RunAsNobody(cmd)
}

// buildArgs is the go command that stands for a build. As nobody it is
// 'go list -deps', which reads every source file of the build without
// compiling: a build would need a build cache of nobody's own, and
// filling one takes half a minute.
func (c *permCache) buildArgs() []string {
	if c.asNobody {
		return []string{"list", "-deps", "."}
	}
	return []string{"build", "-o", os.DevNull, "."}
}

// goAs runs the go command as the cache's user.
func (c *permCache) goAs(extra []string, args ...string) (string, error) {
	out, err := c.command(extra, "go", args...).CombinedOutput()
	return string(out), err
}

// doctor runs the modcache check as the cache's user.
func (c *permCache) doctor(t *testing.T) []checks.Finding {
	t.Helper()
	if !c.asNobody {
		return runDoctor(t, c.ModCache, checks.ScopeModule)
	}
	cmd := c.command([]string{"GOMODDOCTOR_HELPER=modcache"}, c.testBin, "-test.run=^TestModcacheHelperProcess$")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the doctor as nobody: %v\n%s", err, stderr.String())
	}
	var fs []checks.Finding
	if err := json.Unmarshal(out, &fs); err != nil {
		t.Fatalf("the doctor as nobody printed %q: %v", out, err)
	}
	return fs
}

// repairAs runs the fixes of the findings in order, as the user would:
// as the cache's user, and what starts with sudo as root.
func (c *permCache) repairAs(t *testing.T, fs []checks.Finding) {
	t.Helper()
	ran := map[string]bool{}
	for _, f := range fs {
		if f.Severity == checks.SevInfo {
			continue
		}
		for _, x := range f.Fixes {
			if x.Command == "go clean -modcache" || ran[x.Command] || (x.Kind != checks.FixCache && x.Kind != checks.FixManual) {
				continue
			}
			ran[x.Command] = true
			var cmd *exec.Cmd
			if rest, ok := strings.CutPrefix(x.Command, "sudo "); ok && c.asNobody {
				cmd = exec.Command("sh", "-c", rest)
				cmd.Dir, cmd.Env = c.App, c.Environ()
			} else {
				cmd = c.command(nil, "sh", "-c", x.Command)
			}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("repair command failed: %s\n%v\n%s", x.Command, err, out)
			}
		}
	}
	if len(ran) == 0 {
		t.Fatalf("nothing to run:\n%s", dumpFindings(fs))
	}
}

// TestModcacheForeignOwner: a 'sudo go mod download' left a module's
// cache directories owned by root in a user's cache. The user cannot
// download other versions of that module; the doctor says so, and after
// its chown the download works.
func TestModcacheForeignOwner(t *testing.T) {
	if testing.Short() {
		t.Skip("builds module caches with the go command")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to make files owned by another user")
	}
	c := newPermCache(t, fixtures.GoProxy(t).URL)
	fixtures.Remove(t, c.Entry("example.test/hello", "v1.1.0").Dir)
	for _, suffix := range []string{"info", "mod", "zip", "ziphash", "lock"} {
		os.Remove(filepath.Join(c.Entry("example.test/hello", "v1.1.0").VersionDir, "v1.1.0."+suffix))
	}
	fixtures.ChownTree(c.Root, fixtures.Nobody)
	fixtures.ChownTree(filepath.Join(c.Root, "cache", "download", "example.test", "hello"), 0)
	fixtures.ChownTree(c.Entry("example.test/hello", "v1.0.0").Dir, 0)

	fs := c.doctor(t)
	owner := findFinding(fs, "MODCACHE_FOREIGN_OWNER", "")
	if owner == nil || owner.Severity != checks.SevWarn || !strings.Contains(owner.Message, "belong to user root") {
		t.Fatalf("no foreign-owner warning:\n%s", dumpFindings(fs))
	}
	if ro := findFinding(fs, "MODCACHE_NOT_WRITABLE", ""); ro == nil || !strings.Contains(ro.Message, "1 module directories") {
		t.Errorf("no read-only summary:\n%s", dumpFindings(fs))
	}
	if out, err := c.goAs(nil, "mod", "download", "example.test/hello@v1.1.0"); err == nil || !strings.Contains(out, "permission denied") {
		t.Fatalf("as nobody, downloading another version of hello: %v\n%s", err, out)
	}

	c.repairAs(t, fs)

	if out, err := c.goAs(nil, "mod", "download", "example.test/hello@v1.1.0"); err != nil {
		t.Errorf("after the repair, the download fails:\n%s", out)
	}
	if out, err := c.goAs(nil, "mod", "verify"); err != nil {
		t.Errorf("after the repair, go mod verify fails:\n%s", out)
	}
	if after := c.doctor(t); hasSeverity(after, checks.SevWarn) || hasSeverity(after, checks.SevFail) {
		t.Errorf("after the repair:\n%s", dumpFindings(after))
	}
}

// TestModcacheDownloadDirNotWritable: cache/download is not writable by
// the user (the root of the cache is): every new module fails.
func TestModcacheDownloadDirNotWritable(t *testing.T) {
	if testing.Short() {
		t.Skip("builds module caches with the go command")
	}
	c := newPermCache(t, fixtures.GoProxy(t).URL)
	download := filepath.Join(c.Root, "cache", "download")
	if c.asNobody {
		fixtures.ChownTree(c.Root, fixtures.Nobody)
		os.Lchown(download, 0, 0)
	} else {
		os.Chmod(download, 0o555)
	}

	fs := c.doctor(t)
	f := findFinding(fs, "MODCACHE_NOT_WRITABLE", download)
	if f == nil || f.Severity != checks.SevFail {
		t.Fatalf("no failure for %s:\n%s", download, dumpFindings(fs))
	}
	noSumDB := []string{"GOSUMDB=off"} // other.test is not in GONOSUMDB
	if out, err := c.goAs(noSumDB, "mod", "download", "other.test/tool@v1.0.0"); err == nil {
		t.Fatalf("downloading a new module succeeded:\n%s", out)
	}

	c.repairAs(t, fs)

	if out, err := c.goAs(noSumDB, "mod", "download", "other.test/tool@v1.0.0"); err != nil {
		t.Errorf("after the repair, the download fails:\n%s", out)
	}
	if after := c.doctor(t); hasSeverity(after, checks.SevFail) {
		t.Errorf("after the repair:\n%s", dumpFindings(after))
	}
}

// TestModcacheUnreadable: a file of an extracted module cannot be read
// by the user: builds and 'go mod verify' fail, and so does the doctor.
func TestModcacheUnreadable(t *testing.T) {
	if testing.Short() {
		t.Skip("builds module caches with the go command")
	}
	c := newPermCache(t, fixtures.GoProxy(t).URL)
	file := filepath.Join(c.Entry("example.test/hello", "v1.0.0").Dir, "hello.go")
	if c.asNobody {
		fixtures.ChownTree(c.Root, fixtures.Nobody)
		os.Lchown(file, 0, 0)
	}
	os.Chmod(file, 0o200)

	fs := c.doctor(t)
	f := findFinding(fs, "MODCACHE_UNREADABLE", hello)
	if f == nil || f.Severity != checks.SevFail || !strings.Contains(f.Detail, "permission denied") {
		t.Fatalf("no failure for the unreadable file:\n%s", dumpFindings(fs))
	}
	if out, err := c.goAs(nil, "mod", "verify"); err == nil {
		t.Errorf("go mod verify succeeded:\n%s", out)
	}
	if out, err := c.goAs(nil, c.buildArgs()...); err == nil {
		t.Errorf("go %s succeeded:\n%s", strings.Join(c.buildArgs(), " "), out)
	}

	c.repairAs(t, fs)

	if out, err := c.goAs(nil, "mod", "verify"); err != nil {
		t.Errorf("after the repair, go mod verify fails:\n%s", out)
	}
	if out, err := c.goAs(nil, c.buildArgs()...); err != nil {
		t.Errorf("after the repair, go %s fails: %v\n%s\nfindings:\n%s", strings.Join(c.buildArgs(), " "), err, out, dumpFindings(fs))
	}
	if after := c.doctor(t); hasSeverity(after, checks.SevWarn) || hasSeverity(after, checks.SevFail) {
		t.Errorf("after the repair:\n%s", dumpFindings(after))
	}
}
