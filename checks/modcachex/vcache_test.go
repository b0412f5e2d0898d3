//go:build linux

package modcachex

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeZip writes a module zip of one file with the given content.
func writeModZip(t *testing.T, p, content string) {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fw, err := w.Create("example.test/m@v1.0.0/m.go")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(content))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o444); err != nil {
		t.Fatal(err)
	}
}

// resign gives a cache file's body (without its checksum line) a valid
// checksum.
func resign(body []byte) []byte {
	sum := sha256.Sum256(body)
	return append(bytes.Clone(body), fmt.Sprintf("sum %x\n", sum)...)
}

func body(data []byte) []byte {
	i := bytes.LastIndexByte(data[:len(data)-1], '\n')
	return data[:i+1]
}

func lowerRacyWindow(t *testing.T) {
	old := racyWindow
	racyWindow = 0
	t.Cleanup(func() { racyWindow = old })
}

// TestVerifyCacheUntrusted forges a verification cache that, trusted,
// would hide a damaged zip (it gives the damaged zip's present stamps
// the hash the zip had before), shows that it would indeed be believed
// intact, then breaks it every way a file of ours can be broken or not
// ours: each is ignored, with a note, and the zip hashed for real.
func TestVerifyCacheUntrusted(t *testing.T) {
	lowerRacyWindow(t)
	root := t.TempDir()
	dir := t.TempDir()
	zp := filepath.Join(root, "m.zip")
	h := newHasher(nil)

	writeModZip(t, zp, "package m // good\n")
	good, err := h.hashZip(zp)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(zp)
	writeModZip(t, zp, "package m // EVIL\n")
	bad, err := h.hashZip(zp)
	if err != nil || bad == good {
		t.Fatal(err, bad)
	}

	// The forgery: the damaged zip's stamps with the good hash.
	vc := OpenVerifyCache(dir, root, false)
	if got, cached, err := h.hashZipCached(zp, vc); err != nil || cached || got != bad {
		t.Fatal(got, cached, err)
	}
	if err := vc.Save(); err != nil {
		t.Fatal(err)
	}
	file := vc.File()
	saved, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	forged := resign(bytes.ReplaceAll(body(saved), []byte(bad), []byte(good)))

	check := func(t *testing.T, wantNote string, setup func()) {
		t.Helper()
		os.Remove(file)
		if err := os.WriteFile(file, forged, 0o600); err != nil {
			t.Fatal(err)
		}
		setup()
		vc := OpenVerifyCache(dir, root, true)
		got, cached, err := h.hashZipCached(zp, vc)
		if err != nil {
			t.Fatal(err)
		}
		if wantNote == "" {
			// The intact forgery is believed: what the rest shows is
			// not that the test cannot fool the cache.
			if got != good || !cached || vc.Note() != "" {
				t.Fatalf("the intact forgery was not used: %s cached=%v note=%q", got, cached, vc.Note())
			}
			return
		}
		if got != bad || cached {
			t.Errorf("trusted: hash %s (cached %v), want the real %s", got, cached, bad)
		}
		if !strings.Contains(vc.Note(), wantNote) {
			t.Errorf("note %q, want it to say %q", vc.Note(), wantNote)
		}
	}
	t.Run("intact_forgery_is_believed", func(t *testing.T) { check(t, "", func() {}) })
	t.Run("truncated", func(t *testing.T) {
		check(t, "damaged", func() { os.WriteFile(file, forged[:len(forged)/2], 0o600) })
	})
	t.Run("truncated_at_a_line", func(t *testing.T) {
		check(t, "damaged", func() {
			i := bytes.LastIndexByte(forged[:len(forged)-1], '\n')
			os.WriteFile(file, forged[:i+1], 0o600)
		})
	})
	t.Run("garbage", func(t *testing.T) {
		check(t, "damaged", func() { os.WriteFile(file, []byte("\x00\x01garbage\xff\nsum 00\n"), 0o600) })
	})
	t.Run("byte_flipped", func(t *testing.T) {
		check(t, "checksum does not match", func() {
			b := bytes.Clone(forged)
			b[len(b)/2] ^= 1
			os.WriteFile(file, b, 0o600)
		})
	})
	t.Run("empty", func(t *testing.T) {
		check(t, "damaged", func() { os.WriteFile(file, nil, 0o600) })
	})
	t.Run("other_user_recorded", func(t *testing.T) {
		check(t, "another user", func() {
			b := bytes.Replace(body(forged), []byte(fmt.Sprintf("\nuid %d\n", os.Geteuid())), []byte(fmt.Sprintf("\nuid %d\n", os.Geteuid()+1)), 1)
			os.WriteFile(file, resign(b), 0o600)
		})
	})
	t.Run("owned_by_another_user", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("only root can give a file away")
		}
		check(t, "belongs to user 65534", func() {
			if err := os.Chown(file, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		})
	})
	t.Run("writable_by_others", func(t *testing.T) {
		check(t, "others may write", func() { os.Chmod(file, 0o666) })
	})
	t.Run("other_gomodcache", func(t *testing.T) {
		// A cache made for another module cache, put under this one's
		// name.
		check(t, "another module cache", func() {
			b := bytes.Replace(body(forged), []byte(fmt.Sprintf("root %q", root)), []byte(fmt.Sprintf("root %q", root+"2")), 1)
			os.WriteFile(file, resign(b), 0o600)
		})
	})
	t.Run("not_a_file", func(t *testing.T) {
		check(t, "not a regular file", func() {
			os.Remove(file)
			target := filepath.Join(t.TempDir(), "elsewhere")
			os.WriteFile(target, forged, 0o600)
			os.Symlink(target, file)
		})
	})
	t.Run("other_version", func(t *testing.T) {
		check(t, "not a verification cache of this version", func() {
			os.WriteFile(file, resign(bytes.Replace(body(forged), []byte(vcHeader), []byte("gomoddoctor verification cache 0"), 1)), 0o600)
		})
	})
}

// TestVerifyCacheBounds: a hash is re-used only while recent, never
// for a file changed within the racy window, and never with reuse off.
func TestVerifyCacheBounds(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	zp := filepath.Join(root, "m.zip")
	writeModZip(t, zp, "package m\n")
	h := newHasher(nil)

	// Just written: racily clean, not remembered.
	vc := OpenVerifyCache(dir, root, true)
	h.hashZipCached(zp, vc)
	if len(vc.fresh) != 0 {
		t.Fatalf("a file changed %v ago was remembered", time.Since(mtime(t, zp)))
	}

	lowerRacyWindow(t)
	vc = OpenVerifyCache(dir, root, true)
	h.hashZipCached(zp, vc)
	vc.Save()
	vc = OpenVerifyCache(dir, root, true)
	if _, cached, _ := h.hashZipCached(zp, vc); !cached {
		t.Fatal("not re-used")
	}
	vc = OpenVerifyCache(dir, root, true)
	vc.now = func() time.Time { return time.Now().Add(MaxVerifyAge + time.Minute) }
	if _, cached, _ := h.hashZipCached(zp, vc); cached {
		t.Error("re-used past MaxVerifyAge")
	}
	vc = OpenVerifyCache(dir, root, false)
	if _, cached, _ := h.hashZipCached(zp, vc); cached {
		t.Error("re-used with reuse off")
	}
	// A directory holding a symbolic link: its target's changes do not
	// show in the link's stamps, so it is never remembered.
	d := filepath.Join(root, "m@v1.0.0")
	os.Mkdir(d, 0o755)
	os.WriteFile(filepath.Join(root, "target.go"), []byte("package m\n"), 0o644)
	os.Symlink(filepath.Join(root, "target.go"), filepath.Join(d, "m.go"))
	vc = OpenVerifyCache(dir, root, true)
	if _, _, _, err := h.hashDir(d, "example.test/m@v1.0.0", vc); err != nil {
		t.Fatal(err)
	}
	if len(vc.fresh) != 0 {
		t.Error("a tree with a symbolic link was remembered")
	}
}

func mtime(t *testing.T, p string) time.Time {
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime()
}
