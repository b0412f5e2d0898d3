//go:build unix

package checktest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// A User runs the test binary's helper and other commands as
// fixtures.Nobody when the test runs as root (mode bits do not stop root), else as the
// test's own user.
type User struct {
	Root    string // a directory Nobody can reach, for the test's files
	Environ []string
	bin     string
	helper  string
	as      bool
}

// NewUser prepares the commands of a permission test; helper names the
// test function (a TestXxxHelperProcess calling HelperProcess) that runs
// the check in the test binary.
func NewUser(t *testing.T, helper string) *User {
	t.Helper()
	u := &User{Root: t.TempDir(), helper: helper, as: fixtures.AsNobody()}
	home := filepath.Join(u.Root, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	u.Environ = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "GOENV=off", "GOPATH=" + filepath.Join(home, "go"),
		"GOCACHE=" + filepath.Join(home, "cache"), "GOPROXY=off", "GOTOOLCHAIN=local", "GOFLAGS=", "GOWORK=off", "GOTELEMETRY=off"}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	u.bin = exe
	if !u.as {
		return u
	}
	fixtures.OpenUp(u.Root)
	u.bin = fixtures.CopyTestBinary(t, filepath.Join(u.Root, "checks.test"))
	os.Chown(home, fixtures.Nobody, fixtures.Nobody)
	return u
}

// Command is name run as the user in dir.
func (u *User) Command(dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, u.Environ
	return fixtures.RunAsNobody(cmd)
}

// Chown gives path to the user (when the test runs as root).
func (u *User) Chown(t *testing.T, path string) {
	t.Helper()
	if u.as {
		if err := os.Lchown(path, fixtures.Nobody, fixtures.Nobody); err != nil {
			t.Fatal(err)
		}
	}
}

// Doctor runs the helper's check as the user, on the environment the go
// command reports in dir, and returns its result.
func (u *User) Doctor(t *testing.T, dir string) checks.CheckResult {
	t.Helper()
	cmd := u.Command(u.Root, u.bin, "-test.run=^"+u.helper+"$")
	// GORACE: a race-enabled binary otherwise sleeps a second at exit.
	cmd.Env = append(cmd.Env, "GOMODDOCTOR_HELPER_DIR="+dir, "GORACE=atexit_sleep_ms=0")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the doctor as the user: %v\n%s", err, stderr.String())
	}
	var r checks.CheckResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("the doctor as the user printed %q: %v", out, err)
	}
	return r
}

// HelperProcess is the body of a TestXxxHelperProcess: run by
// User.Doctor, it runs c in the directory it is given, prints the result
// and exits; run as a test, it does nothing.
func HelperProcess(c *checks.Check) {
	dir := os.Getenv("GOMODDOCTOR_HELPER_DIR")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: dir, Environ: os.Environ()})
	r := checks.Runner{Strict: true}.Run(ctx, env, []*checks.Check{c})[0]
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(0)
}
