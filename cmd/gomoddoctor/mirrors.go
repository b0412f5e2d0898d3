package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/mirrors"
	"github.com/gomoddoctor/gomoddoctor/checks/repair"
	"github.com/gomoddoctor/gomoddoctor/checks/suite"
	"github.com/gomoddoctor/gomoddoctor/report"
)

// mirrorsFlags are the flags of 'gomoddoctor mirrors'.
type mirrorsFlags struct {
	outputFlags
	timeout  time.Duration
	dir      string
	resolver string
	mirrors  []string
	origin   bool
	fix      bool
	yes      bool
	dryRun   bool
}

const mirrorsLong = `mirrors measures, from this machine, which module mirror to use: the
GOPROXY entries in force, the toolchain's default (from $GOROOT/go.env), the
well-known public mirrors and those named with --mirror ($GOMODDOCTOR_MIRRORS,
a comma-separated list or "none", replaces the defaults and the public ones).

Each candidate is asked what the go command would ask it, concurrently,
through the HTTP proxy in force, under --timeout, and at most ` + "50" + ` requests
a candidate: whether it answers (or fails at DNS, TCP, TLS, the HTTP proxy or
HTTP), the .mod and .info of the main module's public requirements (at most
20), @latest for requirements on pseudo-versions and direct ones (at most 4:
a mirror behind the others, or the origin with --origin, is named with what
the go command would get through it), /sumdb/<name>/supported for the
checksum database in force, and one zip (time to first byte apart from the
transfer). Latency is the median and 90th percentile of the requests made.

The recommendation is the fastest candidate that serves everything fresh,
as the exact 'go env -w GOPROXY=...': your private entries stay first and
',direct' stays when you had it. A requirement GOPRIVATE, GONOPROXY or
GONOSUMDB covers is never named to any candidate. --fix applies the
recommendation like 'gomoddoctor --fix' does: the change as a diff, a
question, a backup of the GOENV file, the env and proxy checks again, and
'gomoddoctor undo'.

Exit codes: 0 a mirror serves everything fresh, 1 none does (or --fix
failed), 2 usage or internal error.`

const mirrorsExample = `  gomoddoctor mirrors
  gomoddoctor mirrors --mirror https://goproxy.corp.example
  gomoddoctor mirrors --origin          # also ask the origins, as GOPROXY=direct
  gomoddoctor mirrors --format markdown
  gomoddoctor mirrors --fix             # apply the recommendation (undo: gomoddoctor undo)`

func newMirrorsCmd(s streams) *cobra.Command {
	var f mirrorsFlags
	cmd := &cobra.Command{
		Use:     "mirrors",
		Short:   "Measure which module mirror to use from here, on your own modules, fresh or stale",
		Long:    mirrorsLong,
		Example: mirrorsExample,
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMirrors(cmd.Context(), s, f)
		},
	}
	fl := cmd.Flags()
	f.outputFlags.addTo(fl, "output format: text, json or markdown (default text)", "short for --format json", "also say which HTTP proxy the requests went through")
	fl.DurationVar(&f.timeout, "timeout", 15*time.Second, "deadline of the measurement; every request honours it")
	fl.StringVarP(&f.dir, "dir", "C", "", "measure for the module in this directory")
	fl.StringVar(&f.resolver, "resolver", s.getenv(resolverEnv), "send DNS queries to these servers (host[:port],...) instead of the system's; default $"+resolverEnv)
	fl.StringArrayVar(&f.mirrors, "mirror", nil, "also measure this module proxy (repeatable)")
	fl.BoolVar(&f.origin, "origin", false, "also resolve @latest at the origin servers, as GOPROXY=direct would (runs the go command; off by default)")
	fl.BoolVar(&f.fix, "fix", false, "apply the recommendation: show the change of the GOENV file, ask, back it up, apply with 'go env -w', run the env and proxy checks again")
	fl.BoolVarP(&f.yes, "yes", "y", false, "with --fix: apply without asking")
	fl.BoolVar(&f.dryRun, "dry-run", false, "with --fix: show what would change, and stop")
	return cmd
}

func runMirrors(parent context.Context, s streams, f mirrorsFlags) error {
	if f.timeout <= 0 {
		return usageError{fmt.Errorf("--timeout must be positive, not %v", f.timeout)}
	}
	format, err := f.resolve()
	if err != nil {
		return err
	}
	if format == "github" {
		return usageError{fmt.Errorf("mirrors has no --format github (known formats: %s)", strings.Join(report.MirrorsFormats, ", "))}
	}
	if err := (fixFlags{fix: f.fix, yes: f.yes, dryRun: f.dryRun, mirrors: f.mirrors}).validate(); err != nil {
		return usageError{err}
	}
	if err := checkResolver(f.resolver); err != nil {
		return usageError{err}
	}
	if f.dir != "" {
		if fi, err := os.Stat(f.dir); err != nil || !fi.IsDir() {
			return usageError{fmt.Errorf("-C %s: not a directory", f.dir)}
		}
	}
	ctx, cancel := context.WithTimeout(parent, f.timeout)
	defer cancel()
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: f.dir, Environ: s.environ})
	env.StdinTerminal = s.inTTY
	env.Options = checks.Options{Verbose: f.verbose, Resolver: f.resolver, Scope: checks.ScopeModule}
	if env.Go.GoEnvErr != nil {
		return fmt.Errorf("the go command cannot run: %v", env.Go.GoEnvErr)
	}
	cands := mirrors.Candidates(env.Go, f.mirrors, s.getenv(mirrorsEnv), mirrorsEnv)
	res := mirrors.Measure(ctx, env, mirrors.Options{Candidates: cands, Origin: f.origin})
	tool := checks.Tool{Name: "gomoddoctor", Version: toolVersion()}
	o := reportOptions(s, f.outputFlags)
	if !f.fix || format == "text" {
		if err := report.RenderMirrors(s.out, format, tool, res, o); err != nil {
			return err
		}
	}
	code := checks.ExitOK
	if res.Recommend.Mirror == nil {
		code = checks.ExitFail
	}
	if !f.fix {
		return exitCode(code)
	}
	if res.Recommend.Fix == nil {
		w := s.out
		if format != "text" {
			w = s.err
		}
		fmt.Fprintln(w, "\nNothing for --fix to change.")
		return exitCode(code)
	}
	return fixMirrors(parent, s, f, format, env, res)
}

// fixMirrors hands the recommendation to the repair flow as a plan of
// one step, with the env and proxy checks as the report it starts from
// and the checks it runs again.
func fixMirrors(parent context.Context, s streams, f mirrorsFlags, format string, env *checks.Env, res *mirrors.Result) error {
	list, err := suite.Select([]string{"env", "proxy"})
	if err != nil {
		return err
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(parent, f.timeout)
	results := checks.Runner{}.Run(ctx, env, list)
	cancel()
	rec := res.Recommend
	step := checks.PlanStep{Fix: *rec.Fix, AppliedBy: checks.ByYou, Because: []checks.FindingRef{}, Notes: rec.Notes}
	if rec.Fix.Kind == checks.FixGoEnv {
		step.AppliedBy = checks.ByFix
	} else {
		step.Notes = append(step.Notes, "GOPROXY comes from the process environment, which 'go env -w' cannot override: change it where it is set.")
	}
	before := checks.NewReport(env, toolVersion(), results, []checks.PlanStep{step}, time.Since(start))
	opts := repair.Options{
		Yes: f.yes, DryRun: f.dryRun,
		Environ: s.environ, Dir: f.dir,
		Checks: list, Timeout: f.timeout, Version: toolVersion(),
	}
	if s.inTTY {
		w := s.out
		if format != "text" {
			w = s.err
		}
		opts.Prompter = &prompter{in: s.in, out: w}
	}
	h := report.FixHandler(format, s.out, s.err, reportOptions(s, f.outputFlags))
	code, err := repair.Run(parent, env, before, opts, h)
	if err != nil {
		return err
	}
	return exitCode(code)
}
