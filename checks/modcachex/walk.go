package modcachex

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/mod/module"
)

// maxDepth bounds directory recursion: module paths are short, and a
// deeper tree is not the go command's.
const maxDepth = 64

// A walker streams the entries of a cache to visit, one at a time, in
// lexical order of escaped module path: it holds one @v directory's
// listing at a time, never the cache.
type walker struct {
	c    Cache
	done <-chan struct{}
	// visit receives each module version found.
	visit func(*Entry) error
	// report receives problems of names and of the walk itself.
	report func(Problem)
	// dir, if set, is called for every directory the walk passes
	// through, for ownership.
	dir func(path string, fi fs.FileInfo)
	// writable, if set, tells whether this user may write in an @v
	// directory; readOnly is told of each one that is not.
	writable func(dir string) bool
	readOnly func(dir string)
	// followed are the real paths of the directories entered through
	// symbolic links (and of cache/download itself).
	followed map[string]bool
}

func (w *walker) seen(path string, fi fs.FileInfo) {
	if w.dir != nil {
		w.dir(path, fi)
	}
}

func (w *walker) stopped() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// walkDownload walks cache/download. The sumdb directory (the checksum
// database's cache, not module versions) is skipped.
func (w *walker) walkDownload() error {
	root := w.c.DownloadRoot()
	fi, err := os.Lstat(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		w.report(Problem{Kind: Unreadable, Path: root, Detail: err.Error()})
		return nil
	}
	if !fi.IsDir() {
		w.report(Problem{Kind: BadName, Path: root, Detail: "not a directory: the go command cannot download anything"})
		return nil
	}
	w.seen(root, fi)
	return w.downloadDir(root, "", 0, "")
}

// maxLinks bounds the symbolic links a walk follows.
const maxLinks = 1000

// follow decides whether the walk goes through the symbolic link p to a
// directory, as the go command, which just opens paths, does: it
// returns the target's information, or nil (with the problem reported)
// for a dangling link, a link to a file, or a directory already walked
// through another path (a loop, or a second name for it).
func (w *walker) follow(p string) fs.FileInfo {
	fi, err := os.Stat(p)
	if err != nil {
		w.report(Problem{Kind: BrokenSymlink, Path: p, Detail: symlinkError(p, err)})
		return nil
	}
	if !fi.IsDir() {
		return nil // files outside @v directories are none of the go command's
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		w.report(Problem{Kind: BrokenSymlink, Path: p, Detail: symlinkError(p, err)})
		return nil
	}
	if w.followed == nil {
		w.followed = map[string]bool{}
		if r, err := filepath.EvalSymlinks(w.c.DownloadRoot()); err == nil {
			w.followed[r] = true
		}
	}
	for d := range w.followed {
		if within(real, d) || within(d, real) {
			// The target is a directory the walk enters anyway, inside
			// one, or above one: following would walk it twice, or
			// forever.
			return nil
		}
	}
	if len(w.followed) >= maxLinks {
		w.report(Problem{Kind: BadName, Path: p, Detail: fmt.Sprintf("more than %d symbolic links to directories: not followed", maxLinks)})
		return nil
	}
	w.followed[real] = true
	return fi
}

// downloadDir walks one directory of cache/download; linked is the
// first symbolic link on the way to it ("" for none), which the entries
// found below it remember.
func (w *walker) downloadDir(dir, esc string, depth int, linked string) error {
	if w.stopped() {
		return errCanceled
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		w.report(Problem{Kind: Unreadable, Path: dir, Detail: err.Error()})
		return nil
	}
	for _, d := range ents {
		name := d.Name()
		p := filepath.Join(dir, name)
		if esc == "" && name == "sumdb" {
			continue
		}
		link := linked
		var fi fs.FileInfo
		if d.Type()&fs.ModeSymlink != 0 {
			// The go command writes no link here, but it opens paths
			// through any it finds: so does the walk, once per target
			// (follow), so that what the go command reads is checked.
			if fi = w.follow(p); fi == nil {
				continue
			}
			if link == "" {
				link = p
			}
		} else {
			if !d.IsDir() {
				continue // files outside @v directories are none of the go command's
			}
			fi, _ = d.Info()
		}
		if name == "@v" {
			if err := w.versionDir(p, esc, link); err != nil {
				return err
			}
			continue
		}
		if depth >= maxDepth {
			w.report(Problem{Kind: BadName, Path: p, Detail: "nested too deep to be a module path"})
			continue
		}
		if fi != nil {
			w.seen(p, fi)
		}
		if err := w.downloadDir(p, path.Join(esc, name), depth+1, link); err != nil {
			return err
		}
	}
	return nil
}

// versionDir reads one @v directory and visits each version in it.
func (w *walker) versionDir(vdir, esc, linked string) error {
	if fi, err := os.Lstat(vdir); err == nil {
		w.seen(vdir, fi)
	}
	ro := w.writable != nil && !w.writable(vdir)
	if ro && w.readOnly != nil {
		w.readOnly(vdir)
	}
	modPath, err := module.UnescapePath(esc)
	if err != nil {
		w.report(Problem{Kind: BadName, Path: filepath.Dir(vdir),
			Detail: fmt.Sprintf("%q is not an escaped module path: %v", esc, err)})
		return nil
	}
	ents, err := os.ReadDir(vdir)
	if err != nil {
		w.report(Problem{Kind: Unreadable, Path: vdir, Detail: err.Error()})
		return nil
	}
	entries := map[string]*Entry{}
	var order []string
	entry := func(ev string) *Entry {
		if e := entries[ev]; e != nil {
			return e
		}
		v, err := unescapeVersion(ev)
		if err != nil {
			return nil
		}
		e := &Entry{Mod: module.Version{Path: modPath, Version: v}, ReadOnly: ro, Linked: linked}
		for k := range numKinds {
			e.Files[k].Path = filepath.Join(vdir, ev+"."+suffixes[k])
		}
		entries[ev] = e
		order = append(order, ev)
		return e
	}
	for _, d := range ents {
		name := d.Name()
		p := filepath.Join(vdir, name)
		if name == "list" || name == "list.lock" {
			continue
		}
		if ev, ok := isTempName(name); ok {
			e := entry(ev)
			st := statPath(p)
			if e == nil {
				w.report(Problem{Kind: TempFile, Path: p, Detail: sizeNote(st)})
				continue
			}
			e.Temps = append(e.Temps, st)
			continue
		}
		i := strings.LastIndexByte(name, '.')
		kind, known := FileKind(0), false
		if i > 0 {
			kind, known = kindOf(name[i+1:])
		}
		if !known {
			w.report(Problem{Kind: BadName, Path: p, Detail: "not a file the go command writes in an @v directory"})
			continue
		}
		e := entry(name[:i])
		if e == nil {
			_, err := unescapeVersion(name[:i])
			w.report(Problem{Kind: BadName, Path: p, Detail: fmt.Sprintf("%q is not a canonical escaped version: %v", name[:i], err)})
			continue
		}
		fi, err := d.Info()
		if err != nil {
			e.Files[kind] = FileState{Path: p, Exists: true, Err: err}
			continue
		}
		e.Files[kind] = stateOf(p, fi)
	}
	for _, ev := range order {
		e := entries[ev]
		dir, err := w.c.ExtractDir(e.Mod)
		if err != nil {
			continue // cannot happen: the names unescaped
		}
		e.Dir = statPath(dir)
		if err := w.visit(e); err != nil {
			return err
		}
	}
	return nil
}

// walkExtracted walks the extracted trees (every directory of the cache
// but cache/) for module directories <escaped path>@<escaped version>
// that have no download files at all, which walkDownload cannot see,
// and for the extraction temporaries of old go commands.
func (w *walker) walkExtracted() error {
	return w.extractedDir(w.c.Root, "", 0)
}

func (w *walker) extractedDir(dir, esc string, depth int) error {
	if w.stopped() {
		return errCanceled
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		if esc == "" && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		w.report(Problem{Kind: Unreadable, Path: dir, Detail: err.Error()})
		return nil
	}
	for _, d := range ents {
		name := d.Name()
		p := filepath.Join(dir, name)
		if esc == "" && name == "cache" {
			continue
		}
		at := strings.IndexByte(name, '@')
		if at < 0 {
			if !d.IsDir() {
				continue
			}
			if depth >= maxDepth {
				w.report(Problem{Kind: BadName, Path: p, Detail: "nested too deep to be a module path"})
				continue
			}
			if fi, err := d.Info(); err == nil {
				w.seen(p, fi)
			}
			if err := w.extractedDir(p, path.Join(esc, name), depth+1); err != nil {
				return err
			}
			continue
		}
		if err := w.moduleDir(p, path.Join(esc, name[:at]), name[at+1:]); err != nil {
			return err
		}
	}
	return nil
}

// moduleDir looks at one <path>@<version> name of the extracted tree.
func (w *walker) moduleDir(p, escPath, escVersion string) error {
	st := statPath(p)
	if i := strings.Index(escVersion, ".tmp-"); i >= 0 {
		// Before Go 1.16 the go command extracted to <dir>.tmp-<random>
		// and renamed; a crash left these behind.
		m := module.Version{}
		if mp, err := module.UnescapePath(escPath); err == nil {
			if v, err := unescapeVersion(escVersion[:i]); err == nil {
				m = module.Version{Path: mp, Version: v}
			}
		}
		w.report(Problem{Kind: TempFile, Mod: m, Path: p, Detail: "a temporary extraction directory left by an interrupted go command"})
		return nil
	}
	modPath, err := module.UnescapePath(escPath)
	if err != nil {
		w.report(Problem{Kind: BadName, Path: p, Detail: fmt.Sprintf("%q is not an escaped module path: %v", escPath, err)})
		return nil
	}
	v, err := unescapeVersion(escVersion)
	if err != nil {
		w.report(Problem{Kind: BadName, Path: p, Detail: fmt.Sprintf("%q is not a canonical escaped version: %v", escVersion, err)})
		return nil
	}
	m := module.Version{Path: modPath, Version: v}
	e := &Entry{Mod: m, Dir: st}
	for k := range numKinds {
		f, err := w.c.File(m, suffixes[k])
		if err != nil {
			return nil
		}
		e.Files[k] = statPath(f)
		if e.Files[k].Exists {
			return nil // walkDownload visits it
		}
	}
	return w.visit(e)
}

// sizeNote describes a file's size for a finding's evidence.
func sizeNote(st FileState) string {
	if !st.Exists {
		return "missing"
	}
	if st.Mode.IsDir() {
		return "a directory"
	}
	return HumanBytes(st.Size)
}

// HumanBytes renders a size the way people read it: 512 bytes, 1.5 MiB.
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// within reports whether path p is dir or inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
