package repair

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// guardCache refuses a cache repair that would touch anything that does
// not lie in the module cache or in the go command's own caches that
// repairs name (the build cache, where it keeps its index of extracted
// modules; $GOPATH/pkg/sumdb, where it keeps the checksum database's
// tree heads), symbolic links resolved: a directory of the cache may be a link to a folder elsewhere,
// and 'rm -rf', 'chmod -R' and the go command's download all go through
// it. It is checked just before the repair runs.
func guardCache(env *checks.Env, st checks.PlanStep) error {
	if len(st.Touches) == 0 {
		return fmt.Errorf("--fix does not run the cache repair %q: it does not say which paths it changes", st.Command)
	}
	modcache := env.Go.Get("GOMODCACHE")
	var roots []string
	candidates := []string{modcache, env.Go.Get("GOCACHE")}
	if gopath, _, _ := strings.Cut(env.Go.Get("GOPATH"), string(filepath.ListSeparator)); gopath != "" {
		candidates = append(candidates, filepath.Join(gopath, "pkg", "sumdb"))
	}
	for _, r := range candidates {
		if r == "" || r == "off" || !filepath.IsAbs(r) {
			continue
		}
		if real, err := filepath.EvalSymlinks(r); err == nil {
			roots = append(roots, real)
		}
	}
	chmods := strings.Contains(st.Command, "chmod")
	for _, p := range st.Touches {
		if !filepath.IsAbs(p) {
			return fmt.Errorf("--fix does not run the cache repair %q: %s is not an absolute path", st.Command, p)
		}
		// What is removed: the entry at p in its real directory.
		loc := realPath(filepath.Dir(p))
		if loc != "" {
			loc = filepath.Join(loc, filepath.Base(p))
		}
		if loc == "" || !within(loc, roots) {
			return refused(st, p, loc, modcache)
		}
		// What 'chmod -R' changes: a link at p is followed.
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink != 0 && chmods {
			if real := realPath(p); real == "" || !within(real, roots) {
				return refused(st, p, real, modcache)
			}
		}
	}
	return nil
}

func refused(st checks.PlanStep, p, real, modcache string) error {
	where := "a path that cannot be resolved"
	if real != "" {
		where = real
	}
	return fmt.Errorf("--fix refuses to run %q: %s resolves to %s, outside the module cache %s (a symbolic link on the way leads out of it); nothing was removed there: look at the link, and repair that entry by hand if it is yours to change", st.Command, p, where, modcache)
}

// realPath is path with every symbolic link resolved; for a path that
// does not exist (yet), that of its deepest existing directory, joined
// with the rest. "" when even that fails.
func realPath(path string) string {
	path = filepath.Clean(path)
	rest := ""
	for p := path; ; p = filepath.Dir(p) {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(real, rest)
		}
		if _, err := os.Lstat(p); err == nil {
			return "" // it exists and still cannot be resolved: a broken or looping link
		}
		if filepath.Dir(p) == p {
			return ""
		}
		rest = filepath.Join(filepath.Base(p), rest)
	}
}

// within reports whether path lies strictly inside one of roots.
func within(path string, roots []string) bool {
	for _, r := range roots {
		rel, err := filepath.Rel(r, path)
		if err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return true
		}
	}
	return false
}
