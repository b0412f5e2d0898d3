package reqs

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// A Requirement is a module the main module (or a module of the
// workspace) requires, with where its code comes from after the replace
// directives in force.
type Requirement struct {
	Mod      module.Version // as required
	Indirect bool           // marked // indirect
	From     string         // the go.mod file that requires it
	// Fetched is what the go command downloads: Mod, or its replacement
	// by another module version; zero when a directory replaces it.
	Fetched module.Version
	// Dir is the replacement directory as written, when one replaces it.
	Dir string
	// ReplacedIn names the file of the replace directive, if any.
	ReplacedIn string
}

// Local reports whether a directory replaces the requirement.
func (r Requirement) Local() bool { return r.Dir != "" }

// A WorkModule is a module of the workspace (a use directive of go.work),
// or the main module outside a workspace.
type WorkModule struct {
	Dir   string // absolute
	GoMod string
	File  *modfile.File // nil when go.mod is missing or does not parse
	Err   error
	Use   *modfile.Use // the use directive; nil outside a workspace
}

// modelState holds what several checks read of the main modules' files
// (go.work, the go.mod files, the go.sum files), read and parsed once per
// run: the snapshot does not change while the checks run. Callers get
// copies of the slices.
type modelState struct {
	workOnce sync.Once
	work     []WorkModule
	reqsOnce sync.Once
	reqs     []Requirement
	sumsOnce sync.Once
	sums     *SumFiles
	idxOnce  sync.Once
	idx      mainmod.Sums
}

type modelKey struct{}

// model returns this run's modelState.
func model(e *checks.Env) *modelState {
	// The files are the same whatever the Go environment: the advisor's
	// trials share them.
	return checks.SharedModule(e, modelKey{}, func() *modelState { return &modelState{} })
}

// WorkModules returns the main modules: the modules go.work uses, or the
// main module alone.
func WorkModules(e *checks.Env) []WorkModule {
	m := model(e)
	m.workOnce.Do(func() { m.work = readWorkModules(e) })
	return slices.Clone(m.work)
}

func readWorkModules(e *checks.Env) []WorkModule {
	m := e.Module
	if m == nil {
		return nil
	}
	if m.Work == "" || m.WorkFile == nil {
		if m.GoMod == "" {
			return nil
		}
		return []WorkModule{{Dir: m.Dir, GoMod: m.GoMod, File: m.File, Err: m.Err}}
	}
	base := filepath.Dir(m.Work)
	var out []WorkModule
	for _, u := range m.WorkFile.Use {
		dir := filepath.FromSlash(u.Path)
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(base, dir)
		}
		wm := WorkModule{Dir: dir, GoMod: filepath.Join(dir, "go.mod"), Use: u}
		if m.GoMod != "" && filepath.Clean(wm.GoMod) == filepath.Clean(m.GoMod) {
			wm.File, wm.Err = m.File, m.Err
		} else if data, err := os.ReadFile(wm.GoMod); err != nil {
			wm.Err = err
		} else {
			wm.File, wm.Err = modfile.Parse(wm.GoMod, data, nil)
			mainmod.DropSyntax(wm.File)
		}
		out = append(out, wm)
	}
	return out
}

// Requirements returns the requirements of the main modules, each path
// once (the highest version wins, as minimal version selection would
// pick among them), with the replace directives applied: those of
// go.work first, then those of the go.mod files (a workspace ignores the
// go.mod replacements that go.work overrides), version-specific before
// path-wide. Workspace modules required by each other are left out.
// The slice is the run's one copy, shared by every check: read it, never
// write to it (an append copies it).
func Requirements(e *checks.Env) []Requirement {
	m := model(e)
	m.reqsOnce.Do(func() { m.reqs = readRequirements(e) })
	return m.reqs[:len(m.reqs):len(m.reqs)]
}

func readRequirements(e *checks.Env) []Requirement {
	mods := WorkModules(e)
	type rep struct {
		r    *modfile.Replace
		file string
	}
	var reps []rep
	if m := e.Module; m != nil && m.WorkFile != nil {
		for _, r := range m.WorkFile.Replace {
			reps = append(reps, rep{r, m.Work})
		}
	}
	mainPaths := map[string]bool{}
	for _, wm := range mods {
		if wm.File == nil {
			continue
		}
		if wm.File.Module != nil {
			mainPaths[wm.File.Module.Mod.Path] = true
		}
		for _, r := range wm.File.Replace {
			reps = append(reps, rep{r, wm.GoMod})
		}
	}
	find := func(mv module.Version) (rep, bool) {
		for _, exact := range []bool{true, false} {
			for _, r := range reps {
				if r.r.Old.Path != mv.Path {
					continue
				}
				if exact && r.r.Old.Version == mv.Version || !exact && r.r.Old.Version == "" {
					return r, true
				}
			}
		}
		return rep{}, false
	}
	n := 0
	for _, wm := range mods {
		if wm.File != nil {
			n += len(wm.File.Require)
		}
	}
	// Sized once: 50,000 requirements grown by appends would be twice
	// their size at the last copy.
	byPath := make(map[string]int, n)
	out := make([]Requirement, 0, n)
	for _, wm := range mods {
		if wm.File == nil {
			continue
		}
		for _, r := range wm.File.Require {
			if mainPaths[r.Mod.Path] {
				continue
			}
			req := Requirement{Mod: r.Mod, Indirect: r.Indirect, From: wm.GoMod, Fetched: r.Mod}
			if rp, ok := find(r.Mod); ok {
				req.ReplacedIn = rp.file
				if rp.r.New.Version == "" {
					req.Fetched, req.Dir = module.Version{}, rp.r.New.Path
				} else {
					req.Fetched = rp.r.New
				}
			}
			if i, seen := byPath[r.Mod.Path]; seen {
				if versionLess(out[i].Mod.Version, r.Mod.Version) {
					out[i] = req
				}
				continue
			}
			byPath[r.Mod.Path] = len(out)
			out = append(out, req)
		}
	}
	// Direct requirements first, then indirect ones, each by path.
	slices.SortStableFunc(out, func(a, b Requirement) int {
		if a.Indirect != b.Indirect {
			return cmpBool(a.Indirect, b.Indirect)
		}
		return strings.Compare(a.Mod.Path, b.Mod.Path)
	})
	return out
}

// SumFiles are the go.sum files of the main modules as the go command
// reads them: go.sum (or, in a workspace, go.work.sum and the go.sum of
// every module it uses).
type SumFiles struct {
	Lines []SumFileLine
	// Bad are lines the go command refuses ("malformed go.sum").
	Bad []*mainmod.SumError
	// Files are the files read; ReadErr the ones that could not be.
	Files   []string
	ReadErr []string
}

// GoSumFiles reads the main modules' go.sum files, once per run.
func GoSumFiles(e *checks.Env) *SumFiles {
	m := model(e)
	m.sumsOnce.Do(func() { m.sums = readSumFiles(e) })
	return m.sums
}

// GoSums indexes the lines of GoSumFiles, once per run: the index is
// shared, and callers must not change it.
func GoSums(e *checks.Env) mainmod.Sums {
	m := model(e)
	m.idxOnce.Do(func() {
		ls := GoSumFiles(e).Lines
		m.idx = mainmod.IndexFunc(len(ls), func(i int) *mainmod.SumLine { return &ls[i].SumLine })
	})
	return m.idx
}

func readSumFiles(e *checks.Env) *SumFiles {
	sf := &SumFiles{}
	m := e.Module
	if m == nil {
		return sf
	}
	read := func(file string) {
		n := len(sf.Lines)
		if fi, err := os.Stat(file); err == nil && fi.Size() < mainmod.MaxGoSum {
			// A go.sum line is some 70 to 100 bytes: room for the lines
			// now, rather than copies of every line as they come.
			sf.Lines = slices.Grow(sf.Lines, int(fi.Size()/72)+1)
		}
		bad, err := mainmod.ReadGoSumFile(file, func(l mainmod.SumLine) {
			sf.Lines = append(sf.Lines, SumFileLine{File: file, SumLine: l})
		})
		if err != nil {
			sf.Lines = sf.Lines[:n]
			sf.ReadErr = append(sf.ReadErr, file+": "+err.Error())
			return
		}
		sf.Files = append(sf.Files, file)
		sf.Bad = append(sf.Bad, bad...)
	}
	if m.GoSum != "" {
		read(m.GoSum)
	}
	if m.Work == "" {
		return sf
	}
	// The go command's workspace go.sum is the go.work file's name plus
	// ".sum" (modload: workFilePath + ".sum").
	if ws := m.Work + ".sum"; fileExists(ws) {
		read(ws)
	}
	for _, wm := range WorkModules(e) {
		if gs := filepath.Join(wm.Dir, "go.sum"); gs != m.GoSum && fileExists(gs) {
			read(gs)
		}
	}
	return sf
}

// ReplaceDir resolves a replacement directory written in file.
func ReplaceDir(file, dir string) string {
	if filepath.IsAbs(dir) {
		return dir
	}
	return filepath.Join(filepath.Dir(file), filepath.FromSlash(dir))
}

func versionLess(a, b string) bool { return semver.Compare(a, b) < 0 }

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
