package checks

import (
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sanitizing is the other half of what redaction does for output: every
// string a report shows may come from a hostile place (a go.mod sent in a
// pull request, a server's answer, an environment value, a log), and no
// such string may change what a reader or a CI system sees around it.
// So before any format renders a value, every string of it is made
// inert (Report.Output, Sanitized):
//
//   - control characters, invalid UTF-8 and invisible format characters
//     (bidi overrides and isolates, zero-width characters, line and
//     paragraph separators) are escaped visibly, Go style: \n, \x1b,
//     \u202e. Newlines and tabs stay in the fields whose text is lines
//     (those tagged `sanitize:"lines"`, such as Finding.Detail);
//   - a line that GitHub Actions would read as a workflow command (one
//     that starts with "::" once leading white space is trimmed, as the
//     runner does) gets a backslash before its "::", and the runner's
//     older command prefix "##[", which it finds anywhere in a line,
//     becomes "#\#[".
//
// Both are idempotent: sanitizing a sanitized string changes nothing.

// MustEscape reports whether r may not appear raw in any output: a
// control character, invalid UTF-8 (utf8.RuneError), an invisible format
// character (Cf: bidi overrides and isolates, zero-width characters) or
// a line or paragraph separator.
func MustEscape(r rune) bool {
	if r >= 0x20 && r < 0x7f {
		return false // printable ASCII: most of any text
	}
	return r == utf8.RuneError || unicode.IsControl(r) ||
		unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// SanitizeLine returns s fit for one line of any output: every control
// character (newlines and tabs too) and invisible format character
// escaped, and a workflow command neutralised.
func SanitizeLine(s string) string { return sanitize(s, false) }

// SanitizeText is SanitizeLine for text made of lines: newlines and tabs
// are kept, and every line that would start a workflow command is
// neutralised.
func SanitizeText(s string) string { return sanitize(s, true) }

func sanitize(s string, lines bool) string {
	if clean(s, lines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case lines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i])>>4, 16) + strconv.FormatUint(uint64(s[i])&0xf, 16))
		case MustEscape(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return NeutraliseCommands(b.String())
}

// clean reports whether s needs no change.
func clean(s string, lines bool) bool {
	for _, r := range s {
		if MustEscape(r) && !(lines && (r == '\n' || r == '\t')) {
			return false
		}
	}
	return !strings.Contains(s, "::") && !strings.Contains(s, "##[")
}

// NeutraliseCommands puts a backslash before the "::" of every line of s
// that GitHub Actions would read as a workflow command (after white
// space, which the runner trims), and turns the runner's older command
// prefix "##[" into "#\#[" wherever it is. Nothing else changes.
func NeutraliseCommands(s string) string {
	if !strings.Contains(s, "::") && !strings.Contains(s, "##[") {
		return s
	}
	s = strings.ReplaceAll(s, "##[", `#\#[`)
	var b strings.Builder
	for line := range strings.SplitAfterSeq(s, "\n") {
		if i := CommandStart(line); i >= 0 {
			b.WriteString(line[:i])
			b.WriteByte('\\')
			line = line[i:]
		}
		b.WriteString(line)
	}
	return b.String()
}

// CommandStart returns where the workflow command of line starts (its
// "::" after leading white space, as the GitHub Actions runner trims
// it), or -1 when line does not start one.
func CommandStart(line string) int {
	rest := strings.TrimLeftFunc(line, unicode.IsSpace)
	if !strings.HasPrefix(rest, "::") {
		return -1
	}
	return len(line) - len(rest)
}

// Sanitized returns a copy of *v (a value of any type a renderer
// renders: a report, a diff, a measurement) in which every string is
// sanitized: with SanitizeText in fields tagged `sanitize:"lines"`, else
// with SanitizeLine. v itself is not changed.
func Sanitized[T any](v *T) *T {
	if v == nil {
		return nil
	}
	out := copyClean(reflect.ValueOf(v), false, func(s string, lines bool) string { return sanitize(s, lines) })
	return out.Interface().(*T)
}

// copyClean returns a deep copy of v with f applied to every string;
// lines says whether the strings at v are text made of lines.
func copyClean(v reflect.Value, lines bool, f func(s string, lines bool) string) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		n := reflect.New(v.Type()).Elem()
		n.SetString(f(v.String(), lines))
		return n
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(copyClean(v.Elem(), lines, f))
		return n
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type()).Elem()
		n.Set(copyClean(v.Elem(), lines, f))
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v) // unexported fields as they are
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			n.Field(i).Set(copyClean(v.Field(i), sf.Tag.Get("sanitize") == "lines", f))
		}
		return n
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			n.Index(i).Set(copyClean(v.Index(i), lines, f))
		}
		return n
	case reflect.Array:
		n := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			n.Index(i).Set(copyClean(v.Index(i), lines, f))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			n.SetMapIndex(copyClean(it.Key(), false, f), copyClean(it.Value(), lines, f))
		}
		return n
	}
	return v
}

// Output returns the report as every format shows it: a copy in which
// every string has the credentials the run knows of scrubbed (as
// Runner.Run and Env.Scrub do, again, for the parts added after them)
// and is sanitized (see Sanitized). Renderers render only this.
func (r *Report) Output() *Report {
	if r == nil {
		return nil
	}
	s := r.secrets
	out := copyClean(reflect.ValueOf(r), false, func(x string, lines bool) string {
		if s != nil {
			x = s.cleanLocked(x)
		} else {
			x = redactText(x)
		}
		return sanitize(x, lines)
	})
	return out.Interface().(*Report)
}
