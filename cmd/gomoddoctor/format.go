package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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

// addTo registers the output flags on fl, with the help of --format,
// --json and -v for the command at hand.
func (o *outputFlags) addTo(fl *pflag.FlagSet, formatHelp, jsonHelp, verboseHelp string) {
	fl.StringVar(&o.format, "format", "", formatHelp)
	fl.BoolVar(&o.json, "json", false, jsonHelp)
	fl.BoolVarP(&o.verbose, "verbose", "v", false, verboseHelp)
	fl.BoolVar(&o.noColor, "no-color", false, "never colour the output (NO_COLOR=1 does the same)")
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

// saveFlags are --save FORMAT=FILE: the report also written to files,
// in other formats, from the same run (a CI step that wants annotations,
// a job summary and a JSON artifact runs the checks once).
type saveFlags struct{ saves []string }

func (f *saveFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.saves, "save", nil, "also write the report to FILE in FORMAT (FORMAT=FILE, repeatable; e.g. --save json=gomoddoctor.json --save markdown=report.md)")
}

// A save is one --save: a format and the file to write.
type save struct{ format, file string }

func (f *saveFlags) parse() ([]save, error) {
	var out []save
	for _, v := range f.saves {
		format, file, ok := strings.Cut(v, "=")
		format = strings.ToLower(strings.TrimSpace(format))
		if !ok || file == "" || !slices.Contains(formats, format) {
			return nil, usageError{fmt.Errorf("--save %q: want FORMAT=FILE with FORMAT one of %s", v, strings.Join(formats, ", "))}
		}
		out = append(out, save{format, file})
	}
	return out, nil
}

// saveReports writes the report to every --save file, without colour.
func saveReports(s streams, saves []save, o outputFlags, rep *checks.Report) error {
	for _, sv := range saves {
		var buf bytes.Buffer
		if err := report.Render(&buf, sv.format, rep, report.Options{Verbose: o.verbose, Width: 80}); err != nil {
			return err
		}
		if err := os.WriteFile(sv.file, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("--save: %v", err)
		}
	}
	return nil
}

// checkDir accepts "" or a directory, for -C.
func checkDir(dir string) error {
	if dir == "" {
		return nil
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usageError{fmt.Errorf("-C %s: not a directory", dir)}
	}
	return nil
}
