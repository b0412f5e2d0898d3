// Package module is the module check: the main module as the go command
// would load it: go and toolchain lines against the toolchain here, the
// workspace, replacements, vendoring, go.sum coverage, and (with
// --probe-branches) whether a branch a pseudo-version came from moved on
// while a proxy still answers the old commit (branch.go).
package module

import (
	"context"
	"errors"
	"fmt"
	"go/version"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
)

// ModuleCheck examines the main module itself: go.mod, go.work, the
// toolchain it asks for, replacements, vendoring and go.sum.
var Check = &checks.Check{
	ID:    "module",
	Title: "Main module",
	Doc: `Reads go.mod, go.work, go.sum and vendor/modules.txt with
golang.org/x/mod/modfile and finds what makes the go command fail before
any download: a go line newer than the toolchain GOTOOLCHAIN lets it run
(GOTOOLCHAIN=local, or a named toolchain without +auto), or a toolchain
switch that cannot happen (the toolchain is not on PATH with +path, or the
module proxy does not serve golang.org/toolchain for it: asked as the go
command would); a go.work whose go line is older than a module's, or
whose use directives name directories without go.mod; replace directives
pointing at directories that do not exist or lack go.mod, or at invalid
module versions; versions whose major version disagrees with the module
path (v2+ without /vN); vendor mode (-mod=vendor, or go 1.14+ with a
vendor directory) with a vendor/modules.txt inconsistent with go.mod,
checked exactly as the go command checks it; requirements without their
go.sum lines (the go.mod hash always, the content hash when the module's
packages are imported); and, with --probe-branches (which asks the
origins, as only GOPROXY=direct would), requirements on pseudo-versions
whose module proxy still answers an older commit for the branch (proxies
cache @branch queries). GOFLAGS=-mod=vendor without vendor/modules.txt is
the env check's.`,
	Codes: codes,
	Run:   runModule,
}

type moduleRun struct {
	ctx context.Context
	env *checks.Env
	g   *goenv.Env
	m   *mainmod.Module
	out []checks.Finding
	// cutErr says that the deadline cut the list of requirements before
	// any problem was found in it.
	cutErr error
}

func (r *moduleRun) add(f checks.Finding) { r.out = append(r.out, f) }

func runModule(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
	m := env.Module
	if m == nil || m.GoMod == "" && m.Work == "" {
		if _, err := os.Stat(env.Dir + string(filepath.Separator) + "."); errors.Is(err, fs.ErrPermission) {
			return nil, checks.Skip("the directory %s cannot be entered by this user, so whether it is in a module is unknown (see env)", env.Dir)
		}
		return nil, checks.Skip("not in a module (no go.mod here or above)")
	}
	r := &moduleRun{ctx: ctx, env: env, g: env.Go, m: m}
	if !r.parsed() {
		return r.out, nil
	}
	r.toolchain()
	r.workspace()
	r.versions()
	r.replacements()
	vendor := r.vendor()
	if !vendor {
		r.goSum()
	}
	r.branches()
	return r.out, r.cutErr
}

// parsed reports go.mod and go.work files that do not parse; nothing
// else can be checked then.
func (r *moduleRun) parsed() bool {
	ok := true
	for _, e := range []struct {
		file string
		err  error
	}{{r.m.GoMod, r.m.Err}, {r.m.Work, r.m.WorkErr}} {
		if e.err == nil {
			continue
		}
		ok = false
		msg := e.err.Error()
		code, what := "MODULE_GOMOD_INVALID", "cannot be read: every go command fails"
		if errors.Is(e.err, fs.ErrPermission) {
			title, cmd := mainmod.PermissionFix(e.file, false)
			r.add(checks.Finding{
				Code: code, Severity: checks.SevFail, Subject: e.file,
				Message: fmt.Sprintf("%s cannot be read by this user (permission denied): every go command here fails with \"go: %s\"", e.file, msg),
				Detail:  msg,
				Fixes:   []checks.Fix{checks.Manual(title, cmd)},
			})
			continue
		}
		switch {
		case strings.Contains(msg, "should be v") || strings.Contains(msg, "+incompatible") || strings.Contains(msg, "major version"):
			code, what = "MODULE_MAJOR_VERSION_MISMATCH", "requires a version whose major version disagrees with the module path (from v2 on, a path ends in /vN): every go command fails"
		case strings.Contains(msg, "malformed module path") || strings.Contains(msg, "invalid module path"):
			code, what = "MODULE_MALFORMED_PATH", "names a module path that is not valid (a path starts with a host name with a dot): every go command fails"
		case strings.Contains(msg, "invalid version") || strings.Contains(msg, "version \"") && strings.Contains(msg, "invalid"):
			code, what = "MODULE_INVALID_VERSION", "names a version that is not a valid semantic version: every go command fails"
		}
		fix := checks.Manual("show where it fails to parse, then correct that line", "go mod edit -json >/dev/null")
		var pathErr *module.InvalidPathError
		if errors.As(e.err, &pathErr) && pathErr.Kind == "module" {
			// The file parses: its module line names a path the go command rejects.
			what = "names a main module path that the go command rejects: every go command fails"
			fix = checks.Manual("give the module line a valid module path", "go mod edit -module=<module path>")
		}
		r.add(checks.Finding{
			Code: code, Severity: checks.SevFail, Subject: e.file,
			Message: fmt.Sprintf("%s %s", filepath.Base(e.file), what),
			Detail:  msg,
			Fixes:   []checks.Fix{fix},
		})
	}
	return ok
}

// goLines returns the go and toolchain lines in force and the file they
// are in: go.work's in a workspace, else go.mod's.
func (r *moduleRun) goLines() (goLine, toolchainLine, file string) {
	if r.m.WorkFile != nil {
		file = r.m.Work
		if r.m.WorkFile.Go != nil {
			goLine = r.m.WorkFile.Go.Version
		}
		if r.m.WorkFile.Toolchain != nil {
			toolchainLine = r.m.WorkFile.Toolchain.Name
		}
		return
	}
	file = r.m.GoMod
	if f := r.m.File; f != nil {
		if f.Go != nil {
			goLine = f.Go.Version
		}
		if f.Toolchain != nil {
			toolchainLine = f.Toolchain.Name
		}
	}
	return
}

// toolchain compares the go and toolchain lines with the toolchain the
// go command runs, as cmd/go/internal/toolchain.Select does.
func (r *moduleRun) toolchain() {
	g := r.g
	local := g.GoVersion
	goLine, tcLine, file := r.goLines()
	if local == "" || goLine == "" {
		return
	}
	v := g.Var("GOTOOLCHAIN")
	t := goenv.ParseToolchain(v.Value)
	if t.Err != nil {
		return // the env check's GOTOOLCHAIN_INVALID
	}
	running := local
	if t.Min != "local" {
		running = "go" + goenv.ToolchainVersion(t.Min)
	}
	short := filepath.Base(file)
	need := "go" + goLine
	if !version.IsValid(need) {
		return
	}
	if t.Mode == "" {
		if version.Compare(need, running) > 0 {
			msg := fmt.Sprintf("%s requires go >= %s (running go %s; GOTOOLCHAIN=%s): every go command in this module fails", short, goLine, strings.TrimPrefix(running, "go"), v.Value)
			fixes := r.newerGoFixes(goLine, short)
			r.add(checks.Finding{
				Code: "MODULE_REQUIRES_NEWER_GO", Severity: checks.SevFail, Subject: file,
				Message: msg,
				Detail:  fmt.Sprintf("%s: go %s\nGOTOOLCHAIN=%s (%s)\nthe go command here is %s", file, goLine, v.Value, g.Where(v), local),
				Fixes:   fixes,
			})
		} else if tcLine != "" && goenv.ToolchainVersion(tcLine) != "" && version.Compare("go"+goenv.ToolchainVersion(tcLine), running) > 0 {
			r.add(checks.Finding{
				Code: "MODULE_TOOLCHAIN_IGNORED", Severity: checks.SevInfo, Subject: file,
				Message: fmt.Sprintf("%s asks for toolchain %s, which GOTOOLCHAIN=%s ignores: builds use go %s (the go line, %s, is satisfied)", short, tcLine, v.Value, strings.TrimPrefix(running, "go"), goLine),
			})
		}
		return
	}
	// auto or path: the go command switches when the file asks for more.
	target, minV := "", strings.TrimPrefix(running, "go")
	if tv := goenv.ToolchainVersion(tcLine); tv != "" && version.Compare("go"+tv, "go"+minV) > 0 {
		target, minV = tcLine, tv
	}
	if version.Compare(need, "go"+minV) > 0 {
		target = toolchainTarget(need)
	}
	if target == "" {
		return
	}
	r.toolchainSwitch(target, file, v, t)
}

// toolchainTarget is the toolchain the go command switches to for a go
// line: from Go 1.21 on, a language version such as go1.22 means its
// first release, go1.22.0.
func toolchainTarget(need string) string {
	if version.Lang(need) == need && version.Compare(need, "go1.21") >= 0 {
		return need + ".0"
	}
	return need
}

// newerGoFixes are the remedies for a go line the toolchain cannot
// satisfy: let the go command switch (when the proxy serves that
// toolchain), or lower the line when no such Go release exists.
func (r *moduleRun) newerGoFixes(goLine, short string) []checks.Fix {
	target := toolchainTarget("go" + goLine)
	avail, evidence := r.toolchainAvailable(target)
	switch avail {
	case toolchainOff:
		return []checks.Fix{offFix(target)}
	case toolchainMissing:
		return []checks.Fix{
			checks.Manual(fmt.Sprintf("no Go release %s exists (the module proxy does not have %s: %s): correct the go line of %s to the version the code needs", goLine, target, evidence, short),
				"go mod edit -go="+strings.TrimPrefix(r.g.GoVersion, "go")),
		}
	}
	return []checks.Fix{
		r.switchFix(avail, "let the go command download and run the toolchain "+short+" asks for"),
		checks.Manual("or install Go "+goLine+" or later and put it first on PATH", "go version"),
	}
}

// switchFix is GOTOOLCHAIN=auto, which lets the go command download the
// toolchain the module asks for. --fix may apply it only when the module
// proxy serves that toolchain (avail, from toolchainAvailable): refused
// or unanswered, the switch would fail after the change, which is then
// a person's decision.
func (r *moduleRun) switchFix(avail toolchainAvail, title string) checks.Fix {
	fix := checks.SetVar(r.g, r.g.Var("GOTOOLCHAIN"), "auto", title)
	if avail != toolchainServed {
		fix.Auto = false
	}
	return fix
}

// offFix is the remedy for a toolchain the go command may not download
// because GOPROXY=off: GOTOOLCHAIN=auto would fail the same way.
func offFix(target string) checks.Fix {
	return checks.Manual("GOPROXY=off stops the go command from downloading toolchains, so GOTOOLCHAIN=auto would not help: install "+target+" (or later) first on PATH, or let GOPROXY reach a module proxy again (see the env check)",
		"go version")
}

type toolchainAvail = probe.ToolchainAvail

const (
	toolchainUnknown = probe.ToolchainUnknown
	toolchainServed  = probe.ToolchainServed
	toolchainMissing = probe.ToolchainMissing
	toolchainRefused = probe.ToolchainRefused
	toolchainOff     = probe.ToolchainOff
)

// toolchainAvailable asks the GOPROXY list for the toolchain module, as
// a switch would (probe.Toolchain).
func (r *moduleRun) toolchainAvailable(target string) (toolchainAvail, string) {
	return probe.Toolchain(r.ctx, r.env, target)
}

// toolchainSwitch checks that the toolchain the go command switches to
// can be run: on PATH (GOTOOLCHAIN=path, and first for auto), or
// downloaded through GOPROXY (auto).
func (r *moduleRun) toolchainSwitch(target, file string, v goenv.Var, t goenv.Toolchain) {
	short := filepath.Base(file)
	if p, err := probe.LookPath(target, r.g.Get("PATH")); err == nil {
		r.add(checks.Finding{
			Code: "MODULE_TOOLCHAIN_SWITCH", Severity: checks.SevInfo, Subject: target,
			Message: fmt.Sprintf("%s asks for %s: the go command runs it from PATH (%s)", short, target, p),
		})
		return
	}
	if t.Mode == "path" {
		// GOTOOLCHAIN=auto fixes it only if the toolchain can then be
		// downloaded: the proxy is asked, as after the fix the go command
		// would ask it.
		avail, evidence := r.toolchainAvailable(target)
		fixes := []checks.Fix{
			r.switchFix(avail, "let the go command download it"),
			checks.Manual("or install it on PATH", "go install golang.org/dl/"+target+"@latest && "+target+" download"),
		}
		if avail == toolchainOff {
			fixes = []checks.Fix{offFix(target)}
		}
		if avail == toolchainMissing {
			fixes = []checks.Fix{checks.Manual(fmt.Sprintf("no Go release %s exists (the module proxy does not have it, so GOTOOLCHAIN=auto would fail too): name a released Go version in the go and toolchain lines of %s", target, short),
				"go mod edit -go="+strings.TrimPrefix(r.g.GoVersion, "go")+" -toolchain=none")}
		}
		r.add(checks.Finding{
			Code: "MODULE_TOOLCHAIN_UNAVAILABLE", Severity: checks.SevFail, Subject: target,
			Message: fmt.Sprintf("%s asks for %s and GOTOOLCHAIN=%s only looks on PATH, where it is not: the go command fails with \"cannot find %q in PATH\"", short, target, v.Value, target),
			Detail:  fmt.Sprintf("GOTOOLCHAIN=%s (%s)\nthrough GOPROXY: %s", v.Value, r.g.Where(v), evidence),
			Fixes:   fixes,
		})
		return
	}
	avail, evidence := r.toolchainAvailable(target)
	switch avail {
	case toolchainServed:
		r.add(checks.Finding{
			Code: "MODULE_TOOLCHAIN_SWITCH", Severity: checks.SevInfo, Subject: target,
			Message: fmt.Sprintf("%s asks for %s: the go command downloads it through GOPROXY and runs it (GOTOOLCHAIN=%s)", short, target, v.Value),
			Detail:  evidence,
		})
	case toolchainMissing:
		r.add(checks.Finding{
			Code: "MODULE_TOOLCHAIN_UNAVAILABLE", Severity: checks.SevFail, Subject: target,
			Message: fmt.Sprintf("%s asks for %s, which the module proxy does not have (404/410): the go command fails with \"download %s for %s/%s: toolchain not available\"", short, target, target, runtime.GOOS, runtime.GOARCH),
			Detail:  evidence,
			Fixes: []checks.Fix{checks.Manual("name a released Go version in the go and toolchain lines of "+short,
				"go mod edit -go="+strings.TrimPrefix(r.g.GoVersion, "go")+" -toolchain=none")},
		})
	case toolchainOff:
		r.add(checks.Finding{
			Code: "MODULE_TOOLCHAIN_UNAVAILABLE", Severity: checks.SevFail, Subject: target,
			Message: fmt.Sprintf("%s asks for %s, and GOPROXY=off stops the go command from downloading it: it fails with \"download %s for %s/%s: toolchain not available\"", short, target, target, runtime.GOOS, runtime.GOARCH),
			Detail:  evidence,
			Fixes:   []checks.Fix{offFix(target)},
		})
	case toolchainRefused:
		r.add(checks.Finding{
			Code: "MODULE_TOOLCHAIN_UNAVAILABLE", Severity: checks.SevFail, Subject: target,
			Message: fmt.Sprintf("%s asks for %s, and the module proxy refuses to serve it: the toolchain switch fails", short, target),
			Detail:  evidence,
			Fixes: []checks.Fix{
				checks.Manual("ask the proxy's administrators to allow golang.org/toolchain, or install "+target+" on PATH", "go install golang.org/dl/"+target+"@latest && "+target+" download"),
			},
		})
	}
}

// workspace checks go.work: directories of use directives, and go lines
// of the modules newer than go.work's.
func (r *moduleRun) workspace() {
	if r.m.WorkFile == nil {
		return
	}
	workGo := ""
	if r.m.WorkFile.Go != nil {
		workGo = r.m.WorkFile.Go.Version
	}
	for _, wm := range reqs.WorkModules(r.env) {
		rel := wm.Use.Path
		if wm.File == nil {
			what := "does not exist"
			if fi, err := os.Stat(wm.Dir); err == nil && fi.IsDir() {
				what = "has no go.mod"
			}
			r.add(checks.Finding{
				Code: "MODULE_GOWORK_MISSING_DIR", Severity: checks.SevFail, Subject: r.m.Work,
				Message: fmt.Sprintf("go.work uses %s, which %s: every go command in the workspace fails with \"cannot load module %s listed in go.work file\"", rel, what, rel),
				Detail:  fmt.Sprintf("%s:%d: use %s\n%v", r.m.Work, wm.Use.Syntax.Start.Line, rel, wm.Err),
				Fixes:   []checks.Fix{checks.Manual("drop the directory from the workspace (or restore it)", "go work edit -dropuse="+checks.ShellQuote(rel))},
			})
			continue
		}
		if wm.File.Go != nil && workGo != "" && version.Compare("go"+wm.File.Go.Version, "go"+workGo) > 0 {
			r.add(checks.Finding{
				Code: "MODULE_GOWORK_OUTDATED", Severity: checks.SevFail, Subject: r.m.Work,
				Message: fmt.Sprintf("module %s listed in go.work requires go >= %s, but go.work lists go %s: every go command in the workspace fails", rel, wm.File.Go.Version, workGo),
				Fixes:   []checks.Fix{checks.Manual("raise the go line of go.work", "go work edit -go="+wm.File.Go.Version)},
			})
		}
	}
}

// versions checks that each requirement's version fits its path.
func (r *moduleRun) versions() {
	for i, req := range reqs.Requirements(r.env) {
		if reqs.Expired(r.ctx, i) {
			return // goSum says the deadline passed
		}
		check := func(mv module.Version, what string) {
			if mv.Version == "" {
				return
			}
			err := module.Check(mv.Path, mv.Version)
			if err == nil {
				return
			}
			msg := err.Error()
			code := "MODULE_INVALID_VERSION"
			if strings.Contains(msg, "should be v") || strings.Contains(msg, "+incompatible") {
				code = "MODULE_MAJOR_VERSION_MISMATCH"
			}
			fixes := []checks.Fix{checks.Manual("list the versions that exist", "go list -m -versions "+mv.Path)}
			if prefix, major, ok := module.SplitPathVersion(mv.Path); ok && code == "MODULE_MAJOR_VERSION_MISMATCH" {
				m := strings.SplitN(strings.TrimPrefix(mv.Version, "v"), ".", 2)[0]
				if major == "" && m != "0" && m != "1" {
					fixes = []checks.Fix{checks.Manual(fmt.Sprintf("require the major version under its own path (or %s+incompatible if the module has no go.mod)", mv.Version), "go get "+prefix+"/v"+m+"@"+mv.Version)}
				}
			}
			r.add(checks.Finding{
				Code: code, Severity: checks.SevFail, Subject: mv.Path,
				Message: fmt.Sprintf("%s %s@%s: %s", what, mv.Path, mv.Version, msg),
				Fixes:   fixes,
			})
		}
		check(req.Mod, "go.mod requires")
		if req.Fetched != req.Mod {
			check(req.Fetched, "a replace directive names")
		}
	}
}

// replacements checks replace directives that point at directories.
func (r *moduleRun) replacements() {
	for _, req := range reqs.Requirements(r.env) {
		if !req.Local() {
			continue
		}
		dir := reqs.ReplaceDir(req.ReplacedIn, req.Dir)
		_, err := os.Stat(filepath.Join(dir, "go.mod"))
		if err == nil {
			continue
		}
		what := "has no go.mod"
		if _, derr := os.Stat(dir); errors.Is(derr, fs.ErrNotExist) {
			what = "does not exist"
		}
		r.add(checks.Finding{
			Code: "MODULE_REPLACE_INVALID", Severity: checks.SevFail, Subject: req.Mod.Path,
			Message: fmt.Sprintf("%s is replaced by the directory %s, which %s: the go command fails with \"%s@%s (replaced by %s): reading %s/go.mod: ...\"", req.Mod.Path, req.Dir, what, req.Mod.Path, req.Mod.Version, req.Dir, req.Dir),
			Detail:  fmt.Sprintf("%s: replace %s => %s\nresolved to %s", req.ReplacedIn, req.Mod.Path, req.Dir, dir),
			Fixes:   []checks.Fix{checks.Manual("correct the directory (it must hold the module's go.mod), or drop the replace directive", "go mod edit -dropreplace="+req.Mod.Path)},
		})
	}
}

// vendorMode reports whether the go command builds from vendor/, and why.
func (r *moduleRun) vendorMode() (on, explicit bool, why string) {
	if f, ok := goenv.LookupGoFlag(r.g.Get("GOFLAGS"), "mod"); ok {
		return f.Value == "vendor", true, "GOFLAGS=" + f.Raw
	}
	if r.m.DefaultVendor() {
		return true, false, fmt.Sprintf("go.mod says go %s (1.14 or later) and a vendor directory exists", r.m.GoVersion())
	}
	return false, false, ""
}

// vendor checks vendor/modules.txt against go.mod when builds use it. It
// reports whether they do (go.sum is then not consulted).
func (r *moduleRun) vendor() bool {
	on, explicit, why := r.vendorMode()
	if !on || r.m.Work != "" || r.m.File == nil {
		return on
	}
	vendorDir := filepath.Join(r.m.Dir, "vendor")
	fix := func() []checks.Fix {
		fixes := []checks.Fix{checks.Manual("bring vendor/ up to date with go.mod", "go mod vendor")}
		if explicit {
			fixes = append(fixes, checks.Manual("or stop building from vendor/: remove -mod=vendor from GOFLAGS", "go env GOFLAGS"))
		}
		return fixes
	}
	data, err := os.ReadFile(filepath.Join(vendorDir, "modules.txt"))
	if err != nil {
		if explicit || len(r.m.File.Require) == 0 {
			return true // GOFLAGS_MOD_VENDOR (env) says it; nothing required: consistent
		}
		r.add(checks.Finding{
			Code: "MODULE_VENDOR_INCONSISTENT", Severity: checks.SevFail, Subject: vendorDir,
			Message: "builds use vendor/ (" + why + "), which has no modules.txt: every build fails with \"inconsistent vendoring\"",
			Fixes:   fix(),
		})
		return true
	}
	vl := mainmod.ParseModulesTxt(string(data))
	probs := mainmod.VendorInconsistencies(r.m.File, vl)
	if len(probs) == 0 {
		r.add(checks.Finding{
			Code: "MODULE_VENDOR_MODE", Severity: checks.SevInfo, Subject: vendorDir,
			Message: "builds use vendor/ (" + why + "): nothing is downloaded, and vendor/modules.txt agrees with go.mod",
		})
		return true
	}
	r.add(checks.Finding{
		Code: "MODULE_VENDOR_INCONSISTENT", Severity: checks.SevFail, Subject: vendorDir,
		Message: fmt.Sprintf("builds use vendor/ (%s), and vendor/modules.txt disagrees with go.mod in %d place(s): every build fails with \"inconsistent vendoring\"", why, len(probs)),
		Detail:  strings.Join(probs, "\n"),
		Fixes:   fix(),
	})
	return true
}

// goSum reports requirements whose go.sum lines are missing.
func (r *moduleRun) goSum() {
	sums := reqs.GoSums(r.env)
	// The packages the main modules import, parsed only when a content
	// hash is missing (it walks every Go file).
	imports := sync.OnceValue(func() map[string]bool {
		all := map[string]bool{}
		for _, wm := range reqs.WorkModules(r.env) {
			im, _ := mainmod.Imports(wm.Dir)
			for k := range im {
				all[k] = true
			}
		}
		return all
	})
	reqs := reqs.Requirements(r.env)
	provides := func(path string) bool {
		for im := range imports() {
			if im != path && !strings.HasPrefix(im, path+"/") {
				continue
			}
			// The longest requirement path that is a prefix decides.
			best := ""
			for _, q := range reqs {
				if (im == q.Mod.Path || strings.HasPrefix(im, q.Mod.Path+"/")) && len(q.Mod.Path) > len(best) {
					best = q.Mod.Path
				}
			}
			if best == path {
				return true
			}
		}
		return false
	}
	var missing []missingSum
	var count [len(missingReasons)]int
	cut := ""
	for i, req := range reqs {
		if expired(r.ctx, i) {
			cut = cutNote(i, len(reqs), "requirements")
			break
		}
		if req.Local() {
			continue
		}
		mv := req.Fetched
		gomod := sums.H1(mv.Path, mv.Version, true) != ""
		zip := sums.H1(mv.Path, mv.Version, false) != ""
		var reason int
		switch {
		case !gomod:
			reason = rNoGoMod
		case !zip && provides(req.Mod.Path):
			reason = rNoZipUsed
		case !zip && !req.Indirect:
			reason = rNoZipDirect
		default:
			continue
		}
		count[reason]++
		missing = append(missing, missingSum{i, reason})
	}
	if len(missing) == 0 {
		if cut != "" {
			r.cutErr = errors.New(cut)
		}
		return
	}
	sev := checks.SevWarn
	if count[rNoGoMod]+count[rNoZipUsed] > 0 {
		sev = checks.SevFail
	}
	download := checks.Manual(fmt.Sprintf("add the missing lines of the %s modules (the go command fetches and verifies the whole build list)", thousands(len(missing))), "go mod download all")
	if len(missing) <= maxDownloadArgs {
		mods := make([]module.Version, len(missing))
		for k, m := range missing {
			mods[k] = reqs[m.i].Fetched
		}
		download = checks.Manual("add the missing lines (the go command fetches and verifies the modules)", downloadCommand(mods))
	}
	msg := fmt.Sprintf("go.sum lacks lines for %s requirement(s): builds fail with \"missing go.sum entry\"", thousands(len(missing)))
	if sev == checks.SevWarn {
		msg = fmt.Sprintf("go.sum lacks the content hash of %s requirement(s) that no package of this module imports directly: builds that need their packages fail with \"missing go.sum entry\"", thousands(len(missing)))
	}
	if cut != "" {
		msg += " (" + cut + ")"
	}
	r.add(checks.Finding{
		Code: "MODULE_MISSING_GOSUM", Severity: sev, Subject: "go.sum",
		Message: msg,
		Detail:  missingDetail(reqs, missing, count),
		// The lines come with 'go mod download', which needs the modules
		// fetched: when the proxies cannot serve them (the proxy check
		// probes the modules go.sum lacks first), or the private check
		// finds them sent where they cannot be, this follows from it.
		CausedByAny: []checks.Ref{
			{Check: "proxy", Code: "PROXY_MODULE_UNAVAILABLE"},
			{Check: "proxy", Code: "PROXY_MODULE_NOT_FOUND"},
			{Check: "private"},
		},
		Fixes: []checks.Fix{
			download,
			checks.Manual("or bring go.mod and go.sum up to date with the code", "go mod tidy"),
		},
	})
}

// A missingSum is a requirement whose go.sum lines are missing: its
// index in the shared requirements (not a string per module: there may
// be 50,000) and the reason it matters.
type missingSum struct{ i, reason int }

// The reasons, each said once above the module versions it holds for:
// 50,000 requirements are 50,000 short lines, not 50,000 sentences.
const (
	rNoGoMod = iota
	rNoZipUsed
	rNoZipDirect
)

var missingReasons = [...]string{
	rNoGoMod:     "no go.mod hash (every command that loads the module graph fails):",
	rNoZipUsed:   "no content hash, and the module's packages are imported (builds fail):",
	rNoZipDirect: "no content hash (builds fail if they import its packages):",
}

// missingDetail lists the missing requirements under their reasons,
// written into a buffer of the right size.
func missingDetail(list []reqs.Requirement, missing []missingSum, count [len(missingReasons)]int) string {
	size := 0
	for _, m := range missing {
		size += len(list[m.i].Fetched.Path) + len(list[m.i].Fetched.Version) + len("\n  @")
	}
	for _, text := range missingReasons {
		size += len(text) + 1
	}
	var b strings.Builder
	b.Grow(size)
	for reason, text := range missingReasons {
		if count[reason] == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(text)
		for _, m := range missing {
			if m.reason == reason {
				b.WriteString("\n  ")
				b.WriteString(list[m.i].Fetched.String())
			}
		}
	}
	return b.String()
}

// maxDownloadArgs is how many modules the 'go mod download' of missing
// go.sum lines names; beyond it the command is 'go mod download all',
// the whole build list (a command line of 50,000 modules is 1.3 MB: no
// one can run it). With arguments, "all" included, the go command
// writes the go.sum lines of what it fetched (modcmd/download.go).
var maxDownloadArgs = 20

// downloadCommand is the 'go mod download' of the given modules.
func downloadCommand(mods []module.Version) string {
	var dl strings.Builder
	dl.WriteString("go mod download")
	for _, mv := range mods {
		dl.WriteString(" " + mv.String())
	}
	return dl.String()
}

// The requirements package is shadowed by a variable in goSum.
var (
	expired   = reqs.Expired
	cutNote   = reqs.CutNote
	thousands = reqs.Thousands
)
