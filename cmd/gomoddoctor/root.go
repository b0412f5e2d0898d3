package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/mod/module"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/advisor"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/checks/suite"
	"github.com/gomoddoctor/gomoddoctor/report"
)

// resolverEnv names the variable that gives --resolver its default, so
// that CI settings and test sandboxes can pin name resolution.
const resolverEnv = "GOMODDOCTOR_RESOLVER"

// rootFlags are the flags of the root command.
type rootFlags struct {
	outputFlags
	saveFlags
	timeout time.Duration
	checks  []string
	dir     string
	scope   string
	rehash  bool
	// network checks
	resolver    string
	probeModule string
	// module check
	probeBranches bool
	fixFlags
}

const rootLong = `gomoddoctor finds out why the go command cannot fetch modules on this
machine (a broken GOPROXY, a missing GOPRIVATE, a corporate TLS proxy, a
checksum mismatch, a corrupted module cache...) and names the exact command
that fixes each problem.

It reads the environment the way the go command does, runs its checks
concurrently under one deadline, and never sends a request the go command
itself would not send.`

const rootExample = `  # On a failing dev machine, in the module directory:
  gomoddoctor

  # In a CI failure step: a versioned, machine-readable report.
  gomoddoctor --json > gomoddoctor.json

  # In GitHub Actions: problems as annotations; a bug report to paste.
  gomoddoctor --format github
  gomoddoctor --format markdown >> "$GITHUB_STEP_SUMMARY"

  # Explain the log of a failed go command:
  go build ./... 2>&1 | tee build.log; gomoddoctor explain build.log

  # Only some checks, with details and passing checks shown:
  gomoddoctor --check env -v

  # Verify every entry of the module cache, not only this module's:
  gomoddoctor --check modcache --scope all

  # Repair the environment in one go: the plan as a diff of the GOENV
  # file, a question, a backup, 'go env -w', and the checks again:
  gomoddoctor --fix
  gomoddoctor --fix --dry-run       # show the change, and stop
  gomoddoctor --fix --yes           # in scripts and CI: do not ask
  gomoddoctor --fix --fix-cache     # also delete damaged module cache entries
  gomoddoctor undo                  # put the GOENV file back as it was

  # When the GOPROXY chain fails, also measure this mirror:
  gomoddoctor --mirror https://goproxy.corp.example

  # Which module mirror to use from here, measured on your own modules:
  gomoddoctor mirrors`

// run executes the command line and returns the exit code: a command
// returns nil for 0, an *exitError for another code, and any other error
// for 2, with a hint to the help when it is a usageError.
func run(s streams, args []string) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.Execute()
	var ee *exitError
	switch {
	case err == nil:
		return checks.ExitOK
	case errors.As(err, &ee):
		return ee.code
	}
	fmt.Fprintf(s.err, "gomoddoctor: %s\n", checks.SanitizeText(checks.RedactString(err.Error())))
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(s.err, "Run 'gomoddoctor --help' for usage.")
	}
	return checks.ExitInternal
}

func newRootCmd(s streams) *cobra.Command {
	var f rootFlags
	root := &cobra.Command{
		Use:           "gomoddoctor",
		Short:         "Diagnose why the go command cannot fetch modules, and fix it",
		Long:          rootLong,
		Example:       rootExample,
		Args:          usageArgs(cobra.NoArgs),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDoctor(cmd.Context(), s, f)
		},
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })

	fl := root.Flags()
	f.outputFlags.addTo(fl, formatUsage+" (default text)", "print the report as JSON (schema version 1); short for --format json", "show passing checks' details and informational findings")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "deadline for the whole run; every network operation honours it")
	fl.StringSliceVar(&f.checks, "check", nil, "run only these checks (comma-separated ids; see 'gomoddoctor checks')")
	fl.StringVarP(&f.dir, "dir", "C", "", "diagnose as if run in this directory")
	fl.StringVar(&f.scope, "scope", checks.ScopeModule, "what the modcache check hashes: module (the main module's build list) or all (the whole module cache)")
	f.saveFlags.register(root)
	root.RegisterFlagCompletionFunc("scope", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{checks.ScopeModule, checks.ScopeAll}, cobra.ShellCompDirectiveNoFileComp
	})
	fl.BoolVar(&f.rehash, "rehash", false, "make the modcache check hash every module version again instead of re-using the hashes of files unchanged since the last run ($"+cacheEnv+"=off remembers nothing)")
	fl.StringVar(&f.resolver, "resolver", s.getenv(resolverEnv), "send DNS queries to these servers (host[:port],...) instead of the system's; the first also serves Go's resolver; default $"+resolverEnv)
	fl.StringVar(&f.probeModule, "probe-module", "", "ask the module proxies about this module (path[@version]) instead of the main module's requirements")
	fl.BoolVar(&f.probeBranches, "probe-branches", false, "let the module check ask the origins of pseudo-version requirements whether their branch moved on (as 'GOPROXY=direct' would)")
	fl.BoolVar(&f.fix, "fix", false, "repair the environment: show the plan as a diff of the GOENV file, ask, back up the file, apply with 'go env -w', run the checks again ('gomoddoctor undo' restores the file)")
	fl.BoolVarP(&f.yes, "yes", "y", false, "with --fix: apply without asking (scripts, CI)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "with --fix: show what would change, and stop")
	fl.BoolVar(&f.fixCache, "fix-cache", false, "with --fix: also run the plan's module cache repairs, which delete damaged cache entries")
	fl.StringArrayVar(&f.mirrors, "mirror", nil, "when the GOPROXY chain fails, also measure this module proxy as a candidate (repeatable); the toolchain default and well-known public mirrors are measured too, unless $"+mirrorsEnv+" names others (or none)")

	root.AddCommand(newVersionCmd(s), newChecksCmd(s), newExplainCmd(s), newUndoCmd(s), newMirrorsCmd(s), newRunCmd(s), newDiffCmd(s))
	return root
}

// runDoctor runs the selected checks and renders the report.
func runDoctor(parent context.Context, s streams, f rootFlags) error {
	if f.timeout <= 0 {
		return usageError{fmt.Errorf("--timeout must be positive, not %v", f.timeout)}
	}
	format, err := f.resolve()
	if err != nil {
		return err
	}
	list, err := suite.Select(f.checks)
	if err != nil {
		return usageError{err}
	}
	if f.scope != checks.ScopeModule && f.scope != checks.ScopeAll {
		return usageError{fmt.Errorf("--scope must be %s or %s, not %q", checks.ScopeModule, checks.ScopeAll, f.scope)}
	}
	if err := checkResolver(f.resolver); err != nil {
		return usageError{err}
	}
	if err := checkProbeModule(f.probeModule); err != nil {
		return usageError{err}
	}
	if err := f.fixFlags.validate(); err != nil {
		return usageError{err}
	}
	saves, err := f.saveFlags.parse()
	if err != nil {
		return err
	}
	if f.dir != "" {
		if fi, err := os.Stat(f.dir); err != nil || !fi.IsDir() {
			return usageError{fmt.Errorf("-C %s: not a directory", f.dir)}
		}
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(parent, f.timeout)
	defer cancel()

	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: f.dir, Environ: s.environ})
	env.StdinTerminal = s.inTTY
	env.Options = checks.Options{Verbose: f.verbose, Scope: f.scope, Resolver: f.resolver, ProbeModule: f.probeModule, ProbeBranches: f.probeBranches,
		Rehash: f.rehash, CacheDir: doctorCacheDir(s)}
	env.Options.Mirrors = mirrorCandidates(s, env, f.mirrors)
	// Progress goes to standard error, and only to a terminal: never
	// into a pipe, a log or a machine-readable report.
	var bar *progressBar
	if s.errTTY && format == "text" {
		bar = newProgressBar(s.err, s.errWidth)
		env.Options.Progress = bar.update
	}
	results := checks.Runner{}.Run(ctx, env, list)
	if bar != nil {
		bar.clear()
	}
	rep := checks.NewReport(env, toolVersion(), results, advisor.Plan(ctx, env, results, list), time.Since(start))
	if f.fix {
		return runFix(parent, s, f, format, env, list, rep)
	}

	if err := render(s, format, f.outputFlags, rep); err != nil {
		return err
	}
	if err := saveReports(s, saves, f.outputFlags, rep); err != nil {
		return err
	}
	return exitCode(rep.ExitCode())
}

// checkResolver accepts a comma-separated list of host or host:port.
func checkResolver(list string) error {
	for _, addr := range strings.Split(list, ",") {
		if list == "" {
			return nil
		}
		host, port := netenv.SplitHostPort(strings.TrimSpace(addr), "53")
		if host == "" || strings.ContainsAny(host, "/ ") {
			return fmt.Errorf("--resolver %q: want host or host:port", addr)
		}
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return fmt.Errorf("--resolver %q: bad port %q", addr, port)
		}
	}
	return nil
}

// checkProbeModule accepts a module path, optionally with @version or
// @latest.
func checkProbeModule(pm string) error {
	if pm == "" {
		return nil
	}
	path, version, hasVersion := strings.Cut(pm, "@")
	if err := module.CheckPath(path); err != nil {
		return fmt.Errorf("--probe-module: %v", err)
	}
	if hasVersion && version != "latest" {
		if err := module.Check(path, version); err != nil {
			return fmt.Errorf("--probe-module: %v", err)
		}
	}
	return nil
}

// useColor decides whether to colour: never with --no-color, NO_COLOR or
// TERM=dumb; otherwise on a terminal, or when CLICOLOR_FORCE asks for it.
func useColor(s streams, noColor bool) bool {
	if noColor || s.getenv("NO_COLOR") != "" || s.getenv("TERM") == "dumb" {
		return false
	}
	if v := s.getenv("CLICOLOR_FORCE"); v != "" && v != "0" {
		return true
	}
	return s.outTTY
}

// textWidth is the terminal's width, capped for readability; 80 when the
// output is not a terminal.
func textWidth(s streams) int {
	if s.outTTY && s.outWidth > 0 {
		return min(s.outWidth, 100)
	}
	return 80
}

func newVersionCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of gomoddoctor",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(s.out, "gomoddoctor %s (built with %s, %s/%s)\n", toolVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}

func newChecksCmd(s streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List the checks, what each one examines, and the codes it reports",
		Long: `checks lists the checks in report order, with what each examines and every
code it may report: the severities it may have, what it means, and whether
'gomoddoctor --fix' may apply its fix by itself. The codes are the stable
names of findings in every output format; --json lists them for machines.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if asJSON {
				return report.ChecksJSON(s.out, suite.All())
			}
			return report.ChecksText(s.out, suite.All())
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "list the checks and their codes as JSON")
	return cmd
}
