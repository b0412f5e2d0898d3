package repair

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/advisor"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	modcachecheck "github.com/gomoddoctor/gomoddoctor/checks/modcache"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// A directory of the module cache above a module's extracted folder is
// a symbolic link to a folder elsewhere (a cache moved to a bigger disk
// by hand, a dotfiles or CI cache layout). A module there is damaged, and
// the plan's repair removes it: --fix --fix-cache must not remove,
// rewrite or chmod anything at the link's target, which is not the
// module cache. It refuses, says why, and the files there keep their
// content and modes.
func TestRunCacheRepairStaysInCache(t *testing.T) {
	if !shAvailable() {
		t.Skip("no sh")
	}
	proxy := fixtures.GoProxy(t)
	c := fixtures.NewModCache(t, proxy.URL)
	outside := filepath.Join(t.TempDir(), "elsewhere")
	linked := filepath.Join(c.Root, "example.test")
	fixtures.MakeWritable(linked)
	if err := os.Rename(linked, outside); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, linked); err != nil {
		t.Fatal(err)
	}
	e := c.Entry("example.test/hello", "v1.0.0")
	src := filepath.Join(outside, "hello@v1.0.0", "hello.go")
	if err := os.WriteFile(src, append([]byte(checktest.ReadFile(t, src)), "// edited\n"...), 0o444); err != nil {
		t.Fatal(err)
	}
	// Read-only, the way the go command leaves extracted modules.
	filepath.WalkDir(outside, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			mode := fs.FileMode(0o444)
			if d.IsDir() {
				mode = 0o555
			}
			os.Chmod(p, mode)
		}
		return nil
	})
	type state struct {
		mode fs.FileMode
		data string
	}
	snapshot := func() map[string]state {
		m := map[string]state{}
		filepath.WalkDir(outside, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				m[p] = state{data: "error: " + err.Error()}
				return nil
			}
			fi, _ := d.Info()
			s := state{mode: fi.Mode()}
			if !d.IsDir() {
				data, _ := os.ReadFile(p)
				s.data = string(data)
			}
			m[p] = s
			return nil
		})
		return m
	}
	before := snapshot()

	environ := c.Environ(checktest.Contain...)
	ctx := context.Background()
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: c.App, Environ: environ})
	list := []*checks.Check{modcachecheck.Check}
	results := checks.Runner{Strict: true}.Run(ctx, env, list)
	rep := checks.NewReport(env, "test", results, advisor.Advise(env, results), 0)
	var repair *checks.PlanStep
	for i, st := range rep.Plan {
		if st.AppliedBy == checks.ByFixCache && strings.Contains(st.Command, "rm -rf") && strings.Contains(st.Command, e.Dir) {
			repair = &rep.Plan[i]
		}
	}
	if repair == nil {
		t.Fatalf("no cache repair of %s in the plan:\n%s", e.Dir, checktest.PlanDump(rep.Plan))
	}

	h := &recorder{}
	opts := Options{Yes: true, FixCache: true, Environ: environ, Dir: c.App, Checks: list, Timeout: 20 * time.Second, Version: "test"}
	code, err := Run(ctx, env, rep, opts, h)
	t.Logf("events:\n%s", strings.Join(h.events, "\n"))
	if err != nil || code == checks.ExitOK {
		t.Errorf("exit %d, %v; want a failure", code, err)
	}
	for _, e := range h.events {
		if strings.HasPrefix(e, "ran ") {
			t.Errorf("--fix ran a cache repair: %s", e)
		}
	}
	if f := h.last.Fix; f == nil || !strings.Contains(f.Error, "refuses to run") || !strings.Contains(f.Error, outside) || !strings.Contains(f.Error, "outside the module cache") {
		t.Errorf("fix outcome: %+v", h.last.Fix)
	}
	after := snapshot()
	if len(after) != len(before) {
		t.Errorf("%d entries at the link's target, was %d", len(after), len(before))
	}
	for p, s := range before {
		if after[p] != s {
			t.Errorf("%s changed: %v %q, was %v %q", p, after[p].mode, after[p].data, s.mode, s.data)
		}
	}
	if fi, err := os.Lstat(linked); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is gone: %v", err)
	}
}

// The paths a repair may touch: inside the cache, symbolic links
// resolved; never the cache itself, nor a path that a link leads out.
func TestGuardPaths(t *testing.T) {
	root := t.TempDir()
	cache := filepath.Join(root, "cache")
	out := filepath.Join(root, "out")
	for _, d := range []string{filepath.Join(cache, "a.test", "m@v1"), filepath.Join(out, "m@v1")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink(out, filepath.Join(cache, "b.test"))
	os.Symlink(filepath.Join(out, "m@v1"), filepath.Join(cache, "a.test", "link@v1"))
	os.Symlink(filepath.Join(cache, "a.test"), filepath.Join(root, "cachelink"))
	roots := []string{cache}
	for _, tc := range []struct {
		path string
		want bool
	}{
		{filepath.Join(cache, "a.test", "m@v1"), true},
		{filepath.Join(cache, "a.test", "new@v1", "x.zip"), true}, // not there yet
		{filepath.Join(cache, "b.test", "m@v1"), false},           // through a link out
		{filepath.Join(cache, "b.test", "new@v1"), false},
		{filepath.Join(cache, "a.test", "..", "..", "out"), false},
		{cache, false},
		{filepath.Join(root, "cachelink", "m@v1"), true}, // a link into the cache
	} {
		loc := realPath(filepath.Dir(tc.path))
		if loc != "" {
			loc = filepath.Join(loc, filepath.Base(tc.path))
		}
		if got := loc != "" && within(loc, roots); got != tc.want {
			t.Errorf("%s (%s): inside %v, want %v", tc.path, loc, got, tc.want)
		}
	}
}

// The download files of a module version are reached through a symbolic
// link (cache/download/<module>/@v to a folder elsewhere) and its zip
// there is broken. The plan's repair removes the link, never what it
// points to, and downloads again into the cache itself: the guard lets
// it run, the broken zip at the link's target is left as it was, and
// 'go mod verify' passes afterwards.
func TestRunCacheRepairRemovesOnlyTheLink(t *testing.T) {
	if !shAvailable() {
		t.Skip("no sh")
	}
	proxy := fixtures.GoProxy(t)
	c := fixtures.NewModCache(t, proxy.URL)
	e := c.Entry("example.test/hello", "v1.0.0")
	outside := filepath.Join(t.TempDir(), "shared-downloads")
	fixtures.MakeWritable(filepath.Dir(e.VersionDir))
	if err := os.Rename(e.VersionDir, outside); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, e.VersionDir); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(outside, filepath.Base(e.Zip))
	os.Chmod(broken, 0o644)
	if err := os.WriteFile(broken, []byte("not a zip"), 0o444); err != nil {
		t.Fatal(err)
	}
	if out, err := c.Go(t, c.App, nil, "mod", "verify"); err == nil {
		t.Fatalf("go mod verify passed with a broken zip behind the link:\n%s", out)
	}

	environ := c.Environ(checktest.Contain...)
	ctx := context.Background()
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: c.App, Environ: environ})
	list := []*checks.Check{modcachecheck.Check}
	results := checks.Runner{Strict: true}.Run(ctx, env, list)
	rep := checks.NewReport(env, "test", results, advisor.Advise(env, results), 0)
	h := &recorder{}
	opts := Options{Yes: true, FixCache: true, Environ: environ, Dir: c.App, Checks: list, Timeout: 20 * time.Second, Version: "test"}
	code, err := Run(ctx, env, rep, opts, h)
	t.Logf("events:\n%s", strings.Join(h.events, "\n"))
	if err != nil || code != checks.ExitOK {
		t.Errorf("exit %d, %v; want 0", code, err)
	}
	if f := h.last.Fix; f == nil || f.Error != "" {
		t.Errorf("fix outcome: %+v", h.last.Fix)
	}
	if data := checktest.ReadFile(t, broken); data != "not a zip" {
		t.Errorf("the file at the link's target changed: %q", data)
	}
	if fi, err := os.Lstat(e.VersionDir); err != nil || fi.Mode()&os.ModeSymlink != 0 {
		t.Errorf("%s: still a link, or gone (%v)", e.VersionDir, err)
	}
	if out, err := c.Go(t, c.App, nil, "mod", "verify"); err != nil {
		t.Errorf("go mod verify after the repair: %v\n%s", err, out)
	}
}
