//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/repair"
)

// kill -9 at any moment of --fix leaves no copy of the GOENV file (which
// may hold credentials) in the temporary directory. Ten runs of the real
// command (this test binary, which runs main as gomoddoctor), each with
// its own GOENV file and TMPDIR, run side by side. A test hook marks the
// moment each has made the change on its copy of the file (the preview;
// the check of the new file and the apply follow); run i is killed, with
// the go commands it started, i×25ms after that mark. The GOENV file is
// then the old one or the new one, never anything else.
func TestFixKilledLeavesNoCopy(t *testing.T) {
	environ, dir, file := fixSandbox(t)
	original, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	// Each run costs ~0.3s of CPU, several times that with -race (which
	// the runs themselves do not need): fewer runs then, spread over
	// the same window.
	runs, step := 10, 25*time.Millisecond
	if raceBuild {
		runs, step = 4, 75*time.Millisecond
	}
	type proc struct {
		cmd        *exec.Cmd
		tmp, goenv string
		mark       string
		delay      time.Duration
		done       chan error
		out        strings.Builder
		killed     bool
		marked     bool
	}
	procs := make([]*proc, runs)
	for i := range procs {
		p := &proc{
			tmp: filepath.Join(root, fmt.Sprint("tmp-", i)), goenv: filepath.Join(root, fmt.Sprint("env-", i)),
			mark: filepath.Join(root, fmt.Sprint("mark-", i)), delay: time.Duration(i) * step,
			done: make(chan error, 1),
		}
		if err := os.Mkdir(p.tmp, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p.goenv, original, 0o600); err != nil {
			t.Fatal(err)
		}
		p.cmd = &exec.Cmd{Path: exe, Args: []string{"gomoddoctor", "-C", dir, "--check", "env", "--fix", "--yes"}}
		p.cmd.Env = append(slices.Clip(environ), "GOENV="+p.goenv, "TMPDIR="+p.tmp, "CGO_ENABLED=0", repair.MarkEnv+"=preview:"+p.mark)
		// Its own process group: the kill takes the go commands it runs
		// too, as a kill of the terminal's job would.
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
		procs[i] = p
	}
	var wg sync.WaitGroup
	for _, p := range procs {
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { p.done <- p.cmd.Wait() }()
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Bounded: the mark comes within a run, or the run ends.
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			limit := time.After(30 * time.Second)
			for !p.marked {
				select {
				case err := <-p.done:
					p.done <- err
					return
				case <-limit:
					return
				case <-tick.C:
					_, err := os.Stat(p.mark)
					p.marked = err == nil
				}
			}
			time.Sleep(p.delay)
			select {
			case err := <-p.done:
				p.done <- err
			default:
				syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
				p.killed = true
			}
		}()
	}
	wg.Wait()
	killed := 0
	for i, p := range procs {
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
			t.Errorf("run %d never ended", i)
		}
		if !p.marked {
			t.Errorf("run %d never reached the preview:\n%s", i, p.out.String())
		}
		if p.killed {
			killed++
		}
		entries, _ := os.ReadDir(p.tmp)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "gomoddoctor") {
				t.Errorf("run %d (killed %v after the preview: %v) left %s in its TMPDIR", i, p.delay, p.killed, e.Name())
			}
		}
		got, err := os.ReadFile(p.goenv)
		if err != nil || string(got) != string(original) && string(got) != "# mine\n" {
			t.Errorf("run %d: the GOENV file holds %q (%v)", i, got, err)
		}
	}
	t.Logf("%d of %d runs killed after the preview, at 0 to %v", killed, runs, procs[runs-1].delay)
	if killed < runs/2 {
		t.Errorf("only %d runs were killed before they ended", killed)
	}
}
