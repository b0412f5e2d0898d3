package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
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
// complaint and that every line of it is KEY=VALUE, a comment or blank,
// ending in a newline: goenvvalid FILE.
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
		if line == "" || strings.HasPrefix(line, "#") {
			continue
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

// cmdWriteLines writes a file of lines (a GOENV file with values that
// name the script's servers): writelines FILE LINE...
func cmdWriteLines(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: writelines FILE LINE...")
	}
	path := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(path), 0o755))
	var b strings.Builder
	for _, l := range args[1:] {
		b.WriteString(l + "\n")
	}
	ts.Check(os.WriteFile(path, []byte(b.String()), 0o644))
}

// cmdServeMirror starts a module proxy on 127.0.0.1 that serves the
// script's fixture modules, each answer DELAY late, and sets $VAR to its
// GOPROXY URL: servemirror VAR DELAY.
func cmdServeMirror(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: servemirror VAR DELAY")
	}
	delay, err := time.ParseDuration(args[1])
	ts.Check(err)
	fx := ts.Value(scriptFixturesKey{}).(*scriptFixtures)
	back := strings.TrimSuffix(fx.proxy, "/mod")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		res, err := http.Get(back + r.URL.Path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		w.WriteHeader(res.StatusCode)
		io.Copy(w, res.Body)
	})
	srv := fixtures.HTTPServer(scriptTB{TB: fx.t, ts: ts}, h)
	ts.Setenv(args[0], srv.URL+"/mod")
}

// cmdNoGlob asserts that no file matches a pattern: noglob PATTERN.
func cmdNoGlob(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: noglob PATTERN")
	}
	m, err := filepath.Glob(ts.MkAbs(args[0]))
	ts.Check(err)
	if len(m) > 0 {
		ts.Fatalf("files match %s: %v", args[0], m)
	}
}

// cmdServeGit starts the origin of a private module: a git server for
// the made-up host git.corp.test holding git.corp.test/lib at v1.0.0,
// reached through a CONNECT proxy on 127.0.0.1 (nothing resolves the
// name), and sets what the go command, git and the doctor need to reach
// it: HTTPS_PROXY (plain HTTP still goes to a closed port),
// SSL_CERT_FILE and GIT_SSL_CAINFO: servegit.
func cmdServeGit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: servegit")
	}
	fx := ts.Value(scriptFixturesKey{}).(*scriptFixtures)
	tb := scriptTB{TB: fx.t, ts: ts}
	if _, err := exec.LookPath("git"); err != nil {
		ts.Fatalf("git is not installed (guard the script with [!exec:git] skip)")
	}
	gs := fixtures.NewGitServer(tb, "git.corp.test", "", "")
	gs.AddModule(tb, "lib", map[string]string{
		"go.mod": "module git.corp.test/lib\n\ngo 1.21\n",
		"lib.go": "package lib\n\nfunc Name() string { return \"lib\" }\n",
	}, "v1.0.0")
	for _, kv := range gs.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		ts.Setenv(k, v)
	}
}
