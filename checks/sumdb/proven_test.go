package sumdb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// provenRun runs the sumdb check on the side-by-side module with the
// doctor's cache directory dir, and returns the result and what it
// asked the database.
func provenRun(t *testing.T, s *sideBySide, sb *fixtures.Sandbox, dir string) (checks.CheckResult, []string) {
	t.Helper()
	before := len(s.db.Requests())
	env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: s.dir, Environ: sb.Environ(s.env...)})
	env.Options.CacheDir = dir
	r := checktest.Run(t, env, Check, 30*time.Second)
	return r, s.db.Requests()[before:]
}

func lookups(asked []string) []string {
	var out []string
	for _, a := range asked {
		if strings.HasPrefix(a, "/lookup/") {
			out = append(out, a)
		}
	}
	return out
}

// TestSumDBRemembersProvenRecords: the second run fetches and verifies
// the signed tree head again, proves it contains the one the first run
// proved the records in, and looks up only what its memory does not
// vouch for (the planted bad lines, the unknown module): the verdicts
// are the same line for line. A line changed in go.sum after the first
// run is looked up afresh and reported.
func TestSumDBRemembersProvenRecords(t *testing.T) {
	s := newSideBySide(t, 40, "sum.remember.test")
	sb := fixtures.NewSandbox(t, fixtures.GoProxy(t).URL)
	dir := t.TempDir()

	first, asked1 := provenRun(t, s, sb, dir)
	n1 := len(lookups(asked1))
	if n1 < 40 {
		t.Fatalf("first run: %d lookups", n1)
	}
	second, asked2 := provenRun(t, s, sb, dir)
	if len(asked2) == 0 || asked2[0] != "/latest" {
		t.Errorf("second run did not fetch the signed tree head first: %q", asked2)
	}
	// Looked up again: the module with two planted lines (one item
	// each: hello's content hash and greet's go.mod hash) and the one
	// the database does not know.
	if got := lookups(asked2); len(got) != 3 {
		t.Errorf("second run looked up %d module versions, want 3 (the planted ones):\n%s", len(got), strings.Join(got, "\n"))
	}
	if d1, d2 := checktest.Dump(first), checktest.Dump(second); stripMemory(d1) != stripMemory(d2) {
		t.Errorf("the verdicts changed:\nfirst:\n%s\nsecond:\n%s", d1, d2)
	}
	v := checktest.Finding(second, "SUMDB_GOSUM_VERIFIED")
	if v == nil || !strings.Contains(v.Detail, "records: 40 remembered from an earlier run") {
		t.Errorf("second run: %+v", v)
	}

	// A line changed after the first run: the memory disagrees with
	// it, so it is looked up, and the database's answer decides.
	data, _ := os.ReadFile(s.gosum)
	lines := strings.Split(string(data), "\n")
	i := len(lines) - 8 // a made-up module's line, proven before
	lines[i] = lines[i][:len(lines[i])-8] + "BBBBBBB="
	os.WriteFile(s.gosum, []byte(strings.Join(lines, "\n")), 0o644)
	third, asked3 := provenRun(t, s, sb, dir)
	if got := lookups(asked3); len(got) != 4 {
		t.Errorf("third run looked up %d module versions, want 4:\n%s", len(got), strings.Join(got, "\n"))
	}
	found := false
	for _, f := range third.Findings {
		if f.Code == "SUMDB_GOSUM_MISMATCH" && strings.Contains(f.Detail+f.Message, strings.Fields(lines[i])[0]) {
			found = true
		}
	}
	if !found {
		t.Errorf("the changed line is not reported:\n%s", checktest.Dump(third))
	}
}

// stripMemory drops what says how records were read.
func stripMemory(dump string) string {
	var out []string
	for _, l := range strings.Split(dump, "\n") {
		if strings.Contains(l, "records: ") || strings.Contains(l, "lookups: ") {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// TestSumDBMemorySeesAFork: the database's history changes between two
// runs (the go command kept no tree head here, so only the doctor's
// memory knows the old one): the second run proves the fork.
func TestSumDBMemorySeesAFork(t *testing.T) {
	s := newSideBySide(t, 10, "sum.memfork.test")
	sb := fixtures.NewSandbox(t, fixtures.GoProxy(t).URL)
	dir := t.TempDir()
	provenRun(t, s, sb, dir)
	if _, err := os.Stat(filepath.Join(sb.Vars["GOPATH"], "pkg", "sumdb", "sum.memfork.test", "latest")); err == nil {
		t.Fatal("the go command kept a tree head: the test would not show the memory's part")
	}
	s.db.Fork()
	r, _ := provenRun(t, s, sb, dir)
	f := checktest.Finding(r, "SUMDB_FORK")
	if f == nil || f.Severity != checks.SevFail || !strings.Contains(f.Message, "the tree head the doctor verified in an earlier run") {
		t.Fatalf("fork not seen:\n%s", checktest.Dump(r))
	}
	// Without the memory, this run could not tell.
	r, _ = provenRun(t, s, sb, "")
	if checktest.Finding(r, "SUMDB_FORK") != nil {
		t.Fatalf("a fork without memory?\n%s", checktest.Dump(r))
	}
}

// TestSumDBMemoryUntrusted: a memory that is damaged, another user's
// or made for another key is noted and not used: every record is
// looked up, and the verdicts are those of a run without memory.
func TestSumDBMemoryUntrusted(t *testing.T) {
	s := newSideBySide(t, 10, "sum.memuntrusted.test")
	other := newSideBySide(t, 10, "sum.memother.test")
	sb := fixtures.NewSandbox(t, fixtures.GoProxy(t).URL)
	dir, otherDir := t.TempDir(), t.TempDir()
	provenRun(t, s, sb, dir)
	provenRun(t, other, sb, otherDir)
	files, _ := filepath.Glob(filepath.Join(dir, "sumdb-*"))
	otherFiles, _ := filepath.Glob(filepath.Join(otherDir, "sumdb-*"))
	if len(files) != 1 || len(otherFiles) != 1 {
		t.Fatalf("memory files: %v %v", files, otherFiles)
	}
	good, _ := os.ReadFile(files[0])
	otherData, _ := os.ReadFile(otherFiles[0])
	base, _ := provenRun(t, s, sb, "")

	for _, c := range []struct {
		name, why string
		data      []byte
		mode      os.FileMode
		uid       int
	}{
		{"truncated", "damaged", good[:len(good)/2], 0o600, -1},
		{"garbage", "damaged", []byte("garbage\x00\nsum 1\n"), 0o600, -1},
		{"another_key", "another database or key", otherData, 0o600, -1},
		{"writable_by_others", "others may write", good, 0o666, -1},
		{"another_owner", "belongs to user 65534", good, 0o600, 65534},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.uid >= 0 && os.Geteuid() != 0 {
				t.Skip("only root can give a file away")
			}
			os.Remove(files[0])
			if err := os.WriteFile(files[0], c.data, c.mode); err != nil {
				t.Fatal(err)
			}
			os.Chmod(files[0], c.mode)
			if c.uid >= 0 {
				os.Chown(files[0], c.uid, c.uid)
			}
			r, asked := provenRun(t, s, sb, dir)
			n := checktest.Finding(r, "SUMDB_MEMORY_IGNORED")
			if n == nil || !strings.Contains(n.Message, c.why) {
				t.Errorf("no note saying %q:\n%s", c.why, checktest.Dump(r))
			}
			if got := len(lookups(asked)); got < 10 {
				t.Errorf("only %d lookups: the memory was used", got)
			}
			r.Findings = withoutCode(r.Findings, "SUMDB_MEMORY_IGNORED")
			if stripMemory(checktest.Dump(r)) != stripMemory(checktest.Dump(base)) {
				t.Errorf("verdicts differ from a run without memory:\n%s\n---\n%s", checktest.Dump(r), checktest.Dump(base))
			}
		})
	}
}

func withoutCode(fs []checks.Finding, code string) []checks.Finding {
	var out []checks.Finding
	for _, f := range fs {
		if f.Code != code {
			out = append(out, f)
		}
	}
	return out
}
