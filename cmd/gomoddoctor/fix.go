package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/repair"
	"github.com/gomoddoctor/gomoddoctor/report"
)

// fixFlags are the flags of 'gomoddoctor --fix' and of the proxy advice.
type fixFlags struct {
	fix      bool
	yes      bool
	dryRun   bool
	fixCache bool
	mirrors  []string
}

// Variables of the environment that shape --fix.
const (
	// mirrorsEnv replaces the default candidate mirrors (the toolchain
	// default and the well-known public ones): a comma-separated list of
	// URLs, or "none". Test sandboxes set it so that no test measures a
	// real mirror.
	mirrorsEnv = "GOMODDOCTOR_MIRRORS"
)

func (f fixFlags) validate() error {
	if !f.fix {
		for name, set := range map[string]bool{"--yes": f.yes, "--dry-run": f.dryRun, "--fix-cache": f.fixCache} {
			if set {
				return fmt.Errorf("%s goes with --fix", name)
			}
		}
	}
	if f.yes && f.dryRun {
		return errors.New("--yes and --dry-run contradict each other")
	}
	for _, m := range f.mirrors {
		if err := checks.CheckMirrorURL(m); err != nil {
			return fmt.Errorf("--mirror %q: %v", m, err)
		}
	}
	return nil
}

// mirrorCandidates are the mirrors the proxy check measures when the
// GOPROXY chain fails: those named with --mirror, then the defaults (or
// those of $GOMODDOCTOR_MIRRORS).
func mirrorCandidates(s streams, env *checks.Env, flags []string) []checks.Mirror {
	return checks.CandidateMirrors(env.Go, flags, s.getenv(mirrorsEnv), mirrorsEnv)
}

// runFix hands the report of the run to the repair flow, with the
// handler of the chosen format and, on a terminal, a prompter.
func runFix(ctx context.Context, s streams, f rootFlags, format string, env *checks.Env, list []*checks.Check, before *checks.Report) error {
	opts := repair.Options{
		Yes: f.yes, DryRun: f.dryRun, FixCache: f.fixCache,
		Environ: s.environ, Dir: f.dir,
		Checks: list, Timeout: f.timeout, Version: toolVersion(),
	}
	if s.inTTY {
		w := s.out
		if format != "text" {
			w = s.err // standard output is a report for machines
		}
		opts.Prompter = &prompter{in: s.in, out: w}
	}
	h := report.FixHandler(format, s.out, s.err, reportOptions(s, f.outputFlags))
	code, err := repair.Run(ctx, env, before, opts, h)
	if err != nil {
		return err
	}
	return exitCode(code)
}

// prompter asks on the terminal.
type prompter struct {
	in  io.Reader
	out io.Writer
}

func (p *prompter) Confirm(question string) bool {
	fmt.Fprintf(p.out, "%s [y/N] ", question)
	line, _ := bufio.NewReader(io.LimitReader(p.in, 1024)).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}
