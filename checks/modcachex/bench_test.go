package modcachex

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// benchVersions is the size of the benchmark build list.
const benchVersions = 500

// BenchmarkStructural is the structural pass over the whole benchmark
// cache (500 module versions the app uses and 100 it does not, built by
// the go command; see fixtures.NewBenchCache), in-process.
func BenchmarkStructural(b *testing.B) {
	c := fixtures.NewBenchCache(b, benchVersions)
	s := NewScanner(c.Cache)
	var st Stats
	b.ResetTimer()
	for range b.N {
		var problems int
		var err error
		st, err = s.Structural(context.Background(), func(Problem) { problems++ })
		if err != nil || problems != 0 {
			b.Fatalf("structural pass: %v, %d problems", err, problems)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/pass")
	b.ReportMetric(float64(st.Versions), "versions")
}

// BenchmarkBuildList compares computing the build list of the benchmark
// module (500 dependencies) in-process with asking the go command
// ('go list -m -json all', off the network), the alternative the
// modcache check uses only for workspaces.
func BenchmarkBuildList(b *testing.B) {
	c := fixtures.NewBenchCache(b, benchVersions)
	data, err := os.ReadFile(filepath.Join(c.App, "go.mod"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("in-process", func(b *testing.B) {
		for range b.N {
			mf, err := modfile.Parse("go.mod", data, nil)
			if err != nil {
				b.Fatal(err)
			}
			bl, err := ComputeBuildList(Cache{Root: c.Cache}, mf, c.App)
			if err != nil || len(bl.Deps) != benchVersions {
				b.Fatalf("%v, %d deps", err, len(bl.Deps))
			}
		}
	})
	b.Run("go-list", func(b *testing.B) {
		for range b.N {
			cmd := exec.Command("go", "list", "-m", "-json", "all")
			cmd.Dir, cmd.Env = c.App, c.Environ("GOFLAGS=-mod=readonly", "GOTOOLCHAIN=local")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("go list: %v\n%s", err, out)
			}
		}
	})
}

// BenchmarkDeepWarm is the deep pass over the benchmark build list with
// a warm verification cache (in-process): what a second run costs.
// BenchmarkDeepCold hashes the same versions with the cache bypassed.
func BenchmarkDeepWarm(b *testing.B) { benchDeep(b, true) }

func BenchmarkDeepCold(b *testing.B) { benchDeep(b, false) }

func benchDeep(b *testing.B, warm bool) {
	c := fixtures.NewBenchCache(b, benchVersions)
	data, err := os.ReadFile(filepath.Join(c.App, "go.mod"))
	if err != nil {
		b.Fatal(err)
	}
	mf, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		b.Fatal(err)
	}
	bl, err := ComputeBuildList(Cache{Root: c.Cache}, mf, c.App)
	if err != nil {
		b.Fatal(err)
	}
	var mods []module.Version
	for _, d := range bl.Deps {
		mods = append(mods, d.Actual)
	}
	dir := b.TempDir()
	s := NewScanner(c.Cache)
	pass := func() Stats {
		s.Verified = OpenVerifyCache(dir, c.Cache, warm)
		st, err := s.Deep(context.Background(), mods, func(p Problem) { b.Fatalf("problem: %+v", p) })
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Verified.Save(); err != nil {
			b.Fatal(err)
		}
		return st
	}
	pass()
	var st Stats
	b.ResetTimer()
	for range b.N {
		st = pass()
	}
	b.StopTimer()
	if warm && st.Reused != len(mods) {
		b.Fatalf("warm: %d of %d re-used", st.Reused, len(mods))
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/pass")
	b.ReportMetric(float64(st.Reused), "reused")
}
