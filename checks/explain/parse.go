package explain

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/module"
	"golang.org/x/text/encoding/unicode"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// Limits bound what reading one log may cost, whatever its size: memory
// stays within a few megabytes, time grows linearly with the bytes read.
type Limits struct {
	// MaxBytes is how much of the log is read; the rest is ignored and
	// the log reported as truncated.
	MaxBytes int64
	// MaxLineBytes cuts longer lines (the rest of the line is skipped).
	MaxLineBytes int
	// MaxEntryLines is how many lines of one error entry are kept.
	MaxEntryLines int
	// MaxCauses is how many distinct causes (code and subject) are kept;
	// past it, causes with the same code are counted together.
	MaxCauses int
	// MaxUnrecognised is how many unrecognised entries are listed; past
	// it, they are only counted.
	MaxUnrecognised int
	// MaxEvidence is how many entries are quoted for each cause.
	MaxEvidence int
}

// DefaultLimits are the limits of 'gomoddoctor explain'.
var DefaultLimits = Limits{
	MaxBytes:        256 << 20,
	MaxLineBytes:    16 << 10,
	MaxEntryLines:   40,
	MaxCauses:       200,
	MaxUnrecognised: 50,
	MaxEvidence:     3,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxLineBytes > 0 {
		d.MaxLineBytes = l.MaxLineBytes
	}
	if l.MaxEntryLines > 0 {
		d.MaxEntryLines = l.MaxEntryLines
	}
	if l.MaxCauses > 0 {
		d.MaxCauses = l.MaxCauses
	}
	if l.MaxUnrecognised > 0 {
		d.MaxUnrecognised = l.MaxUnrecognised
	}
	if l.MaxEvidence > 0 {
		d.MaxEvidence = l.MaxEvidence
	}
	return d
}

// NotTextError is returned for input that is not a text log: binary data,
// or bytes that are mostly not UTF-8.
type NotTextError struct{ Reason string }

func (e *NotTextError) Error() string { return "not a text log: " + e.Reason }

// Log is what Parse found in a log: recognised causes with their
// evidence, and unrecognised error entries. It does not depend on the
// machine; Explain turns it into findings with fixes for this machine.
type Log struct {
	Lines     int
	Bytes     int64
	Truncated bool
	Errors    int // error entries found

	causes              []*match
	byKey               map[string]*match // by code and subject
	byCode              map[string]*match // the first cause of each code
	Unrecognised        []checks.LogEntry
	UnrecognisedOmitted int
}

// A match is one recognised cause: a rule, the variables of its first
// entry, and the entries that show it.
type match struct {
	rule     *rule
	vars     map[string]string
	subject  string
	count    int
	evidence []checks.LogEntry
}

// Codes returns the codes of the recognised causes, in order.
func (l *Log) Codes() []string {
	var out []string
	for _, m := range l.causes {
		out = append(out, m.rule.Code)
	}
	return out
}

// HasErrors reports whether the log holds any go error, recognised or not.
func (l *Log) HasErrors() bool { return l.Errors > 0 }

// Parse reads a go command log and recognises its errors. It returns a
// *NotTextError for binary input and the reader's error if reading fails.
func Parse(r io.Reader, lim Limits) (*Log, error) {
	lim = lim.withDefaults()
	p := &parser{
		lim: lim,
		log: &Log{byKey: map[string]*match{}, byCode: map[string]*match{}},
	}
	br := bufio.NewReaderSize(r, 64<<10)
	// A byte order mark says how the log was written: PowerShell's '>'
	// writes UTF-16, which is decoded; a UTF-8 mark is dropped.
	var src io.Reader = br
	if bom, _ := br.Peek(2); len(bom) == 2 && (bom[0] == 0xFF && bom[1] == 0xFE || bom[0] == 0xFE && bom[1] == 0xFF) {
		src = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Reader(br)
	} else if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	lr := &io.LimitedReader{R: src, N: lim.MaxBytes}
	p.in = bufio.NewReaderSize(lr, 64<<10)
	if err := p.run(); err != nil {
		return nil, err
	}
	if lr.N == 0 {
		// The limit was reached: is there more?
		var one [1]byte
		if n, _ := src.Read(one[:]); n > 0 {
			p.log.Truncated = true
		}
	}
	return p.log, nil
}

type parser struct {
	lim Limits
	log *Log
	in  *bufio.Reader

	lineNo int
	buf    []byte
	// Text statistics, to refuse binary input.
	runes, bad int

	cur   *entry
	cache map[string]*recognition
	// stripped is how many spaces clean removed before the current line.
	stripped int
	// json accumulates a pretty-printed JSON object ('go mod download
	// -json' prints one per module).
	json      []string
	jsonStart int
	jsonBytes int
}

// An entry is one error: its first line and its continuation lines.
type entry struct {
	line    int
	lines   []string
	omitted int
	blank   bool // a blank line followed the last line
	// indent is how many spaces whoever pasted the log put before the
	// entry's first line (a Markdown code block): a line indented the
	// same way that goes on with a cut word continues the line above.
	indent int
}

func (p *parser) run() error {
	for {
		line, err := p.readLine()
		if len(line) > 0 || err == nil {
			p.lineNo++
			if p.lineNo == 1 || p.lineNo%4096 == 0 {
				if e := p.textCheck(); e != nil {
					return e
				}
			}
			p.handle(p.clean(line))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			var nt *NotTextError
			if errors.As(err, &nt) {
				return err
			}
			return fmt.Errorf("reading the log: %w", err)
		}
	}
	if e := p.textCheck(); e != nil {
		return e
	}
	p.endJSON(false)
	p.flush()
	p.log.Lines = p.lineNo
	return nil
}

// readLine returns the next line without its newline, cut at
// MaxLineBytes. It counts bytes and refuses NUL bytes as it goes.
func (p *parser) readLine() ([]byte, error) {
	p.buf = p.buf[:0]
	for {
		chunk, err := p.in.ReadSlice('\n')
		p.log.Bytes += int64(len(chunk))
		if bytes.IndexByte(chunk, 0) >= 0 {
			return nil, &NotTextError{Reason: fmt.Sprintf("NUL byte in line %d", p.lineNo+1)}
		}
		p.countText(chunk)
		if room := p.lim.MaxLineBytes - len(p.buf); room > 0 {
			p.buf = append(p.buf, chunk[:min(len(chunk), room)]...)
		}
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: check the text so far, so
			// that a binary file without newlines is refused early.
			if e := p.textCheck(); e != nil {
				return nil, e
			}
			continue
		}
		p.buf = bytes.TrimSuffix(p.buf, []byte("\n"))
		return p.buf, err
	}
}

// countText counts runes and the ones no text log contains: invalid
// UTF-8 and control characters other than tab, newline, carriage return,
// form feed, backspace, bell and escape (terminal colours).
func (p *parser) countText(b []byte) {
	for len(b) > 0 {
		if c := b[0]; c >= 0x20 && c < 0x7f {
			p.runes++
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		p.runes++
		switch {
		case r == utf8.RuneError && size == 1:
			p.bad++
		case r < 0x20 && !strings.ContainsRune("\t\n\r\f\b\a\x1b\v", r), r == 0x7f:
			p.bad++
		}
	}
}

// textCheck refuses input of which more than a tenth is not text.
func (p *parser) textCheck() error {
	if p.bad > 0 && p.bad*10 > p.runes {
		return &NotTextError{Reason: fmt.Sprintf("%d of the %d characters read are not text (binary data or another encoding)", p.bad, p.runes)}
	}
	return nil
}

var ansiRE = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]`)

// stripCIPrefix removes what CI systems put before each line: GitHub
// Actions' timestamps (2024-05-01T12:00:00.1234567Z) and log commands
// (##[error]). It is written out by hand: it runs on every line.
func stripCIPrefix(s string) string {
	switch s[0] {
	case '[':
		return stripBracketPrefix(s)
	case '>':
		// A line quoted in Markdown ("> go: ...").
		if strings.HasPrefix(s, "> ") {
			return s[2:]
		}
		return s
	case '#':
		// BuildKit's progress: "#0 10.78 go: ..." (step, seconds).
		if rest, ok := stripNumbers(s[1:], 2); ok {
			return rest
		}
	}
	if s[0] >= '0' && s[0] <= '9' {
		// BuildKit's plain output: "1.425 verifying ..." (seconds with
		// three decimals).
		if i := strings.IndexByte(s, ' '); i > 4 && i < 12 && s[i-4] == '.' && allDigits(s[:i-4]) && allDigits(s[i-3:i]) {
			return strings.TrimLeft(s[i+1:], " ")
		}
	}
	if strings.HasPrefix(s, "##[") {
		if i := strings.IndexByte(s, ']'); i > 3 && i < 16 {
			return s[i+1:]
		}
		return s
	}
	// YYYY-MM-DDTHH:MM:SS[.frac]Z
	const shape = "0000-00-00T00:00:00"
	if len(s) <= len(shape) {
		return s
	}
	for i := 0; i < len(shape); i++ {
		if shape[i] == '0' && (s[i] < '0' || s[i] > '9') || shape[i] != '0' && s[i] != shape[i] {
			return s
		}
	}
	i := len(shape)
	if s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
	}
	if i >= len(s) || s[i] != 'Z' {
		return s
	}
	return strings.TrimPrefix(s[i+1:], " ")
}

// stripBracketPrefix removes a bracketed CI prefix: a timestamp such as
// Jenkins writes ("[2020-06-15T01:17:55.890Z] ") or the seconds of an
// openSUSE build log ("[   47s] ").
func stripBracketPrefix(s string) string {
	i := strings.IndexByte(s, ']')
	if i < 3 || i > 40 || i+1 >= len(s) || s[i+1] != ' ' {
		return s
	}
	inner := strings.TrimSpace(s[1:i])
	switch {
	case strings.HasSuffix(inner, "s") && allDigits(strings.TrimSuffix(inner, "s")):
	case len(inner) > 19 && stripCIPrefix(inner+" x") == "x":
	default:
		return s
	}
	return strings.TrimLeft(s[i+1:], " ")
}

// stripNumbers removes n space-separated numbers (digits, at most one
// dot) from the start of s, and the spaces after them.
func stripNumbers(s string, n int) (string, bool) {
	for ; n > 0; n-- {
		i := strings.IndexByte(s, ' ')
		if i <= 0 || strings.Count(s[:i], ".") > 1 || !allDigits(strings.Replace(s[:i], ".", "", 1)) {
			return s, false
		}
		s = strings.TrimLeft(s[i+1:], " ")
	}
	return s, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// clean turns a raw line into the text the go command printed: the last
// carriage-return segment (what a terminal shows), without colour escape
// sequences or CI prefixes, valid UTF-8.
func (p *parser) clean(b []byte) string {
	b = bytes.TrimSuffix(b, []byte("\r"))
	if i := bytes.LastIndexByte(b, '\r'); i >= 0 && i+1 < len(b) {
		b = b[i+1:]
	}
	s := string(b)
	if strings.IndexByte(s, 0x1b) >= 0 {
		s = ansiRE.ReplaceAllString(s, "")
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) > 0 && (s[0] == '#' || s[0] == '[' || s[0] == '>' || s[0] >= '0' && s[0] <= '9') {
		s = stripCIPrefix(s)
	}
	// A go: line indented with spaces was indented by whoever pasted
	// it (a Markdown code block, a CI step): the go command indents its
	// continuation lines with a tab, never a go: line.
	p.stripped = 0
	if strings.HasPrefix(s, "  ") {
		if t := strings.TrimLeft(s, " "); strings.HasPrefix(t, "go: ") {
			p.stripped = len(s) - len(t)
			s = t
		}
	}
	return s
}

// handle classifies one line and updates the open entry.
func (p *parser) handle(line string) {
	if p.json != nil {
		p.jsonLine(line)
		return
	}
	trimmed := strings.TrimSpace(line)
	switch {
	case line == "{":
		p.flush()
		p.json, p.jsonStart, p.jsonBytes = []string{line}, p.lineNo, len(line)
		return
	case strings.HasPrefix(trimmed, "{") && strings.HasSuffix(trimmed, "}"):
		if p.jsonObject(trimmed, p.lineNo) {
			return
		}
	}
	p.textLine(line, p.lineNo)
}

// textLine is the state machine of entries.
func (p *parser) textLine(line string, n int) {
	if strings.TrimSpace(line) == "" {
		if p.cur != nil {
			p.cur.blank = true
		}
		return
	}
	if cat().trace.match(line) {
		p.flush()
		return
	}
	if p.cur != nil && (isIndented(line) || cat().hints.match(line)) {
		if isIndented(line) && p.cur.wrapped(line) {
			p.cur.join(line)
			return
		}
		p.cur.add(line, p.lim.MaxEntryLines)
		return
	}
	if p.cur != nil && !p.cur.blank && !cat().benign.match(line) {
		// A header the go command ends with a colon ("errors parsing
		// go.mod:") continues on the next line even when that line is
		// not indented; a line a console hard-wrapped continues on the
		// next one when that does not start an error of its own.
		last := p.cur.lines[len(p.cur.lines)-1]
		if strings.HasSuffix(last, ":") {
			p.cur.add(line, p.lim.MaxEntryLines)
			return
		}
		if len(last) >= wrapWidth && (wrapWord(line) || !p.ruleMatchesLine(line) && !cat().shapes.match(line)) {
			p.cur.join(line)
			return
		}
	}
	switch {
	case p.ruleMatchesLine(line):
	case cat().benign.match(line):
		p.flush()
		return
	case cat().shapes.match(line):
	default:
		p.flush()
		return
	}
	p.flush()
	p.cur = &entry{line: n, lines: []string{line}, indent: p.stripped}
}

func isIndented(line string) bool {
	return strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "  ")
}

// wrapWidth is the shortest line a console is taken to have hard-wrapped:
// a line this long followed by a line that starts no error of its own is
// one message.
const wrapWidth = 70

// wrapWord reports whether a line after a hard-wrapped one goes on with
// the cut word: it starts with a lower-case word that does not start a
// message of its own ("package", "go", "build"...).
func wrapWord(line string) bool {
	i := 0
	for i < len(line) && line[i] >= 'a' && line[i] <= 'z' {
		i++
	}
	if i == 0 || i < len(line) && line[i] != ' ' && line[i] != ':' && line[i] != ',' && line[i] != '.' && line[i] != ')' {
		return false
	}
	switch line[:i] {
	case "package", "go", "build", "cannot", "can", "fatal", "error", "warning", "panic", "exit", "make", "main", "cgo", "verifying", "note", "remote", "unrecognized", "unknown", "invalid", "ok":
		return false
	}
	return true
}

// wrapped reports whether an indented line continues the last line of the
// entry, cut by a console: the last line is long and ends inside a word,
// and the line goes on with a lower-case word or a quote, not with the
// go command's own continuation (a tab, a module path, a hint).
func (e *entry) wrapped(line string) bool {
	last := e.lines[len(e.lines)-1]
	if e.omitted > 0 || e.indent == 0 || len(last) < wrapWidth || len(line)-len(strings.TrimLeft(line, " ")) != e.indent {
		return false
	}
	c := last[len(last)-1]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
		return false
	}
	t := strings.TrimLeft(line, " ")
	if t == "" || strings.Contains(strings.Fields(t)[0], ".") && strings.Contains(strings.Fields(t)[0], "/") {
		return false
	}
	return t[0] >= 'a' && t[0] <= 'z' || t[0] == '='
}

// join appends a hard-wrapped continuation to the last line.
func (e *entry) join(line string) {
	if e.omitted > 0 {
		return
	}
	e.lines[len(e.lines)-1] += strings.TrimLeft(line, " ")
	e.blank = false
}

func (e *entry) add(line string, max int) {
	if len(e.lines) >= max {
		e.omitted++
		return
	}
	e.lines = append(e.lines, line)
	e.blank = false
}

// ruleMatchesLine reports whether any rule recognises the line alone, so
// that an error is found even when it is not shaped like one (a prefix
// added by a CI system, a git message, a fragment).
func (p *parser) ruleMatchesLine(line string) bool {
	if !cat().kw.any(line) {
		return false
	}
	for _, r := range cat().rules {
		for i, re := range r.res {
			if r.candidate(i, line) && re.MatchString(line) {
				return true
			}
		}
	}
	return false
}

// jsonLine accumulates a pretty-printed JSON object until its closing
// brace; past a size limit the lines are read as text after all.
func (p *parser) jsonLine(line string) {
	p.json = append(p.json, line)
	p.jsonBytes += len(line) + 1
	switch {
	case line == "}":
		p.endJSON(true)
	case len(p.json) > 4096 || p.jsonBytes > 1<<20:
		p.endJSON(false)
	}
}

// endJSON ends an accumulated object: explained as JSON when it parses,
// else read as text.
func (p *parser) endJSON(complete bool) {
	lines, start := p.json, p.jsonStart
	p.json = nil
	if lines == nil {
		return
	}
	if complete && p.jsonObject(strings.Join(lines, "\n"), start) {
		return
	}
	for i, l := range lines {
		p.textLine(l, start+i)
	}
}

// jsonObject reads the errors out of one JSON object printed by the go
// command ('go mod download -json', 'go list -json', 'go build -json',
// 'go test -json'). It returns false when text is not such an object.
func (p *parser) jsonObject(text string, n int) bool {
	var obj map[string]any
	if err := json.Unmarshal([]byte(text), &obj); err != nil {
		return false
	}
	// Build and test events carry the output lines themselves.
	if out, ok := obj["Output"].(string); ok {
		if _, ok := obj["Action"]; ok {
			for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				p.textLine(p.clean([]byte(l)), n)
			}
			return true
		}
	}
	p.flush()
	path, _ := obj["Path"].(string)
	version, _ := obj["Version"].(string)
	for _, msg := range jsonErrors(obj, 0) {
		if path != "" && !strings.Contains(msg, path) {
			at := path
			if version != "" {
				at += "@" + version
			}
			msg = at + ": " + msg
		}
		if !strings.HasPrefix(msg, "go: ") {
			msg = "go: " + msg
		}
		for _, l := range strings.Split(msg, "\n") {
			p.textLine(p.clean([]byte(l)), n)
		}
		p.flush()
	}
	return true
}

// jsonErrors collects the error messages of an object: "Error" as a
// string or as an object with "Err", and the same in nested objects and
// lists ("DepsErrors", "Module"), to a small depth.
func jsonErrors(v any, depth int) []string {
	if depth > 4 {
		return nil
	}
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for _, k := range []string{"Error", "Err"} {
			switch e := v[k].(type) {
			case string:
				if strings.TrimSpace(e) != "" {
					out = append(out, e)
				}
			case map[string]any:
				out = append(out, jsonErrors(e, depth+1)...)
			}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			if k != "Error" && k != "Err" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			sub := v[k]
			switch sub.(type) {
			case map[string]any, []any:
				out = append(out, jsonErrors(sub, depth+1)...)
			}
		}
	case []any:
		for _, e := range v {
			out = append(out, jsonErrors(e, depth+1)...)
		}
	}
	return out
}

// flush ends the open entry and explains it.
func (p *parser) flush() {
	e := p.cur
	p.cur = nil
	if e == nil {
		return
	}
	p.log.Errors++
	text := strings.Join(e.lines, "\n")
	if e.omitted > 0 {
		text += fmt.Sprintf("\n\t[%d more lines]", e.omitted)
	}
	g := p.recogniseCached(text)
	ev := checks.LogEntry{Line: e.line, Text: text}
	if g == nil {
		if len(p.log.Unrecognised) < p.lim.MaxUnrecognised {
			p.log.Unrecognised = append(p.log.Unrecognised, ev)
		} else {
			p.log.UnrecognisedOmitted++
		}
		return
	}
	r := g.rule
	var m *match
	if len(p.log.causes) >= p.lim.MaxCauses {
		// Past the limit, a cause is counted with the first one of the
		// same code, and its variables are not even computed; a new code
		// still gets its own cause (codes are few).
		m = p.log.byCode[r.Code]
	}
	if m == nil {
		vars := g.variables()
		subject := subjectOf(r, vars)
		key := r.Code + "\x00" + subject
		if m = p.log.byKey[key]; m == nil {
			m = &match{rule: r, vars: vars, subject: subject}
			p.log.byKey[key] = m
			if p.log.byCode[r.Code] == nil {
				p.log.byCode[r.Code] = m
			}
			p.log.causes = append(p.log.causes, m)
		}
	}
	m.count++
	if len(m.evidence) < p.lim.MaxEvidence {
		m.evidence = append(m.evidence, ev)
	}
}

// recogniseCached is recognise behind a small cache: a failing build
// repeats the same error many times, and a log of a million identical
// errors must not cost a million catalog runs. The cache is bounded.
func (p *parser) recogniseCached(text string) *recognition {
	if hit, ok := p.cache[text]; ok {
		return hit
	}
	g := recognise(text)
	if p.cache == nil || len(p.cache) >= 4096 {
		p.cache = map[string]*recognition{}
	}
	p.cache[text] = g
	return g
}

// A recognition is the rule that explains an entry, and what its pattern
// captured; the entry's variables are computed when first needed.
type recognition struct {
	rule      *rule
	re        *regexp.Regexp
	sub       []string
	text, own string
	vars      map[string]string
}

// variables returns the entry's template variables: those every entry
// gets from the extractors, overridden by the pattern's named groups,
// and those derived from them. The map is shared: do not modify it.
func (g *recognition) variables() map[string]string {
	if g.vars != nil {
		return g.vars
	}
	vars := extract(g.text, g.own)
	for j, name := range g.re.SubexpNames() {
		if name != "" && g.sub[j] != "" {
			vars[name] = cleanVar(g.sub[j])
		}
	}
	derive(g.rule, vars, g.text, g.own)
	g.vars = vars
	return vars
}

// recognise runs the catalog over one entry: the first rule that matches
// explains it. It returns nil when no rule does.
func recognise(text string) *recognition {
	own := ownText(text)
	if !cat().kw.any(text) {
		return nil
	}
	for _, r := range cat().rules {
		scope := own
		if r.Full {
			scope = text
		}
		for i, re := range r.res {
			if !r.candidate(i, scope) {
				continue
			}
			if m := re.FindStringSubmatch(scope); m != nil {
				g := &recognition{rule: r, re: re, sub: m, text: text, own: own}
				if r.When != "" && !rulePredicates[r.When](g.variables()) {
					continue
				}
				return g
			}
		}
	}
	return nil
}

// ownText is the part of an entry that reports this machine's view: the
// entry without the "server response:" a module proxy attached and
// without the "remote:" lines a git server sent (what a remote server
// says about its own network is not a fact about this one).
func ownText(text string) string {
	if i := serverResponseIndex(text); i >= 0 {
		text = text[:i]
	}
	if !strings.Contains(text, "remote: ") {
		return text
	}
	lines := strings.Split(text, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if !strings.HasPrefix(strings.TrimLeft(l, " \t"), "remote: ") {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// serverResponseIndex is where the part of an entry that a module proxy
// wrote ("server response: ...") begins, or -1.
func serverResponseIndex(text string) int {
	i := strings.Index(text, "server response:")
	if i < 0 {
		return -1
	}
	// Back up to the start of the line.
	if j := strings.LastIndexByte(text[:i], '\n'); j >= 0 {
		return j
	}
	return i
}

// extract computes the variables every entry gets.
func extract(text, own string) map[string]string {
	vars := map[string]string{}
	if u := cat().url.FindString(own); u != "" {
		vars["url"] = cleanURL(u)
	} else if u := cat().url.FindString(text); u != "" {
		vars["url"] = cleanURL(u)
	}
	noURLs := cat().url.ReplaceAllString(text, "URL")
	for _, re := range cat().extractors {
		m := re.FindStringSubmatch(noURLs)
		if m == nil {
			continue
		}
		for j, name := range re.SubexpNames() {
			if name != "" && m[j] != "" && vars[name] == "" {
				vars[name] = cleanVar(m[j])
			}
		}
	}
	return vars
}

// derive fills in the variables computed from others.
func derive(r *rule, vars map[string]string, text, own string) {
	if u := vars["url2"]; u != "" && vars["url"] == "" {
		vars["url"] = cleanURL(u)
	}
	if u := vars["url"]; u != "" {
		if pu, err := url.Parse(u); err == nil {
			if vars["host"] == "" && pu.Hostname() != "" {
				vars["host"] = pu.Hostname()
			}
			// The machine name the go command matches in .netrc for the
			// URL: its host as written, with the port (cmd/go/internal/auth).
			if vars["machine"] == "" && pu.Host != "" {
				vars["machine"] = pu.Host
			}
			if vars["module"] == "" {
				if m, v := moduleFromURLPath(pu.Path); m != "" {
					vars["module"] = m
					if vars["version"] == "" {
						vars["version"] = v
					}
				}
			}
		}
	}
	if vars["host"] == "" {
		if a := vars["addr"]; a != "" {
			if h, _, ok := strings.Cut(a, ":"); ok && h != "" && !strings.HasPrefix(a, "[") {
				vars["host"] = h
			}
		}
	}
	if m := vars["module"]; m != "" {
		// A module path from a log is only used when it is one; the rest
		// (a file name, a package in the standard library) is noise.
		if module.CheckImportPath(m) != nil {
			delete(vars, "module")
			delete(vars, "version")
		}
	}
	if v := vars["version"]; v != "" {
		vars["at_version"] = "@" + v
		if esc, err := module.EscapeVersion(v); err == nil {
			vars["version_esc"] = esc
		}
	}
	if m := vars["module"]; m != "" {
		if esc, err := module.EscapePath(m); err == nil {
			vars["module_esc"] = esc
		}
	}
	deriveEvidence(vars, text, own)
	if r.needsNet && vars["netcause"] == "" {
		for _, n := range cat().netCauses {
			if n.re.MatchString(own) {
				vars["netcause"] = n.words
				break
			}
		}
	}
}

// moduleFromURLPath finds the module path in the path of a module proxy
// or checksum database URL: <base>/<module>/@v/<version>.info, .../@latest,
// .../lookup/<module>@<version>. The base path is unknown, so the module
// is the longest tail of path elements that is a valid module path whose
// first element has a dot.
func moduleFromURLPath(p string) (mod, version string) {
	var rest string
	switch {
	case strings.Contains(p, "/lookup/"):
		_, after, _ := strings.Cut(p, "/lookup/")
		mod, version, _ = strings.Cut(after, "@")
		if u, err := module.UnescapePath(mod); err == nil {
			mod = u
		}
		if module.CheckPath(mod) != nil {
			return "", ""
		}
		return mod, version
	case strings.Contains(p, "/@v/"):
		var file string
		rest, file, _ = strings.Cut(p, "/@v/")
		for _, ext := range []string{".info", ".mod", ".zip"} {
			if strings.HasSuffix(file, ext) {
				version = strings.TrimSuffix(file, ext)
			}
		}
		if u, err := module.UnescapeVersion(version); err == nil {
			version = u
		}
	case strings.HasSuffix(p, "/@latest"):
		rest = strings.TrimSuffix(p, "/@latest")
	default:
		return "", ""
	}
	elems := strings.Split(strings.Trim(rest, "/"), "/")
	for i := range elems {
		cand := strings.Join(elems[i:], "/")
		if u, err := module.UnescapePath(cand); err == nil && strings.Contains(elems[i], ".") && module.CheckPath(u) == nil {
			return u, version
		}
	}
	return "", ""
}

func cleanURL(u string) string {
	return strings.TrimRight(u, ":.,;)'\"")
}

// cleanVar keeps one line of a captured value, at a sane length.
func cleanVar(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	s = strings.TrimSpace(s)
	if len(s) > 300 {
		s = s[:300]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

// subjectOf is the rule's subject for an entry.
func subjectOf(r *rule, vars map[string]string) string {
	for _, s := range r.Subject {
		if lit, ok := strings.CutPrefix(s, "="); ok {
			return lit
		}
		if v := vars[s]; v != "" {
			return v
		}
	}
	return ""
}
