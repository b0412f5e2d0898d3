//go:build unix

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// BenchmarkSumDBVsGosumcheck audits the same go.sum (324 lines: the
// fixture modules and 160 made-up module versions) against the same
// fixture database on loopback with the doctor ('gomoddoctor --check
// sumdb --json', the whole process: it also runs 'go env' and 'go
// version') and with golang.org/x/mod/gosumcheck (-k key -u URL), run
// alternately: wall time of each and their ratio. gosumcheck keeps no
// cache, so the fair comparison is the doctor on an empty module cache
// (cold); warm is the doctor with the go command's lookups and tiles in
// the cache, as they are after the go command downloaded the modules.
func BenchmarkSumDBVsGosumcheck(b *testing.B) {
	fake := fixtures.FakeGoSum("bench.test/m", 160)
	db := fixtures.NewSumDB(b, fixtures.SumDBOptions{Name: "sum.versus.test", Lines: fake})
	lines := append(append(db.Lines("example.test/hello", "v1.0.0"), db.Lines("example.test/greet", "v0.1.0")...), fake...)
	dir := b.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write("go.mod", "module example.test/app\n\ngo 1.21\n")
	write("go.sum", strings.Join(lines, "\n")+"\n")

	proxy := fixtures.GoProxy(b).URL
	extra := []string{"GOSUMDB=" + db.GOSUMDBDirect(), "HTTPS_PROXY=http://127.0.0.1:1", "HTTP_PROXY=http://127.0.0.1:1"}
	cold := fixtures.NewSandbox(b, proxy)
	warm := fixtures.NewSandbox(b, proxy)
	var mods []module.Version
	for _, l := range lines {
		if f := strings.Fields(l); !strings.HasSuffix(f[1], "/go.mod") {
			mods = append(mods, module.Version{Path: f[0], Version: f[1]})
		}
	}
	if err := db.WarmCache(warm.Vars["GOMODCACHE"], warm.Vars["GOPATH"], mods...); err != nil {
		b.Fatal(err)
	}

	bin := buildDoctor(b)
	gosumcheck := filepath.Join(b.TempDir(), "gosumcheck")
	build := exec.Command("go", "build", "-o", gosumcheck, "golang.org/x/mod/gosumcheck")
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building gosumcheck: %v\n%s", err, out)
	}
	doctor := func(sb *fixtures.Sandbox) measured {
		return measure(b, dir, sb.Environ(extra...), bin, "--check", "sumdb", "--timeout", "1m", "--json")
	}
	check := func(m measured) {
		var rep struct {
			Checks []struct {
				Status   string
				Findings []struct{ Code, Message string }
			}
		}
		if err := json.Unmarshal(m.out, &rep); err != nil || len(rep.Checks) != 1 || rep.Checks[0].Status != "pass" {
			b.Fatalf("the doctor does not pass the benchmark go.sum: %v\n%s", err, m.out)
		}
		for _, f := range rep.Checks[0].Findings {
			if f.Code == "SUMDB_GOSUM_VERIFIED" && !strings.HasPrefix(f.Message, "324 go.sum line(s) match") {
				b.Fatalf("not every line verified: %s", f.Message)
			}
		}
	}
	check(doctor(cold))
	check(doctor(warm))
	if g := measure(b, dir, cold.Environ(extra...), gosumcheck, "-k", db.Key, "-u", db.URL, "go.sum"); len(strings.TrimSpace(string(g.out))) != 0 {
		b.Fatalf("gosumcheck reports problems:\n%s", g.out)
	}

	var tCold, tWarm, tGosumcheck time.Duration
	b.ResetTimer()
	for range b.N {
		tGosumcheck += measure(b, dir, cold.Environ(extra...), gosumcheck, "-k", db.Key, "-u", db.URL, "go.sum").wall
		tCold += doctor(cold).wall
		tWarm += doctor(warm).wall
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(tGosumcheck.Seconds()*1000/n, "gosumcheck-ms")
	b.ReportMetric(tCold.Seconds()*1000/n, "doctor-cold-ms")
	b.ReportMetric(tWarm.Seconds()*1000/n, "doctor-warm-ms")
	b.ReportMetric(tCold.Seconds()/tGosumcheck.Seconds(), "ratio-cold")
	b.ReportMetric(tWarm.Seconds()/tGosumcheck.Seconds(), "ratio-warm")
	b.ReportMetric(float64(len(lines)), "lines")
	b.ReportMetric(0, "ns/op")
}
