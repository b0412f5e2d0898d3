package probe

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// wholeValid is what goModValid must agree with: one ParseLax of the
// whole body.
func wholeValid(body []byte) bool {
	f, err := modfile.ParseLax("go.mod", body, nil)
	return err == nil && f.Module != nil
}

// bigGoMod is a valid go.mod over wholeGoMod, with blocks that cross the
// pieces goModValid parses, and the comment and string shapes that its
// line classifier must read as ParseLax does.
func bigGoMod(n int) string {
	var b strings.Builder
	b.WriteString("// header comment (\nmodule example.test/big // a comment with ( and //\n\ngo 1.21\n\nrequire (\n")
	for i := range n {
		fmt.Fprintf(&b, "\texample.test/m%d v1.0.%d // indirect (\n", i, i)
	}
	b.WriteString(")\n\nexclude example.test/x v1.0.0\nreplace (\n\texample.test/a => ./a\n\t\"example.test/q\" v1.0.0 => example.test/r v1.0.0 // \")(\n)\n")
	for i := range n / 4 {
		fmt.Fprintf(&b, "require example.test/s%d v0.0.%d\n", i, i)
	}
	return b.String()
}

func TestGoModValidAgreesWithParseLax(t *testing.T) {
	big := bigGoMod(pieceLines + 100)
	if len(big) <= wholeGoMod {
		t.Fatalf("the big go.mod (%d bytes) is not over %d", len(big), wholeGoMod)
	}
	garbage := strings.Repeat("x\n", wholeGoMod/2+1)
	cases := map[string]string{
		"small":                   "module example.test/a\n\ngo 1.21\n",
		"small no module":         "go 1.21\n",
		"module block":            "module (\n\texample.test/a\n)\n",
		"module/x is not module":  "module/x y\n",
		"big":                     big,
		"big no module":           strings.Replace(big, "module example.test/big", "", 1),
		"big repeated module":     big + "module example.test/again\n",
		"big repeated go":         big + "go 1.22\n",
		"big unterminated block":  big + "require (\n\texample.test/u v1.0.0\n",
		"big syntax error late":   big + "require example.test/bad v1.0.0 \"unterminated\n",
		"big bad version late":    big + "require example.test/bad notaversion\n",
		"big stray paren":         big + ")\n",
		"garbage":                 garbage,
		"garbage after module":    "module example.test/g\n" + garbage,
		"big block at piece edge": strings.Repeat("// c\n", pieceLines-5) + big[:len(big)/2],
		"binary":                  "module example.test/b\n" + strings.Repeat("\x00\xff\n", wholeGoMod/3+1),
	}
	for name, body := range cases {
		want := wholeValid([]byte(body))
		if got := goModValid([]byte(body)); got != want {
			t.Errorf("%s: goModValid = %v, ParseLax says %v", name, got, want)
		}
	}
	if !goModValid([]byte(big)) {
		t.Error("the big go.mod is not read as valid")
	}
}

// TestGoModValidMemory: a hostile body of short lines is parsed a piece
// of pieceLines lines at a time, so that one piece's syntax tree is
// alive at a time (a whole ParseLax of 1 MiB of "x\n" allocates over
// 200 MB, all alive at once). ParseLax ignores the unknown verbs: the
// go command reads it as a go.mod.
func TestGoModValidMemory(t *testing.T) {
	maxLines := 0
	parseLax = func(file string, data []byte, fix modfile.VersionFixer) (*modfile.File, error) {
		maxLines = max(maxLines, bytes.Count(data, []byte("\n")))
		return modfile.ParseLax(file, data, fix)
	}
	defer func() { parseLax = modfile.ParseLax }()
	body := append([]byte("module example.test/g\n"), bytes.Repeat([]byte("x\n"), 1<<17)...)
	if !goModValid(body) {
		t.Error("a module line and unknown verbs not read as a go.mod, as ParseLax reads it")
	}
	if maxLines > pieceLines+2 {
		t.Errorf("a piece of %d lines parsed at once (at most %d)", maxLines, pieceLines+2)
	}
	maxLines = 0
	if goModValid(bytes.Repeat([]byte("x\n"), 1<<19)) || maxLines != 0 {
		t.Errorf("a body without a module line read as a go.mod, or parsed (%d lines)", maxLines)
	}
}
