package explain

// The corpus test measures the catalog against the go command's own
// expectations: the stderr assertions of its test scripts
// ($GOROOT/src/cmd/go/testdata/script/mod_*.txt), read at test time from
// the installed toolchain (nothing of them is copied into this
// repository).
//
// Harvest. Each script's command section (before the first "-- file --"
// of its txtar archive) is split into commands exactly as the go
// command's script engine does (cmd/internal/script: single quotes,
// doubled quotes for a literal quote, [condition] and ! prefixes, #
// comments). Every positive 'stderr' command (not '! stderr', which
// asserts an absence) gives its last argument, a regular expression.
// Variables outside quotes ($WORK, ${/}, $GOPROXY...) are replaced by
// representative values quoted with regexp.QuoteMeta, as the engine does.
// Identical expressions count once.
//
// Selection. An expression is about module fetching, verification or
// configuration when its text (with $VARIABLES removed and \. read as .)
// contains one of the keywords of selectKeywords, and it is not one of
// the go command's progress or warning lines (selectExclude: "go: added",
// "go: upgraded" without an error, "# get" traces, toolchain switching,
// retraction and deprecation notices). The keywords are the phrases of
// the go command's errors about proxies and HTTP status lines, DNS, TLS
// and connections, version control, version resolution, checksums and
// go.sum, the module cache, the GOPROXY/GOSUMDB/GOFLAGS/GO111MODULE/
// GOTOOLCHAIN/GOPATH settings, go version requirements, vendoring,
// module paths, missing requirements and go.mod/go.sum updates.
//
// Concrete lines. Each expression becomes one representative line: the
// shortest string it matches, built from its syntax tree (literals as
// written; '.' as a literal dot; a character class as its first letter or
// digit, else its first printable character; x* and x? as nothing, x+
// and x{n,} as the minimum; alternations as their first branch), except
// that a wildcard run (.* or .+) between two letters or digits becomes a
// space, because there it stands for omitted words. The line is checked
// to match its expression; one that does not would be reported.
//
// Recognised. A line is recognised when Parse explains at least one
// error of it with a rule of the catalog. The test reports the numbers,
// fails below corpusFloor, and also checks, for a few unambiguous
// phrases, that the cause named is the right one.

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/txtar"
)

// corpusFloor is the pinned coverage (in per cent) of the selected
// expressions; the test fails below it.
const corpusFloor = 97.0

var selectKeywords = regexp.MustCompile(strings.Join([]string{
	// proxies, HTTP, DNS, TLS, connections
	`reading (?:https?|file)://`, `reading \S+ at revision`, `\b[45][0-9][0-9] [A-Z][a-z]+`, `server response`,
	`no such host`, `server misbehaving`, `i/o timeout`, `connection (?:refused|reset)`, `proxyconnect`,
	`x509`, `tls:`, `certificate`, `invalid response from proxy`, `insecure URL`, `redirect`,
	// version control and version resolution
	`unknown revision`, `invalid version`, `invalid pseudo-version`, `no matching versions`, `lookup disabled`,
	`cannot find module providing`, `git ls-remote`, `Could not read from remote`, `terminal prompts`,
	`no secure protocol`, `executable file not found`, `private repository`, `GOVCS`, `declares its path`,
	// verification and the module cache
	`checksum`, `SECURITY ERROR`, `misbehavior`, `verifying`, `go\.sum entry`, `go\.sum needed`, `sumdb`,
	`downloaded: h1`, `ziphash`, `zip file`, `zip for`, `unzip`, `module cache`,
	// configuration
	`GOPROXY`, `GOSUMDB`, `GONOSUMDB`, `GOPRIVATE`, `GONOPROXY`, `GOINSECURE`, `GOFLAGS`, `GO111MODULE`,
	`GOTOOLCHAIN`, `GOMODCACHE`, `GOPATH`, `requires go >=`, `must be absolute path`,
	`inconsistent vendoring`, `vendor directory`, `-mod=vendor`, `vendor/modules\.txt`,
	`malformed module path`, `invalid module path`, `no required module provides`, `go\.mod file not found`,
	`updates to go\.(?:mod|sum) needed`, `replacement (?:directory|path)`,
}, "|"))

var selectExclude = regexp.MustCompile(`^\^?go: (?:added|downgraded|removed|found|finding|downloading|warning|creating)|^\^?go: upgraded [^:]*$|# get|switching to go|retracted|deprecated`)

// scriptVars are representative values of the script engine's variables.
var scriptVars = map[string]string{
	"WORK": "/tmp/work", "/": "/", "GOPATH": "/tmp/work/gopath", "GOROOT": "/usr/local/go",
	"GOPROXY": "http://127.0.0.1:9/mod", "PWD": "/tmp/work/m", "goversion": "1.26", "GOEXE": "",
	"ROOT": "/tmp/work/root", "GOMODCACHE": "/tmp/work/gopath/pkg/mod", "HOME": "/tmp/work/home",
}

type corpusLine struct {
	file, re, sample string
}

// harvestStats counts what the harvest saw, for the test's report.
type harvestStats struct {
	distinct    int      // distinct positive stderr expressions
	notSelected []string // representative lines of the others
}

func harvest(t *testing.T) []corpusLine {
	lines, _ := harvestAll(t)
	return lines
}

func harvestAll(t *testing.T) ([]corpusLine, harvestStats) {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "src", "cmd", "go", "testdata", "script", "mod_*.txt"))
	if len(files) == 0 {
		t.Skip("the toolchain's test scripts are not installed")
	}
	seen := map[string]bool{}
	var lines []corpusLine
	var st harvestStats
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(txtar.Parse(data).Comment), "\n") {
			name, neg, args := parseScriptLine(l)
			if name != "stderr" || neg || len(args) == 0 {
				continue
			}
			var raw, b strings.Builder
			for _, fr := range args[len(args)-1] {
				if fr.quoted {
					b.WriteString(fr.s)
					raw.WriteString(fr.s)
					continue
				}
				b.WriteString(regexp.QuoteMeta(os.Expand(fr.s, func(k string) string { return scriptVars[k] })))
				raw.WriteString(os.Expand(fr.s, func(string) string { return "" }))
			}
			expr := b.String()
			if seen[expr] {
				continue
			}
			seen[expr] = true
			st.distinct++
			plain := strings.ReplaceAll(raw.String(), `\.`, ".")
			if !selectKeywords.MatchString(plain) || selectExclude.MatchString(plain) {
				if sample, ok := sampleOf(expr); ok {
					st.notSelected = append(st.notSelected, sample)
				}
				continue
			}
			sample, ok := sampleOf(expr)
			if !ok {
				t.Errorf("%s: cannot make a line matching %q", filepath.Base(f), expr)
				continue
			}
			lines = append(lines, corpusLine{filepath.Base(f), expr, sample})
		}
	}
	return lines, st
}

// TestCorpus runs explain over the go command's own error expectations.
func TestCorpus(t *testing.T) {
	lines, st := harvestAll(t)
	var missed []string
	recognised := 0
	for _, c := range lines {
		l, err := Parse(strings.NewReader(c.sample), Limits{})
		if err != nil {
			t.Errorf("%s: %q: %v", c.file, c.sample, err)
			continue
		}
		if len(l.causes) > 0 {
			recognised++
			for _, w := range corpusWants {
				if w.phrase.MatchString(c.sample) && !slices.ContainsFunc(l.Codes(), func(code string) bool { return slices.Contains(w.codes, code) }) {
					t.Errorf("%s: %q: got %v, want one of %v", c.file, c.sample, l.Codes(), w.codes)
				}
			}
			continue
		}
		missed = append(missed, c.file+": "+strings.ReplaceAll(c.sample, "\n", `\n`))
	}
	sort.Strings(missed)
	pct := 100 * float64(recognised) / float64(len(lines))
	t.Logf("corpus: %d distinct fetch/verify/configuration expectations harvested, %d recognised (%.1f%%)", len(lines), recognised, pct)
	// For information: the expectations outside the selection (build
	// errors, progress lines, go.mod editing...) that explain still
	// attributes to a module cause.
	other := 0
	for _, s := range st.notSelected {
		if l, err := Parse(strings.NewReader(s), Limits{}); err == nil && len(l.causes) > 0 {
			other++
		}
	}
	t.Logf("corpus: %d distinct positive stderr expectations in all; of the %d not selected, %d get a module cause", st.distinct, len(st.notSelected), other)
	for _, m := range missed {
		t.Logf("not recognised: %s", m)
	}
	if len(lines) < 200 {
		t.Errorf("only %d expectations harvested: the selection or the harvest broke", len(lines))
	}
	if pct < corpusFloor {
		t.Errorf("coverage %.1f%% is below the pinned floor %.1f%%", pct, corpusFloor)
	}
}

// corpusWants pin the cause of unambiguous phrases.
var corpusWants = []struct {
	phrase *regexp.Regexp
	codes  []string
}{
	{regexp.MustCompile(`disabled by GOPROXY=off`), []string{"GOPROXY_OFF"}},
	{regexp.MustCompile(`GOPROXY list is not the empty string`), []string{"GOPROXY_EMPTY"}},
	{regexp.MustCompile(`modules disabled by GO111MODULE=off`), []string{"GO111MODULE_OFF"}},
	{regexp.MustCompile(`verifying (?:module|go\.mod): checksum mismatch`), []string{"SUMDB_DOWNLOAD_MISMATCH"}},
	{regexp.MustCompile(`verifying \S+@\S+: checksum mismatch`), []string{"SUMDB_GOSUM_MISMATCH"}},
	{regexp.MustCompile(`misbehavior`), []string{"SUMDB_FORK"}},
	{regexp.MustCompile(`missing go\.sum entry`), []string{"MODULE_MISSING_GOSUM"}},
	{regexp.MustCompile(`unknown revision`), []string{"MODULE_UNKNOWN_REVISION"}},
	{regexp.MustCompile(`invalid pseudo-version`), []string{"MODULE_INVALID_PSEUDO_VERSION"}},
	{regexp.MustCompile(`module declares its path as`), []string{"MODULE_PATH_MISMATCH"}},
	{regexp.MustCompile(`inconsistent vendoring`), []string{"MODULE_VENDOR_INCONSISTENT"}},
	{regexp.MustCompile(`\(running go [^)]*GOTOOLCHAIN=local\)`), []string{"MODULE_REQUIRES_NEWER_GO", "MODULE_GOWORK_OUTDATED"}},
	{regexp.MustCompile(`malformed module path`), []string{"MODULE_MALFORMED_PATH"}},
	{regexp.MustCompile(`403 Forbidden`), []string{"PROXY_FORBIDDEN"}},
	{regexp.MustCompile(`410 Gone`), []string{"PROXY_NOT_FOUND"}},
	{regexp.MustCompile(`invalid response from proxy`), []string{"PROXY_NOT_A_PROXY"}},
	{regexp.MustCompile(`no such host`), []string{"DNS_NXDOMAIN", "SUMDB_UNREACHABLE"}},
	{regexp.MustCompile(`no required module provides package [^:;]*; to add`), []string{"MODULE_MISSING_REQUIREMENT"}},
}

// An argument fragment of a script command.
type scriptFrag struct {
	s      string
	quoted bool
}

// parseScriptLine splits a script line into the command name, its
// negation and its arguments, like cmd/internal/script's parse.
func parseScriptLine(line string) (name string, neg bool, args [][]scriptFrag) {
	var raw []scriptFrag
	start, quoted := -1, false
	flush := func() {
		if len(raw) == 0 {
			return
		}
		defer func() { raw = nil }()
		if name == "" && len(raw) == 1 && !raw[0].quoted {
			a := raw[0].s
			switch {
			case a == "!" || a == "?":
				neg = a == "!"
				return
			case strings.HasPrefix(a, "[") && strings.HasSuffix(a, "]"):
				return
			}
			name = a
			return
		}
		args = append(args, raw)
	}
	for i := 0; ; i++ {
		if !quoted && (i >= len(line) || strings.ContainsRune(" \t\r\n#", rune(line[i]))) {
			if start >= 0 {
				raw = append(raw, scriptFrag{line[start:i], false})
				start = -1
			}
			flush()
			if i >= len(line) || line[i] == '#' {
				break
			}
			continue
		}
		if i >= len(line) {
			return "", false, nil // unterminated quote
		}
		if line[i] == '\'' {
			if !quoted {
				if start >= 0 {
					raw = append(raw, scriptFrag{line[start:i], false})
				}
				start, quoted = i+1, true
				continue
			}
			if i+1 < len(line) && line[i+1] == '\'' {
				raw = append(raw, scriptFrag{line[start:i], true})
				start = i + 1
				i++
				continue
			}
			raw = append(raw, scriptFrag{line[start:i], true})
			start, quoted = i+1, false
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return name, neg, args
}

// sampleOf builds the representative line of an expression (see the top
// of this file) and checks that the expression matches it.
func sampleOf(expr string) (string, bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return "", false
	}
	var parts []samplePart
	samplePieces(re.Simplify(), &parts)
	var b strings.Builder
	for i, p := range parts {
		if !p.wild {
			b.WriteString(p.s)
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(b.String())
		next := rune(0)
		for _, q := range parts[i+1:] {
			if !q.wild && q.s != "" {
				next, _ = utf8.DecodeRuneInString(q.s)
				break
			}
		}
		if isWordRune(prev) && isWordRune(next) {
			b.WriteString(" ")
		} else {
			b.WriteString(p.s)
		}
	}
	s := b.String()
	if !regexp.MustCompile(expr).MatchString(s) {
		return "", false
	}
	return s, true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// A samplePart is literal text, or a wildcard run with its minimal text.
type samplePart struct {
	s    string
	wild bool
}

func samplePieces(re *syntax.Regexp, out *[]samplePart) {
	lit := func(s string) { *out = append(*out, samplePart{s: s}) }
	switch re.Op {
	case syntax.OpLiteral:
		lit(string(re.Rune))
	case syntax.OpCharClass:
		lit(string(classRune(re.Rune)))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		lit(".")
	case syntax.OpCapture:
		samplePieces(re.Sub[0], out)
	case syntax.OpStar, syntax.OpQuest:
		if isAny(re.Sub[0]) {
			*out = append(*out, samplePart{wild: true})
		}
	case syntax.OpPlus:
		if isAny(re.Sub[0]) {
			*out = append(*out, samplePart{s: "x", wild: true})
			return
		}
		samplePieces(re.Sub[0], out)
	case syntax.OpRepeat:
		if isAny(re.Sub[0]) {
			*out = append(*out, samplePart{s: strings.Repeat("x", re.Min), wild: true})
			return
		}
		for i := 0; i < re.Min; i++ {
			samplePieces(re.Sub[0], out)
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			samplePieces(s, out)
		}
	case syntax.OpAlternate:
		samplePieces(re.Sub[0], out)
	}
}

func isAny(re *syntax.Regexp) bool {
	return re.Op == syntax.OpAnyChar || re.Op == syntax.OpAnyCharNotNL
}

// classRune picks a representative rune of a character class: a letter
// or digit when it has one, else a printable character.
func classRune(ranges []rune) rune {
	for _, want := range []func(rune) bool{
		func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) },
		unicode.IsPrint,
	} {
		for i := 0; i+1 < len(ranges); i += 2 {
			for r := ranges[i]; r <= ranges[i+1] && r < ranges[i]+256; r++ {
				if want(r) {
					return r
				}
			}
		}
	}
	return ranges[0]
}
