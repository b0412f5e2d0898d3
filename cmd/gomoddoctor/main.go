// Command gomoddoctor diagnoses why the go command cannot fetch modules on
// this machine, and names the exact command that fixes each problem.
//
// Run it in a module directory:
//
//	gomoddoctor            # a one-screen report
//	gomoddoctor --json     # a versioned, machine-readable report for CI
//	gomoddoctor --format github|markdown
//	gomoddoctor explain build.log   # the causes of a failed go command's errors
//
// Exit codes: 0 nothing failed, 1 at least one check failed, 2 usage or
// internal error. For explain: 0 no go error in the log, 1 go errors, 2
// usage error or unreadable input.
package main

import (
	"io"
	"os"
	"runtime/debug"
	"strings"

	"golang.org/x/term"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module version 'go install' records.
var version = ""

func main() {
	limitMemory()
	os.Exit(Main())
}

// memoryLimit is the doctor's soft memory limit (runtime/debug
// SetMemoryLimit), unless GOMEMLIMIT sets another: the garbage of a
// large go.mod, go.sum or hostile answer is collected before the
// process grows past it. What the doctor keeps is bounded too (the
// bodies it reads, the lines it keeps per finding), so the limit is
// reached only by garbage.
const memoryLimit = 40 << 20

func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// Main runs the command line of the process and returns its exit code.
func Main() int {
	return run(streams{
		in: os.Stdin, out: os.Stdout, err: os.Stderr,
		environ:  os.Environ(),
		inTTY:    isTerminal(os.Stdin),
		outTTY:   isTerminal(os.Stdout),
		outWidth: terminalWidth(os.Stdout),
		errTTY:   isTerminal(os.Stderr),
		errWidth: terminalWidth(os.Stderr),
	}, os.Args[1:])
}

// streams are the command's input and output, injected so that the
// commands can be tested without a terminal.
type streams struct {
	in       io.Reader
	out, err io.Writer
	environ  []string
	inTTY    bool // standard input is a terminal
	outTTY   bool // standard output is a terminal
	outWidth int  // its width in columns, 0 when unknown
	errTTY   bool // standard error is a terminal (progress may be drawn there)
	errWidth int
	// signals are relayed to a command 'run' runs; nil means the
	// default ones (gorun.DefaultSignals).
	signals []os.Signal
}

func (s streams) getenv(key string) string {
	for i := len(s.environ) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(s.environ[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

func terminalWidth(f *os.File) int {
	if w, _, err := term.GetSize(int(f.Fd())); err == nil {
		return w
	}
	return 0
}

func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
