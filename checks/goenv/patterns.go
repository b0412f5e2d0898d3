package goenv

import (
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/mod/module"
)

// A PatternProblem explains why one element of a GOPRIVATE-style list
// (GOPRIVATE, GONOPROXY, GONOSUMDB, GOINSECURE) can never match a module path.
type PatternProblem struct {
	Pattern string // the element as written, spaces included
	Reason  string // why it cannot match, in a few words
	// Suggest is a corrected pattern that does match module paths,
	// or "" when no safe correction is known.
	Suggest string
}

// FollowsGOPRIVATE reports whether key (GONOPROXY or GONOSUMDB) takes
// GOPRIVATE's value, as the go command decides
// (cmd/go/internal/cfg.EnvOrAndChanged): only while no source sets it to
// a non-empty value. Setting it replaces the GOPRIVATE default.
func (e *Env) FollowsGOPRIVATE(key string) bool {
	v := e.Var(key)
	switch v.Source {
	case SourceProcess:
		return false
	case SourceFile:
		return v.FileValue == ""
	case SourceGOROOT:
		return v.GOROOTValue == ""
	}
	return true
}

// NotCovered returns the patterns (GOPRIVATE-style) that key's explicit
// setting does not cover, judged by a module path each pattern matches;
// nil when key follows GOPRIVATE.
func (e *Env) NotCovered(key string, patterns []string) []string {
	if e.FollowsGOPRIVATE(key) {
		return nil
	}
	var out []string
	for _, p := range patterns {
		if w, ok := PatternWitness(p); ok && MatchingPattern(e.Get(key), w) == "" {
			out = append(out, p)
		}
	}
	return out
}

// UnionPatterns merges two pattern lists, keeping the first list's
// order and dropping exact duplicates: the user's entries are never
// replaced.
func UnionPatterns(have, add string) string {
	out := Patterns(have)
	for _, p := range Patterns(add) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return strings.Join(out, ",")
}

// Patterns splits a comma-separated pattern list the way
// module.MatchPrefixPatterns does. Empty elements are dropped;
// everything else, including elements with spaces, is kept as written.
func Patterns(list string) []string {
	var out []string
	for _, p := range strings.Split(list, ",") {
		if strings.TrimSuffix(p, "/") == "" {
			continue
		}
		out = append(out, p)
	}
	return out
}

// CheckPatterns reports every element of list that can never match any
// module path under module.MatchPrefixPatterns.
func CheckPatterns(list string) []PatternProblem {
	var probs []PatternProblem
	for _, p := range Patterns(list) {
		if _, ok := PatternWitness(p); ok {
			continue
		}
		prob := PatternProblem{Pattern: p, Reason: patternReason(p)}
		if s := normalizePattern(p); s != "" && s != p {
			if _, ok := PatternWitness(s); ok {
				prob.Suggest = s
			}
		}
		probs = append(probs, prob)
	}
	return probs
}

// PatternWitness returns a module path that pattern matches under
// module.MatchPrefixPatterns, and false when no valid module path can
// ever match it. The witness is built from the pattern itself (each
// wildcard replaced by a valid character), then confirmed with x/mod.
func PatternWitness(pattern string) (string, bool) {
	glob := strings.TrimSuffix(pattern, "/")
	if glob == "" {
		return "", false
	}
	if _, err := path.Match(glob, ""); err != nil {
		return "", false // malformed glob: x/mod never matches it
	}
	elems := strings.Split(glob, "/")
	var b strings.Builder
	for i, e := range elems {
		if i > 0 {
			b.WriteByte('/')
		}
		w, ok := elemWitness(e, i == 0)
		if !ok {
			return "", false
		}
		b.WriteString(w)
	}
	witness := b.String()
	if module.CheckImportPath(witness) != nil {
		return "", false
	}
	if !module.MatchPrefixPatterns(pattern, witness) {
		return "", false
	}
	return witness, true
}

// elemWitness builds one path element matched by the glob element e.
func elemWitness(e string, first bool) (string, bool) {
	ok := importPathOK
	if first {
		ok = firstElemOK
	}
	var b strings.Builder
	for i := 0; i < len(e); i++ {
		switch c := e[i]; c {
		case '*', '?':
			b.WriteByte('x')
		case '\\':
			i++
			if i >= len(e) || !ok(rune(e[i])) {
				return "", false
			}
			b.WriteByte(e[i])
		case '[':
			end := strings.IndexByte(e[i:], ']')
			if end < 0 {
				return "", false
			}
			c, found := classWitness(e[i+1:i+end], ok)
			if !found {
				return "", false
			}
			b.WriteByte(c)
			i += end
		default:
			if !ok(rune(c)) {
				return "", false
			}
			b.WriteByte(c)
		}
	}
	w := b.String()
	if w == "" || w == "." || w == ".." {
		return "", false
	}
	return w, true
}

// classWitness picks a character accepted by ok that the glob character
// class body (without brackets) matches.
func classWitness(body string, ok func(rune) bool) (byte, bool) {
	const candidates = "xabcdefghijklmnopqrstuvwyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_~+."
	for i := 0; i < len(candidates); i++ {
		c := candidates[i]
		if !ok(rune(c)) {
			continue
		}
		if m, err := path.Match("["+body+"]", string(c)); err == nil && m {
			return c, true
		}
	}
	return 0, false
}

// firstElemOK and importPathOK mirror the character rules of
// golang.org/x/mod/module for the first element of a module path
// (the host: lower-case letters, digits, dots and dashes) and for the
// elements of an import path.
func firstElemOK(r rune) bool {
	return r == '-' || r == '.' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z'
}

func importPathOK(r rune) bool {
	return r == '-' || r == '.' || r == '_' || r == '~' || r == '+' ||
		'0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z'
}

func patternReason(p string) string {
	first, _, _ := strings.Cut(strings.TrimLeft(p, " \t"), "/")
	var reasons []string
	if strings.Contains(p, "://") {
		reasons = append(reasons, "a URL scheme")
		_, after, _ := strings.Cut(p, "://")
		first, _, _ = strings.Cut(after, "/")
	}
	if strings.IndexFunc(p, unicode.IsSpace) >= 0 {
		reasons = append(reasons, "spaces (the list is separated by commas only)")
	}
	if strings.Contains(first, "@") {
		reasons = append(reasons, "a user name")
		_, first, _ = strings.Cut(first, "@")
	}
	if strings.Contains(first, ":") {
		reasons = append(reasons, "a port")
	}
	if strings.HasPrefix(strings.TrimSpace(p), "/") {
		reasons = append(reasons, "a leading slash")
	}
	if strings.Contains(strings.TrimPrefix(p, strings.SplitN(p, "://", 2)[0]+"://"), "//") {
		reasons = append(reasons, "an empty path element")
	}
	if strings.ToLower(first) != first {
		reasons = append(reasons, "upper-case letters in the host")
	}
	if len(reasons) == 0 {
		if _, err := path.Match(strings.TrimSuffix(p, "/"), ""); err != nil {
			return "a malformed glob"
		}
		return "characters that never occur in module paths"
	}
	return strings.Join(reasons, ", ")
}

// normalizePattern repairs the usual mistakes: URL schemes, ports,
// spaces, user info, empty elements and upper-case hosts.
func normalizePattern(p string) string {
	p = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, p)
	if _, rest, ok := strings.Cut(p, "://"); ok {
		p = rest
	}
	if i := strings.LastIndex(p, "@"); i >= 0 && i < strings.IndexByte(p+"/", '/') {
		p = p[i+1:] // user@host
	}
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	p = strings.Trim(p, "/")
	first, rest, hasRest := strings.Cut(p, "/")
	if h, _, ok := strings.Cut(first, ":"); ok {
		first = h
	}
	first = strings.ToLower(first)
	if hasRest {
		return first + "/" + rest
	}
	return first
}

// MatchingPattern returns the first element of list that matches the
// module path, as module.MatchPrefixPatterns would decide, or "".
func MatchingPattern(list, modPath string) string {
	if list == "" {
		return ""
	}
	for _, p := range cachedPatterns(list) {
		if p.Match(modPath) {
			return p.Text
		}
	}
	return ""
}

// A Pattern is one element of a pattern list (Patterns), ready to be
// matched against many module paths.
type Pattern struct {
	Text string // as written
	// plain is Text without its trailing slash, when that is a path
	// prefix: no glob character, not empty. Otherwise glob is set, and
	// matching is module.MatchPrefixPatterns' own.
	plain string
	glob  bool
}

// ParsePattern prepares one element of a pattern list.
func ParsePattern(p string) Pattern {
	g := strings.TrimSuffix(p, "/")
	if g == "" || strings.ContainsAny(g, `*?[\,`) {
		return Pattern{Text: p, glob: true}
	}
	return Pattern{Text: p, plain: g}
}

// Match is module.MatchPrefixPatterns(p.Text, modPath). A plain pattern
// matches the path equal to it or under it, without path.Match: a run
// asks about each of 50,000 requirements against each pattern of
// several variables.
func (p Pattern) Match(modPath string) bool {
	if p.glob {
		return module.MatchPrefixPatterns(p.Text, modPath)
	}
	rest, ok := strings.CutPrefix(modPath, p.plain)
	return ok && (rest == "" || rest[0] == '/')
}

// patternCache holds the parsed pattern lists (a run has a few: the
// values of GOPRIVATE, GONOPROXY, GONOSUMDB and GOINSECURE, and those
// the advisor tries), at most maxCachedLists of them.
var patternCache struct {
	sync.Mutex
	lists map[string][]Pattern
}

const maxCachedLists = 64

// cachedPatterns is Patterns(list), parsed once (read-only).
func cachedPatterns(list string) []Pattern {
	patternCache.Lock()
	defer patternCache.Unlock()
	if ps, ok := patternCache.lists[list]; ok {
		return ps
	}
	var ps []Pattern
	for _, p := range Patterns(list) {
		ps = append(ps, ParsePattern(p))
	}
	if patternCache.lists == nil || len(patternCache.lists) >= maxCachedLists {
		patternCache.lists = map[string][]Pattern{}
	}
	patternCache.lists[list] = ps
	return ps
}
