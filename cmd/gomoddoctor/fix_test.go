package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// hostGOROOT is the real Go installation.
var hostGOROOT = sync.OnceValue(func() string {
	cmd := exec.Command("go", "env", "GOROOT")
	cmd.Env = append(os.Environ(), "GOENV=off", "GOROOT=")
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
})

// cmdFakeGOROOT makes DIR a Go installation that is the real one (each
// entry a symbolic link to it) but for its defaults in go.env, those of
// the real one with KEY=VALUE replaced or added, so that a script can
// give the toolchain a loopback default GOPROXY: fakegoroot DIR KEY=VALUE...
func cmdFakeGOROOT(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: fakegoroot DIR KEY=VALUE...")
	}
	real := hostGOROOT()
	if real == "" {
		ts.Fatalf("cannot find the real GOROOT")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	entries, err := os.ReadDir(real)
	ts.Check(err)
	for _, e := range entries {
		if e.Name() == "go.env" {
			continue
		}
		ts.Check(os.Symlink(filepath.Join(real, e.Name()), filepath.Join(dir, e.Name())))
	}
	data, err := os.ReadFile(filepath.Join(real, "go.env"))
	ts.Check(err)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	for _, kv := range args[1:] {
		key, _, ok := strings.Cut(kv, "=")
		if !ok {
			ts.Fatalf("fakegoroot: %q is not KEY=VALUE", kv)
		}
		replaced := false
		for i, l := range lines {
			if strings.HasPrefix(l, key+"=") {
				lines[i], replaced = kv, true
			}
		}
		if !replaced {
			lines = append(lines, kv)
		}
	}
	ts.Check(os.WriteFile(filepath.Join(dir, "go.env"), []byte(strings.Join(lines, "\n")+"\n"), 0o644))
}

// cmdWaitFile waits, at most 30 seconds, for a file to exist: waitfile FILE.
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.Fatalf("%s did not appear within 30s", args[0])
}

// cmdGoEnvValid asserts that the go command reads a GOENV file without
// complaint and that every line of it is KEY=VALUE: goenvvalid FILE.
func cmdGoEnvValid(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: goenvvalid FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if len(data) == 0 {
			break
		}
		if k, _, ok := strings.Cut(line, "="); !ok || k == "" || strings.ToUpper(k) != k {
			ts.Fatalf("%s line %d is not KEY=VALUE: %q", args[0], i+1, line)
		}
	}
	if !bytes.HasSuffix(data, []byte("\n")) && len(data) > 0 {
		ts.Fatalf("%s does not end in a newline", args[0])
	}
	cmd := exec.Command("go", "env", "-json")
	cmd.Env = append(os.Environ(), "GOENV="+ts.MkAbs(args[0]), "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		ts.Fatalf("go env with %s: %v\n%s", args[0], err, out)
	}
}
