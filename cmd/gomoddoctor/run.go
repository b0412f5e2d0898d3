package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/advisor"
	"github.com/gomoddoctor/gomoddoctor/checks/explain"
	"github.com/gomoddoctor/gomoddoctor/checks/gorun"
)

const runLong = `run runs a go command (or any command that runs one) with your
environment, its output streamed unchanged as it comes. When it fails,
gomoddoctor explains its output (as 'explain' does), runs the live checks
that can confirm or rule out each cause on this machine (as
'explain --check' does), and prints one report after the command's own
output. When the command prints to standard output, keep a machine-readable
report apart with --save json=FILE rather than --json.

A command that succeeds costs nothing: no check runs and nothing of
gomoddoctor's is printed (one line on standard error with -v).

Signals sent to gomoddoctor (SIGINT, SIGTERM, SIGHUP, SIGQUIT) are passed
on to the command (which then ends without a report: it was interrupted,
not broken). gomoddoctor never ends the command by itself: a
command that hangs runs until your own timeout ends it, unless
--kill-after says otherwise.

Exit status: the command's own (128+n when signal n ended it); 127 when
it cannot be started; 2 for a usage error.`

const runExample = `  gomoddoctor run -- go mod download
  gomoddoctor run --format github -- go build ./...
  gomoddoctor run --save json=gomoddoctor.json -- go test ./...
  gomoddoctor run --kill-after 10m -- go mod download`

// runKeep is how much of the command's output is kept for explain.
const runKeep = 32 << 20

type runFlags struct {
	outputFlags
	saveFlags
	timeout   time.Duration
	killAfter time.Duration
	dir       string
}

func newRunCmd(s streams) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:     "run [flags] -- COMMAND [ARG...]",
		Short:   "Run a go command; when it fails, explain why and check this machine",
		Long:    runLong,
		Example: runExample,
		Args: usageArgs(func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return errors.New("run needs a command: gomoddoctor run -- go mod download")
			}
			if cmd.ArgsLenAtDash() != 0 {
				return fmt.Errorf("put the command after --: gomoddoctor run [flags] -- %s", strings.Join(args, " "))
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd.Context(), s, f, args)
		},
	}
	fl := cmd.Flags()
	f.outputFlags.addTo(fl, formatUsage+" (default text)", "print the report as JSON (schema version 1); short for --format json", "say when the command succeeded; in a report, also show which checks can confirm each cause, and informational findings")
	f.saveFlags.register(cmd)
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "deadline for the checks that run after a failure (the command itself has none)")
	fl.DurationVar(&f.killAfter, "kill-after", 0, "interrupt the command if it runs longer than this, and kill it 10s later (default: never)")
	fl.StringVarP(&f.dir, "dir", "C", "", "run the command, and read the Go environment, in this directory")
	return cmd
}

// runRun runs the command and, when it fails, reports why.
func runRun(parent context.Context, s streams, f runFlags, args []string) error {
	if f.timeout <= 0 {
		return usageError{fmt.Errorf("--timeout must be positive, not %v", f.timeout)}
	}
	if f.killAfter < 0 {
		return usageError{fmt.Errorf("--kill-after must not be negative, not %v", f.killAfter)}
	}
	format, err := f.resolve()
	if err != nil {
		return err
	}
	saves, err := f.saveFlags.parse()
	if err != nil {
		return err
	}
	if err := checkDir(f.dir); err != nil {
		return err
	}
	res, err := gorun.Run(parent, gorun.Options{
		Args: args, Dir: f.dir, Environ: s.environ,
		Stdin: s.in, Stdout: s.out, Stderr: s.err,
		Keep: runKeep, KillAfter: f.killAfter, Signals: s.signals,
	})
	if res == nil {
		fmt.Fprintf(s.err, "gomoddoctor: %v\n", err)
		if errors.Is(err, gorun.ErrNotFound) {
			return exitCode(127)
		}
		return exitCode(checks.ExitInternal)
	}
	command := strings.Join(args, " ")
	if !res.Failed() {
		if f.verbose {
			fmt.Fprintf(s.err, "gomoddoctor: %s succeeded in %s; nothing to diagnose\n", command, res.Duration.Round(time.Millisecond))
		}
		return nil
	}
	if res.Relayed {
		// Interrupted by its user: nothing to diagnose.
		return exitCode(res.ExitCode)
	}
	if res.Killed {
		fmt.Fprintf(s.err, "gomoddoctor: %s ran longer than --kill-after %v and was stopped\n", command, f.killAfter)
	}

	start := time.Now()
	log, perr := explain.Parse(bytes.NewReader(res.Output), explain.Limits{MaxBytes: runKeep})
	if perr != nil {
		// Binary output: nothing to explain, but the live checks can
		// still speak.
		log, _ = explain.Parse(strings.NewReader(""), explain.DefaultLimits)
	}
	ctx, cancel := context.WithTimeout(parent, f.timeout)
	defer cancel()
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: f.dir, Environ: s.environ})
	env.StdinTerminal = s.inTTY
	env.Options = checks.Options{Verbose: f.verbose}
	env.AddSecretsIn(command)
	lr := explain.Explain(log, env, command)
	results := explain.Confirm(ctx, env, lr, checks.Runner{})
	rep := checks.NewReport(env, toolVersion(), results, advisor.Advise(env, results), time.Since(start))
	rep.Log = lr
	rep.Status = checks.StatusFail
	rep.Run = &checks.RunInfo{Command: env.Scrub(command), ExitCode: res.ExitCode, DurationMS: res.Duration.Milliseconds(), Killed: res.Killed}

	if err := render(s, format, f.outputFlags, rep); err != nil {
		return err
	}
	if err := saveReports(s, saves, f.outputFlags, rep); err != nil {
		return err
	}
	return exitCode(res.ExitCode)
}
