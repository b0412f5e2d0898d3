package mainmod

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseGoSum(t *testing.T) {
	data := "example.test/a v1.0.0 h1:AAA=\n" +
		"example.test/a v1.0.0/go.mod h1:BBB=\n" +
		"\n   \t\n" +
		"example.test/bad v1.0.0\n" +
		"example.test/old v1.0.0/go.mod " + emptyGoModHash + "\n" +
		"  example.test/b   v0.1.0-pre   h1:CCC=  \r\n" +
		"example.test/c v1.0.0 h2:DDD= extra\n" +
		"example.test/d v1.0.0 h1:EEE="
	lines, errs := ParseGoSum("go.sum", []byte(data))
	want := []SumLine{
		{Path: "example.test/a", Version: "v1.0.0", Hash: "h1:AAA=", Line: 1},
		{Path: "example.test/a", Version: "v1.0.0", GoMod: true, Hash: "h1:BBB=", Line: 2},
		{Path: "example.test/b", Version: "v0.1.0-pre", Hash: "h1:CCC=", Line: 7},
		{Path: "example.test/d", Version: "v1.0.0", Hash: "h1:EEE=", Line: 9},
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines %+v, want %d", len(lines), lines, len(want))
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, lines[i], want[i])
		}
	}
	if len(errs) != 2 || errs[0].Line != 5 || errs[1].Line != 8 {
		t.Fatalf("errors = %v", errs)
	}
	if got := errs[0].Error(); got != "go.sum:5: wrong number of fields 2" {
		t.Errorf("error text %q", got)
	}

	s := Index(lines)
	if s.H1("example.test/a", "v1.0.0", false) != "h1:AAA=" || s.H1("example.test/a", "v1.0.0", true) != "h1:BBB=" {
		t.Errorf("H1 lookups wrong: %v", s)
	}
	if s.H1("example.test/x", "v1.0.0", false) != "" || !s.Has("example.test/b", "v0.1.0-pre") || s.Has("example.test/old", "v1.0.0") {
		t.Errorf("Has/H1 wrong: %v", s)
	}
}

func TestReadGoSum(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.test/app\n")
	m := Load(filepath.Join(dir, "go.mod"), "")
	if lines, bad, err := m.ReadGoSum(); lines != nil || bad != nil || err != nil {
		t.Fatalf("no go.sum: %v %v %v", lines, bad, err)
	}
	write(t, filepath.Join(dir, "go.sum"), "example.test/a v1.0.0 h1:AAA=\n")
	m = Load(filepath.Join(dir, "go.mod"), "")
	lines, bad, err := m.ReadGoSum()
	if err != nil || len(bad) != 0 || len(lines) != 1 {
		t.Fatalf("ReadGoSum = %v %v %v", lines, bad, err)
	}
	var nilMod *Module
	if lines, _, err := nilMod.ReadGoSum(); lines != nil || err != nil {
		t.Errorf("nil module")
	}
}

// FuzzParseGoSum checks that the parser never panics, that every line it
// returns has the go command's three fields, and that it agrees with a
// direct reading of the fields.
func FuzzParseGoSum(f *testing.F) {
	for _, seed := range []string{
		"",
		"example.test/a v1.0.0 h1:AAA=\nexample.test/a v1.0.0/go.mod h1:BBB=\n",
		"a b\n",
		"a b c d\r\n\n\n",
		"x v1/go.mod/go.mod h1:x\n",
		"\x00 \x00 \x00",
		"example.test/old v1.0.0/go.mod " + emptyGoModHash,
		// longer than ScanGoSum's read buffer, without a final newline
		"a v1 h1:x\n" + strings.Repeat("p", 3*sumReadBuf) + " v1 h1:x\nb v2\u00a0h1:y",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, errs := ParseGoSum("go.sum", data)
		var want []SumLine
		bad := 0
		for i, text := range strings.Split(string(data), "\n") {
			fields := strings.Fields(text)
			switch {
			case len(fields) == 0:
			case len(fields) != 3:
				if bad >= len(errs) || errs[bad].Line != i+1 || errs[bad].Text != text {
					t.Fatalf("line %d (%q) is not the error %d of %v", i+1, text, bad, errs)
				}
				bad++
			case fields[2] != emptyGoModHash:
				v, gomod := strings.CutSuffix(fields[1], "/go.mod")
				want = append(want, SumLine{Path: fields[0], Version: v, GoMod: gomod, Hash: fields[2], Line: i + 1})
			}
		}
		if !slices.Equal(lines, want) || bad != len(errs) {
			t.Fatalf("parsed %+v, %d errors; the direct reading: %+v, %d errors", lines, len(errs), want, bad)
		}
		for _, l := range lines {
			if l.Path == "" || l.Hash == "" || strings.ContainsAny(l.Path+l.Version+l.Hash, " \t\n") {
				t.Fatalf("bad line %+v", l)
			}
			if l.Line < 1 {
				t.Fatalf("line number %d", l.Line)
			}
		}
		for _, e := range errs {
			if e.Line < 1 || e.Err == "" {
				t.Fatalf("bad error %+v", e)
			}
		}
	})
}

// TestSumsAgreeWithMap: the sorted index answers as a map of every
// key's hashes in file order would, for lines out of order, repeated
// keys and hashes of other algorithms.
func TestSumsAgreeWithMap(t *testing.T) {
	data := "b.test/m v1.0.0 h1:B=\n" +
		"a.test/m v1.0.0/go.mod h1:AG=\n" +
		"a.test/m v1.0.0 h2:X=\n" +
		"a.test/m v1.0.0 h1:A1=\n" +
		"a.test/m v1.0.0 h1:A2=\n" +
		"a.test/m v0.9.0/go.mod h1:OLD=\n" +
		"b.test/m v1.0.0/go.mod h1:BG=\n" +
		"c.test/m v1.0.0 h2:only=\n"
	lines, _ := ParseGoSum("go.sum", []byte(data))
	want := map[SumKey][]string{}
	for _, l := range lines {
		k := SumKey{l.Path, l.Version, l.GoMod}
		want[k] = append(want[k], l.Hash)
	}
	s := Index(lines)
	seen := map[SumKey]bool{}
	for k := range s.Keys {
		if seen[k] || want[k] == nil {
			t.Errorf("key %v yielded twice or not in go.sum", k)
		}
		seen[k] = true
	}
	if len(seen) != len(want) {
		t.Errorf("%d keys yielded, want %d", len(seen), len(want))
	}
	for _, path := range []string{"a.test/m", "b.test/m", "c.test/m", "d.test/m"} {
		for _, version := range []string{"v0.9.0", "v1.0.0", "v2.0.0"} {
			for _, gomod := range []bool{false, true} {
				h1 := ""
				for _, h := range want[SumKey{path, version, gomod}] {
					if strings.HasPrefix(h, "h1:") {
						h1 = h
						break
					}
				}
				if got := s.H1(path, version, gomod); got != h1 {
					t.Errorf("H1(%s, %s, %v) = %q, want %q", path, version, gomod, got, h1)
				}
			}
			has := want[SumKey{path, version, false}] != nil || want[SumKey{path, version, true}] != nil
			if got := s.Has(path, version); got != has {
				t.Errorf("Has(%s, %s) = %v, want %v", path, version, got, has)
			}
		}
	}
	if (Sums{}).H1("a.test/m", "v1.0.0", false) != "" || (Sums{}).Has("a.test/m", "v1.0.0") {
		t.Error("the zero Sums has lines")
	}
	for range (Sums{}).Keys {
		t.Error("the zero Sums has keys")
	}
}
