//go:build linux

package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// A GOENV file this user cannot read or write is a matter of who runs
// --fix. As root (CI machines) these tests run the doctor as nobody
// (65534), for real: a copy of this test binary named gomoddoctor runs
// main (testscript.Main) as that user. As any other user they run it as
// themselves.

// userSandbox is a sandbox owned by the user the doctor runs as, with
// the gomoddoctor command that user can run.
type userSandbox struct {
	*fixtures.Sandbox
	bin    string
	asRoot bool
}

func newUserSandbox(t *testing.T) *userSandbox {
	t.Helper()
	sb := fixtures.NewSandbox(t, "http://127.0.0.1:1/mod")
	u := &userSandbox{Sandbox: sb, asRoot: fixtures.AsNobody()}
	u.Vars["GOCACHE"] = filepath.Join(sb.Root, "gocache")
	u.bin = fixtures.CopyTestBinary(t, filepath.Join(sb.Root, "bin", "gomoddoctor"))
	if u.asRoot {
		// nobody must reach the sandbox and the test binary, and own the
		// sandbox.
		fixtures.OpenUp(filepath.Dir(sb.Root))
		fixtures.ChownTree(sb.Root, fixtures.Nobody)
	}
	return u
}

// writeFile writes a file of the sandbox, owned by its user.
func (u *userSandbox) writeFile(t *testing.T, path, content string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	if u.asRoot {
		os.Chown(path, fixtures.Nobody, fixtures.Nobody)
	}
}

// doctor runs gomoddoctor as the sandbox's user; it returns the exit
// code and the standard output (the standard error is logged).
func (u *userSandbox) doctor(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(u.bin, args...)
	cmd.Dir = u.Root
	cmd.Env = append(u.Environ(contain...), "TMPDIR="+u.Root, "CGO_ENABLED=0")
	fixtures.RunAsNobody(cmd)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	t.Logf("gomoddoctor %v: standard error:\n%s", args, stderr.String())
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("gomoddoctor %v: %v\n%s", args, err, out)
		}
		code = ee.ExitCode()
	}
	return code, string(out)
}

// snapshot is a file's content and mode, read as root.
type snapshot struct {
	data string
	mode fs.FileMode
}

func snap(t *testing.T, path string) snapshot {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil && os.Geteuid() == 0 {
		t.Fatal(err)
	}
	return snapshot{string(data), fi.Mode()}
}

// A GOENV file this user cannot read: the go command ignores it and
// 'go env -w' fails on it. --fix fails too, and says why and what to do.
func TestFixUnreadableGOENV(t *testing.T) {
	u := newUserSandbox(t)
	file := u.Vars["GOENV"]
	u.writeFile(t, file, "GOPRIVATE=corp.example\nGO111MODULE=off\n", 0o000)
	before := snap(t, file)
	code, out := u.doctor(t, "--check", "env", "--fix", "--yes", "--json")
	if code != 1 {
		t.Errorf("exit %d, want 1:\n%s", code, out)
	}
	var rep struct {
		Fix struct{ Result, Error string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if rep.Fix.Result != "failed" {
		t.Errorf("fix result %q, want failed", rep.Fix.Result)
	}
	for _, want := range []string{"cannot read the GOENV file " + file, "permission denied", "chmod u+rw " + file} {
		if !strings.Contains(rep.Fix.Error, want) {
			t.Errorf("the error lacks %q: %s", want, rep.Fix.Error)
		}
	}
	if snap(t, file) != before {
		t.Errorf("the GOENV file changed: %+v, was %+v", snap(t, file), before)
	}
	if _, err := os.Stat(file + ".gomoddoctor"); !os.IsNotExist(err) {
		t.Errorf("--fix left a backup directory: %v", err)
	}
}
