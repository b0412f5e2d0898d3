//go:build unix

package gorun

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestExitStatusAndOutput(t *testing.T) {
	var out, errOut bytes.Buffer
	r, err := Run(context.Background(), Options{
		Args:    []string{"sh", "-c", "echo one; echo two >&2; exit 3"},
		Environ: os.Environ(), Stdout: &out, Stderr: &errOut, Keep: 1 << 10, Signals: []os.Signal{},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.ExitCode != 3 || !r.Failed() {
		t.Errorf("exit code %d, want 3", r.ExitCode)
	}
	if out.String() != "one\n" || errOut.String() != "two\n" {
		t.Errorf("streams: stdout %q, stderr %q", out.String(), errOut.String())
	}
	if got := string(r.Output); !strings.Contains(got, "one\n") || !strings.Contains(got, "two\n") {
		t.Errorf("kept output %q", got)
	}
}

// TestKeepIsBounded: only the beginning of a long output is kept, all of
// it is streamed.
func TestKeepIsBounded(t *testing.T) {
	var out bytes.Buffer
	r, err := Run(context.Background(), Options{
		Args:    []string{"sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo 0123456789; i=$((i+1)); done"},
		Environ: os.Environ(), Stdout: &out, Stderr: io.Discard, Keep: 100, Signals: []os.Signal{},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() != 22000 || len(r.Output) != 101 {
		t.Errorf("streamed %d bytes (want 22000), kept %d (want 101)", out.Len(), len(r.Output))
	}
}

// TestSignalReachesCommand: a SIGTERM sent to the doctor reaches the
// command, which decides what to do with it.
func TestSignalReachesCommand(t *testing.T) {
	pr, pw := io.Pipe()
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if sc.Text() == "ready" {
				close(ready)
			}
		}
	}()
	go func() {
		select {
		case <-ready:
			syscall.Kill(os.Getpid(), syscall.SIGTERM)
		case <-time.After(20 * time.Second):
		}
	}()
	r, err := Run(context.Background(), Options{
		Args:    []string{"sh", "-c", `trap 'echo got-term; exit 42' TERM; echo ready; i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done`},
		Environ: os.Environ(), Stdout: pw, Stderr: io.Discard, Keep: 1 << 10,
		Signals:   []os.Signal{syscall.SIGTERM},
		KillAfter: 30 * time.Second, // a bound for the test only
	})
	pw.Close()
	if err != nil {
		t.Fatal(err)
	}
	if r.ExitCode != 42 || !strings.Contains(string(r.Output), "got-term") {
		t.Errorf("exit code %d, output %q: the command did not get the signal", r.ExitCode, r.Output)
	}
	if r.Killed || !r.Relayed {
		t.Errorf("killed by the test's bound %v, relayed %v", r.Killed, r.Relayed)
	}
}

// TestNeverKilledWithoutFlag: without KillAfter a slow command runs to
// its end; with it, it is interrupted.
func TestNeverKilledWithoutFlag(t *testing.T) {
	r, err := Run(context.Background(), Options{Args: []string{"sleep", "0.3"}, Environ: os.Environ(), Signals: []os.Signal{}})
	if err != nil {
		t.Fatal(err)
	}
	if r.ExitCode != 0 || r.Killed || r.Duration < 300*time.Millisecond {
		t.Errorf("exit %d, killed %v after %v", r.ExitCode, r.Killed, r.Duration)
	}
	r, err = Run(context.Background(), Options{Args: []string{"sleep", "30"}, Environ: os.Environ(), Signals: []os.Signal{}, KillAfter: 100 * time.Millisecond, KillGrace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Killed || r.ExitCode != 128+int(syscall.SIGINT) || r.Duration > 10*time.Second {
		t.Errorf("exit %d, killed %v after %v", r.ExitCode, r.Killed, r.Duration)
	}
}

func TestNotFound(t *testing.T) {
	_, err := Run(context.Background(), Options{Args: []string{"no-such-command-here"}, Signals: []os.Signal{}})
	if err == nil || !strings.Contains(err.Error(), "cannot run no-such-command-here") {
		t.Fatalf("err = %v", err)
	}
}
