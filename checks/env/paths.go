package env

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/modcachex"
)

// gopath validates GOPATH and GOMODCACHE: the module cache must be an
// absolute path to a directory the go command can create and write.
func (r *envRules) gopath() {
	g := r.g
	gp := g.Var("GOPATH")
	mc := g.Var("GOMODCACHE")
	if gp.Value == "" && mc.Value == "" {
		r.add(checks.Finding{
			Code: "GOPATH_UNSET", Severity: checks.SevFail, Subject: "GOPATH",
			Message: "neither GOMODCACHE nor GOPATH is set (HOME is unset too): module downloads fail with \"module cache not found\"",
			Fixes:   []checks.Fix{checks.Manual("set HOME (the default GOPATH is $HOME/go), or set GOPATH to any absolute directory", `export GOPATH="${TMPDIR:-/tmp}/go"`)},
		})
		return
	}
	for _, p := range filepath.SplitList(gp.Value) {
		if p != "" && (!filepath.IsAbs(p) || strings.HasPrefix(p, "~")) {
			r.add(checks.Finding{
				Code: "GOPATH_RELATIVE", Severity: checks.SevFail, Subject: "GOPATH",
				Message: fmt.Sprintf("GOPATH entry %q is not an absolute path: every go command fails with \"GOPATH entry is relative; must be absolute path\"", p),
				Detail:  r.evidence(gp, "the shell does not expand ~ inside quotes or in go env -w values"),
				Fixes:   []checks.Fix{checks.SetVar(g, gp, absPath(p, g.Get("HOME")), "use an absolute path")},
			})
			r.explain("GOPATH entry is relative")
			return
		}
		if g.GOROOT != "" && filepath.Clean(p) == filepath.Clean(g.GOROOT) {
			r.add(checks.Finding{
				Code: "GOPATH_IS_GOROOT", Severity: checks.SevWarn, Subject: "GOPATH",
				Message: "GOPATH is the Go installation directory (GOROOT): the go command ignores it there and downloaded modules land inside the installation",
				Detail:  r.evidence(gp),
				Fixes:   []checks.Fix{checks.UnsetVar(g, gp, "use the default GOPATH ($HOME/go)")},
			})
		}
	}
	if mc.Value == "" {
		return
	}
	if !filepath.IsAbs(mc.Value) {
		r.add(checks.Finding{
			Code: "GOMODCACHE_RELATIVE", Severity: checks.SevFail, Subject: "GOMODCACHE",
			Message: fmt.Sprintf("GOMODCACHE %q is not an absolute path: module downloads fail with \"GOMODCACHE entry is relative; must be absolute path\"", mc.Value),
			Detail:  r.evidence(mc),
			Fixes:   []checks.Fix{checks.UnsetVar(g, mc, "use the default, GOPATH/pkg/mod")},
		})
		return
	}
	r.cacheDir(mc)
}

// cacheDir checks that the module cache directory is, or can become, a
// writable directory.
func (r *envRules) cacheDir(mc goenv.Var) {
	g := r.g
	dir := mc.Value
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		r.add(checks.Finding{
			Code: "GOMODCACHE_NOT_DIR", Severity: checks.SevFail, Subject: "GOMODCACHE",
			Message: fmt.Sprintf("GOMODCACHE %s is a file, not a directory: module downloads fail with \"could not create module cache\"", dir),
			Detail:  r.evidence(mc),
			Fixes:   []checks.Fix{checks.UnsetVar(g, mc, "use the default, GOPATH/pkg/mod"), checks.Manual("or move the file out of the way", "mv "+checks.ShellQuote(dir)+" "+checks.ShellQuote(dir+".bak"))},
		})
	case err == nil:
		if werr := modcachex.Writable(dir); werr != nil {
			r.notWritable(mc, dir, werr)
		}
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		// The go command creates it: its nearest existing parent must be
		// a directory we can write.
		parent := dir
		for {
			next := filepath.Dir(parent)
			if next == parent {
				break
			}
			parent = next
			if pfi, perr := os.Stat(parent); perr == nil {
				if !pfi.IsDir() {
					r.add(checks.Finding{
						Code: "GOMODCACHE_NOT_DIR", Severity: checks.SevFail, Subject: "GOMODCACHE",
						Message: fmt.Sprintf("GOMODCACHE %s cannot be created: %s is a file", dir, parent),
						Detail:  r.evidence(mc), Fixes: []checks.Fix{checks.UnsetVar(g, mc, "use the default, GOPATH/pkg/mod")},
					})
				} else if werr := modcachex.Writable(parent); werr != nil {
					r.notWritable(mc, parent, werr)
				}
				break
			}
		}
	default:
		r.add(checks.Finding{
			Code: "GOMODCACHE_NOT_WRITABLE", Severity: checks.SevFail, Subject: "GOMODCACHE",
			Message: fmt.Sprintf("GOMODCACHE %s cannot be inspected: %v", dir, err),
			Detail:  r.evidence(mc),
		})
	}
}

func (r *envRules) notWritable(mc goenv.Var, dir string, err error) {
	r.add(checks.Finding{
		Code: "GOMODCACHE_NOT_WRITABLE", Severity: checks.SevFail, Subject: "GOMODCACHE",
		Message: fmt.Sprintf("the module cache cannot be written: %s is not writable by this user (%v); every download fails", dir, err),
		Detail:  r.evidence(mc, "a 'sudo go get' once is the usual cause"),
		Fixes:   []checks.Fix{checks.Manual("give the directory back to your user", "sudo chown -R \"$(id -u):$(id -g)\" "+checks.ShellQuote(dir))},
	})
}

// absPath makes a GOPATH entry absolute the way the user meant it.
func absPath(p, home string) string {
	if strings.HasPrefix(p, "~") && home != "" {
		return filepath.Join(home, strings.TrimPrefix(p, "~"))
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
