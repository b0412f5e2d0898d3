package main

import (
	"fmt"
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/report"
)

// formats are the output formats of the root command and of explain.
var formats = report.Formats

const formatUsage = "output format: text, json (versioned, for machines), markdown (a paste-ready bug report) or github (GitHub Actions annotations)"

// outputFlags are the flags that choose how a report is written.
type outputFlags struct {
	format  string
	json    bool
	verbose bool
	noColor bool
}

// resolve returns the format chosen: --json is short for --format json,
// and the two may not disagree.
func (o outputFlags) resolve() (string, error) {
	f := strings.ToLower(strings.TrimSpace(o.format))
	switch {
	case f == "" && o.json:
		return "json", nil
	case f == "":
		return "text", nil
	case o.json && f != "json":
		return "", usageError{fmt.Errorf("--json is short for --format json; it cannot be combined with --format %s", o.format)}
	}
	for _, known := range formats {
		if f == known {
			return f, nil
		}
	}
	return "", usageError{fmt.Errorf("unknown --format %q (known formats: %s)", o.format, strings.Join(formats, ", "))}
}

// render writes the report in the chosen format.
func render(s streams, format string, o outputFlags, rep *checks.Report) error {
	return report.Render(s.out, format, rep, reportOptions(s, o))
}

// reportOptions are the renderers' options for these streams.
func reportOptions(s streams, o outputFlags) report.Options {
	return report.Options{Verbose: o.verbose, Color: useColor(s, o.noColor), Width: textWidth(s)}
}
