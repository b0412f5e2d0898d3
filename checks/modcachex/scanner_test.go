package modcachex

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/mod/module"
)

// collect runs a structural pass and returns its problems.
func collect(t *testing.T, s *Scanner) ([]Problem, Stats) {
	t.Helper()
	var ps []Problem
	st, err := s.Structural(context.Background(), func(p Problem) { ps = append(ps, p) })
	if err != nil {
		t.Fatal(err)
	}
	return ps, st
}

func hasProblem(ps []Problem, kind Kind, pathSuffix string) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool {
		return p.Kind == kind && strings.HasSuffix(filepath.ToSlash(p.Path), pathSuffix)
	})
}

// sparse makes a file that claims size bytes without using the space.
func sparse(t *testing.T, path string, size int64) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

// TestStructuralBadInput feeds the scanner what the go command never
// writes: it reports each thing clearly and neither panics, loops nor
// reads enormous files.
func TestStructuralBadInput(t *testing.T) {
	root := t.TempDir()
	dl := filepath.Join(root, "cache", "download")
	writeTree(t, dl, map[string]string{
		"sumdb/sum.example.test/lookup/x@v1.0.0":     "ignored",
		"Github.com/x/@v/v1.0.0.info":                `{"Version":"v1.0.0"}`,
		"example.test/a/@v/list":                     "v1.0.0\n",
		"example.test/a/@v/v1.0.zip":                 "x",
		"example.test/a/@v/v1.0.0.weird":             "x",
		"example.test/a/@v/v1.0.0.zip123.tmp":        "x",
		"example.test/a/@v/stray.tmp":                "x",
		"example.test/a/@v/v1.0.0.info":              `{"Version":"v1.0.0","Time":"not a time"}`,
		"example.test/a/@v/v1.0.0.mod":               "module example.test/a\n",
		"example.test/b/@v/v1.0.0.mod":               "//vgo 0.0.4\nmodule example.test/b\n",
		"example.test/c/@v/v1.0.0.ziphash":           "h1:short",
		"example.test/c/@v/v1.0.0.mod":               "module example.test/c\nrequire (\n",
		"example.test/d/@v/v1.0.0.info":              "\x00\x00\x00",
		"example.test/d/@v/v1.0.0-rc.1.info":         `{"Version":"v1.0.0-rc.1"}`,
		"example.test/d/@v/v2.0.0+incompatible.info": `{"Version":"v2.0.0+incompatible"}`,
	})
	writeTree(t, root, map[string]string{
		"Example.test/x@v1.0.0/go.mod":  "module Example.test/x\n",
		"example.test/y@v1.0/go.mod":    "module example.test/y\n",
		"example.test/z@v1.0.0/go.mod":  "module example.test/z\n",
		"example.test/a@v1.0.0.tmp-42/": "",
	})
	os.Symlink("..", filepath.Join(dl, "example.test", "loop"))
	os.Symlink("nowhere", filepath.Join(dl, "example.test", "dangling"))
	deep := dl
	for range maxDepth + 5 {
		deep = filepath.Join(deep, "d")
	}
	writeTree(t, deep, map[string]string{"@v/v1.0.0.info": "{}"})
	sparse(t, filepath.Join(dl, "example.test", "big", "@v", "v1.0.0.info"), 2<<30)
	sparse(t, filepath.Join(dl, "example.test", "big", "@v", "v1.0.0.mod"), 20<<20)
	sparse(t, filepath.Join(dl, "example.test", "big", "@v", "v1.0.0.zip"), 600<<20)
	sparse(t, filepath.Join(dl, "example.test", "big", "@v", "v1.0.0.ziphash"), 1<<30)

	s := NewScanner(root)
	ps, st := collect(t, s)
	for _, c := range []struct {
		kind   Kind
		suffix string
	}{
		{BadName, "cache/download/Github.com/x"},
		{BadName, "example.test/a/@v/v1.0.zip"},
		{BadName, "example.test/a/@v/v1.0.0.weird"},
		{TempFile, "example.test/a/@v/v1.0.0.zip123.tmp"},
		{TempFile, "example.test/a/@v/stray.tmp"},
		{TempFile, "example.test/a@v1.0.0.tmp-42"},
		{InfoInvalid, "example.test/a/@v/v1.0.0.info"},
		{ModInvalid, "example.test/b/@v/v1.0.0.mod"},
		{ZipHashInvalid, "example.test/c/@v/v1.0.0.ziphash"},
		{ModInvalid, "example.test/c/@v/v1.0.0.mod"},
		{InfoInvalid, "example.test/d/@v/v1.0.0.info"},
		{BadName, "Example.test/x@v1.0.0"},
		{BadName, "example.test/y@v1.0"},
		{ZipHashMissing, "example.test/z@v1.0.0"},
		{BrokenSymlink, "example.test/dangling"},
		{BadName, "/d/d"},
		{InfoInvalid, "example.test/big/@v/v1.0.0.info"},
		{ModInvalid, "example.test/big/@v/v1.0.0.mod"},
		{ZipInvalid, "example.test/big/@v/v1.0.0.zip"},
		{ZipHashInvalid, "example.test/big/@v/v1.0.0.ziphash"},
	} {
		if !hasProblem(ps, c.kind, c.suffix) {
			t.Errorf("no %s for ...%s", c.kind, c.suffix)
		}
	}
	for _, p := range ps {
		if strings.Contains(p.Path, "sumdb") || strings.Contains(p.Path, "rc.1") || strings.Contains(p.Path, "incompatible") {
			t.Errorf("reported %s %s", p.Kind, p.Path)
		}
	}
	if st.Versions == 0 {
		t.Errorf("no versions counted")
	}
}

func TestStructuralStopsAndReportsProgress(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{}
	for _, m := range []string{"a", "b", "c", "d"} {
		files["cache/download/example.test/"+m+"/@v/v1.0.0.info"] = `{"Version":"v1.0.0"}`
	}
	writeTree(t, root, files)
	s := NewScanner(root)
	var calls atomic.Int64
	s.Progress = func(p Progress) {
		calls.Add(1)
		if p.Phase != "structure" || p.Done < 1 {
			t.Errorf("progress %+v", p)
		}
	}
	_, st := collect(t, s)
	if st.Versions != 4 || calls.Load() != 4 {
		t.Errorf("%d versions, %d progress calls", st.Versions, calls.Load())
	}

	s.Progress = nil
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st, err := s.Structural(ctx, func(Problem) {})
	if err != nil || !st.Stopped {
		t.Errorf("canceled pass: %+v %v", st, err)
	}
	st, err = s.Deep(ctx, []module.Version{{Path: "example.test/a", Version: "v1.0.0"}}, func(Problem) {})
	if err != nil || !st.Stopped {
		t.Errorf("canceled deep pass: %+v %v", st, err)
	}
}

func TestStructuralPermissions(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads and writes everything; the as-another-user tests in package checks cover this")
	}
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"cache/download/example.test/a/@v/v1.0.0.info": `{"Version":"v1.0.0"}`,
		"cache/download/example.test/b/@v/v1.0.0.info": `{"Version":"v1.0.0"}`,
	})
	os.Chmod(filepath.Join(root, "cache/download/example.test/a/@v/v1.0.0.info"), 0)
	os.Chmod(filepath.Join(root, "cache/download/example.test/b/@v"), 0o555)
	os.Chmod(filepath.Join(root, "cache/download"), 0o555)
	defer os.Chmod(filepath.Join(root, "cache/download"), 0o755)
	defer os.Chmod(filepath.Join(root, "cache/download/example.test/b/@v"), 0o755)
	ps, _ := collect(t, NewScanner(root))
	if !hasProblem(ps, Unreadable, "a/@v/v1.0.0.info") || !hasProblem(ps, NotWritable, "cache/download") {
		t.Errorf("problems: %+v", ps)
	}
	if !slices.ContainsFunc(ps, func(p Problem) bool { return p.Kind == NotWritable && p.Count == 1 }) {
		t.Errorf("no summary of read-only module directories: %+v", ps)
	}
}

func TestStructuralForeignOwner(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"cache/download/example.test/a/@v/v1.0.0.info": `{"Version":"v1.0.0"}`})
	s := NewScanner(root)
	// Pretend to be someone else: every file is then another user's.
	s.UID, s.CheckOwner = uint32(os.Geteuid())+1, true
	ps, _ := collect(t, s)
	i := slices.IndexFunc(ps, func(p Problem) bool { return p.Kind == ForeignOwner })
	if i < 0 || ps[i].Count < 3 || len(ps[i].Samples) == 0 || ps[i].Owner != uint32(os.Geteuid()) {
		t.Errorf("foreign owner: %+v", ps)
	}
}
