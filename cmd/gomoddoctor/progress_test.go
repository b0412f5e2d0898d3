package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/fixtures"
	"github.com/gomoddoctor/gomoddoctor/report/schema/schematest"
)

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	p := newProgressBar(&buf, 60)
	now := p.start
	p.now = func() time.Time { return now }
	p.update(checks.Progress{Check: "modcache", Phase: "hashing", Done: 1, Total: 10})
	if buf.Len() != 0 {
		t.Fatalf("drawn before the delay: %q", buf.String())
	}
	now = now.Add(time.Second)
	p.update(checks.Progress{Check: "modcache", Phase: "hashing", Done: 3, Total: 10})
	out := buf.String()
	if !strings.HasPrefix(out, "\r") || !strings.Contains(out, "modcache: hashing [") || !strings.Contains(out, " 3/10") || !strings.HasSuffix(out, "\x1b[K") {
		t.Errorf("bar %q", out)
	}
	if line := strings.TrimSuffix(strings.TrimPrefix(out, "\r"), "\x1b[K"); len(line) >= 60 {
		t.Errorf("bar wider than the terminal: %d columns", len(line))
	}
	buf.Reset()
	p.update(checks.Progress{Check: "modcache", Phase: "hashing", Done: 4, Total: 10})
	if buf.Len() != 0 {
		t.Errorf("redrawn within 100ms: %q", buf.String())
	}
	now = now.Add(time.Second)
	p.update(checks.Progress{Check: "modcache", Phase: "structure", Done: 7})
	if !strings.Contains(buf.String(), "modcache: structure 7") {
		t.Errorf("count without total: %q", buf.String())
	}
	buf.Reset()
	p.clear()
	if buf.String() != "\r\x1b[K" {
		t.Errorf("clear wrote %q", buf.String())
	}
	buf.Reset()
	now = now.Add(time.Second)
	p.update(checks.Progress{Check: "modcache", Phase: "hashing", Done: 9, Total: 10})
	p.clear()
	if buf.Len() != 0 {
		t.Errorf("drawn after clear: %q", buf.String())
	}
	if got := (&progressBar{width: 10}).line(checks.Progress{Check: "modcache", Phase: "hashing", Done: 1, Total: 2}); len(got) > 9 {
		t.Errorf("narrow terminal: %q", got)
	}
}

// TestProgressOnlyOnATerminal runs the doctor on a real module cache with
// the bar's delay at zero: the bar is drawn on standard error when it is
// a terminal, never with --json, never when it is not a terminal.
func TestProgressOnlyOnATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module cache with the go command")
	}
	defer func(d time.Duration) { progressDelay = d }(progressDelay)
	progressDelay = 0
	c := fixtures.NewModCache(t, fixtures.GoProxy(t).URL)
	for _, tc := range []struct {
		errTTY bool
		args   []string
		want   bool
	}{
		{true, nil, true},
		{true, []string{"--json"}, false},
		{false, nil, false},
	} {
		var out, errOut bytes.Buffer
		s := streams{in: strings.NewReader(""), out: &out, err: &errOut, environ: c.Environ(), errTTY: tc.errTTY, errWidth: 80}
		run(s, append([]string{"--check", "modcache", "-C", c.App}, tc.args...))
		if got := strings.Contains(errOut.String(), "modcache: "); got != tc.want {
			t.Errorf("errTTY=%v %v: progress drawn = %v (stderr %q)", tc.errTTY, tc.args, got, errOut.String())
		}
		if slices.Contains(tc.args, "--json") {
			schematest.Check(t, out.Bytes())
		}
		if strings.Contains(out.String(), "\r") {
			t.Errorf("progress in standard output: %q", out.String())
		}
	}
}
