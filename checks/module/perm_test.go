//go:build unix

package module

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/checks/checktest"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// TestModuleHelperProcess is not a test: run by checktest.User.Doctor,
// it runs the module check as another user.
func TestModuleHelperProcess(t *testing.T) { checktest.HelperProcess(Check) }

// A go.mod this user cannot read, and a module directory this user
// cannot enter. A go.mod this user cannot read: the go command fails "go: open
// .../go.mod: permission denied". The fix is about the file's
// permissions (not 'go mod edit -json', which fails the same way): chmod
// for the user's own file, a change of owner for another user's. Each
// fix, run, lets the go command read the module. Run as nobody when the
// tests run as root.
// A directory it cannot enter: the module check does not claim there is
// no module; it says it cannot tell.
func TestModuleUnreadable(t *testing.T) {
	u := checktest.NewUser(t, "TestModuleHelperProcess")
	t.Run("directory", func(t *testing.T) {
		dir := filepath.Join(u.Root, "app")
		checktest.WriteTree(t, dir, map[string]string{"go.mod": "module example.test/app\n\ngo 1.21\n"})
		u.Chown(t, dir)
		if err := os.Chmod(dir, 0); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o755)
		r := u.Doctor(t, dir)
		if !strings.Contains(r.SkipReason, dir+" cannot be entered") {
			t.Fatalf("skip reason %q, want it to name %s", r.SkipReason, dir)
		}
	})
	for _, tc := range []struct {
		name   string
		mine   bool
		want   func(gomod string) string
		asRoot bool // the fix needs root (sudo)
	}{
		{name: "own file", mine: true, want: func(p string) string { return "chmod u+r " + p }},
		{name: "foreign file", want: func(p string) string { return "sudo chown " + strconv.Itoa(fixtures.Nobody) + " " + p }, asRoot: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.mine && os.Geteuid() != 0 {
				t.Skip("needs root to make a file owned by another user")
			}
			dir := filepath.Join(u.Root, strings.ReplaceAll(tc.name, " ", "-"))
			checktest.WriteTree(t, dir, map[string]string{"go.mod": "module example.test/app\n\ngo 1.21\n"})
			gomod := filepath.Join(dir, "go.mod")
			u.Chown(t, dir)
			mode := os.FileMode(0)
			if tc.mine {
				u.Chown(t, gomod)
			} else {
				mode = 0o600 // root's, readable by root only
			}
			if err := os.Chmod(gomod, mode); err != nil {
				t.Fatal(err)
			}

			out, err := u.Command(dir, "go", "list", "-m").CombinedOutput()
			if err == nil || !strings.Contains(string(out), "go: open "+gomod+": permission denied") {
				t.Fatalf("go list -m: %v\n%s", err, out)
			}
			r := u.Doctor(t, dir)
			f := checktest.Finding(r, "MODULE_GOMOD_INVALID")
			if f == nil || f.Subject != gomod || !strings.Contains(f.Message, "permission denied") {
				t.Fatalf("no MODULE_GOMOD_INVALID about the permissions of %s:\n%s", gomod, checktest.Dump(r))
			}
			want := tc.want(gomod)
			if got := checktest.FixCommands(r, "MODULE_GOMOD_INVALID"); got != want {
				t.Fatalf("fix %q, want %q", got, want)
			}
			fix := u.Command(dir, "sh", "-c", want)
			if tc.asRoot {
				fix.Args = []string{"sh", "-c", strings.TrimPrefix(want, "sudo ")}
				fix.SysProcAttr = nil
			}
			if out, err := fix.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", want, err, out)
			}
			if out, err := u.Command(dir, "go", "list", "-m").CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "example.test/app" {
				t.Fatalf("after the fix: go list -m: %v\n%s", err, out)
			}
		})
	}
}
