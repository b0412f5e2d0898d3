package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// On a terminal, explain without a file would wait for input that never
// comes: it says how to use it instead, with exit code 2.
func TestExplainNeedsInput(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(streams{in: strings.NewReader(""), out: &out, err: &errb, inTTY: true, environ: os.Environ()}, []string{"explain"})
	if code != 2 || !strings.Contains(errb.String(), "give a log file, or pipe it in") || out.Len() != 0 {
		t.Errorf("exit %d, stderr %q, stdout %q", code, errb.String(), out.String())
	}
	// '-' reads standard input even on a terminal: the user asked for it.
	out.Reset()
	errb.Reset()
	code = run(streams{in: strings.NewReader("go: a.example/m@v1.0.0: module lookup disabled by GOPROXY=off\n"), out: &out, err: &errb, inTTY: true, environ: os.Environ()},
		[]string{"explain", "--timeout", "20s", "-C", t.TempDir(), "-"})
	if code != 1 || !strings.Contains(out.String(), "GOPROXY_OFF") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

func TestExplainFlags(t *testing.T) {
	log := filepath.Join(t.TempDir(), "build.log")
	if err := os.WriteFile(log, []byte("ok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"explain", "--timeout", "0s", log},
		{"explain", "-C", filepath.Join(t.TempDir(), "nowhere"), log},
		{"explain", "--format", "xml", log},
	} {
		var out, errb bytes.Buffer
		if code := run(streams{in: strings.NewReader(""), out: &out, err: &errb, environ: os.Environ()}, args); code != 2 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
		if !strings.Contains(errb.String(), "Run 'gomoddoctor --help' for usage") {
			t.Errorf("%v: no usage hint in %q", args, errb.String())
		}
	}
}

// An error line holds what the user or a file gave (here a path with a
// newline and a workflow command): its lines are kept (an error may
// quote the go command's), the command is neutralised.
func TestErrorLineInert(t *testing.T) {
	var out, errb bytes.Buffer
	bad := filepath.Join(t.TempDir(), "build.log\n::error title=X::INJECTED")
	code := run(streams{in: strings.NewReader(""), out: &out, err: &errb, environ: os.Environ()}, []string{"explain", bad})
	if code != 2 || !strings.Contains(errb.String(), "build.log\n\\::error title=X::INJECTED") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	for _, line := range strings.Split(errb.String(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("a workflow command line in stderr: %q", line)
		}
	}
}
