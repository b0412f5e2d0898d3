package mainmod

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode"
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
	var lines []SumLine
	errs, _ := ScanGoSum(file, bytes.NewReader(data), func(l SumLine) { lines = append(lines, l) })
	return lines, errs
}

// sumReadBuf is the read buffer of ScanGoSum: a longer line is
// gathered in a buffer of its own.
const sumReadBuf = 32 << 10

// ScanGoSum reads a go.sum file from r as ParseGoSum parses it, one
// line at a time, and calls good for each good line: the file is never
// held in memory whole, and the lines of one module version (its hash
// and its go.mod hash, next to each other in a go.sum the go command
// wrote) share the strings of its path and version. The error is that
// of reading r; the lines before it were scanned.
func ScanGoSum(file string, r io.Reader, good func(SumLine)) ([]*SumError, error) {
	var (
		errs              []*SumError
		lastPath, version string // those of the previous good line
		long              []byte
	)
	br := bufio.NewReaderSize(r, sumReadBuf)
	for lineno := 1; ; lineno++ {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return errs, err
		}
		if len(line) == 0 && err == io.EOF {
			return errs, nil
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		var f [3][]byte
		n := 0
		for rest := line; ; n++ {
			rest = bytes.TrimLeftFunc(rest, unicode.IsSpace)
			if len(rest) == 0 {
				break
			}
			end := bytes.IndexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			if n < 3 {
				f[n] = rest[:end]
			}
			rest = rest[end:]
		}
		switch {
		case n == 0:
		case n != 3:
			errs = append(errs, &SumError{
				File: file, Line: lineno, Text: string(line),
				Err: fmt.Sprintf("wrong number of fields %d", n),
			})
		case string(f[2]) == emptyGoModHash:
		default:
			if string(f[0]) != lastPath {
				lastPath = string(f[0])
			}
			v, gomod := bytes.CutSuffix(f[1], []byte("/go.mod"))
			if string(v) != version {
				version = string(v)
			}
			good(SumLine{Path: lastPath, Version: version, GoMod: gomod, Hash: string(f[2]), Line: lineno})
		}
		if err == io.EOF {
			return errs, nil
		}
	}
}

// ReadGoSum reads and parses the module's go.sum. It returns nothing when
// the module has no go.sum; err is set only when the file exists but
// cannot be read.
func (m *Module) ReadGoSum() (lines []SumLine, bad []*SumError, err error) {
	if m == nil || m.GoSum == "" {
		return nil, nil, nil
	}
	bad, err = ReadGoSumFile(m.GoSum, func(l SumLine) { lines = append(lines, l) })
	if err != nil {
		return nil, nil, err
	}
	return lines, bad, nil
}

// MaxGoSum is the largest go.sum file read.
const MaxGoSum = 64 << 20

// ReadGoSumFile scans a go.sum file of at most MaxGoSum bytes with
// ScanGoSum.
func ReadGoSumFile(file string, good func(SumLine)) ([]*SumError, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxGoSum {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, MaxGoSum)
	}
	lr := &io.LimitedReader{R: f, N: MaxGoSum + 1}
	bad, err := ScanGoSum(file, lr, good)
	if err == nil && lr.N <= 0 {
		err = fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, MaxGoSum)
	}
	return bad, err
}

// SumKey identifies the hash of a module's content (GoMod false) or of
// its go.mod file (GoMod true).
type SumKey struct {
	Path, Version string
	GoMod         bool
}

// Sums indexes go.sum lines for lookup: the positions of the lines
// sorted by key (4 bytes a line, where a map of hashes by key costs
// some 100 bytes a line: 11 MB for a go.sum of 100,000 lines). The zero
// Sums has no line.
type Sums struct {
	at    func(i int) *SumLine
	order []int32
}

// Index builds the lookup table of lines, keeping every hash of a key in
// file order.
func Index(lines []SumLine) Sums {
	return IndexFunc(len(lines), func(i int) *SumLine { return &lines[i] })
}

// IndexFunc indexes n lines, the i-th being at(i), without copying them.
func IndexFunc(n int, at func(i int) *SumLine) Sums {
	s := Sums{at: at, order: make([]int32, n)}
	for i := range s.order {
		s.order[i] = int32(i)
	}
	slices.SortStableFunc(s.order, func(a, b int32) int {
		return compareKey(at(int(a)), at(int(b)).Path, at(int(b)).Version, at(int(b)).GoMod)
	})
	return s
}

// compareKey orders a line by its key against path, version, gomod.
func compareKey(l *SumLine, path, version string, gomod bool) int {
	if c := strings.Compare(l.Path, path); c != 0 {
		return c
	}
	if c := strings.Compare(l.Version, version); c != 0 {
		return c
	}
	switch {
	case l.GoMod == gomod:
		return 0
	case gomod:
		return -1
	}
	return 1
}

// hashes calls yield with each hash of the key, in file order.
func (s Sums) hashes(path, version string, gomod bool, yield func(string) bool) {
	i, _ := slices.BinarySearchFunc(s.order, 0, func(o int32, _ int) int {
		return compareKey(s.at(int(o)), path, version, gomod)
	})
	for ; i < len(s.order); i++ {
		l := s.at(int(s.order[i]))
		if compareKey(l, path, version, gomod) != 0 || !yield(l.Hash) {
			return
		}
	}
}

// H1 returns the first "h1:" hash recorded for the key, the one the go
// command checks downloads against, or "".
func (s Sums) H1(path, version string, gomod bool) string {
	h1 := ""
	s.hashes(path, version, gomod, func(h string) bool {
		if strings.HasPrefix(h, "h1:") {
			h1 = h
			return false
		}
		return true
	})
	return h1
}

// Has reports whether go.sum has any line for path@version.
func (s Sums) Has(path, version string) bool {
	has := false
	for _, gomod := range []bool{false, true} {
		s.hashes(path, version, gomod, func(string) bool { has = true; return false })
	}
	return has
}

// Keys yields each key that has a line, once, for range-over-func.
func (s Sums) Keys(yield func(SumKey) bool) {
	for i, o := range s.order {
		l := s.at(int(o))
		if i > 0 && compareKey(s.at(int(s.order[i-1])), l.Path, l.Version, l.GoMod) == 0 {
			continue
		}
		if !yield(SumKey{l.Path, l.Version, l.GoMod}) {
			return
		}
	}
}
