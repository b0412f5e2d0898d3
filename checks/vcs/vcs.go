// Package vcs finds where the go command fetches a module from when it
// goes "direct": the repository root and version control system of a
// module path, from the go command's table of known hosts or from the
// go-import meta tag of the module's host (cmd/go/internal/vcs), and the
// GOVCS policy that allows or forbids using that system. It also reads
// what git says: 'git config' listings (credential helpers, insteadOf
// rewrites) and the errors of 'git ls-remote'.
//
// Nothing here touches the network; the caller fetches the meta page
// and runs git.
package vcs

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/mod/module"
)

// A Root is where a module's code lives.
type Root struct {
	Root string // the repository root path, as an import path prefix
	VCS  string // git, hg, svn, bzr, fossil, or mod
	Repo string // the repository URL
}

// knownHost is an entry of the go command's vcsPaths table.
type knownHost struct {
	prefix string
	re     *regexp.Regexp
	vcs    string
}

var knownHosts = []knownHost{
	{"github.com", regexp.MustCompile(`^(?P<root>github\.com/[\w.\-]+/[\w.\-]+)(/[\w.\-]+)*$`), "git"},
	{"bitbucket.org", regexp.MustCompile(`^(?P<root>bitbucket\.org/(?P<bitname>[\w.\-]+/[\w.\-]+))(/[\w.\-]+)*$`), "git"},
	{"hub.jazz.net/git", regexp.MustCompile(`^(?P<root>hub\.jazz\.net/git/[a-z0-9]+/[\w.\-]+)(/[\w.\-]+)*$`), "git"},
	{"git.apache.org", regexp.MustCompile(`^(?P<root>git\.apache\.org/[a-z0-9_.\-]+\.git)(/[\w.\-]+)*$`), "git"},
	{"git.openstack.org", regexp.MustCompile(`^(?P<root>git\.openstack\.org/[\w.\-]+/[\w.\-]+)(\.git)?(/[\w.\-]+)*$`), "git"},
	{"chiselapp.com", regexp.MustCompile(`^(?P<root>chiselapp\.com/user/[A-Za-z0-9]+/repository/[\w.\-]+)$`), "fossil"},
}

// suffixRE is the go command's general syntax for any server: a path
// element ending in a VCS suffix names the repository.
var suffixRE = regexp.MustCompile(`(?P<root>(?P<repo>([a-z0-9.\-]+\.)+[a-z0-9.\-]+(:[0-9]+)?(/~?[\w.\-]+)+?)\.(?P<vcs>bzr|fossil|git|hg|svn))(/~?[\w.\-]+)*$`)

// ErrUnknownSite means the path must be resolved with a go-import meta tag.
var ErrUnknownSite = errors.New("no known host: resolved by the go-import meta tag of its host")

// KnownRoot resolves a module path with the go command's built-in table
// (vcs.repoRootFromVCSPaths): the known code hosts and paths with a VCS
// suffix. It returns ErrUnknownSite when the meta tag must decide.
func KnownRoot(path string) (*Root, error) {
	for _, h := range knownHosts {
		if path != h.prefix && !strings.HasPrefix(path, h.prefix+"/") {
			continue
		}
		m := h.re.FindStringSubmatch(path)
		if m == nil {
			return nil, fmt.Errorf("invalid %s import path %q", h.prefix, path)
		}
		root := m[h.re.SubexpIndex("root")]
		if h.vcs == "git" && h.prefix != "git.apache.org" && h.prefix != "git.openstack.org" {
			// noVCSSuffix
			for _, s := range []string{".git", ".hg", ".svn", ".bzr", ".fossil"} {
				if strings.HasSuffix(root, s) {
					return nil, fmt.Errorf("invalid version control suffix in %s path", h.prefix)
				}
			}
		}
		return &Root{Root: root, VCS: h.vcs, Repo: "https://" + root}, nil
	}
	if m := suffixRE.FindStringSubmatch(path); m != nil {
		return &Root{
			Root: m[suffixRE.SubexpIndex("root")], VCS: m[suffixRE.SubexpIndex("vcs")],
			Repo: "https://" + m[suffixRE.SubexpIndex("repo")],
		}, nil
	}
	return nil, ErrUnknownSite
}

// MetaURL is the page the go command asks for a path's go-import meta
// tag (vcs.urlForImportPath): https://<path>?go-get=1.
func MetaURL(path string) (*url.URL, error) {
	host, rest, _ := strings.Cut(path, "/")
	if !strings.Contains(host, ".") {
		return nil, errors.New("import path does not begin with hostname")
	}
	return &url.URL{Scheme: "https", Host: host, Path: "/" + rest, RawQuery: "go-get=1"}, nil
}

// A MetaImport is one go-import meta tag.
type MetaImport struct {
	Prefix, VCS, RepoRoot, SubDir string
}

// ParseMetaImports returns the go-import meta tags of an HTML page as
// the go command reads them in module mode (vcs.parseMetaGoImports with
// PreferMod): a lenient XML decoder, parsing ends at </head> or <body>,
// a tag counts when its content has 3 or 4 fields, and "mod" entries
// come first and hide other entries with the same prefix.
func ParseMetaImports(r io.Reader) ([]MetaImport, error) {
	d := xml.NewDecoder(r)
	d.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "ascii":
			return input, nil
		}
		return nil, fmt.Errorf("can't decode XML document using charset %q", charset)
	}
	d.Strict = false
	var imports []MetaImport
	for {
		t, err := d.RawToken()
		if err != nil {
			if err != io.EOF && len(imports) == 0 {
				return nil, err
			}
			break
		}
		if e, ok := t.(xml.StartElement); ok && strings.EqualFold(e.Name.Local, "body") {
			break
		}
		if e, ok := t.(xml.EndElement); ok && strings.EqualFold(e.Name.Local, "head") {
			break
		}
		e, ok := t.(xml.StartElement)
		if !ok || !strings.EqualFold(e.Name.Local, "meta") || attr(e.Attr, "name") != "go-import" {
			continue
		}
		if f := strings.Fields(attr(e.Attr, "content")); len(f) == 3 || len(f) == 4 {
			mi := MetaImport{Prefix: f[0], VCS: f[1], RepoRoot: f[2]}
			if len(f) == 4 {
				mi.SubDir = f[3]
			}
			imports = append(imports, mi)
		}
	}
	var list []MetaImport
	have := map[string]bool{}
	for _, m := range imports {
		if m.VCS == "mod" {
			have[m.Prefix] = true
			list = append(list, m)
		}
	}
	for _, m := range imports {
		if m.VCS != "mod" && !have[m.Prefix] {
			list = append(list, m)
		}
	}
	return list, nil
}

func attr(attrs []xml.Attr, name string) string {
	for _, a := range attrs {
		if strings.EqualFold(a.Name.Local, name) {
			return a.Value
		}
	}
	return ""
}

// MatchMetaImport picks the tag for path as vcs.matchGoImport does: the
// one whose prefix is a path prefix of it; a "mod" entry wins; two
// others are an error.
func MatchMetaImport(imports []MetaImport, path string) (MetaImport, error) {
	match := -1
	var prefixes []string
	for i, im := range imports {
		if path != im.Prefix && !strings.HasPrefix(path, im.Prefix+"/") {
			prefixes = append(prefixes, im.Prefix)
			continue
		}
		if match >= 0 {
			if imports[match].VCS == "mod" && im.VCS != "mod" {
				break
			}
			return MetaImport{}, fmt.Errorf("multiple meta tags match import path %q", path)
		}
		match = i
	}
	if match < 0 {
		if len(prefixes) == 0 {
			return MetaImport{}, fmt.Errorf("no go-import meta tags")
		}
		return MetaImport{}, fmt.Errorf("no go-import meta tags (meta tags for %s do not match %s)", strings.Join(prefixes, ", "), path)
	}
	return imports[match], nil
}

// DynamicRoot turns a matched meta tag into a Root, validating it as
// the go command does (vcs.validateRepoRoot): the repository must be a
// URL with a scheme, and the VCS one the go command knows.
func DynamicRoot(mi MetaImport) (*Root, error) {
	u, err := url.Parse(mi.RepoRoot)
	if err != nil || u.Scheme == "" || strings.HasPrefix(mi.RepoRoot, "-") {
		return nil, fmt.Errorf("invalid repo root %q", mi.RepoRoot)
	}
	switch mi.VCS {
	case "git", "hg", "svn", "bzr", "fossil", "mod":
	default:
		return nil, fmt.Errorf("unknown vcs %q", mi.VCS)
	}
	return &Root{Root: mi.Prefix, VCS: mi.VCS, Repo: mi.RepoRoot}, nil
}

// A Rule is one GOVCS entry.
type Rule struct {
	Pattern string   // "private", "public", or a path pattern
	Allowed []string // VCS names, or "all"
}

// DefaultGOVCS is appended to every GOVCS setting.
var DefaultGOVCS = []Rule{{"private", []string{"all"}}, {"public", []string{"git", "hg"}}}

// ParseGOVCS parses GOVCS as vcs.parseGOVCS does, with the default rules
// appended.
func ParseGOVCS(s string) ([]Rule, error) {
	var rules []Rule
	s = strings.TrimSpace(s)
	have := map[string]string{}
	if s != "" {
		for _, item := range strings.Split(s, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				return nil, fmt.Errorf("empty entry in GOVCS")
			}
			pattern, list, found := strings.Cut(item, ":")
			if !found {
				return nil, fmt.Errorf("malformed entry in GOVCS (missing colon): %q", item)
			}
			pattern, list = strings.TrimSpace(pattern), strings.TrimSpace(list)
			if pattern == "" {
				return nil, fmt.Errorf("empty pattern in GOVCS: %q", item)
			}
			if list == "" {
				return nil, fmt.Errorf("empty VCS list in GOVCS: %q", item)
			}
			if pattern == "." || pattern == ".." || strings.HasPrefix(pattern, "./") || strings.HasPrefix(pattern, "../") {
				return nil, fmt.Errorf("relative pattern not allowed in GOVCS: %q", pattern)
			}
			if old := have[pattern]; old != "" {
				return nil, fmt.Errorf("unreachable pattern in GOVCS: %q after %q", item, old)
			}
			have[pattern] = item
			allowed := strings.Split(list, "|")
			for i, a := range allowed {
				a = strings.TrimSpace(a)
				if a == "" {
					return nil, fmt.Errorf("empty VCS name in GOVCS: %q", item)
				}
				allowed[i] = a
			}
			rules = append(rules, Rule{pattern, allowed})
		}
	}
	return append(rules, DefaultGOVCS...), nil
}

// Allow reports whether the rules let the go command use vcs for the
// repository root (private: GOPRIVATE matches it), and the rule that
// decided (nil when none matched: nothing is allowed).
func Allow(rules []Rule, root string, private bool, vcs string) (bool, *Rule) {
	if vcs == "mod" {
		return true, nil
	}
	for i, r := range rules {
		var match bool
		switch r.Pattern {
		case "private":
			match = private
		case "public":
			match = !private
		default:
			match = module.MatchPrefixPatterns(r.Pattern, root)
		}
		if !match {
			continue
		}
		for _, a := range r.Allowed {
			if a == vcs || a == "all" {
				return true, &rules[i]
			}
		}
		return false, &rules[i]
	}
	return false, nil
}
