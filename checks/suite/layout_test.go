package suite

import (
	"go/build"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const modulePath = "github.com/gomoddoctor/gomoddoctor"

// deps returns the packages of this module that pkg imports, directly
// or not (test files left out), as 'go list -deps' would list them.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	seen := map[string]bool{}
	var walk func(p string)
	walk = func(p string) {
		// The module's root is two levels up from checks/suite.
		bp, err := build.ImportDir(filepath.Join("..", "..", strings.TrimPrefix(p, modulePath)), 0)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, imp := range bp.Imports {
			if strings.HasPrefix(imp, modulePath+"/") && !seen[imp] {
				seen[imp] = true
				walk(imp)
			}
		}
	}
	walk(pkg)
	var out []string
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// TestLayout: a check package imports no other check, directly or
// through another package, and the core imports no check, so that one
// check can be read, tested and changed alone.
func TestLayout(t *testing.T) {
	ids := map[string]bool{}
	for _, c := range All() {
		ids[modulePath+"/checks/"+c.ID] = true
	}
	for _, c := range All() {
		pkg := modulePath + "/checks/" + c.ID
		for _, d := range deps(t, pkg) {
			if ids[d] {
				t.Errorf("the %s check imports the %s check", c.ID, path.Base(d))
			}
		}
	}
	for _, shared := range []string{"checks", "checks/probe", "checks/reqs", "checks/advisor", "checks/checktest"} {
		for _, d := range deps(t, modulePath+"/"+shared) {
			if ids[d] {
				t.Errorf("%s imports the %s check", shared, path.Base(d))
			}
		}
	}
}
