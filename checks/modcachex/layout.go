package modcachex

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Cache is a module cache: the directory GOMODCACHE names.
type Cache struct {
	Root string
}

// DownloadRoot is cache/download, where the go command keeps what it
// downloaded.
func (c Cache) DownloadRoot() string { return filepath.Join(c.Root, "cache", "download") }

// VersionDir returns cache/download/<escaped path>/@v for a module path
// (modfetch.cacheDir).
func (c Cache) VersionDir(path string) (string, error) {
	enc, err := module.EscapePath(path)
	if err != nil {
		return "", err
	}
	return filepath.Join(c.DownloadRoot(), filepath.FromSlash(enc), "@v"), nil
}

// File returns the path of one of a module version's download files,
// suffix being "info", "mod", "zip", "ziphash", "partial" or "lock"
// (modfetch.CachePath). The version must be canonical.
func (c Cache) File(m module.Version, suffix string) (string, error) {
	dir, err := c.VersionDir(m.Path)
	if err != nil {
		return "", err
	}
	ev, err := escapeVersion(m.Version)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, ev+"."+suffix), nil
}

// ExtractDir returns the directory a module version is extracted to,
// <escaped path>@<escaped version> (modfetch.DownloadDir).
func (c Cache) ExtractDir(m module.Version) (string, error) {
	enc, err := module.EscapePath(m.Path)
	if err != nil {
		return "", err
	}
	ev, err := escapeVersion(m.Version)
	if err != nil {
		return "", err
	}
	return filepath.Join(c.Root, filepath.FromSlash(enc)+"@"+ev), nil
}

// escapeVersion escapes a version the go command would accept in the
// cache: valid semver in canonical form (modfetch.CachePath).
func escapeVersion(v string) (string, error) {
	if !semver.IsValid(v) {
		return "", errors.New("non-semver module version " + v)
	}
	if module.CanonicalVersion(v) != v {
		return "", errors.New("non-canonical module version " + v)
	}
	return module.EscapeVersion(v)
}

// unescapeVersion is the inverse of escapeVersion.
func unescapeVersion(ev string) (string, error) {
	v, err := module.UnescapeVersion(ev)
	if err != nil {
		return "", err
	}
	if _, err := escapeVersion(v); err != nil {
		return "", err
	}
	return v, nil
}

// FileKind names the download files of a module version.
type FileKind int

const (
	Info FileKind = iota
	Mod
	Zip
	ZipHash
	Partial
	Lock
	numKinds
)

var suffixes = [numKinds]string{"info", "mod", "zip", "ziphash", "partial", "lock"}

func kindOf(suffix string) (FileKind, bool) {
	for k, s := range suffixes {
		if s == suffix {
			return FileKind(k), true
		}
	}
	return 0, false
}

// FileState is what Lstat said about one path of an entry.
type FileState struct {
	Path    string
	Exists  bool        // something is at Path (possibly a dangling symlink)
	Size    int64       // of the file, or of the symlink's target
	Mode    fs.FileMode // of the file, or of the symlink's target
	Owner   uint32      // uid; meaningful when HasUID
	HasUID  bool
	Symlink bool  // Path is a symbolic link
	Err     error // Lstat failed with something other than "does not exist", or the symlink dangles
}

// Regular reports whether the path holds (or leads to) a regular file.
func (s FileState) Regular() bool { return s.Exists && s.Err == nil && s.Mode.IsRegular() }

// IsDir reports whether the path holds (or leads to) a directory.
func (s FileState) IsDir() bool { return s.Exists && s.Err == nil && s.Mode.IsDir() }

// statPath fills a FileState with Lstat, following a symbolic link once
// to describe its target.
func statPath(path string) FileState {
	st := FileState{Path: path}
	fi, err := os.Lstat(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			st.Exists, st.Err = true, err
		}
		return st
	}
	return stateOf(path, fi)
}

// stateOf builds the FileState of path from its Lstat information.
func stateOf(path string, fi fs.FileInfo) FileState {
	st := FileState{Path: path, Exists: true, Size: fi.Size(), Mode: fi.Mode()}
	st.Owner, st.HasUID = ownerOf(fi)
	if fi.Mode()&fs.ModeSymlink != 0 {
		st.Symlink = true
		target, err := os.Stat(path)
		if err != nil {
			st.Err = err
			return st
		}
		st.Size, st.Mode = target.Size(), target.Mode()
	}
	return st
}

// An Entry is one module version in the cache: its download files and
// its extracted directory, as found on disk.
type Entry struct {
	Mod   module.Version
	Files [numKinds]FileState
	Dir   FileState
	// Temps are leftovers of interrupted writes of this version: files
	// <version>.<ext><random>.tmp in the @v directory.
	Temps []FileState
	// ReadOnly is set when this user cannot write in the @v directory.
	ReadOnly bool
	// Linked is the first symbolic link on the way from cache/download
	// to the @v directory, when there is one: the download files are
	// then somewhere else, which a repair must not touch (it removes the
	// link instead).
	Linked string
}

// Complete reports whether the go command would use the extracted
// directory as it is (modfetch.DownloadDir): it is a directory, no
// .partial file exists and the .ziphash does.
func (e *Entry) Complete() bool {
	return e.Dir.IsDir() && !e.Files[Partial].Exists && e.Files[ZipHash].Exists
}

// Paths returns the paths that hold the entry's content, the ones a
// targeted repair removes: the extracted directory and every download
// file except the lock (which another go command may hold), in a fixed
// order. Only existing paths are returned.
func (e *Entry) Paths() (dir string, files []string) {
	if e.Dir.Exists {
		dir = e.Dir.Path
	}
	for _, k := range []FileKind{Zip, ZipHash, Partial, Mod, Info} {
		if e.Files[k].Exists {
			files = append(files, e.Files[k].Path)
		}
	}
	return dir, files
}

// LoadEntry reads the state of one module version from disk. It returns
// nil when nothing of it is in the cache.
func (c Cache) LoadEntry(m module.Version) (*Entry, error) {
	// Most versions of a long build list are not in the cache at all:
	// two lstats say so, rather than eight (every file of an entry is in
	// its @v directory).
	if vdir, err := c.VersionDir(m.Path); err == nil {
		if _, err := os.Lstat(vdir); errors.Is(err, fs.ErrNotExist) {
			if dir, err := c.ExtractDir(m); err == nil {
				if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
					return nil, nil
				}
			}
		}
	}
	e := &Entry{Mod: m}
	any := false
	for k := range numKinds {
		p, err := c.File(m, suffixes[k])
		if err != nil {
			return nil, err
		}
		e.Files[k] = statPath(p)
		any = any || e.Files[k].Exists
	}
	dir, err := c.ExtractDir(m)
	if err != nil {
		return nil, err
	}
	e.Dir = statPath(dir)
	if vdir, err := c.VersionDir(m.Path); err == nil {
		e.Linked = c.linkOnPath(vdir)
	}
	if !any && !e.Dir.Exists {
		return nil, nil
	}
	return e, nil
}

// isTempName reports whether name, in an @v directory, is a temporary
// file of the go command (modfetch.tempFile: <base><digits>.tmp), and
// returns the version it belongs to when it can tell.
func isTempName(name string) (escVersion string, ok bool) {
	base, found := strings.CutSuffix(name, ".tmp")
	if !found {
		return "", false
	}
	base = strings.TrimRight(base, "0123456789")
	for _, s := range []string{".zip", ".info", ".mod", ".ziphash"} {
		if v, ok := strings.CutSuffix(base, s); ok {
			return v, true
		}
	}
	return "", true
}

// linkOnPath returns the first symbolic link among the directories from
// cache/download down to p (p included), or "".
func (c Cache) linkOnPath(p string) string {
	root := c.DownloadRoot()
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return ""
	}
	d := root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		d = filepath.Join(d, part)
		fi, err := os.Lstat(d)
		if err != nil {
			return ""
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return d
		}
	}
	return ""
}

// VersionsBehind lists the module versions whose download files are
// behind link, a symbolic link inside cache/download (Entry.Linked): the
// versions of the @v directories under its target, at most max of them
// (more says how many others were seen). Links to directories inside
// the target are not followed (but for @v directories, which are only
// read), and the walk is bounded in depth.
func (c Cache) VersionsBehind(link string, max int) (vs []module.Version, more int) {
	rel, err := filepath.Rel(c.DownloadRoot(), link)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return nil, 0
	}
	seen := map[module.Version]bool{}
	versions := func(vdir, esc string) {
		mp, err := module.UnescapePath(esc)
		if err != nil {
			return
		}
		files, err := os.ReadDir(vdir)
		if err != nil {
			return
		}
		for _, f := range files {
			ev, ok := strings.CutSuffix(f.Name(), ".zip")
			if !ok {
				ev, ok = strings.CutSuffix(f.Name(), ".mod")
			}
			if !ok {
				continue
			}
			v, err := unescapeVersion(ev)
			m := module.Version{Path: mp, Version: v}
			if err != nil || seen[m] {
				continue
			}
			seen[m] = true
			if len(vs) < max {
				vs = append(vs, m)
			} else {
				more++
			}
		}
	}
	var walk func(dir, esc string, depth int)
	walk = func(dir, esc string, depth int) {
		if depth > maxDepth {
			return
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		for _, d := range ents {
			p := filepath.Join(dir, d.Name())
			if d.Name() == "@v" {
				versions(p, esc) // through a link too: it reads one directory
				continue
			}
			if !d.IsDir() {
				continue // a link to a directory is not followed
			}
			walk(p, path.Join(esc, d.Name()), depth+1)
		}
	}
	esc := filepath.ToSlash(rel)
	if parent, ok := strings.CutSuffix(esc, "/@v"); ok {
		versions(link, parent)
	} else {
		walk(link, esc, 0)
	}
	return vs, more
}
