package modcachex

import (
	"errors"
	"go/version"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// A Dep is a module of the main module's build list and where its
// content comes from.
type Dep struct {
	Mod module.Version // as the build list names it ('go list -m all')
	// Actual is what the go command reads instead, after the main
	// module's replace directives: Mod itself, another module version,
	// or a directory (Version "", Path the directory as written).
	Actual module.Version
}

// InCache reports whether the dependency's content lives in the module
// cache (it is not replaced by a directory).
func (d Dep) InCache() bool { return d.Actual.Version != "" }

// BuildList is the result of ComputeBuildList.
type BuildList struct {
	Deps []Dep
	// Unread are the module versions whose go.mod the graph needed but
	// the cache does not hold (or holds unreadable): the go command
	// would download them, and the list may lack what they require.
	Unread []module.Version
}

// ErrWorkspace is returned for a workspace (go.work): its build list
// spans several main modules and is left to the go command.
var ErrWorkspace = errors.New("workspace mode: the build list is computed by the go command")

// ComputeBuildList computes the main module's build list the way
// 'go mod verify' loads it (cmd/go/internal/modload.readModGraph with
// minimal version selection), reading the dependencies' go.mod files
// from the cache instead of the network:
//
//   - the graph starts at the main module's requirements;
//   - graph pruning: when the main module's go version is 1.17 or
//     later, the requirements of a dependency whose go.mod says 1.17 or
//     later are part of the graph but are not expanded further; below
//     1.17 (for the main module or for a dependency) the requirements
//     are followed transitively;
//   - replace directives of the main module (version-specific first,
//     then path-wide) say where each go.mod is read from;
//   - exclude directives drop excluded versions from dependencies'
//     requirements;
//   - the build list is the highest version of each module path in the
//     graph.
func ComputeBuildList(c Cache, main *modfile.File, mainDir string) (*BuildList, error) {
	if main == nil || main.Module == nil {
		return nil, errors.New("the main go.mod has no module line")
	}
	mainPath := main.Module.Mod.Path
	g := &graph{c: c, mainDir: mainDir, summaries: map[module.Version]*summary{},
		replace: map[module.Version]module.Version{}, exclude: map[module.Version]bool{},
		selected: map[string]string{}, queued: map[queueKey]bool{}}
	for _, r := range main.Replace {
		g.replace[r.Old] = r.New
	}
	for _, x := range main.Exclude {
		g.exclude[x.Mod] = true
	}
	mainPruned := pruned(goVersion(main))

	var roots []module.Version
	for _, r := range main.Require {
		roots = append(roots, r.Mod)
	}
	g.note(roots)
	for _, r := range roots {
		g.enqueue(r, mainPruned)
	}
	for len(g.queue) > 0 {
		q := g.queue[0]
		g.queue = g.queue[1:]
		g.load(q)
	}

	bl := &BuildList{Unread: g.unread, Deps: make([]Dep, 0, len(g.selected))}
	for p, v := range g.selected {
		if p == mainPath || v == "none" {
			continue
		}
		m := module.Version{Path: p, Version: v}
		bl.Deps = append(bl.Deps, Dep{Mod: m, Actual: g.resolve(m)})
	}
	slices.SortFunc(bl.Deps, func(a, b Dep) int { return strings.Compare(a.Mod.Path, b.Mod.Path) })
	slices.SortFunc(bl.Unread, func(a, b module.Version) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return semver.Compare(a.Version, b.Version)
	})
	return bl, nil
}

type summary struct {
	require []module.Version
	pruned  bool
}

type queueKey struct {
	m      module.Version
	pruned bool
}

type graph struct {
	c         Cache
	mainDir   string
	replace   map[module.Version]module.Version
	exclude   map[module.Version]bool
	summaries map[module.Version]*summary
	selected  map[string]string
	queued    map[queueKey]bool
	queue     []queueKey
	unread    []module.Version
}

// note adds module versions to the graph (mvs.Graph.Require).
func (g *graph) note(ms []module.Version) {
	for _, m := range ms {
		if cur, ok := g.selected[m.Path]; !ok || semver.Compare(m.Version, cur) > 0 {
			g.selected[m.Path] = m.Version
		}
	}
}

// enqueue schedules loading m's requirements, under the pruning it was
// reached with.
func (g *graph) enqueue(m module.Version, prunedIn bool) {
	if m.Version == "none" {
		return
	}
	k := queueKey{m, prunedIn}
	if g.queued[k] {
		return
	}
	g.queued[k] = true
	g.queue = append(g.queue, k)
}

// load reads m's go.mod, adds its requirements to the graph and
// enqueues the ones the pruning rules say to follow.
func (g *graph) load(q queueKey) {
	s := g.summary(q.m)
	if s == nil {
		return
	}
	g.note(s.require)
	next := s.pruned && q.pruned
	for _, r := range s.require {
		if !q.pruned || !s.pruned {
			g.enqueue(r, next)
		}
	}
}

// resolve applies the main module's replace directives.
func (g *graph) resolve(m module.Version) module.Version {
	if r, ok := g.replace[m]; ok {
		return r
	}
	if r, ok := g.replace[module.Version{Path: m.Path}]; ok {
		return r
	}
	return m
}

// summary reads the requirements of m's go.mod, or nil when it cannot.
func (g *graph) summary(m module.Version) *summary {
	if s, ok := g.summaries[m]; ok {
		return s
	}
	actual := g.resolve(m)
	var (
		data []byte
		err  error
	)
	if actual.Version == "" {
		dir := actual.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(g.mainDir, dir)
		}
		data, err = os.ReadFile(filepath.Join(dir, "go.mod"))
	} else {
		var p string
		if p, err = g.c.File(actual, "mod"); err == nil {
			data, err = readSmall(p, maxMod)
		}
	}
	var s *summary
	if err == nil {
		if mf, perr := modfile.ParseLax("go.mod", data, nil); perr == nil {
			s = &summary{pruned: pruned(goVersion(mf))}
			for _, r := range mf.Require {
				if !g.exclude[r.Mod] {
					s.require = append(s.require, r.Mod)
				}
			}
		}
	}
	if s == nil && actual.Version != "" {
		g.unread = append(g.unread, actual)
	}
	g.summaries[m] = s
	return s
}

func goVersion(f *modfile.File) string {
	if f == nil || f.Go == nil {
		return ""
	}
	return f.Go.Version
}

// pruned reports whether a go.mod at go version v has a pruned module
// graph (modload.pruningForGoVersion: 1.17 and later).
func pruned(v string) bool {
	return v != "" && version.Compare("go"+v, "go1.17") >= 0
}
