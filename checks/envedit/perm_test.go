//go:build linux

package envedit

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomoddoctor/gomoddoctor/fixtures"
)

// Who may write the GOENV file is a matter of the user that runs --fix.
// As root (CI machines) the test re-runs this test binary as nobody
// (65534) to make the change; as any other user it runs as itself.

// TestEnveditHelperProcess is not a test: run by TestApplyReadOnly, it
// removes GO111MODULE from the GOENV file $GOENV_FILE and prints the
// error of Apply.
func TestEnveditHelperProcess(t *testing.T) {
	if os.Getenv("GOMODDOCTOR_HELPER") != "envedit" {
		return
	}
	ed := &Editor{File: os.Getenv("GOENV_FILE"), Go: goCommand("", os.Environ())}
	changes := []Change{{Key: "GO111MODULE", Unset: true}}
	ctx := context.Background()
	p, err := ed.Preview(ctx, changes)
	if err == nil {
		_, err = ed.Apply(ctx, changes, p)
	}
	fmt.Println(err)
	os.Exit(0)
}

// A GOENV file this user cannot write, or in a directory this user
// cannot write ('go env -w' fails on both): Apply says which and what to
// do, changes nothing, and leaves no backup behind, even where a backup
// directory of an earlier run is still writable.
func TestApplyReadOnly(t *testing.T) {
	asRoot := fixtures.AsNobody()
	// One copy of this test binary that nobody can run, for every case.
	bin := fixtures.CopyTestBinary(t, filepath.Join(t.TempDir(), "envedit.test"))
	if asRoot {
		fixtures.OpenUp(filepath.Dir(bin))
	}
	for _, tc := range []struct {
		name              string
		fileMode, dirMode fs.FileMode
		want              []string
	}{
		{"file", 0o444, 0o755, []string{"it is not writable by this user (permission denied)", "chmod u+w {file}"}},
		{"directory", 0o644, 0o555, []string{"its directory {dir} is not writable by this user (permission denied)", "chmod u+w {dir}"}},
		// The backups' directory left by a run as root.
		{"backups", 0o644, 0o755, []string{"the directory of its backups, {state}, is not writable by this user (permission denied", "chown -R $(id -u):$(id -g) {state}"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			home := filepath.Join(root, "home")
			dir := filepath.Join(home, ".config", "go")
			file := filepath.Join(dir, "env")
			state := stateDir(file)
			for _, d := range []string{filepath.Join(dir, "telemetry"), state} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			os.WriteFile(filepath.Join(dir, "telemetry", "mode"), []byte("off"), 0o644)
			const content = "# mine\nGO111MODULE=off\n"
			if err := os.WriteFile(file, []byte(content), tc.fileMode); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "-test.run=^TestEnveditHelperProcess$")
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + root, "GOTOOLCHAIN=local", "CGO_ENABLED=0",
				"GOCACHE=" + filepath.Join(root, "gocache"), "GOMODDOCTOR_HELPER=envedit", "GOENV_FILE=" + file}
			if asRoot {
				// nobody must reach the directory and own what is in it.
				fixtures.OpenUp(root)
				fixtures.ChownTree(root, fixtures.Nobody)
				fixtures.RunAsNobody(cmd)
			}
			os.Chmod(dir, tc.dirMode)
			defer os.Chmod(dir, 0o755)
			if tc.name == "backups" {
				if !asRoot {
					t.Skip("needs a directory of another user")
				}
				os.Chown(state, 0, 0)
				os.Chmod(state, 0o700)
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			msg := strings.TrimSpace(string(out))
			r := strings.NewReplacer("{file}", file, "{dir}", dir, "{state}", state)
			for _, w := range append(tc.want, "cannot change the GOENV file "+file) {
				if w = r.Replace(w); !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "tmp-") {
				t.Errorf("the error names a temporary file: %s", msg)
			}
			fi, err := os.Stat(file)
			if err != nil || fi.Mode().Perm() != tc.fileMode || read(t, file) != content {
				t.Errorf("the GOENV file changed: %v %v %q", err, fi.Mode(), read(t, file))
			}
			entries, _ := os.ReadDir(state)
			for _, e := range entries {
				if e.Name() != "lock" {
					t.Errorf("Apply left %s in %s", e.Name(), state)
				}
			}
		})
	}
}
