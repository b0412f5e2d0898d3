package modcache

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// runWarm runs the modcache check with the doctor's cache directory
// set, as the CLI does.
func runWarm(t *testing.T, c *fixtures.ModCache, cacheDir string, opts checks.Options) []checks.Finding {
	t.Helper()
	env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: c.App, Environ: c.Environ()})
	env.Options = opts
	env.Options.CacheDir = cacheDir
	return checktest.Findings(t, env, Check)
}

// unchanged is the summary's count of versions whose hashes came from
// the verification cache.
func unchanged(t *testing.T, fs []checks.Finding) string {
	t.Helper()
	sum := findFinding(fs, "MODCACHE_SUMMARY", "")
	if sum == nil {
		t.Fatalf("no summary:\n%s", dumpFindings(fs))
	}
	for _, l := range strings.Split(sum.Detail, "\n") {
		if rest, ok := strings.CutPrefix(l, "verification cache: "); ok {
			return strings.SplitN(rest, ",", 2)[0]
		}
	}
	t.Fatalf("the summary says nothing of the verification cache:\n%s", sum.Detail)
	return ""
}

// sameSize returns data changed in place: same length, other bytes.
func sameSize(data []byte) []byte { return sameSizeAt(data, 0) }

// sameSizeAt changes the k-th lower-case letter of data.
func sameSizeAt(data []byte, k int) []byte {
	out := bytes.Clone(data)
	for i, b := range out {
		if b >= 'a' && b <= 'y' {
			if k == 0 {
				out[i] = b + 1
				break
			}
			k--
		}
	}
	return out
}

// sameSizeZip returns the zip at p with a file's content changed and
// the zip's size kept (compression makes most edits change it: some
// letter's does not).
func sameSizeZip(t *testing.T, p string) []byte {
	t.Helper()
	data, _ := os.ReadFile(p)
	tmp := filepath.Join(t.TempDir(), "z.zip")
	for k := range 200 {
		os.WriteFile(tmp, data, 0o644)
		fixtures.EditZip(t, tmp, "hello.go", func(b []byte) []byte { return sameSizeAt(b, k) })
		if edited, _ := os.ReadFile(tmp); len(edited) == len(data) {
			return edited
		}
	}
	t.Fatal("no edit of the zip keeps its size")
	return nil
}

// writeKeepingTimes writes a file in place (the same inode, its
// directory untouched) and sets its modification time back, as someone
// hiding an edit would: only its change time still moves.
func writeKeepingTimes(t *testing.T, p string, data []byte) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		os.Chmod(p, 0o644)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, fi.Mode().Perm())
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
}

// replaceKeepingTimes puts a new file (a new inode) in the place of p,
// by a rename, with p's size, mode and modification time.
func replaceKeepingTimes(t *testing.T, p string, data []byte) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	tmp := p + ".new"
	withWritable(t, filepath.Dir(p), func() {
		if err := os.WriteFile(tmp, data, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(tmp, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, p); err != nil {
			t.Fatal(err)
		}
	})
}

func withWritable(t *testing.T, dir string, f func()) {
	t.Helper()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, fi.Mode().Perm()|0o200)
	defer os.Chmod(dir, fi.Mode().Perm())
	f()
}

// TestModcacheVerifyCacheWarm: a second run re-uses the hashes of what
// did not change, and every kind of change through the file system
// (write, rename, chmod, truncation, replacement; of a zip and of a
// file of an extracted directory), made after the first run and hidden
// as well as a user can (same size, modification time set back), makes
// the warm run hash that version again and report what is wrong.
func TestModcacheVerifyCacheWarm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds module caches with the go command")
	}
	proxy := fixtures.GoProxy(t)
	type change struct {
		name  string
		apply func(t *testing.T, e fixtures.CacheEntry)
		code  string // "" when the content is intact: only the re-hash shows
	}
	changes := []change{
		{"dir_write_same_size", func(t *testing.T, e fixtures.CacheEntry) {
			p := filepath.Join(e.Dir, "hello.go")
			data, _ := os.ReadFile(p)
			writeKeepingTimes(t, p, sameSize(data))
		}, "MODCACHE_DIR_MODIFIED"},
		{"dir_truncate", func(t *testing.T, e fixtures.CacheEntry) {
			fixtures.Truncate(t, filepath.Join(e.Dir, "hello.go"), 0)
		}, "MODCACHE_DIR_MODIFIED"},
		{"dir_replace", func(t *testing.T, e fixtures.CacheEntry) {
			p := filepath.Join(e.Dir, "hello.go")
			data, _ := os.ReadFile(p)
			replaceKeepingTimes(t, p, sameSize(data))
		}, "MODCACHE_DIR_MODIFIED"},
		{"dir_rename", func(t *testing.T, e fixtures.CacheEntry) {
			withWritable(t, e.Dir, func() {
				if err := os.Rename(filepath.Join(e.Dir, "hello.go"), filepath.Join(e.Dir, "hellp.go")); err != nil {
					t.Fatal(err)
				}
			})
		}, "MODCACHE_DIR_MODIFIED"},
		{"dir_chmod", func(t *testing.T, e fixtures.CacheEntry) {
			if err := os.Chmod(filepath.Join(e.Dir, "hello.go"), 0o400); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"zip_write_same_size", func(t *testing.T, e fixtures.CacheEntry) {
			// An edit of the zip through another zip of the same size:
			// the content changes, the size and times do not.
			writeKeepingTimes(t, e.Zip, sameSizeZip(t, e.Zip))
		}, "MODCACHE_ZIP_MISMATCH"},
		{"zip_replace", func(t *testing.T, e fixtures.CacheEntry) {
			replaceKeepingTimes(t, e.Zip, sameSizeZip(t, e.Zip))
		}, "MODCACHE_ZIP_MISMATCH"},
		{"zip_truncate", func(t *testing.T, e fixtures.CacheEntry) {
			fi, _ := os.Stat(e.Zip)
			fixtures.Truncate(t, e.Zip, fi.Size()/2)
		}, "MODCACHE_ZIP_INVALID"},
		{"zip_chmod", func(t *testing.T, e fixtures.CacheEntry) {
			if err := os.Chmod(e.Zip, 0o600); err != nil {
				t.Fatal(err)
			}
		}, ""},
	}
	caches := make([]*fixtures.ModCache, len(changes))
	dirs := make([]string, len(changes))
	for i := range changes {
		caches[i] = fixtures.NewModCache(t, proxy.URL)
		dirs[i] = t.TempDir()
	}
	// Files younger than the file system's clock tick may change again
	// unseen ("racily clean"): the cache does not remember them. Let
	// the copies age past that window, once for all.
	time.Sleep(2100 * time.Millisecond)
	t.Run("group", func(t *testing.T) {
		for i, ch := range changes {
			t.Run(ch.name, func(t *testing.T) {
				t.Parallel()
				c, dir := caches[i], dirs[i]
				cold := runWarm(t, c, dir, checks.Options{})
				if got := unchanged(t, cold); got != "0 module versions unchanged since they were hashed (at most 24 hours ago)" || hasSeverity(cold, checks.SevWarn) || hasSeverity(cold, checks.SevFail) {
					t.Fatalf("cold run: %q\n%s", got, dumpFindings(cold))
				}
				warm := runWarm(t, c, dir, checks.Options{})
				if got := unchanged(t, warm); !strings.HasPrefix(got, "3 module versions unchanged") {
					t.Fatalf("warm run re-used %q, want all 3:\n%s", got, dumpFindings(warm))
				}

				ch.apply(t, helloEntry(c))
				// Past the racy window again, so that only the stamps
				// tell the change (a change this recent is hashed
				// anyway).
				time.Sleep(2100 * time.Millisecond)

				after := runWarm(t, c, dir, checks.Options{})
				if got := unchanged(t, after); !strings.HasPrefix(got, "2 module versions unchanged") {
					t.Errorf("after %s, the warm run re-used %q: the changed version was not hashed again\n%s", ch.name, got, dumpFindings(after))
				}
				if ch.code == "" {
					if hasSeverity(after, checks.SevWarn) || hasSeverity(after, checks.SevFail) {
						t.Errorf("content intact, yet:\n%s", dumpFindings(after))
					}
					return
				}
				f := findFinding(after, ch.code, hello)
				if f == nil || f.Severity != checks.SevFail {
					t.Fatalf("after %s, no failing %s on the warm path:\n%s", ch.name, ch.code, dumpFindings(after))
				}
				// And it stays found: a damaged version is never
				// remembered as good.
				again := runWarm(t, c, dir, checks.Options{})
				if findFinding(again, ch.code, hello) == nil {
					t.Errorf("the next run lost the damage:\n%s", dumpFindings(again))
				}
			})
		}
	})
}

// TestModcacheVerifyCacheBypass: --rehash and --scope all hash
// everything however warm the cache, and a verification cache that is
// garbage is noted, ignored and written again.
func TestModcacheVerifyCacheBypass(t *testing.T) {
	if testing.Short() {
		t.Skip("builds module caches with the go command")
	}
	c := fixtures.NewModCache(t, fixtures.GoProxy(t).URL)
	dir := t.TempDir()
	time.Sleep(2100 * time.Millisecond)

	// A run the deadline stops after the first version hashed: it says
	// what it did not verify, and the next run re-uses what it did.
	ctx, cancel := context.WithCancel(context.Background())
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: c.App, Environ: c.Environ()})
	env.Options.CacheDir = dir
	env.Options.Progress = func(p checks.Progress) {
		if p.Phase == "hashing" && p.Done >= 1 {
			cancel()
		}
	}
	fs, err := runModcache(ctx, env)
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	inc := findFinding(fs, "MODCACHE_SCAN_INCOMPLETE", "")
	if inc == nil || !strings.Contains(inc.Message, "of 3 module versions") {
		t.Fatalf("a stopped run:\n%s", dumpFindings(fs))
	}
	t.Logf("stopped run: %s\n%s", inc.Message, inc.Detail)
	var hashedFirst int
	fmt.Sscanf(inc.Message[strings.Index(inc.Message, "after ")+len("after "):], "%d", &hashedFirst)
	if hashedFirst < 3 && !strings.Contains(inc.Detail, fmt.Sprintf("not verified (%d):", 3-hashedFirst)) {
		t.Errorf("the stopped run does not name what it did not verify:\n%s", dumpFindings(fs))
	}
	if got := unchanged(t, runWarm(t, c, dir, checks.Options{})); !strings.HasPrefix(got, fmt.Sprintf("%d module versions unchanged", hashedFirst)) {
		t.Errorf("after a run stopped at %d versions, the next re-used %q", hashedFirst, got)
	}

	if got := unchanged(t, runWarm(t, c, dir, checks.Options{})); !strings.HasPrefix(got, "3 module versions unchanged") {
		t.Fatalf("not warm: %q", got)
	}
	fs = runWarm(t, c, dir, checks.Options{Rehash: true})
	if got := unchanged(t, fs); got != "not used (--rehash): everything hashed again" {
		t.Errorf("--rehash: %q", got)
	}
	fs = runWarm(t, c, dir, checks.Options{Scope: checks.ScopeAll})
	if got := unchanged(t, fs); got != "not used (--scope all): everything hashed again" {
		t.Errorf("--scope all: %q", got)
	}
	if sum := findFinding(fs, "MODCACHE_SUMMARY", ""); !strings.Contains(sum.Detail, "versions hashed: 4") {
		t.Errorf("--scope all:\n%s", sum.Detail)
	}

	// Garbage in the file, and the module damaged: the damage is found
	// and the file is noted, then replaced by a good one.
	files, _ := filepath.Glob(filepath.Join(dir, "modcache-*"))
	if len(files) != 1 {
		t.Fatalf("verification cache files: %v", files)
	}
	if err := os.WriteFile(files[0], []byte("\x00garbage\x7f\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	editZipOf(t, c, "example.test/hello", "v1.0.0", "hello.go")
	fs = runWarm(t, c, dir, checks.Options{})
	n := findFinding(fs, "MODCACHE_VERIFY_CACHE_IGNORED", files[0])
	if n == nil || !strings.Contains(n.Message, "damaged") {
		t.Errorf("garbage cache not noted:\n%s", dumpFindings(fs))
	}
	if f := findFinding(fs, "MODCACHE_ZIP_MISMATCH", hello); f == nil || f.Severity != checks.SevFail {
		t.Errorf("damage not found:\n%s", dumpFindings(fs))
	}
	fs = runWarm(t, c, dir, checks.Options{})
	if findFinding(fs, "MODCACHE_VERIFY_CACHE_IGNORED", "") != nil {
		t.Errorf("the cache was not written again:\n%s", dumpFindings(fs))
	}
}
