package mainmod

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

const modulesTxt = `# example.test/hello v1.0.0
## explicit; go 1.21
example.test/hello
# example.test/old v1.0.0 => ../old
## explicit
example.test/old
# example.test/gone v0.1.0
example.test/gone/pkg
# example.test/old => ../old
`

func TestVendorInconsistencies(t *testing.T) {
	vl := ParseModulesTxt(modulesTxt)
	if len(vl.Modules) != 3 || !vl.Meta[vl.Modules[0]].Explicit || vl.Meta[vl.Modules[0]].GoVersion != "1.21" {
		t.Fatalf("%+v", vl)
	}
	gomod := "module example.test/app\n\ngo 1.21\n\nrequire (\n\texample.test/hello v1.0.0\n\texample.test/old v1.0.0\n)\n\nreplace example.test/old => ../old\n"
	f, err := modfile.Parse("go.mod", []byte(gomod), nil)
	if err != nil {
		t.Fatal(err)
	}
	if probs := VendorInconsistencies(f, vl); len(probs) != 0 {
		t.Errorf("consistent vendoring reported: %q", probs)
	}
	f, _ = modfile.Parse("go.mod", []byte(strings.Replace(gomod, "hello v1.0.0", "hello v1.1.0", 1)+"require example.test/new v1.0.0\n"), nil)
	probs := VendorInconsistencies(f, vl)
	want := []string{
		"example.test/hello@v1.1.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt",
		"example.test/new@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt",
		"example.test/hello@v1.0.0: is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod",
	}
	if strings.Join(probs, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(probs, "\n"), strings.Join(want, "\n"))
	}
	f, _ = modfile.Parse("go.mod", []byte(strings.Replace(gomod, "=> ../old", "=> ../new", 1)), nil)
	if probs := VendorInconsistencies(f, vl); len(probs) != 1 || !strings.Contains(probs[0], "is replaced by ../new in go.mod, but marked as replaced by ../old") {
		t.Errorf("%q", probs)
	}
}

func FuzzParseModulesTxt(f *testing.F) {
	f.Add(modulesTxt)
	f.Add("## workspace\n# a.test/b v1.0.0 => a.test/c v1.2.0\n## explicit\na.test/b/x\n")
	f.Add("# a.test/b => ./dir\n")
	f.Fuzz(func(t *testing.T, data string) {
		vl := ParseModulesTxt(data)
		// As in the go command, a package line after a path-wide
		// replacement ("# a.test/b => ./dir") lists a module without a
		// version; never one without a path.
		for _, m := range vl.Modules {
			if m.Path == "" || vl.Version[m.Path] != m.Version && !slices.Contains(vl.Modules, module.Version{Path: m.Path, Version: vl.Version[m.Path]}) {
				t.Fatalf("module %+v inconsistent with its version %q", m, vl.Version[m.Path])
			}
		}
		gomod, err := modfile.Parse("go.mod", []byte("module a.test/m\n\ngo 1.21\n\nrequire a.test/b v1.0.0\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		VendorInconsistencies(gomod, vl)
	})
}
