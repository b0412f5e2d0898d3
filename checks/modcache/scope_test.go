package modcache

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/modcachex"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// editZipOf damages the zip of a version in a way only hashing sees.
func editZipOf(t *testing.T, c *fixtures.ModCache, path, version, file string) {
	fixtures.EditZip(t, c.Entry(path, version).Zip, file, func(b []byte) []byte { return append(b, "// changed\n"...) })
}

// TestModcacheScope shows what each scope hashes: inside a module, the
// build list by default (damage of a version the module does not use
// stays unseen by hashing) and everything with --scope all (that damage
// is then a warning: this module does not use the version); outside a
// module, only the structural pass by default and a failure with
// --scope all.
func TestModcacheScope(t *testing.T) {
	if testing.Short() {
		t.Skip("builds module caches with the go command")
	}
	c := fixtures.NewModCache(t, fixtures.GoProxy(t).URL)
	editZipOf(t, c, "example.test/hello", "v1.1.0", "hello.go")

	fs := runDoctor(t, c, checks.ScopeModule)
	if f := findFinding(fs, "MODCACHE_ZIP_MISMATCH", hello1); f != nil {
		t.Errorf("module scope hashed a version the module does not use:\n%s", dumpFindings(fs))
	}
	sum := findFinding(fs, "MODCACHE_SUMMARY", "")
	if sum == nil || !strings.Contains(sum.Detail, "versions hashed: 3") || !strings.Contains(sum.Detail, "build list of example.test/app") {
		t.Errorf("summary:\n%s", dumpFindings(fs))
	}

	fs = runDoctor(t, c, checks.ScopeAll)
	f := findFinding(fs, "MODCACHE_ZIP_MISMATCH", hello1)
	if f == nil || f.Severity != checks.SevWarn || !strings.Contains(f.Message, "does not use this version") {
		t.Errorf("--scope all:\n%s", dumpFindings(fs))
	}
	if sum := findFinding(fs, "MODCACHE_SUMMARY", ""); sum == nil || !strings.Contains(sum.Detail, "versions hashed: 4") {
		t.Errorf("summary:\n%s", dumpFindings(fs))
	}

	// Outside a module.
	ctx := context.Background()
	outside := filepath.Join(c.Sandbox.Root, "elsewhere")
	os.MkdirAll(outside, 0o755)
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: outside, Environ: c.Environ()})
	if env.Module != nil {
		t.Fatalf("%s is in module %s", outside, env.Module.GoMod)
	}
	fs, err := runModcache(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if findFinding(fs, "MODCACHE_ZIP_MISMATCH", "") != nil || hasSeverity(fs, checks.SevFail) {
		t.Errorf("outside a module the default is structural only:\n%s", dumpFindings(fs))
	}
	env.Options.Scope = checks.ScopeAll
	fs, err = runModcache(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if f := findFinding(fs, "MODCACHE_ZIP_MISMATCH", hello1); f == nil || f.Severity != checks.SevFail {
		t.Errorf("outside a module with --scope all:\n%s", dumpFindings(fs))
	}
}

// TestModcacheWorkspace: in a go.work workspace the build list comes
// from the go command, off the network.
func TestModcacheWorkspace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds module caches with the go command")
	}
	c := fixtures.NewModCache(t, fixtures.GoProxy(t).URL)
	work := filepath.Join(c.Sandbox.Root, "go.work")
	if err := os.WriteFile(work, []byte("go 1.21\n\nuse ./app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(c.Entry("example.test/hello", "v1.0.0").Dir, "hello.go")
	data, _ := os.ReadFile(p)
	fixtures.WriteFile(t, p, append(data, "// changed\n"...))

	fs := runDoctor(t, c, checks.ScopeModule)
	if f := findFinding(fs, "MODCACHE_DIR_MODIFIED", hello); f == nil || f.Severity != checks.SevFail {
		t.Errorf("in a workspace:\n%s", dumpFindings(fs))
	}
	if sum := findFinding(fs, "MODCACHE_SUMMARY", ""); sum == nil || !strings.Contains(sum.Detail, "go list -m all") {
		t.Errorf("the build list did not come from the go command:\n%s", dumpFindings(fs))
	}
}

// TestModcacheProgress: the check reports its progress through
// Options.Progress, with its id.
func TestModcacheProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("builds module caches with the go command")
	}
	c := fixtures.NewModCache(t, fixtures.GoProxy(t).URL)
	ctx := context.Background()
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: c.App, Environ: c.Environ()})
	var structure, hashing atomic.Int64
	env.Options.Progress = func(p checks.Progress) {
		if p.Check != "modcache" {
			t.Errorf("progress of %q", p.Check)
		}
		switch p.Phase {
		case "structure":
			structure.Add(1)
		case "hashing":
			hashing.Add(1)
			if p.Total == 0 || p.Done > p.Total {
				t.Errorf("progress %+v", p)
			}
		}
	}
	if _, err := runModcache(ctx, env); err != nil {
		t.Fatal(err)
	}
	if structure.Load() == 0 || hashing.Load() == 0 {
		t.Errorf("progress calls: structure %d, hashing %d", structure.Load(), hashing.Load())
	}
}

// TestModcacheSpace: free space and inodes, measured through a stub.
func TestModcacheSpace(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "cache", "download"), 0o755)
	env := checks.NewEnv(t.TempDir(), goenvWith(map[string]string{"GOMODCACHE": root}), nil)
	defer func(old func(string) (modcachex.Space, error)) { spaceOf = old }(spaceOf)
	for _, c := range []struct {
		space modcachex.Space
		want  []string
	}{
		{modcachex.Space{AvailBytes: 100 << 30, TotalBytes: 200 << 30, FreeInodes: 1e6, TotalInodes: 2e6}, nil},
		{modcachex.Space{AvailBytes: 500 << 20, TotalBytes: 200 << 30, FreeInodes: 1e6, TotalInodes: 2e6}, []string{"MODCACHE_LOW_SPACE warn"}},
		{modcachex.Space{AvailBytes: 1 << 20, TotalBytes: 200 << 30, FreeInodes: 1e6, TotalInodes: 2e6}, []string{"MODCACHE_LOW_SPACE fail"}},
		{modcachex.Space{AvailBytes: 100 << 30, TotalBytes: 200 << 30, FreeInodes: 5000, TotalInodes: 2e6}, []string{"MODCACHE_LOW_INODES warn"}},
		{modcachex.Space{AvailBytes: 100 << 30, TotalBytes: 200 << 30, FreeInodes: 0, TotalInodes: 2e6}, []string{"MODCACHE_LOW_INODES fail"}},
		{modcachex.Space{AvailBytes: 100 << 30, TotalBytes: 200 << 30}, nil}, // no inode count (btrfs)
	} {
		spaceOf = func(string) (modcachex.Space, error) { return c.space, nil }
		fs, err := runModcache(context.Background(), env)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			if strings.HasPrefix(f.Code, "MODCACHE_LOW_") {
				got = append(got, f.Code+" "+string(f.Severity))
				if len(f.Fixes) == 0 || f.Fixes[0].Auto {
					t.Errorf("%s fixes %+v", f.Code, f.Fixes)
				}
			}
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("space %+v: got %v, want %v", c.space, got, c.want)
		}
	}
	spaceOf = func(string) (modcachex.Space, error) { return modcachex.Space{}, errors.New("no statfs") }
	if _, err := runModcache(context.Background(), env); err != nil {
		t.Errorf("statfs failing: %v", err)
	}
	// The real measurement works on this machine.
	if sp, err := modcachex.SpaceOf(root); err != nil || sp.TotalBytes == 0 {
		t.Errorf("SpaceOf(%s) = %+v, %v", root, sp, err)
	}
}

// TestModcacheSkips: nothing to check is a skip with a short reason.
func TestModcacheSkips(t *testing.T) {
	for _, mc := range []string{"", "relative/mod", filepath.Join(t.TempDir(), "missing")} {
		env := checks.NewEnv(t.TempDir(), goenvWith(map[string]string{"GOMODCACHE": mc}), nil)
		_, err := runModcache(context.Background(), env)
		var skip *checks.SkipError
		if !errors.As(err, &skip) || len(skip.Reason) > 40 {
			t.Errorf("GOMODCACHE=%q: %v", mc, err)
		}
	}
}

// goenvWith is a Go environment with the given process variables.
func goenvWith(process map[string]string) *goenv.Env {
	return goenv.New(process, nil, nil)
}

// TestModcacheZipsRemoved: zips removed on purpose from several versions
// (extracted directories intact) are one piece of information.
func TestModcacheZipsRemoved(t *testing.T) {
	if testing.Short() {
		t.Skip("builds module caches with the go command")
	}
	c := fixtures.NewModCache(t, fixtures.GoProxy(t).URL)
	for _, m := range [][2]string{{"example.test/hello", "v1.0.0"}, {"example.test/greet", "v0.1.0"}, {"example.test/Upper", "v1.0.0"}} {
		fixtures.Remove(t, c.Entry(m[0], m[1]).Zip)
	}
	fs := runDoctor(t, c, checks.ScopeModule)
	n := 0
	for _, f := range fs {
		if f.Code == "MODCACHE_ZIP_REMOVED" {
			n++
			if f.Severity != checks.SevInfo || f.Subject != c.Root || !strings.Contains(f.Message, "3 module versions") {
				t.Errorf("%+v", f)
			}
		}
	}
	if n != 1 || hasSeverity(fs, checks.SevWarn) || hasSeverity(fs, checks.SevFail) {
		t.Errorf("%d findings:\n%s", n, dumpFindings(fs))
	}
	if out, err := c.Go(t, c.App, []string{"GOPROXY=off"}, "build", "-o", os.DevNull, "."); err != nil {
		t.Errorf("the go command needs the zips after all:\n%s", out)
	}
}

// TestModcacheFixQuoting runs a removal fix on a cache whose path has a
// space and a quote in it: the command is quoted for the shell and
// removes exactly the damaged entry.
func TestModcacheFixQuoting(t *testing.T) {
	root := filepath.Join(t.TempDir(), "it's a cache")
	vdir := filepath.Join(root, "cache", "download", "example.test", "a", "@v")
	dir := filepath.Join(root, "example.test", "a@v1.0.0")
	for p, data := range map[string]string{
		filepath.Join(vdir, "v1.0.0.info"):    "garbage",
		filepath.Join(vdir, "v1.0.0.mod"):     "module example.test/a\n",
		filepath.Join(vdir, "v1.0.0.ziphash"): "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		filepath.Join(vdir, "v1.0.0.lock"):    "",
		filepath.Join(vdir, "v2.0.0.mod"):     "module example.test/a\n",
		filepath.Join(dir, "a.go"):            "package a\n",
	} {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(dir, 0o555)
	defer fixtures.MakeWritable(root)

	env := checks.NewEnv(t.TempDir(), goenvWith(map[string]string{"GOMODCACHE": root}), nil)
	fs, err := runModcache(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	f := findFinding(fs, "MODCACHE_INFO_INVALID", "example.test/a@v1.0.0")
	if f == nil || len(f.Fixes) != 3 || f.Fixes[2].Command != "go clean -modcache" {
		t.Fatalf("findings:\n%s", dumpFindings(fs))
	}
	if !strings.Contains(f.Fixes[0].Command, `'`) {
		t.Errorf("unquoted: %s", f.Fixes[0].Command)
	}
	out, err := exec.Command("sh", "-c", f.Fixes[0].Command).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", f.Fixes[0].Command, err, out)
	}
	for _, gone := range []string{dir, filepath.Join(vdir, "v1.0.0.info"), filepath.Join(vdir, "v1.0.0.mod"), filepath.Join(vdir, "v1.0.0.ziphash")} {
		if _, err := os.Lstat(gone); err == nil {
			t.Errorf("%s is still there", gone)
		}
	}
	for _, kept := range []string{filepath.Join(vdir, "v1.0.0.lock"), filepath.Join(vdir, "v2.0.0.mod")} {
		if _, err := os.Lstat(kept); err != nil {
			t.Errorf("%s was removed: %v", kept, err)
		}
	}
}

// TestModcacheWritableModules: without -modcacherw the go command leaves
// extracted modules read-only; one made writable is noted. With it, the
// flag itself is noted instead.
func TestModcacheWritableModules(t *testing.T) {
	if testing.Short() {
		t.Skip("builds module caches with the go command")
	}
	c := fixtures.NewModCache(t, fixtures.GoProxy(t).URL)
	os.Chmod(c.Entry("example.test/hello", "v1.0.0").Dir, 0o755)
	fs := runDoctor(t, c, checks.ScopeModule)
	f := findFinding(fs, "MODCACHE_WRITABLE_MODULES", "")
	if f == nil || f.Severity != checks.SevInfo || !strings.Contains(f.Message, "1 extracted modules") || !strings.Contains(f.Detail, "hello@v1.0.0") {
		t.Errorf("findings:\n%s", dumpFindings(fs))
	}
	c.Vars["GOFLAGS"] = "-modcacherw"
	fs = runDoctor(t, c, checks.ScopeModule)
	if findFinding(fs, "MODCACHE_WRITABLE_MODULES", "") != nil || findFinding(fs, "MODCACHE_RW", "GOFLAGS") == nil {
		t.Errorf("with -modcacherw:\n%s", dumpFindings(fs))
	}
}
