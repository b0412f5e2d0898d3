package envedit

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/lockedfile"
)

// editor returns an Editor for a GOENV file in a new directory, running
// the real go command in a clean environment of its own.
func editor(t *testing.T, content string) *Editor {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "config", "go", "env")
	if content != "" {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	home := filepath.Join(dir, "home")
	// Telemetry off, as fixtures.Prepare does: the go command otherwise
	// writes counters under HOME from background processes, racing the
	// removal of the test's directory. (GOTELEMETRY in the environment
	// does not turn it off; the mode file does.)
	tdir := filepath.Join(home, ".config", "go", "telemetry")
	if err := os.MkdirAll(tdir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tdir, "mode"), []byte("off"), 0o644); err != nil {
		t.Fatal(err)
	}
	return &Editor{
		File:     file,
		Go:       goCommand(dir, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "GOTOOLCHAIN=local"}),
		LockWait: 5 * time.Second,
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func listDir(t *testing.T, dir string) string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil {
			names = append(names, strings.TrimPrefix(p, dir))
		}
		return nil
	})
	return strings.Join(names, "\n")
}

const original = "# my settings\nGOPRIVATE=corp.example\nGOPROXY=off\nGO111MODULE=off\n"

func TestApplyAndUndo(t *testing.T) {
	ed := editor(t, original)
	ctx := context.Background()
	changes := []Change{{Key: "GOPROXY", Unset: true}, {Key: "GO111MODULE", Unset: true}, {Key: "GOFLAGS", Value: "-modcacherw"}, {Key: "GOINSECURE", Unset: true}}
	dir := filepath.Dir(filepath.Dir(ed.File))
	listing := listDir(t, dir)
	p, err := ed.Preview(ctx, changes)
	if err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, dir); got != listing || read(t, ed.File) != original {
		t.Fatalf("Preview wrote next to the file:\n%s", got)
	}
	want := "# my settings\nGOFLAGS=-modcacherw\nGOPRIVATE=corp.example\n"
	if string(p.After) != want || !p.Changed() {
		t.Fatalf("after:\n%s\nwant:\n%s", p.After, want)
	}
	if d := p.Diff(); !strings.Contains(d, "-GOPROXY=off\n") || !strings.Contains(d, "+GOFLAGS=-modcacherw\n") || strings.HasPrefix(d, "diff ") {
		t.Errorf("diff:\n%s", d)
	}
	b, err := ed.Apply(ctx, changes, p)
	if err != nil {
		t.Fatal(err)
	}
	if read(t, ed.File) != want {
		t.Fatalf("file:\n%s", read(t, ed.File))
	}
	if fi, _ := os.Stat(ed.File); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	if read(t, b.DataPath) != original {
		t.Errorf("backup:\n%s", read(t, b.DataPath))
	}
	if entries, _ := filepath.Glob(filepath.Join(stateDir(ed.File), "tmp-*")); len(entries) > 0 {
		t.Errorf("copies left: %v", entries)
	}

	// Idempotent: the same change again changes nothing.
	p2, err := ed.Preview(ctx, changes)
	if err != nil || p2.Changed() {
		t.Errorf("a second change would change the file (%v):\n%s", err, p2.Diff())
	}

	u, err := Undo(ctx, ed.File, false, false, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if read(t, ed.File) != original || !strings.Contains(u.Diff(), "+GOPROXY=off") {
		t.Errorf("undo: file\n%s\ndiff\n%s", read(t, ed.File), u.Diff())
	}
	if fi, _ := os.Stat(ed.File); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode after undo %v, want 0640", fi.Mode().Perm())
	}
	if _, err := Undo(ctx, ed.File, false, false, time.Second); !errors.Is(err, ErrNoBackup) {
		t.Errorf("a second undo: %v", err)
	}
}

// Undo goes back one --fix at a time.
func TestUndoStack(t *testing.T) {
	ed := editor(t, original)
	ctx := context.Background()
	apply := func(c Change) {
		p, err := ed.Preview(ctx, []Change{c})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ed.Apply(ctx, []Change{c}, p); err != nil {
			t.Fatal(err)
		}
	}
	apply(Change{Key: "GOPROXY", Unset: true})
	middle := read(t, ed.File)
	apply(Change{Key: "GO111MODULE", Unset: true})
	if _, err := Undo(ctx, ed.File, false, false, time.Second); err != nil || read(t, ed.File) != middle {
		t.Fatalf("first undo (%v):\n%s", err, read(t, ed.File))
	}
	if _, err := Undo(ctx, ed.File, false, false, time.Second); err != nil || read(t, ed.File) != original {
		t.Fatalf("second undo (%v):\n%s", err, read(t, ed.File))
	}
}

// A file that did not exist is created, and undo removes it again.
func TestApplyCreatesFile(t *testing.T) {
	ed := editor(t, "")
	ctx := context.Background()
	changes := []Change{{Key: "GOPROXY", Value: "https://alice:pw-9f1@goproxy.corp.example,direct"}, {Key: "GOSUMDB", Unset: true}}
	p, err := ed.Preview(ctx, changes)
	if err != nil {
		t.Fatal(err)
	}
	if p.Existed || !p.Changed() {
		t.Fatalf("preview %+v", p)
	}
	if _, err := ed.Apply(ctx, changes, p); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ed.File); got != "GOPROXY=https://alice:pw-9f1@goproxy.corp.example,direct\n" {
		t.Fatalf("file %q", got)
	}
	if _, err := Undo(ctx, ed.File, false, false, time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ed.File); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("undo left the file: %v", err)
	}

	// Removing keys from a file that does not exist changes nothing.
	p, err = ed.Preview(ctx, []Change{{Key: "GOSUMDB", Unset: true}})
	if err != nil || p.Changed() {
		t.Errorf("%v %+v", err, p)
	}
}

// A GOENV file that is a symbolic link (into a dotfiles repository)
// stays one: the target is changed.
func TestApplyFollowsSymlink(t *testing.T) {
	ed := editor(t, original)
	ctx := context.Background()
	target := ed.File
	link := filepath.Join(filepath.Dir(filepath.Dir(target)), "link-env")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	ed.File = link
	changes := []Change{{Key: "GOPROXY", Unset: true}}
	p, err := ed.Preview(ctx, changes)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Apply(ctx, changes, p); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link is no longer a link: %v", err)
	}
	if strings.Contains(read(t, target), "GOPROXY") {
		t.Errorf("target not changed:\n%s", read(t, target))
	}
	if _, err := Undo(ctx, link, false, false, time.Second); err != nil || read(t, target) != original {
		t.Errorf("undo through the link (%v):\n%s", err, read(t, target))
	}
}

// The go command must be able to start whatever the file holds: the
// variables given, and each new value, are in its environment.
func TestApplyRepairsBrokenFile(t *testing.T) {
	ed := editor(t, "GOROOT=/nonexistent/go\nGOPATH=relative/dir\n")
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skip(err)
	}
	ed.Vars = map[string]string{"GOROOT": strings.TrimSpace(string(out))}
	abs := filepath.Join(t.TempDir(), "gopath")
	changes := []Change{{Key: "GOROOT", Unset: true}, {Key: "GOPATH", Value: abs}}
	ctx := context.Background()
	p, err := ed.Preview(ctx, changes)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Apply(ctx, changes, p); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ed.File); got != "GOPATH="+abs+"\n" {
		t.Errorf("file %q", got)
	}
}

// The go command refusing a value stops everything: the file is as it
// was, and no backup is left to undo.
func TestApplyRefusedValue(t *testing.T) {
	ed := editor(t, original)
	ctx := context.Background()
	_, err := ed.Preview(ctx, []Change{{Key: "GOPROXY", Unset: true}, {Key: "GOPATH", Value: "~/go"}})
	if err == nil || !strings.Contains(err.Error(), "GOPATH") {
		t.Fatalf("err %v", err)
	}
	if read(t, ed.File) != original {
		t.Errorf("file changed")
	}
}

// Stopped at either stage, the file is the old one, and undo has
// nothing to restore.
func TestApplyStoppedLeavesOldFile(t *testing.T) {
	for _, stage := range []string{"backup", "commit"} {
		t.Run(stage, func(t *testing.T) {
			ed := editor(t, original)
			ctx := context.Background()
			changes := []Change{{Key: "GOPROXY", Unset: true}}
			p, err := ed.Preview(ctx, changes)
			if err != nil {
				t.Fatal(err)
			}
			ed.Hook = func(_ context.Context, s string) error {
				if s == stage {
					return errors.New("stopped")
				}
				return nil
			}
			if _, err := ed.Apply(ctx, changes, p); err == nil {
				t.Fatal("no error")
			}
			if read(t, ed.File) != original {
				t.Fatalf("file changed:\n%s", read(t, ed.File))
			}
			if _, err := Undo(ctx, ed.File, false, false, time.Second); !errors.Is(err, ErrNoBackup) {
				t.Errorf("undo: %v", err)
			}
			// The next run cleans up and works.
			ed.Hook = nil
			if _, err := ed.Apply(ctx, changes, p); err != nil {
				t.Fatal(err)
			}
			if got := listDir(t, stateDir(ed.File)); strings.Count(got, "backup-") != 2 || strings.Contains(got, "tmp-") {
				t.Errorf("state directory:\n%s", got)
			}
		})
	}
}

// Concurrent runs: exactly one applies its change, the others find the
// file changed and leave it alone; the file is whole.
func TestApplyConcurrent(t *testing.T) {
	ed := editor(t, original)
	ctx := context.Background()
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	previews := make([]*Preview, n)
	changes := make([][]Change, n)
	for i := range n {
		changes[i] = []Change{{Key: "GOFLAGS", Value: "-p=" + string(rune('1'+i))}}
		p, err := ed.Preview(ctx, changes[i])
		if err != nil {
			t.Fatal(err)
		}
		previews[i] = p
	}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = ed.Apply(ctx, changes[i], previews[i])
		}()
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
			if read(t, ed.File) != string(previews[i].After) {
				t.Errorf("the file is not the winner's:\n%s", read(t, ed.File))
			}
		case !errors.Is(err, ErrChanged):
			t.Errorf("run %d: %v", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d runs applied their change, want 1", ok)
	}
}

// A run waits for the lock a bounded time.
func TestApplyLockTimeout(t *testing.T) {
	ed := editor(t, original)
	ed.LockWait = 200 * time.Millisecond
	ctx := context.Background()
	changes := []Change{{Key: "GOPROXY", Unset: true}}
	p, err := ed.Preview(ctx, changes)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(stateDir(ed.File), 0o700)
	unlock, err := lockedfile.MutexAt(filepath.Join(stateDir(ed.File), "lock")).Lock()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = ed.Apply(ctx, changes, p)
	unlock()
	if err == nil || !strings.Contains(err.Error(), "another gomoddoctor") || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	if _, err := ed.Apply(ctx, changes, p); err != nil {
		t.Fatalf("after the lock was released: %v", err)
	}
}

// A file changed after the plan is not overwritten; one changed after
// the fix is not undone without force, and force saves it.
func TestChangedFiles(t *testing.T) {
	ed := editor(t, original)
	ctx := context.Background()
	changes := []Change{{Key: "GOPROXY", Unset: true}}
	p, err := ed.Preview(ctx, changes)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(ed.File, []byte(original+"GOFLAGS=-v\n"), 0o640)
	if _, err := ed.Apply(ctx, changes, p); !errors.Is(err, ErrChanged) {
		t.Fatalf("err %v", err)
	}
	os.WriteFile(ed.File, []byte(original), 0o640)
	if _, err := ed.Apply(ctx, changes, p); err != nil {
		t.Fatal(err)
	}
	edited := read(t, ed.File) + "GOFLAGS=-v\n"
	os.WriteFile(ed.File, []byte(edited), 0o640)
	var mod *ModifiedError
	if _, err := Undo(ctx, ed.File, false, false, time.Second); !errors.As(err, &mod) {
		t.Fatalf("err %v", err)
	}
	if read(t, ed.File) != edited {
		t.Fatal("undo without force changed the file")
	}
	u, err := Undo(ctx, ed.File, true, false, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if read(t, ed.File) != original || read(t, u.Saved) != edited {
		t.Errorf("forced undo: file\n%s\nsaved\n%s", read(t, ed.File), read(t, u.Saved))
	}
}

// Run as root (sudo), the file stays its owner's, through --fix and undo.
func TestApplyKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	ed := editor(t, original)
	const nobody = 65534
	if err := os.Chown(ed.File, nobody, nobody); err != nil {
		t.Skip(err)
	}
	ctx := context.Background()
	changes := []Change{{Key: "GOPROXY", Unset: true}}
	p, err := ed.Preview(ctx, changes)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Apply(ctx, changes, p); err != nil {
		t.Fatal(err)
	}
	owner := func() int {
		fi, err := os.Stat(ed.File)
		if err != nil {
			t.Fatal(err)
		}
		return ownerOf(fi)
	}
	if o := owner(); o != nobody {
		t.Errorf("owner after --fix: %d", o)
	}
	if _, err := Undo(ctx, ed.File, false, false, time.Second); err != nil {
		t.Fatal(err)
	}
	if o := owner(); o != nobody {
		t.Errorf("owner after undo: %d", o)
	}
}

// Two rounds of one --fix run share one backup: one undo restores the
// file as it was before the run, byte for byte; interrupted between the
// rounds' record and rename, undo still does. A file the first round
// created is removed by the one undo.
func TestApplyAfterSharesOneBackup(t *testing.T) {
	ctx := context.Background()
	round := func(t *testing.T, ed *Editor, prev *Backup, c Change) *Backup {
		t.Helper()
		p, err := ed.Preview(ctx, []Change{c})
		if err != nil {
			t.Fatal(err)
		}
		var b *Backup
		if prev == nil {
			b, err = ed.Apply(ctx, []Change{c}, p)
		} else {
			b, err = ed.ApplyAfter(ctx, []Change{c}, p, prev)
		}
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Run("existing file", func(t *testing.T) {
		ed := editor(t, original)
		b := round(t, ed, nil, Change{Key: "GO111MODULE", Unset: true})
		round(t, ed, b, Change{Key: "GOPROXY", Unset: true})
		if got := read(t, ed.File); got != "# my settings\nGOPRIVATE=corp.example\n" {
			t.Fatalf("after two rounds:\n%s", got)
		}
		if backups, _ := filepath.Glob(filepath.Join(stateDir(ed.File), "backup-*.json")); len(backups) != 1 {
			t.Errorf("backups %v, want one", backups)
		}
		if _, err := Undo(ctx, ed.File, false, false, time.Second); err != nil || read(t, ed.File) != original {
			t.Fatalf("undo (%v):\n%s", err, read(t, ed.File))
		}
		if _, err := Undo(ctx, ed.File, false, false, time.Second); !errors.Is(err, ErrNoBackup) {
			t.Errorf("a second undo: %v", err)
		}
	})
	t.Run("stopped before the second rename", func(t *testing.T) {
		ed := editor(t, original)
		b := round(t, ed, nil, Change{Key: "GO111MODULE", Unset: true})
		ed.Hook = func(_ context.Context, stage string) error {
			if stage == "commit" {
				return errors.New("stopped")
			}
			return nil
		}
		p, err := ed.Preview(ctx, []Change{{Key: "GOPROXY", Unset: true}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ed.ApplyAfter(ctx, []Change{{Key: "GOPROXY", Unset: true}}, p, b); err == nil {
			t.Fatal("the hook did not stop ApplyAfter")
		}
		if _, err := Undo(ctx, ed.File, false, false, time.Second); err != nil || read(t, ed.File) != original {
			t.Fatalf("undo (%v):\n%s", err, read(t, ed.File))
		}
	})
	t.Run("created file", func(t *testing.T) {
		ed := editor(t, "")
		b := round(t, ed, nil, Change{Key: "GOFLAGS", Value: "-modcacherw"})
		round(t, ed, b, Change{Key: "GOPRIVATE", Value: "corp.example"})
		if _, err := Undo(ctx, ed.File, false, false, time.Second); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(ed.File); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the file the run created is still there: %v", err)
		}
	})
	t.Run("changed between the rounds", func(t *testing.T) {
		ed := editor(t, original)
		b := round(t, ed, nil, Change{Key: "GO111MODULE", Unset: true})
		if err := os.WriteFile(ed.File, []byte(original+"GOFLAGS=-x\n"), 0o640); err != nil {
			t.Fatal(err)
		}
		p, err := ed.Preview(ctx, []Change{{Key: "GOPROXY", Unset: true}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ed.ApplyAfter(ctx, []Change{{Key: "GOPROXY", Unset: true}}, p, b); !errors.Is(err, ErrChanged) {
			t.Errorf("ApplyAfter on a file changed by someone else: %v", err)
		}
	})
}

// A GOENV file that is a symbolic link to a file not made yet (dotfiles
// managers do this): 'go env -w' writes through it and creates the file
// it names; so does Apply, and undo removes that file, not the link.
func TestApplyDanglingLink(t *testing.T) {
	ed := editor(t, "")
	dir := filepath.Dir(filepath.Dir(ed.File))
	dots := filepath.Join(dir, "dotfiles")
	if err := os.MkdirAll(dots, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(ed.File), 0o755); err != nil {
		t.Fatal(err)
	}
	const dest = "../dotfiles/goenv"
	if err := os.Symlink(dest, ed.File); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dots, "goenv")
	isLink := func() bool {
		fi, err := os.Lstat(ed.File)
		got, _ := os.Readlink(ed.File)
		return err == nil && fi.Mode()&os.ModeSymlink != 0 && got == dest
	}
	ctx := context.Background()

	// What the go command does.
	if _, err := ed.Go(ctx, map[string]string{"GOENV": ed.File}, "env", "-w", "GOFLAGS=-mod=mod"); err != nil {
		t.Fatal(err)
	}
	byGo := read(t, target)
	if !isLink() {
		t.Fatal("go env -w replaced the link")
	}
	os.Remove(target)

	changes := []Change{{Key: "GOFLAGS", Value: "-mod=mod"}}
	p, err := ed.Preview(ctx, changes)
	if err != nil {
		t.Fatal(err)
	}
	if p.Existed || p.File != target {
		t.Errorf("preview of %s (existed %v), want %s", p.File, p.Existed, target)
	}
	if _, err := ed.Apply(ctx, changes, p); err != nil {
		t.Fatal(err)
	}
	if !isLink() {
		t.Fatal("Apply replaced the link")
	}
	if got := read(t, target); got != byGo {
		t.Errorf("Apply wrote %q through the link, go env -w %q", got, byGo)
	}
	if _, err := Undo(ctx, ed.File, false, false, time.Second); err != nil {
		t.Fatal(err)
	}
	if !isLink() {
		t.Fatal("undo removed the link")
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("undo left the file the link names: %v", err)
	}
}

// The change is what 'go env -w' makes of the same bytes, whatever the
// file holds: comments, blank lines, keys that are no Go setting,
// duplicates, lines that are not KEY=VALUE, CRLF, no final newline.
func TestApplyIsGoEnvW(t *testing.T) {
	const content = "# my settings\r\n\nMYNOTE=keep-me\nGOPRIVATE=corp.example\nGOFLAGS=-v\n" +
		"export NOTAKEY=1\nGOPRIVATE=corp.example\nOTHER=x\r\n  indented\n# last line, no newline"
	ed := editor(t, content)
	ctx := context.Background()
	twin := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(twin, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Go(ctx, map[string]string{"GOENV": twin}, "env", "-w", "GOFLAGS=-mod=mod", "GOINSECURE=a.example"); err != nil {
		t.Fatal(err)
	}
	want := read(t, twin)
	changes := []Change{{Key: "GOFLAGS", Value: "-mod=mod"}, {Key: "GOINSECURE", Value: "a.example"}}
	p, err := ed.Preview(ctx, changes)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Apply(ctx, changes, p); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ed.File); got != want || string(p.After) != want {
		t.Errorf("Apply wrote\n%q\n(preview %q)\n'go env -w' writes\n%q", got, p.After, want)
	}
	if !strings.Contains(want, "MYNOTE=keep-me\n") {
		t.Errorf("go env -w dropped MYNOTE: %q", want)
	}
}

// The copy of the GOENV file that the go command changes in Preview (it
// may hold credentials) is nowhere on disk: not in the temporary
// directory, not next to the file, so that a --fix killed outright
// leaves none behind.
func TestPreviewCopyNotOnDisk(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	const secret = "GOPROXY=https://user:s3cret@proxy.corp.example\n"
	ed := editor(t, secret+"GO111MODULE=off\n")
	dir := filepath.Dir(ed.File)
	run := ed.Go
	var seen []string
	ed.Go = func(ctx context.Context, vars map[string]string, args ...string) ([]byte, error) {
		out, err := run(ctx, vars, args...)
		// The go command has changed the copy: where is it?
		for _, d := range []string{tmp, dir} {
			filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
				if err == nil && !e.IsDir() && p != ed.File && !strings.Contains(p, "telemetry") {
					seen = append(seen, p)
				}
				return nil
			})
		}
		if strings.HasPrefix(vars["GOENV"], tmp) || strings.HasPrefix(vars["GOENV"], dir) {
			seen = append(seen, "GOENV="+vars["GOENV"])
		}
		return out, err
	}
	p, err := ed.Preview(context.Background(), []Change{{Key: "GO111MODULE", Unset: true}, {Key: "GOFLAGS", Value: "-mod=mod"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "GOFLAGS=-mod=mod\n" + secret; string(p.After) != want {
		t.Errorf("after %q, want %q", p.After, want)
	}
	if len(seen) > 0 {
		t.Errorf("the copy is on disk while the go command runs: %v", seen)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("Preview left %d entries in the temporary directory", len(entries))
	}
}

// goCommand is an Editor's Go: the real go command in dir, with environ
// and the editor's variables; its error is the go command's message.
func goCommand(dir string, environ []string) func(ctx context.Context, vars map[string]string, args ...string) ([]byte, error) {
	return func(ctx context.Context, vars map[string]string, args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = dir
		cmd.Env = slices.Clone(environ)
		for k, v := range vars {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, errors.New(strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
}
