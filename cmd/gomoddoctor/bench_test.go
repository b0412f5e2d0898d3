//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// benchModules is the size of the benchmark's build list.
const benchModules = 500

// buildDoctor builds the gomoddoctor binary for a benchmark.
func buildDoctor(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "gomoddoctor")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// measured is one run of a command: its wall time and peak memory.
type measured struct {
	wall   time.Duration
	cpu    time.Duration // user + system, the process and its children
	maxRSS int64         // bytes
	ownRSS int64         // bytes: the process's own peak, without its children (where measured)
	out    []byte
}

func measure(b *testing.B, dir string, env []string, name string, args ...string) measured {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		b.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr)
	}
	m := measured{wall: wall, out: out}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = int64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	m.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return m
}

// BenchmarkModcacheVerify compares the doctor's deep verification of a
// build list of 500 module versions (a go.sum of 1,000 lines; the cache
// holds 600 versions) with 'go mod verify' on the same module, the same
// cache and the same machine, run alternately: wall time of each (the
// whole process, start to exit, as a person waits for it), their ratio,
// and peak memory (maximum resident set size from wait4). The doctor
// runs three ways: cold (the modcache check with an empty verification
// cache: every version hashed), warm (the modcache check again, as the
// second run of a repair session: only stamps read) and full-warm (the
// whole doctor, every check, warm). The cache is built by the go
// command from generated modules (see fixtures.NewBenchCache) once, and
// reused.
func BenchmarkModcacheVerify(b *testing.B) {
	c := fixtures.NewBenchCache(b, benchModules)
	bin := buildDoctor(b)
	warmDir := b.TempDir()
	env := c.Environ("GOMODDOCTOR_CACHE=" + warmDir)
	modcache := []string{"--check", "modcache", "--timeout", "10m", "--json"}

	// Same work: the doctor must hash exactly the build list, and both
	// must find it intact.
	first := measure(b, c.App, env, bin, modcache...)
	var rep struct {
		Checks []struct {
			Status   string
			Findings []struct{ Code, Detail string }
		}
	}
	if err := json.Unmarshal(first.out, &rep); err != nil || len(rep.Checks) != 1 || rep.Checks[0].Status != "pass" {
		b.Fatalf("the doctor does not pass the benchmark cache: %v\n%s", err, first.out)
	}
	want := fmt.Sprintf("versions hashed: %d", benchModules)
	if d := rep.Checks[0].Findings[len(rep.Checks[0].Findings)-1].Detail; !strings.Contains(d, want) {
		b.Fatalf("the doctor did not hash the build list (%s): %s", want, d)
	}
	warmWant := fmt.Sprintf("verification cache: %d module versions unchanged", benchModules)
	if w := measure(b, c.App, env, bin, modcache...); !strings.Contains(string(w.out), warmWant) {
		b.Fatalf("the second run is not warm (%s):\n%s", warmWant, w.out)
	}
	if v := measure(b, c.App, env, "go", "mod", "verify"); !strings.Contains(string(v.out), "all modules verified") {
		b.Fatalf("go mod verify: %s", v.out)
	}

	var cold, warm, full, verify measured
	add := func(sum *measured, m measured) {
		sum.wall += m.wall
		sum.cpu += m.cpu
		sum.maxRSS = max(sum.maxRSS, m.maxRSS)
	}
	b.ResetTimer()
	for range b.N {
		coldEnv := c.Environ("GOMODDOCTOR_CACHE=" + b.TempDir())
		add(&cold, measure(b, c.App, coldEnv, bin, modcache...))
		add(&verify, measure(b, c.App, env, "go", "mod", "verify"))
		add(&warm, measure(b, c.App, env, bin, modcache...))
		add(&full, measure(b, c.App, env, bin, "--timeout", "10m", "--json"))
	}
	b.StopTimer()
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return d.Seconds() * 1000 / n }
	b.ReportMetric(ms(cold.wall), "cold-ms")
	b.ReportMetric(ms(warm.wall), "warm-ms")
	b.ReportMetric(ms(full.wall), "full-warm-ms")
	b.ReportMetric(ms(verify.wall), "verify-ms")
	b.ReportMetric(cold.wall.Seconds()/verify.wall.Seconds(), "ratio-cold")
	b.ReportMetric(warm.wall.Seconds()/verify.wall.Seconds(), "ratio-warm")
	b.ReportMetric(ms(cold.cpu), "cold-cpu-ms")
	b.ReportMetric(ms(warm.cpu), "warm-cpu-ms")
	b.ReportMetric(ms(verify.cpu), "verify-cpu-ms")
	b.ReportMetric(float64(max(cold.maxRSS, warm.maxRSS, full.maxRSS))/(1<<20), "doctor-peak-MB")
	b.ReportMetric(float64(verify.maxRSS)/(1<<20), "verify-peak-MB")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkModcacheScopeAll is the doctor hashing the whole benchmark
// cache (--scope all): the build list and the versions it does not use.
func BenchmarkModcacheScopeAll(b *testing.B) {
	c := fixtures.NewBenchCache(b, benchModules)
	bin := buildDoctor(b)
	env := c.Environ()
	measure(b, c.App, env, bin, "--check", "modcache", "--scope", "all", "--timeout", "10m", "--json")
	var total time.Duration
	var peak int64
	b.ResetTimer()
	for range b.N {
		d := measure(b, c.App, env, bin, "--check", "modcache", "--scope", "all", "--timeout", "10m", "--json")
		total += d.wall
		peak = max(peak, d.maxRSS)
	}
	b.StopTimer()
	versions, _, zipBytes, _ := c.Stats()
	b.ReportMetric(total.Seconds()*1000/float64(b.N), "doctor-ms")
	b.ReportMetric(float64(peak)/(1<<20), "doctor-peak-MB")
	b.ReportMetric(float64(versions), "versions")
	b.ReportMetric(float64(zipBytes)/(1<<20), "zip-MB")
	b.ReportMetric(0, "ns/op")
}
