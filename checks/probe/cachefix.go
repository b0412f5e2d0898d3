package probe

import (
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
