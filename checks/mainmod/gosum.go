package mainmod

import (
	"bytes"
	"fmt"
	"strings"
)

// A SumLine is one line of a go.sum file:
//
//	example.com/mod v1.2.3 h1:...=
//	example.com/mod v1.2.3/go.mod h1:...=
type SumLine struct {
	Path    string // module path
	Version string // version, without the /go.mod suffix
	GoMod   bool   // the hash is of the go.mod file only (the /go.mod suffix)
	Hash    string // e.g. "h1:..."; other algorithms are kept as written
	Line    int    // 1-based line number
}

// A SumError is a go.sum line the go command refuses.
type SumError struct {
	File string
	Line int
	Text string
	Err  string
}

func (e *SumError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Err)
}

// emptyGoModHash is the hash of a 1-file tree containing a 0-length
// go.mod. An old bug of the go command wrote it into go.sum files for
// non-modules; the go command ignores such lines (modfetch.readGoSum).
const emptyGoModHash = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY="

// ParseGoSum parses the content of a go.sum file the way the go command
// reads it (cmd/go/internal/modfetch.readGoSum): lines are split on '\n',
// fields on white space; blank lines are skipped; a line with other than
// three fields is an error (the go command stops with "malformed go.sum",
// except in 'go mod tidy'); lines carrying the empty go.mod hash of an
// old bug are dropped. The good lines are returned even when some are
// bad.
func ParseGoSum(file string, data []byte) ([]SumLine, []*SumError) {
	var (
		lines []SumLine
		errs  []*SumError
	)
	lineno := 0
	for len(data) > 0 {
		var line []byte
		lineno++
		if i := bytes.IndexByte(data, '\n'); i < 0 {
			line, data = data, nil
		} else {
			line, data = data[:i], data[i+1:]
		}
		f := strings.Fields(string(line))
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			errs = append(errs, &SumError{
				File: file, Line: lineno, Text: string(line),
				Err: fmt.Sprintf("wrong number of fields %d", len(f)),
			})
			continue
		}
		if f[2] == emptyGoModHash {
			continue
		}
		version, gomod := strings.CutSuffix(f[1], "/go.mod")
		lines = append(lines, SumLine{Path: f[0], Version: version, GoMod: gomod, Hash: f[2], Line: lineno})
	}
	return lines, errs
}

// ReadGoSum reads and parses the module's go.sum. It returns nothing when
// the module has no go.sum; err is set only when the file exists but
// cannot be read.
func (m *Module) ReadGoSum() (lines []SumLine, bad []*SumError, err error) {
	if m == nil || m.GoSum == "" {
		return nil, nil, nil
	}
	data, err := ReadFileLimit(m.GoSum, 64<<20)
	if err != nil {
		return nil, nil, err
	}
	lines, bad = ParseGoSum(m.GoSum, data)
	return lines, bad, nil
}

// SumKey identifies the hash of a module's content (GoMod false) or of
// its go.mod file (GoMod true).
type SumKey struct {
	Path, Version string
	GoMod         bool
}

// Sums indexes go.sum lines for lookup.
type Sums map[SumKey][]string

// Index builds the lookup table of lines, keeping every hash of a key in
// file order.
func Index(lines []SumLine) Sums {
	s := make(Sums, len(lines))
	for _, l := range lines {
		k := SumKey{l.Path, l.Version, l.GoMod}
		s[k] = append(s[k], l.Hash)
	}
	return s
}

// H1 returns the first "h1:" hash recorded for the key, the one the go
// command checks downloads against, or "".
func (s Sums) H1(path, version string, gomod bool) string {
	for _, h := range s[SumKey{path, version, gomod}] {
		if strings.HasPrefix(h, "h1:") {
			return h
		}
	}
	return ""
}

// Has reports whether go.sum has any line for path@version.
func (s Sums) Has(path, version string) bool {
	return len(s[SumKey{path, version, false}]) > 0 || len(s[SumKey{path, version, true}]) > 0
}
