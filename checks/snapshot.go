package checks

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// Env is the snapshot every check reads, built once per run and shared
// read-only: the Go environment with the source of each value, the main
// module, and the seams tests replace.
type Env struct {
	Dir    string          // the directory the doctor runs in
	Go     *goenv.Env      // the Go environment, attributed
	Module *mainmod.Module // the main module; nil outside one
	// Now is the clock, for checks that compare dates.
	Now func() time.Time
	// StdinTerminal is whether standard input is a terminal (a prompt
	// could be answered); false in CI.
	StdinTerminal bool
	// Options are the user's choices, from the command line.
	Options Options
	// Network is the network as the go command reaches it (proxies,
	// credentials, TLS roots, resolver); nil means one built from Go and
	// Options on first use (see Net). Tests set it to reach fixtures.
	Network *netenv.Net

	secrets scrubber
	netOnce sync.Once
	net     *netenv.Net
	shared  *sharedStore // what shared packages compute once per run (Shared)
	// ofModule holds what depends on the main module's files alone
	// (SharedModule): WithGo copies keep it when the module is the same.
	ofModule *sharedStore
	facts    *factStore // what the run observed (RecordFacts)
}

// Options are the command-line choices that checks honour. Each check's
// options are grouped and documented here.
type Options struct {
	Verbose bool // -v: the user wants details, not only problems
	// Resolver (--resolver host[:port]) receives every DNS query of the
	// network checks instead of the system's resolvers.
	Resolver string
	// ProbeModule (--probe-module path[@version]) is the module the
	// proxy check asks about instead of the main module's requirements.
	ProbeModule string
	// Scope is what the modcache check verifies in depth: ScopeModule
	// (the default: the main module's build list) or ScopeAll (the
	// whole module cache).
	Scope string
	// Rehash (--rehash) makes the modcache check hash every module
	// version again instead of re-using the hashes it remembers.
	Rehash bool
	// CacheDir is the doctor's own cache directory (in the user's cache
	// directory), where checks remember work between runs; "" remembers
	// nothing.
	CacheDir string
	// ProbeBranches (--probe-branches) lets the module check ask the
	// origins of requirements on pseudo-versions for their branches'
	// tips: requests the go command sends only with GOPROXY=direct.
	ProbeBranches bool
	// Progress, when set, is told how a long check advances; it may be
	// called from several goroutines. The CLI draws it on a terminal.
	Progress func(Progress)
	// Mirrors are the module proxies the proxy check measures, with the
	// probe modules only, when the configured GOPROXY chain fails, to
	// recommend the fastest that works (see mirror.go). None are measured
	// when it is empty; the CLI fills it with DefaultMirrors and --mirror.
	Mirrors []Mirror
}

// Scopes of the modcache check.
const (
	ScopeModule = "module"
	ScopeAll    = "all"
)

// Progress is how far a long check has come.
type Progress struct {
	Check string // the check's ID
	Phase string // what it is doing, e.g. "hashing"
	Done  int
	Total int // 0 when not known
}

// LoadOptions say where and with what to build the snapshot.
type LoadOptions struct {
	Dir     string   // working directory; "" means the current one
	Environ []string // process environment; nil means os.Environ()
	GoBin   string   // the go command; "" means "go" on PATH
}

// LoadEnv builds the snapshot: it asks the real go command for its
// environment and loads the main module. ctx bounds the go commands run.
func LoadEnv(ctx context.Context, opts LoadOptions) *Env {
	dir := opts.Dir
	if dir == "" {
		dir, _ = os.Getwd()
	}
	g := goenv.Read(ctx, goenv.Options{Dir: dir, Environ: opts.Environ, GoBin: opts.GoBin})
	gomod := g.Get("GOMOD")
	if g.GoEnvErr != nil {
		gomod = mainmod.Find(dir) // 'go env' could not tell us
	}
	return NewEnv(dir, g, mainmod.Load(gomod, g.Get("GOWORK")))
}

// NewEnv assembles a snapshot from its parts; tests build them directly.
func NewEnv(dir string, g *goenv.Env, m *mainmod.Module) *Env {
	e := &Env{Dir: dir, Go: g, Module: m, Now: time.Now, shared: &sharedStore{m: map[any]any{}}, ofModule: &sharedStore{m: map[any]any{}}, facts: &factStore{}}
	for _, k := range g.Keys() {
		e.secrets.add(secretsIn(g.Get(k))...)
		e.secrets.add(secretsIn(g.Var(k).FileValue)...)
	}
	e.secrets.add(goAuthSecrets(g.Get("GOAUTH"))...)
	e.secrets.add(goAuthSecrets(g.Var("GOAUTH").FileValue)...)
	for _, k := range proxyVars {
		if v, ok := g.Getenv(k); ok {
			e.secrets.add(secretsIn(v)...)
		}
	}
	return e
}

// AddSecret registers a credential found while checking (a .netrc
// password, a token) so that it is scrubbed from every output.
func (e *Env) AddSecret(s string) { e.secrets.add(s) }

// proxyVars are the variables net/http reads to choose an HTTP proxy,
// and the ones people expect it to read.
var proxyVars = []string{
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
	"NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
}

// NetConfig is the configuration of the network seam this snapshot
// implies: the go command's process environment, its GOAUTH, the
// --resolver choice, the clock, and the secret registry. Tests adjust it
// and install the result with Network.
func (e *Env) NetConfig() netenv.Config {
	return netenv.Config{
		Getenv:    e.Go.Getenv,
		GOAUTH:    e.Go.Get("GOAUTH"),
		Resolver:  e.Options.Resolver,
		Now:       e.Now,
		AddSecret: e.AddSecret,
	}
}

// Net returns the network seam: Network if set, else one built from
// NetConfig on first use.
func (e *Env) Net() *netenv.Net {
	e.netOnce.Do(func() {
		e.net = e.Network
		if e.net == nil {
			e.net = netenv.New(e.NetConfig())
		}
	})
	return e.net
}

// sharedStore holds the per-run state of shared packages (see Shared).
type sharedStore struct {
	mu sync.Mutex
	m  map[any]any
}

// Shared returns the value this run keeps under key, made by newT on
// first use. Shared packages (probe, reqs) keep what they compute once
// per run there (answers by URL, the main modules' files), under a key
// type of their own, so that the state lives exactly as long as the
// snapshot and no package keeps a cache in package variables.
func Shared[T any](e *Env, key any, newT func() *T) *T {
	return shared(e.shared, key, newT)
}

// SharedModule is Shared for state computed from the main module's
// files alone (its requirements, its go.sum lines), never from the Go
// environment: the snapshots WithGo makes for the same module share it,
// so that the advisor's trials do not read and hold a go.sum of 100,000
// lines once more each.
func SharedModule[T any](e *Env, key any, newT func() *T) *T {
	if e.ofModule == nil {
		return shared(e.shared, key, newT)
	}
	return shared(e.ofModule, key, newT)
}

func shared[T any](s *sharedStore, key any, newT func() *T) *T {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.m[key]; ok {
		return v.(*T)
	}
	v := newT()
	s.m[key] = v
	return v
}

// WithGo returns a new snapshot of the same directory, module, options
// and clock with the Go environment g: the environment a fix would make,
// for the advisor to run checks on without writing anything. Its network
// seam is built like this one's (a test's fixtures stay in place) with
// g's process environment, and it shares no per-run state with e.
func (e *Env) WithGo(g *goenv.Env) *Env {
	m := e.Module
	if m == nil && g.Get("GO111MODULE") != "off" {
		// The module the go command would find once modules are on.
		m = mainmod.Load(mainmod.Find(e.Dir), g.Get("GOWORK"))
	}
	c := NewEnv(e.Dir, g, m)
	if m == e.Module {
		c.ofModule = e.ofModule
	}
	c.Now, c.StdinTerminal, c.Options = e.Now, e.StdinTerminal, e.Options
	c.Options.Progress = nil
	cfg := e.Net().Config()
	cfg.Getenv, cfg.GOAUTH, cfg.AddSecret = g.Getenv, g.Get("GOAUTH"), c.AddSecret
	c.Network = e.Net().Derive(cfg)
	c.secrets.add(e.secrets.list()...)
	return c
}
