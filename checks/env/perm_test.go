//go:build unix

package env

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
)

// TestEnvHelperProcess is not a test: run by checktest.User.Doctor, it
// runs the env check as another user.
func TestEnvHelperProcess(t *testing.T) { checktest.HelperProcess(Check) }

// A module directory this user cannot enter (mode 000): os/exec reports
// "fork/exec .../go: permission denied", blaming the go binary. The env
// check names the directory instead, with the chmod that makes it
// usable; the go command agrees (it cannot chdir there) and works after
// the fix. Run as nobody when the tests run as root.
func TestEnvUnreadableDirectory(t *testing.T) {
	u := checktest.NewUser(t, "TestEnvHelperProcess")
	dir := filepath.Join(u.Root, "app")
	checktest.WriteTree(t, dir, map[string]string{"go.mod": "module example.test/app\n\ngo 1.21\n"})
	u.Chown(t, dir)
	u.Chown(t, filepath.Join(dir, "go.mod"))
	if err := os.Chmod(dir, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)

	out, err := u.Command(u.Root, "go", "-C", dir, "env", "GOMOD").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "go: chdir "+dir+": permission denied") {
		t.Fatalf("go -C %s env GOMOD: %v\n%s", dir, err, out)
	}

	r := u.Doctor(t, dir)
	f := checktest.Finding(r, "GO_DIR_UNREADABLE")
	if f == nil || f.Subject != dir || !strings.Contains(f.Message, dir) {
		t.Fatalf("no GO_DIR_UNREADABLE naming %s:\n%s", dir, checktest.Dump(r))
	}
	if d := checktest.Dump(r); strings.Contains(d, "fork/exec") || strings.Contains(d, "GO_ENV_FAILED") {
		t.Errorf("the go binary is blamed:\n%s", d)
	}
	want := "chmod u+rx " + dir
	if got := checktest.FixCommands(r, "GO_DIR_UNREADABLE"); got != want {
		t.Fatalf("fix %q, want %q", got, want)
	}
	if out, err := u.Command(u.Root, "sh", "-c", want).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", want, err, out)
	}
	if out, err := u.Command(u.Root, "go", "-C", dir, "env", "GOMOD").CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != filepath.Join(dir, "go.mod") {
		t.Fatalf("after the fix: go env GOMOD: %v\n%s", err, out)
	}
}
