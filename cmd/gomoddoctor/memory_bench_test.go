//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// memTimeout is the --timeout of the memory benchmarks.
const memTimeout = 3 * time.Second

// BenchmarkMemory runs the built doctor on three hostile inputs and
// reports its peak memory and how far it overran --timeout 3s:
//
//   - HostileMod: a proxy answering every .mod with 1 MiB (the body
//     limit) of garbage, "x\n" repeated (the shape that costs a go.mod
//     parser the most), for 5 requirements;
//   - HostileModLine: the same garbage after a "module" line, so that it
//     has to be parsed;
//   - GoSum100k: a go.sum of 100,000 lines (50,000 module versions);
//   - Requirements50k: a go.mod with 50,000 requirements and no go.sum.
//
// Each sandbox has its own HOME, GOENV, GOPATH and GOMODCACHE, GOFLAGS=-mod=mod,
// GOSUMDB=off, a GOPROXY on 127.0.0.1 and the doctor's DNS queries sent
// to a server on 127.0.0.1 that knows no name (the advisor's trials ask
// about the default checksum database's host).
//
// What is measured: own-peak-MB and own-json-peak-MB are the doctor
// process's own peak (VmHWM, read from /proc while it runs), for text
// and --json; that is the 64 MB target. doctor-peak-MB is ru_maxrss from wait4 on the
// doctor's process. On Linux that is the maximum of the process's own
// peak and the peaks of the children it waited for (getrusage
// RUSAGE_BOTH: the 'go env -json' the doctor runs); go-peak-MB is that
// child alone (the same 'go env -json', run by the benchmark in the
// same sandbox). When doctor-peak-MB is above go-peak-MB, it is the
// doctor's own peak; otherwise the doctor's own peak is at most
// doctor-peak-MB. overrun-s is the wall time beyond --timeout (0 when
// the run ends before it), lines the lines of the text report.
func BenchmarkMemory(b *testing.B) {
	bin := buildDoctor(b)

	garbage := bytes.Repeat([]byte("x\n"), 1<<19) // 1 MiB
	withModule := append([]byte("module mod.test/m0\n"), garbage[:len(garbage)-len("module mod.test/m0\n")]...)
	hostile := func(body []byte) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, ".mod") {
				w.Header().Set("Content-Type", "text/plain")
				w.Write(body)
				return
			}
			http.NotFound(w, r)
		})
	}
	notFound := fixtures.HTTPServer(b, http.NotFoundHandler()).URL
	resolver := resolverEnv + "=" + fixtures.DNS(b, fixtures.DNSZone{}).Addr

	var reqs5, reqs50k, sum100k strings.Builder
	reqs5.WriteString("module app.test/app\n\ngo 1.21\n\nrequire (\n")
	for i := range 5 {
		fmt.Fprintf(&reqs5, "\tmod.test/m%d v1.0.%d\n", i, i)
	}
	reqs5.WriteString(")\n")
	reqs50k.WriteString("module app.test/app\n\ngo 1.21\n\nrequire (\n")
	for i := range 50000 {
		fmt.Fprintf(&reqs50k, "\tmod.test/m%d v1.0.%d\n", i, i)
	}
	reqs50k.WriteString(")\n")
	for i := range 50000 {
		fmt.Fprintf(&sum100k, "mod.test/m%d v1.0.%d h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", i, i)
		fmt.Fprintf(&sum100k, "mod.test/m%d v1.0.%d/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", i, i)
	}

	cases := []struct {
		name         string
		proxy        string
		gomod, gosum string
	}{
		{"HostileMod", fixtures.HTTPServer(b, hostile(garbage)).URL, reqs5.String(), ""},
		{"HostileModLine", fixtures.HTTPServer(b, hostile(withModule)).URL, reqs5.String(), ""},
		{"GoSum100k", notFound, "module app.test/app\n\ngo 1.21\n\nrequire mod.test/m1 v1.0.1\n", sum100k.String()},
		{"Requirements50k", notFound, reqs50k.String(), ""},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			sb := fixtures.NewSandbox(b, c.proxy)
			env := sb.Environ("GOSUMDB=off", "GOFLAGS=-mod=mod", resolver)
			dir := b.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(c.gomod), 0o644); err != nil {
				b.Fatal(err)
			}
			if c.gosum != "" {
				if err := os.WriteFile(filepath.Join(dir, "go.sum"), []byte(c.gosum), 0o644); err != nil {
					b.Fatal(err)
				}
			}
			child := measureRun(b, dir, env, "go", "env", "-json")
			var peak, goPeak, worst, jsonPeak, own, ownJSON int64
			var overrun time.Duration
			var lines int
			b.ResetTimer()
			for range b.N {
				m := measureRun(b, dir, env, bin, "--timeout", memTimeout.String())
				peak, worst = max(peak, m.maxRSS), max(worst, m.maxRSS)
				own = max(own, m.ownRSS)
				overrun = max(overrun, m.wall-memTimeout)
				lines = max(lines, bytes.Count(m.out, []byte("\n")))
				j := measureRun(b, dir, env, bin, "--timeout", memTimeout.String(), "--json")
				jsonPeak = max(jsonPeak, j.maxRSS)
				ownJSON = max(ownJSON, j.ownRSS)
				overrun = max(overrun, j.wall-memTimeout)
				// fail, or (on a loaded machine) some checks abandoned at
				// the deadline: a report in any case.
				var rep struct{ Status string }
				if err := json.Unmarshal(j.out, &rep); err != nil || rep.Status == "" || rep.Status == "pass" {
					b.Fatalf("no report of a problem for this input: %v\n%.2000s", err, j.out)
				}
				goPeak = max(goPeak, child.maxRSS)
			}
			b.StopTimer()
			mb := func(n int64) float64 { return float64(n) / (1 << 20) }
			b.ReportMetric(mb(own), "own-peak-MB")
			b.ReportMetric(mb(ownJSON), "own-json-peak-MB")
			b.ReportMetric(mb(peak), "doctor-peak-MB")
			b.ReportMetric(mb(jsonPeak), "json-peak-MB")
			b.ReportMetric(mb(goPeak), "go-peak-MB")
			b.ReportMetric(max(overrun, 0).Seconds(), "overrun-s")
			b.ReportMetric(float64(lines), "lines")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// measureRun runs a command to its end (whatever its exit status),
// bounded by a minute, and measures it as measure does.
func measureRun(b *testing.B, dir string, env []string, name string, args ...string) measured {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	// The process's own high-water mark (VmHWM), read until it exits:
	// its children (the go command) are not in it.
	own := make(chan int64)
	stop := make(chan struct{})
	go func() {
		var hwm int64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			hwm = max(hwm, vmHWM(cmd.Process.Pid))
			select {
			case <-stop:
				own <- hwm
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(stop)
	ownPeak := <-own
	out := stdout.Bytes()
	if _, ok := err.(*exec.ExitError); err != nil && (!ok || ctx.Err() != nil) {
		b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	m := measured{wall: wall, out: out, ownRSS: ownPeak}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = int64(ru.Maxrss) * 1024 // KiB on Linux
	}
	return m
}

// vmHWM is the peak resident set size of a running process, its own
// (VmHWM of /proc/<pid>/status), in bytes; 0 once it has exited.
func vmHWM(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb * 1024
		}
	}
	return 0
}
