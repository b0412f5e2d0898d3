package probe

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"golang.org/x/mod/module"
)

// Telling a private module from a mirror gap. One mirror lacking a
// module says that mirror does not have it, nothing more: a file://
// directory holds what someone put there, a team's proxy what it was
// allowed to fetch. A module is taken for private only on evidence:
// its host is not a public name, its origin refuses anonymous requests
// (the private check's origin probe), or the toolchain's default proxy,
// which fetches any public module from its origin on demand, does not
// have it either.

// PrivateEvidence says why a module that the GOPROXY entries answered
// "not found" for may be private, from what the walk itself shows; ""
// when nothing does (a mirror gap). Origin evidence is the private
// check's to add.
func PrivateEvidence(e *checks.Env, s *Scope, mc *ModuleChain) string {
	if mc == nil {
		return ""
	}
	host, _, _ := strings.Cut(mc.Probe.Path, "/")
	if !e.Net().IsPublicName(host) {
		return fmt.Sprintf("its host %s is not a public name", host)
	}
	if i := DefaultProxyMissing(e, s, mc); i >= 0 {
		return fmt.Sprintf("the toolchain's default proxy (%s), which fetches public modules from their origin, does not have it either", checks.RedactString(s.Entries[i].URL))
	}
	return ""
}

// DefaultProxyMissing returns the index of the entry that is the
// toolchain's default proxy (the first entry of GOPROXY in
// $GOROOT/go.env) when it answered "not found" for the module, else -1.
func DefaultProxyMissing(e *checks.Env, s *Scope, mc *ModuleChain) int {
	def := defaultProxyURL(e)
	if def == "" {
		return -1
	}
	for _, st := range mc.Steps {
		if st.NotExist && st.Resp != nil && st.Entry >= 0 && st.Entry < len(s.Entries) && sameProxy(s.Entries[st.Entry].URL, def) {
			return st.Entry
		}
	}
	return -1
}

// defaultProxyURL is the first proxy URL of the toolchain's GOPROXY.
func defaultProxyURL(e *checks.Env) string {
	for _, en := range goenv.ParseProxyList(e.Go.Var("GOPROXY").GOROOTValue).Active() {
		if en.Kind == goenv.ProxyURL {
			return en.URL
		}
	}
	return ""
}

func sameProxy(a, b string) bool {
	return strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/")
}

// GapEntry returns the entry a mirror gap is best fixed in: the first
// file:// entry that answered "not found" (a directory someone fills),
// else the last entry that did; -1 when none did.
func GapEntry(s *Scope, mcs []*ModuleChain) int {
	last := -1
	for _, mc := range mcs {
		for _, st := range mc.Steps {
			if !st.NotExist || st.Entry < 0 || st.Entry >= len(s.Entries) {
				continue
			}
			if strings.HasPrefix(s.Entries[st.Entry].URL, "file://") {
				return st.Entry
			}
			last = max(last, st.Entry)
		}
	}
	return last
}

// GapFixes are the remedies for modules the GOPROXY entries lack while
// nothing says they are private: let the go command look further (the
// toolchain's default list after the entries, or direct), or, for a
// file:// directory, fill it with what is missing. Never GOPRIVATE:
// that would send every module of the pattern to its origin, unverified.
func GapFixes(e *checks.Env, s *Scope, mcs []*ModuleChain) []checks.Fix {
	g := e.Go
	v := g.Var("GOPROXY")
	var fixes []checks.Fix
	if next, what := gapFallback(e, s); next != "" {
		fix := checks.SetVar(g, v, next, "let the go command look for what this mirror lacks further on: "+what)
		fix.Auto = false
		fixes = append(fixes, fix)
	}
	i := GapEntry(s, mcs)
	if i < 0 {
		return fixes
	}
	u, err := url.Parse(s.Entries[i].URL)
	if err != nil || u.Scheme != "file" {
		fixes = append(fixes, checks.Manual("or ask the administrators of "+checks.RedactString(s.Entries[i].URL)+" to serve these modules", "go env GOPROXY"))
		return fixes
	}
	var mods []string
	for _, mc := range mcs {
		if mc.Probe.Version != "" && module.CheckPath(mc.Probe.Path) == nil {
			mods = append(mods, mc.Probe.String())
		}
	}
	good := goodProxy(e, s)
	if len(mods) == 0 || good == "" {
		return fixes
	}
	dir := filepath.FromSlash(u.Path)
	// The module cache's cache/download is the proxy layout: download into
	// a fresh one, copy it into the directory, then remove it.
	cmd := fmt.Sprintf(`d=$(mktemp -d) && GOFLAGS=-mod=mod GOMODCACHE="$d" GOPROXY=%s go mod download %s && cp -R "$d/cache/download/." %s && GOMODCACHE="$d" go clean -modcache`,
		checks.ShellQuote(good), strings.Join(mods, " "), checks.ShellQuote(dir))
	fixes = append(fixes, checks.Manual("or fill the directory "+dir+" with what it lacks (it must hold every module the build needs)", cmd))
	return fixes
}

// gapFallback is the GOPROXY list with somewhere to look after its
// entries: the toolchain's default list when none of its proxies is in
// it yet, else direct; "" when the list already ends in direct.
func gapFallback(e *checks.Env, s *Scope) (string, string) {
	if s.List == nil || s.List.HasDirect() {
		return "", ""
	}
	cur := RebuildProxyList(s.List, func(_ int, en goenv.ProxyEntry) (string, bool) {
		return strings.TrimSpace(en.Raw), !en.Ignored && en.Kind != goenv.ProxyOff
	})
	if def := defaultProxyURL(e); def != "" && !slices.ContainsFunc(s.Entries, func(en goenv.ProxyEntry) bool { return sameProxy(en.URL, def) }) {
		return cur + "," + strings.TrimSpace(e.Go.Var("GOPROXY").GOROOTValue), "the toolchain's default list"
	}
	return cur + ",direct", "the origin of each module (direct)"
}

// goodProxy is a GOPROXY value to fill a directory from: the
// toolchain's default list, else direct.
func goodProxy(e *checks.Env, s *Scope) string {
	if v := strings.TrimSpace(e.Go.Var("GOPROXY").GOROOTValue); v != "" && goenv.ParseProxyList(v).Err == nil && v != "off" {
		return v
	}
	return "direct"
}
