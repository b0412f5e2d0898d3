package explain

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"unicode/utf8"
)

// A rule of the catalog: the patterns that recognise one cause, and what
// to say and do about it.
type rule struct {
	Code string // the finding code
	// Check is the id of the check that owns the code and can confirm or
	// rule out the cause on this machine; Also lists other checks that
	// can confirm it (by one of the Confirms codes) but not rule it out.
	Check string
	Also  []string
	// Confirms are the finding codes of live checks that confirm the
	// cause; empty means the rule's own code.
	Confirms []string
	// NoRuleOut says that the owning check can confirm the cause but not
	// rule it out: the cause may lie in what the failing command asked
	// for (a module or version not in go.mod, an import) rather than in
	// the state the check examines. Its code need not be one the check
	// reports.
	NoRuleOut bool
	// Match are the patterns; any one of them recognises the cause.
	Match []string
	// When names a predicate (rulePredicates, evidence.go) over the
	// entry's variables that must hold as well: the words match, and the
	// evidence says the cause is this one.
	When string
	// Full lets the patterns see the whole entry, including the server
	// response a proxy attached to an HTTP error.
	Full bool
	// Subject names what the cause is about: the first variable of the
	// list that is set, or a literal written "=literal".
	Subject []string
	Message string    // template
	Fixes   []fixSpec // in order of preference

	res      []*regexp.Regexp
	keywords [][]string // per pattern: one of these must occur, or nil
	needsNet bool       // the templates use {netcause}
}

// fixKind says how a fix spec becomes a checks.Fix.
type fixKind int

const (
	fixStep        fixKind = iota // a command to run, or a manual step
	fixCache                      // a command that removes module cache entries
	fixSuggested                  // the command the go command itself suggested in the log
	fixRestore                    // restore a Go setting's toolchain default
	fixUnset                      // remove a setting
	fixSet                        // set a setting to a value
	fixAddPattern                 // add the module's path to a pattern list
	fixProxyRepair                // correct an invalid GOPROXY entry
	fixBarFallback                // use '|' between GOPROXY entries
	fixDropFlag                   // remove a flag from GOFLAGS
)

// A fixSpec is a fix of the catalog, before it is filled in with the
// log's variables and aimed at this machine's environment.
type fixSpec struct {
	kind  fixKind
	title string // template
	cmd   string // template, for steps
	key   string // the setting, for environment fixes
	value string // the value to set, or the flag to drop
	// when names the predicate (in explain.go) that says whether this
	// machine's environment has the problem; when it does not, the fix
	// says to change the environment the failing command ran in.
	when string
	// needs names a predicate over the entry's variables
	// (rulePredicates) that must hold for the fix to be offered: a
	// privacy switch only for a module the log shows to be private.
	needs string
	// noAuto keeps --fix from applying the fix by itself: it replaces a
	// setting the user may have chosen (a team's proxy).
	noAuto bool
}

func manual(title, cmd string) fixSpec { return fixSpec{kind: fixStep, title: title, cmd: cmd} }
func cacheFix(title, cmd string) fixSpec {
	return fixSpec{kind: fixCache, title: title, cmd: cmd}
}
func suggested(title string) fixSpec { return fixSpec{kind: fixSuggested, title: title} }
func restore(key, when, title string) fixSpec {
	return fixSpec{kind: fixRestore, key: key, when: when, title: title}
}
func unset(key, when, title string) fixSpec {
	return fixSpec{kind: fixUnset, key: key, when: when, title: title}
}
func set(key, value, when, title string) fixSpec {
	return fixSpec{kind: fixSet, key: key, value: value, when: when, title: title}
}
func addPattern(key, title string) fixSpec {
	return fixSpec{kind: fixAddPattern, key: key, title: title}
}
func proxyRepair(title string) fixSpec {
	return fixSpec{kind: fixProxyRepair, key: "GOPROXY", title: title}
}
func barFallback(title string) fixSpec {
	return fixSpec{kind: fixBarFallback, key: "GOPROXY", title: title}
}

// restoreNoAuto is restore, never applied by --fix without consent.
func restoreNoAuto(key, when, title string) fixSpec {
	f := restore(key, when, title)
	f.noAuto = true
	return f
}

// privateOnly offers a fix only for a module the log shows to be private.
func privateOnly(f fixSpec) fixSpec {
	f.needs = "private"
	return f
}

// proxyFix points GOPROXY at a proxy this network can reach, offered only
// when the failing request went to a module proxy.
func proxyFix(title string) fixSpec {
	return manual(title, "{isproxy?go env -w GOPROXY=https://proxy.corp.example,direct}")
}

func dropFlag(flag, title string) fixSpec {
	return fixSpec{kind: fixDropFlag, key: "GOFLAGS", value: flag, title: title}
}

// compiled is the catalog, compiled once.
type compiled struct {
	rules      []*rule
	byCode     map[string]*rule
	extractors []*regexp.Regexp
	url        *regexp.Regexp
	netCauses  []netCause
	// The line classes, each compiled into one alternation: a line is
	// tested against four expressions, not thirty.
	trace, benign, shapes, hints *lineClass
	kw                           *keywordIndex
}

type netCause struct {
	re    *regexp.Regexp
	words string
}

// cat returns the compiled catalog, compiled on first use: the catalog
// is static, so a pattern that does not compile fails every test at once,
// and a command that explains nothing (a 'gomoddoctor run' whose go
// command succeeds) does not pay for compiling it.
var cat = sync.OnceValue(mustCompile)

func mustCompile() *compiled {
	c := &compiled{byCode: map[string]*rule{}, kw: newKeywordIndex()}
	for i := range catalog {
		r := &catalog[i]
		// Several rules may share a code (the same cause, found in
		// different words); lookups by code get the first.
		if c.byCode[r.Code] == nil {
			c.byCode[r.Code] = r
		}
		for _, p := range r.Match {
			re := regexp.MustCompile(p)
			r.res = append(r.res, re)
			lits := requiredLiterals(p)
			r.keywords = append(r.keywords, lits)
			c.kw.add(lits)
		}
		r.needsNet = strings.Contains(r.Message, "{netcause")
		for _, f := range r.Fixes {
			r.needsNet = r.needsNet || strings.Contains(f.title, "{netcause") || strings.Contains(f.cmd, "{netcause")
		}
		c.rules = append(c.rules, r)
	}
	for _, p := range extractors {
		c.extractors = append(c.extractors, regexp.MustCompile(p))
	}
	c.url = regexp.MustCompile(urlPattern)
	for _, n := range netCauses {
		c.netCauses = append(c.netCauses, netCause{regexp.MustCompile(n.pattern), n.words})
	}
	c.trace = alternation(traceLines)
	c.benign = alternation(benignLines)
	c.shapes = alternation(errorShapes)
	c.hints = alternation(hintLines)
	return c
}

// A lineClass recognises a class of lines (trace, benign, error-shaped,
// hint) with one expression, behind a keyword prefilter: most lines of a
// big log are skipped with a table lookup per byte.
type lineClass struct {
	re *regexp.Regexp
	kw *keywordIndex
}

func (c *lineClass) match(s string) bool { return c.kw.any(s) && c.re.MatchString(s) }

// alternation compiles patterns anchored at the start of the line (each
// begins with ^) into one expression matching any of them. The anchor is
// factored out so that the matcher tries the start of the line only.
func alternation(patterns []string) *lineClass {
	var bodies []string
	kw := newKeywordIndex()
	for _, p := range patterns {
		regexp.MustCompile(p) // each must compile on its own
		body, ok := strings.CutPrefix(p, "^")
		if !ok {
			panic("explain: line pattern not anchored at ^: " + p)
		}
		bodies = append(bodies, body)
		kw.add(requiredLiterals(p))
	}
	return &lineClass{regexp.MustCompile("^(?:(?:" + strings.Join(bodies, ")|(?:") + "))"), kw}
}

// requiredLiterals returns strings one of which occurs in every match of
// the pattern, or nil when no such set is known (the pattern is then
// tried on every text). It lets a line be skipped with a few substring
// searches instead of a hundred regular expressions.
func requiredLiterals(pattern string) []string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	lits := literalsOf(re.Simplify())
	for _, l := range lits {
		if len(l) < 2 {
			return nil // too short to filter anything
		}
	}
	return lits
}

// literalsOf computes a disjunction of literals that every match of re
// contains, preferring long ones.
func literalsOf(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCapture:
		return literalsOf(re.Sub[0])
	case syntax.OpPlus:
		return literalsOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return literalsOf(re.Sub[0])
		}
		return nil
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			l := literalsOf(s)
			if l == nil {
				return nil
			}
			out = append(out, l...)
		}
		return out
	case syntax.OpCharClass:
		// A small class, such as [Rr] or [0-9], is a set of one-letter
		// literals; concatenation below joins it with its neighbours.
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) >= 10 {
					return nil
				}
				out = append(out, string(r))
			}
		}
		return out
	case syntax.OpConcat:
		// Join runs of literal (or small class) children into longer
		// literal sets; keep the run with the best (longest shortest)
		// literal.
		var best []string
		score := func(ls []string) int {
			if ls == nil {
				return 0
			}
			m := 1 << 30
			for _, l := range ls {
				m = min(m, len(l))
			}
			return m
		}
		var run []string
		flush := func() {
			if score(run) > score(best) {
				best = run
			}
			run = nil
		}
		for _, s := range re.Sub {
			var ls []string
			switch s.Op {
			case syntax.OpLiteral, syntax.OpCharClass:
				ls = literalsOf(s)
			}
			if ls == nil {
				flush()
				if sub := literalsOf(s); score(sub) > score(best) {
					best = sub
				}
				continue
			}
			if run == nil {
				run = ls
				continue
			}
			if len(run)*len(ls) > 128 {
				flush()
				run = ls
				continue
			}
			var joined []string
			for _, a := range run {
				for _, b := range ls {
					joined = append(joined, a+b)
				}
			}
			run = joined
		}
		flush()
		return best
	}
	return nil
}

// keywordIndex finds whether any keyword of the catalog occurs in a text
// with one pass over it: keywords are indexed by their first two bytes.
type keywordIndex struct {
	// pairs maps the first two bytes of keywords to 1 + their index in
	// lists (0: no keyword starts so).
	pairs  [1 << 16]uint16
	lists  [][]string
	always bool // some pattern has no keyword: every text is a candidate
}

func newKeywordIndex() *keywordIndex { return &keywordIndex{} }

func (k *keywordIndex) add(lits []string) {
	if lits == nil {
		k.always = true
		return
	}
	for _, l := range lits {
		p := uint16(l[0])<<8 | uint16(l[1])
		if k.pairs[p] == 0 {
			k.lists = append(k.lists, nil)
			k.pairs[p] = uint16(len(k.lists))
		}
		k.lists[k.pairs[p]-1] = append(k.lists[k.pairs[p]-1], l)
	}
}

// any reports whether some keyword occurs in s.
func (k *keywordIndex) any(s string) bool {
	if k.always {
		return true
	}
	for i := 0; i+1 < len(s); i++ {
		j := k.pairs[uint16(s[i])<<8|uint16(s[i+1])]
		if j == 0 {
			continue
		}
		for _, kw := range k.lists[j-1] {
			if strings.HasPrefix(s[i:], kw) {
				return true
			}
		}
	}
	return false
}

// candidate reports whether pattern i of r may match s.
func (r *rule) candidate(i int, s string) bool {
	lits := r.keywords[i]
	if lits == nil {
		return true
	}
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// expand fills in a template: {name} is the variable's value,
// {name|fallback} the fallback (itself a template) when the variable is
// unset, and {name?text} the text (a template) only when it is set. ok is false when a variable without fallback is unset. Braces
// around anything but a lower-case name are literal text, so shell
// syntax such as ${TMPDIR:-/tmp} passes through.
func expand(tmpl string, vars map[string]string, check func(name, value string) bool) (string, bool) {
	var b strings.Builder
	ok := true
	for i := 0; i < len(tmpl); {
		c := tmpl[i]
		if c != '{' {
			b.WriteByte(c)
			i++
			continue
		}
		end := matchBrace(tmpl, i)
		if end < 0 {
			b.WriteString(tmpl[i:])
			break
		}
		inner := tmpl[i+1 : end]
		n := 0
		for n < len(inner) && isVarName(inner[n:n+1]) {
			n++
		}
		name, rest := inner[:n], inner[n:]
		if name == "" || rest != "" && rest[0] != '|' && rest[0] != '?' {
			b.WriteString(tmpl[i : end+1])
			i = end + 1
			continue
		}
		if strings.HasPrefix(rest, "?") {
			// {name?text}: text when the variable is set, else nothing.
			if v := vars[name]; v != "" {
				s, cok := expand(rest[1:], vars, check)
				ok = ok && cok
				b.WriteString(s)
			}
			i = end + 1
			continue
		}
		fallback, hasFallback := strings.CutPrefix(rest, "|")
		if v, set := vars[name]; set && v != "" {
			if check != nil && !check(name, v) {
				ok = false
			}
			b.WriteString(v)
		} else if hasFallback {
			s, fok := expand(fallback, vars, check)
			ok = ok && fok
			b.WriteString(s)
		} else {
			ok = false
		}
		i = end + 1
	}
	return b.String(), ok
}

func matchBrace(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func isVarName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

// shellSafe reports whether a value taken from a log may be pasted into
// a command a person will run: no shell syntax at all. A log is hostile
// input; a module path with $(...) in it must never become a command.
func shellSafe(v string) bool { return shellSafeVar("", v) }

// shellSafeVar is shellSafe for the variable name: the module cache's
// escaped paths (module_esc, version_esc) may also hold '!', which the
// catalog's commands always put inside single quotes.
func shellSafeVar(name, v string) bool {
	if v == "" || len(v) > 512 || !utf8.ValidString(v) || strings.HasPrefix(v, "-") {
		return false
	}
	allowed := "._~+/@:=,%-"
	if strings.HasSuffix(name, "_esc") {
		allowed += "!"
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(allowed, r)) {
			return false
		}
	}
	return true
}

// String describes a rule for test failures.
func (r *rule) String() string { return fmt.Sprintf("%s (%s)", r.Code, r.Check) }
