package checks

import (
	"os"
	"strings"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
)

// toolchainModule is the module of downloaded Go toolchains: the go
// command checks it against the checksum database even when GONOSUMDB
// covers it (modfetch.useSumDB).
const toolchainModule = "golang.org/toolchain"

// A sumFileLine is one line of go.sum or go.work.sum.
type sumFileLine struct {
	File string // the file's path
	mainmod.SumLine
}

// Text is the line as the go command writes it.
func (l sumFileLine) Text() string {
	v := l.Version
	if l.GoMod {
		v += "/go.mod"
	}
	return l.Path + " " + v + " " + l.Hash
}

// A sumdbReq is one requirement of the main module and what the
// checksum database has to do with it.
type sumdbReq struct {
	Mod   module.Version // as go.mod requires it
	Fetch module.Version // what is fetched, after replacement; zero for a directory
	Dir   string         // the replacement directory, for a directory
	// Var and Pattern say what exempts it from the database (GONOSUMDB,
	// or GOPRIVATE through GONOSUMDB's default); "" when it is checked.
	Var, Pattern string
	// Missing lists what go.sum lacks for Fetch: "zip" (its content's
	// hash) and "go.mod"; the go command looks those up in the
	// database when it fetches the module.
	Missing []string
}

// Checked reports whether the database vouches for the requirement.
func (r sumdbReq) Checked() bool { return r.Fetch.Path != "" && r.Var == "" }

// sumdbPlan is what the checksum database is asked about in this run,
// and what it is not asked about and why: the privacy principle in one
// place.
type sumdbPlan struct {
	Reqs []sumdbReq
	// Audit are the go.sum and go.work.sum lines of modules the
	// database covers, with an h1 hash (the only kind it records).
	Audit []sumFileLine
	// Exempt are lines never named to the database, with the variable
	// and pattern that exempt them.
	Exempt []exemptLine
	// Other are lines with a hash algorithm the database does not
	// record (the go command ignores them too).
	Other []sumFileLine
	// Bad are lines the go command refuses ("malformed go.sum").
	Bad []*mainmod.SumError
	// Files are the go.sum files read; ReadErr the ones that could not be.
	Files   []string
	ReadErr []string
}

type exemptLine struct {
	sumFileLine
	Var, Pattern string
}

// needed returns the requirements whose fetch makes the go command look
// them up in the database: checked ones missing from go.sum.
func (p *sumdbPlan) needed() []sumdbReq {
	var out []sumdbReq
	for _, r := range p.Reqs {
		if r.Checked() && len(r.Missing) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// needs reports whether the go command needs the database to fetch
// this project's requirements.
func (p *sumdbPlan) needs() bool { return len(p.needed()) > 0 }

// sumdbExempt says what keeps a module path away from the checksum
// database, as modfetch.useSumDB decides: GONOSUMDB (whose default is
// GOPRIVATE), except for the toolchain module. It returns the variable
// to name and the pattern, or "" when the database checks the module.
func (e *Env) sumdbExempt(path string) (string, string) {
	if path == toolchainModule {
		return "", ""
	}
	p := goenv.MatchingPattern(e.Go.Get("GONOSUMDB"), path)
	if p == "" {
		return "", ""
	}
	return e.nosumdbVar(), p
}

// nosumdbVar names the variable that holds GONOSUMDB's effective value:
// GONOSUMDB itself when set, else GOPRIVATE (its default).
func (e *Env) nosumdbVar() string {
	if !e.Go.FollowsGOPRIVATE("GONOSUMDB") {
		return "GONOSUMDB"
	}
	return "GOPRIVATE"
}

// sumdbPlan reads the main module's requirements and go.sum files and
// sorts them by what the checksum database has to do with them.
func (e *Env) sumdbPlan() *sumdbPlan {
	p := &sumdbPlan{}
	m := e.Module
	if m == nil {
		return p
	}
	sf := e.goSumFiles()
	lines := sf.Lines
	p.Bad, p.Files, p.ReadErr = sf.Bad, sf.Files, sf.ReadErr
	have := map[mainmod.SumKey]bool{}
	for _, l := range lines {
		if strings.HasPrefix(l.Hash, "h1:") {
			have[mainmod.SumKey{Path: l.Path, Version: l.Version, GoMod: l.GoMod}] = true
		}
		switch k, pat := e.sumdbExempt(l.Path); {
		case k != "":
			p.Exempt = append(p.Exempt, exemptLine{l, k, pat})
		case !strings.HasPrefix(l.Hash, "h1:"):
			p.Other = append(p.Other, l)
		default:
			p.Audit = append(p.Audit, l)
		}
	}
	for _, r := range e.requirements() {
		if r.Fetch.Path != "" {
			r.Var, r.Pattern = e.sumdbExempt(r.Fetch.Path)
			if !have[mainmod.SumKey{Path: r.Fetch.Path, Version: r.Fetch.Version}] {
				r.Missing = append(r.Missing, "zip")
			}
			if !have[mainmod.SumKey{Path: r.Fetch.Path, Version: r.Fetch.Version, GoMod: true}] {
				r.Missing = append(r.Missing, "go.mod")
			}
		}
		p.Reqs = append(p.Reqs, r)
	}
	return p
}

// requirements lists the main modules' requirements as the go command
// fetches them (Requirements: replacements applied, a workspace's
// modules together), direct ones first.
func (e *Env) requirements() []sumdbReq {
	var out []sumdbReq
	for _, r := range e.Requirements() {
		req := sumdbReq{Mod: r.Mod, Fetch: r.Fetched, Dir: r.Dir}
		if req.Fetch.Path != "" && module.Check(req.Fetch.Path, req.Fetch.Version) != nil {
			req.Fetch = module.Version{}
		}
		out = append(out, req)
	}
	return out
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
