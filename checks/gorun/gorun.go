// Package gorun runs a go command for 'gomoddoctor run': with the user's
// environment, its standard output and error streamed unchanged as they
// come, the beginning of both kept for explain, signals passed on, and
// its exit status reported as the go command's own.
//
// It never ends the command by itself: only when KillAfter is set (the
// --kill-after flag) does it interrupt a command that outlives it, and
// kill it if it has not exited KillGrace later.
package gorun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// Options say what to run and where its streams go.
type Options struct {
	Args    []string // the command and its arguments; Args[0] is looked up in PATH
	Dir     string   // "" for the current directory
	Environ []string // the command's environment
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	// Keep is how many bytes of the combined output are kept for
	// explain; Output then holds one more when there was more.
	Keep int
	// KillAfter, when positive, interrupts the command after that long,
	// and kills it KillGrace later. Zero: the command runs as long as it
	// runs; only the user's own timeout bounds it.
	KillAfter time.Duration
	KillGrace time.Duration // 0 means 10s
	// Signals are relayed to the command while it runs; nil means
	// DefaultSignals. Tests pass none.
	Signals []os.Signal
}

// DefaultSignals are the signals passed on to the command: a Ctrl-C
// reaches it through the terminal anyway (it is in the same process
// group); a CI runner's SIGTERM or a kill from a script reaches only us.
var DefaultSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// Result is how the command ended.
type Result struct {
	// ExitCode is the command's exit status; 128+n when signal n ended
	// it (as shells report it).
	ExitCode int
	// Output is the beginning of stdout and stderr as they came,
	// interleaved, at most Keep+1 bytes.
	Output   []byte
	Duration time.Duration
	// Killed is set when KillAfter expired and the command was ended.
	Killed bool
	// Relayed is set when a signal was passed on to the command (the
	// user interrupted it).
	Relayed bool
}

// Failed reports whether the command failed.
func (r *Result) Failed() bool { return r.ExitCode != 0 }

// ErrNotFound is returned (wrapped) when the command cannot be found.
var ErrNotFound = exec.ErrNotFound

// Run runs the command until it exits. ctx is not used to end it (see
// KillAfter); an error means it could not be started.
func Run(ctx context.Context, o Options) (*Result, error) {
	if len(o.Args) == 0 {
		return nil, errors.New("no command to run")
	}
	cmd := exec.Command(o.Args[0], o.Args[1:]...)
	cmd.Dir = o.Dir
	cmd.Env = o.Environ
	cmd.Stdin = o.Stdin
	keep := &prefix{max: o.Keep + 1}
	cmd.Stdout = &tee{w: o.Stdout, keep: keep}
	cmd.Stderr = &tee{w: o.Stderr, keep: keep}

	sigs := o.Signals
	if sigs == nil {
		sigs = DefaultSignals
	}
	var relay chan os.Signal
	if len(sigs) > 0 {
		relay = make(chan os.Signal, 4)
		signal.Notify(relay, sigs...)
		defer signal.Stop(relay)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot run %s: %w", o.Args[0], err)
	}
	done := make(chan struct{})
	var killed, relayed bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var deadline <-chan time.Time
		if o.KillAfter > 0 {
			t := time.NewTimer(o.KillAfter)
			defer t.Stop()
			deadline = t.C
		}
		var grace <-chan time.Time
		for {
			select {
			case <-done:
				return
			case s := <-relay:
				relayed = true
				cmd.Process.Signal(s)
			case <-deadline:
				killed = true
				cmd.Process.Signal(os.Interrupt)
				g := o.KillGrace
				if g <= 0 {
					g = 10 * time.Second
				}
				t := time.NewTimer(g)
				defer t.Stop()
				grace, deadline = t.C, nil
			case <-grace:
				cmd.Process.Kill()
				grace = nil
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	wg.Wait()
	r := &Result{Output: keep.buf.Bytes(), Duration: time.Since(start), Killed: killed, Relayed: relayed}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.ExitCode = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.ExitCode = 128 + int(ws.Signal())
		}
		if r.ExitCode <= 0 {
			r.ExitCode = 1
		}
	default:
		// The command ran but its output could not be copied (a closed
		// stdout): it failed as far as the caller can tell.
		return r, err
	}
	return r, nil
}

// tee writes to w and keeps the beginning of what passes.
type tee struct {
	w    io.Writer
	keep *prefix
}

func (t *tee) Write(p []byte) (int, error) {
	t.keep.Write(p)
	if t.w == nil {
		return len(p), nil
	}
	return t.w.Write(p)
}

// prefix keeps the first max bytes written to it, from several writers.
type prefix struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (k *prefix) Write(p []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if room := k.max - k.buf.Len(); room > 0 {
		k.buf.Write(p[:min(room, len(p))])
	}
}
