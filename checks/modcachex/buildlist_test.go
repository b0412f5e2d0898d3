package modcachex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// graphModules is a module graph that exercises what the build list
// depends on: graph pruning (go 1.17 and later) against unpruned
// dependencies (go 1.16), a replacement by another module, an exclusion,
// and versions required only by go.mod files. The modules marked modern
// have go directive modern; d, e, f and h are always 1.16.
func graphModules(modern string) []fixtures.Module {
	mod := func(path, version, gover string, requires ...string) fixtures.Module {
		gomod := fmt.Sprintf("module %s\n\ngo %s\n", path, gover)
		for _, r := range requires {
			gomod += "\nrequire " + r + "\n"
		}
		name := path[strings.LastIndex(path, "/")+1:]
		src := fmt.Sprintf("package %s\n\nconst V = %q\n", name, version)
		return fixtures.Module{Path: path, Version: version, Files: map[string]string{"go.mod": gomod, name + ".go": src}}
	}
	withImport := func(m fixtures.Module, imp string) fixtures.Module {
		name := m.Path[strings.LastIndex(m.Path, "/")+1:]
		m.Files[name+".go"] = fmt.Sprintf("package %s\n\nimport _ %q\n\nconst V = %q\n", name, imp, m.Version)
		return m
	}
	const p = "example.test/bl/"
	return []fixtures.Module{
		withImport(mod(p+"a", "v1.0.0", modern, p+"b v1.0.0"), p+"b"),
		mod(p+"b", "v1.0.0", modern, p+"c v1.0.0"),
		mod(p+"b", "v1.1.0", modern, p+"c v1.1.0", p+"x v1.1.0"),
		mod(p+"c", "v1.0.0", modern, p+"g v1.0.0"),
		mod(p+"c", "v1.1.0", modern, p+"g v1.0.0"),
		mod(p+"g", "v1.0.0", modern),
		withImport(mod(p+"d", "v1.0.0", "1.16", p+"e v1.0.0"), p+"e"),
		mod(p+"e", "v1.0.0", "1.16", p+"f v1.0.0"),
		mod(p+"f", "v1.0.0", "1.16", p+"h v1.0.0"),
		mod(p+"h", "v1.0.0", "1.16"),
		mod(p+"r", "v1.0.0", modern),
		mod(p+"rr", "v1.0.0", modern, p+"h v1.0.0"),
		mod(p+"x", "v1.0.0", modern),
		mod(p+"x", "v1.1.0", modern),
	}
}

// TestBuildListAgreesWithGoList computes the build list in-process and
// compares it with the go command's, 'go list -m all', module by module
// with replacements, for a pruned main module with pruned and unpruned dependencies, and
// for an unpruned one (go mod tidy raises the main module's go version to
// its dependencies', so there every module is at 1.16).
func TestBuildListAgreesWithGoList(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	for _, gover := range []string{"1.21", "1.16"} {
		t.Run("go"+gover, func(t *testing.T) {
			dir := t.TempDir()
			if err := fixtures.WriteModules(dir, graphModules(gover)); err != nil {
				t.Fatal(err)
			}
			proxy := fixtures.ServeModules(t, dir)
			sb := fixtures.NewSandbox(t, proxy.URL)
			sb.ForModCache(t)
			app := filepath.Join(sb.Root, "app")
			const p = "example.test/bl/"
			writeTree(t, app, map[string]string{
				"go.mod": "module example.test/app\n\ngo " + gover + "\n\n" +
					"require (\n\t" + p + "a v1.0.0\n\t" + p + "b v1.1.0\n\t" + p + "d v1.0.0\n\t" + p + "r v1.0.0\n\t" + p + "x v1.0.0\n)\n\n" +
					"replace " + p + "r => " + p + "rr v1.0.0\n\nexclude " + p + "x v1.1.0\n",
				"main.go": "package main\n\nimport (\n\t_ \"" + p + "a\"\n\t_ \"" + p + "d\"\n\t_ \"" + p + "r\"\n\t_ \"" + p + "x\"\n)\n\nfunc main() {}\n",
			})
			if out, err := sb.Go(t, app, nil, "mod", "tidy"); err != nil {
				t.Fatalf("go mod tidy: %v\n%s", err, out)
			}
			if out, err := sb.Go(t, app, nil, "mod", "download", "all"); err != nil {
				t.Fatalf("go mod download: %v\n%s", err, out)
			}
			out, err := sb.Go(t, app, []string{"GOPROXY=off"}, "list", "-m", "-json", "all")
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			want := goListDeps(t, out)

			data, err := os.ReadFile(filepath.Join(app, "go.mod"))
			if err != nil {
				t.Fatal(err)
			}
			mf, err := modfile.Parse("go.mod", data, nil)
			if err != nil {
				t.Fatal(err)
			}
			bl, err := ComputeBuildList(Cache{Root: sb.Vars["GOMODCACHE"]}, mf, app)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range bl.Deps {
				got = append(got, depString(d))
			}
			if !slices.Equal(got, want) {
				t.Errorf("build list\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(want, "\n      "))
			}
			if len(bl.Unread) != 0 {
				t.Errorf("unread go.mod files: %v", bl.Unread)
			}
			// The graph is what it is meant to test.
			joined := strings.Join(want, " ")
			for _, s := range []string{p + "x v1.0.0", p + "h v1.0.0", p + "r v1.0.0 => " + p + "rr v1.0.0", p + "c v1.1.0"} {
				if !strings.Contains(joined, s) {
					t.Errorf("the fixture graph lacks %s: %s", s, joined)
				}
			}
			if pruned := gover == "1.21"; strings.Contains(joined, p+"g ") == pruned {
				t.Errorf("go %s: g in the build list = %v: %s", gover, !pruned, joined)
			}
		})
	}
}

func depString(d Dep) string {
	s := d.Mod.Path + " " + d.Mod.Version
	if d.Actual != d.Mod {
		s += " => " + d.Actual.Path + " " + d.Actual.Version
	}
	return s
}

func goListDeps(t *testing.T, out string) []string {
	var deps []string
	dec := json.NewDecoder(bytes.NewReader([]byte(out)))
	for {
		var m struct {
			Path, Version string
			Main          bool
			Replace       *struct{ Path, Version string }
		}
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if m.Main {
			continue
		}
		d := Dep{}
		d.Mod.Path, d.Mod.Version = m.Path, m.Version
		d.Actual = d.Mod
		if m.Replace != nil {
			d.Actual.Path, d.Actual.Version = m.Replace.Path, m.Replace.Version
		}
		deps = append(deps, depString(d))
	}
	slices.Sort(deps)
	return deps
}

func TestBuildListWithoutCache(t *testing.T) {
	mf, err := modfile.Parse("go.mod", []byte("module example.test/app\n\ngo 1.21\n\nrequire example.test/a v1.0.0\n\nreplace example.test/a => ./a\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a/go.mod": "module example.test/a\n\ngo 1.16\n\nrequire example.test/b v1.2.3\n"})
	bl, err := ComputeBuildList(Cache{Root: t.TempDir()}, mf, dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range bl.Deps {
		got = append(got, depString(d))
	}
	want := []string{"example.test/a v1.0.0 => ./a ", "example.test/b v1.2.3"}
	if !slices.Equal(got, want) {
		t.Errorf("build list %q, want %q", got, want)
	}
	if len(bl.Unread) != 1 || bl.Unread[0].Path != "example.test/b" {
		t.Errorf("unread %v", bl.Unread)
	}
	if bl.Deps[0].InCache() || !bl.Deps[1].InCache() {
		t.Errorf("InCache wrong")
	}
	if _, err := ComputeBuildList(Cache{}, &modfile.File{}, dir); err == nil {
		t.Errorf("no module line: no error")
	}
}
