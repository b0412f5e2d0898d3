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
const benchModules = 300

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
// build list of 300 module versions with 'go mod verify' on the same
// module, the same cache and the same machine, run alternately: wall
// time of each (the whole process, start to exit, as a person waits for
// it), their ratio, and the doctor's peak memory (maximum resident set
// size from wait4). The cache is built by the go command from generated
// modules (see fixtures.NewBenchCache) once, and reused.
func BenchmarkModcacheVerify(b *testing.B) {
	c := fixtures.NewBenchCache(b, benchModules)
	bin := buildDoctor(b)
	env := c.Environ()

	// Same work: the doctor must hash exactly the build list, and both
	// must find it intact.
	first := measure(b, c.App, env, bin, "--check", "modcache", "--timeout", "10m", "--json")
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
	if v := measure(b, c.App, env, "go", "mod", "verify"); !strings.Contains(string(v.out), "all modules verified") {
		b.Fatalf("go mod verify: %s", v.out)
	}

	var doctor, verify, doctorCPU, verifyCPU time.Duration
	var peak, verifyPeak int64
	b.ResetTimer()
	for range b.N {
		d := measure(b, c.App, env, bin, "--check", "modcache", "--timeout", "10m", "--json")
		v := measure(b, c.App, env, "go", "mod", "verify")
		doctor += d.wall
		verify += v.wall
		doctorCPU += d.cpu
		verifyCPU += v.cpu
		peak = max(peak, d.maxRSS)
		verifyPeak = max(verifyPeak, v.maxRSS)
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(doctor.Seconds()*1000/n, "doctor-ms")
	b.ReportMetric(verify.Seconds()*1000/n, "verify-ms")
	b.ReportMetric(doctor.Seconds()/verify.Seconds(), "ratio")
	b.ReportMetric(doctorCPU.Seconds()*1000/n, "doctor-cpu-ms")
	b.ReportMetric(verifyCPU.Seconds()*1000/n, "verify-cpu-ms")
	b.ReportMetric(float64(peak)/(1<<20), "doctor-peak-MB")
	b.ReportMetric(float64(verifyPeak)/(1<<20), "verify-peak-MB")
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
