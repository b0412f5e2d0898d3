package mirrors_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/checks/mirrors"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// BenchmarkMeasure is a full mirrors run over 5 candidates (four
// loopback mirrors serving 20 requirements, one refusing connections)
// and 20 requirements, with the checksum database asked about: every
// question of the command, with a fresh snapshot each time. The target
// is under 2 s a run.
func BenchmarkMeasure(b *testing.B) {
	var mods []fixtures.Module
	var gomod strings.Builder
	gomod.WriteString("module example.test/benchapp\n\ngo 1.21\n\nrequire (\n")
	for i := range 20 {
		path := fmt.Sprintf("example.test/bm/m%02d", i)
		version := "v1.0.0"
		if i%5 == 0 {
			version = fmt.Sprintf("v0.0.0-20240101%06d-%012x", i, i)
		}
		mods = append(mods, fixtures.Module{Path: path, Version: version, Files: map[string]string{
			"go.mod": "module " + path + "\n\ngo 1.21\n",
			"m.go":   "package m\n\n" + strings.Repeat("// filler line of a benchmark module\n", 200),
		}})
		fmt.Fprintf(&gomod, "\t%s %s\n", path, version)
	}
	gomod.WriteString(")\n")
	sumdb := checktest.KnownSumDB()
	var flags []string
	for range 4 {
		flags = append(flags, fixtures.NewMirror(b, mods, 0, sumdb).URL)
	}
	flags = append(flags, "http://"+fixtures.ClosedAddr(b)+"/mod")
	for b.Loop() {
		env := checktest.Env(b, checktest.Case{Process: map[string]string{"GOPROXY": "direct", "GOSUMDB": sumdb}, GoMod: gomod.String()})
		cands := mirrors.Candidates(env.Go, flags, "none", "X")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res := mirrors.Measure(ctx, env, mirrors.Options{Candidates: cands})
		cancel()
		if len(res.Candidates) != 5 || len(res.Requirements) != 20 || res.Recommend.Mirror == nil {
			b.Fatalf("%d candidates, %d requirements, recommendation %+v", len(res.Candidates), len(res.Requirements), res.Recommend)
		}
		for _, c := range res.Candidates[:4] {
			if c.Served != 20 || !c.Fresh {
				b.Fatalf("%s: served %d, %s", c.URL, c.Served, c.Why)
			}
		}
	}
}
