package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
	"github.com/gomoddoctor/gomoddoctor/report/schema/schematest"
)

const (
	helloGoMod = "module example.test/app\n\ngo 1.21\n\nrequire example.test/hello v1.0.0\n"
	helloGoSum = "example.test/hello v1.0.0 h1:BVE/VEbQH6inpHFMcKLrony3yKNwBZ4aqBgFOy9UVEk=\n" +
		"example.test/hello v1.0.0/go.mod h1:YHfl4dlavpS8OenDISfCjpQKr/mG4alGoY1y+Y/B3qg=\n"
)

// contain keeps the go command's traffic that is not for loopback on
// loopback (requests to 127.0.0.1 never go through a proxy).
var contain = []string{"HTTPS_PROXY=http://127.0.0.1:1", "HTTP_PROXY=http://127.0.0.1:1"}

func writeModule(tb testing.TB, gomod, gosum string) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, data := range map[string]string{"go.mod": gomod, "go.sum": gosum} {
		if data == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// runCLI runs the command line in-process with environ.
func runCLI(environ []string, args ...string) (int, string) {
	var out, errOut bytes.Buffer
	code := run(streams{in: strings.NewReader(""), out: &out, err: &errOut, environ: environ}, args)
	if slices.Contains(args, "--json") {
		if _, err := schematest.Validate(out.Bytes()); err != nil {
			return code, fmt.Sprintf("the JSON output does not follow its schema: %v\n%s", err, out.String())
		}
	}
	return code, out.String() + errOut.String()
}

// hangingEnviron is a sandbox where the first GOPROXY entry accepts
// connections and never answers, and every DNS server never answers: a
// private module's origin and the second entry need names resolved.
func hangingEnviron(tb testing.TB) (environ []string, dir string) {
	hang := fixtures.Hanging(tb)
	silent := fixtures.DNS(tb, fixtures.DNSZone{Silent: true})
	sb := fixtures.NewSandbox(tb, "http://"+hang)
	dir = writeModule(tb, helloGoMod+"require private.corp.test/lib v1.0.0\n", "")
	environ = sb.Environ("GOPROXY=http://"+hang+",https://goproxy.corp.test", "GOPRIVATE=private.corp.test", resolverEnv+"="+silent.Addr)
	return environ, dir
}

// TestRunIsBounded: with a proxy that accepts and never answers and a
// DNS server that never answers, the whole run ends within --timeout
// plus half a second, with timeout findings and no check abandoned.
func TestRunIsBounded(t *testing.T) {
	environ, dir := hangingEnviron(t)
	const timeout = time.Second
	start := time.Now()
	code, out := runCLI(environ, "-C", dir, "--timeout", timeout.String(), "--json")
	elapsed := time.Since(start)
	if elapsed > timeout+500*time.Millisecond {
		t.Errorf("the run took %v with --timeout %v", elapsed, timeout)
	}
	if code != 1 {
		t.Errorf("exit code %d, want 1:\n%s", code, out)
	}
	var rep struct {
		Checks []struct {
			ID, Status string
			Findings   []struct{ Code, Severity string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	codes := map[string]bool{}
	for _, c := range rep.Checks {
		if c.Status == "error" {
			t.Errorf("check %s was abandoned:\n%s", c.ID, out)
		}
		for _, f := range c.Findings {
			codes[c.ID+" "+f.Code+" "+f.Severity] = true
		}
	}
	for _, w := range []string{"proxy PROXY_TIMEOUT fail", "dns DNS_TIMEOUT fail"} {
		if !codes[w] {
			t.Errorf("no %s finding:\n%s", w, out)
		}
	}
}

// BenchmarkHealthyRun measures the full run, every check, on healthy
// loopback fixtures: the wall time a user waits (ns/op).
func BenchmarkHealthyRun(b *testing.B) {
	proxy := fixtures.GoProxy(b)
	dns := fixtures.DNS(b, fixtures.DNSZone{})
	sb := fixtures.NewSandbox(b, proxy.URL)
	dir := writeModule(b, helloGoMod, helloGoSum)
	environ := sb.Environ(resolverEnv + "=" + dns.Addr)
	if code, out := runCLI(environ, "-C", dir); code != 0 {
		b.Fatalf("the healthy sandbox is not healthy (exit %d):\n%s", code, out)
	}
	b.ResetTimer()
	for range b.N {
		runCLI(environ, "-C", dir)
	}
}

// BenchmarkHangingProxy puts side by side, on the same hanging proxy,
// the doctor's time to its verdict and how long 'go mod download' takes
// to fail: it never does (the go command sets no timeout on module
// proxy requests), so it is killed after goBound and reported as such
// (killed/op = 1).
func BenchmarkHangingProxy(b *testing.B) {
	const goBound = 30 * time.Second
	hang := fixtures.Hanging(b)
	sb := fixtures.NewSandbox(b, "http://"+hang)
	dir := writeModule(b, helloGoMod, helloGoSum)
	dns := fixtures.DNS(b, fixtures.DNSZone{})
	environ := sb.Environ(append(contain, resolverEnv+"="+dns.Addr)...)
	for _, timeout := range []string{"2s", "10s"} {
		b.Run("doctor-timeout-"+timeout, func(b *testing.B) {
			for range b.N {
				if code, out := runCLI(environ, "-C", dir, "--timeout", timeout, "--check", "proxy"); code != 1 || !strings.Contains(out, "PROXY_TIMEOUT") {
					b.Fatalf("exit %d:\n%s", code, out)
				}
			}
		})
	}
	b.Run("go-mod-download", func(b *testing.B) {
		killed := 0
		for range b.N {
			ctx, cancel := context.WithTimeout(context.Background(), goBound)
			cmd := exec.CommandContext(ctx, "go", "mod", "download")
			cmd.Dir = dir
			cmd.Env = environ
			cmd.WaitDelay = time.Second
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				killed++
			} else if err == nil {
				b.Fatalf("go mod download succeeded on a hanging proxy:\n%s", out)
			}
			cancel()
		}
		b.ReportMetric(float64(killed)/float64(b.N), "killed/op")
	})
}
