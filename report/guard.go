package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// Every renderer writes through a guard, the last line of defence
// between what it renders and the reader (a terminal, a CI log): the
// values it renders were sanitized first (checks.Report.Output,
// checks.Sanitized), and the guard makes sure that whatever a renderer
// writes still holds no raw control character (but newlines, tabs, and
// the colour codes of a text report in colour), no invisible format
// character such as a bidi override, and no line that GitHub Actions
// would run as a workflow command. What it escapes, it escapes as JSON
// does (\u202e), which reads as well in every other format.

// guardMode says what a format may write on purpose.
type guardMode struct {
	color       bool // text in colour: ESC starts its colour codes
	annotations bool // github: its own '::error', '::warning' and '::notice' lines
}

// A guard is an io.Writer that passes whole lines on, made inert.
type guard struct {
	w    io.Writer
	mode guardMode
	line []byte // the current line, until its newline
	err  error
}

// guarded returns the guard to write to instead of w, and the function
// that flushes it (to defer, with the renderer's error). A writer that is
// already a guard is used as it is: the outermost one flushes.
func guarded(w io.Writer, mode guardMode) (io.Writer, func(*error)) {
	if g, ok := w.(*guard); ok {
		return g, func(*error) {}
	}
	g := &guard{w: w, mode: mode}
	return g, func(err *error) {
		if ferr := g.flush(); *err == nil {
			*err = ferr
		}
	}
}

func (g *guard) Write(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			g.line = append(g.line, p...)
			break
		}
		g.line = append(g.line, p[:i+1]...)
		p = p[i+1:]
		if err := g.emit(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// flush writes the last line, if it has no newline.
func (g *guard) flush() error {
	if g.err == nil && len(g.line) > 0 {
		g.emit()
	}
	return g.err
}

func (g *guard) emit() error {
	out := g.inert(string(g.line))
	g.line = g.line[:0]
	_, g.err = io.WriteString(g.w, out)
	return g.err
}

// inert returns line (with its newline, if any) made inert.
func (g *guard) inert(line string) string {
	if !g.needs(line) {
		return line
	}
	var b strings.Builder
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		switch {
		case r == '\n' || r == '\t' || r == '\x1b' && g.mode.color:
			b.WriteRune(r)
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		case checks.MustEscape(r):
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u%04x`, u)
			}
		default:
			b.WriteString(line[i : i+size])
		}
		i += size
	}
	s := b.String()
	if g.mode.annotations && ownAnnotation(s) {
		return s
	}
	return checks.NeutraliseCommands(s)
}

// needs reports whether line is not inert as it is.
func (g *guard) needs(line string) bool {
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		if r == '\n' || r == '\t' || r == '\x1b' && g.mode.color {
			i += size
			continue
		}
		if r == utf8.RuneError && size == 1 || checks.MustEscape(r) {
			return true
		}
		i += size
	}
	return checks.CommandStart(line) >= 0 || strings.Contains(line, "##[")
}

// ownAnnotation reports whether line is an annotation of the github
// format (GitHub): it starts the line with "::error", "::warning" or
// "::notice" and its data holds no other command (the renderer escaped
// its newlines).
func ownAnnotation(line string) bool {
	for _, c := range []string{"::error", "::warning", "::notice"} {
		if rest, ok := strings.CutPrefix(line, c); ok && (strings.HasPrefix(rest, " ") || strings.HasPrefix(rest, "::")) {
			return !strings.Contains(line, "##[")
		}
	}
	return false
}
