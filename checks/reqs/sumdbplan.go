package reqs

import (
	"iter"
	"os"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
)

// ToolchainModule is the module of downloaded Go toolchains: the go
// command checks it against the checksum database even when GONOSUMDB
// covers it (modfetch.useSumDB).
const ToolchainModule = "golang.org/toolchain"

// A SumFileLine is one line of go.sum or go.work.sum.
type SumFileLine struct {
	File string // the file's path
	mainmod.SumLine
}

// Text is the line as the go command writes it.
func (l SumFileLine) Text() string {
	v := l.Version
	if l.GoMod {
		v += "/go.mod"
	}
	return l.Path + " " + v + " " + l.Hash
}

// A SumDBReq is one requirement of the main module and what the
// checksum database has to do with it.
type SumDBReq struct {
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
func (r SumDBReq) Checked() bool { return r.Fetch.Path != "" && r.Var == "" }

// SumDBPlan is what the checksum database is asked about in this run,
// and what it is not asked about and why: the privacy principle in one
// place.
type SumDBPlan struct {
	Reqs []SumDBReq
	// Audit are the go.sum and go.work.sum lines of modules the
	// database covers, with an h1 hash (the only kind it records). The
	// lines of this plan are GoSumFiles' own, shared: read-only.
	Audit []*SumFileLine
	// Exempt are lines never named to the database, with the variable
	// and pattern that exempt them.
	Exempt []ExemptLine
	// Withheld are lines of modules the database covers but GONOPROXY
	// (or GOPRIVATE, its default) keeps away from proxies: the go
	// command names such a module to the database only when go.sum lacks
	// its hash, so their lines are not audited (Var and Pattern name the
	// GONOPROXY-style setting). A requirement missing from go.sum is
	// still looked up (Needed), as the go command would.
	Withheld []ExemptLine
	// Other are lines with a hash algorithm the database does not
	// record (the go command ignores them too).
	Other []*SumFileLine
	// Bad are lines the go command refuses ("malformed go.sum").
	Bad []*mainmod.SumError
	// Files are the go.sum files read; ReadErr the ones that could not be.
	Files   []string
	ReadErr []string

	needed int // how many of Reqs are Needed
}

type ExemptLine struct {
	*SumFileLine
	Var, Pattern string
}

// Needed yields the requirements whose fetch makes the go command look
// them up in the database: checked ones missing from go.sum. They are
// the plan's own (read-only), not copies.
func (p *SumDBPlan) Needed() iter.Seq[*SumDBReq] {
	return func(yield func(*SumDBReq) bool) {
		for i := range p.Reqs {
			if r := &p.Reqs[i]; r.needed() && !yield(r) {
				return
			}
		}
	}
}

// NeededCount is how many requirements Needed yields.
func (p *SumDBPlan) NeededCount() int { return p.needed }

// Needs reports whether the go command needs the database to fetch
// this project's requirements.
func (p *SumDBPlan) Needs() bool { return p.needed > 0 }

func (r *SumDBReq) needed() bool { return r.Checked() && len(r.Missing) > 0 }

// SumDBExempt says what keeps a module path away from the checksum
// database, as modfetch.useSumDB decides: GONOSUMDB (whose default is
// GOPRIVATE), except for the toolchain module. It returns the variable
// to name and the pattern, or "" when the database checks the module.
func SumDBExempt(e *checks.Env, path string) (string, string) {
	if path == ToolchainModule {
		return "", ""
	}
	p := goenv.MatchingPattern(e.Go.Get("GONOSUMDB"), path)
	if p == "" {
		return "", ""
	}
	return NoSumDBVar(e), p
}

// noProxy returns the variable (GONOPROXY, or GOPRIVATE when GONOPROXY
// follows it) and the pattern that mark path as a module fetched
// directly from its origin, or "" when none does.
func noProxy(e *checks.Env, path string) (string, string) {
	p := goenv.MatchingPattern(e.Go.Get("GONOPROXY"), path)
	if p == "" {
		return "", ""
	}
	if e.Go.FollowsGOPRIVATE("GONOPROXY") {
		return "GOPRIVATE", p
	}
	return "GONOPROXY", p
}

// NoSumDBVar names the variable that holds GONOSUMDB's effective value:
// GONOSUMDB itself when set, else GOPRIVATE (its default).
func NoSumDBVar(e *checks.Env) string {
	if !e.Go.FollowsGOPRIVATE("GONOSUMDB") {
		return "GONOSUMDB"
	}
	return "GOPRIVATE"
}

// SumDBPlan reads the main module's requirements and go.sum files and
// sorts them by what the checksum database has to do with them.
func SumDB(e *checks.Env) *SumDBPlan {
	p := &SumDBPlan{}
	m := e.Module
	if m == nil {
		return p
	}
	sf := GoSumFiles(e)
	lines := sf.Lines
	p.Bad, p.Files, p.ReadErr = sf.Bad, sf.Files, sf.ReadErr
	sums := GoSums(e) // shared: no map of 100,000 lines more
	have := func(path, version string, gomod bool) bool { return sums.H1(path, version, gomod) != "" }
	// Pointers to the shared lines, sized for the common case where
	// every line is audited: 100,000 lines are not copied.
	p.Audit = make([]*SumFileLine, 0, len(lines))
	for i := range lines {
		l := &lines[i]
		switch k, pat := SumDBExempt(e, l.Path); {
		case k != "":
			p.Exempt = append(p.Exempt, ExemptLine{l, k, pat})
		case !strings.HasPrefix(l.Hash, "h1:"):
			p.Other = append(p.Other, l)
		default:
			if k, pat := noProxy(e, l.Path); k != "" {
				p.Withheld = append(p.Withheld, ExemptLine{l, k, pat})
				continue
			}
			p.Audit = append(p.Audit, l)
		}
	}
	p.Reqs = sumdbRequirements(e)
	for i := range p.Reqs {
		r := &p.Reqs[i]
		if r.Fetch.Path != "" {
			r.Var, r.Pattern = SumDBExempt(e, r.Fetch.Path)
			zip, gomod := !have(r.Fetch.Path, r.Fetch.Version, false), !have(r.Fetch.Path, r.Fetch.Version, true)
			switch {
			case zip && gomod:
				r.Missing = missingBoth
			case zip:
				r.Missing = missingZip
			case gomod:
				r.Missing = missingGoMod
			}
			if r.needed() {
				p.needed++
			}
		}
	}
	return p
}

// The values of SumDBReq.Missing, shared by 50,000 requirements rather
// than allocated for each (read-only: an append copies them).
var (
	missingZip   = []string{"zip"}
	missingGoMod = []string{"go.mod"}
	missingBoth  = []string{"zip", "go.mod"}
)

// sumdbRequirements lists the main modules' requirements as the go command
// fetches them (Requirements: replacements applied, a workspace's
// modules together), direct ones first.
func sumdbRequirements(e *checks.Env) []SumDBReq {
	rs := Requirements(e)
	out := make([]SumDBReq, 0, len(rs))
	for _, r := range rs {
		req := SumDBReq{Mod: r.Mod, Fetch: r.Fetched, Dir: r.Dir}
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
