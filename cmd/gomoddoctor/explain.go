package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/advisor"
	"github.com/gomoddoctor/gomoddoctor/checks/explain"
)

const explainLong = `explain reads the output of a failed go command (go build, go test,
go mod tidy, go mod download, go get, go install; also with -x, and the
JSON of -json) and recognises each module-related error in it: DNS and
TLS failures, refused and dropped connections, module proxy answers
(401, 403, 404, 410, 5xx), checksum mismatches, missing go.sum entries,
unknown revisions, private modules sent to a public proxy, go.mod and
toolchain version requirements, vendoring, GOPROXY/GOSUMDB/GOFLAGS
mistakes and more. For each it prints the finding code the live checks
use for the same cause, a plain explanation, the fix commands and the
log lines it came from. Error lines it does not recognise are listed as
such.

With --check it then runs the live checks that can confirm or rule out
each cause on this machine, and says which.

Exit codes: 0 the log holds no go error; 1 it does (the causes found are
explained, the others listed); 2 usage error, or input that cannot be
read or is not a text log.`

const explainExample = `  go build ./... 2>&1 | tee build.log
  gomoddoctor explain build.log

  go mod download 2>&1 | gomoddoctor explain --check

  # In GitHub Actions, after a failed step that saved its output:
  gomoddoctor explain --format github build.log`

type explainFlags struct {
	outputFlags
	saveFlags
	check   bool
	timeout time.Duration
	dir     string
}

func newExplainCmd(s streams) *cobra.Command {
	var f explainFlags
	cmd := &cobra.Command{
		Use:     "explain [FILE|-]",
		Short:   "Explain the module errors in the output of a failed go command",
		Long:    explainLong,
		Example: explainExample,
		Args:    usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExplain(cmd.Context(), s, f, args)
		},
	}
	fl := cmd.Flags()
	f.outputFlags.addTo(fl, formatUsage+" (default text)", "print the report as JSON (schema version 1); short for --format json", "also show which checks can confirm each cause, and informational findings")
	f.saveFlags.register(cmd)
	fl.BoolVar(&f.check, "check", false, "run the live checks that can confirm or rule out each cause on this machine")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "deadline for reading the Go environment and, with --check, for the checks")
	fl.StringVarP(&f.dir, "dir", "C", "", "read the Go environment as if run in this directory")
	return cmd
}

// runExplain reads the log, explains it and renders the report.
func runExplain(parent context.Context, s streams, f explainFlags, args []string) error {
	if f.timeout <= 0 {
		return usageError{fmt.Errorf("--timeout must be positive, not %v", f.timeout)}
	}
	format, err := f.resolve()
	if err != nil {
		return err
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
	source := "-"
	if len(args) == 1 {
		source = args[0]
	}
	var in io.Reader = s.in
	if source == "-" {
		if len(args) == 0 && s.inTTY {
			return usageError{errors.New("explain reads the output of a go command: give a log file, or pipe it in (go build ./... 2>&1 | gomoddoctor explain)")}
		}
	} else {
		file, err := os.Open(source)
		if err != nil {
			return fmt.Errorf("cannot read the log: %v", err)
		}
		defer file.Close()
		if fi, err := file.Stat(); err == nil && fi.IsDir() {
			return fmt.Errorf("cannot read the log: %s is a directory", source)
		}
		in = file
	}

	start := time.Now()
	log, err := explain.Parse(in, explain.DefaultLimits)
	if err != nil {
		var nt *explain.NotTextError
		if errors.As(err, &nt) {
			return fmt.Errorf("%s is %v: explain reads the text output of a go command", describeSource(source), err)
		}
		return err
	}

	ctx, cancel := context.WithTimeout(parent, f.timeout)
	defer cancel()
	env := checks.LoadEnv(ctx, checks.LoadOptions{Dir: f.dir, Environ: s.environ})
	env.StdinTerminal = s.inTTY
	env.Options = checks.Options{Verbose: f.verbose}
	lr := explain.Explain(log, env, source)
	results := []checks.CheckResult{}
	if f.check {
		results = explain.Confirm(ctx, env, lr, checks.Runner{})
	}
	rep := checks.NewReport(env, toolVersion(), results, advisor.Advise(env, results), time.Since(start))
	rep.Log = lr
	rep.Status = explain.Status(lr)

	if err := render(s, format, f.outputFlags, rep); err != nil {
		return err
	}
	if err := saveReports(s, saves, f.outputFlags, rep); err != nil {
		return err
	}
	return exitCode(explain.ExitCode(lr))
}

func describeSource(source string) string {
	if source == "-" {
		return "standard input"
	}
	return source
}
