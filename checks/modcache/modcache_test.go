package modcache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// A damage is one way a module cache breaks, with what the doctor and
// the go command must say about it.
type damage struct {
	name  string
	apply func(t *testing.T, c *fixtures.ModCache)
	// code, severity and subject of the finding the doctor must report.
	code    string
	sev     checks.Severity
	subject string
	// verifyFails says whether 'go mod verify' detects it.
	verifyFails bool
	// witness is a go command (run in the app) that fails before the
	// repair and succeeds after it: the evidence, next to 'go mod
	// verify', that the severity is the truth. offline runs it with
	// GOPROXY=off.
	witness []string
	offline bool
	// builtBefore runs 'go build' on the damaged cache before the
	// repair, as people do, so that the go command indexes the damaged
	// module in its build cache (see modcachex.IndexEntry).
	builtBefore bool
	// repair is false for what needs none (information only).
	noRepair bool
	// after checks what the repair left, besides the go command's
	// verdict.
	after func(t *testing.T, c *fixtures.ModCache)
}

// movedVersionDir is where a test moves hello's @v directory to, outside
// the cache.
func movedVersionDir(c *fixtures.ModCache) string {
	return filepath.Join(c.Root, "..", "moved-hello-v")
}

const (
	hello  = "example.test/hello@v1.0.0"
	hello1 = "example.test/hello@v1.1.0"
	upperM = "example.test/Upper@v1.0.0"
)

func helloEntry(c *fixtures.ModCache) fixtures.CacheEntry {
	return c.Entry("example.test/hello", "v1.0.0")
}

// damages are the kinds of damage of issue 5, each on a cache the go
// command built.
var damages = []damage{
	{name: "info_not_json", code: "MODCACHE_INFO_INVALID", sev: checks.SevWarn, subject: hello,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.WriteFile(t, helloEntry(c).Info, []byte("garbage\n"))
		},
		witness: []string{"mod", "download", "-json", "example.test/hello"}, offline: true},
	{name: "info_empty", code: "MODCACHE_INFO_INVALID", sev: checks.SevWarn, subject: hello,
		apply:   func(t *testing.T, c *fixtures.ModCache) { fixtures.Truncate(t, helloEntry(c).Info, 0) },
		witness: []string{"mod", "download", "-json", "example.test/hello"}, offline: true},
	{name: "info_cut_off", code: "MODCACHE_INFO_INVALID", sev: checks.SevWarn, subject: hello,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.WriteFile(t, helloEntry(c).Info, []byte("{\"Version\":\"v1.0.0\",\"Ti\x00\x00\x00\x00"))
		}},
	{name: "info_wrong_version", code: "MODCACHE_INFO_MISMATCH", sev: checks.SevFail, subject: hello,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.WriteFile(t, helloEntry(c).Info, []byte(`{"Version":"v1.0.9","Time":"2024-01-01T00:00:00Z"}`))
		},
		witness: []string{"list", "-m", "example.test/hello@v1.0.0"}},
	{name: "mod_not_parsing", code: "MODCACHE_MOD_MISMATCH", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.WriteFile(t, helloEntry(c).Mod, []byte("modul garbage(\n"))
		},
		witness: []string{"build", "-o", os.DevNull, "."}},
	{name: "mod_edited", code: "MODCACHE_MOD_MISMATCH", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.WriteFile(t, helloEntry(c).Mod, []byte("module example.test/hello\n\ngo 1.21\n\nrequire example.test/evil v1.0.0\n"))
		},
		witness: []string{"build", "-o", os.DevNull, "."}},
	{name: "mod_empty", code: "MODCACHE_MOD_MISMATCH", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) { fixtures.Truncate(t, helloEntry(c).Mod, 0) }},
	{name: "mod_not_parsing_unused_version", code: "MODCACHE_MOD_INVALID", sev: checks.SevWarn, subject: hello1,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.WriteFile(t, c.Entry("example.test/hello", "v1.1.0").Mod, []byte("modul garbage(\n"))
		}},
	{name: "zip_not_a_zip", code: "MODCACHE_ZIP_INVALID", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) { fixtures.WriteFile(t, helloEntry(c).Zip, []byte("garbage")) }},
	{name: "zip_truncated", code: "MODCACHE_ZIP_INVALID", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fi, err := os.Stat(helloEntry(c).Zip)
			if err != nil {
				t.Fatal(err)
			}
			fixtures.Truncate(t, helloEntry(c).Zip, fi.Size()/2)
		}},
	{name: "zip_empty", code: "MODCACHE_ZIP_INVALID", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) { fixtures.Truncate(t, helloEntry(c).Zip, 0) }},
	{name: "zip_edited", code: "MODCACHE_ZIP_MISMATCH", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.EditZip(t, helloEntry(c).Zip, "hello.go", func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `"hello"`, `"pwned"`, 1))
			})
		}},
	{name: "zip_edited_not_extracted", code: "MODCACHE_ZIP_MISMATCH", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			e := helloEntry(c)
			fixtures.EditZip(t, e.Zip, "hello.go", func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `"hello"`, `"pwned"`, 1))
			})
			fixtures.Remove(t, e.Dir)
		}},
	{name: "zip_and_ziphash_replaced_consistently", code: "MODCACHE_SUM_MISMATCH", sev: checks.SevFail, subject: hello,
		// Content from elsewhere (another proxy, a re-tagged version)
		// whose .ziphash was written for it, extracted: the cache agrees
		// with itself, so 'go mod verify' passes, but not with go.sum.
		apply: func(t *testing.T, c *fixtures.ModCache) {
			e := helloEntry(c)
			fixtures.EditZip(t, e.Zip, "hello.go", func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `"hello"`, `"pwned"`, 1))
			})
			h, err := dirhash.HashZip(e.Zip, dirhash.Hash1)
			if err != nil {
				t.Fatal(err)
			}
			fixtures.WriteFile(t, e.ZipHash, []byte(h))
			// Extracted from that zip, as a build leaves it.
			p := filepath.Join(e.Dir, "hello.go")
			data, _ := os.ReadFile(p)
			fixtures.WriteFile(t, p, []byte(strings.Replace(string(data), `"hello"`, `"pwned"`, 1)))
		},
		witness: []string{"build", "-o", os.DevNull, "."}},
	{name: "ziphash_garbage", code: "MODCACHE_ZIPHASH_INVALID", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.WriteFile(t, helloEntry(c).ZipHash, []byte("garbage"))
		}},
	{name: "ziphash_empty", code: "MODCACHE_ZIPHASH_INVALID", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) { fixtures.Truncate(t, helloEntry(c).ZipHash, 0) }},
	{name: "ziphash_wrong", code: "MODCACHE_ZIPHASH_MISMATCH", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.WriteFile(t, helloEntry(c).ZipHash, []byte("h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
		},
		witness: []string{"build", "-o", os.DevNull, "."}},
	{name: "ziphash_missing", code: "MODCACHE_ZIPHASH_MISSING", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) { fixtures.Remove(t, helloEntry(c).ZipHash) }},
	{name: "ziphash_without_zip", code: "MODCACHE_ZIPHASH_ORPHAN", sev: checks.SevWarn, subject: hello,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.Remove(t, helloEntry(c).Zip)
			fixtures.Remove(t, helloEntry(c).Dir)
		},
		witness: []string{"build", "-o", os.DevNull, "."}, offline: true},
	{name: "extracted_without_zip_or_ziphash", code: "MODCACHE_ZIPHASH_MISSING", sev: checks.SevWarn, subject: hello,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.Remove(t, helloEntry(c).Zip)
			fixtures.Remove(t, helloEntry(c).ZipHash)
		},
		witness: []string{"build", "-o", os.DevNull, "."}, offline: true},
	{name: "zip_removed_to_save_space", code: "MODCACHE_ZIP_REMOVED", sev: checks.SevInfo, subject: hello, noRepair: true,
		apply: func(t *testing.T, c *fixtures.ModCache) { fixtures.Remove(t, helloEntry(c).Zip) }},
	{name: "partial_extraction", code: "MODCACHE_PARTIAL_DOWNLOAD", sev: checks.SevWarn, subject: hello,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			e := helloEntry(c)
			fixtures.WriteFile(t, e.Partial, nil)
			fixtures.Remove(t, filepath.Join(e.Dir, "hello.go"))
		}},
	{name: "temporary_files", code: "MODCACHE_TEMP_FILE", sev: checks.SevWarn, subject: hello,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			e := helloEntry(c)
			fixtures.WriteFile(t, e.Zip+"4242.tmp", []byte("PK\x03\x04 half a download"))
			fixtures.WriteFile(t, e.Info+"17.tmp", nil)
			if err := os.MkdirAll(e.Dir+".tmp-123456", 0o755); err != nil {
				t.Fatal(err)
			}
		}},
	{name: "stale_lock", code: "MODCACHE_STALE_LOCK", sev: checks.SevWarn, subject: hello,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.HoldLock(t, helloEntry(c).Lock)
		}},
	{name: "dir_file_edited", code: "MODCACHE_DIR_MODIFIED", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			p := filepath.Join(helloEntry(c).Dir, "hello.go")
			data, _ := os.ReadFile(p)
			fixtures.WriteFile(t, p, append(data, "// edited by hand\n"...))
		}},
	{name: "dir_file_added", code: "MODCACHE_DIR_MODIFIED", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.WriteFile(t, filepath.Join(helloEntry(c).Dir, "debug.go"), []byte("package hello\n"))
		}},
	{name: "dir_file_added_and_built", code: "MODCACHE_DIR_MODIFIED", sev: checks.SevFail, subject: hello, verifyFails: true, builtBefore: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.WriteFile(t, filepath.Join(helloEntry(c).Dir, "debug.go"), []byte("package hello\n"))
		}},
	{name: "dir_file_removed", code: "MODCACHE_DIR_MODIFIED", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.Remove(t, filepath.Join(helloEntry(c).Dir, "go.mod"))
		}},
	{name: "dir_broken_symlink", code: "MODCACHE_BROKEN_SYMLINK", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.Symlink(t, filepath.Join(c.Root, "nowhere.go"), filepath.Join(helloEntry(c).Dir, "link.go"))
		}},
	{name: "dir_symlink_loop", code: "MODCACHE_BROKEN_SYMLINK", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.Symlink(t, "loop", filepath.Join(helloEntry(c).Dir, "loop"))
		}},
	{name: "dir_is_symlink", code: "MODCACHE_DIR_SYMLINK", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			e := helloEntry(c)
			moved := filepath.Join(c.Root, "..", "moved-hello")
			if err := fixtures.CopyTree(e.Dir, moved); err != nil {
				t.Fatal(err)
			}
			fixtures.Symlink(t, moved, e.Dir)
		}},
	{name: "dir_dangling_symlink", code: "MODCACHE_BROKEN_SYMLINK", sev: checks.SevFail, subject: hello,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.Symlink(t, filepath.Join(c.Root, "gone"), helloEntry(c).Dir)
		},
		witness: []string{"build", "-o", os.DevNull, "."}},
	{name: "zip_dangling_symlink", code: "MODCACHE_BROKEN_SYMLINK", sev: checks.SevWarn, subject: hello,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			fixtures.Symlink(t, filepath.Join(c.Root, "gone.zip"), helloEntry(c).Zip)
		}},
	{name: "symlinked_dirs_to_broken_zip", code: "MODCACHE_ZIP_INVALID", sev: checks.SevFail, subject: hello, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			// A directory of the module path (cache/download/example.test)
			// and then hello's @v directory live elsewhere (caches shared
			// by links); the go command opens the files through the links.
			e := helloEntry(c)
			dir := filepath.Dir(filepath.Dir(e.VersionDir))
			movedDir := filepath.Join(c.Root, "..", "moved-example.test")
			if err := fixtures.CopyTree(dir, movedDir); err != nil {
				t.Fatal(err)
			}
			fixtures.Symlink(t, movedDir, dir)
			if err := fixtures.CopyTree(e.VersionDir, movedVersionDir(c)); err != nil {
				t.Fatal(err)
			}
			fixtures.Symlink(t, movedVersionDir(c), e.VersionDir)
			fixtures.Truncate(t, filepath.Join(movedVersionDir(c), "v1.0.0.zip"), 100)
			// A link back up must not make the walk loop.
			fixtures.Symlink(t, "..", filepath.Join(movedDir, "loop"))
		},
		// The repair removes a link, never what it points to.
		after: func(t *testing.T, c *fixtures.ModCache) {
			if fi, err := os.Stat(filepath.Join(movedVersionDir(c), "v1.0.0.zip")); err != nil || fi.Size() != 100 {
				t.Errorf("the repair touched a link's target outside the cache: %v", err)
			}
		}},
	{name: "names_the_go_command_never_writes", code: "MODCACHE_BAD_NAME", sev: checks.SevWarn,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			e := helloEntry(c)
			fixtures.WriteFile(t, filepath.Join(e.VersionDir, "v1.0.zip"), []byte("x"))
			bad := filepath.Join(c.Root, "cache", "download", "Bad.example", "@v")
			if err := os.MkdirAll(bad, 0o755); err != nil {
				t.Fatal(err)
			}
			fixtures.WriteFile(t, filepath.Join(bad, "v1.0.0.info"), []byte("{}"))
		}},
	{name: "escaped_path_dir_edited", code: "MODCACHE_DIR_MODIFIED", sev: checks.SevFail, subject: upperM, verifyFails: true,
		apply: func(t *testing.T, c *fixtures.ModCache) {
			p := filepath.Join(c.Entry("example.test/Upper", "v1.0.0").Dir, "internal", "shout", "shout.go")
			data, _ := os.ReadFile(p)
			fixtures.WriteFile(t, p, append(data, "// edited\n"...))
		}},
}

// TestModcacheDamage breaks a module cache built by the real go command
// in each way of issue 5 and shows, for each: the doctor reports it with
// the right code and severity; whenever 'go mod verify' detects it, the
// doctor does too (and calls it a failure); the witness go command fails
// as the severity says; and after the doctor's targeted repair commands
// run, exactly as printed, 'go mod verify' and 'go build' succeed and the
// doctor finds nothing left to fix.
func TestModcacheDamage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds module caches with the go command")
	}
	proxy := fixtures.GoProxy(t)
	var doctorOnly []string
	for _, d := range damages {
		if !d.verifyFails && d.sev != checks.SevInfo {
			doctorOnly = append(doctorOnly, d.name+" ("+d.code+")")
		}
	}
	t.Logf("damage the doctor finds and 'go mod verify' does not: %s", strings.Join(doctorOnly, ", "))
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			c := fixtures.NewModCache(t, proxy.URL)
			d.apply(t, c)

			fs := runDoctor(t, c, checks.ScopeModule)
			if os.Getenv("MODCACHE_DUMP") != "" {
				t.Logf("doctor:\n%s", dumpFindings(fs))
			}
			f := findFinding(fs, d.code, d.subject)
			if f == nil {
				t.Fatalf("no %s finding for %q; findings:\n%s", d.code, d.subject, dumpFindings(fs))
			}
			if f.Severity != d.sev {
				t.Errorf("%s has severity %s, want %s\n%s", d.code, f.Severity, d.sev, dumpFindings(fs))
			}

			out, err := c.Go(t, c.App, nil, "mod", "verify")
			if (err != nil) != d.verifyFails {
				t.Errorf("go mod verify failed = %v, want %v:\n%s", err != nil, d.verifyFails, out)
			}
			if err != nil && !hasSeverity(fs, checks.SevFail) {
				t.Errorf("go mod verify fails but the doctor reports no failure:\n%s\n%s", out, dumpFindings(fs))
			}
			var extra []string
			if d.offline {
				extra = []string{"GOPROXY=off"}
			}
			if d.witness != nil {
				if out, err := c.Go(t, c.App, extra, d.witness...); err == nil {
					t.Errorf("witness go %s succeeded before the repair:\n%s", strings.Join(d.witness, " "), out)
				}
			}
			if d.builtBefore {
				c.Go(t, c.App, nil, "build", "-o", os.DevNull, ".")
			}
			if d.noRepair {
				if hasSeverity(fs, checks.SevWarn) || hasSeverity(fs, checks.SevFail) {
					t.Errorf("nothing to repair, but:\n%s", dumpFindings(fs))
				}
				return
			}

			repair(t, c, fs)

			if out, err := c.Go(t, c.App, nil, "mod", "verify"); err != nil {
				t.Errorf("after the repair, go mod verify fails:\n%s", out)
			}
			if out, err := c.Go(t, c.App, nil, "build", "-o", os.DevNull, "."); err != nil {
				t.Errorf("after the repair, go build fails:\n%s", out)
			}
			if d.witness != nil {
				if out, err := c.Go(t, c.App, extra, d.witness...); err != nil {
					t.Errorf("after the repair, go %s fails:\n%s", strings.Join(d.witness, " "), out)
				}
			}
			if d.after != nil {
				d.after(t, c)
			}
			after := runDoctor(t, c, checks.ScopeModule)
			if hasSeverity(after, checks.SevWarn) || hasSeverity(after, checks.SevFail) {
				t.Errorf("after the repair the doctor still reports:\n%s", dumpFindings(after))
			}
		})
	}
}

// runDoctor runs the modcache check in the app of a cache, as the CLI
// would there.
func runDoctor(t *testing.T, c *fixtures.ModCache, scope string) []checks.Finding {
	t.Helper()
	env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: c.App, Environ: c.Environ()})
	env.Options.Scope = scope
	return checktest.Findings(t, env, Check)
}

func findFinding(fs []checks.Finding, code, subject string) *checks.Finding {
	for i := range fs {
		if fs[i].Code == code && (subject == "" || fs[i].Subject == subject) {
			return &fs[i]
		}
	}
	return nil
}

func hasSeverity(fs []checks.Finding, sev checks.Severity) bool {
	return slices.ContainsFunc(fs, func(f checks.Finding) bool { return f.Severity == sev })
}

func dumpFindings(fs []checks.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s (%s): %s\n", f.Severity, f.Code, f.Subject, f.Message)
		for _, line := range strings.Split(f.Detail, "\n") {
			if line != "" {
				fmt.Fprintf(&b, "      %s\n", line)
			}
		}
		for _, x := range f.Fixes {
			fmt.Fprintf(&b, "    $ %s   [%s auto=%v]\n", x.Command, x.Kind, x.Auto)
		}
	}
	return b.String()
}

// repair runs the fixes of every problem, exactly as printed, in a shell
// in the app directory: the targeted cache fixes, and the manual steps
// this test can take for the user (stopping a process, taking ownership
// back). 'go clean -modcache' is the last resort and is never run: the
// point is that the targeted repair suffices. A command is run once even
// when several findings give it.
func repair(t *testing.T, c *fixtures.ModCache, fs []checks.Finding) {
	t.Helper()
	ran := map[string]bool{}
	for _, f := range fs {
		if f.Severity == checks.SevInfo {
			continue
		}
		for _, x := range f.Fixes {
			if x.Auto && x.Kind == checks.FixCache {
				t.Errorf("fix %q deletes cache entries but is marked automatic", x.Command)
			}
			if x.Command == "go clean -modcache" || ran[x.Command] {
				continue
			}
			if x.Kind != checks.FixCache && !strings.HasPrefix(x.Command, "kill ") && !strings.HasPrefix(x.Command, "sudo chown ") {
				continue
			}
			ran[x.Command] = true
			runShell(t, c, x.Command)
		}
	}
	if len(ran) == 0 {
		t.Fatalf("no repair command to run:\n%s", dumpFindings(fs))
	}
}

// runShell runs a fix command. 'sudo' is dropped when the test already
// runs as root.
func runShell(t *testing.T, c *fixtures.ModCache, command string) {
	t.Helper()
	if os.Geteuid() == 0 {
		command = strings.TrimPrefix(command, "sudo ")
	}
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir = c.App
	cmd.Env = c.Environ()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("repair command failed: %s\n%v\n%s", command, err, out)
	}
	if strings.HasPrefix(command, "kill ") {
		// The lock goes when the process is gone: wait for it (bounded).
		pid, _ := strconv.Atoi(strings.TrimPrefix(command, "kill "))
		waitGone(t, pid)
	}
}

// waitGone waits, at most 5s, until a process has exited.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	for range 100 {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if errors.Is(err, os.ErrNotExist) || (err == nil && strings.Contains(string(data), ") Z ")) {
			return
		}
		if err != nil {
			return // no /proc: trust the kill
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("process %d still runs 5s after kill", pid)
}

// TestOfflineDamageFails: damage the go command repairs by downloading
// again is a warning online, but with GOPROXY=off the go command cannot
// download, so the witness fails for good: the doctor says fail. The
// damages are those of the table that have an offline witness.
func TestOfflineDamageFails(t *testing.T) {
	if testing.Short() {
		t.Skip("builds module caches with the go command")
	}
	proxy := fixtures.GoProxy(t)
	n := 0
	for _, d := range damages {
		if !d.offline {
			continue
		}
		n++
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			c := fixtures.NewModCache(t, proxy.URL)
			d.apply(t, c)
			var environ []string
			for _, kv := range c.Environ() {
				if !strings.HasPrefix(kv, "GOPROXY=") {
					environ = append(environ, kv)
				}
			}
			env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: c.App, Environ: append(environ, "GOPROXY=off")})
			env.Options.Scope = checks.ScopeModule
			fs := checktest.Findings(t, env, Check)
			f := findFinding(fs, d.code, d.subject)
			if f == nil || f.Severity != checks.SevFail || !strings.Contains(f.Message, "GOPROXY=off") {
				t.Errorf("with GOPROXY=off, want %s fail saying GOPROXY=off:\n%s", d.code, dumpFindings(fs))
			}
			if out, err := c.Go(t, c.App, []string{"GOPROXY=off"}, d.witness...); err == nil {
				t.Errorf("go %s succeeded with GOPROXY=off:\n%s", strings.Join(d.witness, " "), out)
			}
		})
	}
	if n == 0 {
		t.Fatal("no damage with an offline witness")
	}
}
