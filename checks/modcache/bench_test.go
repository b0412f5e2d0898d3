package modcache

import (
	"context"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// BenchmarkModcacheWarm is the whole modcache check, in-process, on the
// benchmark cache (500 versions in the build list, 600 in the cache)
// with a warm verification cache: the work of a second run, without the
// process start and 'go env'.
func BenchmarkModcacheWarm(b *testing.B) {
	c := fixtures.NewBenchCache(b, 500)
	dir := b.TempDir()
	env := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: c.App, Environ: c.Environ()})
	env.Options.CacheDir = dir
	run := func() []checks.Finding {
		fs, err := runModcache(context.Background(), env)
		if err != nil {
			b.Fatal(err)
		}
		return fs
	}
	run()
	b.ResetTimer()
	var fs []checks.Finding
	for range b.N {
		fs = run()
	}
	b.StopTimer()
	sum := findFinding(fs, "MODCACHE_SUMMARY", "")
	if sum == nil || !strings.Contains(sum.Detail, "verification cache: 500 module versions unchanged") {
		b.Fatalf("not warm:\n%s", dumpFindings(fs))
	}
}
