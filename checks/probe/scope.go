package probe

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/reqs"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// DefaultProbeModule is the public module the proxy check asks about
// outside a module, or in a module without public requirements.
const DefaultProbeModule = "golang.org/x/mod"

// maxProbeModules bounds how many requirements the proxy check asks
// about: enough to tell an allow-list from a broken proxy, few enough to
// stay fast.
const maxProbeModules = 5

// A ProbeModule is a module the proxy check asks the GOPROXY entries
// about. It is never one that GOPRIVATE or GONOPROXY covers.
type ProbeModule struct {
	Path    string
	Version string // "" asks for the latest version, as 'go get path@latest' does
	From    string // "go.mod", "--probe-module" or "default"
}

func (p ProbeModule) String() string {
	if p.Version == "" {
		return p.Path + "@latest"
	}
	return p.Path + "@" + p.Version
}

// A PrivateModule is a requirement that is never named to a proxy.
type PrivateModule struct {
	Path    string
	Var     string // GONOPROXY or GOPRIVATE
	Pattern string // the pattern that matched
	// Direct is true when the go command fetches it from its origin
	// (GONOPROXY matches it).
	Direct bool
}

// Scope is what the go command would contact with this environment and
// this module, as far as can be said without a probe. Endpoints adds
// what the probes reveal: the checksum database's route (SumDBRoute) and
// the modules that fall through to their origin (Chains).
type Scope struct {
	// Blocked says, in a few words, why the go command downloads nothing
	// at all (it cannot run, modules are off, GOPROXY is invalid or off);
	// the network checks then have nothing to examine. "" otherwise.
	Blocked string
	List    *goenv.ProxyList
	Entries []goenv.ProxyEntry // the entries the go command uses, in order
	// SumDB is the checksum database in force; nil when GOSUMDB is off
	// or invalid.
	SumDB   *goenv.SumDB
	Probes  []ProbeModule
	Private []PrivateModule
	// NoProbe says why Probes is empty.
	NoProbe string
}

// Scope returns the static scope, computed once per run.
func ScopeOf(e *checks.Env) *Scope {
	st := state(e)
	st.scopeOnce.Do(func() { st.scope = computeScope(e) })
	return st.scope
}

func computeScope(e *checks.Env) *Scope {
	g := e.Go
	s := &Scope{List: goenv.ParseProxyList(g.Get("GOPROXY"))}
	s.Entries = s.List.Active()
	switch {
	case g.GoEnvErr != nil:
		s.Blocked = "the go command cannot run (see env)"
	case g.Get("GO111MODULE") == "off":
		s.Blocked = "modules are off (GO111MODULE=off)"
	case s.List.Err != nil:
		s.Blocked = "GOPROXY is invalid (see env)"
	case len(s.Entries) > 0 && s.Entries[0].Kind == goenv.ProxyOff:
		s.Blocked = "GOPROXY=off (see env)"
	}
	if db := goenv.ParseSumDB(g.Get("GOSUMDB")); !db.Off && db.Err == nil {
		s.SumDB = db
	}
	probeModules(e, s)
	return s
}

// private returns the variable and pattern that keep a module away from
// proxies, if any.
func PrivateBy(e *checks.Env, path string) (string, string) {
	for _, k := range []string{"GONOPROXY", "GOPRIVATE"} {
		if p := goenv.MatchingPattern(e.Go.Get(k), path); p != "" {
			return k, p
		}
	}
	return "", ""
}

// probeModules chooses the modules to ask the proxies about: the one
// given with --probe-module, else the main module's requirements that
// are not private (direct ones first), else DefaultProbeModule.
func probeModules(e *checks.Env, s *Scope) {
	add := func(path, version, from string) {
		if k, p := PrivateBy(e, path); k != "" {
			s.Private = append(s.Private, PrivateModule{Path: path, Var: k, Pattern: p,
				Direct: goenv.MatchingPattern(e.Go.Get("GONOPROXY"), path) != ""})
			return
		}
		if len(s.Probes) < maxProbeModules {
			s.Probes = append(s.Probes, ProbeModule{Path: path, Version: version, From: from})
		}
	}
	if pm := strings.TrimSpace(e.Options.ProbeModule); pm != "" {
		path, version, _ := strings.Cut(pm, "@")
		if version == "latest" {
			version = ""
		}
		add(path, version, "--probe-module")
		if len(s.Probes) == 0 {
			s.NoProbe = fmt.Sprintf("--probe-module is private (%s)", s.Private[0].Var)
		}
		return
	}
	// The main modules' requirements as the go command fetches them
	// (replacements applied, direct ones first); a directory
	// replacement has nothing to fetch.
	for _, r := range reqs.Requirements(e) {
		if r.Local() || module.Check(r.Fetched.Path, r.Fetched.Version) != nil {
			continue
		}
		add(r.Fetched.Path, r.Fetched.Version, "go.mod")
	}
	if len(s.Probes) == 0 {
		add(DefaultProbeModule, "", "default")
	}
}

// An Endpoint is a server the go command connects to.
type Endpoint struct {
	Scheme string // https, http, or a proxy's scheme
	Host   string // name or IP address
	Port   string
	// Via is the HTTP proxy the go command reaches it through (without
	// credentials), nil for a direct connection; ViaVar names the
	// variable that set it.
	Via    *url.URL
	ViaVar string
	// Roles say why the go command contacts it, in words.
	Roles []string
	// Required is true when the go command cannot work without it (the
	// first GOPROXY entry, an entry the probe modules fall through to,
	// the checksum database, an origin of a module fetched directly, and
	// the HTTP proxy on the way to any of them); false for fallbacks the
	// go command does not reach.
	Required bool
	// What the endpoint is, for the go command (more than one may hold).
	IsProxy   bool // an HTTP proxy (ViaVar names its variable)
	IsGOPROXY bool // a GOPROXY entry
	IsSumDB   bool // the checksum database
	IsOrigin  bool // the origin of a module fetched directly
	// Insecure is true for an origin GOINSECURE covers: the go command
	// does not verify its certificate (and may fall back to http).
	Insecure bool
}

// HostPort is the endpoint's address.
func (p *Endpoint) HostPort() string { return net.JoinHostPort(p.Host, p.Port) }

// Resolved is the host name the go command itself resolves to reach the
// endpoint (its own, or its HTTP proxy's, which resolves the rest), or
// "" when that is an IP address.
func (p *Endpoint) Resolved() string {
	h := p.Host
	if p.Via != nil {
		h = p.Via.Hostname()
	}
	if net.ParseIP(h) != nil {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// endpointSet accumulates endpoints, merging duplicates.
type endpointSet struct {
	e    *checks.Env
	list []*Endpoint
}

func (s *endpointSet) add(u *url.URL, role string, required bool, mark func(*Endpoint)) {
	if u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" {
		return
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	host := strings.ToLower(u.Hostname())
	for _, p := range s.list {
		if !p.IsProxy && p.Scheme == u.Scheme && p.Host == host && p.Port == port {
			p.Required = p.Required || required
			if !slices.Contains(p.Roles, role) {
				p.Roles = append(p.Roles, role)
			}
			mark(p)
			return
		}
	}
	p := &Endpoint{Scheme: u.Scheme, Host: host, Port: port, Roles: []string{role}, Required: required}
	if via, err := s.e.Net().ProxyFor(u); err == nil && via != nil {
		p.Via, p.ViaVar = netenv.Stripped(via), s.e.Net().Proxy().VarFor(u.Scheme)
	}
	mark(p)
	s.list = append(s.list, p)
}

func goproxyMark(p *Endpoint) { p.IsGOPROXY = true }
func sumdbMark(p *Endpoint)   { p.IsSumDB = true }

// originOf marks the origin of a module, insecure when GOINSECURE
// covers the module.
func originOf(e *checks.Env, path string) func(*Endpoint) {
	insecure := goenv.MatchingPattern(e.Go.Get("GOINSECURE"), path) != ""
	return func(p *Endpoint) {
		p.IsOrigin = true
		p.Insecure = p.Insecure || insecure
	}
}

// proxies adds the HTTP proxies the endpoints go through.
func (s *endpointSet) proxies() {
	for _, p := range slices.Clone(s.list) {
		if p.Via == nil {
			continue
		}
		port := p.Via.Port()
		if port == "" {
			port = map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[p.Via.Scheme]
		}
		host := strings.ToLower(p.Via.Hostname())
		role := fmt.Sprintf("%s, the HTTP proxy for %s", p.ViaVar, p.Host)
		var found *Endpoint
		for _, q := range s.list {
			if q.IsProxy && q.Host == host && q.Port == port {
				found = q
			}
		}
		if found == nil {
			found = &Endpoint{Scheme: p.Via.Scheme, Host: host, Port: port, IsProxy: true, ViaVar: p.ViaVar}
			s.list = append(s.list, found)
		}
		found.Required = found.Required || p.Required
		if !slices.Contains(found.Roles, role) {
			found.Roles = append(found.Roles, role)
		}
	}
}

// EntryURL returns the URL of a GOPROXY entry the go command would
// contact over the network, or nil (direct, off, file://, or plain http
// with credentials, which it refuses to send).
func EntryURL(en goenv.ProxyEntry) *url.URL {
	if !en.IsHTTP() {
		return nil
	}
	u, err := url.Parse(en.URL)
	if err != nil || u.Scheme == "http" && u.User != nil {
		return nil
	}
	return u
}

// originURL is where the go command fetches a module directly from: the
// host named by the first element of its path, over https.
func originURL(path string) *url.URL {
	host, _, _ := strings.Cut(path, "/")
	return &url.URL{Scheme: "https", Host: host}
}

// addEntries adds the GOPROXY entries the go command would contact; the
// first is required, the others only if the go command gets to them.
func (set *endpointSet) addEntries(s *Scope) {
	for i, en := range s.Entries {
		if u := EntryURL(en); u != nil {
			set.add(u, fmt.Sprintf("GOPROXY entry %d (%s)", i+1, checks.RedactString(en.URL)), i == 0, goproxyMark)
		}
	}
}

// addPrivateOrigins adds the origins of the private modules fetched
// directly.
func (set *endpointSet) addPrivateOrigins(s *Scope) {
	for _, p := range s.Private {
		if p.Direct {
			set.add(originURL(p.Path), fmt.Sprintf("origin of %s (fetched directly: %s=%s)", p.Path, p.Var, p.Pattern), true, originOf(set.e, p.Path))
		}
	}
}

// staticEndpoints are the endpoints known without any probe.
func staticEndpoints(e *checks.Env) []*Endpoint {
	s := ScopeOf(e)
	if s.Blocked != "" {
		return nil
	}
	set := &endpointSet{e: e}
	set.addEntries(s)
	if s.SumDB != nil && s.SumDB.URL != "" {
		if u, err := url.Parse(s.SumDB.URL); err == nil {
			set.add(u, "checksum database "+s.SumDB.Name+" (its URL in GOSUMDB)", true, sumdbMark)
		}
	}
	set.addPrivateOrigins(s)
	set.proxies()
	return set.list
}

// Endpoints returns every endpoint in scope once the probes it depends
// on have answered: the static ones, the checksum database at its own
// host when no proxy serves it, the entries the probe modules reach and
// the origins of modules that fall through to direct. complete is false
// when ctx ended before the probes did; the list then holds what is
// known.
func Endpoints(ctx context.Context, e *checks.Env) (list []*Endpoint, complete bool) {
	s := ScopeOf(e)
	if s.Blocked != "" {
		return nil, true
	}
	set := &endpointSet{e: e}
	set.addEntries(s)
	complete = true
	if route, ok := SumDB(ctx, e); !ok {
		complete = false
	} else if route != nil && route.Direct {
		if u, err := url.Parse(route.URL); err == nil {
			set.add(u, "checksum database "+route.DB.Name, true, sumdbMark)
		}
	} else if route != nil && route.Entry >= 0 {
		if u := EntryURL(s.Entries[route.Entry]); u != nil {
			set.add(u, "checksum database "+route.DB.Name+" (through /sumdb/)", true, sumdbMark)
		}
	}
	set.addPrivateOrigins(s)
	if rep, ok := Chains(ctx, e); !ok {
		complete = false
	} else {
		for _, mc := range rep.Modules {
			for _, st := range mc.Steps {
				if u := EntryURL(s.Entries[st.Entry]); u != nil && st.Resp != nil {
					set.add(u, fmt.Sprintf("GOPROXY entry %d (%s)", st.Entry+1, checks.RedactString(s.Entries[st.Entry].URL)), true, goproxyMark)
				}
			}
			if mc.Direct {
				set.add(originURL(mc.Probe.Path), "origin of "+mc.Probe.Path+" (the proxies do not serve it)", true, originOf(e, mc.Probe.Path))
			}
		}
	}
	set.proxies()
	return set.list, complete
}

// GroupEndpoints groups endpoints by key (those with an empty key left
// out), keys in the order they first appear.
func GroupEndpoints(eps []*Endpoint, key func(*Endpoint) string) ([]string, map[string][]*Endpoint) {
	by := map[string][]*Endpoint{}
	var keys []string
	for _, p := range eps {
		k := key(p)
		if k == "" {
			continue
		}
		if by[k] == nil {
			keys = append(keys, k)
		}
		by[k] = append(by[k], p)
	}
	return keys, by
}

// ForEachEndpoint calls f once for every key (as key computes it; ""
// skips) of the endpoints in scope, as soon as the endpoint is known:
// the static ones at once, those that depend on probes when the probes
// answer. It returns when every call has returned, with the final list.
func ForEachEndpoint(ctx context.Context, e *checks.Env, key func(*Endpoint) string, f func(string)) ([]*Endpoint, bool) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]bool{}
	start := func(list []*Endpoint) {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range list {
			k := key(p)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				f(k)
			}()
		}
	}
	start(staticEndpoints(e))
	list, complete := Endpoints(ctx, e)
	start(list)
	wg.Wait()
	return list, complete
}
