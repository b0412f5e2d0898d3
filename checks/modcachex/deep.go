package modcachex

import (
	"archive/zip"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	modzip "golang.org/x/mod/zip"
)

// deep hashes an entry's zip and extracted directory and compares them
// with its .ziphash and the main module's go.sum, as 'go mod verify'
// does (cmd/go/internal/modcmd.verifyMod), and more precisely: it tells
// a damaged .ziphash from damaged content, and content that disagrees
// with go.sum from content that disagrees with itself.
//
// Shape problems the structural pass reported (an invalid zip, a
// malformed .ziphash, a directory that is a symbolic link) are not
// reported again.
//
// reused reports that every hash came from the verification cache.
func (s *Scanner) deep(h *hasher, e *Entry, report func(Problem)) (reused bool, err error) {
	m := e.Mod
	f := &e.Files
	add := func(p Problem) {
		p.Mod = m
		report(p)
	}

	var hZH string
	if f[ZipHash].Regular() {
		if data, err := readSmall(f[ZipHash].Path, maxZipHash); err == nil {
			hZH, _ = parseZipHash(data)
		}
	}
	hSum := s.Sums.H1(m.Path, m.Version, false)
	hashes, fromCache := 0, 0
	defer func() { reused = err == nil && hashes > 0 && fromCache == hashes }()

	var hZip string
	zipGood := false
	if st := f[Zip]; st.Regular() && st.Size > 0 && st.Size <= modzip.MaxZipFile {
		hz, cached, err := h.hashZipCached(st.Path, s.Verified)
		hashes++
		if cached {
			fromCache++
		}
		var tm *tooManyError
		var shape *shapeError
		switch {
		case err == errCanceled:
			return false, err
		case errors.As(err, &tm):
			add(Problem{Kind: TooLarge, Path: st.Path, Detail: "the zip has " + tm.Error() + "; run 'go mod verify' to check it"})
		case errors.As(err, &shape):
			// reported by the structural pass
		case errors.Is(err, os.ErrPermission):
			add(Problem{Kind: Unreadable, Path: st.Path, Detail: err.Error()})
		case err != nil:
			add(Problem{Kind: ZipInvalid, Path: st.Path,
				Detail: fmt.Sprintf("%s: %v; 'go mod verify' fails, and so does extracting it", HumanBytes(st.Size), err)})
		default:
			hZip, zipGood = hz, true
		}
	}

	var hDir string
	dirDone := e.Dir.IsDir() && !e.Dir.Symlink && !f[Partial].Exists
	if dirDone {
		hd, issues, cached, err := h.hashDir(e.Dir.Path, m.Path+"@"+m.Version, s.Verified)
		hashes++
		if cached {
			fromCache++
		}
		var tm *tooManyError
		switch {
		case err == errCanceled:
			return false, err
		case errors.As(err, &tm):
			add(Problem{Kind: TooLarge, Path: e.Dir.Path, Detail: "the directory has " + tm.Error() + "; run 'go mod verify' to check it"})
		case err != nil:
			add(Problem{Kind: DirModified, Path: e.Dir.Path, Detail: "cannot be hashed: " + err.Error()})
		}
		for _, is := range issues {
			detail := is.detail
			if is.kind == BrokenSymlink {
				detail += "\n'go mod verify' fails on it"
			}
			add(Problem{Kind: is.kind, Path: is.path, Detail: detail})
		}
		if err == nil && len(issues) == 0 {
			hDir = hd
		}
	}

	want, source := hSum, "go.sum"
	if want == "" {
		want, source = hZH, ".ziphash"
	}
	if want == "" && zipGood {
		want, source = hZip, "the zip"
	}

	if hZH != "" && hSum != "" && hZH != hSum {
		contentAgrees := (hZip == "" || hZip == hZH) && (hDir == "" || hDir == hZH)
		if contentAgrees && (hZip != "" || hDir != "") {
			add(Problem{Kind: SumMismatch, Path: f[ZipHash].Path, Want: hSum, Got: hZH,
				Detail: fmt.Sprintf("in the cache: %s (the zip, the .ziphash and the extracted directory agree)\ngo.sum:       %s\nthe go command fails: \"verifying %s: checksum mismatch\"", hZH, hSum, m)})
			return false, nil
		}
		add(Problem{Kind: ZipHashMismatch, Path: f[ZipHash].Path, Want: hSum, Got: hZH,
			Detail: fmt.Sprintf(".ziphash: %s\ngo.sum:   %s%s\nthe go command fails: \"verifying %s: checksum mismatch\"", hZH, hSum, contentNote(hZip, hDir, hSum), m)})
	}
	if hZip != "" && hZip != want {
		add(Problem{Kind: ZipMismatch, Path: f[Zip].Path, Want: want, Got: hZip,
			Detail: fmt.Sprintf("the zip's content hashes to %s\n%s says %s",
				hZip, source, want)})
	}
	if hDir != "" && hDir != want {
		p := Problem{Kind: DirModified, Path: e.Dir.Path, Want: want, Got: hDir,
			Detail: fmt.Sprintf("the directory hashes to %s\n%s says %s",
				hDir, source, want)}
		if zipGood && hZip == want {
			if diff := diffDirZip(h, f[Zip].Path, e.Dir.Path, m.Path+"@"+m.Version); diff != "" {
				p.Detail += "\n" + diff
			}
		}
		add(p)
	}
	return false, nil
}

// contentNote says what the content hashes to, next to a .ziphash that
// disagrees with go.sum.
func contentNote(hZip, hDir, hSum string) string {
	switch {
	case hZip == hSum && hZip != "":
		return "\nthe zip matches go.sum: only the .ziphash is damaged"
	case hDir == hSum && hDir != "":
		return "\nthe extracted directory matches go.sum: only the .ziphash is damaged"
	case hZip == "" && hDir == "":
		return "\nneither the zip nor the extracted directory is here to tell which is right"
	}
	return ""
}

// maxDiff bounds the files named in a directory-versus-zip difference.
const maxDiff = 10

// diffDirZip names the files of an extracted directory that differ from
// its (good) zip: changed, added, removed. It hashes both again file by
// file; it runs only for a directory known to be modified.
func diffDirZip(h *hasher, zipPath, dir, prefix string) string {
	z, err := zip.OpenReader(zipPath)
	if err != nil {
		return ""
	}
	defer z.Close()
	if len(z.File) > maxFiles {
		return ""
	}
	inZip := make(map[string][32]byte, len(z.File))
	for _, zf := range z.File {
		name, ok := strings.CutPrefix(zf.Name, prefix+"/")
		if !ok {
			continue
		}
		r, err := zf.Open()
		if err != nil {
			return ""
		}
		sum := sha256.New()
		err = h.copy(sum, r)
		r.Close()
		if err != nil {
			return ""
		}
		inZip[name] = [32]byte(sum.Sum(nil))
	}
	var changed, added []string
	seen := map[string]bool{}
	n := 0
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if n++; n > maxFiles {
			return filepath.SkipAll
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		zs, ok := inZip[rel]
		if !ok {
			added = append(added, rel)
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return nil
		}
		sum := sha256.New()
		err = h.copy(sum, f)
		f.Close()
		if err == nil && [32]byte(sum.Sum(nil)) != zs {
			changed = append(changed, rel)
		}
		return nil
	})
	if err != nil {
		return ""
	}
	var removed []string
	for name := range inZip {
		if !seen[name] {
			removed = append(removed, name)
		}
	}
	var lines []string
	for _, g := range []struct {
		what  string
		names []string
	}{{"changed", changed}, {"added", added}, {"removed", removed}} {
		if len(g.names) == 0 {
			continue
		}
		slices.Sort(g.names)
		shown := g.names[:min(len(g.names), maxDiff)]
		line := g.what + " (compared with the zip): " + strings.Join(shown, ", ")
		if len(g.names) > maxDiff {
			line += fmt.Sprintf(" and %d more", len(g.names)-maxDiff)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
