// Package modcache is the modcache check: the module cache read as the
// go command lays it out (checks/modcachex), structurally for every
// entry and hashed in depth for the main module's build list (or the
// whole cache with --scope all), each problem turned into a finding with
// the exact repair (findings.go).
package modcache

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
	"github.com/gomoddoctor/gomoddoctor/checks/modcachex"
)

// ModcacheCheck finds the damaged entries of the module cache and
// repairs only those.
var Check = &checks.Check{
	ID:    "modcache",
	Title: "Module cache",
	Doc: `Reads the module cache (GOMODCACHE) the way the go command lays it out
and finds what is damaged, entry by entry. The cache root: cache/download
writable, files owned by another user (a 'sudo go get' leaves them),
extracted modules left writable (by hand, or by GOFLAGS=-modcacherw), free
space and inodes on its file system. Each module version: the .info is
JSON naming the right version; the .mod parses and matches the go.sum
"/go.mod" line; the .zip is a zip whose content hashes (dirhash h1) to
its .ziphash and to go.sum; a .ziphash without its zip; leftover .partial
and temporary files; locks held by another process; empty or cut-off
files; the extracted directory <module>@<version> hashes to the zip's
hash (what 'go mod verify' reports as "dir has been modified"); broken
symbolic links; names the go command never writes.

A quick structural pass covers the whole cache; then the content is
hashed in parallel: inside a module, the main module's build list (the
set 'go mod verify' checks) by default, the whole cache with --scope all.
Problems of versions this module does not use are warnings. Damage the
go command repairs by downloading again (a damaged .info, a stale
go.mod, a missing .ziphash, a .ziphash alone) is a warning, and a
failure when GOPROXY=off (and GONOPROXY does not send the module to its
origin): then the go command cannot download. Each damaged
entry gets the commands that remove just that entry and the go command
that downloads it again; 'go clean -modcache' only as the last resort.
Fixes that delete cache entries are never applied without consent. No
network access.`,
	Codes: codes,
	Run:   runModcache,
}

// Free-space thresholds of the module cache's file system.
const (
	lowSpaceWarn  = 1 << 30  // below this, a large download or build may fail
	lowSpaceFail  = 16 << 20 // below this, downloads fail: "no space left on device"
	lowInodesWarn = 20000    // a module can have thousands of files
	lowInodesFail = 100
)

// spaceOf measures a file system; tests replace it.
var spaceOf = modcachex.SpaceOf

// cacheRun is one run of the modcache check.
type cacheRun struct {
	env   *checks.Env
	root  string
	cache modcachex.Cache
	sums  mainmod.Sums
	// inModule is set when there is a main module to scope to. relevant
	// then holds the module versions of its build list (as named and as
	// the cache holds them, after replacement); graph also holds those
	// whose go.mod go.sum records (the go command reads the go.mod of
	// every module in the graph, not only of the build list).
	inModule bool
	relevant map[module.Version]bool
	graph    map[module.Version]bool
	versions int // versions the structural pass saw
	// problems are collected during the passes and become findings at
	// the end, once the build list says which versions matter.
	mu       sync.Mutex
	problems []modcachex.Problem
	out      []checks.Finding
}

// problem records what a pass found; passes call it from one goroutine
// at a time, but the check's own steps may overlap with them.
func (r *cacheRun) problem(p modcachex.Problem) {
	r.mu.Lock()
	r.problems = append(r.problems, p)
	r.mu.Unlock()
}

func runModcache(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
	root := env.Go.Get("GOMODCACHE")
	if root == "" || !filepath.IsAbs(root) {
		return nil, checks.Skip("GOMODCACHE unusable: see the env check")
	}
	fi, err := os.Stat(root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		env.RecordFacts(func(f *checks.Facts) { f.ModCache = &checks.ModCacheFact{Dir: root} })
		return nil, checks.Skip("no module cache yet")
	case err != nil:
		return []checks.Finding{{
			Code: string(modcachex.Unreadable), Severity: checks.SevFail, Subject: root,
			Message: "the module cache cannot be read: " + err.Error(),
			Fixes:   []checks.Fix{checks.Manual("give the module cache back to your user", chownCommand(root))},
		}}, nil
	case !fi.IsDir():
		return nil, checks.Skip("GOMODCACHE unusable: see the env check")
	}

	r := &cacheRun{env: env, root: root, cache: modcachex.Cache{Root: root}}
	r.loadModule()
	r.space()

	sc := modcachex.NewScanner(root)
	sc.Sums = r.sums
	sc.ReadOnlyModules = !r.modcacheRW()
	if env.Options.Progress != nil {
		sc.Progress = func(p modcachex.Progress) {
			env.Options.Progress(checks.Progress{Check: "modcache", Phase: p.Phase, Done: p.Done, Total: p.Total})
		}
	}

	// Inside a module the build list decides what matters, whatever the
	// scope. It is computed (from the cached go.mod files) while the
	// structural pass runs.
	var (
		mods []module.Version
		how  string
	)
	listed := make(chan struct{})
	go func() {
		defer close(listed)
		if r.inModule {
			mods, how = r.buildListMods(ctx)
		}
	}()
	st, err := sc.Structural(ctx, r.problem)
	<-listed
	if err != nil {
		return r.out, err
	}
	r.versions = st.Versions
	defer r.recordFacts(st.Versions, st.Zips)
	if st.Stopped {
		r.incomplete("the structural pass", st.Versions, 0, nil, false)
		return r.finish(), nil
	}

	var (
		deep   modcachex.Stats
		what   string
		hashed bool
		total  int
		vc     *modcachex.VerifyCache
	)
	var doneMu sync.Mutex
	verified := map[module.Version]bool{}
	sc.Done = func(m module.Version) {
		doneMu.Lock()
		verified[m] = true
		doneMu.Unlock()
	}
	if env.Options.Scope == checks.ScopeAll || r.inModule {
		vc = r.verifyCache()
		sc.Verified = vc
	}
	switch {
	case env.Options.Scope == checks.ScopeAll:
		deep, err = sc.DeepAll(ctx, st.Versions, r.problem)
		what, hashed, total = "every module version in the cache (--scope all)", true, st.Versions
	case r.inModule:
		deep, err = sc.Deep(ctx, mods, r.problem)
		what, hashed, total = fmt.Sprintf("the build list of %s (%d module versions in the cache; %s)", env.Module.Path(), deep.Versions, how), true, len(mods)
	default:
		what = "nothing: outside a module only the structural checks run; --scope all hashes the whole cache"
	}
	if err != nil {
		return r.out, err
	}
	saveErr := vc.Save()
	if deep.Stopped {
		var missed []module.Version
		if env.Options.Scope != checks.ScopeAll {
			for _, m := range mods {
				if !verified[m] {
					missed = append(missed, m)
				}
			}
		}
		r.incomplete("hashing", deep.Hashed, total, missed, vc != nil)
	}
	detail := []string{
		fmt.Sprintf("structure: %d module versions, %d zips (%s)", st.Versions, st.Zips, modcachex.HumanBytes(st.ZipBytes)),
		"hashed: " + what,
	}
	if hashed {
		detail = append(detail, fmt.Sprintf("versions hashed: %d", deep.Hashed))
		detail = append(detail, r.verifyCacheNote(vc, deep, saveErr)...)
	}
	r.out = append(r.out, checks.Finding{
		Code: "MODCACHE_SUMMARY", Severity: checks.SevInfo, Subject: root,
		Message: fmt.Sprintf("checked the module cache: %d module versions", st.Versions),
		Detail:  strings.Join(detail, "\n"),
	})
	return r.finish(), nil
}

// loadModule reads the main modules' go.sum files and decides whether
// findings are scoped to it.
func (r *cacheRun) loadModule() {
	m := r.env.Module
	if m == nil || (m.File == nil && m.WorkFile == nil) {
		return
	}
	r.inModule = true
	r.relevant = map[module.Version]bool{}
	r.graph = map[module.Version]bool{}
	r.sums = reqs.GoSums(r.env)
	for k := range r.sums.Keys {
		if k.GoMod {
			r.graph[module.Version{Path: k.Path, Version: k.Version}] = true
		}
	}
}

// buildListMods returns the module versions to hash for the main module:
// its build list, as the cache's module versions after replacement (the
// set 'go mod verify' checks, except that it looks for a replaced
// module under its original name). how says how the list was made.
func (r *cacheRun) buildListMods(ctx context.Context) ([]module.Version, string) {
	m := r.env.Module
	var deps []modcachex.Dep
	how := ""
	if m.Work == "" && m.File != nil {
		bl, err := modcachex.ComputeBuildList(r.cache, m.File, m.Dir)
		if err == nil {
			deps = bl.Deps
			how = "computed from go.mod and the cached go.mod files"
			if len(bl.Unread) > 0 {
				how += fmt.Sprintf("; %d go.mod files are not in the cache yet", len(bl.Unread))
			}
		}
	}
	if deps == nil {
		if d, err := r.goListDeps(ctx); err == nil {
			deps = d
			how = "listed by 'go list -m all'"
		} else {
			how = "from go.mod and go.sum ('go list -m all' failed: " + probe.FirstLine(err.Error()) + ")"
			deps = r.fallbackDeps()
		}
	}
	seen := map[module.Version]bool{}
	var mods []module.Version
	add := func(v module.Version) {
		if v.Version != "" && !seen[v] {
			seen[v] = true
			mods = append(mods, v)
		}
	}
	for _, d := range deps {
		r.relevant[d.Actual] = true
		r.relevant[d.Mod] = true
		if d.InCache() {
			add(d.Actual)
		}
	}
	slices.SortFunc(mods, func(a, b module.Version) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Version, b.Version)
	})
	return mods, how
}

// goListDeps asks the go command for the build list, off the network:
// used for workspaces and when the go.mod cannot be read in-process.
func (r *cacheRun) goListDeps(ctx context.Context) ([]modcachex.Dep, error) {
	g := r.env.Go
	if g.GoBin == "" {
		return nil, errors.New("no go command")
	}
	flags := strings.TrimSpace(g.Get("GOFLAGS") + " -mod=readonly")
	out, err := g.Run(ctx, r.env.Module.Dir, map[string]string{
		"GOPROXY": "off", "GOSUMDB": "off", "GOFLAGS": flags,
	}, "list", "-m", "-json", "all")
	if err != nil {
		return nil, err
	}
	var deps []modcachex.Dep
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var mj struct {
			Path, Version string
			Main          bool
			Replace       *struct{ Path, Version string }
		}
		if err := dec.Decode(&mj); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		if mj.Main || mj.Version == "" {
			continue
		}
		d := modcachex.Dep{Mod: module.Version{Path: mj.Path, Version: mj.Version}}
		d.Actual = d.Mod
		if mj.Replace != nil {
			d.Actual = module.Version{Path: mj.Replace.Path, Version: mj.Replace.Version}
		}
		deps = append(deps, d)
	}
	return deps, nil
}

// fallbackDeps approximates the build list when nothing better works:
// the main modules' requirements, replaced (Requirements).
func (r *cacheRun) fallbackDeps() []modcachex.Dep {
	var deps []modcachex.Dep
	for _, q := range reqs.Requirements(r.env) {
		d := modcachex.Dep{Mod: q.Mod, Actual: q.Fetched}
		if q.Local() {
			d.Actual = module.Version{Path: q.Dir}
		}
		deps = append(deps, d)
	}
	return deps
}

// modcacheRW reports whether GOFLAGS has -modcacherw, which makes the go
// command leave extracted modules writable, and notes it: an editor or a
// tool can then change them unnoticed.
func (r *cacheRun) modcacheRW() bool {
	f, ok := goenv.LookupGoFlag(r.env.Go.Get("GOFLAGS"), "modcacherw")
	rw, err := f.BoolValue()
	rw = ok && err == nil && rw
	if rw {
		r.out = append(r.out, checks.Finding{
			Code: "MODCACHE_RW", Severity: checks.SevInfo, Subject: "GOFLAGS",
			Message: "GOFLAGS has -modcacherw: the go command leaves extracted modules writable, so an editor or a tool can change them unnoticed (the deep check and 'go mod verify' find it)",
		})
	}
	return rw
}

// space reports a file system short of room or inodes.
func (r *cacheRun) space() {
	sp, err := spaceOf(r.root)
	if err != nil {
		return
	}
	where := fmt.Sprintf("%s free of %s on the file system of %s", modcachex.HumanBytes(int64(sp.AvailBytes)), modcachex.HumanBytes(int64(sp.TotalBytes)), r.root)
	fix := checks.Manual("make room: the build cache (GOCACHE) is often the largest thing the go command keeps, and 'go clean -cache' deletes it (it is rebuilt as needed)", "go clean -cache")
	switch {
	case sp.AvailBytes < lowSpaceFail:
		r.out = append(r.out, checks.Finding{
			Code: "MODCACHE_LOW_SPACE", Severity: checks.SevFail, Subject: r.root,
			Message: "the module cache's file system is full: downloads and builds fail with \"no space left on device\"",
			Detail:  where, Fixes: []checks.Fix{fix},
		})
	case sp.AvailBytes < lowSpaceWarn:
		r.out = append(r.out, checks.Finding{
			Code: "MODCACHE_LOW_SPACE", Severity: checks.SevWarn, Subject: r.root,
			Message: fmt.Sprintf("only %s free for the module cache: a large download or build may fail", modcachex.HumanBytes(int64(sp.AvailBytes))),
			Detail:  where, Fixes: []checks.Fix{fix},
		})
	}
	if sp.TotalInodes == 0 {
		return // the file system does not count inodes
	}
	inodes := fmt.Sprintf("%d of %d inodes free on the file system of %s", sp.FreeInodes, sp.TotalInodes, r.root)
	switch {
	case sp.FreeInodes < lowInodesFail:
		r.out = append(r.out, checks.Finding{
			Code: "MODCACHE_LOW_INODES", Severity: checks.SevFail, Subject: r.root,
			Message: "the module cache's file system has no inodes left: extracting a module fails with \"no space left on device\"",
			Detail:  inodes, Fixes: []checks.Fix{fix},
		})
	case sp.FreeInodes < lowInodesWarn:
		r.out = append(r.out, checks.Finding{
			Code: "MODCACHE_LOW_INODES", Severity: checks.SevWarn, Subject: r.root,
			Message: fmt.Sprintf("only %d inodes free for the module cache: extracting a large module may fail", sp.FreeInodes),
			Detail:  inodes, Fixes: []checks.Fix{fix},
		})
	}
}

// incomplete notes that the deadline stopped a pass, naming (some of)
// the module versions it did not verify.
// remembered says the verification cache keeps what was verified.
func (r *cacheRun) incomplete(pass string, done, total int, missed []module.Version, remembered bool) {
	msg := fmt.Sprintf("the run's deadline stopped %s after %d module versions", pass, done)
	if total > 0 {
		msg = fmt.Sprintf("the run's deadline stopped %s after %d of %d module versions", pass, done, total)
	}
	var detail string
	if len(missed) > 0 {
		lines := []string{fmt.Sprintf("not verified (%d):", len(missed))}
		for _, m := range missed[:min(len(missed), 10)] {
			lines = append(lines, "\t"+m.String())
		}
		if len(missed) > 10 {
			lines = append(lines, fmt.Sprintf("\tand %d more", len(missed)-10))
		}
		if remembered {
			lines = append(lines, "what was verified is remembered: the next run starts where this one stopped")
		}
		detail = strings.Join(lines, "\n")
	}
	r.out = append(r.out, checks.Finding{
		Code: "MODCACHE_SCAN_INCOMPLETE", Severity: checks.SevWarn, Subject: r.root,
		Message: msg + ": what was not checked may be damaged too",
		Detail:  detail,
		Fixes:   []checks.Fix{checks.Manual("give the check more time", "gomoddoctor --check modcache --timeout 5m")},
	})
}

// finish orders the findings: by subject, then code, so that the report
// is the same from run to run whatever order the workers finished in.
func (r *cacheRun) finish() []checks.Finding {
	r.mu.Lock()
	var removed []modcachex.Problem
	for _, p := range r.problems {
		if p.Kind == modcachex.ZipRemoved {
			removed = append(removed, p)
			continue
		}
		r.out = append(r.out, r.finding(p))
	}
	r.problems = nil
	r.mu.Unlock()
	r.zipsRemoved(removed)
	slices.SortStableFunc(r.out, func(a, b checks.Finding) int {
		if a.Code == "MODCACHE_SUMMARY" || b.Code == "MODCACHE_SUMMARY" {
			return boolCmp(a.Code == "MODCACHE_SUMMARY", b.Code == "MODCACHE_SUMMARY")
		}
		if c := strings.Compare(a.Subject, b.Subject); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	return r.out
}

// zipsRemoved reports zips removed on purpose (to save space, as some
// container images do) as one piece of information, however many.
func (r *cacheRun) zipsRemoved(ps []modcachex.Problem) {
	switch len(ps) {
	case 0:
		return
	case 1:
		r.out = append(r.out, r.finding(ps[0]))
		return
	}
	slices.SortFunc(ps, func(a, b modcachex.Problem) int { return strings.Compare(a.Path, b.Path) })
	var lines []string
	for _, p := range ps[:min(len(ps), 5)] {
		lines = append(lines, p.Mod.String())
	}
	if len(ps) > 5 {
		lines = append(lines, fmt.Sprintf("and %d more", len(ps)-5))
	}
	r.out = append(r.out, checks.Finding{
		Code: string(modcachex.ZipRemoved), Severity: checks.SevInfo, Subject: r.root,
		Message: fmt.Sprintf("the zips of %d module versions were removed; their extracted directories are intact and still verified", len(ps)),
		Detail:  strings.Join(lines, "\n"),
	})
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// isRelevant reports whether a problem of a module version matters to
// the main module: the version is in its build list, or, for a go.mod
// file, in its module graph. Outside a module everything matters.
func (r *cacheRun) isRelevant(p modcachex.Problem) bool {
	if !r.inModule || r.relevant[p.Mod] {
		return true
	}
	return (p.Kind == modcachex.ModInvalid || p.Kind == modcachex.ModMismatch) && r.graph[p.Mod]
}

// chownCommand gives a tree back to the user running the doctor, by
// number so that the command is exact.
func chownCommand(path string) string {
	return fmt.Sprintf("sudo chown -R %d:%d %s", os.Geteuid(), os.Getegid(), checks.ShellQuote(path))
}

// recordFacts adds the state of the module cache to the run's facts.
func (r *cacheRun) recordFacts(versions, zips int) {
	r.mu.Lock()
	n := len(r.problems)
	r.mu.Unlock()
	r.env.RecordFacts(func(f *checks.Facts) {
		f.ModCache = &checks.ModCacheFact{Dir: r.root, Exists: true, Versions: versions, Zips: zips, Problems: n}
	})
}
