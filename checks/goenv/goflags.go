package goenv

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A GoFlag is one word of GOFLAGS.
type GoFlag struct {
	Raw      string // the word as split, e.g. "-mod=vendor"
	Name     string // the flag name without dashes, e.g. "mod"
	Value    string // the value after '=', if any
	HasValue bool
	// Err is set when the go command refuses the word itself
	// ("non-flag"). Unknown flag names are left to the toolchain.
	Err error
}

// LookupGoFlag returns the flag name in a GOFLAGS value as the go
// command applies it: the last well-formed occurrence wins, as when the
// same flag is given twice on a command line. ok is false when the flag
// is absent or GOFLAGS does not parse.
func LookupGoFlag(value, name string) (f GoFlag, ok bool) {
	flags, err := ParseGOFLAGS(value)
	if err != nil {
		return GoFlag{}, false
	}
	for _, g := range flags {
		if g.Err == nil && g.Name == name {
			f, ok = g, true
		}
	}
	return f, ok
}

// BoolValue is the value of a boolean flag as the flag package reads
// it: true when given without a value, else strconv.ParseBool's.
func (f GoFlag) BoolValue() (bool, error) {
	if !f.HasValue {
		return true, nil
	}
	return strconv.ParseBool(f.Value)
}

// ParseGOFLAGS splits GOFLAGS like cmd/go/internal/base.InitGOFLAGS: words
// separated by white space, each optionally quoted with ' or " (no escapes),
// each of the form -name, --name, -name=value or --name=value.
func ParseGOFLAGS(value string) ([]GoFlag, error) {
	words, err := splitQuoted(value)
	if err != nil {
		return nil, fmt.Errorf("parsing $GOFLAGS: %v", err)
	}
	flags := make([]GoFlag, 0, len(words))
	for _, w := range words {
		f := GoFlag{Raw: w}
		if !strings.HasPrefix(w, "-") || w == "-" || w == "--" || strings.HasPrefix(w, "---") || strings.HasPrefix(w, "-=") || strings.HasPrefix(w, "--=") {
			f.Err = fmt.Errorf("parsing $GOFLAGS: non-flag %q", w)
			flags = append(flags, f)
			continue
		}
		name := strings.TrimPrefix(strings.TrimPrefix(w, "-"), "-")
		f.Name, f.Value, f.HasValue = strings.Cut(name, "=")
		flags = append(flags, f)
	}
	return flags, nil
}

// JoinGOFLAGS renders flags back to a GOFLAGS value. A word that is
// empty, holds white space or starts with a quote is quoted with the quote
// character it does not contain (GOFLAGS has no escapes).
func JoinGOFLAGS(flags []GoFlag) string {
	words := make([]string, len(flags))
	for i, f := range flags {
		w := f.Raw
		if w == "" || strings.ContainsAny(w, " \t\n\r") || w[0] == '\'' || w[0] == '"' {
			if strings.Contains(w, "'") {
				w = `"` + w + `"`
			} else {
				w = "'" + w + "'"
			}
		}
		words[i] = w
	}
	return strings.Join(words, " ")
}

// splitQuoted is cmd/internal/quoted.Split.
func splitQuoted(s string) ([]string, error) {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	var f []string
	for len(s) > 0 {
		for len(s) > 0 && isSpace(s[0]) {
			s = s[1:]
		}
		if len(s) == 0 {
			break
		}
		if s[0] == '"' || s[0] == '\'' {
			quote := s[0]
			s = s[1:]
			i := strings.IndexByte(s, quote)
			if i < 0 {
				return nil, fmt.Errorf("unterminated %c string", quote)
			}
			f = append(f, s[:i])
			s = s[i+1:]
			continue
		}
		i := 0
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
		f = append(f, s[:i])
		s = s[i:]
	}
	return f, nil
}

var unknownFlagRE = regexp.MustCompile(`parsing \$GOFLAGS: unknown flag -(\S+)`)

// UnknownGoFlags asks the toolchain which flags of GOFLAGS it does not
// know (no go subcommand defines them: every go command then fails). The
// go command names only the first, so it is asked again without each one
// it names, at most once per flag.
func (e *Env) UnknownGoFlags(ctx context.Context, flags []GoFlag) []string {
	if e.GoBin == "" || e.GoVersionErr == nil || !strings.Contains(e.GoVersionErr.Error(), "$GOFLAGS") {
		return nil
	}
	var remaining []GoFlag
	for _, f := range flags {
		if f.Err == nil {
			remaining = append(remaining, f)
		}
	}
	var unknown []string
	for range len(remaining) {
		environ := e.Environ(map[string]string{"GOFLAGS": JoinGOFLAGS(remaining)})
		_, err := runGo(ctx, e.GoBin, os.TempDir(), environ, "version")
		if err == nil {
			break
		}
		m := unknownFlagRE.FindStringSubmatch(err.Error())
		if m == nil {
			break
		}
		unknown = append(unknown, m[1])
		remaining = slices.DeleteFunc(remaining, func(f GoFlag) bool { return f.Name == m[1] })
	}
	return unknown
}
