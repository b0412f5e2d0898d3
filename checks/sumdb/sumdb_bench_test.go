package sumdb

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"

	"github.com/gomoddoctor/gomoddoctor/checks"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks/mainmod"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// benchSumLines is the number of made-up module versions of the audit
// benchmark: 2 go.sum lines each, 1,508 lines with the fixture ones.
const benchSumLines = 750

// BenchmarkSumDBAudit audits a go.sum of 1,508 lines against a fixture
// database on loopback (two tile levels): cold, with an empty cache
// (every lookup and tile over loopback HTTP); warm, with the go
// command's cache of lookups and tiles filled as it leaves it (the
// doctor then asks the database for /latest only); remembered, with the
// go command's cache empty but the doctor's memory of the records it
// proved in an earlier run (it asks for /latest, the tiles of one
// consistency proof, and the lookups of the planted lines only). Each
// iteration is a whole sumdb check on a fresh snapshot (no shared probe
// results).
func BenchmarkSumDBAudit(b *testing.B) {
	for _, mode := range []string{"cold", "warm", "remembered"} {
		b.Run(mode, func(b *testing.B) {
			s := newSideBySide(b, benchSumLines, "sum.bench-"+mode+".test")
			sb := fixtures.NewSandbox(b, fixtures.GoProxy(b).URL)
			if mode == "warm" {
				var mods []module.Version
				for _, l := range strings.Split(strings.TrimSpace(readString(b, s.gosum)), "\n") {
					f := strings.Fields(l)
					if !strings.HasSuffix(f[1], "/go.mod") && !strings.HasPrefix(f[0], "unknown.test/") && !strings.HasPrefix(f[0], "corp.example/") {
						mods = append(mods, module.Version{Path: f[0], Version: f[1]})
					}
				}
				if err := s.db.WarmCache(sb.Vars["GOMODCACHE"], sb.Vars["GOPATH"], mods...); err != nil {
					b.Fatal(err)
				}
			}
			base := checks.LoadEnv(context.Background(), checks.LoadOptions{Dir: s.dir, Environ: sb.Environ(s.env...)})
			memory := ""
			if mode == "remembered" {
				memory = b.TempDir()
			}
			audit := func() *sumdbRun {
				env := checks.NewEnv(base.Dir, base.Go, base.Module)
				env.Options.CacheDir = memory
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				r, err := sumdbAudit(ctx, env)
				if err != nil {
					b.Fatal(err)
				}
				return r
			}
			if mode == "remembered" {
				audit()
			}
			lines := 0
			for b.Loop() {
				r := audit()
				lines = len(r.verdicts)
				if n := countVerdicts(r, "ok"); n != lines-6 {
					b.Fatalf("%d of %d lines verified, want all but the 6 planted:\n%s", n, lines, checktest.Dump(checks.CheckResult{Findings: r.out}))
				}
				st := r.client.Stats()
				switch {
				case mode == "warm" && (st.RemoteLookups != 1 || st.RemoteTiles != 0):
					// Only the module the database does not know is
					// asked for, and no tile.
					b.Fatalf("warm cache, yet %+v", st)
				case mode == "remembered" && (st.RemoteLookups+st.CachedLookups != 3 || r.remembered != benchSumLines):
					// The planted modules only.
					b.Fatalf("remembered %d, yet %+v", r.remembered, st)
				}
			}
			b.ReportMetric(float64(lines), "lines")
		})
	}
}

func countVerdicts(r *sumdbRun, v string) int {
	n := 0
	for _, x := range r.verdicts {
		if x == v {
			n++
		}
	}
	return n
}

func readString(tb testing.TB, p string) string {
	tb.Helper()
	data, err := mainmod.ReadFileLimit(p, 1<<20)
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}
