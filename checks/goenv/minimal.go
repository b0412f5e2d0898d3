package goenv

import (
	"slices"
	"strings"

	"golang.org/x/mod/module"
)

// CodeHosts are public hosts where every account is someone else: a
// pattern must name at least the account (github.com/corp), never the
// whole host.
var CodeHosts = map[string]int{
	"github.com": 2, "gitlab.com": 2, "bitbucket.org": 2, "codeberg.org": 2,
	"gitee.com": 2, "git.sr.ht": 2, "hub.jazz.net": 3, "dev.azure.com": 2,
	"gopkg.in": 2, "launchpad.net": 2,
}

// minElems is how many leading path elements a pattern for path must
// keep at least.
func minElems(path string) int {
	host, _, _ := strings.Cut(path, "/")
	if n, ok := CodeHosts[host]; ok {
		return n
	}
	return 1
}

// MinimalPatterns returns the GOPRIVATE-style patterns that match every
// path of private and none of public: for each private path, its
// shortest path prefix that matches no public path (never less than the
// account on a shared code host), with prefixes that another chosen one
// covers dropped. A private path that is itself a prefix of a public one
// cannot be told apart by prefix patterns: it is given whole (and so
// still matches that public path).
func MinimalPatterns(private, public []string) []string {
	matchesPublic := prefixMatcher(public)
	var chosen []string
	for _, p := range private {
		elems := strings.Split(p, "/")
		pick := p
		for k := minElems(p); k <= len(elems); k++ {
			cand := strings.Join(elems[:k], "/")
			if !matchesPublic(cand) {
				pick = cand
				break
			}
		}
		if !slices.Contains(chosen, pick) {
			chosen = append(chosen, pick)
		}
	}
	var out []string
	for _, c := range chosen {
		covered := slices.ContainsFunc(chosen, func(o string) bool { return o != c && module.MatchPrefixPatterns(o, c) })
		if !covered {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// prefixMatcher returns whether a pattern matches any of paths, as
// module.MatchPrefixPatterns does. A plain pattern (ParsePattern: every
// path prefix of a module path) matches a path equal to it or under it:
// with the paths sorted, that is two binary searches rather than a
// match against each of 50,000 paths.
func prefixMatcher(paths []string) func(pattern string) bool {
	sorted := slices.Clone(paths)
	slices.Sort(sorted)
	return func(pattern string) bool {
		p := ParsePattern(pattern)
		if p.glob {
			return slices.ContainsFunc(paths, p.Match)
		}
		i, found := slices.BinarySearch(sorted, p.plain)
		if found {
			return true
		}
		under := p.plain + "/"
		j, _ := slices.BinarySearch(sorted[i:], under)
		return i+j < len(sorted) && strings.HasPrefix(sorted[i+j], under)
	}
}
