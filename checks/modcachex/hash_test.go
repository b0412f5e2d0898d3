package modcachex

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/dirhash"
)

// writeTree writes files (slash-separated names) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writeZip writes a module zip of files, each named prefix/name.
func writeZip(t testing.TB, path, prefix string, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, data := range files {
		f, err := w.Create(prefix + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(data))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func randomTree(r *rand.Rand) map[string]string {
	files := map[string]string{"go.mod": "module example.test/m\n"}
	names := []string{"a.go", "b_test.go", "LICENSE", "sub/c.go", "sub/deep/d.go", "ünï.go", "sp ace.txt", "empty"}
	for _, n := range names {
		if r.IntN(3) > 0 {
			files[n] = strings.Repeat(fmt.Sprintf("line %d\n", r.IntN(1000)), r.IntN(5000))
		}
	}
	return files
}

// TestHashesMatchDirhash shows that the doctor's streaming hashes are
// dirhash's, on random trees and zips.
func TestHashesMatchDirhash(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	h := newHasher(nil)
	for i := range 20 {
		dir := t.TempDir()
		files := randomTree(r)
		writeTree(t, dir, files)
		prefix := "example.test/m@v1.0." + fmt.Sprint(i)
		want, err := dirhash.HashDir(dir, prefix, dirhash.Hash1)
		if err != nil {
			t.Fatal(err)
		}
		got, issues, _, err := h.hashDir(dir, prefix, nil)
		if err != nil || len(issues) > 0 || got != want {
			t.Fatalf("hashDir = %s %v %v, dirhash says %s", got, issues, err, want)
		}
		zp := filepath.Join(t.TempDir(), "m.zip")
		writeZip(t, zp, prefix, files)
		want, err = dirhash.HashZip(zp, dirhash.Hash1)
		if err != nil {
			t.Fatal(err)
		}
		got, err = h.hashZip(zp)
		if err != nil || got != want {
			t.Fatalf("hashZip = %s %v, dirhash says %s", got, err, want)
		}
	}
}

// TestHashesMatchDirhashOnThisMachine compares with dirhash on a few
// real modules of this machine's module cache, read only, when there is
// one.
func TestHashesMatchDirhashOnThisMachine(t *testing.T) {
	root := os.Getenv("GOMODCACHE")
	if root == "" {
		if gp := os.Getenv("GOPATH"); gp != "" {
			root = filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod")
		} else if home, err := os.UserHomeDir(); err == nil {
			root = filepath.Join(home, "go", "pkg", "mod")
		}
	}
	zips, _ := filepath.Glob(filepath.Join(root, "cache", "download", "*", "*", "*", "@v", "*.zip"))
	if len(zips) == 0 {
		t.Skip("no module cache with zips on this machine")
	}
	h := newHasher(nil)
	for _, zp := range zips[:min(len(zips), 5)] {
		want, err := dirhash.HashZip(zp, dirhash.Hash1)
		if err != nil {
			continue
		}
		got, err := h.hashZip(zp)
		if err != nil || got != want {
			t.Errorf("%s: hashZip = %s %v, dirhash says %s", zp, got, err, want)
		}
	}
}

func TestHashDirIssues(t *testing.T) {
	h := newHasher(nil)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"go.mod": "module m\n", "sub/a.go": "package a\n"})
	os.Symlink("nowhere", filepath.Join(dir, "dangling.go"))
	os.Symlink("loop", filepath.Join(dir, "loop"))
	os.Symlink("sub", filepath.Join(dir, "dirlink"))
	os.Symlink("go.mod", filepath.Join(dir, "ok.go"))
	_, issues, _, err := h.hashDir(dir, "m@v1.0.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Kind{}
	for _, is := range issues {
		got[filepath.Base(is.path)] = is.kind
	}
	want := map[string]Kind{"dangling.go": BrokenSymlink, "loop": BrokenSymlink, "dirlink": BrokenSymlink}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("issues = %v, want %v", got, want)
	}
	// dirhash fails on the same tree.
	if _, err := dirhash.HashDir(dir, "m@v1.0.0", dirhash.Hash1); err == nil {
		t.Errorf("dirhash hashed a tree with broken links")
	}

	// A valid link to a file is hashed like dirhash does.
	ok := t.TempDir()
	writeTree(t, ok, map[string]string{"go.mod": "module m\n"})
	os.Symlink("go.mod", filepath.Join(ok, "ok.go"))
	want1, _ := dirhash.HashDir(ok, "m@v1.0.0", dirhash.Hash1)
	got1, issues, _, err := h.hashDir(ok, "m@v1.0.0", nil)
	if got1 != want1 || len(issues) > 0 || err != nil {
		t.Errorf("hashDir with a good link = %s %v %v, want %s", got1, issues, err, want1)
	}

	if os.Geteuid() != 0 {
		unreadable := t.TempDir()
		writeTree(t, unreadable, map[string]string{"secret.go": "x"})
		os.Chmod(filepath.Join(unreadable, "secret.go"), 0)
		_, issues, _, err := h.hashDir(unreadable, "m@v1.0.0", nil)
		if err != nil || len(issues) != 1 || issues[0].kind != Unreadable {
			t.Errorf("unreadable file: %v %v", issues, err)
		}
	}
}

func TestHashStops(t *testing.T) {
	done := make(chan struct{})
	close(done)
	h := newHasher(done)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a": "x"})
	if _, _, _, err := h.hashDir(dir, "m@v1.0.0", nil); err != errCanceled {
		t.Errorf("hashDir after stop: %v", err)
	}
	zp := filepath.Join(t.TempDir(), "m.zip")
	writeZip(t, zp, "m@v1.0.0", map[string]string{"a": "x"})
	if _, err := h.hashZip(zp); err != errCanceled {
		t.Errorf("hashZip after stop: %v", err)
	}
}

func TestReadZipEnd(t *testing.T) {
	dir := t.TempDir()
	zp := filepath.Join(dir, "m.zip")
	writeZip(t, zp, "m@v1.0.0", map[string]string{"a.go": "package a\n", "b.go": strings.Repeat("b", 5000)})
	data, _ := os.ReadFile(zp)
	end, err := readZipEnd(bytes.NewReader(data), int64(len(data)))
	if err != nil || end.entries != 2 {
		t.Fatalf("readZipEnd = %+v, %v", end, err)
	}
	for _, n := range []int{0, 10, 21, 100, len(data) / 2, len(data) - 1} {
		if _, err := readZipEnd(bytes.NewReader(data[:n]), int64(n)); err == nil {
			t.Errorf("a zip cut to %d of %d bytes passed", n, len(data))
		}
	}
	// A comment after the end record is allowed.
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	w.Create("m@v1.0.0/a")
	w.SetComment("a comment")
	w.Close()
	if _, err := readZipEnd(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
		t.Errorf("zip with a comment: %v", err)
	}
	// A central directory that claims to be larger than the file.
	bad := bytes.Clone(data)
	copy(bad[len(bad)-22+12:], []byte{0xff, 0xff, 0xff, 0x7f})
	if _, err := readZipEnd(bytes.NewReader(bad), int64(len(bad))); err == nil {
		t.Errorf("an impossible central directory passed")
	}
}

// TestReadZipEnd64 checks a zip64 archive (more than 65535 entries).
func TestReadZipEnd64(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a zip of 70,000 entries")
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i := range 70000 {
		w.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("m@v1.0.0/%d", i), Method: zip.Store})
	}
	w.Close()
	end, err := readZipEnd(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || end.entries != 70000 {
		t.Fatalf("zip64: %+v %v", end, err)
	}
	// More entries than the doctor hashes: refused before reading them.
	old := maxFiles
	maxFiles = 1000
	defer func() { maxFiles = old }()
	zp := filepath.Join(t.TempDir(), "big.zip")
	os.WriteFile(zp, buf.Bytes(), 0o644)
	if _, err := newHasher(nil).hashZip(zp); err == nil || !strings.Contains(err.Error(), "70000 files") {
		t.Errorf("hashZip of a zip with too many files: %v", err)
	}
}

func FuzzReadZipEnd(f *testing.F) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fw, _ := w.Create("m@v1.0.0/a.go")
	fw.Write([]byte("package a"))
	w.SetComment("c")
	w.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x05\x06"))
	f.Add(append(make([]byte, 30), "PK\x06\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00"...))
	f.Fuzz(func(t *testing.T, data []byte) {
		end, err := readZipEnd(bytes.NewReader(data), int64(len(data)))
		if err == nil && end.dirStart+end.dirSize > uint64(len(data)) {
			t.Fatalf("accepted a central directory beyond the end: %+v", end)
		}
	})
}
