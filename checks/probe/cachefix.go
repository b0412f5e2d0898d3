package probe

import (
	"fmt"
	"os"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/modcachex"
	"golang.org/x/mod/module"
)

// CacheEntryFixes are the commands that remove just module version m
// from the cache c, and the one that downloads it again; nil when the
// cache holds nothing of it.
func CacheEntryFixes(env *checks.Env, c modcachex.Cache, m module.Version) []checks.Fix {
	e, err := c.LoadEntry(m)
	if err != nil || e == nil {
		return nil
	}
	if e.Linked != "" {
		return linkedEntryFixes(c, e, m)
	}
	dir, files := e.Paths()
	var cmd []string
	var rm, touches []string
	if dir != "" {
		if e.Dir.Symlink {
			rm = append(rm, checks.ShellQuote(dir))
		} else {
			cmd = append(cmd, "chmod -R u+w "+checks.ShellQuote(dir))
			rm = append(rm, checks.ShellQuote(dir))
		}
		touches = append(touches, dir)
	}
	for _, f := range files {
		rm = append(rm, checks.ShellQuote(f))
		touches = append(touches, f)
	}
	for _, t := range e.Temps {
		rm = append(rm, checks.ShellQuote(t.Path))
		touches = append(touches, t.Path)
	}
	if len(rm) == 0 {
		return nil
	}
	title := "remove only this entry of the cache"
	if len(cmd) > 0 {
		title += " (its extracted files are read-only: make them writable first)"
	}
	if idx := modcachex.IndexEntry(env.Go.Get("GOCACHE"), env.Go.GoVersion, e.Dir.Path); idx != "" {
		rm = append(rm, checks.ShellQuote(idx))
		touches = append(touches, idx)
		title += ", and the go command's index of it in the build cache, which would outlive it"
	}
	cmd = append(cmd, "rm -rf "+strings.Join(rm, " "))
	// Where the go command writes the version again.
	var writes []string
	if e.Dir.Path != "" {
		writes = append(writes, e.Dir.Path)
	}
	if p, err := c.File(m, "zip"); err == nil {
		writes = append(writes, p)
	}
	return []checks.Fix{
		{Title: title, Command: strings.Join(cmd, " && "), Kind: checks.FixCache, Touches: touches},
		{Title: "download it again (checked against go.sum, or the checksum database)", Command: "go mod download " + checks.ShellQuote(m.String()), Kind: checks.FixCache, Touches: writes},
	}
}

// linkedEntryFixes repair an entry whose download files are reached
// through a symbolic link inside cache/download: the files are
// somewhere else, perhaps shared, and a repair never touches anything
// outside the module cache. Removing the link (and only the link: rm
// without -r, no trailing slash) makes the go command download into the
// cache itself again.
func linkedEntryFixes(c modcachex.Cache, e *modcachex.Entry, m module.Version) []checks.Fix {
	target, err := os.Readlink(e.Linked)
	if err != nil {
		target = "?"
	}
	// Every version behind the link loses its download files with it:
	// download them again too, so that no extracted directory is left
	// without them.
	vs, more := c.VersionsBehind(e.Linked, maxRedownload)
	args := []string{checks.ShellQuote(m.String())}
	for _, v := range vs {
		if v != m {
			args = append(args, checks.ShellQuote(v.String()))
		}
	}
	title := "download it again, into the module cache itself (checked against go.sum, or the checksum database)"
	if len(args) > 1 {
		title = fmt.Sprintf("download it and the %d other module version(s) that were behind the link again, into the module cache itself (checked against go.sum, or the checksum database)", len(args)-1)
	}
	if more > 0 {
		title += fmt.Sprintf("; %d more are downloaded again when needed", more)
	}
	return []checks.Fix{
		{Title: "its download files are reached through the symbolic link " + e.Linked + " (to " + target + "), outside the module cache: remove the link only, never what it points to",
			Command: "rm -f " + checks.ShellQuote(e.Linked), Kind: checks.FixCache, Touches: []string{e.Linked}},
		// The go command downloads where the link was, once it is gone.
		{Title: title, Command: "go mod download " + strings.Join(args, " "), Kind: checks.FixCache, Touches: []string{e.Linked}},
	}
}

// maxRedownload bounds the module versions a repair downloads again.
const maxRedownload = 50
