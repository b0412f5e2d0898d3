package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/reportdiff"
	"github.com/gomoddoctor/gomoddoctor/report"
)

const diffLong = `diff compares two reports written by 'gomoddoctor --json' (this machine
and CI; two colleagues' machines): the Go version and toolchain, every
setting with its source (process environment, GOENV file, toolchain
default), the resolver and what each host resolved to, the GOPROXY
chain's answers per entry, the TLS roots and issuers, the checksum
database's route, the module cache and the checks' statuses.

The differences that decide a check that fails on one side and not on
the other come first; the checks and findings that differ next; the rest
after (all of them with -v in text).

Exit codes: 0 the reports do not differ; 1 they do; 2 usage error or a
file that is not a report of schema version 1.`

const diffExample = `  gomoddoctor --json > mine.json     # on your machine
  gomoddoctor --json > ci.json       # in the CI job (an artifact of the action)
  gomoddoctor diff mine.json ci.json`

func newDiffCmd(s streams) *cobra.Command {
	var f outputFlags
	cmd := &cobra.Command{
		Use:     "diff A.json B.json",
		Short:   "Compare two --json reports: what differs, and what explains a failure on one side",
		Long:    diffLong,
		Example: diffExample,
		Args:    usageArgs(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(s, f, args[0], args[1])
		},
	}
	fl := cmd.Flags()
	f.addTo(fl, formatUsage+" (default text)", "print the comparison as JSON (schema version 1); short for --format json", "also list the differences that explain nothing")
	return cmd
}

func runDiff(s streams, f outputFlags, fileA, fileB string) error {
	format, err := f.resolve()
	if err != nil {
		return err
	}
	a, err := readReport(fileA)
	if err != nil {
		return err
	}
	b, err := readReport(fileB)
	if err != nil {
		return err
	}
	d := reportdiff.Compare(fileA, a, fileB, b, toolInfo())
	if err := report.RenderDiff(s.out, format, d, reportOptions(s, f)); err != nil {
		return err
	}
	if len(d.Differences) > 0 {
		return exitCode(1)
	}
	return nil
}

// readReport reads a --json report, at most 64 MiB of it.
func readReport(file string) (*checks.Report, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, usageError{fmt.Errorf("cannot read the report: %v", err)}
	}
	defer f.Close()
	data, err := readLimited(f, 64<<20)
	if err != nil {
		return nil, usageError{fmt.Errorf("%s: %v", file, err)}
	}
	r, err := reportdiff.Parse(file, data)
	if err != nil {
		return nil, usageError{err}
	}
	return r, nil
}

// readLimited reads r to its end, refusing more than limit bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errors.New("larger than a report can be")
	}
	return data, nil
}

// toolInfo names this gomoddoctor.
func toolInfo() checks.Tool { return checks.Tool{Name: "gomoddoctor", Version: toolVersion()} }
