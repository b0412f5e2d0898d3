package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkRunOverhead measures what 'gomoddoctor run --' adds to a go
// command that succeeds ('go env GOVERSION'; the target is under 50ms: no
// check runs, nothing is read but the command line):
//
//   - go: the go command alone;
//   - inprocess: the run command called in this process, which starts the
//     go command: its ns/op minus go's is what gomoddoctor's code adds;
//   - gomoddoctor-run: the built binary, as a user runs it: minus go's,
//     the whole overhead, including starting one more process;
//   - empty-go-program: an empty Go program started and waited for, the
//     floor of starting any process of a Go program on this machine.
func BenchmarkRunOverhead(b *testing.B) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		b.Skip("no go command")
	}
	bin := filepath.Join(b.TempDir(), "gomoddoctor")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	execLoop := func(b *testing.B, name string, args ...string) {
		for b.Loop() {
			cmd := exec.Command(name, args...)
			cmd.Env = os.Environ()
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
		}
	}
	empty := filepath.Join(b.TempDir(), "empty")
	src := filepath.Join(b.TempDir(), "empty.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command(goBin, "build", "-o", empty, src).CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	b.Run("go", func(b *testing.B) { execLoop(b, goBin, "env", "GOVERSION") })
	b.Run("inprocess", func(b *testing.B) {
		for b.Loop() {
			var out, errOut bytes.Buffer
			s := streams{in: strings.NewReader(""), out: &out, err: &errOut, environ: os.Environ(), signals: []os.Signal{}}
			if code := run(s, []string{"run", "--", goBin, "env", "GOVERSION"}); code != 0 || errOut.Len() > 0 {
				b.Fatalf("exit %d: %s", code, errOut.String())
			}
		}
	})
	b.Run("gomoddoctor-run", func(b *testing.B) { execLoop(b, bin, "run", "--", goBin, "env", "GOVERSION") })
	b.Run("empty-go-program", func(b *testing.B) { execLoop(b, empty) })
}
